"""Every notebook runs once: library notebooks through `nbdev_test` (their own tests), experiment notebooks through the
smoke sweeps of `gumbel-rao reproduce --scale smoke` (README command 1, which CI runs before this suite; here its
outputs in `runs/reproduce/smoke/` are checked, or the command is run once if they are missing or stale), and the
notebooks that no config runs (the benchmarks) through the plain papermill command line
(`papermill in.ipynb out.ipynb -p scale smoke -p out_dir DIR`, no kernel or language option), as a user would type it.
Every run writes its outputs outside `nbs/`."""
import json, subprocess, sys
from pathlib import Path
import pytest
from conftest import NBS, ROOT
from gumbel_rao.pipeline.runner import parameterized_notebooks, notebook_parameters, find_experiment
from gumbel_rao.pipeline.config import load_config
from gumbel_rao.pipeline.store import run_dir

BIN = Path(sys.executable).parent
NOTEBOOKS = sorted(p.name for p in NBS.glob("*.ipynb"))
PARAMETERIZED = [p.name for p in parameterized_notebooks(NBS)]
CONFIGS = sorted((ROOT / "configs").glob("*.yaml"))
SWEPT = sorted({find_experiment(load_config(c)["experiment"], NBS).name for c in CONFIGS})


def _files_under(folder: Path) -> set:
    "Every file below `folder`, as relative paths."
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", [n for n in NOTEBOOKS if n not in PARAMETERIZED])
def test_nbdev_test(name):
    out = subprocess.run([str(BIN / "nbdev_test"), "--path", str(NBS / name), "--do_print"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]


def _code(nb: dict) -> list:
    "The code cells of a notebook, without the cell papermill injects."
    return [c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in nb["cells"]
            if c["cell_type"] == "code" and "injected-parameters" not in c.get("metadata", {}).get("tags", [])]


def _fresh(folder: Path) -> bool:
    "Whether `folder` holds a smoke sweep of every config whose executed notebooks have the code of `nbs/` today."
    for config in CONFIGS:
        name, nb = load_config(config)["name"], find_experiment(load_config(config)["experiment"], NBS)
        copies = list((folder / name / "runs").glob(f"*/*/{nb.name}"))
        source = _code(json.loads(nb.read_text()))
        if not copies or any(_code(json.loads(c.read_text())) != source for c in copies): return False
    return True


@pytest.fixture(scope="module")
def smoke_sweeps(tmp_path_factory):
    "The smoke sweeps of every config: those of README command 1 when fresh, else run here."
    committed = ROOT / "runs/reproduce/smoke"
    if committed.is_dir() and _fresh(committed): return committed
    out = tmp_path_factory.mktemp("reproduce")
    before = _files_under(NBS)
    run = subprocess.run([str(BIN / "gumbel-rao"), "reproduce", "--scale", "smoke", "--out", str(out)], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert _files_under(NBS) == before, f"the notebooks wrote under nbs/: {_files_under(NBS) - before}"
    return out


@pytest.mark.parametrize("config", [c.stem for c in CONFIGS])
def test_every_smoke_sweep_completes_and_reports(smoke_sweeps, config):
    "Each config's smoke sweep ran its experiment notebook to the end in every run, and its report was written."
    from gumbel_rao.pipeline.report import load_runs
    runs = load_runs(smoke_sweeps / config)
    assert len(runs) and set(runs.state) == {"complete"}, runs[runs.state != "complete"][["run", "state", "traceback"]].to_string()
    assert (smoke_sweeps / config / "report" / "report.md").is_file() and (smoke_sweeps / config / "report" / "runs.csv").is_file()
    for r in runs.itertuples():   # experiments write data; their notebooks draw
        out = run_dir(smoke_sweeps / config, r.study, r.run)
        assert json.loads((out / "metrics.json").read_text()) and not list(out.glob("*.png")), out


@pytest.mark.parametrize("name", [n for n in PARAMETERIZED if n not in SWEPT])
def test_plain_papermill_at_smoke_scale(name, tmp_path):
    before = _files_under(NBS)
    output, out_dir = tmp_path / name, tmp_path / "out"
    cmd = [str(BIN / "papermill"), str(NBS / name), str(output), "-p", "scale", "smoke", "-p", "out_dir", str(out_dir)]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, " ".join(cmd) + "\n" + run.stderr[-4000:]
    assert output.is_file(), "papermill wrote no executed notebook"
    assert _files_under(NBS) == before, f"the notebook wrote under nbs/: {_files_under(NBS) - before}"


def test_each_experiment_notebook_is_run_by_a_config():
    experiments = [n for n in PARAMETERIZED if "_exp." in n]   # the other _exp. notebooks are the experiments' library
    assert experiments and set(experiments) <= set(SWEPT) <= set(PARAMETERIZED)


@pytest.mark.parametrize("name", PARAMETERIZED)
def test_parameters_cell_declares_scale_and_out_dir(name):
    assert {"scale", "out_dir"} <= set(notebook_parameters(NBS / name)), f"{name}: the parameters cell must set scale and out_dir"
