"""The 写作台's one door to the engine adapter, as `cli.py` is the command line's (issue #16).

Loading the project, building the site, and building the preview go through the same adapter
functions as `site-builder build` and `serve`; no other module of the studio imports the adapter
(tests/test_architecture.py). All builds of one studio run one at a time (`lock`): the preview and
a publish share the caches and the machine's two cores.
"""

from __future__ import annotations

import threading
from pathlib import Path

from site_builder.mkdocs_plugin.build import build_site, load_project
from site_builder.mkdocs_plugin.serve import PreviewSite
from site_builder.project import Project

lock = threading.Lock()


def load(config_file: str) -> Project:
    """The validated project (BuildFailed with exit code 2 on a configuration problem)."""
    return load_project(config_file)


def build(project: Project, site_dir: Path) -> None:
    """`site-builder build`: into a temporary folder, swapped in when the build succeeded."""
    with lock:
        build_site(project, site_dir)


class Preview:
    """The whole site with withheld articles, built incrementally for the preview only."""

    def __init__(self, config_file: str, builds: Path, serve_url: str) -> None:
        self.site = PreviewSite(config_file, builds, serve_url)

    @property
    def live(self) -> Path:
        return self.site.live

    def build(self) -> list[str]:
        with lock:
            return self.site.build()

    def close(self) -> None:
        with lock:
            self.site.close()
