"""Deploy to a web server over SSH: rsync into a fresh release folder, then switch a symlink.

Same layout as a folder deploy (`/srv/www/site` → `/srv/www/site.releases/<release>/`).
rsync `--link-dest` hard-links unchanged files from the current release, so only changed files
cross the network; `mv -T` of a new symlink over the old one is a single rename(2) on the host.
`Host(None)` runs the same commands locally (used by the tests, and for a mounted share).
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
import subprocess
from pathlib import Path

from site_builder.deploy.folder import INITIAL_RELEASE, KEEP_RELEASES, DeployError, release_name
from site_builder.deploy.manifest import BUILD_STAMP, SiteFile
from site_builder.deploy.report import DeployReport

SSH_VARIABLE = "SITE_BUILDER_SSH"
"""The ssh command to use, e.g. `ssh -p 2222 -i ~/.ssh/deploy_key` (default: `ssh`)."""

SSH_TARGET = re.compile(r"^(?P<host>[^/:@\s]+@[^/:\s]+|[^/:\s]+):(?P<path>/.*)$")


class Host:
    """Where commands run: `user@host` over ssh (batch mode, no password prompts) or locally."""

    def __init__(self, address: str | None) -> None:
        self.address = address

    @staticmethod
    def ssh_command() -> list[str]:
        """The ssh program and options, in batch mode so a missing key fails instead of prompting."""
        return shlex.split(os.environ.get(SSH_VARIABLE) or "ssh") + ["-o", "BatchMode=yes"]

    def run(self, script: str) -> str:
        command = [*self.ssh_command(), self.address, script] if self.address else ["sh", "-c", script]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise DeployError(f"在 {self.address or '本机'} 上执行失败：{result.stderr.strip() or result.stdout.strip()}")
        return result.stdout

    def rsync_path(self, path: str) -> str:
        return f"{self.address}:{path}" if self.address else path


def parse_ssh_target(spec: str) -> tuple[str, str] | None:
    """`user@host:/srv/www/site` → ("user@host", "/srv/www/site"); None for anything else."""
    match = SSH_TARGET.match(spec)
    return (match.group("host"), match.group("path").rstrip("/")) if match else None


def deploy_rsync(site_dir: Path, files: dict[str, SiteFile], digest: str, host: Host, path: str,
                 dry_run: bool = False) -> DeployReport:
    """rsync `site_dir` into a new release on `host` and switch `path` to it."""
    report = DeployReport(host.rsync_path(path), dry_run)
    releases = f"{path}.releases"
    q = shlex.quote
    current = host.run(f"mkdir -p {q(releases)} && (readlink {q(path)} || true)").strip()
    name = release_name(digest)
    incoming = f"{releases}/.incoming-{name}"
    command = ["rsync", "-a", "--delete", "--checksum", "--itemize-changes", f"--exclude={BUILD_STAMP}"]
    if current:
        command.append(f"--link-dest={posixpath.join(releases, posixpath.basename(current))}")
    if dry_run:
        command.append("--dry-run")
    if host.address:
        command += ["-e", shlex.join(host.ssh_command())]
    command += [f"{site_dir}/", host.rsync_path(incoming) + "/"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise DeployError(f"rsync 失败：{result.stderr.strip()}")
    for line in result.stdout.splitlines():
        flags, _, name_part = line.partition(" ")
        if flags.startswith(("<f", ">f")) and name_part in files:
            report.uploaded.append(name_part)
            report.bytes_uploaded += files[name_part].size
    report.skipped = len(files) - len(report.uploaded)
    if dry_run:
        return report
    link = f"{path}.switch"
    host.run(
        f"mv {q(incoming)} {q(releases + '/' + name)}"
        f" && if [ -d {q(path)} ] && [ ! -L {q(path)} ]; then mv {q(path)} {q(releases + '/' + INITIAL_RELEASE)}; fi"
        f" && ln -sfn {q(posixpath.basename(releases) + '/' + name)} {q(link)}"
        f" && mv -Tf {q(link)} {q(path)}"
    )
    _prune(host, path)
    return report


def list_remote_releases(host: Host, path: str) -> list[str]:
    listing = host.run(f"ls -1 {shlex.quote(path + '.releases')} 2>/dev/null || true")
    return sorted(name for name in listing.split() if not name.startswith("."))


def rollback_rsync(host: Host, path: str) -> str:
    """Switch `path` back to the release before the current one; returns its name."""
    q = shlex.quote
    releases = list_remote_releases(host, path)
    current = posixpath.basename(host.run(f"readlink {q(path)} || true").strip())
    if current not in releases or releases.index(current) == 0:
        raise DeployError(f"{host.rsync_path(path)} 没有更早的版本可以恢复")
    previous = releases[releases.index(current) - 1]
    link = f"{path}.switch"
    host.run(f"ln -sfn {q(posixpath.basename(path) + '.releases/' + previous)} {q(link)} && mv -Tf {q(link)} {q(path)}")
    return previous


def _prune(host: Host, path: str) -> None:
    q = shlex.quote
    current = posixpath.basename(host.run(f"readlink {q(path)} || true").strip())
    old = [name for name in list_remote_releases(host, path)[:-KEEP_RELEASES] if name != current]
    if old:
        host.run("rm -rf " + " ".join(q(f"{path}.releases/{name}") for name in old))
