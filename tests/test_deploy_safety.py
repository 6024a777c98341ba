"""Deploy never deletes or moves what it did not publish (issue #8: defects 1 and 11, and Ctrl-C).

A small site built once per test; targets are folders in tmp_path, and the SSH target runs its
commands locally (`Host(None)`: the same shell and rsync commands, without sshd).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.deploy.folder import INITIAL_RELEASE, DeployError, list_releases, releases_dir
from tests.conftest import REPO, article, run_cli

SMALL = {
    "news/2024-05-01-a.md": article("第一篇", "2024-05-01", tags="[读书]"),
    "news/2024-06-01-b.md": article("第二篇", "2024-06-01", tags="[读书]"),
}
needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed (.ci/run installs it)")


@pytest.fixture
def built(make_project, capsys) -> Path:
    project = make_project(SMALL)
    assert run_cli(["build"], capsys)[0] == 0
    return project


def listing(root: Path) -> dict[str, object]:
    """Everything under `root`: files with their bytes, folders, and symlinks with where they point."""
    found: dict[str, object] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                found[rel] = "dir"
            else:
                found[rel] = path.read_bytes()
    return found


def site_tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".site-builder-build.json"
    }


def assert_refused(code: int, output: str, *words: str) -> None:
    assert code == 1, output
    assert output.startswith("发布失败：") and output.count("\n") == 1, output
    assert "Traceback" not in output
    for word in words:
        assert word in output, output


# --- defect 1: a folder that holds other files ---------------------------------------------------


def test_a_folder_holding_a_foreign_file_is_refused_four_times_in_a_row_and_left_untouched(built, tmp_path, capsys):
    www = tmp_path / "www"
    target = www / "site"
    target.mkdir(parents=True)
    (target / "旧首页.html").write_text("别人的网站", encoding="utf-8")
    before = listing(www)
    for _ in range(4):
        code, output = run_cli(["deploy", str(target)], capsys)
        assert_refused(code, output, str(target), "--adopt")
        assert listing(www) == before
    assert not target.is_symlink() and not releases_dir(target).exists()
    assert (target / "旧首页.html").read_text(encoding="utf-8") == "别人的网站"


@pytest.mark.parametrize("spec", [".", "./content", "./site", "..", "~", "/"])
def test_the_project_its_content_its_site_home_and_root_are_refused_even_with_adopt(
    built, tmp_path, capsys, monkeypatch, spec
):
    home = tmp_path / "home"
    (home / "文档").mkdir(parents=True)
    (home / "文档" / "笔记.txt").write_text("私人文件", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    if spec == "~":
        spec = str(home)  # what the shell hands us for `deploy ~`
    before = listing(tmp_path)
    for extra in ([], ["--adopt"]):
        code, output = run_cli(["deploy", spec, *extra], capsys)
        assert_refused(code, output, "没有做任何改动")
        assert listing(tmp_path) == before


def test_a_bare_word_that_is_not_a_configured_name_is_an_error_listing_the_names(built, capsys):
    config = built / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      sections:",
            "      deploy:\n        production: s3://ggw/site\n        staging: /srv/www/staging\n      sections:",
        ),
        encoding="utf-8",
    )
    before = listing(built)
    for name in ("nosuchname", "content", "site"):
        code, output = run_cli(["deploy", name], capsys)
        assert_refused(code, output, f"“{name}”", "production", "staging", f"./{name}")
    assert listing(built) == before


def test_an_empty_folder_is_taken_over_without_asking(built, tmp_path, capsys):
    target = tmp_path / "www" / "site"
    target.mkdir(parents=True)
    code, output = run_cli(["deploy", str(target)], capsys)
    assert code == 0, output
    assert target.is_symlink() and site_tree(target) == site_tree(built / "site")


def test_a_symlink_deploy_did_not_make_is_refused(built, tmp_path, capsys):
    elsewhere = tmp_path / "data" / "site"
    elsewhere.mkdir(parents=True)
    (elsewhere / "index.html").write_text("别人的", encoding="utf-8")
    target = tmp_path / "www" / "site"
    target.parent.mkdir()
    target.symlink_to(elsewhere)
    before = listing(tmp_path)
    for extra in ([], ["--adopt"]):
        code, output = run_cli(["deploy", str(target), *extra], capsys)
        assert_refused(code, output, "链接")
        assert listing(tmp_path) == before


def test_adopting_keeps_the_original_folder_through_later_deploys_and_rollback_returns_to_it(built, tmp_path, capsys):
    target = tmp_path / "www" / "site"
    target.mkdir(parents=True)
    (target / "旧首页.html").write_text("原来的网站", encoding="utf-8")
    for _ in range(5):
        code, output = run_cli(["deploy", str(target), "--adopt"], capsys)
        assert code == 0, output
    kept = releases_dir(target) / INITIAL_RELEASE
    assert (kept / "旧首页.html").read_text(encoding="utf-8") == "原来的网站"
    assert site_tree(target) == site_tree(built / "site")
    assert len(list_releases(target)) == 4  # the three newest of its own, and the adopted original
    for _ in range(3):
        assert run_cli(["deploy", "--rollback", str(target)], capsys)[0] == 0
    assert site_tree(target) == {"旧首页.html": "原来的网站".encode()}
    code, output = run_cli(["deploy", "--rollback", str(target)], capsys)
    assert_refused(code, output, "没有更早的版本")


def test_prune_never_deletes_a_folder_it_did_not_name(built, tmp_path, capsys):
    target = tmp_path / "www" / "site"
    assert run_cli(["deploy", str(target)], capsys)[0] == 0
    foreign = releases_dir(target) / "1999-备份"
    foreign.mkdir()
    (foreign / "a.txt").write_text("保留", encoding="utf-8")
    for _ in range(4):
        assert run_cli(["deploy", str(target)], capsys)[0] == 0
    assert (foreign / "a.txt").read_text(encoding="utf-8") == "保留"
    assert len(list_releases(target)) == 3


@needs_rsync
def test_ssh_target_refuses_a_foreign_folder_and_keeps_an_adopted_one(built, tmp_path):
    from site_builder.deploy.ssh import Host, deploy_rsync, rollback_rsync
    from site_builder.deploy.targets import Target, check_built_site

    remote = tmp_path / "srv" / "site"
    remote.mkdir(parents=True)
    (remote / "旧首页.html").write_text("原来的网站", encoding="utf-8")
    before = listing(tmp_path / "srv")
    files, digest = check_built_site(built / "site", Target(str(remote)))
    for _ in range(4):
        with pytest.raises(DeployError, match="--adopt"):
            deploy_rsync(built / "site", files, digest, Host(None), str(remote))
        assert listing(tmp_path / "srv") == before
    for _ in range(5):
        deploy_rsync(built / "site", files, digest, Host(None), str(remote), adopt=True)
    assert (Path(f"{remote}.releases") / INITIAL_RELEASE / "旧首页.html").is_file()
    assert site_tree(remote) == site_tree(built / "site")
    for _ in range(3):
        rollback_rsync(Host(None), str(remote))
    assert site_tree(remote) == {"旧首页.html": "原来的网站".encode()}
    link = tmp_path / "srv" / "other"
    link.symlink_to(remote / "旧首页.html")
    with pytest.raises(DeployError, match="不是 site-builder"):
        deploy_rsync(built / "site", files, digest, Host(None), str(link), adopt=True)


@needs_rsync
def test_ssh_target_refuses_root_and_home(built, tmp_path, monkeypatch):
    from site_builder.deploy.ssh import Host, deploy_rsync
    from site_builder.deploy.targets import Target, check_built_site

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    files, digest = check_built_site(built / "site", Target("x"))
    for path in ("/", str(home), str(tmp_path)):
        with pytest.raises(DeployError, match="没有做任何改动"):
            deploy_rsync(built / "site", files, digest, Host(None), path, adopt=True)
    assert list(home.iterdir()) == []


# --- defect 11: what a killed deploy left behind ------------------------------------------------

KILLED_DEPLOY = """
import os, shutil, sys
from site_builder.cli import main
copied = []
real = shutil.copyfile
def copy_then_die(*args, **kwargs):
    copied.append(args)
    if len(copied) > 2:
        os.kill(os.getpid(), 9)
    return real(*args, **kwargs)
