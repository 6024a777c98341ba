"""The 写作台's web application: JSON routes over the core, a small page, the preview (issue #16).

`create_app(options)` returns the ASGI app with its guard (security.py) in front. Each route
parses its input, calls the article store, the importer, the preview worker or the publisher,
and answers JSON; user-facing messages are the core's Chinese ones. Blocking work runs in
Starlette's thread pool.
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from site_builder.deploy.folder import DeployError
from site_builder.filenames import safe_file_name
from site_builder.images.thumbnail import make_thumbnail
from site_builder.importing.pipeline import WORD_SUFFIXES, import_document
from site_builder.media_types import is_text, media_type
from site_builder.project import Project
from site_builder.settings import SiteSettings
from site_builder.studio.articles import ArticleStore, Conflict, StudioError, version_of
from site_builder.studio.history import HISTORY_FOLDER, History
from site_builder.studio.preview import PreviewWorker
from site_builder.studio.publish import Publisher
from site_builder.studio.security import CSRF_HEADER, Guard, Session
from site_builder.studio.uploads import MB, Incoming, Limits, store_uploads

log = logging.getLogger("mkdocs.plugins.site_builder.studio")

STATIC = Path(str(resources.files("site_builder.studio").joinpath("static")))
JSON_LIMIT = 2 * MB
"""Every request but an upload: a form with a long article is far below this."""


@dataclass
class StudioOptions:
    """Everything `create_app` needs; the command line and the tests fill it in."""

    project: Project
    session: Session
    limits: Limits = field(default_factory=Limits)
    preview_build: Callable[[], list[str]] | None = None
    """Builds the preview (engine.Preview.build); None: no preview (tests of the API alone)."""
    preview_live: Path | None = None
    site_build: Callable[[Project, Path], None] | None = None
    """Builds the site for 发布 (engine.build)."""

    @property
    def settings(self) -> SiteSettings:
        return self.project.settings

    @property
    def work_dir(self) -> Path:
        """The studio's scratch folder, in the cache (never in content/, never published)."""
        cache = self.project.settings.cache_dir or self.project.settings.project_dir / ".cache" / "site_builder"
        return cache / "studio"


class Studio:
    """The state one app holds: store, history, preview worker, publisher."""

    def __init__(self, options: StudioOptions) -> None:
        self.options = options
        self.session = options.session
        settings = options.project.settings
        self.history = History(settings.project_dir / HISTORY_FOLDER)
        self.store = ArticleStore(settings, self.history)
        self.preview = PreviewWorker(options.preview_build) if options.preview_build else None
        self.publisher = Publisher(options.project, options.site_build or _no_build)


def _no_build(project: Project, site_dir: Path) -> None:
    raise DeployError("这个写作台没有连接生成功能")


Handler = Callable[[Request], Awaitable[Response]]


def _api(handler: Callable[[Request, Studio], Awaitable[Response]]) -> Handler:
    """Route wrapper: the studio from app state; StudioError and Conflict become JSON answers."""

    async def endpoint(request: Request) -> Response:
        studio: Studio = request.app.state.studio
        try:
            return await handler(request, studio)
        except StudioError as error:
            return JSONResponse({"error": str(error)}, status_code=error.status)
        except Conflict as conflict:
            current = conflict.current.decode("utf-8", errors="replace")
            return JSONResponse(
                {
                    "error": "这篇文章在您打开之后被别人（或别的程序）改过了，您的修改没有保存。请对照两个版本，决定保留哪些内容。",
                    "conflict": {
                        "current": current,
                        "current_version": version_of(conflict.current),
                        "yours": conflict.proposed,
                    },
                },
                status_code=409,
            )
        except DeployError as error:
            return JSONResponse({"error": str(error)}, status_code=409)

    return endpoint


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError:
        raise StudioError("请求的内容无法读取") from None
    if not isinstance(data, dict):
        raise StudioError("请求的内容无法读取")
    return data


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise StudioError(f"“{key}”应是文字")
    return value


def _who(request: Request, data: dict[str, Any] | None = None) -> str:
    who = (data or {}).get("who") or unquote(request.headers.get("x-studio-user", ""))
    return str(who).strip()[:40] or "未署名"


