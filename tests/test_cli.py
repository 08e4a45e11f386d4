"""The `gumbel-rao` command as a user types it. A mistake (an unknown name, a missing file, a wrong config key or
value, a parameter the notebook lacks or refuses) prints one line on stderr and exits with status 2, without a
traceback; a bug keeps its traceback. A number in scientific notation is a number wherever a user writes it: after
`-p`, in a config's `params`, `cells` and `grid`, and in a search space's `low` and `high`."""
import json, subprocess, sys
from pathlib import Path
import nbformat, pytest
from conftest import ROOT
from gumbel_rao.pipeline.config import load_config, check_config, plan_runs, write_demo_notebook

BIN = Path(sys.executable).parent


def gumbel_rao(*args, cwd=ROOT):
    return subprocess.run([str(BIN / "gumbel-rao"), *map(str, args)], cwd=cwd, capture_output=True, text=True)


def assert_one_line_error(run, expected):
    assert run.returncode == 2, run.stderr[-3000:]
    assert "Traceback" not in run.stderr and run.stderr.count("\n") == 1, run.stderr[-3000:]
    assert run.stderr.startswith("gumbel-rao: error: ") and expected in run.stderr, run.stderr


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    "A notebook that checks its float parameter `lr` (a ValueError names it) and raises a bug when `fail` is true."
    kernelspec = dict(name="python3", display_name="Python 3", language="python")
    nb = nbformat.v4.new_notebook(metadata=dict(kernelspec=kernelspec))
    parameters = 'out_dir = "out"\nlr = 0.1\nfail = False'
    nb.cells = [nbformat.v4.new_code_cell(parameters, metadata=dict(tags=["parameters"])),
                nbformat.v4.new_code_cell(
                    "import json, pathlib\n"
                    'if not isinstance(lr, float) or lr <= 0: raise ValueError(f"lr must be a float > 0, got {lr!r}")\n'
                    'if fail: raise RuntimeError("a bug in the notebook")\n'
                    'pathlib.Path(out_dir, "lr.json").write_text(json.dumps(lr))')]
    path = tmp_path_factory.mktemp("tiny") / "tiny.ipynb"
    nbformat.write(nb, str(path))
    return path


