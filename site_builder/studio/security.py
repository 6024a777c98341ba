"""Who may talk to the 写作台, checked before any route runs (issue #16, CONTRACT "The 写作台").

- **Host**: only the exact `host:port` the request's socket listens on (DNS rebinding: a page on
  `evil.example` that resolves to 127.0.0.1 sends `Host: evil.example:PORT`).
- **Token**: `/login?token=T` (random per start) sets an HttpOnly, SameSite=Strict cookie named
  after the port; every other request needs it (401 without, 403 when wrong), static assets aside.
- **Origin + CSRF**: any method but GET/HEAD/OPTIONS needs an `Origin` (else a `Referer`) equal to
  the app's own origin, and the `X-CSRF-Token` the app puts in its page (403 otherwise). SameSite
  alone is not enough: a page on another port of 127.0.0.1 is same-site and sends the cookie.
- **Sockets**: the preview socket serves only GET/HEAD of the preview; the phone socket (LAN mode)
  only `/phone/<token>` pages, whose token allows one article's photo uploads and expires.

The guard reads headers only, never bodies, so a refused request never reaches a route.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
PHONE_TOKEN_SECONDS = 30 * 60
LOOPBACK = "127.0.0.1"


@dataclass
class PhoneGrant:
    """One article's photo uploads from a phone, until `expires` (time.monotonic())."""

    src_uri: str
    expires: float
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))


