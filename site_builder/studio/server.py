"""`site-builder studio`: sockets, the uvicorn server, the browser (issue #16).

The URL is printed (and the browser opened) only once the server listens. Sockets are bound here,
before the first build: the studio's on 127.0.0.1 (the port asked for), the preview's on another
port of 127.0.0.1 (a separate origin: the preview's pages cannot reach the studio's page or its
CSRF token), and in LAN mode the phones' on the machine's LAN address only, never 0.0.0.0.
"""

from __future__ import annotations

import errno
import socket
import sys
import threading
import webbrowser

import uvicorn

from site_builder.project import Project
from site_builder.studio import engine
from site_builder.studio.app import StudioOptions, create_app
from site_builder.studio.security import LOOPBACK, Session
from site_builder.studio.uploads import Limits

DEFAULT_PORT = 8765


class StudioUnavailable(Exception):
    """The studio cannot start (port taken, no network for LAN mode); the message says what to do."""


def bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sys.platform != "win32":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise StudioUnavailable(
                f"端口 {port} 已被占用（也许写作台已经开着，请找到那个浏览器窗口）；"
                f"或换一个端口：site-builder studio --port {port + 1}"
            ) from None
        raise StudioUnavailable(f"无法在 {host}:{port} 上启动（{error.strerror}）") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def lan_address(requested: str = "") -> str:
    """The address other devices on the Wi-Fi reach this machine at: a UDP socket 'connected' to
    a private address (no packet is sent) names the interface of the default route."""
    if requested:
        return requested
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        address = str(probe.getsockname()[0])
    except OSError:
        raise StudioUnavailable(
            "没有连接局域网（Wi-Fi），无法用手机上传；请连上网络后再试，或不加 --lan 启动"
        ) from None
    finally:
        probe.close()
    if address.startswith("127.") or address == "0.0.0.0":
        raise StudioUnavailable("没有找到局域网地址；请连上 Wi-Fi，或用 --lan-address 指定本机的局域网地址")
    return address


class StudioServer(uvicorn.Server):
    """Prints the URL and opens the browser once listening."""

    def __init__(self, config: uvicorn.Config, session: Session, open_browser: bool) -> None:
        super().__init__(config)
        self.session = session
        self.open_browser = open_browser

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.started:
            return
        print(f"写作台已启动，请用浏览器打开：{self.session.login_url}", flush=True)
        if self.session.lan_host:
            print(f"局域网模式：手机可在同一 Wi-Fi 下扫码上传照片（地址 {self.session.phone_origin}）", flush=True)
        print("关闭写作台：在这个窗口按 Ctrl+C", flush=True)
        if self.open_browser:
            threading.Thread(target=webbrowser.open, args=(self.session.login_url,), daemon=True).start()


def open_sockets(port: int, lan: bool, lan_host: str = "") -> tuple[list[socket.socket], Session]:
    """The listening sockets and the session that knows their addresses: the studio's and the
    preview's on 127.0.0.1; with `lan`, the phones' on the LAN address only."""
    sockets = [bind(LOOPBACK, port)]
    try:
        sockets.append(bind(LOOPBACK, 0))
        session = Session(port=sockets[0].getsockname()[1], preview_port=sockets[1].getsockname()[1])
        if lan:
            address = lan_address(lan_host)
            sockets.append(bind(address, 0))
            session.lan_host, session.phone_port = address, sockets[2].getsockname()[1]
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets, session


def studio_options(
    project: Project, config_file: str, session: Session, limits: Limits | None = None
) -> tuple[StudioOptions, engine.Preview]:
    """The app's options with the engine's preview and build; close the preview when done."""
    settings = project.settings
    cache = settings.cache_dir or settings.project_dir / ".cache" / "site_builder"
    preview = engine.Preview(config_file, cache / "studio" / "preview", session.preview_origin + "/")
    options = StudioOptions(
        project=project,
        session=session,
        limits=limits or Limits(),
        preview_build=preview.build,
        preview_live=preview.live,
        site_build=engine.build,
    )
    return options, preview


def run_studio(config_file: str, port: int, lan: bool, open_browser: bool, lan_host: str = "") -> int:
    """Serve the studio until Ctrl+C; returns the exit code (0 when stopped)."""
    project = engine.load(config_file)
    sockets, session = open_sockets(port, lan, lan_host)
    options, preview = studio_options(project, config_file, session)
    config = uvicorn.Config(create_app(options), log_level="warning", lifespan="on", server_header=False)
    server = StudioServer(config, session, open_browser)
    try:
        server.run(sockets=sockets)
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
        for sock in sockets:
            sock.close()
    print("写作台已关闭。", flush=True)
    return 0
