"""Deploy to a web server over SSH: rsync into a fresh release folder, then switch a symlink.

Same layout and the same ownership rules as a folder deploy (`/srv/www/site` →
`/srv/www/site.releases/<release>/`; see folder.py): a remote path holding files that deploy did
not publish is refused unless `--adopt`, an adopted folder is kept and never pruned, and only
entries named like deploy's own releases and leftovers are ever removed.
rsync `--link-dest` hard-links unchanged files from the current release, so only changed files
cross the network; `mv -T` of a new symlink over the old one is a single rename(2) on the host.
`Host(None)` runs the same commands locally (used by the tests, and for a mounted share).
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from site_builder.deploy.folder import (
    ADOPT_HINT,
    INITIAL_RELEASE,
    KEEP_RELEASES,
    RELEASE,
    DeployError,
    link_release,
    release_name,
)
from site_builder.deploy.manifest import BUILD_STAMP, SiteFile
from site_builder.deploy.report import DeployReport

SSH_VARIABLE = "SITE_BUILDER_SSH"
"""The ssh command to use, e.g. `ssh -p 2222 -i ~/.ssh/deploy_key` (default: `ssh`)."""

SSH_TARGET = re.compile(r"^(?P<host>[^/:@\s]+@[^/:\s]+|[^/:\s]+):(?P<path>/.*)$")
SWITCH_LINK = ".switch"
"""Built inside the releases folder, then renamed over the target: a leftover is recognisably deploy's."""

# Prints what the remote path is, one word per line, changing nothing.
INSPECT_SCRIPT = """\
p={path}; r={releases}
case "$HOME/" in "$p/"*) echo protected ;; esac
d=$(dirname "$p"); while [ ! -e "$d" ] && [ "$d" != / ]; do d=$(dirname "$d"); done
[ -d "$d" ] || printf 'under-file %s\\n' "$d"
if [ -e "$r" ] && [ ! -d "$r" ]; then echo releases-file; fi
if [ -L "$p" ]; then printf 'link %s\\n' "$(readlink "$p")"
elif [ -d "$p" ]; then if [ -n "$(ls -A "$p")" ]; then echo full; else echo empty; fi
elif [ -e "$p" ]; then echo file
else echo missing; fi
if [ -e "$r/{initial}" ]; then echo initial-kept; fi
"""


class Host:
    """Where commands run: `user@host` over ssh (batch mode, no password prompts) or locally."""

    def __init__(self, address: str | None) -> None:
        self.address = address

    @staticmethod
    def ssh_command() -> list[str]:
        """The ssh program and options, in batch mode so a missing key fails instead of prompting."""
        return [*shlex.split(os.environ.get(SSH_VARIABLE) or "ssh"), "-o", "BatchMode=yes"]

    def run(self, script: str) -> str:
        command = [*self.ssh_command(), self.address, script] if self.address else ["sh", "-c", script]
        try:
            result = subprocess.run(command, capture_output=True, text=True)
        except FileNotFoundError:
            raise DeployError(
                f"本机找不到程序 {command[0]}，请先安装 OpenSSH 客户端（或检查 {SSH_VARIABLE}）"
            ) from None
        if result.returncode == 255 and self.address:
            raise DeployError(
                f"连不上服务器 {self.address}（{_last_line(result.stderr)}）；"
                "请检查地址、网络和免密登录（ssh-copy-id）后重试"
            )
        if result.returncode != 0:
            raise DeployError(f"在 {self.address or '本机'} 上执行失败：{_last_line(result.stderr or result.stdout)}")
        return result.stdout

    def rsync_path(self, path: str) -> str:
        return f"{self.address}:{path}" if self.address else path


def parse_ssh_target(spec: str) -> tuple[str, str] | None:
    """`user@host:/srv/www/site` → ("user@host", "/srv/www/site"); None for anything else."""
    match = SSH_TARGET.match(spec)
    return (match.group("host"), match.group("path").rstrip("/")) if match else None


