"""The house's layers (../shared/DESIGN.md): a module of planner/ imports only modules of its
own layer or below, never one above it (imports for type hints only are allowed). And the
tests' own rule: no test compares a float exactly unless it says why (issue 24)."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Bottom to top: the workbook's path through the pipeline, then the analyses, then the commands.
LAYERS: list[set[str]] = [
    {"models"},  # pure math, below everything of the planner's
    {"planner", "planner.paths", "planner.signals", "planner.streams", "planner.money", "planner.printing", "planner.schema",
     "planner.workbook", "planner.options"},
    {"planner.xlsx", "planner.validate"},
    {"planner.assemble"},
    {"planner.load"},  # read → validate → assemble
    {"planner.highs", "planner.highs.compile", "planner.highs.model", "planner.highs.conflicts", "planner.highs.dense"},
    {"planner.solve", "planner.standing"},  # the plan's solve, then its tie rule
    {"planner.units", "planner.bills"},  # figures in words: units in parts, each member's bill
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


# ------------------------------------------------------------------ floats in tests

EXACT = "# exact:"  # a comparison kept exact on purpose says why: `# exact: parsed verbatim`


def holds_float_literal(node: ast.expr, names: frozenset[str] = frozenset()) -> bool:
    """The expression is a float literal or is built of one: in a list, tuple, set, dict value,
    sign, arithmetic or conditional, or is one of `names` (bound to such an expression); not
    in a call's arguments: pytest.approx(0.5) is fine."""
    def holds(n: ast.expr) -> bool:
        return holds_float_literal(n, names)

    if isinstance(node, ast.Constant):
        return isinstance(node.value, float)
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return any(holds(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return any(holds(v) for v in node.values)
    if isinstance(node, (ast.Starred, ast.UnaryOp)):
        return holds(node.value if isinstance(node, ast.Starred) else node.operand)
    if isinstance(node, ast.BinOp):
        return holds(node.left) or holds(node.right)
    if isinstance(node, ast.IfExp):
        return holds(node.body) or holds(node.orelse)
    return False


def exact_float_comparisons(source: str) -> list[tuple[int, str]]:
    """(line, comparison) of every ==, != or `in` against a float literal (or a module constant
    holding one, as `A = {"A": 3.0}`) not marked EXACT."""
    comments = {t.start[0]: t.string for t in tokenize.generate_tokens(io.StringIO(source).readline)
                if t.type == tokenize.COMMENT}
    tree = ast.parse(source)
    names = frozenset(t.id for node in tree.body if isinstance(node, ast.Assign)  # the module's constants
                      and holds_float_literal(node.value) for t in node.targets if isinstance(t, ast.Name))
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        exact = any(isinstance(op, (ast.Eq, ast.NotEq)) and any(holds_float_literal(s, names) for s in (a, b))
                    or isinstance(op, (ast.In, ast.NotIn)) and holds_float_literal(b, names)
                    for op, a, b in zip(node.ops, sides, sides[1:]))
        marked = any(EXACT in comments.get(line, "") for line in range(node.lineno, node.end_lineno + 1))
        if exact and not marked:
            out.append((node.lineno, ast.unparse(node)))
    return sorted(out)


def test_the_float_guard_flags_exact_comparisons_only():
    source = """A = {"A": 3.0}
assert x == 0.5
assert [a, b] != [1.0] * 2
assert d == {"A": -4.0} and y in (0.0, 1.0)
assert x == pytest.approx(0.5) and n == 3 and f(0.5) == g and x > 0.5
assert t == 1e12  # exact: parsed verbatim
assert dict(shapley(A, cost)) == A and shapley(A, cost)["A"] == pytest.approx(A["A"])
"""
    assert [line for line, _ in exact_float_comparisons(source)] == [2, 3, 4, 4, 7]


def test_no_test_compares_a_float_literal_exactly():
    """Issue 24: computed floats change in their last bit with numpy or pandas; tests compare
    them with pytest.approx. A value exact by construction (parsed verbatim, copied through,
    a constant) may be compared exactly with a `# exact: why` comment on the comparison."""
    wrong = [f"{path.relative_to(ROOT)}:{line}: {text}"
             for path in sorted((ROOT / "tests").glob("*.py"))
             for line, text in exact_float_comparisons(path.read_text(encoding="utf-8"))]
    assert wrong == []
