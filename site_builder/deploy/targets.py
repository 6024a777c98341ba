"""Resolve a deploy target (a name from mkdocs.yml or a direct address) and run it."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.deploy.folder import DeployError, deploy_folder, protected_paths, rollback_folder
from site_builder.deploy.manifest import SiteFile, manifest_digest, read_build_stamp, scan_site
from site_builder.deploy.report import DeployReport
from site_builder.deploy.s3 import deploy_s3, make_client
from site_builder.deploy.ssh import Host, deploy_rsync, parse_ssh_target, rollback_rsync

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger("mkdocs.plugins.site_builder.deploy")


@dataclass(frozen=True)
class Target:
    address: str
    """`s3://bucket/prefix`, `user@host:/path` or a local folder."""
    site_url: str = ""
    """The URL this target serves; a site built for another URL is refused."""
    endpoint: str = ""
    region: str = ""

    @property
    def kind(self) -> str:
        if self.address.startswith("s3://"):
            return "s3"
        return "ssh" if parse_ssh_target(self.address) else "folder"


def is_address(text: str) -> bool:
    """Clearly a place rather than a name: a path (`/`, `./`, `~`, `.`), `s3://…` or `host:/path`."""
    return "/" in text or "\\" in text or text in (".", "..") or text.startswith("~") or bool(parse_ssh_target(text))


def resolve_target(name_or_address: str, configured: Mapping[str, object]) -> Target:
    """A name from `deploy:` in mkdocs.yml (a string or {url, site_url, endpoint, region}), or an address.

    A bare word that is not a configured name is an error, not a new folder of that name in the
    current directory: `deploy content` must not publish over the articles.
    """
    entry = configured.get(name_or_address)
    if entry is None:
        if is_address(name_or_address):
            return Target(name_or_address)
        raise DeployError(unknown_name_message(name_or_address, sorted(configured)))
    if isinstance(entry, str):
        return Target(entry)
    if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
        raise DeployError(f"mkdocs.yml 中的发布目标“{name_or_address}”应写成地址，或 {{url: …, site_url: …}}")
    return Target(
        entry["url"], str(entry.get("site_url") or ""), str(entry.get("endpoint") or ""), str(entry.get("region") or "")
    )


def unknown_name_message(name: str, names: list[str]) -> str:
    """Which names mkdocs.yml does define, and how to write a folder or an SSH address instead."""
    known = f"已配置的有：{'、'.join(names)}" if names else "mkdocs.yml 的 site_builder 下还没有配置 deploy"
    if ":" in name:
        return (
            f"“{name}”不是 mkdocs.yml 中配置的发布目标（{known}）；SSH 服务器要写完整路径，例如 user@host:/srv/www/site"
        )
    return (
        f"“{name}”不是 mkdocs.yml 中配置的发布目标（{known}）；要发布到文件夹，请写出路径，"
        f"例如 ./{name} 或 /srv/www/site"
    )


def check_built_site(site_dir: Path, target: Target) -> tuple[dict[str, SiteFile], str]:
    """The site's files, if it is the untouched output of a successful build for this target."""
    stamp = read_build_stamp(site_dir)
    if stamp is None:
        raise DeployError(f"{site_dir} 不是一次成功生成的网站，请先运行 site-builder build（或加 --build）")
    files = scan_site(site_dir)
    digest = manifest_digest(files)
    if stamp.get("digest") != digest:
        raise DeployError(f"{site_dir} 在生成之后被改动过，请重新运行 site-builder build")
    if target.site_url and stamp.get("site_url") != target.site_url:
        raise DeployError(
            f"网站是按 site_url“{stamp.get('site_url')}”生成的，而发布目标的网址是“{target.site_url}”，"
            "链接会错；请改 mkdocs.yml 的 site_url 后重新生成"
        )
    return files, digest


def deploy(
    site_dir: Path,
    target: Target,
    dry_run: bool = False,
    client: S3Client | None = None,
    adopt: bool = False,
    config_file: Path | None = None,
    docs_dir: Path | None = None,
) -> DeployReport:
    """Publish `site_dir` to `target`; raises DeployError with a message for the user.

    `adopt` lets a folder that holds other files become the target (kept as the oldest release);
    `config_file` and `docs_dir` are never replaced, whatever the target says.
    """
    files, digest = check_built_site(site_dir, target)
    if target.kind == "s3":
        client = client or make_client(target.endpoint, target.region)
        site_url = (read_build_stamp(site_dir) or {}).get("site_url") or ""
        return deploy_s3(site_dir, files, target.address, client, dry_run, progress=log.info, site_url=site_url)
    if ssh := parse_ssh_target(target.address):
        host, path = ssh
        return deploy_rsync(site_dir, files, digest, Host(host), path, dry_run, adopt)
    protected = protected_paths(Path(os.path.abspath(site_dir)), config_file, docs_dir)
    return deploy_folder(site_dir, files, digest, folder_path(target.address), dry_run, adopt, protected)


def folder_path(address: str) -> Path:
    """Absolute, `~` expanded, symlinks kept: the target itself is a symlink to the current release."""
    return Path(os.path.abspath(os.path.expanduser(address)))


def rollback(target: Target) -> str:
    """Back to the previous release; S3 keeps none (deploy the previous build again instead)."""
    if target.kind == "s3":
        raise DeployError("对象存储没有保留旧版本：请检出上一版内容，重新生成并发布")
    if ssh := parse_ssh_target(target.address):
        host, path = ssh
        return rollback_rsync(Host(host), path)
    return rollback_folder(folder_path(target.address))