# -- pages ----------------------------------------------------------------------------------------


def _csp(session: Session, frames: bool = True) -> str:
    frame = session.preview_origin if frames and session.preview_origin else "'none'"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; "
        f"connect-src 'self'; frame-src {frame}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    )


def _page(name: str, session: Session, values: dict[str, str], frames: bool = True) -> HTMLResponse:
    text = (STATIC / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
    return HTMLResponse(
        text,
        headers={
            "content-security-policy": _csp(session, frames),
            "cache-control": "no-store",
            "referrer-policy": "same-origin",
            "x-content-type-options": "nosniff",
        },
    )


async def index_page(request: Request) -> Response:
    studio: Studio = request.app.state.studio
    settings = studio.options.settings
    return _page(
        "index.html",
        studio.session,
        {
            "csrf": studio.session.csrf,
            "preview": studio.session.preview_origin,
            "site_name": settings.site_name or "网站",
        },
    )


# -- articles -------------------------------------------------------------------------------------


@_api
async def site_info(request: Request, studio: Studio) -> Response:
    settings = studio.options.settings
    suggestions = await run_in_threadpool(studio.store.suggestions)
    return JSONResponse(
        {
            "site_name": settings.site_name,
            "site_url": settings.site_url,
            "sections": [{"name": s.name, "title": s.title} for s in settings.sections],
            "require_review": settings.require_review,
            "targets": studio.publisher.targets(),
            "suggestions": suggestions,
            "preview": studio.session.preview_origin,
            "lan": bool(studio.session.lan_host),
            "limits": {
                "photo_mb": studio.options.limits.photo_bytes // MB,
                "file_mb": studio.options.limits.attachment_bytes // MB,
            },
        }
    )


@_api
async def list_articles(request: Request, studio: Studio) -> Response:
    query = request.query_params
    result = await run_in_threadpool(
        studio.store.listing,
        query.get("section", ""),
        query.get("status", ""),
        query.get("year", ""),
        query.get("q", ""),
    )
    return JSONResponse(result)


@_api
async def create_article(request: Request, studio: Studio) -> Response:
    data = await _json(request)
    section, title = _text(data, "section"), _text(data, "title")
    date_text = _text(data, "date").strip()
    zone = studio.options.settings.timezone
    try:
        when = datetime.fromisoformat(date_text).replace(tzinfo=zone) if date_text else studio.store.now()
    except ValueError:
        raise StudioError("日期请写成 2024-05-01") from None
    src = await run_in_threadpool(studio.store.create, section, title, when)
    _request_preview(studio)
    return JSONResponse({"src": src}, status_code=201)


@_api
async def read_article(request: Request, studio: Studio) -> Response:
    data = await run_in_threadpool(studio.store.read, request.query_params.get("src", ""))
    return JSONResponse(data, headers={"etag": f'"{data["version"]}"'})


@_api
async def save_article(request: Request, studio: Studio) -> Response:
    data = await _json(request)
    changes = data.get("changes") or {}
    body = data.get("body")
    if not isinstance(changes, dict) or (body is not None and not isinstance(body, str)):
        raise StudioError("请求的内容无法读取")
    result = await run_in_threadpool(
        studio.store.save, _text(data, "src"), _text(data, "version"), changes, body, _who(request, data)
    )
    result["preview"] = _request_preview(studio) if result["changed"] else 0
    return JSONResponse(result)


@_api
async def check_article(request: Request, studio: Studio) -> Response:
    data = await _json(request)
    changes = data.get("changes") or {}
    body = data.get("body")
    if not isinstance(changes, dict) or (body is not None and not isinstance(body, str)):
        raise StudioError("请求的内容无法读取")
    return JSONResponse(await run_in_threadpool(studio.store.check, _text(data, "src"), changes, body))


@_api
async def article_version(request: Request, studio: Studio) -> Response:
    src, version_id = request.query_params.get("src", ""), request.query_params.get("id", "")
    studio.store.source(src)
    data = await run_in_threadpool(studio.history.read, src, version_id)
    if data is None:
        raise StudioError("没有这个历史版本", 404)
    return JSONResponse({"text": data.decode("utf-8", errors="replace")})


@_api
async def restore_version(request: Request, studio: Studio) -> Response:
    data = await _json(request)
    src, version_id = _text(data, "src"), _text(data, "id")
    studio.store.source(src)
    old = await run_in_threadpool(studio.history.read, src, version_id)
    if old is None:
        raise StudioError("没有这个历史版本", 404)
    result = await run_in_threadpool(
        studio.store.save_text, src, _text(data, "version"), old.decode("utf-8"), _who(request, data), "恢复旧版本"
    )
    result["preview"] = _request_preview(studio)
    return JSONResponse(result)


@_api
async def review(request: Request, studio: Studio) -> Response:
    """审核: approve (reviewed_by, reviewed_at, no longer a draft) or return with a note (a draft)."""
    data = await _json(request)
    reviewer = _text(data, "reviewer").strip()
    if not reviewer:
        raise StudioError("请先填写审核人的姓名")
    decision = _text(data, "decision")
    now = studio.store.now()
    if decision == "approve":
        changes: dict[str, object] = {
            "reviewed_by": reviewer,
            "reviewed_at": f"{now:%Y-%m-%d %H:%M}",
            "review_note": "",
            "draft": False,
        }
        action = "审核通过"
    elif decision == "return":
        note = _text(data, "note").strip()
        if not note:
            raise StudioError("退回修改时请写明原因，作者会在表单里看到")
        changes = {"draft": True, "review_note": f"{reviewer}：{note}", "reviewed_by": ""}
        action = "退回修改"
    else:
        raise StudioError("未知的审核操作")
    result = await run_in_threadpool(
        studio.store.save, _text(data, "src"), _text(data, "version"), changes, None, reviewer, action
    )
    result["preview"] = _request_preview(studio)
    return JSONResponse(result)


# -- files ----------------------------------------------------------------------------------------


@_api
async def thumbnail(request: Request, studio: Studio) -> Response:
    path = studio.store.file_path(request.query_params.get("src", ""), request.query_params.get("name", ""))
    max_pixels = studio.options.settings.images.max_pixels
    try:
        data = await run_in_threadpool(make_thumbnail, path, max_pixels)
    except (OSError, ValueError, SyntaxError):
        raise StudioError("这张照片无法显示（文件可能已损坏）", 415) from None
    return Response(data, media_type="image/jpeg", headers={"cache-control": "private, max-age=60"})


@_api
async def upload(request: Request, studio: Studio) -> Response:
    src = request.query_params.get("src", "")
    studio.store.source(src)
    if not studio.store.source(src).is_bundle:
        src = await run_in_threadpool(studio.store.make_bundle, src)
    return await _receive(request, studio, src, photos_only=False)


async def _receive(request: Request, studio: Studio, src: str, photos_only: bool) -> Response:
    limits = studio.options.limits
    source = studio.store.source(src)
    async with request.form(max_files=limits.files_per_request, max_fields=5) as form:
        files = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
        incoming = [Incoming(item.filename or "", item.file, item.size or 0) for item in files]
        with studio.store.write_lock:
            stored = await run_in_threadpool(
                store_uploads,
                source.folder,
                incoming,
                limits,
                studio.options.settings.images.max_pixels,
                studio.options.work_dir / "uploads",
                photos_only,
            )
    studio.store.invalidate()
    return JSONResponse(
        {"src": src, "stored": [{"name": s.name, "kind": s.kind, "renamed_from": s.renamed_from} for s in stored]},
        status_code=201,
    )


@_api
async def remove_file(request: Request, studio: Studio) -> Response:
    data = await _json(request)
    await run_in_threadpool(studio.store.remove_file, _text(data, "src"), _text(data, "name"), _who(request, data))
    return JSONResponse({"removed": _text(data, "name")})


@_api
async def import_word(request: Request, studio: Studio) -> Response:
    """Word in one drop: the same `import_document` as `site-builder import`."""
    section = request.query_params.get("section", "")
    settings = studio.options.settings
    if settings.section(section) is None:
        raise StudioError("请先选择导入到哪个栏目")
    limits = studio.options.limits
    results = []
    async with request.form(max_files=limits.files_per_request, max_fields=5) as form:
        files = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
        if not files:
            raise StudioError("没有收到文件")
        for item in files:
            name = safe_file_name(item.filename or "来稿.docx")
            if Path(name).suffix.lower() not in WORD_SUFFIXES:
                results.append(
                    {
                        "file": name,
                        "error": "只能导入 Word 文档（.docx）；旧版 .doc/.wps 请先在 Word 或 WPS 中另存为 .docx",
                    }
                )
                continue
            if (item.size or 0) > limits.word_bytes:
                results.append({"file": name, "error": f"文件超过了 {limits.word_bytes // MB} MB 的上限"})
                continue
            results.append(await run_in_threadpool(_import_one, studio, item, name, section))
    studio.store.invalidate()
    _request_preview(studio)
    return JSONResponse({"results": results}, status_code=201)


def _import_one(studio: Studio, item: UploadFile, name: str, section: str) -> dict[str, Any]:
    settings = studio.options.settings
    scratch = studio.options.work_dir / "import"
    scratch.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=scratch))
    try:
        path = folder / name
        with open(path, "xb") as out:
            item.file.seek(0)
            shutil.copyfileobj(item.file, out, 1 << 20)
        with studio.store.write_lock:
            result = import_document(settings, path, section, simplify=False, today=studio.store.now().date())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if result.index is None or result.article is None:
        return {"file": name, "error": result.error}
    article = result.article
    guessed = ["title", "unit", "author", "reviewed_by"] + ([] if article.is_date_certain else ["date"])
    return {
        "file": name,
        "src": result.index.relative_to(settings.content_dir).as_posix(),
        "notes": list(result.warnings),
        "guessed": guessed,
    }


