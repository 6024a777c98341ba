"""Engine independence (issues #2, #9): only the adapter imports MkDocs or Material.

The adapter (`site_builder/mkdocs_plugin/`) is the only package that may import the engine or its
theme; the core never imports the adapter, and the command line (`cli.py`, the one place that puts
the program together) imports the adapter but not the engine.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "site_builder"
ADAPTER = "mkdocs_plugin"
ENGINE_PACKAGES = ("mkdocs", "material", "properdocs", "jinja2")
COMPOSITION_ROOTS = (Path("cli.py"), Path("studio/engine.py"))
"""The command line and the 写作台's engine module (issue #16) put core and adapter together."""
STUDIO = "studio"
STUDIO_FORBIDDEN = ("yaml", "ruamel", "markdown", "PIL", "mkdocs", "material", "properdocs", "jinja2")
"""The 写作台 is a thin layer: it parses no YAML or Markdown and touches no pixels itself (the core
does, through the same functions as the command line), and reaches the engine only through the adapter."""


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_the_adapter_imports_the_engine_and_only_the_command_line_imports_the_adapter():
    offenders = []
    modules = list(PACKAGE.rglob("*.py"))
    for path in modules:
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == ADAPTER:
            continue
        for module in imported_modules(path):
            if module.split(".")[0] in ENGINE_PACKAGES:
                offenders.append(f"{relative}: {module}")
            if module.startswith(f"site_builder.{ADAPTER}") and relative not in COMPOSITION_ROOTS:
                offenders.append(f"{relative}: {module}")
    assert offenders == []
    assert len(modules) > 30  # the walk really saw the package


def test_the_studio_is_a_thin_layer_over_the_core():
    modules = list((PACKAGE / STUDIO).rglob("*.py"))
    offenders = [
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in modules
        for module in imported_modules(path)
        if module.split(".")[0] in STUDIO_FORBIDDEN
    ]
    assert offenders == []
    assert len(modules) >= 8
