"""What a user can get wrong while publishing is one Chinese line and exit 1, never a traceback
(issue #8, defect 8). S3 cases run against moto's server on loopback, with its IAM checks on
where credentials matter; secrets never appear in the output.
"""

from __future__ import annotations

import socket

import pytest

from tests.conftest import article, run_cli

SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def built(make_project, capsys):
    project = make_project({"news/2024-05-01-a.md": article("第一篇", "2024-05-01")})
    assert run_cli(["build"], capsys)[0] == 0
    return project


def assert_explained(code: int, output: str, *words: str) -> None:
    assert code == 1, output
    assert "Traceback" not in output and SECRET not in output, output
    lines = [line for line in output.splitlines() if line.startswith("发布失败：")]
    assert len(lines) == 1, output
    for word in words:
        assert word in lines[0], output


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def iam_checked(s3, monkeypatch):
    """moto with authentication on: a user without permissions, and the server's address."""
    import boto3
    import moto.settings

    endpoint = s3.meta.endpoint_url
    iam = boto3.client("iam", endpoint_url=endpoint)
    iam.create_user(UserName="editor")
    key = iam.create_access_key(UserName="editor")["AccessKey"]
    monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
    return key


def test_s3_without_credentials(built, tmp_path, monkeypatch, capsys):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed_port()}")
    code, output = run_cli(["deploy", "s3://ggw/site"], capsys)
    assert_explained(code, output, "密钥", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


def test_s3_with_an_unknown_profile(built, monkeypatch, capsys):
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    code, output = run_cli(["deploy", "s3://ggw/site"], capsys)
    assert_explained(code, output, "AWS_PROFILE", "no-such-profile")


def test_s3_endpoint_unreachable(built, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://deployer:{SECRET}@127.0.0.1:{closed_port()}")
    code, output = run_cli(["deploy", "s3://ggw/site"], capsys)
    assert_explained(code, output, "连不上", "127.0.0.1", "AWS_ENDPOINT_URL")


def test_s3_endpoint_that_is_not_a_url(built, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "oss-cn-hangzhou aliyuncs.com")
    code, output = run_cli(["deploy", "s3://ggw/site"], capsys)
    assert_explained(code, output, "AWS_ENDPOINT_URL", "https://")


def test_s3_bucket_missing(built, s3, capsys):
    code, output = run_cli(["deploy", "s3://no-such-bucket/site"], capsys)
    assert_explained(code, output, "no-such-bucket", "不存在")


@pytest.mark.parametrize("url", ["s3://", "s3:///site", "s3://Bad_Bucket!/site"])
def test_s3_address_without_a_valid_bucket(built, s3, capsys, url):
    code, output = run_cli(["deploy", url], capsys)
    assert_explained(code, output, "存储桶名", "s3://")


def test_s3_wrong_access_key(built, iam_checked, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIANOTAREALKEY00000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    code, output = run_cli(["deploy", "s3://ggw/site"], capsys)
    assert_explained(code, output, "AWS_ACCESS_KEY_ID")


def test_s3_wrong_secret(built, iam_checked, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", iam_checked["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    code, output = run_cli(["deploy", "s3://ggw/site"], capsys)
    assert_explained(code, output, "AWS_SECRET_ACCESS_KEY")


def test_s3_access_denied(built, iam_checked, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", iam_checked["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", iam_checked["SecretAccessKey"])
    code, output = run_cli(["deploy", "s3://ggw/site"], capsys)
    assert_explained(code, output, "权限", "ggw")
    assert iam_checked["SecretAccessKey"] not in output


@pytest.mark.parametrize("failure", ["ConnectionClosedError", "ReadTimeoutError", "EndpointConnectionError"])
def test_s3_connection_cut_mid_upload(built, s3, monkeypatch, capsys, failure):
    import botocore.client
    import botocore.exceptions

    real_call = botocore.client.BaseClient._make_api_call
    puts = []

    def cut(self, operation, params):
        if operation == "PutObject":
            puts.append(params["Key"])
            if len(puts) > 3:
                raise getattr(botocore.exceptions, failure)(endpoint_url=s3.meta.endpoint_url)
        return real_call(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", cut)
    code, output = run_cli(["deploy", "s3://ggw/site"], capsys)
    assert_explained(code, output, "连接断开", "已上传 ", "重新运行")
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", real_call)
    code, output = run_cli(["deploy", "s3://ggw/site"], capsys)
    assert code == 0, output


def test_folder_target_under_a_regular_file(built, tmp_path, capsys):
    note = tmp_path / "file.txt"
    note.write_text("笔记", encoding="utf-8")
    code, output = run_cli(["deploy", str(note / "site")], capsys)
    assert_explained(code, output, str(note), "不是文件夹")
    assert note.read_text(encoding="utf-8") == "笔记"


def test_folder_target_without_write_permission(built, tmp_path, monkeypatch, capsys):
    import os
    from pathlib import Path

    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() == 0:  # root (CI) may write anywhere: the file system refuses as it would a user
        real_mkdir = Path.mkdir

        def refuse(self, *args, **kwargs):
            if self.is_relative_to(locked):
                raise PermissionError(13, "Permission denied", str(self))
            return real_mkdir(self, *args, **kwargs)

        monkeypatch.setattr(Path, "mkdir", refuse)
    code, output = run_cli(["deploy", str(locked / "site")], capsys)
    assert_explained(code, output, "权限")


def test_ssh_target_without_rsync_installed(built, tmp_path, monkeypatch, capsys):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, output = run_cli(["deploy", "deploy@www.example.invalid:/srv/www/site"], capsys)
    assert_explained(code, output, "rsync", "安装")


def test_ssh_target_unreachable(built, monkeypatch, capsys):
    import shutil

    if shutil.which("ssh") is None or shutil.which("rsync") is None:
        pytest.skip("needs ssh and rsync")
    monkeypatch.setenv("SITE_BUILDER_SSH", f"ssh -p {closed_port()} -o ConnectTimeout=5 -o StrictHostKeyChecking=no")
    code, output = run_cli(["deploy", "deploy@127.0.0.1:/srv/www/site"], capsys)
    assert_explained(code, output, "连不上服务器", "deploy@127.0.0.1")


def test_ctrl_c_during_an_s3_upload_is_no_traceback_and_the_next_deploy_completes(built, s3, monkeypatch, capsys):
    import botocore.client

    real_call = botocore.client.BaseClient._make_api_call
    puts = []

    def interrupted(self, operation, params):
        if operation == "PutObject":
            puts.append(params["Key"])
            if len(puts) > 3:
                raise KeyboardInterrupt
        return real_call(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", interrupted)
    code, output = run_cli(["deploy", "s3://ggw/site"], capsys)
    assert code != 0 and "Traceback" not in output
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", real_call)
    code, output = run_cli(["deploy", "s3://ggw/site"], capsys)
    assert code == 0, output
