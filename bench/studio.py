"""The 写作台's targets (issue #16) on the 2,000-article bench corpus.

    python -m bench.studio [--articles 2000] [--repeat 3]

Starts `site-builder studio --no-browser` as a user does (its own process), on the seeded text
corpus of `bench.corpus` with a folder deploy target, and prints, medians of `--repeat` runs:

- start → usable article list: from starting the process to the first `/api/articles` answer;
- article list, server time: as the server measures it (`server_ms`), 2 s after the last request
  (when the files' times are looked at again), and after a hand edit (the list read again);
- save → preview page updated: a body edit saved through the API until the preview serves it;
- ten 12 MP photos dropped → all thumbnails shown: one upload request of ten 4,032 × 3,024 JPEGs,
  then the ten thumbnails fetched in parallel, as the page does;
- 发布 of one changed article to a folder target (after a first publish).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.cookiejar
import io
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from bench.corpus import generate, write_site_builder

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "site-builder"
NOW = "2026-11-21T12:00:00+08:00"
TARGETS = {
    "start → usable article list": 3.0,
    "article list, server time": 0.3,
    "save → preview page updated": 1.0,
    "ten 12 MP photos → all thumbnails": 5.0,
    "发布 of one changed article (folder)": 3.0,
}


class Client:
    """A logged-in client of a running studio: its cookie, its CSRF token."""

    def __init__(self, login_url: str) -> None:
        self.base = login_url.split("/login")[0]
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.opener.open(login_url, timeout=60).read().decode("utf-8")
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        self.preview = re.search(r'name="preview-origin" content="([^"]*)"', page).group(1)

    def get(self, path: str) -> dict:
        with self.opener.open(self.base + path, timeout=120) as response:
            return json.loads(response.read())

    def get_bytes(self, url: str) -> bytes:
        with self.opener.open(url, timeout=120) as response:
            return response.read()

    def post(self, path: str, body: dict | None = None, data: bytes | None = None, content_type: str = "") -> dict:
        payload = data if data is not None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=payload,
            method="POST",
            headers={
                "Origin": self.base,
                "X-CSRF-Token": self.csrf,
                "Content-Type": content_type or "application/json",
            },
        )
        with self.opener.open(request, timeout=300) as response:
            return json.loads(response.read())


def multipart(files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, data in files:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'.encode())
        out.write(b"Content-Type: image/jpeg\r\n\r\n" + data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def twelve_megapixel_photos(count: int) -> list[bytes]:
    """Phone-like 4,032 × 3,024 JPEGs with EXIF (GPS included), each different."""
    from PIL import Image, ImageDraw

    from tests.images_fixtures import phone_exif

    photos = []
    for number in range(count):
        image = Image.new("RGB", (4032, 3024), (40 + number * 20, 120, 200 - number * 10))
        draw = ImageDraw.Draw(image)
        for step in range(0, 4032, 96):
            draw.line([(step, 0), (4032 - step, 3024)], fill=(255, (step * 7) % 255, 90), width=9)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=92, exif=phone_exif(1))
        photos.append(buffer.getvalue())
    return photos


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(project: Path) -> tuple[subprocess.Popen, Client, float]:
    """Start the studio; returns the process, a client and the seconds to a usable article list."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN), "studio", "--no-browser", "--port", str(free_port())],
        cwd=project,
        env={**os.environ, "SITE_BUILDER_NOW": NOW},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"(http://\S+/login\?token=\S+)", line)
    if match is None:
        process.kill()
        raise SystemExit(f"studio did not start: {line!r}")
    client = Client(match.group(1))
    client.get("/api/articles")
    return process, client, time.perf_counter() - started


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()


def newest_published(client: Client) -> dict:
    articles = client.get("/api/articles?status=" + urllib.parse.quote("已发布"))["articles"]
    return next(a for a in articles if a["src"].endswith(".md") and not a["src"].endswith("index.md"))


def save_body(client: Client, src: str, marker: str) -> int:
    article = client.get("/api/article?src=" + urllib.parse.quote(src))
    body = marker + "\n\n" + article["body"]
    return client.post("/api/article/save", {"src": src, "version": article["version"], "body": body})["preview"]


