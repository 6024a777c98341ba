"""Deploy to S3-compatible storage (阿里云 OSS, 腾讯云 COS, 华为云 OBS, MinIO) with boto3.

Only files whose content changed are uploaded: a single-part upload's ETag is the MD5 of its
bytes, so comparing it with the local MD5 compares content, not dates. Each file goes up after the
new files it links to (order.py: placeholders break cycles of new pages), and stale objects are
deleted only after everything new is up, so an upload that breaks off at any point leaves every
published page linking to objects that exist.
Credentials come from boto3's standard sources (environment, profile) and are never printed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from site_builder.deploy.links import file_links
from site_builder.deploy.manifest import SiteFile
from site_builder.deploy.order import PLACEHOLDER, PLACEHOLDER_CACHE, plan_upload
from site_builder.deploy.report import DeployReport

log = logging.getLogger("mkdocs.plugins.site_builder.deploy")
PROGRESS_EVERY = 50


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix` → ("bucket", "some/prefix/")."""
    rest = url.removeprefix("s3://")
    bucket, _, prefix = rest.partition("/")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def make_client(endpoint: str | None = None, region: str | None = None):
    """A boto3 S3 client; endpoint and region fall back to AWS_ENDPOINT_URL / AWS_DEFAULT_REGION."""
    import boto3
    from botocore.config import Config

    # Path-style addressing works with MinIO and with every vendor's S3 endpoint.
    return boto3.client("s3", endpoint_url=endpoint or None, region_name=region or None,
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}))


def remote_etags(client, bucket: str, prefix: str) -> dict[str, str]:
    """Relative path → ETag (without quotes) of every object under `prefix`."""
    etags = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            etags[item["Key"][len(prefix):]] = item["ETag"].strip('"')
    return etags


def deploy_s3(site_dir: Path, files: dict[str, SiteFile], url: str, client, dry_run: bool = False,
              progress: Callable[[str], None] | None = None, site_url: str = "") -> DeployReport:
    """Upload what changed, each file after the new files it links to; then delete what is gone.

    `site_url` (the build's) makes absolute links to this site, in feeds and sitemaps, count too.
    """
    bucket, prefix = parse_s3_url(url)
    report = DeployReport(url, dry_run)
    existing = remote_etags(client, bucket, prefix)
    changed = [f for f in files.values() if existing.get(f.path) != f.md5]
    report.skipped = len(files) - len(changed)
    report.deleted = sorted(set(existing) - set(files))
    links = {f.path: file_links(f.path, (site_dir / f.path).read_bytes(), site_url) for f in changed if f.is_page
             or f.path.endswith((".css", ".xml.gz"))}
    plan = plan_upload(changed, links, set(existing))
    if not dry_run:
        for path in plan.placeholders:
            client.put_object(Bucket=bucket, Key=prefix + path, Body=PLACEHOLDER,
                              ContentType="text/html; charset=utf-8", CacheControl=PLACEHOLDER_CACHE)
    for file in plan.files:
        report.uploaded.append(file.path)
        report.bytes_uploaded += file.size
        if dry_run:
            continue
        with open(site_dir / file.path, "rb") as body:
            client.put_object(Bucket=bucket, Key=prefix + file.path, Body=body,
                              ContentType=file.content_type, CacheControl=file.cache_control)
        if progress and len(report.uploaded) % PROGRESS_EVERY == 0:
            progress(f"已上传 {len(report.uploaded)}/{len(changed)} 个文件")
    if not dry_run:
        for start in range(0, len(report.deleted), 1000):
            batch = report.deleted[start:start + 1000]
            client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": prefix + key} for key in batch], "Quiet": True})
    return report
