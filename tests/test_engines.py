"""The maintained engine (issue #15): ProperDocs by default, MkDocs 1.6 as the fallback, same output.

Each build runs in its own process, because the engine is chosen once per process (see
`site_builder.mkdocs_plugin.engine`).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.deploy.manifest import BUILD_STAMP
from site_builder.mkdocs_plugin.engine import Engine, rewrite_generator
from tests.conftest import DEMO_NOW, copy_demo

BIN = Path(sys.executable).parent
GENERATOR = re.compile(r'<meta name="generator" content="([^"]*)">')


def run(command: list[str], cwd: Path, **env: str) -> str:
    environment = {**os.environ, "SITE_BUILDER_NOW": DEMO_NOW, **env}
    result = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def with_generator(project: Path) -> Path:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  generator: false\n" in text
    config.write_text(text.replace("  generator: false\n", "  generator: true\n"), encoding="utf-8")
    return project


def tree(site: Path) -> dict[str, str]:
    """Every file's digest, with the generator tag's content blanked (and the stamp, which hashes it, left out)."""
    files = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.name != BUILD_STAMP:
            data = path.read_bytes()
            if path.suffix == ".html":
                data = GENERATOR.sub('<meta name="generator" content="">', data.decode("utf-8")).encode("utf-8")
            files[path.relative_to(site).as_posix()] = hashlib.sha256(data).hexdigest()
    return files


def generators(site: Path) -> set[str]:
    return {match for page in site.rglob("*.html") for match in GENERATOR.findall(page.read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def both_engines(tmp_path_factory) -> tuple[Path, Path, str, str]:
    proper = with_generator(copy_demo(tmp_path_factory.mktemp("properdocs")))
    proper_log = run([str(BIN / "site-builder"), "build"], proper)
    fallback = with_generator(copy_demo(tmp_path_factory.mktemp("mkdocs")))
    shutil.copytree(proper / ".cache", fallback / ".cache")  # the photos are not made twice
    fallback_log = run([str(BIN / "site-builder"), "build"], fallback, SITE_BUILDER_ENGINE="mkdocs")
    return proper, fallback, proper_log, fallback_log


def test_site_builder_builds_with_properdocs_and_says_so(both_engines):
    proper, _, log, _ = both_engines
    version = subprocess.run([str(BIN / "properdocs"), "--version"], capture_output=True, text=True).stdout
    assert "生成引擎：ProperDocs 1.6." in log and "1.6." in version
    # Nobody using site-builder sees a theme's or an engine's promotional banner.
    assert "end of life" not in log and "Zensical" not in log and "MkDocs may break" not in log
    assert {g.split(",")[0] for g in generators(proper / "site")} == {"ProperDocs 1.6.7"}


def test_properdocs_and_mkdocs_write_the_same_site_apart_from_the_generator_tag(both_engines):
    proper, fallback, _, log = both_engines
    assert "生成引擎：MkDocs 1.6.1" in log
    assert {g.split(",")[0] for g in generators(fallback / "site")} == {"MkDocs 1.6.1"}
    first, second = tree(proper / "site"), tree(fallback / "site")
    assert len(first) > 100
    assert sorted(p for p in set(first) | set(second) if first.get(p) != second.get(p)) == []


@pytest.mark.parametrize("engine", ["properdocs", "mkdocs"])
def test_the_engines_own_commands_build_the_same_mkdocs_yml(engine, both_engines, tmp_path):
    project = both_engines[0]
    run([str(BIN / engine), "build", "-d", str(tmp_path / "out")], project, NO_MKDOCS_2_WARNING="1")
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    name = "ProperDocs" if engine == "properdocs" else "MkDocs"
    assert GENERATOR.search(home).group(1).startswith(f"{name} 1.6.")


def test_generator_false_leaves_the_tag_out_and_true_names_engine_theme_and_site_builder():
    page = '<head>\n    <meta name="generator" content="mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.2">\n</head>'
    named = rewrite_generator(page, Engine("ProperDocs", "1.6.7"), True)
    assert re.search(r'content="ProperDocs 1\.6\.7, mkdocs-material-9\.8\.2, site_builder [\d.]+"', named)
    assert "generator" not in rewrite_generator(page, Engine("ProperDocs", "1.6.7"), False)


def test_the_demo_says_generator_false_and_no_page_carries_the_tag(demo_site):
    assert generators(demo_site) == set()
