"""Publishing (issue #5): folder and rsync releases with atomic switches, S3 against a real API."""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from site_builder.deploy.folder import list_releases
from site_builder.deploy.manifest import IMMUTABLE, SHORT
from site_builder.deploy.targets import Target, deploy
from tests.conftest import DEMO_NOW, copy_demo, run_cli

ESSENTIAL = ("index.html", "feed.xml", "news/index.html", "sitemap.xml", "search/meta.json", "search/d/0.json")
CHANGED_ARTICLE = "content/news/2026/2026-10-08-区关工委调研乡镇关工委组织建设.md"


@pytest.fixture
def demo_project(tmp_path, monkeypatch, capsys):
    project = copy_demo(tmp_path / "project")
    monkeypatch.chdir(project)
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    assert run_cli(["build"], capsys)[0] == 0
    return project


def change_one_article(project: Path, capsys) -> None:
    path = project / CHANGED_ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("调研组实地查看", "调研组认真实地查看"), encoding="utf-8")
    assert run_cli(["build"], capsys)[0] == 0


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` except the build stamp, which is never deployed."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".site-builder-build.json"
    }


def test_folder_deploy_changes_only_what_changed_swaps_atomically_and_rolls_back(demo_project, tmp_path, capsys):
    target = tmp_path / "www" / "site"
    code, output = run_cli(["deploy", str(target)], capsys)
    assert code == 0, output
    first = tree(target)
    assert first == tree(demo_project / "site") and ".site-builder-build.json" not in first

    change_one_article(demo_project, capsys)
    seen_incomplete = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            missing = [name for name in ESSENTIAL if not (target / name).is_file()]
            if missing:
                seen_incomplete.append(missing)

    polling = threading.Thread(target=reader)
    polling.start()
    try:
        code, output = run_cli(["deploy", str(target)], capsys)
    finally:
        stop.set()
        polling.join()
    assert code == 0, output
    assert seen_incomplete == []
    second = tree(target)
    changed = {name for name in second if first.get(name) != second[name]}
    assert any(name.startswith("news/2026/1008-qu-guan-gong-wei-diao-yan-") for name in changed), changed
    # The article's search text, the shards of its terms and meta.json (its digest of the index).
    allowed = re.compile(
        r"(index\.html|feed\.xml|atom\.xml|sitemap\.xml|search/meta\.json|search/d/\d+\.json|search/[tp]/[\d/]+\.bin)$"
    )
    assert all(allowed.search(name) for name in changed), changed
    assert len(changed) < len(second) / 3
    assert re.search(r"上传 \d+ 个文件.*未变 \d+ 个", output)

    code, output = run_cli(["deploy", "--rollback", str(target)], capsys)
    assert code == 0, output
    assert tree(target) == first
    assert len(list_releases(target)) == 2


def test_deploy_refuses_unbuilt_modified_or_wrong_url_sites(demo_project, tmp_path, capsys):
    (demo_project / "site" / "index.html").write_text("changed by hand", encoding="utf-8")
    code, output = run_cli(["deploy", str(tmp_path / "www")], capsys)
    assert code == 1 and "被改动过" in output
    shutil.rmtree(demo_project / "site")
    (demo_project / "site").mkdir()
    code, output = run_cli(["deploy", str(tmp_path / "www")], capsys)
    assert code == 1 and "site-builder build" in output
    config = demo_project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      sections:",
            "      deploy:\n        staging: {url: %s, site_url: https://staging.example.cn/}\n      sections:"
            % (tmp_path / "www"),
        ),
        encoding="utf-8",
    )
    code, output = run_cli(["deploy", "staging", "--build"], capsys)
    assert code == 1 and "不一致" in output
    assert not (tmp_path / "www").exists()


def test_dry_run_lists_and_changes_nothing(demo_project, tmp_path, capsys):
    code, output = run_cli(["deploy", str(tmp_path / "www"), "--dry-run"], capsys)
    assert code == 0 and "演练" in output and "  上传 index.html" in output
    assert not (tmp_path / "www").exists()


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed (.ci/run installs it)")
def test_rsync_target_uses_the_same_release_and_symlink_logic(demo_project, tmp_path, capsys, monkeypatch):
    """The SSH target with its host run locally: the same rsync and shell commands, without sshd."""
    import site_builder.deploy.targets as targets
    from site_builder.deploy.ssh import Host, deploy_rsync, rollback_rsync

    target = str(tmp_path / "srv" / "site")
    files, digest = targets.check_built_site(demo_project / "site", Target(target))
    report = deploy_rsync(demo_project / "site", files, digest, Host(None), target)
    assert len(report.uploaded) == len(files)
    first = tree(Path(target))
    change_one_article(demo_project, capsys)
    files, digest = targets.check_built_site(demo_project / "site", Target(target))
    report = deploy_rsync(demo_project / "site", files, digest, Host(None), target)
    assert 0 < len(report.uploaded) < len(files) / 3 and Path(target).is_symlink()
    assert tree(Path(target)) == tree(demo_project / "site")
    rollback_rsync(Host(None), target)
    assert tree(Path(target)) == first


# --- S3 against moto's server on loopback ------------------------------------------------------


def objects(client) -> dict[str, dict]:
    keys = [o["Key"] for o in client.list_objects_v2(Bucket="ggw", Prefix="site/").get("Contents", [])]
    return {key: client.head_object(Bucket="ggw", Key=key) for key in keys}


def test_s3_deploy_uploads_changes_only_with_types_and_cache_headers(demo_project, s3, capsys):
    code, output = run_cli(["deploy", "s3://ggw/site"], capsys)
    assert code == 0, output
    published = objects(s3)
    assert set(published) == {"site/" + k for k in tree(demo_project / "site")}
    expected = {
        "index.html": "text/html; charset=utf-8",
        "feed.xml": "application/rss+xml; charset=utf-8",
        "atom.xml": "application/atom+xml; charset=utf-8",
        "sitemap.xml": "application/xml; charset=utf-8",
    }
    for key, head in published.items():
        name = key.removeprefix("site/")
        if name in expected:
            assert head["ContentType"] == expected[name]
        if name.endswith(".webp"):
            assert head["ContentType"] == "image/webp" and head["CacheControl"] == IMMUTABLE
        if name.endswith((".html", ".xml")):
            assert head["CacheControl"] == SHORT
        if name.endswith(".css"):
            assert head["ContentType"] == "text/css; charset=utf-8"
        assert head["CacheControl"]

    s3.put_object(Bucket="ggw", Key="site/old/stale.html", Body=b"stale")
    change_one_article(demo_project, capsys)
    code, output = run_cli(["deploy", "s3://ggw/site"], capsys)
    assert code == 0, output
    uploaded = int(re.search(r"上传 (\d+) 个文件", output).group(1))
    assert 0 < uploaded < len(published) / 3
    assert "删除 1 个" in output and "site/old/stale.html" not in objects(s3)


def test_an_interrupted_s3_upload_leaves_pages_pointing_at_existing_objects(demo_project, s3, capsys, monkeypatch):
    assert run_cli(["deploy", "s3://ggw/site"], capsys)[0] == 0
    # A new photo in a changed article: the new variants and the new page must go up in that order.
    bundle = demo_project / "content/news/2026/2026-06-20-青溪区举办家风家教主题宣讲"
    shutil.copy(demo_project / "content/reports/2026/2026-11-01-秋季研学实践活动/研学.jpg", bundle / "新照片.jpg")
    index = bundle / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n![新照片](新照片.jpg)\n", encoding="utf-8")
    assert run_cli(["build"], capsys)[0] == 0

    import botocore.client

    real_call = botocore.client.BaseClient._make_api_call
    calls = {"put": 0}

    def failing(self, operation, params):
        if operation == "PutObject":
            calls["put"] += 1
            if calls["put"] > 3:
                raise ConnectionError("connection reset by peer")
        return real_call(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", failing)
    with pytest.raises(ConnectionError):
        deploy(demo_project / "site", Target("s3://ggw/site"))
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", real_call)

    keys = {k.removeprefix("site/") for k in objects(s3)}
    for key in [k for k in keys if k.endswith(".html")]:
        html = s3.get_object(Bucket="ggw", Key="site/" + key)["Body"].read().decode("utf-8")
        base = os.path.dirname(key)
        values = re.findall(r'(?:src|href|srcset)="([^"]+)"', html)
        urls = [part.strip().split(" ")[0] for value in values for part in value.split(",")]
        for url in [u for u in urls if re.fullmatch(r"[^#?:]+\.(jpg|webp|png|css|js)", u)]:
            resolved = url.lstrip("/") if url.startswith("/") else os.path.normpath(os.path.join(base, url))
            assert resolved in keys, (key, url)
    assert calls["put"] == 4  # it really broke off half way


# --- SSH against a real sshd on loopback ---------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sshd(tmp_path, monkeypatch):
    """Debian's sshd on 127.0.0.1 with a throwaway host key and client key, for this test only."""
    import subprocess
    import time

    sshd_binary = shutil.which("sshd") or "/usr/sbin/sshd"
    if not Path(sshd_binary).exists() or os.geteuid() != 0 or shutil.which("rsync") is None:
        pytest.skip("needs Debian's openssh-server and rsync and root (.ci/run installs them)")
    keys = tmp_path / "ssh"
    keys.mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / "host")], check=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / "client")], check=True)
    shutil.copy(keys / "client.pub", keys / "authorized_keys")
    port = free_port()
    config = keys / "sshd_config"
    config.write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {keys / "host"}
AuthorizedKeysFile {keys / "authorized_keys"}
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile {keys / "sshd.pid"}
""")
    Path("/run/sshd").mkdir(exist_ok=True)
    server = subprocess.Popen([sshd_binary, "-D", "-e", "-f", str(config)], stderr=subprocess.DEVNULL)
    monkeypatch.setenv(
        "SITE_BUILDER_SSH",
        f"ssh -p {port} -i {keys / 'client'} -o StrictHostKeyChecking=no "
        f"-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
    )
    for _ in range(50):
        try:
            import socket

            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield "root@127.0.0.1"
    server.terminate()
    server.wait(timeout=10)


def test_ssh_deploy_to_a_real_sshd_switches_and_rolls_back(demo_project, tmp_path, capsys, sshd):
    remote = tmp_path / "srv" / "www"
    code, output = run_cli(["deploy", f"{sshd}:{remote}"], capsys)
    assert code == 0, output
    first = tree(remote)
    assert remote.is_symlink() and first == tree(demo_project / "site")
    change_one_article(demo_project, capsys)
    code, output = run_cli(["deploy", f"{sshd}:{remote}"], capsys)
    assert code == 0, output
    uploaded = int(re.search(r"上传 (\d+) 个文件", output).group(1))
    assert 0 < uploaded < len(first) / 3
    assert tree(remote) == tree(demo_project / "site")
    code, output = run_cli(["deploy", "--rollback", f"{sshd}:{remote}"], capsys)
    assert code == 0, output
    assert tree(remote) == first


def test_upload_order_puts_assets_then_articles_then_listings_then_feeds():
    from site_builder.deploy.manifest import SiteFile, upload_order

    names = [
        "feed.xml",
        "index.html",
        "news/index.html",
        "news/2026/a/index.html",
        "news/2026/a/1234-480.webp",
        "assets/site_builder/site.css",
        "sitemap.xml",
    ]
    ordered = [f.path for f in upload_order([SiteFile(n, 1, "", "") for n in names])]
    assert ordered == [
        "news/2026/a/1234-480.webp",
        "assets/site_builder/site.css",
        "news/2026/a/index.html",
        "news/index.html",
        "index.html",
        "feed.xml",
        "sitemap.xml",
    ]
