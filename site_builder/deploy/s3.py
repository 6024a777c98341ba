"""Deploy to S3-compatible storage (阿里云 OSS, 腾讯云 COS, 华为云 OBS, MinIO) with boto3.

Only files whose content changed are uploaded: a single-part upload's ETag is the MD5 of its
bytes, so comparing it with the local MD5 compares content, not dates. Each file goes up after the
new files it links to (order.py: placeholders break cycles of new pages), and stale objects are
deleted only after everything new is up, so an upload that breaks off at any point leaves every
published page linking to objects that exist.
Credentials come from boto3's standard sources (environment, profile) and are never printed:
botocore's errors become one Chinese line each (`explain_s3_error`), naming the variable to fix.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from botocore.exceptions import (
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from site_builder.deploy.folder import DeployError
from site_builder.deploy.links import file_links
from site_builder.deploy.manifest import SiteFile
from site_builder.deploy.order import PLACEHOLDER, PLACEHOLDER_CACHE, plan_upload
from site_builder.deploy.report import DeployReport

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger("mkdocs.plugins.site_builder.deploy")
PROGRESS_EVERY = 50

S3_ERRORS = (
    ClientError,
    BotoConnectionError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
    ParamValidationError,
    NoRegionError,
    ProfileNotFound,
)
"""What talking to the bucket can raise because of the user's setup or the network."""
CONNECTION_ERRORS = (BotoConnectionError, HTTPClientError)
"""Unreachable endpoint, refused, cut or timed-out connection (retried by botocore first)."""
NO_KEYS = (
    "没有找到对象存储的密钥：请先设置环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY（见 README 的“发布”一节）"
)
WRONG_REGION = "存储桶所在地区与设置不符：请检查 AWS_DEFAULT_REGION（或 mkdocs.yml 中的 region）和 AWS_ENDPOINT_URL"
CLIENT_ERRORS = {
    "NoSuchBucket": "存储桶“{bucket}”不存在：请检查地址 {url}，或先在云服务商的控制台创建它",
    "AccessDenied": "没有权限访问存储桶“{bucket}”：请确认这组密钥对它有读取、上传和删除的权限",
    "AllAccessDisabled": "存储桶“{bucket}”已被禁止访问：请在云服务商的控制台检查它的状态",
    "InvalidAccessKeyId": "AccessKey 不正确（对象存储不认识它）：请检查环境变量 AWS_ACCESS_KEY_ID",
    "SignatureDoesNotMatch": "Secret 不正确（签名不符）：请检查环境变量 AWS_SECRET_ACCESS_KEY",
    "InvalidToken": "临时密钥无效：请检查环境变量 AWS_SESSION_TOKEN，或删掉它",
    "ExpiredToken": "临时密钥已过期：请重新获取后设置 AWS_SESSION_TOKEN",
    "RequestTimeTooSkewed": "本机时间不准，对象存储拒绝了请求：请校准电脑的日期和时间后重试",
    "AuthorizationHeaderMalformed": WRONG_REGION,
    "PermanentRedirect": WRONG_REGION,
    "IllegalLocationConstraintException": WRONG_REGION,
}


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix` → ("bucket", "some/prefix/"); an address without a bucket is a DeployError."""
    rest = url.removeprefix("s3://")
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise DeployError(f"对象存储地址“{url}”缺少存储桶名：请写成 s3://存储桶名/site")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def make_client(endpoint: str | None = None, region: str | None = None) -> S3Client:
    """A boto3 S3 client; endpoint and region fall back to AWS_ENDPOINT_URL / AWS_DEFAULT_REGION.

    A new session each time: boto3's default one keeps the first credentials it found, so keys set
    or corrected later (in the 写作台, in tests) would be ignored.
    """
    import boto3
    from botocore.config import Config

    try:
        # Path-style addressing works with MinIO and with every vendor's S3 endpoint.
        return boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint or None,
            region_name=region or None,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}, connect_timeout=15),
        )
    except ProfileNotFound as error:
        raise DeployError(
            f"找不到 AWS_PROFILE 指定的配置“{error.kwargs.get('profile')}”：请改正或删掉 AWS_PROFILE"
        ) from None
    except ValueError:  # botocore: "Invalid endpoint: …"
        raise DeployError(
            "对象存储地址 AWS_ENDPOINT_URL（或 mkdocs.yml 中的 endpoint）写得不对："
            "应像 https://oss-cn-hangzhou.aliyuncs.com 这样以 https:// 开头"
        ) from None


def remote_etags(client: S3Client, bucket: str, prefix: str) -> dict[str, str]:
    """Relative path → ETag (without quotes) of every object under `prefix`."""
    etags = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            etags[item["Key"][len(prefix) :]] = item["ETag"].strip('"')
    return etags


def deploy_s3(
    site_dir: Path,
    files: dict[str, SiteFile],
    url: str,
    client: S3Client,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
    site_url: str = "",
) -> DeployReport:
    """Upload what changed, each file after the new files it links to; then delete what is gone.

    `site_url` (the build's) makes absolute links to this site, in feeds and sitemaps, count too.
    """
    bucket, prefix = parse_s3_url(url)
    report = DeployReport(url, dry_run)
    endpoint = client.meta.endpoint_url
    try:
        existing = remote_etags(client, bucket, prefix)
    except S3_ERRORS as error:
        raise DeployError(explain_s3_error(error, url, endpoint)) from None
    changed = [f for f in files.values() if existing.get(f.path) != f.md5]
    report.skipped = len(files) - len(changed)
    report.deleted = sorted(set(existing) - set(files))
    links = {
        f.path: file_links(f.path, (site_dir / f.path).read_bytes(), site_url)
        for f in changed
        if f.is_page or f.path.endswith((".css", ".xml.gz"))
    }
    plan = plan_upload(changed, links, set(existing))
    if dry_run:
        report.uploaded = [file.path for file in plan.files]
        report.bytes_uploaded = sum(file.size for file in plan.files)
        return report
    try:
        _upload(site_dir, plan.placeholders, plan.files, bucket, prefix, client, report, progress)
        for start in range(0, len(report.deleted), 1000):
            batch = report.deleted[start : start + 1000]
            client.delete_objects(
                Bucket=bucket, Delete={"Objects": [{"Key": prefix + key} for key in batch], "Quiet": True}
            )
    except S3_ERRORS as error:
        raise DeployError(explain_s3_error(error, url, endpoint, (len(report.uploaded), len(plan.files)))) from None
    return report


def _upload(
    site_dir: Path,
    placeholders: list[str],
    files: list[SiteFile],
    bucket: str,
    prefix: str,
    client: S3Client,
    report: DeployReport,
    progress: Callable[[str], None] | None,
) -> None:
    for path in placeholders:
        client.put_object(
            Bucket=bucket,
            Key=prefix + path,
            Body=PLACEHOLDER,
            ContentType="text/html; charset=utf-8",
            CacheControl=PLACEHOLDER_CACHE,
        )
    for file in files:
        with open(site_dir / file.path, "rb") as body:
            client.put_object(
                Bucket=bucket,
                Key=prefix + file.path,
                Body=body,
                ContentType=file.content_type,
                CacheControl=file.cache_control,
            )
        report.uploaded.append(file.path)
        report.bytes_uploaded += file.size
        if progress and len(report.uploaded) % PROGRESS_EVERY == 0:
            progress(f"已上传 {len(report.uploaded)}/{len(files)} 个文件")


def explain_s3_error(error: Exception, url: str, endpoint: str | None, sent: tuple[int, int] | None = None) -> str:
    """One line for the user: what went wrong with the bucket and what to do; never a credential.

    `sent` is (files uploaded, files to upload) once uploading began: the site stays whole (every
    page links to objects that exist), and running the same command again sends only the rest.
    """
    bucket = url.removeprefix("s3://").partition("/")[0]
    if isinstance(error, (NoCredentialsError, PartialCredentialsError)):
        return NO_KEYS
    if isinstance(error, ProfileNotFound):
        return f"找不到 AWS_PROFILE 指定的配置“{error.kwargs.get('profile')}”：请改正或删掉 AWS_PROFILE"
    if isinstance(error, NoRegionError):
        return "没有设置对象存储的地区：请设置环境变量 AWS_DEFAULT_REGION（例如 cn-hangzhou）"
    if isinstance(error, ParamValidationError):
        return f"对象存储地址 {url} 中的存储桶名“{bucket}”不合规范：只能用小写字母、数字和 -，请改正后重试"
    if isinstance(error, CONNECTION_ERRORS):
        if sent is not None:
            return (
                f"上传到一半时与对象存储的连接断开（已上传 {sent[0]}/{sent[1]} 个文件）；网站上的页面仍都指向存在的文件。"
                "请检查网络后重新运行同一条命令，只会补传剩下的文件"
            )
        return (
            f"连不上对象存储 {_without_userinfo(endpoint)}：请检查网络，以及 AWS_ENDPOINT_URL"
            "（或 mkdocs.yml 中的 endpoint）是否写对"
        )
    code = str(error.response.get("Error", {}).get("Code", "")) if isinstance(error, ClientError) else ""
    template = CLIENT_ERRORS.get(code)
    if template is None:
        return f"对象存储拒绝了请求（{code or type(error).__name__}）：请检查地址 {url}、密钥和权限后重试"
    return template.format(bucket=bucket, url=url)


def _without_userinfo(endpoint: str | None) -> str:
    """The endpoint as shown to the user: `user:secret@` removed, in case someone put keys in the URL."""
    if not endpoint:
        return "（默认地址）"
    parts = urlsplit(endpoint)
    return (
        parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")).geturl()
        if parts.hostname
        else endpoint
    )
