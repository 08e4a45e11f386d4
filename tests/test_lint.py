"""The linter of the suite: ruff on the notebooks (the source; ruff reads .ipynb) and on tools/, with the rules stated in
ruff.toml (unused imports and names, undefined names, and the rest of pyflakes), and a check that no statement follows a
`return`, `raise`, `break` or `continue` in the same block (unreachable code, which ruff has no stable rule for)."""
import ast, json, shutil, subprocess, sys
from pathlib import Path
import pytest
from conftest import ROOT

RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed (pip install -e '.[dev]')")
def test_ruff_finds_nothing_in_the_notebooks_and_tools():
    run = subprocess.run([RUFF, "check", "nbs", "tools", "--output-format", "concise"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]


def _sources():
    "(where, Python source) of every code cell of the notebooks (IPython magics left out) and every file in tools/."
    for path in sorted((ROOT / "nbs").glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] != "code": continue
            lines = "".join(cell["source"]).splitlines()
            yield f"{path.name} cell {i}", "\n".join(l for l in lines if not l.lstrip().startswith(("%", "!")))
    for path in sorted((ROOT / "tools").glob("*.py")): yield str(path.relative_to(ROOT)), path.read_text()


def unreachable(source: str) -> list:
    "Line numbers of statements that follow a `return`, `raise`, `break` or `continue` in the same block."
    found, ends = [], (ast.Return, ast.Raise, ast.Break, ast.Continue)
    for node in ast.walk(ast.parse(source)):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list): continue
            stops = [i for i, s in enumerate(block) if isinstance(s, ends)]
            if stops and stops[0] < len(block) - 1: found.append(block[stops[0] + 1].lineno)
    return found


def test_unreachable_finds_dead_statements():
    assert unreachable("def f():\n    return 1\n    x = 2\n") == [3]
    assert unreachable("for i in x:\n    if i: continue\n    y = i\n") == []
    assert unreachable("while True:\n    break\n    z = 1\n") == [3]


def test_no_unreachable_statements():
    bad = []
    for where, source in _sources():
        try: lines = unreachable(source)
        except SyntaxError: continue   # a cell that is not plain Python (ruff reports those)
        bad += [f"{where} line {n}" for n in lines]
    assert not bad, bad


def long_line_share(root: Path, width: int = 120) -> tuple:
    "`(lines over width, all lines)` of the library's modules, the generated `_modidx.py` left out."
    lengths = [len(l) for p in sorted((root / "gumbel_rao").rglob("*.py")) if p.name != "_modidx.py"
               for l in p.read_text().splitlines()]
    return sum(n > width for n in lengths), len(lengths)


def test_under_two_percent_of_library_lines_are_long():
    long, total = long_line_share(ROOT)
    assert total > 1000, total                     # the library is there
    assert long / total < 0.02, f"{long} of {total} lines ({long / total:.1%}) are over 120 characters"


def nested_conditionals(source: str) -> list:
    "Line numbers of conditional expressions with another one as their body or else: three branches or more."
    return [n.lineno for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.IfExp) and (isinstance(n.body, ast.IfExp) or isinstance(n.orelse, ast.IfExp))]


def test_nested_conditionals_finds_three_branches():
    assert nested_conditionals("x = a if p else b if q else c\n") == [1]
    assert nested_conditionals("x = (a if q else b) if p else c\n") == [1]
    assert nested_conditionals("x = a if p else b\ny = f(a if p else b, c if q else d)\n") == []
    assert nested_conditionals("x = (a if p else b) + (c if q else d)\n") == []


def test_no_nested_conditionals_in_the_notebooks():
    bad = []
    for where, source in _sources():
        if where.startswith("tools/"): continue          # the notebooks' code cells only
        try: lines = nested_conditionals(source)
        except SyntaxError: continue   # a cell that is not plain Python (ruff reports those)
        bad += [f"{where} line {n}" for n in lines]
    assert not bad, bad
