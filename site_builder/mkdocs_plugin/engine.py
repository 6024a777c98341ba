"""Which engine builds the site: ProperDocs when it is installed, else MkDocs 1.6.

MkDocs 1.6.1 (August 2024) is the last release of MkDocs 1.x, and its author's 2.0 drops plugins.
ProperDocs is its maintained continuation with the same API: it makes every `mkdocs.*` import
resolve to its own modules (`properdocs.replacement`), so this adapter, written against
`mkdocs.*`, and Material run on it unchanged. That redirect has to be in place before the first
`mkdocs` import of the process, so the adapter's `__init__` calls `select_engine` before any of
its modules imports the engine. A process that has already imported MkDocs itself (`mkdocs
build`, which loads our plugin through its entry point) keeps MkDocs: the engine of a process
never changes halfway.

`SITE_BUILDER_ENGINE=mkdocs` forces MkDocs 1.6 (the fallback, and what the identity test compares
against). Another engine (Zensical, once its extension API is stable) would be a new adapter
package beside this one, chosen here; the core would not change.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from site_builder import __version__

ENGINE_VARIABLE = "SITE_BUILDER_ENGINE"
PROPERDOCS, MKDOCS = "properdocs", "mkdocs"


@dataclass(frozen=True)
class Engine:
    name: str
    """As people write it: `ProperDocs` or `MkDocs`."""
    version: str

    @property
    def generator(self) -> str:
        """What the pages' generator `<meta>` says of the engine, e.g. `ProperDocs 1.6.7`."""
        return f"{self.name} {self.version}"


def select_engine(environ: Mapping[str, str] = os.environ) -> None:
    """Make `mkdocs.*` imports resolve to ProperDocs, unless MkDocs is asked for, ProperDocs is
    missing, or this process already runs MkDocs."""
    wanted = environ.get(ENGINE_VARIABLE, "").strip().lower() or PROPERDOCS
    if wanted != PROPERDOCS or ("mkdocs" in sys.modules and not _runs_properdocs()):
        return
    try:
        import properdocs.replacement  # noqa: F401  (installs the mkdocs → properdocs redirect)
    except ImportError:
        return
    # As `properdocs` itself does: records of loggers named `mkdocs.*` (ours, Material's) go
    # through ProperDocs' root logger, where strict mode counts warnings.
    legacy = logging.getLogger(MKDOCS)
    legacy.parent = logging.getLogger(PROPERDOCS)
    legacy.propagate = True
    legacy.setLevel(logging.NOTSET)


def engine_logger() -> logging.Logger:
    """The root logger of the engine in use: where its messages, and ours, arrive."""
    return logging.getLogger(PROPERDOCS if _runs_properdocs() else MKDOCS)


def current_engine() -> Engine:
    """The engine this process builds with (after `select_engine`, or as started by `properdocs`/`mkdocs`)."""
    import mkdocs

    if _runs_properdocs():
        import properdocs

        return Engine("ProperDocs", properdocs.__version__)
    return Engine("MkDocs", mkdocs.__version__)


def _runs_properdocs() -> bool:
    module = sys.modules.get("mkdocs")
    return module is not None and module is sys.modules.get("properdocs")


_GENERATOR = re.compile(r'[ \t]*<meta name="generator" content="([^"]*)">\n?')


def rewrite_generator(html: str, engine: Engine, enabled: bool) -> str:
    """Material's generator `<meta>` names the engine actually used (Material writes
    `mkdocs-<version>` whatever runs it: under ProperDocs, `mkdocs-ProperDocs 1.6.7`) and
    site_builder; with `extra: {generator: false}` in mkdocs.yml (Material's own switch for its
    footer credit) the tag is left out."""

    def replace(match: re.Match[str]) -> str:
        if not enabled:
            return ""
        theme = [part.strip() for part in match.group(1).split(",")[1:]]
        content = ", ".join([engine.generator, *theme, f"site_builder {__version__}"])
        return match.group(0).replace(match.group(1), content)

    return _GENERATOR.sub(replace, html, count=1)