shutil.copyfile = copy_then_die
sys.exit(main(["deploy", sys.argv[1]]))
"""


def deploy_then_change_an_article(built: Path, target: Path, capsys) -> dict[str, bytes]:
    """Deploy the built site to `target`, then edit one article and build again; returns the deployed tree."""
    assert run_cli(["deploy", str(target)], capsys)[0] == 0
    deployed = site_tree(target)
    page = built / "content/news/2024-06-01-b.md"
    page.write_text(page.read_text(encoding="utf-8").replace("正文第一段", "正文改过的第一段"), encoding="utf-8")
    assert run_cli(["build"], capsys)[0] == 0
    return deployed


def test_a_deploy_killed_with_sigkill_is_cleaned_up_by_the_next_one(built, tmp_path, capsys):
    target = tmp_path / "www" / "site"
    first = deploy_then_change_an_article(built, target, capsys)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_DEPLOY, str(target)],
        cwd=built,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert killed.returncode == -9
    assert [p.name for p in releases_dir(target).iterdir() if p.name.startswith(".incoming-")]
    assert site_tree(target) == first

    (releases_dir(target) / ".switch-999999").symlink_to(f"site.releases/{list_releases(target)[-1].name}")
    (target.parent / ".site.switch-999999").symlink_to(f"site.releases/{list_releases(target)[-1].name}")
    (releases_dir(target) / "说明.txt").write_text("别人的文件", encoding="utf-8")
    code, output = run_cli(["deploy", str(target)], capsys)
    assert code == 0, output
    leftovers = [
        p.name
        for p in [*releases_dir(target).iterdir(), *target.parent.iterdir()]
        if p.name.startswith((".incoming-", ".switch-", ".site.switch-"))
    ]
    assert leftovers == []
    assert (releases_dir(target) / "说明.txt").read_text(encoding="utf-8") == "别人的文件"
    assert site_tree(target) == site_tree(built / "site")


@needs_rsync
def test_ssh_target_cleans_what_an_interrupted_deploy_left(built, tmp_path):
    from site_builder.deploy.ssh import Host, deploy_rsync
    from site_builder.deploy.targets import Target, check_built_site

    remote = tmp_path / "srv" / "site"
    files, digest = check_built_site(built / "site", Target(str(remote)))
    deploy_rsync(built / "site", files, digest, Host(None), str(remote))
    releases = Path(f"{remote}.releases")
    staging = releases / ".incoming-20260101T000000000000-deadbeef"
    (staging / "news").mkdir(parents=True)
    (staging / "news" / "index.html").write_text("半截", encoding="utf-8")
    (tmp_path / "srv" / "site.switch").symlink_to(f"site.releases/{list_releases(remote)[-1].name}")
    deploy_rsync(built / "site", files, digest, Host(None), str(remote))
    assert not staging.exists() and not (tmp_path / "srv" / "site.switch").is_symlink()
    assert [p.name for p in releases.iterdir() if p.name.startswith(".")] == []
    assert site_tree(remote) == site_tree(built / "site")


# --- Ctrl-C: no half state left ------------------------------------------------------------------


def test_ctrl_c_during_a_folder_deploy_leaves_the_old_site_and_no_staging_folder(built, tmp_path, capsys, monkeypatch):
    target = tmp_path / "www" / "site"
    first = deploy_then_change_an_article(built, target, capsys)
    real = shutil.copyfile
    copied = []

    def interrupted(*args, **kwargs):
        copied.append(args)
        if len(copied) > 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", interrupted)
    code, output = run_cli(["deploy", str(target)], capsys)
    assert code != 0 and "Traceback" not in output
    assert [p.name for p in releases_dir(target).iterdir() if p.name.startswith(".incoming-")] == []
    assert len(list_releases(target)) == 1 and site_tree(target) == first


def test_ctrl_c_while_adopting_puts_the_original_folder_back(built, tmp_path, capsys, monkeypatch):
    import site_builder.deploy.folder as folder

    target = tmp_path / "www" / "site"
    target.mkdir(parents=True)
    (target / "旧首页.html").write_text("原来的网站", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(folder, "switch_to", interrupted)
    code, output = run_cli(["deploy", str(target), "--adopt"], capsys)
    assert code != 0 and "Traceback" not in output
    assert not target.is_symlink() and site_tree(target) == {"旧首页.html": "原来的网站".encode()}
    assert list_releases(target) == []
