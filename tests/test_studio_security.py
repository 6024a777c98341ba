"""The 写作台's protections at the HTTP level, each a test that fails without it (issue #16).

Every refused request is followed by a check that the content tree is byte-identical.
"""

from __future__ import annotations

import io
import os
import socket
import time
import unicodedata

import pytest

from site_builder.studio.security import PHONE_TOKEN_SECONDS, Session
from site_builder.studio.server import open_sockets
from site_builder.studio.uploads import Limits
from tests.conftest import DEMO_NOW
from tests.images_fixtures import phone_jpeg
from tests.studio_helpers import BASE, PORT, open_studio, project_with, tree_digest

NEWS = "news/2024/2024-05-01-敬老活动.md"
BUNDLE = "reports/2024/2024-06-01-六一活动/index.md"


@pytest.fixture
def studio(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    project = project_with(tmp_path / "project")
    yield from open_studio(project)


@pytest.fixture
def anonymous(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    project = project_with(tmp_path / "project")
    yield from open_studio(project, login=False)


@pytest.fixture
def unchanged(studio):
    """Asserts, after the test, that nothing under content/ changed."""
    before = tree_digest(studio.content)
    yield studio
    assert tree_digest(studio.content) == before


# -- addresses -------------------------------------------------------------------------------------


def test_listens_on_loopback_only_unless_lan_mode():
    sockets, session = open_sockets(0, lan=False)
    try:
        assert [s.getsockname()[0] for s in sockets] == ["127.0.0.1", "127.0.0.1"]
        assert session.lan_host == "" and session.phone_port == 0
    finally:
        for sock in sockets:
            sock.close()
    # LAN mode adds one socket on the LAN address given, never 0.0.0.0 (127.0.0.2 stands in here).
    sockets, session = open_sockets(0, lan=True, lan_host="127.0.0.2")
    try:
        assert [s.getsockname()[0] for s in sockets] == ["127.0.0.1", "127.0.0.1", "127.0.0.2"]
        assert session.phone_origin == f"http://127.0.0.2:{sockets[2].getsockname()[1]}"
    finally:
        for sock in sockets:
            sock.close()


def test_a_taken_port_is_a_message():
    from site_builder.studio.server import StudioUnavailable, bind

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(StudioUnavailable, match="已被占用"):
            bind("127.0.0.1", taken.getsockname()[1])


# -- token ----------------------------------------------------------------------------------------


def test_every_request_without_the_token_is_refused_static_assets_aside(anonymous):
    client = anonymous.client
    for url in ("/", "/api/articles", f"/api/article?src={NEWS}", "/api/site", "/api/publish"):
        assert client.get(url).status_code == 401, url
    assert client.get("/static/studio.css").status_code == 200
    assert client.get("/static/vendor/easymde/easymde.min.js").status_code == 200


def test_a_wrong_token_or_cookie_is_forbidden(anonymous):
    client = anonymous.client
    assert client.get("/login?token=wrong", follow_redirects=False).status_code == 403
    client.cookies.set(anonymous.session.cookie_name, "wrong", domain="127.0.0.1")
    assert client.get("/api/articles").status_code == 403


def test_the_token_url_sets_an_httponly_strict_cookie_and_redirects_to_a_clean_url(anonymous):
    response = anonymous.client.get(f"/login?token={anonymous.session.token}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert response.headers["referrer-policy"] == "no-referrer"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"sb_studio_{PORT}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert anonymous.client.get("/api/articles").status_code == 200


def test_the_token_is_random_per_start():
    first, second = Session(port=PORT), Session(port=PORT)
    assert first.token != second.token and first.csrf != second.csrf
    assert len(first.token) >= 40


# -- Host, Origin, CSRF -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["evil.example:8765", "127.0.0.1.evil.example:8765", "evil.example", "127.0.0.1:9999", "[::1]:8765", ""]
)
def test_a_foreign_host_is_refused(unchanged, host):
    response = unchanged.client.get("/api/articles", headers={"Host": host})
    assert response.status_code == 400
    response = unchanged.post("/api/articles", json={"section": "news", "title": "x"}, headers={"Host": host})
    assert response.status_code == 400


def test_the_own_host_names_pass(studio):
    for host in (f"127.0.0.1:{PORT}", f"localhost:{PORT}"):
        assert studio.client.get("/api/articles", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "http://127.0.0.1:9999"},  # another port of 127.0.0.1 is same-site, not same-origin
        {"Origin": f"http://127.0.0.1:{PORT + 1}"},  # the preview's own origin
        {"Origin": "null"},
        {"Referer": "http://evil.example/page"},
        {},  # neither Origin nor Referer
    ],
)
def test_a_state_changing_request_from_another_origin_is_refused(unchanged, headers):
    article = unchanged.article(NEWS)
    body = {"src": NEWS, "version": article["version"], "changes": {"title": "被篡改"}}
    response = unchanged.client.post(
        "/api/article/save", json=body, headers={"X-CSRF-Token": unchanged.session.csrf, **headers}
    )
    assert response.status_code == 403
    assert "Origin" in response.json()["error"]