MISTAKES = {
    "unknown experiment": (["run", "tyo"], "no single experiment notebook matches 'tyo'"),
    "unknown -p name": (["run", "toy", "-p", "sclae", "smoke"], "30_exp.toy.ipynb has no parameter sclae; did you"),
    "-p value not YAML": (["run", "toy", "-p", "taus", "[0.1,"], "-p taus [0.1, is not valid YAML"),
    "missing notebooks folder": (["run", "toy", "--nbs", "no-such-folder"], "no notebooks folder no-such-folder"),
    "missing config file": (["sweep", "no-such.yaml", "--dry-run"], "no config file no-such.yaml"),
    "missing sweep folder": (["report", "no-such-folder"], "no-such-folder is not a sweep's folder"),
    "unknown config name": (["reproduce", "--only", "toyy", "--dry-run"], "no config named toyy in configs"),
    "missing configs folder": (["reproduce", "--configs", "no-such-folder"], "no configs folder no-such-folder"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_mistake_is_one_line_and_status_2(mistake):
    argv, expected = MISTAKES[mistake]
    assert_one_line_error(gumbel_rao(*argv), expected)


CONFIG_MISTAKES = {   # the shipped config, changed: (config, old text, new text, expected message)
    "typo in a key": ("toy", "    seeds: [0]\n", "    seed: [0]\n", "unknown config key 'scales.smoke.seed'"),
    "unknown estimator": ("listops", "estimator: [st-gs", "estimator: [st-gz", "unknown estimator 'st-gz'"),
    "not YAML": ("toy", "name: toy", "name: [toy", "is not valid YAML"),
    "wrong type": ("toy", "    seeds: [0]\n", "    seeds: zero\n", "key 'scales.smoke.seeds' has the wrong type str"),
}


@pytest.mark.parametrize("mistake", CONFIG_MISTAKES)
def test_config_mistake_is_one_line_and_status_2(mistake, tmp_path):
    name, old, new, expected = CONFIG_MISTAKES[mistake]
    text = (ROOT / "configs" / f"{name}.yaml").read_text()
    assert old in text, f"configs/{name}.yaml changed; update this test"
    (tmp_path / f"{name}.yaml").write_text(text.replace(old, new, 1))
    assert_one_line_error(gumbel_rao("sweep", tmp_path / f"{name}.yaml", "--dry-run"), expected)


def test_config_mistake_stops_reproduce_before_anything_runs(tmp_path):
    (tmp_path / "atlas.yaml").write_text((ROOT / "configs" / "atlas.yaml").read_text())   # valid, first: must not run
    (tmp_path / "toy.yaml").write_text((ROOT / "configs" / "toy.yaml").read_text().replace("    seeds:", "    seed:"))
    run = gumbel_rao("reproduce", "--configs", tmp_path, "--out", tmp_path / "runs", cwd=tmp_path)
    assert_one_line_error(run, f"{tmp_path / 'toy.yaml'}: unknown config key 'scales.smoke.seed'")
    assert not (tmp_path / "runs").exists()


def test_parameter_refused_by_the_notebook_is_one_line(tiny, tmp_path):
    run = gumbel_rao("run", tiny, "-p", "lr", "abc", "--out", tmp_path)
    assert_one_line_error(run, "tiny.ipynb refused -p lr: lr must be a float > 0, got 'abc'")
    assert str(tmp_path / "tiny.ipynb") in run.stderr and (tmp_path / "tiny.ipynb").is_file()


@pytest.mark.parametrize("none", ["None", "null"])
def test_none_after_p_is_none(tiny, tmp_path, none):
    "Issue 26: `-p KNOB None` means None, as with plain papermill (and YAML's `null`)."
    run = gumbel_rao("run", tiny, "-p", "lr", none, "--out", tmp_path)
    assert_one_line_error(run, "tiny.ipynb refused -p lr: lr must be a float > 0, got None ")


def test_report_on_a_folder_whose_store_is_missing_is_one_line(tmp_path):
    "Issue 26: `report` says in one line that the store is gone, and creates nothing."
    info = dict(storage=f"sqlite:///{tmp_path / 'gone' / 'store.db'}", config={}, scale="smoke", studies=[], runs=0, notebook="x")
    (tmp_path / "sweep.json").write_text(json.dumps(info))
    run = gumbel_rao("report", tmp_path, cwd=tmp_path)
    assert_one_line_error(run, f"the store of {tmp_path} is missing")
    assert [p.name for p in tmp_path.iterdir()] == ["sweep.json"]


def test_bug_in_a_notebook_keeps_its_traceback(tiny, tmp_path):
    run = gumbel_rao("run", tiny, "-p", "fail", "true", "--out", tmp_path)
    assert run.returncode == 1 and "Traceback" in run.stderr and "RuntimeError: a bug in the notebook" in run.stderr


def test_run_reads_scientific_notation_as_a_number(tiny, tmp_path):
    run = gumbel_rao("run", tiny, "-p", "lr", "1e-3", "--out", tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads((tmp_path / "lr.json").read_text()) == 0.001
    assert "without encryption" not in run.stderr


SCIENTIFIC = {   # a sweep config's scale, written as a user writes it: every number in scientific notation
    "params and cells": "params: {x: 1e-3}\n    cells: {sleep: [1E-3, 0]}",
    "grid": "grid: {x: [1e-3, 2.5E-1, -2e+0]}",
    "search space": "search: {n_trials: 4, seed: 0, space: {x: {low: 1e-3, high: 1e-1, log: true}}}",
}


@pytest.mark.parametrize("where", SCIENTIFIC)
def test_config_reads_scientific_notation_as_numbers(where, tmp_path):
    write_demo_notebook(tmp_path / "demo.ipynb")
    path = tmp_path / "sci.yaml"
    path.write_text("name: sci\nexperiment: demo.ipynb\nobjective: {metric: valid, direction: minimize}\n"
                    f"scales:\n  smoke:\n    {SCIENTIFIC[where]}\n    seeds: [0]\n")
    config = load_config(path)
    check_config(config, ROOT / "nbs", tmp_path)
    runs = plan_runs(config, "smoke")
    xs, sleeps = [r["params"].get("x") for r in runs], [r["params"].get("sleep") for r in runs]
    if where == "params and cells": assert xs == [0.001, 0.001] and sleeps == [0.001, 0]
    if where == "grid": assert xs == [0.001, 0.25, -2.0]
    if where == "search space": assert len(xs) == 4 and all(isinstance(x, float) and 1e-3 <= x <= 1e-1 for x in xs)
    run = gumbel_rao("sweep", path, "--dry-run")
    assert run.returncode == 0 and f"{len(runs)} runs in " in run.stdout, run.stderr[-3000:]


BLOCKS = """
- {arity: [16, 2], batch_size: [20], estimator: [gs, st-gs, gr-mc10]}
- {arity: [16], batch_size: [200], estimator: [st-gs], search: {n_trials: 3}}
- {arity: [16], batch_size: [20], estimator: [reinmax-cv], search: {space: {momentum: {low: 0.1, high: 1.0}}}}
"""


def test_cells_in_blocks_plan_and_price(tmp_path):
    "A scale's cells as a list of blocks (its own draws count, its own searched knob) plans and prices with --dry-run."
    import yaml
    config = yaml.safe_load((ROOT / "configs" / "vae.yaml").read_text())
    config["scales"]["cpu"]["cells"] = yaml.safe_load(BLOCKS)
    path = tmp_path / "blocks.yaml"
    path.write_text(yaml.safe_dump(config))
    runs = plan_runs(load_config(path), "cpu")
    per_cell = {}
    for r in runs: per_cell.setdefault(tuple(r["cell"].values()), []).append(r)
    assert [len(v) for v in per_cell.values()] == [5, 5, 5, 5, 5, 5, 3, 5]   # the batch-200 block: its own 3 draws
    assert all("momentum" in r["point"] for r in per_cell[(16, 20, "reinmax-cv")])
    run = gumbel_rao("sweep", path, "--scale", "cpu", "--dry-run")
    assert run.returncode == 0 and f"{len(runs)} runs in " in run.stdout, run.stderr[-3000:]
    path.write_text(yaml.safe_dump({**config, "scales": {"cpu": {**config["scales"]["cpu"], "cells": yaml.safe_load(
        BLOCKS)[:2] + [{"arity": [16], "batch_size": [200], "estimator": ["st-gs", "gs"]}]}}}))
    assert_one_line_error(gumbel_rao("sweep", path, "--scale", "cpu", "--dry-run"),
                          "scales.cpu.cells[1] and scales.cpu.cells[2] both plan the cell")
