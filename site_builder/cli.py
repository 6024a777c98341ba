"""The `site-builder` command: build, check, serve, new, deploy, import, stats.

Exit codes: 0 ok, 1 content (or a failed deploy), 2 usage/config, 130 interrupted. No logic of
its own: it parses arguments, loads the project through the engine adapter, calls the core,
and prints diagnostics. It is the one module that puts core and adapter together.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import tempfile
import threading
import traceback
from datetime import datetime
from pathlib import Path
from typing import ClassVar, NoReturn

from site_builder.diagnostics import Diagnostics
from site_builder.mkdocs_plugin.build import build_site, load_project
from site_builder.mkdocs_plugin.engine import engine_logger
from site_builder.project import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, BuildFailed
from site_builder.publication_rules import publication_time, withheld_report

EXIT_INTERRUPTED = 130
"""128 + SIGINT, what shells report for a program stopped with Ctrl-C."""


class _ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"命令用法有误：{message}\n")


class _MessageFormatter(logging.Formatter):
    """Our messages print as they are (`path:line: 错误: …`); MkDocs' get a short level prefix."""

    LEVELS: ClassVar[dict[str, str]] = {"WARNING": "警告", "ERROR": "错误", "CRITICAL": "错误"}

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.name.startswith("mkdocs.plugins.site_builder") or record.levelno < logging.WARNING:
            return message
        return f"{self.LEVELS.get(record.levelname, record.levelname)}: {message}"


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_MessageFormatter())
    logger = engine_logger()  # ProperDocs' or MkDocs' root logger; `mkdocs.*` records reach both
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
    # The engine's own INFO lines ("Cleaning site directory" …) are noise for our users.
    for engine in ("mkdocs", "properdocs"):
        for name in ("commands", "structure", "config", "theme", "utils", "plugins.material", "material", "livereload"):
            logging.getLogger(f"{engine}.{name}").setLevel(logging.DEBUG if verbose else logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    parser = _ChineseArgumentParser(prog="site-builder", description="把 content/ 里的文章生成关工委网站。")
    parser.add_argument("-v", "--verbose", action="store_true", help="显示详细过程")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_ChineseArgumentParser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("-f", "--config-file", default="mkdocs.yml", help="配置文件（默认 mkdocs.yml）")
        return sub

    build = command("build", "生成网站；只有成功时才替换输出文件夹")
    build.add_argument("-d", "--site-dir", help="输出文件夹（默认 mkdocs.yml 中的 site_dir，即 site）")
    build.add_argument("--strict", action="store_true", help="有警告也算失败")
    command("check", "检查所有文章和照片，不生成网站")
    serve = command("serve", "本地预览，修改后自动刷新")
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", help="预览地址（默认 127.0.0.1:8000）")
    deploy = command("deploy", "发布网站：到文件夹、SSH 服务器或对象存储（s3://）")
    deploy.add_argument(
        "target",
        help="mkdocs.yml 中 deploy 下的名称，或地址：/srv/www/site、user@host:/srv/www/site、s3://bucket/prefix",
    )
    deploy.add_argument("-d", "--site-dir", help="要发布的网站文件夹（默认 site）")
    deploy.add_argument("--dry-run", action="store_true", help="只列出将上传、替换和删除的文件，不做改动")
    deploy.add_argument("--build", action="store_true", help="先生成网站，成功后再发布")
    deploy.add_argument("--rollback", action="store_true", help="恢复到上一次发布的版本")
    deploy.add_argument(
        "--adopt",
        action="store_true",
        help="目标文件夹里已有别的文件时，仍把它作为网站目录：原有文件原样保留为最早的版本，"
        "可用 --rollback 回到它，永不删除（不加时，有文件的文件夹会被拒绝；空文件夹直接使用）",
    )
    new = command("new", "按栏目模板新建一篇文章")
    new.add_argument("section", help="栏目文件夹名，例如 reports")
    new.add_argument("title", help="文章标题")
    new.add_argument("--date", help="发布日期，例如 2024-05-01（默认今天）")
    importer = command(
        "import",
        "把 Word 文档（.docx）导入为文章草稿：正文、表格、照片及其说明，并从原文推测标题、日期、单位、作者、审核人",
    )
    importer.add_argument("path", help="一个 .docx 文件，或一个文件夹（导入其中所有的 .docx，不含子文件夹）")
    importer.add_argument("--section", required=True, help="导入到哪个栏目（文件夹名），例如 reports")
    importer.add_argument("--simplify", action="store_true", help="把繁体字转换为简体")
    studio = command("studio", "写作台：在浏览器里写文章、导入 Word、检查、预览、审核和发布")
    studio.add_argument("--port", type=int, default=8765, help="写作台的端口（默认 8765）")
    studio.add_argument(
        "--lan", action="store_true", help="局域网模式：允许同一 Wi-Fi 下的手机扫码上传照片（默认关闭）"
    )
    studio.add_argument("--lan-address", default="", help="局域网模式下本机的地址（有多个网络时指定）")
    studio.add_argument("--no-browser", action="store_true", help="不自动打开浏览器")
    stats = command("stats", "统计已发布的文章：各单位每月的篇数、活动报道、照片和参与人数，各栏目和人物的篇数")
    stats.add_argument("--year", type=_year, help="只统计这一年，例如 2025")
    stats.add_argument("--unit", help="只统计这个单位（名称规范表里的错误写法按规范名称计）")
    stats.add_argument("--csv", metavar="FILE", help="另存为 CSV 表格（UTF-8，Excel 可直接打开）")
    stats.add_argument("--report", metavar="FILE.md", help="写出年度总结素材（Markdown），需同时指定 --year")
    return parser


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"年份应写成四位数字，例如 2025，现在是“{text}”")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error already printed by argparse
        return int(stop.code or 0)
    _setup_logging(args.verbose)
    previous_handler = _interrupt_on_sigterm()
    try:
        handlers = {
            "build": _build,
            "check": _check,
            "serve": _serve,
            "new": _new,
            "deploy": _deploy,
            "import": _import,
            "studio": _studio,
            "stats": _stats,
        }
        return handlers[args.command](args)
    except BuildFailed as failure:
        print(str(failure), file=sys.stderr)
        return failure.exit_code
    except KeyboardInterrupt:
        print("已中断：未完成的部分已清理，原有的网站保持不变", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        if args.verbose:
            raise
        print(_crash_report(error), file=sys.stderr)
        return EXIT_CONTENT
    finally:
        if previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)