def test_a_state_changing_request_without_the_csrf_token_is_refused(unchanged):
    article = unchanged.article(NEWS)
    body = {"src": NEWS, "version": article["version"], "changes": {"title": "被篡改"}}
    for token in ({}, {"X-CSRF-Token": "wrong"}):
        response = unchanged.client.post("/api/article/save", json=body, headers={"Origin": BASE, **token})
        assert response.status_code == 403
        assert "CSRF" in response.json()["error"]


def test_a_same_origin_referer_with_the_csrf_token_is_accepted(studio):
    article = studio.article(NEWS)
    response = studio.client.post(
        "/api/article/save",
        json={"src": NEWS, "version": article["version"], "changes": {"title": "新标题"}},
        headers={"Referer": f"{BASE}/#/edit", "X-CSRF-Token": studio.session.csrf},
    )
    assert response.status_code == 200
    assert "title: 新标题" in (studio.content / NEWS).read_text(encoding="utf-8")


def test_the_page_carries_the_csrf_token_and_a_strict_content_security_policy(studio):
    response = studio.client.get("/")
    assert f'content="{studio.session.csrf}"' in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert studio.session.token not in response.text


# -- paths ----------------------------------------------------------------------------------------

TRAVERSALS = [
    "../mkdocs.yml",
    "../../etc/passwd",
    "%2e%2e/mkdocs.yml",
    "..%2fmkdocs.yml",
    "/etc/passwd",
    "..\\..\\mkdocs.yml",
    "news\\..\\..\\mkdocs.yml",
    "news/2024/../../../mkdocs.yml",
    "C:\\Windows\\win.ini",
    "",
]


@pytest.mark.parametrize("src", TRAVERSALS)
def test_no_article_path_reaches_outside_content(unchanged, src):
    assert unchanged.client.get("/api/article", params={"src": src}).status_code in (400, 404)
    response = unchanged.post("/api/article/save", json={"src": src, "version": "x", "changes": {"title": "x"}})
    assert response.status_code in (400, 404)
    response = unchanged.post("/api/article/upload", params={"src": src}, files={"files": ("a.jpg", phone_jpeg())})
    assert response.status_code in (400, 404)


@pytest.mark.parametrize(
    "name", ["../index.md", "../../../mkdocs.yml", "%2e%2e/index.md", "/etc/passwd", "..\\index.md"]
)
def test_no_file_name_reaches_outside_the_article_folder(unchanged, name):
    response = unchanged.client.get("/api/article/thumbnail", params={"src": BUNDLE, "name": name})
    assert response.status_code == 404
    response = unchanged.post("/api/article/remove-file", json={"src": BUNDLE, "name": name})
    assert response.status_code == 404


