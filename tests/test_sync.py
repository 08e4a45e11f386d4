"""What is committed agrees with its source: the library is what nbdev_export makes of the notebooks, README.md is what
the index notebook renders to, CI runs the README's commands; and the base install (`pip install gumbel-rao`, no extras)
needs only torch, numpy and tqdm."""
import filecmp, json, re, runpy, shutil, subprocess, sys
from pathlib import Path
import setuptools
from conftest import ROOT
from render_readme import render_readme

BIN = Path(sys.executable).parent
LIBRARY = ["gumbel_rao", "gumbel_rao.core", "gumbel_rao.estimators", "gumbel_rao.zoo", "gumbel_rao.exact",
           "gumbel_rao.data.paper"]
EXTRAS_ONLY = ["papermill", "nbclient", "nbformat", "ipykernel", "IPython", "mkdocs", "mkdocs_jupyter", "pandas",
               "matplotlib", "yaml", "optuna", "dask", "distributed", "nbdev", "fastcore", "execnb", "scipy"]


def test_library_in_sync_with_notebooks(tmp_path):
    shutil.copy(ROOT / "settings.ini", tmp_path)
    shutil.copytree(ROOT / "nbs", tmp_path / "nbs", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (tmp_path / "gumbel_rao").mkdir()   # the package __init__ is written by hand (registration imports); nbdev keeps it
    shutil.copy(ROOT / "gumbel_rao" / "__init__.py", tmp_path / "gumbel_rao" / "__init__.py")
    subprocess.run([str(BIN / "nbdev_export")], cwd=tmp_path, check=True, capture_output=True)
    fresh = sorted(p.relative_to(tmp_path) for p in (tmp_path / "gumbel_rao").rglob("*.py"))
    placeholder = lambda p: p.name == "__init__.py" and p.stat().st_size == 0   # an empty package no notebook fills yet
    committed = sorted(p.relative_to(ROOT) for p in (ROOT / "gumbel_rao").rglob("*.py")
                       if not placeholder(p) or (tmp_path / p.relative_to(ROOT)).exists())
    assert fresh == committed, f"modules differ: {set(fresh) ^ set(committed)}"
    stale = [str(p) for p in fresh if not filecmp.cmp(tmp_path / p, ROOT / p, shallow=False)]
    assert not stale, f"run nbdev_export: these modules differ from the notebooks: {stale}"


def test_readme_in_sync_with_index():
    assert (ROOT / "README.md").read_text(encoding="utf-8") == render_readme(ROOT / "nbs" / "index.ipynb"), \
        "README.md is out of date: run `python tools/render_readme.py`"


def test_readme_check_command_fails_on_a_stale_readme(tmp_path):
    stale = tmp_path / "README.md"
    stale.write_text("old\n")
    run = lambda: subprocess.run([sys.executable, str(ROOT / "tools/render_readme.py"), "--check", "--output", str(stale),
                                  "--index", str(ROOT / "nbs/index.ipynb")], capture_output=True, text=True)
    out = run()
    assert out.returncode == 1 and "out of date" in out.stderr
    stale.write_text(render_readme(ROOT / "nbs" / "index.ipynb"))
    assert run().returncode == 0


def _readme_commands() -> list:
    "The shell commands of README.md's `bash` blocks."
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    return [line.strip() for b in blocks for line in b.splitlines() if line.strip()]


def test_ci_runs_exactly_the_readme_commands():
    commands = _readme_commands()
    assert commands[-1] == ".venv/bin/python -m pytest tests" and commands[0].startswith("python3 -m venv .venv")
    ci = [l.strip() for l in (ROOT / ".ci" / "run").read_text().splitlines() if l.strip() and not l.lstrip().startswith("#")]
    for c in commands:   # verbatim, at the start of a line (CI may append `|| exit 1`)
        assert any(l == c or l.startswith(c + " ||") for l in ci), f".ci/run does not run the README's command: {c}"


def test_base_install_requires_only_torch_numpy_tqdm(monkeypatch):
    captured = {}
    monkeypatch.setattr(setuptools, "setup", lambda **kw: captured.update(kw))
    monkeypatch.chdir(ROOT)
    runpy.run_path(str(ROOT / "setup.py"))
    name = lambda req: re.split(r"[<>=!~ \[;]", req)[0].lower()
    assert {name(r) for r in captured["install_requires"]} == {"torch", "numpy", "tqdm"}
    extras = {k: {name(r) for r in v} for k, v in captured["extras_require"].items()}
    assert {"papermill", "pandas", "matplotlib"} <= extras["experiments"] and "mkdocs" in extras["docs"]
    assert extras["experiments"] | extras["docs"] | {"pytest"} <= extras["dev"]


def _import_blocking(modules: list, blocked: list, then: str = "") -> subprocess.CompletedProcess:
    "Import `modules` (and run `then`) in a fresh interpreter where `blocked` cannot be imported; prints those loaded."
    blocker = f"""
import importlib.abc, importlib.machinery, sys
class Refuse(importlib.abc.Loader):   # an extra can be looked up (torch probes optional packages) but never imported
    def create_module(self, spec): raise ModuleNotFoundError(f"No module named {{spec.name!r}} (an extra)")
    def exec_module(self, module): pass
class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}: return importlib.machinery.ModuleSpec(name, Refuse())
sys.meta_path.insert(0, NotInstalled())
import {", ".join(modules)}
{then}
print(sorted({{m.split(".")[0] for m in sys.modules}} & set({blocked!r})))
"""
    return subprocess.run([sys.executable, "-c", blocker], cwd=ROOT, capture_output=True, text=True)


def test_library_imports_without_the_extras():
    "The library modules import in a fresh interpreter where the extras' packages cannot be imported at all."
    out = _import_blocking(LIBRARY, EXTRAS_ONLY)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "[]", out.stdout


def test_modules_import_and_experiments_run_without_matplotlib(tmp_path):
    "Every module imports without matplotlib, and two experiments run on toy knobs: they return data, notebooks draw."
    modules = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "gumbel_rao").rglob("*.py")
                     if p.name not in ("__init__.py", "_modidx.py"))
    assert "gumbel_rao.experiments.toy" in modules
    then = f"""
from gumbel_rao.experiments import toy, atlas
toy.run(out_dir={str(tmp_path / "toy")!r}, device="cpu", taus=(0.5,), grid=3, n_samples=4, k=2, curve_samples=4,
        curve_taus=(1.0,), curve_ks=(1,), extra_estimators=[])
atlas.run(out_dir={str(tmp_path / "atlas")!r}, device="cpu", progress=False, estimators=["st-gs"], problems=("simplex",),
          taus=(1.0,), n_samples=10, cost_shape=(2, 3, 4), cost_repeats=1)
"""
    out = _import_blocking(modules, ["matplotlib"], then)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "[]", out.stdout
    assert not list(tmp_path.rglob("*.png")), "an experiment wrote a figure"
    assert len(json.loads((tmp_path / "toy/metrics.json").read_text())["grid"]) == 9
    assert json.loads((tmp_path / "atlas/metrics.json").read_text())["records"][0]["estimator"] == "st-gs"


def test_committed_outputs_come_from_the_code_of_today():
    "Every notebook's committed outputs were computed from its code as it is (tools/execute_in_place.py records its hash)."
    import nbformat
    from execute_in_place import META, source_sha
    stale = []
    for p in sorted((ROOT / "nbs").glob("*.ipynb")):
        nb = nbformat.read(str(p), as_version=4)
        if nb.metadata.get(META, {}).get("source_sha") != source_sha(nb): stale.append(p.name)
    assert not stale, f"outputs older than the code; run python tools/execute_in_place.py on: {stale}"