# -- preview, phone, publish ----------------------------------------------------------------------


def _request_preview(studio: Studio) -> int:
    return studio.preview.request() if studio.preview is not None else 0


@_api
async def preview_status(request: Request, studio: Studio) -> Response:
    worker = studio.preview
    if worker is None:
        return JSONResponse({"enabled": False})
    wanted = int(request.query_params.get("wait", "0") or 0)
    if wanted:
        await run_in_threadpool(worker.wait, wanted, 20.0)
    return JSONResponse(
        {
            "enabled": True,
            "built": worker.built,
            "requested": worker.requested,
            "problems": worker.problems,
            "seconds": round(worker.seconds, 2),
            "origin": studio.session.preview_origin,
        }
    )


@_api
async def phone_link(request: Request, studio: Studio) -> Response:
    data = await _json(request)
    src = _text(data, "src")
    if not studio.session.lan_host:
        raise StudioError("手机上传需要局域网模式：请关闭写作台，用 site-builder studio --lan 重新启动", 409)
    if not studio.store.source(src).is_bundle:
        src = await run_in_threadpool(studio.store.make_bundle, src)
    token = studio.session.grant_phone(src)
    url = f"{studio.session.phone_origin}/phone/{token}"
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=6, title="用手机扫码上传照片")
    return JSONResponse({"src": src, "url": url, "svg": svg, "minutes": 30})