def test_raw_encoded_traversal_in_the_query_string(unchanged):
    for raw in ("%2e%2e%2fmkdocs.yml", "%2E%2E%5Cmkdocs.yml", "..%2F..%2Fetc%2Fpasswd"):
        assert unchanged.client.get(f"/api/article?src={raw}").status_code in (400, 404)
        assert unchanged.client.get(f"/api/article/thumbnail?src={BUNDLE}&name={raw}").status_code == 404


def test_symlinks_out_of_content_are_neither_read_nor_written(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    project = project_with(tmp_path / "project")
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "2024-07-01-外部.md").write_text("---\ntitle: 外部\ndate: 2024-07-01\n---\n秘密\n", encoding="utf-8")
    (secret / "photo.jpg").write_bytes(phone_jpeg())
    os.symlink(secret / "2024-07-01-外部.md", project / "content/news/2024/2024-07-01-外部.md")
    os.symlink(secret / "photo.jpg", project / "content/reports/2024/2024-06-01-六一活动/link.jpg")
    os.symlink(secret, project / "content/notices")
    outside = tree_digest(secret)
    for studio in open_studio(project):
        before = tree_digest(studio.content)
        for src in ("news/2024/2024-07-01-外部.md", "notices/2024-07-01-外部.md"):
            assert studio.client.get("/api/article", params={"src": src}).status_code == 404
            response = studio.post("/api/article/save", json={"src": src, "version": "x", "changes": {"title": "改"}})
            assert response.status_code == 404
        thumb = studio.client.get("/api/article/thumbnail", params={"src": BUNDLE, "name": "link.jpg"})
        assert thumb.status_code == 404
        assert studio.post("/api/article/remove-file", json={"src": BUNDLE, "name": "link.jpg"}).status_code == 404
        assert tree_digest(studio.content) == before
    assert tree_digest(secret) == outside


def test_history_versions_are_looked_up_never_joined(studio):
    article = studio.article(NEWS)
    studio.post("/api/article/save", json={"src": NEWS, "version": article["version"], "changes": {"title": "二"}})
    before = {k: v for k, v in tree_digest(studio.project).items() if not k.startswith(".cache")}
    for version in ("../../../mkdocs.yml", "..", "/etc/passwd", "%2e%2e"):
        response = studio.client.get("/api/article/version", params={"src": NEWS, "id": version})
        assert response.status_code == 404
        response = studio.post("/api/article/restore", json={"src": NEWS, "id": version, "version": "x"})
        assert response.status_code == 404
    assert {k: v for k, v in tree_digest(studio.project).items() if not k.startswith(".cache")} == before


# -- uploads --------------------------------------------------------------------------------------


def test_an_oversized_file_is_refused_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    project = project_with(tmp_path / "project")
    photo = phone_jpeg(size=(1600, 1200))
    limits = Limits(photo_bytes=len(photo) - 1, attachment_bytes=1000, files_per_request=3)
    for studio in open_studio(project, limits=limits):
        before = tree_digest(studio.content)
        files = [("files", ("small.jpg", phone_jpeg(size=(64, 48)))), ("files", ("big.jpg", photo))]
        response = studio.post("/api/article/upload", params={"src": BUNDLE}, files=files)
        assert response.status_code == 413
        assert "超过" in response.json()["error"]
        pdf = b"%PDF-1.7\n" + b"0" * 2000
        response = studio.post("/api/article/upload", params={"src": BUNDLE}, files={"files": ("通知.pdf", pdf)})
        assert response.status_code == 413
        assert tree_digest(studio.content) == before
        assert not [p for p in (project / ".cache").rglob("*.upload")]  # the probe's copies are gone too


