"""Deploy to a folder (an nginx root): releases beside it and an atomic symlink switch.

`/srv/www/site` becomes a symlink to `/srv/www/site.releases/<release>/`. A new release is
written completely (unchanged files hard-linked from the previous one, as rsync --link-dest
does) before the symlink is replaced with one rename(2), so readers see the old site or the new
one, never a mixture. The previous releases stay for `deploy --rollback`.

Deploy owns only what it made: the `target` symlink into `<target>.releases/`, the entries there
named like a release (with their manifests), its lock file and the leftovers of an interrupted
deploy (`.incoming-<release>`, `.switch-<pid>`). Anything else is refused before a single byte
changes: a folder holding files, a file, a foreign symlink, the home folder, `/`, the project, its
`content/` and the site being deployed. An empty folder is taken over (nothing to lose). A folder
with files is taken over only with `--adopt`: it is kept whole as the oldest release,
`INITIAL_RELEASE`, which rollback may return to and prune never deletes.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from site_builder.atomic import write_file_atomically
from site_builder.deploy.manifest import SiteFile
from site_builder.deploy.report import DeployReport

KEEP_RELEASES = 3
INITIAL_RELEASE = "20000101T000000000000-initial"
"""Where an adopted folder (`--adopt`) is kept; sorts before every release and is never pruned."""
RELEASE = re.compile(r"^\d{8}T\d{12}-(?:[0-9a-f]{8}|initial)$")
"""The names deploy gives releases: nothing else in the releases folder is ever listed or pruned."""
LEFTOVER = re.compile(r"^\.(?:incoming-\d{8}T\d{12}-[0-9a-f]{8}|switch-\d+)$")
"""What a deploy killed half way leaves in the releases folder; the next deploy removes it."""
LOCK = ".deploy.lock"
ADOPT_HINT = "确实要把它作为网站目录，请加 --adopt（原有文件会原样保留为最早的版本，可用 --rollback 恢复，永不删除）"


class DeployError(Exception):
    """The deploy cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Protected:
    """A folder deploy must never replace: equal to or containing `path` is refused, inside it too if `inside`."""

    path: Path
    what: str
    inside: bool = False


def releases_dir(target: Path) -> Path:
    return target.with_name(target.name + ".releases")


def release_name(digest: str, now: datetime | None = None) -> str:
    """Sortable by time, unique per content: `20261121T133600123456-1a2b3c4d`."""
    moment = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%f")
    return f"{moment}-{digest[:8]}"


def link_release(target_name: str, link: str) -> str | None:
    """The release a deploy-made symlink at `target_name` points at (`<name>.releases/<release>`), else None."""
    folder, _, release = link.partition("/")
    return release if folder == f"{target_name}.releases" and RELEASE.match(release) else None


def current_release(target: Path) -> Path | None:
    """The release `target` points at, if `target` is a symlink deploy made."""
    if not target.is_symlink():
        return None
    name = link_release(target.name, os.readlink(target))
    return releases_dir(target) / name if name else None


def protected_paths(site_dir: Path, config_file: Path | None = None, docs_dir: Path | None = None) -> list[Protected]:
    """What a folder target must never be, contain, or (for the site and its sources) sit in."""
    guards = [Protected(site_dir, "要发布的网站文件夹", inside=True)]
    if config_file is not None:
        guards.append(Protected(config_file, "配置文件"))
    if docs_dir is not None:
        guards.append(Protected(docs_dir, "文章文件夹", inside=True))
    return guards