def decide(report: str, path: str, where: str, adopt: bool) -> tuple[str, str | None]:
    """From INSPECT_SCRIPT's words about `path` (shown as `where`): ("new" | "ours" | "empty" | "adopt",
    the current release) or DeployError, so that nothing deploy did not publish is ever replaced."""
    words = dict((line.partition(" ")[0], line.partition(" ")[2]) for line in report.splitlines() if line)
    refused = "为避免误删，没有做任何改动"
    name = posixpath.basename(path.rstrip("/"))
    if "protected" in words or not name:
        raise DeployError(
            f"不能发布到 {where}：它是根目录、主文件夹或包含主文件夹；{refused}。请换一个专门放网站的文件夹，例如 /srv/www/site"
        )
    if "under-file" in words:
        raise DeployError(
            f"{words['under-file']} 是一个文件，不是文件夹，不能在它下面发布网站；没有做任何改动。请换一个发布位置"
        )
    if "releases-file" in words:
        raise DeployError(f"{where}.releases 是一个文件，发布需要用这个名字存放版本；没有做任何改动。请换一个发布位置")
    if "link" in words:
        current = link_release(name, words["link"])
        if current is None:
            raise DeployError(
                f"{where} 是一个指向 {words['link']} 的链接，不是 site-builder 发布的；{refused}。请换一个发布位置"
            )
        return "ours", current
    if "file" in words:
        raise DeployError(f"{where} 是一个文件，不是文件夹；{refused}。请换一个发布位置")
    if "empty" in words:
        return "empty", None
    if "full" in words:
        if not adopt:
            raise DeployError(
                f"{where} 里已经有别的文件（不是 site-builder 发布的），{refused}。"
                f"请换一个新的或空的文件夹；{ADOPT_HINT}"
            )
        if posixpath.normpath(path).count("/") <= 1:
            raise DeployError(
                f"{where} 是系统的顶层文件夹，不能接管；没有做任何改动。请换一个专门放网站的文件夹，例如 /srv/www/site"
            )
        if "initial-kept" in words:
            raise DeployError(
                f"{where}.releases/{INITIAL_RELEASE} 已经保存着一份原有文件夹，不能再接管 {where}；"
                "没有做任何改动。请先把它们移到别处，或换一个发布位置"
            )
        return "adopt", None
    return "new", None


def deploy_rsync(
    site_dir: Path,
    files: dict[str, SiteFile],
    digest: str,
    host: Host,
    path: str,
    dry_run: bool = False,
    adopt: bool = False,
) -> DeployReport:
    """rsync `site_dir` into a new release on `host` and switch `path` to it, if `path` is deploy's to change."""
    _require_programs(host)
    q = shlex.quote
    releases = f"{path}.releases"
    inspected = host.run(INSPECT_SCRIPT.format(path=q(path), releases=q(releases), initial=INITIAL_RELEASE))
    state, current = decide(inspected, path, host.rsync_path(path), adopt)
    report = DeployReport(host.rsync_path(path), dry_run)
    if dry_run:
        return _dry_run(site_dir, files, host, releases, current, report)
    host.run(
        f"mkdir -p {q(releases)} && cd {q(releases)} && rm -rf ./.incoming-[0-9]* && rm -f ./{SWITCH_LINK}"
        f" && if [ -L {q(path + '.switch')} ]; then rm -f {q(path + '.switch')}; fi"
    )
    name = release_name(digest)
    incoming = f"{releases}/.incoming-{name}"
    command = _rsync_command(host, site_dir, incoming)
    if current:
        command.insert(1, f"--link-dest={releases}/{current}")
    result = _run_rsync(command)
    for line in result.stdout.splitlines():
        flags, _, name_part = line.partition(" ")
        if flags.startswith(("<f", ">f")) and name_part in files:
            report.uploaded.append(name_part)
            report.bytes_uploaded += files[name_part].size
    report.skipped = len(files) - len(report.uploaded)
    link = f"{releases}/{SWITCH_LINK}"
    make_room = {
        "adopt": f" && mv {q(path)} {q(releases + '/' + INITIAL_RELEASE)}",
        "empty": f" && rmdir {q(path)}",
    }.get(state, "")
    host.run(
        f"mv {q(incoming)} {q(releases + '/' + name)}{make_room}"
        f" && ln -sfn {q(posixpath.basename(releases) + '/' + name)} {q(link)}"
        f" && mv -Tf {q(link)} {q(path)}"
    )
    _prune(host, path)
    return report


