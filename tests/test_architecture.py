"""Engine independence (issue #2): only the adapter imports MkDocs."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "site_builder"
ADAPTERS = {"mkdocs_plugin", "build.py", "cli.py"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_modules_do_not_import_mkdocs_or_material():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in ADAPTERS:
            continue
        for module in imported_modules(path):
            if module.split(".")[0] in ("mkdocs", "material", "jinja2") or module.startswith("site_builder.mkdocs_plugin"):
                offenders.append(f"{relative}: {module}")
    assert offenders == []
    assert len(list(PACKAGE.rglob("*.py"))) > 20  # the walk really saw the package