def test_a_request_over_the_route_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    project = project_with(tmp_path / "project")
    limits = Limits(photo_bytes=50_000, attachment_bytes=50_000, files_per_request=1)
    for studio in open_studio(project, limits=limits):
        before = tree_digest(studio.content)
        body = b"x" * (limits.request_bytes + 10)
        files = {"files": ("huge.pdf", b"%PDF-" + body)}
        assert studio.post("/api/article/upload", params={"src": BUNDLE}, files=files).status_code == 413
        # Every other route takes 2 MB at most.
        big = {"src": NEWS, "version": "x", "changes": {"title": "x" * (3 * 1024 * 1024)}}
        assert studio.post("/api/article/save", json=big).status_code == 413
        assert tree_digest(studio.content) == before


def test_too_many_files_in_one_request_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    project = project_with(tmp_path / "project")
    for studio in open_studio(project, limits=Limits(files_per_request=2)):
        before = tree_digest(studio.content)
        files = [("files", (f"{n}.jpg", phone_jpeg(size=(32, 32)))) for n in range(3)]
        assert studio.post("/api/article/upload", params={"src": BUNDLE}, files=files).status_code in (400, 413)
        assert tree_digest(studio.content) == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("假照片.jpg", b"<html><script>alert(1)</script></html>" * 10),
        ("页面.html", b"<html></html>"),
        ("脚本.js", b"alert(1)"),
        ("通知.pdf", b"MZ\x90\x00 an executable"),
        ("报名表.docx", b"%PDF-1.4 not a zip"),
        ("index.md", b"---\ntitle: x\n---\n"),
        ("截断.jpg", phone_jpeg()[:40]),
        ("图标.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
    ],
)
def test_the_type_is_sniffed_from_the_bytes(unchanged, name, data):
    good = ("好照片.jpg", phone_jpeg(size=(64, 48)))
    response = unchanged.post(
        "/api/article/upload", params={"src": BUNDLE}, files=[("files", good), ("files", (name, data))]
    )
    assert response.status_code == 415, response.text
    assert not (unchanged.content / "reports/2024/2024-06-01-六一活动/好照片.jpg").exists()


def test_names_are_normalised_and_files_never_replaced(studio):
    folder = studio.content / "reports/2024/2024-06-01-六一活动"
    (folder / "合影.jpg").write_bytes(b"original")
    decomposed = unicodedata.normalize("NFD", "café.jpg")
    sent = [
        "../../逃逸.jpg",
        "..\\..\\win.jpg",
        ".hidden.jpg",
        "CON.jpg",
        "a\u202eb\u200bc.jpg",
        decomposed,
        "合影.jpg",
        "无后缀",
    ]
    files = [("files", (name, phone_jpeg(size=(40, 30)))) for name in sent]
    response = studio.post("/api/article/upload", params={"src": BUNDLE}, files=files)
    assert response.status_code == 201, response.text
    stored = [item["name"] for item in response.json()["stored"]]
    assert stored == [
        "逃逸.jpg",
        "win.jpg",
        "hidden.jpg",
        "_CON.jpg",
        "abc.jpg",
        "café.jpg",
        "合影-2.jpg",
        "无后缀.jpg",
    ]
    assert unicodedata.is_normalized("NFC", stored[5])
    assert (folder / "合影.jpg").read_bytes() == b"original"
    assert response.json()["stored"][6]["renamed_from"] == "合影.jpg"
    assert sorted(p.name for p in folder.iterdir()) == sorted(["index.md", "合影.jpg", *stored])
    assert not (studio.content / "逃逸.jpg").exists() and not (studio.project / "逃逸.jpg").exists()


def test_an_upload_into_a_single_file_article_makes_it_a_bundle_with_the_same_url(studio):
    url = next(a["url"] for a in studio.client.get("/api/articles").json()["articles"] if a["src"] == NEWS)
    response = studio.post("/api/article/upload", params={"src": NEWS}, files={"files": ("现场.jpg", phone_jpeg())})
    assert response.status_code == 201
    src = response.json()["src"]
    assert src == "news/2024/2024-05-01-敬老活动/index.md"
    assert (studio.content / "news/2024/2024-05-01-敬老活动/现场.jpg").is_file()
    assert next(a["url"] for a in studio.client.get("/api/articles").json()["articles"] if a["src"] == src) == url


