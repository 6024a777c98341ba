"""Deploy to a folder (an nginx root): releases beside it and an atomic symlink switch.

`/srv/www/site` becomes a symlink to `/srv/www/site.releases/<release>/`. A new release is
written completely (unchanged files hard-linked from the previous one, as rsync --link-dest
does) before the symlink is replaced with one rename(2), so readers see the old site or the new
one, never a mixture. The previous releases stay for `deploy --rollback`.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

from site_builder.deploy.manifest import SiteFile
from site_builder.deploy.report import DeployReport

KEEP_RELEASES = 3
INITIAL_RELEASE = "20000101T000000000000-initial"
"""Where a folder that was there before the first deploy is kept; sorts before every release."""


class DeployError(Exception):
    """The deploy cannot go ahead; the message says why and what to do."""


def releases_dir(target: Path) -> Path:
    return target.with_name(target.name + ".releases")


def release_name(digest: str, now: datetime | None = None) -> str:
    """Sortable by time, unique per content: `20261121T133600-1a2b3c4d`."""
    moment = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%S%f")
    return f"{moment}-{digest[:8]}"


def current_release(target: Path) -> Path | None:
    if target.is_symlink():
        return releases_dir(target) / Path(os.readlink(target)).name
    return None


def deploy_folder(site_dir: Path, files: dict[str, SiteFile], digest: str, target: Path,
                  dry_run: bool = False) -> DeployReport:
    """Write a new release of `files` and switch `target` to it."""
    report = DeployReport(str(target), dry_run)
    previous = current_release(target)
    known = _read_manifest(previous) if previous else {}
    for file in files.values():
        if known.get(file.path) == file.sha256:
            report.skipped += 1
        else:
            report.uploaded.append(file.path)
            report.bytes_uploaded += file.size
    report.deleted = sorted(set(known) - set(files))
    if dry_run:
        return report
    if target.exists() and not target.is_symlink() and not target.is_dir():
        raise DeployError(f"{target} 是一个文件，不是文件夹，请换一个发布位置")
    releases = releases_dir(target)
    releases.mkdir(parents=True, exist_ok=True)
    name = release_name(digest)
    staging = releases / f".incoming-{name}"
    for file in files.values():
        destination = staging / file.path
        destination.parent.mkdir(parents=True, exist_ok=True)
        if previous is not None and known.get(file.path) == file.sha256:
            os.link(previous / file.path, destination)
        else:
            shutil.copyfile(site_dir / file.path, destination)
    _manifest_path(releases / name).write_text(json.dumps({f.path: f.sha256 for f in files.values()}), encoding="utf-8")
    os.replace(staging, releases / name)
    if target.exists() and not target.is_symlink():
        # First deploy onto an existing folder: keep it as the oldest release, then switch.
        os.replace(target, releases / INITIAL_RELEASE)
    switch_to(target, releases / name)
    prune(target)
    return report


def switch_to(target: Path, release: Path) -> None:
    """Point `target` at `release` with one rename: atomic for every reader."""
    link = target.with_name(f".{target.name}.switch-{os.getpid()}")
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(os.path.join(releases_dir(target).name, release.name), link)
    os.replace(link, target)


def list_releases(target: Path) -> list[Path]:
    folder = releases_dir(target)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


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
    """Delete the oldest releases, never the current one."""
    current = current_release(target)
    for old in list_releases(target)[:-keep]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)
            _manifest_path(old).unlink(missing_ok=True)


def _manifest_path(release: Path) -> Path:
    """Beside the release, not in it: the web server must not serve deploy bookkeeping."""
    return release.with_name(release.name + ".manifest.json")


def _read_manifest(release: Path) -> dict[str, str]:
    try:
        return json.loads(_manifest_path(release).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
