"""The house's layers (../shared/DESIGN.md): a module of planner/ imports only modules of its
own layer or below, never one above it (imports for type hints only are allowed)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Bottom to top: the workbook's path through the pipeline, then the analyses, then the commands.
LAYERS: list[set[str]] = [
    {"models"},  # pure math, below everything of the planner's
    {"planner", "planner.paths", "planner.signals", "planner.money", "planner.printing", "planner.schema", "planner.workbook",
     "planner.options"},
    {"planner.xlsx", "planner.validate"},
    {"planner.assemble"},
    {"planner.load"},  # read → validate → assemble
    {"planner.highs", "planner.highs.compile", "planner.highs.model", "planner.highs.conflicts", "planner.highs.dense"},
    {"planner.solve"},
    {"planner.results"},
    {"planner.overview", "planner.report", "planner.template"},
    {"planner.analyses"},  # every planner.analyses.* module
    {"planner.analysis_report", "planner.orlib", "planner.docgen"},
    {"planner.run"},
    {"planner.cli", "planner.entry"},
]


def layer(module: str) -> int:
    for i, names in enumerate(LAYERS):
        if module in names or (module.startswith("planner.analyses") and "planner.analyses" in names) \
                or (module.startswith("models") and "models" in names):
            return i
    raise AssertionError(f"{module}: in no layer of this test (add it where it belongs)")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text())
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    hints = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
             and getattr(node.test, "id", None) == "TYPE_CHECKING" for n in ast.walk(node)}
    out = []
    for node in ast.walk(tree):
        if id(node) in hints:
            continue
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")
                up = up[: len(up) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            names = [f"{base}.{a.name}" for a in node.names]
            out += [(node.lineno, n if _is_module(n) else base) for n in names]
    return [(line, m) for line, m in out if m.split(".")[0] in ("planner", "models")]


def _is_module(name: str) -> bool:
    path = ROOT / Path(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def test_no_module_imports_one_above_it():
    wrong = []
    for path in sorted((ROOT / "planner").rglob("*.py")):
        if path == ROOT / "planner" / "__init__.py":
            continue  # the package's public face: re-exports run_plan and friends, lazily
        me = module_name(path)
        for line, other in imports(path):
            if layer(other) > layer(me):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {other}")
    assert wrong == []


def test_every_module_has_a_layer():
    for path in sorted((ROOT / "planner").rglob("*.py")):
        layer(module_name(path))