def list_remote_releases(host: Host, path: str) -> list[str]:
    """Deploy's own releases on `host`, oldest first (an adopted original folder first of all)."""
    listing = host.run(f"ls -1 {shlex.quote(path + '.releases')} 2>/dev/null || true")
    return sorted(name for name in listing.split() if RELEASE.match(name))


def rollback_rsync(host: Host, path: str) -> str:
    """Switch `path` back to the release before the current one; returns its name."""
    q = shlex.quote
    releases = list_remote_releases(host, path)
    current = link_release(posixpath.basename(path), host.run(f"readlink {q(path)} || true").strip())
    if current not in releases or releases.index(current) == 0:
        raise DeployError(f"{host.rsync_path(path)} 没有更早的版本可以恢复")
    previous = releases[releases.index(current) - 1]
    link = f"{path}.releases/{SWITCH_LINK}"
    host.run(f"ln -sfn {q(posixpath.basename(path) + '.releases/' + previous)} {q(link)} && mv -Tf {q(link)} {q(path)}")
    return previous


def _dry_run(
    site_dir: Path, files: dict[str, SiteFile], host: Host, releases: str, current: str | None, report: DeployReport
) -> DeployReport:
    """Compare with the current release without writing anything; without one, every file is new."""
    if current is None:
        report.uploaded = sorted(files)
    else:
        command = _rsync_command(host, site_dir, f"{releases}/{current}")
        command[1:1] = ["--dry-run", "--delete"]
        for line in _run_rsync(command).stdout.splitlines():
            flags, _, name_part = line.partition(" ")
            if flags.startswith(("<f", ">f")) and name_part in files:
                report.uploaded.append(name_part)
            elif flags == "*deleting":
                report.deleted.append(name_part.strip())
    report.bytes_uploaded = sum(files[name].size for name in report.uploaded)
    report.skipped = len(files) - len(report.uploaded)
    return report


def _rsync_command(host: Host, site_dir: Path, destination: str) -> list[str]:
    command = ["rsync", "-a", "--checksum", "--itemize-changes", f"--exclude={BUILD_STAMP}"]
    if host.address:
        command += ["-e", shlex.join(host.ssh_command())]
    return [*command, f"{site_dir}/", host.rsync_path(destination) + "/"]


def _run_rsync(command: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise DeployError("本机没有安装 rsync，请先安装（Debian/Ubuntu：sudo apt install rsync）后重新发布") from None
    if result.returncode != 0:
        raise DeployError(f"rsync 上传失败（{_last_line(result.stderr)}），网站没有改动；请检查网络和服务器后重新发布")
    return result


def _require_programs(host: Host) -> None:
    """rsync (and ssh for a remote host) must be installed here before anything is done there."""
    if shutil.which("rsync") is None:
        raise DeployError("本机没有安装 rsync，请先安装（Debian/Ubuntu：sudo apt install rsync）后重新发布")
    ssh = host.ssh_command()[0]
    if host.address and shutil.which(ssh) is None:
        raise DeployError(f"本机找不到程序 {ssh}，请先安装 OpenSSH 客户端（或检查 {SSH_VARIABLE}）")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "没有输出"


def _prune(host: Host, path: str) -> None:
    q = shlex.quote
    current = link_release(posixpath.basename(path), host.run(f"readlink {q(path)} || true").strip())
    own = [name for name in list_remote_releases(host, path) if name != INITIAL_RELEASE]
    old = [name for name in own[:-KEEP_RELEASES] if name != current]
    if old:
        host.run("rm -rf " + " ".join(q(f"{path}.releases/{name}") for name in old))