def wait_for(check, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    project = ROOT / ".bench" / f"studio-{args.articles}"
    shutil.rmtree(project, ignore_errors=True)
    shutil.rmtree(project.with_name(project.name + "-www"), ignore_errors=True)
    shutil.rmtree(project.with_name(project.name + "-www.releases"), ignore_errors=True)
    write_site_builder(generate(args.articles), project)
    config = project / "mkdocs.yml"
    www = project.with_name(project.name + "-www")
    text = config.read_text(encoding="utf-8").replace("  - search: {lang: zh}\n", "")
    config.write_text(text + f"      deploy:\n        bench: {www}\n", encoding="utf-8")
    print(f"{args.articles} articles in {project}", flush=True)
    # A first build fills the caches a studio finds on an editor's machine (`make site` ran before).
    subprocess.run([str(BIN), "build"], cwd=project, env={**os.environ, "SITE_BUILDER_NOW": NOW}, check=True,
                   capture_output=True)  # fmt: skip

    figures: dict[str, list[float]] = {label: [] for label in TARGETS}
    extra: dict[str, list[float]] = {
        "article list after a hand edit (list read again)": [],
        "article list, client time": [],
    }
    for _ in range(args.repeat):
        process, client, seconds = start(project)
        figures["start → usable article list"].append(seconds)
        stop(process)

    process, client, _ = start(project)
    try:
        status = client.get("/api/preview?wait=1")  # the first preview build (a cold one)
        print(f"first preview build: {status['seconds']} s", flush=True)
        hand_edited = sorted((project / "content" / "notices").rglob("*.md"))[0]
        for number in range(args.repeat):
            time.sleep(2.2)  # past the index's reuse window: the files' times are looked at again
            began = time.perf_counter()
            answer = client.get("/api/articles")
            extra["article list, client time"].append(time.perf_counter() - began)
            figures["article list, server time"].append(answer["server_ms"] / 1000)
            with hand_edited.open("a", encoding="utf-8") as out:  # as a person or a sync tool would
                out.write(f"\n手工修改{number}。\n")
            time.sleep(2.2)
            reread = client.get("/api/articles")["server_ms"] / 1000
            extra["article list after a hand edit (list read again)"].append(reread)

        article = newest_published(client)
        page_url = f"{client.preview}/{article['url']}"
        for number in range(args.repeat):
            marker = f"预览测量{number}号{int(time.time())}"
            began = time.perf_counter()
            save_body(client, article["src"], marker)
            wait_for(lambda m=marker: m.encode() in client.get_bytes(page_url))
            figures["save → preview page updated"].append(time.perf_counter() - began)
            time.sleep(0.5)

        photos = twelve_megapixel_photos(10)
        print(f"ten photos: {sum(map(len, photos)) / 2**20:.1f} MB", flush=True)
        for number in range(args.repeat):
            src = client.post(
                "/api/articles", {"section": "reports", "title": f"照片测量{number}", "date": "2026-11-01"}
            )["src"]
            body, kind = multipart([(f"IMG_{number}_{n:02d}.jpg", data) for n, data in enumerate(photos)])
            began = time.perf_counter()
            stored = client.post("/api/article/upload?src=" + urllib.parse.quote(src), data=body, content_type=kind)[
                "stored"
            ]
            with concurrent.futures.ThreadPoolExecutor(6) as pool:  # a browser's connections per host
                list(pool.map(lambda s, src=src: client.get_bytes(
                    f"{client.base}/api/article/thumbnail?src={urllib.parse.quote(src)}&name={urllib.parse.quote(s['name'])}"
                ), stored))  # fmt: skip
            figures["ten 12 MP photos → all thumbnails"].append(time.perf_counter() - began)
            shutil.rmtree((project / "content" / src).parent)  # a new article's template has a sample photo path

        def publish() -> float:
            began = time.perf_counter()
            client.post("/api/publish", {"target": "bench"})
            while (state := client.get("/api/publish"))["running"]:
                time.sleep(0.05)
            if state["error"]:
                raise SystemExit(f"publish failed: {state['error']}")
            return time.perf_counter() - began

        print(f"first publish: {publish():.2f} s", flush=True)
        for number in range(args.repeat):
            save_body(client, article["src"], f"发布测量{number}号{int(time.time())}")
            figures["发布 of one changed article (folder)"].append(publish())
    finally:
        stop(process)

    print(f"\n写作台, {args.articles} articles, medians of {args.repeat} runs (seconds):")
    for label, times in figures.items():
        median = statistics.median(times)
        verdict = "ok" if median <= TARGETS[label] else "OVER"
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"  {label:<46} {median:7.2f}  target ≤ {TARGETS[label]:g}  {verdict}   ({runs})", flush=True)
    for label, times in extra.items():
        print(f"  {label:<46} {statistics.median(times):7.3f}", flush=True)


if __name__ == "__main__":
    main()