async def phone_page(request: Request) -> Response:
    studio: Studio = request.app.state.studio
    grant = request.scope["state"]["phone_grant"]
    source = studio.store.source(grant.src_uri)
    entry = studio.store.index().entries.get(grant.src_uri)
    title = entry.title if entry else source.name_part
    return _page("phone.html", studio.session, {"csrf": grant.csrf, "title": title}, frames=False)


@_api
async def phone_upload(request: Request, studio: Studio) -> Response:
    grant = request.scope["state"]["phone_grant"]
    return await _receive(request, studio, grant.src_uri, photos_only=True)


@_api
async def publish(request: Request, studio: Studio) -> Response:
    data = await _json(request)

    def errors_first() -> str | None:
        index = studio.store.index(fresh=True)
        broken = [e for e in index.entries.values() if e.status == "有错误"]
        if broken:
            names = "、".join(f"《{e.title}》" for e in broken[:5])
            return f"有 {len(broken)} 篇文章有错误（{names}{'等' if len(broken) > 5 else ''}），网站没有更新"
        return None

    studio.publisher.start(_text(data, "target"), errors_first)
    return JSONResponse({"started": True}, status_code=202)


@_api
async def publish_status(request: Request, studio: Studio) -> Response:
    return JSONResponse(studio.publisher.state)