def _crash_report(error: Exception) -> str:
    """One line for the user, the traceback in a file for the maintainer.

    Every failure a user can cause has its own message; reaching this is a defect in
    site_builder, and a traceback on screen would only frighten the person who hit it.
    """
    handle, path = tempfile.mkstemp(prefix="site-builder-crash-", suffix=".txt")
    with os.fdopen(handle, "w", encoding="utf-8") as log_file:
        traceback.print_exception(error, file=log_file)
    return (
        f"site-builder 内部出错（{type(error).__name__}），这不是您的操作问题；原有的网站保持不变。"
        f"请把文件 {path} 发给维护人员，或加 -v 重新运行查看详情"
    )


def _interrupt_on_sigterm():
    """Let SIGTERM (a service manager, `kill`) clean up as Ctrl-C does: temporary folders removed,
    workers stopped. Returns the handler it replaced, or None when not on the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def _build(args) -> int:
    overrides = {"strict": True} if args.strict else {}
    project = load_project(args.config_file, **overrides)
    if args.strict and not project.settings.site_url:
        print(
            f"{args.config_file}: 错误: 没有设置 site_url。订阅（RSS）、站点地图和分享卡片需要网站的完整地址，"
            "请加一行 site_url: https://…/",
            file=sys.stderr,
        )
        return EXIT_USAGE
    site_dir = Path(args.site_dir) if args.site_dir else project.site_dir
    build_site(project, site_dir)
    print(f"网站已生成：{site_dir.resolve()}", file=sys.stderr)
    return EXIT_OK


def _check(args) -> int:
    from site_builder.check import check_site, section_freshness
    from site_builder.proofread.freshness import render_freshness_table

    settings = load_project(args.config_file).settings
    diagnostics = Diagnostics()
    workers = int(os.environ.get("SITE_BUILDER_WORKERS") or 0) or None
    now = publication_time(settings.timezone, os.environ)
    site = check_site(settings, now, diagnostics, workers)
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=sys.stderr)
    for line in withheld_report(site.withheld):
        print(line, file=sys.stderr)
    for line in render_freshness_table(section_freshness(site, now), now):
        print(line, file=sys.stderr)
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    print(
        f"检查了 {len(site.published) + len(site.withheld) + len(site.with_errors)} 篇文章：{errors} 个错误，{warnings} 个警告",
        file=sys.stderr,
    )
    return EXIT_CONTENT if errors else EXIT_OK


def _serve(args) -> int:
    from site_builder.mkdocs_plugin.serve import PortInUse, serve_site

    project = load_project(args.config_file, dev_addr=args.dev_addr)
    try:
        serve_site(project)
    except PortInUse as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _deploy(args) -> int:
    from site_builder.deploy.folder import DeployError
    from site_builder.deploy.targets import deploy, resolve_target, rollback

    project = load_project(args.config_file)
    site_url = project.settings.site_url
    try:
        target = resolve_target(args.target, project.deploy_targets)
        if args.rollback:
            print(f"{target.address}：已恢复到版本 {rollback(target)}", file=sys.stderr)
            return EXIT_OK
        site_dir = Path(args.site_dir) if args.site_dir else project.site_dir
        if args.build:
            build_site(project, site_dir)
        if target.site_url and target.site_url != site_url:
            raise DeployError(
                f"mkdocs.yml 的 site_url“{site_url}”与发布目标的网址“{target.site_url}”不一致，"
                "链接会错；请改正后重新生成"
            )
        report = deploy(
            site_dir,
            target,
            dry_run=args.dry_run,
            adopt=args.adopt,
            config_file=project.config_file,
            docs_dir=project.settings.content_dir,
        )
    except DeployError as error:
        print(f"发布失败：{error}", file=sys.stderr)
        return EXIT_CONTENT
    if args.dry_run:
        for verb, paths in (("上传", report.uploaded), ("删除", report.deleted)):
            for path in paths:
                print(f"  {verb} {path}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return EXIT_OK


def _new(args) -> int:
    from site_builder.scaffold import ScaffoldError, create_article

    settings = load_project(args.config_file).settings
    when = datetime.now(settings.timezone)
    if args.date:
        try:
            when = datetime.fromisoformat(args.date)
        except ValueError:
            print(f"日期“{args.date}”无法识别，请写成 2024-05-01", file=sys.stderr)
            return EXIT_USAGE
    try:
        path = create_article(settings, args.section, args.title, when)
    except ScaffoldError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    print(f"已新建：{path}\n请打开它填写内容；写好并审核后，把 draft: true 改为 draft: false。", file=sys.stderr)
    return EXIT_OK


def _import(args) -> int:
    from site_builder.importing.pipeline import ImportUsageError, import_documents, report_lines

    settings = load_project(args.config_file).settings
    today = publication_time(settings.timezone, os.environ).date()
    try:
        results = import_documents(settings, Path(args.path), args.section, simplify=args.simplify, today=today)
    except ImportUsageError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    for line in report_lines(results, settings.project_dir):
        print(line, file=sys.stderr)
    return EXIT_CONTENT if any(not result.is_imported for result in results) else EXIT_OK


def _stats(args) -> int:
    from site_builder.stats.command import StatsRequest, StatsUsageError, run_stats

    settings = load_project(args.config_file).settings
    now = publication_time(settings.timezone, os.environ)
    request = StatsRequest(
        year=args.year,
        unit=args.unit,
        csv=Path(args.csv) if args.csv else None,
        report=Path(args.report) if args.report else None,
    )
    try:
        output = run_stats(settings, now, request)
    except StatsUsageError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    print("\n".join(output.table))
    for note in output.notes:
        print(note, file=sys.stderr)
    return EXIT_OK


def _studio(args) -> int:
    from site_builder.studio.server import StudioUnavailable, run_studio

    try:
        return run_studio(
            args.config_file, args.port, args.lan, open_browser=not args.no_browser, lan_host=args.lan_address
        )
    except StudioUnavailable as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