# -- conflicts and history ---------------------------------------------------------------------------


def test_two_editors_the_second_save_is_refused_with_both_versions(studio):
    first, second = studio.article(NEWS), studio.article(NEWS)
    assert first["version"] == second["version"]
    ok = studio.post(
        "/api/article/save", json={"src": NEWS, "version": first["version"], "changes": {"title": "甲的标题"}}
    )
    assert ok.status_code == 200
    after_first = (studio.content / NEWS).read_bytes()
    refused = studio.post(
        "/api/article/save", json={"src": NEWS, "version": second["version"], "changes": {"title": "乙的标题"}}
    )
    assert refused.status_code == 409
    conflict = refused.json()["conflict"]
    assert "title: 甲的标题" in conflict["current"]
    assert "title: 乙的标题" in conflict["yours"]
    assert (studio.content / NEWS).read_bytes() == after_first


def test_a_change_on_disk_is_detected_the_same_way(studio):
    loaded = studio.article(NEWS)
    path = studio.content / NEWS
    path.write_text(path.read_text(encoding="utf-8").replace("正文第一段。", "同步工具带来的修改。"), encoding="utf-8")
    by_hand = path.read_bytes()
    response = studio.post("/api/article/save", json={"src": NEWS, "version": loaded["version"], "body": "表单的正文"})
    assert response.status_code == 409
    assert "同步工具带来的修改" in response.json()["conflict"]["current"]
    assert path.read_bytes() == by_hand


def test_every_save_keeps_the_previous_version_restorable(studio):
    path = studio.content / NEWS
    original = path.read_bytes()
    article = studio.article(NEWS)
    saved = studio.post(
        "/api/article/save",
        json={"src": NEWS, "version": article["version"], "changes": {"title": "改过"}, "who": "林晓"},
    ).json()
    history = studio.article(NEWS)["history"]
    assert len(history) == 1 and history[0]["who"] == "林晓" and history[0]["action"] == "保存"
    kept = studio.client.get("/api/article/version", params={"src": NEWS, "id": history[0]["id"]}).json()["text"]
    assert kept.encode() == original
    assert not any(studio.content.rglob("*.tmp")) and not list(studio.content.rglob(".sb-*"))
    # History lives beside mkdocs.yml, outside content/ (never scanned, never published).
    assert (studio.project / ".site-builder/history").is_dir()
    restored = studio.post(
        "/api/article/restore", json={"src": NEWS, "id": history[0]["id"], "version": saved["version"]}
    )
    assert restored.status_code == 200
    assert path.read_bytes() == original
    assert len(studio.article(NEWS)["history"]) == 2


def test_an_unchanged_form_writes_nothing_and_a_hand_edited_file_opens_unchanged(studio):
    path = studio.content / NEWS
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    article = studio.article(NEWS)
    response = studio.post("/api/article/save", json={"src": NEWS, "version": article["version"], "changes": {}})
    assert response.json()["changed"] is False
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert studio.article(NEWS)["history"] == []


def test_a_new_article_is_the_file_site_builder_new_writes(studio, tmp_path):
    from site_builder.scaffold import create_article
    from tests.conftest import shanghai, site_settings

    response = studio.post(
        "/api/articles", json={"section": "reports", "title": "重阳节敬老活动", "date": "2026-10-29"}
    )
    assert response.status_code == 201
    src = response.json()["src"]
    assert src == "reports/2026/2026-10-29-重阳节敬老活动/index.md"
    reference = create_article(
        site_settings(tmp_path / "ref" / "content"), "reports", "重阳节敬老活动", shanghai(2026, 10, 29)
    )
    assert (studio.content / src).read_bytes() == reference.read_bytes()


# -- phone uploads ----------------------------------------------------------------------------------


