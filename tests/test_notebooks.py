"""Every notebook's own tests (nbdev_test, default parameters = smoke scale), and the plain papermill command line
(`papermill in.ipynb out.ipynb -p scale smoke -p out_dir DIR`, no kernel or language option) on every parameterized
notebook, as a user would type it: the notebook names its kernel and writes its outputs outside `nbs/`."""
import json, subprocess, sys
from pathlib import Path
import pytest
from conftest import NBS, ROOT
from gumbel_rao.runner import parameterized_notebooks, notebook_parameters

BIN = Path(sys.executable).parent
NOTEBOOKS = sorted(p.name for p in NBS.glob("*.ipynb"))
PARAMETERIZED = [p.name for p in parameterized_notebooks(NBS)]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_nbdev_test(name):
    out = subprocess.run([str(BIN / "nbdev_test"), "--path", str(NBS / name), "--do_print"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]


def _files_under(folder: Path) -> set:
    "Every file below `folder`, as relative paths."
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", PARAMETERIZED)
def test_plain_papermill_at_smoke_scale(name, tmp_path):
    before = _files_under(NBS)
    output, out_dir = tmp_path / name, tmp_path / "out"
    cmd = [str(BIN / "papermill"), str(NBS / name), str(output), "-p", "scale", "smoke", "-p", "out_dir", str(out_dir)]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, " ".join(cmd) + "\n" + run.stderr[-4000:]
    assert output.is_file(), "papermill wrote no executed notebook"
    assert _files_under(NBS) == before, f"the notebook wrote under nbs/: {_files_under(NBS) - before}"
    if "_exp." in name:      # experiments write data; the notebook draws the figures from them
        assert json.loads((out_dir / "metrics.json").read_text()), "metrics.json is empty"
        assert not list(out_dir.glob("*.png")), "an experiment's library code writes data, not figures"


@pytest.mark.parametrize("name", PARAMETERIZED)
def test_parameters_cell_declares_scale_and_out_dir(name):
    assert {"scale", "out_dir"} <= set(notebook_parameters(NBS / name)), f"{name}: the parameters cell must set scale and out_dir"


def test_every_experiment_is_parameterized():
    experiments = [n for n in NOTEBOOKS if "_exp." in n and n != "29_exp.scales.ipynb"]   # 29: the scale presets
    assert experiments and set(experiments) <= set(PARAMETERIZED)