@_api
async def rollback(request: Request, studio: Studio) -> Response:
    data = await _json(request)
    release = await run_in_threadpool(studio.publisher.rollback, _text(data, "target"))
    return JSONResponse({"release": release})


# -- the preview socket ---------------------------------------------------------------------------


class PreviewFiles:
    """GET/HEAD of the preview's files (the guard lets nothing else through on its socket)."""

    def __init__(self, live: Path | None) -> None:
        self.live = live

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        response = await run_in_threadpool(self._response, scope["path"])
        await response(scope, receive, send)

    def _response(self, path: str) -> Response:
        if self.live is None or not self.live.exists():
            return HTMLResponse("<!doctype html><meta charset=utf-8><p>预览正在生成，请稍候……</p>", status_code=503)
        root = os.path.realpath(self.live)
        relative = path.lstrip("/")
        candidate = os.path.realpath(os.path.join(root, relative))
        if candidate != root and not candidate.startswith(root + os.sep):
            return Response("Not Found", status_code=404)
        if os.path.isdir(candidate):
            candidate = os.path.join(candidate, "index.html")
        headers = {"cache-control": "no-store", "x-content-type-options": "nosniff"}
        # Read whole, not streamed: the next preview build may switch folders while it is sent.
        for path, status in ((candidate, 200), (os.path.join(root, "404.html"), 404)):
            try:
                data = Path(path).read_bytes()
            except OSError:
                continue
            kind = media_type(path)
            kind += "; charset=utf-8" if is_text(kind) else ""
            return Response(data, status_code=status, media_type=kind, headers=headers)
        return Response("Not Found", status_code=404)


def create_app(options: StudioOptions) -> Guard:
    """The 写作台 app behind its guard; start the preview worker with the app's lifespan."""
    studio = Studio(options)
    limits = options.limits

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if studio.preview is not None:
            studio.preview.start()
            studio.preview.request()
        try:
            yield
        finally:
            if studio.preview is not None:
                await run_in_threadpool(studio.preview.stop)

    upload_limit = limits.request_bytes
    routes = [
        Route("/", index_page),
        Route("/api/site", site_info),
        Route("/api/articles", list_articles),
        Route("/api/articles", create_article, methods=["POST"]),
        Route("/api/article", read_article),
        Route("/api/article/save", save_article, methods=["POST"]),
        Route("/api/article/check", check_article, methods=["POST"]),
        Route("/api/article/version", article_version),
        Route("/api/article/restore", restore_version, methods=["POST"]),
        Route("/api/article/review", review, methods=["POST"]),
        Route("/api/article/thumbnail", thumbnail),
        Route("/api/article/upload", upload, methods=["POST"], max_body_size=upload_limit),
        Route("/api/article/remove-file", remove_file, methods=["POST"]),
        Route("/api/article/phone-link", phone_link, methods=["POST"]),
        Route(
            "/api/import",
            import_word,
            methods=["POST"],
            max_body_size=limits.files_per_request * limits.word_bytes + MB,
        ),
        Route("/api/preview", preview_status),
        Route("/api/publish", publish, methods=["POST"]),
        Route("/api/publish", publish_status),
        Route("/api/rollback", rollback, methods=["POST"]),
        Route("/phone/{token}", phone_page),
        Route("/phone/{token}/upload", phone_upload, methods=["POST"], max_body_size=upload_limit),
        Mount("/static", StaticFiles(directory=STATIC, follow_symlink=False), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, max_body_size=JSON_LIMIT)
    app.state.studio = studio
    return Guard(app, options.session, PreviewFiles(options.preview_live))


def encoded(src: str) -> str:
    """`src` for a query string (the page builds its URLs the same way)."""
    return quote(src, safe="")


__all__ = ["CSRF_HEADER", "StudioOptions", "create_app"]