def inspect_target(target: Path, adopt: bool = False, protected: Iterable[Protected] = ()) -> str:
    """Whether deploy may publish at `target`: "new", "ours", "empty" or "adopt".

    Raises DeployError, having changed nothing, for anything deploy did not make itself.
    """
    _refuse_protected(target, [Protected(Path("/"), "根目录"), Protected(Path.home(), "主文件夹"), *protected])
    _refuse_file_on_the_way(target)
    releases = releases_dir(target)
    if releases.exists() and not releases.is_dir():
        raise DeployError(f"{releases} 是一个文件，发布需要用这个名字存放版本；没有做任何改动。请换一个发布位置")
    if target.is_symlink():
        if current_release(target) is not None:
            return "ours"
        raise DeployError(
            f"{target} 是一个指向 {os.readlink(target)} 的链接，不是 site-builder 发布的；"
            "为避免误删，没有做任何改动。请换一个发布位置"
        )
    if not target.exists():
        return "new"
    if not target.is_dir():
        raise DeployError(f"{target} 是一个文件，不是文件夹；为避免误删，没有做任何改动。请换一个发布位置")
    if not any(target.iterdir()):
        return "empty"
    if not adopt:
        raise DeployError(
            f"{target} 里已经有别的文件（不是 site-builder 发布的），为避免误删，没有做任何改动。"
            f"请换一个新的或空的文件夹；{ADOPT_HINT}"
        )
    if len(target.parts) <= 2:
        raise DeployError(
            f"{target} 是系统的顶层文件夹，不能接管；没有做任何改动。请换一个专门放网站的文件夹，例如 /srv/www/site"
        )
    if (releases / INITIAL_RELEASE).exists():
        raise DeployError(
            f"{releases / INITIAL_RELEASE} 已经保存着一份原有文件夹，不能再接管 {target}；"
            "没有做任何改动。请先把它们移到别处，或换一个发布位置"
        )
    return "adopt"


def deploy_folder(
    site_dir: Path,
    files: dict[str, SiteFile],
    digest: str,
    target: Path,
    dry_run: bool = False,
    adopt: bool = False,
    protected: Iterable[Protected] = (),
) -> DeployReport:
    """Write a new release of `files` and switch `target` to it, if `target` is deploy's to change."""
    state = inspect_target(target, adopt, protected)
    report = DeployReport(str(target), dry_run)
    previous = current_release(target)
    known = _read_manifest(previous) if previous else {}
    for file in files.values():
        if known.get(file.path) == file.sha256:
            report.skipped += 1
        else:
            report.uploaded.append(file.path)
            report.bytes_uploaded += file.size
            if file.path not in known:
                report.added.append(file.path)
    report.deleted = sorted(set(known) - set(files))
    if dry_run:
        return report
    releases = releases_dir(target)
    try:
        releases.mkdir(parents=True, exist_ok=True)
        with _exclusive(releases, target):
            clean_leftovers(target)
            _publish(site_dir, files, known, previous, releases / release_name(digest), target, state)
            prune(target)
    except OSError as error:
        raise DeployError(explain_os_error(error, target)) from None
    return report


def _publish(
    site_dir: Path,
    files: dict[str, SiteFile],
    known: dict[str, str],
    previous: Path | None,
    release: Path,
    target: Path,
    state: str,
) -> None:
    """Write `release`, then switch; interrupted (Ctrl-C, a full disk) before the switch, undo every step."""
    staging = release.with_name(f".incoming-{release.name}")
    moved_aside = False
    try:
        for file in files.values():
            destination = staging / file.path
            destination.parent.mkdir(parents=True, exist_ok=True)
            if previous is not None and known.get(file.path) == file.sha256:
                os.link(previous / file.path, destination)
            else:
                shutil.copyfile(site_dir / file.path, destination)
        os.replace(staging, release)
        write_file_atomically(_manifest_path(release), json.dumps({f.path: f.sha256 for f in files.values()}))
        if state == "adopt":
            os.replace(target, release.with_name(INITIAL_RELEASE))
            moved_aside = True
        elif state == "empty":
            target.rmdir()
            moved_aside = True
        switch_to(target, release)
    except BaseException:
        if current_release(target) == release:
            raise
        if moved_aside and not target.is_symlink():
            if state == "adopt":
                os.replace(release.with_name(INITIAL_RELEASE), target)
            else:
                target.mkdir(exist_ok=True)
        for leftover in (staging, release):
            shutil.rmtree(leftover, ignore_errors=True)
        _manifest_path(release).unlink(missing_ok=True)
        raise


def switch_to(target: Path, release: Path) -> None:
    """Point `target` at `release` with one rename: atomic for every reader."""
    releases = releases_dir(target)
    link = releases / f".switch-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.join(releases.name, release.name), link)
    os.replace(link, target)


