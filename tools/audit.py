"""Lighthouse scores of the built site (`make audit`, issue #13).

    python -m tools.audit SITE_DIR [--pages "" news/ ARTICLE/] [--keep DIR]

Serves SITE_DIR on 127.0.0.1 the way a web server would (gzip for text, as nginx's `gzip on` does),
runs Lighthouse from npm (`npx lighthouse`, version from $LIGHTHOUSE) in Debian's Chromium
($CHROME_PATH, default /usr/bin/chromium) for the home page, a list and an article, on a phone
(Lighthouse's default: simulated slow 4G, a mid-range CPU) and a desktop, and prints the four
scores of each run. Audits that lost points are listed under the table. Exit 0 once every run
produced its scores, 1 when Lighthouse could not run (the reason is printed).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LABELS = {"performance": "性能", "accessibility": "无障碍", "best-practices": "最佳做法", "seo": "SEO"}
COMPRESSED = (".html", ".css", ".js", ".xml", ".json", ".svg", ".txt")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text gzipped when the client accepts it, quiet."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format, *args):  # type: ignore[no-untyped-def]
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """Lighthouse drops connections it no longer needs: not worth a traceback."""

    def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(GzipHandler, directory=str(site))
    server = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def first_article(site: Path) -> str:
    """The newest report with photos (its cover is the page's largest picture), else any article."""
    candidates = sorted(site.glob("reports/20*/*/index.html"), reverse=True) or sorted(site.glob("*/20*/*/index.html"))
    for page in candidates:
        if "<picture" in page.read_text(encoding="utf-8"):
            return page.parent.relative_to(site).as_posix() + "/"
    if not candidates:
        raise SystemExit(f"{site} 里没有文章页面：请先生成网站（make site）")
    return candidates[0].parent.relative_to(site).as_posix() + "/"


def run_lighthouse(url: str, desktop: bool, output: Path) -> dict:
    """One Lighthouse run; its JSON report."""
    npx = shutil.which("npx")
    if npx is None:
        raise RuntimeError("npx (npm) 不存在：Lighthouse 来自 npm，请安装 Node.js 与 npm（apt-get install npm）")
    command = [
        npx,
        "--yes",
        os.environ.get("LIGHTHOUSE", "lighthouse@13.5.0"),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless --no-sandbox --disable-background-networking",
    ]
    if desktop:
        command.append("--preset=desktop")
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or not output.is_file():
        raise RuntimeError(f"Lighthouse 运行失败（{done.returncode}）：{(done.stderr or done.stdout).strip()[-2000:]}")
    return json.loads(output.read_text(encoding="utf-8"))


def lost_points(report: dict) -> list[str]:
    """Audits with a weight in a category whose score is below 1, as `category: audit (score)`."""
    lines = []
    for name in CATEGORIES:
        category = report["categories"][name]
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                value = audit.get("displayValue", "")
                lines.append(f"{name}: {audit['id']} ({audit['score']:.2f}{', ' + value if value else ''})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--pages", nargs="*", help="site-relative addresses (default: home, news/, an article)")
    parser.add_argument("--keep", type=Path, help="folder for the JSON reports (default: a temporary one)")
    options = parser.parse_args(argv)
    site = options.site.resolve()
    pages = options.pages if options.pages is not None else ["", "news/", first_article(site)]
    server, base = serve(site)
    reports = options.keep or Path(tempfile.mkdtemp(prefix="site-builder-audit-"))
    reports.mkdir(parents=True, exist_ok=True)
    rows, notes = [], []
    try:
        for page in pages:
            for desktop in (False, True):
                form = "desktop" if desktop else "mobile"
                name = (page.strip("/").replace("/", "_") or "home") + f"-{form}"
                report = run_lighthouse(base + page, desktop, reports / f"{name}.json")
                scores = [round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES]
                rows.append((page or "/", form, scores))
                notes += [f"{page or '/'} ({form}) {line}" for line in lost_points(report)]
                print(f"{page or '/':<60} {form:<8} " + " ".join(f"{s:>4}" for s in scores), flush=True)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"Lighthouse 无法运行：{error}", file=sys.stderr)
        return 1
    finally:
        server.shutdown()
        server.server_close()
    print()
    print(f"{'页面':<58} {'设备':<6} " + " ".join(f"{LABELS[c]:>4}" for c in CATEGORIES))
    for page, form, scores in rows:
        print(f"{page:<60} {form:<8} " + " ".join(f"{s:>4}" for s in scores))
    if notes:
        print("\n失分的检查项：")
        print("\n".join(f"  {line}" for line in notes))
    print(f"\n报告（JSON）：{reports}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