@pytest.fixture
def lan_studio(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    project = project_with(tmp_path / "project")
    for studio in open_studio(project):
        studio.session.lan_host, studio.session.phone_port = "127.0.0.2", 9000
        yield studio


def phone_post(studio, url, files, origin="http://127.0.0.2:9000", csrf=None):
    return studio.client.post(
        "http://127.0.0.2:9000" + url, files=files, headers={"Origin": origin, "X-CSRF-Token": csrf or ""}
    )


def test_the_phone_token_uploads_photos_to_its_one_article_only(lan_studio):
    studio = lan_studio
    link = studio.post("/api/article/phone-link", json={"src": BUNDLE}).json()
    assert link["url"].startswith("http://127.0.0.2:9000/phone/") and "<svg" in link["svg"]
    token = link["url"].rsplit("/", 1)[1]
    grant = studio.session.phone_grant(token)
    page = studio.client.get(f"http://127.0.0.2:9000/phone/{token}")
    assert page.status_code == 200 and grant.csrf in page.text
    folder = studio.content / "reports/2024/2024-06-01-六一活动"
    ok = phone_post(studio, f"/phone/{token}/upload", {"files": ("手机.jpg", phone_jpeg())}, csrf=grant.csrf)
    assert ok.status_code == 201 and (folder / "手机.jpg").is_file()
    before = tree_digest(studio.content)
    # Only photos; only with its page's Origin and CSRF token; nothing else of the studio.
    assert (
        phone_post(studio, f"/phone/{token}/upload", {"files": ("a.pdf", b"%PDF-1.4")}, csrf=grant.csrf).status_code
        == 415
    )
    assert phone_post(studio, f"/phone/{token}/upload", {"files": ("b.jpg", phone_jpeg())}, csrf="x").status_code == 403
    evil = phone_post(
        studio, f"/phone/{token}/upload", {"files": ("c.jpg", phone_jpeg())}, origin="http://evil", csrf=grant.csrf
    )
    assert evil.status_code == 403
    for url in ("/api/articles", f"/api/article?src={NEWS}", "/", "/login?token=" + studio.session.token):
        assert studio.client.get("http://127.0.0.2:9000" + url).status_code == 404
    assert studio.client.get("http://127.0.0.2:9000/phone/not-a-token").status_code == 403
    assert tree_digest(studio.content) == before


def test_the_phone_token_expires(lan_studio):
    studio = lan_studio
    token = studio.session.grant_phone(BUNDLE, now=time.monotonic() - PHONE_TOKEN_SECONDS - 1)
    before = tree_digest(studio.content)
    assert studio.client.get(f"http://127.0.0.2:9000/phone/{token}").status_code == 403
    assert phone_post(studio, f"/phone/{token}/upload", {"files": ("x.jpg", phone_jpeg())}).status_code == 403
    assert tree_digest(studio.content) == before


def test_the_phone_socket_needs_its_own_host(lan_studio):
    token = lan_studio.session.grant_phone(BUNDLE)
    response = lan_studio.client.get(f"http://127.0.0.2:9000/phone/{token}", headers={"Host": "evil.example:9000"})
    assert response.status_code == 400


def test_without_lan_mode_there_is_no_phone_link(unchanged):
    response = unchanged.post("/api/article/phone-link", json={"src": BUNDLE})
    assert response.status_code == 409 and "--lan" in response.json()["error"]


# -- the preview socket -----------------------------------------------------------------------------


def test_the_preview_socket_serves_only_reads_with_the_cookie(studio):
    preview = f"http://127.0.0.1:{PORT + 1}"
    assert studio.client.get(preview + "/").status_code in (200, 503)
    assert studio.client.post(preview + "/api/article/save", json={}).status_code == 405
    assert studio.client.get(preview + "/api/articles").status_code in (404, 503)
    studio.client.cookies.clear()
    assert studio.client.get(preview + "/").status_code == 401


def _jpeg_stream(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