def list_releases(target: Path) -> list[Path]:
    """Deploy's own releases, oldest first (an adopted original folder first of all)."""
    folder = releases_dir(target)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if RELEASE.match(p.name) and p.is_dir() and not p.is_symlink())


def rollback_folder(target: Path) -> str:
    """Switch back to the release before the current one; returns its name."""
    releases = list_releases(target)
    current = current_release(target)
    if current is None or current not in releases or releases.index(current) == 0:
        raise DeployError(f"{target} 没有更早的版本可以恢复")
    previous = releases[releases.index(current) - 1]
    switch_to(target, previous)
    return previous.name


def prune(target: Path, keep: int = KEEP_RELEASES) -> None:
    """Delete the oldest of deploy's own releases; never the current one, never an adopted folder."""
    current = current_release(target)
    own = [release for release in list_releases(target) if release.name != INITIAL_RELEASE]
    for old in own[:-keep]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)
            _manifest_path(old).unlink(missing_ok=True)


def clean_leftovers(target: Path) -> list[str]:
    """Remove what a killed deploy left: staging folders and switch links, recognised by name.

    Only inside `<target>.releases/`, plus the `.<name>.switch-<pid>` links older versions made beside
    `target` when they point into it. Returns the names removed.
    """
    removed = []
    for entry in releases_dir(target).iterdir():
        if LEFTOVER.match(entry.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry.name)
    for entry in target.parent.glob(f".{target.name}.switch-*"):
        pid = entry.name.rpartition("-")[2]
        if pid.isdigit() and entry.is_symlink() and link_release(target.name, os.readlink(entry)):
            entry.unlink()
            removed.append(entry.name)
    return removed


def explain_os_error(error: OSError, target: Path) -> str:
    """One line for a failed write: which file, and what to do about it."""
    where = error.filename or target
    if isinstance(error, PermissionError):
        return f"没有权限写入 {where}，请用有写权限的账号运行，或换一个发布位置"
    if error.errno == errno.ENOSPC:
        return f"磁盘空间不足，写入 {where} 失败；请清理磁盘后重新发布"
    return f"写入 {where} 失败（{error.strerror or error}），网站没有改动；请检查后重新发布"


@contextmanager
def _exclusive(releases: Path, target: Path) -> Iterator[None]:
    """One deploy per target at a time, so cleaning leftovers never removes a running deploy's work."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; folder targets there are rare and single-user
        yield
        return
    with open(releases / LOCK, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DeployError(f"另一个发布正在向 {target} 进行，请等它结束后再试") from None
        yield


def _refuse_protected(target: Path, protected: Iterable[Protected]) -> None:
    real = Path(os.path.realpath(target.parent)) / target.name
    for guard in protected:
        path = Path(os.path.realpath(guard.path))
        for candidate in {target, real}:
            if candidate == path:
                relation = f"就是{guard.what}"
            elif candidate in path.parents:
                relation = f"包含{guard.what} {path}"
            elif guard.inside and path in candidate.parents:
                relation = f"在{guard.what} {path} 里面"
            else:
                continue
            raise DeployError(
                f"不能发布到 {target}：它{relation}，发布会把它换成网站；为避免误删，没有做任何改动。"
                "请换一个专门放网站的文件夹，例如 /srv/www/site"
            )


def _refuse_file_on_the_way(target: Path) -> None:
    for parent in target.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise DeployError(
                    f"{parent} 是一个文件，不是文件夹，不能在它下面发布网站；没有做任何改动。请换一个发布位置"
                )
            return


def _manifest_path(release: Path) -> Path:
    """Beside the release, not in it: the web server must not serve deploy bookkeeping."""
    return release.with_name(release.name + ".manifest.json")


def _read_manifest(release: Path) -> dict[str, str]:
    try:
        manifest = json.loads(_manifest_path(release).read_text(encoding="utf-8"))
        return {str(path): str(digest) for path, digest in manifest.items()}
    except (OSError, ValueError, AttributeError):
        return {}
