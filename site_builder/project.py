"""A site project as the command line sees it: settings, output folder, deploy targets.

The engine adapter loads it from the configuration file (mkdocs.yml); the command line works only
with this, never with the engine's own configuration objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.settings import SiteSettings

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class BuildFailed(Exception):
    """The build stopped; `exit_code` is 1 for content problems, 2 for configuration problems."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Project:
    """A loaded, validated site configuration."""

    config_file: Path
    settings: SiteSettings
    site_dir: Path
    """The output folder the configuration names (`site_dir`), before any `-d`."""
    deploy_targets: Mapping[str, object] = field(default_factory=dict)
    """Named deploy targets from the configuration (`deploy:`), validated by the adapter."""
    engine_config: object = None
    """The engine's own validated configuration, opaque to everything but the adapter."""