@dataclass
class Session:
    """Secrets and addresses of one run of the 写作台; the token changes at every start."""

    port: int
    preview_port: int = 0
    lan_host: str = ""
    """LAN mode: the address phones reach (never 0.0.0.0); empty when LAN mode is off."""
    phone_port: int = 0
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    phone_grants: dict[str, PhoneGrant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def cookie_name(self) -> str:
        """Per port, as Jupyter does: two studios on one machine never share a login."""
        return f"sb_studio_{self.port}"

    @property
    def origin(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def login_url(self) -> str:
        return f"{self.origin}/login?token={self.token}"

    @property
    def preview_origin(self) -> str:
        return f"http://{LOOPBACK}:{self.preview_port}" if self.preview_port else ""

    @property
    def phone_origin(self) -> str:
        return f"http://{self.lan_host}:{self.phone_port}" if self.lan_host and self.phone_port else ""

    def allowed_hosts(self, port: int) -> set[str]:
        """The Host values a request arriving on the socket at `port` may carry."""
        if self.lan_host and port == self.phone_port:
            return {f"{self.lan_host}:{port}"}
        return {f"{LOOPBACK}:{port}", f"localhost:{port}"}

    def allowed_origins(self) -> set[str]:
        return {self.origin, f"http://localhost:{self.port}"}

    def is_token(self, value: str) -> bool:
        return bool(value) and hmac.compare_digest(value.encode(), self.token.encode())

    def is_csrf(self, value: str) -> bool:
        return bool(value) and hmac.compare_digest(value.encode(), self.csrf.encode())

    def grant_phone(self, src_uri: str, now: float | None = None) -> str:
        """A new phone token for `src_uri`'s photos, valid PHONE_TOKEN_SECONDS."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._forget_expired(now)
            self.phone_grants[token] = PhoneGrant(src_uri, (now or time.monotonic()) + PHONE_TOKEN_SECONDS)
        return token

    def phone_grant(self, token: str, now: float | None = None) -> PhoneGrant | None:
        """The grant of `token` if it exists and has not expired."""
        with self._lock:
            self._forget_expired(now)
            for known, grant in self.phone_grants.items():
                if hmac.compare_digest(known.encode(), token.encode()):
                    return grant
        return None

    def revoke_phone(self, src_uri: str) -> None:
        with self._lock:
            self.phone_grants = {t: g for t, g in self.phone_grants.items() if g.src_uri != src_uri}

    def _forget_expired(self, now: float | None) -> None:
        moment = now if now is not None else time.monotonic()
        self.phone_grants = {t: g for t, g in self.phone_grants.items() if g.expires > moment}


def _headers(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}


def request_origin(headers: dict[str, str]) -> str:
    """The `Origin` header, else the origin of the `Referer`; empty when neither is usable."""
    origin = headers.get("origin", "")
    if origin and origin != "null":
        return origin
    referer = headers.get("referer", "")
    if not referer:
        return ""
    parts = urlsplit(referer)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class Guard:
    """ASGI middleware enforcing the rules of the module docstring; `app` sees only allowed requests."""

    def __init__(self, app: ASGIApp, session: Session, preview_app: ASGIApp | None = None) -> None:
        self.app = app
        self.session = session
        self.preview_app = preview_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await _refuse(send, 404, "不支持的请求")
            return
        session = self.session
        headers = _headers(scope)
        server = scope.get("server") or (LOOPBACK, session.port)
        port = int(server[1] or 0)
        if headers.get("host", "") not in session.allowed_hosts(port):
            await _refuse(send, 400, "地址不对：请用写作台启动时显示的地址打开（Invalid host header）")
            return
        method = scope["method"]
        path = scope["path"]
        if session.lan_host and port == session.phone_port:
            await self._phone(scope, receive, send, headers)
            return
        if session.preview_port and port == session.preview_port:
            if method not in ("GET", "HEAD"):
                await _refuse(send, 405, "预览只能查看")
                return
            if not self._has_cookie(headers):
                await _refuse(send, 401, "请先用写作台启动时显示的地址打开写作台")
                return
            if self.preview_app is None:
                await _refuse(send, 404, "没有预览")
                return
            await self.preview_app(scope, receive, send)
            return
        if port != session.port:
            await _refuse(send, 404, "不支持的请求")
            return
        if path.startswith("/static/") and method in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if path == "/login":
            await self._login(scope, send)
            return
        cookie = self._cookie(headers)
        if not cookie:
            await _refuse(send, 401, "请用写作台启动时显示的地址（含 token）打开；关掉浏览器后，请重新双击“写作台”")
            return
        if not session.is_token(cookie):
            await _refuse(send, 403, "登录已失效（写作台重新启动过），请用新显示的地址打开")
            return
        if method not in SAFE_METHODS:
            if request_origin(headers) not in session.allowed_origins():
                await _refuse(send, 403, "请求来自其他网页，已拒绝（Origin）")
                return
            if not session.is_csrf(headers.get(CSRF_HEADER, "")):
                await _refuse(send, 403, "请求缺少安全令牌，已拒绝（CSRF）；请刷新页面后再试")
                return
        await self.app(scope, receive, send)

    def _cookie(self, headers: dict[str, str]) -> str:
        jar = SimpleCookie()
        try:
            jar.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is no login
            return ""
        morsel = jar.get(self.session.cookie_name)
        return morsel.value if morsel is not None else ""

    def _has_cookie(self, headers: dict[str, str]) -> bool:
        return self.session.is_token(self._cookie(headers))

    async def _login(self, scope: Scope, send: Send) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        token = (query.get("token") or [""])[0]
        if not self.session.is_token(token):
            await _refuse(send, 403, "这个地址的 token 不对或已过期（写作台每次启动都会换新的），请用新显示的地址打开")
            return
        cookie = f"{self.session.cookie_name}={self.session.token}; HttpOnly; SameSite=Strict; Path=/"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", b"/"),
                    (b"set-cookie", cookie.encode()),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cache-control", b"no-store"),
                    (b"content-length", b"0"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async def _phone(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]) -> None:
        """The LAN socket: `/phone/<token>` (its page, its upload) and the static assets only."""
        path, method = scope["path"], scope["method"]
        if path.startswith("/static/") and method in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        parts = path.strip("/").split("/")
        if len(parts) not in (2, 3) or parts[0] != "phone" or (len(parts) == 3 and parts[2] != "upload"):
            await _refuse(send, 404, "手机上只能打开写作台给出的上传地址")
            return
        grant = self.session.phone_grant(parts[1])
        if grant is None:
            await _refuse(send, 403, "这个上传地址已过期，请在电脑上重新生成二维码")
            return
        if method not in SAFE_METHODS:
            if request_origin(headers) != self.session.phone_origin or len(parts) != 3:
                await _refuse(send, 403, "请求来自其他网页，已拒绝（Origin）")
                return
            if not hmac.compare_digest(headers.get(CSRF_HEADER, "").encode(), grant.csrf.encode()):
                await _refuse(send, 403, "请求缺少安全令牌，请刷新页面后再试")
                return
        scope.setdefault("state", {})["phone_grant"] = grant
        await self.app(scope, receive, send)


async def _refuse(send: Send, status: int, message: str) -> None:
    body = ('{"error": "' + message.replace("\\", "\\\\").replace('"', '\\"') + '"}').encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
