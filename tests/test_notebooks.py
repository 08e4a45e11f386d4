"""Every notebook's own tests (nbdev_test, default parameters = smoke scale), and papermill runs of every
parameterized notebook at smoke scale with its outputs outside nbs/."""
import json, os, subprocess, sys
from pathlib import Path
import pytest
from conftest import NBS, ROOT
from gumbel_rao.runner import parameterized_notebooks, execute_notebook

BIN = Path(sys.executable).parent
NOTEBOOKS = sorted(p.name for p in NBS.glob("*.ipynb"))
PARAMETERIZED = [p.name for p in parameterized_notebooks(NBS)]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_nbdev_test(name):
    out = subprocess.run([str(BIN / "nbdev_test"), "--path", str(NBS / name), "--do_print"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]


@pytest.mark.parametrize("name", PARAMETERIZED)
def test_papermill_smoke(name, tmp_path):
    output = execute_notebook(NBS / name, tmp_path, {"scale": "smoke"}, cwd=ROOT)
    assert output.exists() and output.parent == tmp_path
    assert not (NBS / "runs").exists(), "a notebook wrote its outputs under nbs/"
    if name.split("_", 1)[1].startswith("exp."):      # experiments write their metrics next to the figures
        metrics = json.loads((tmp_path / "metrics.json").read_text())
        assert metrics, "metrics.json is empty"
        assert list(tmp_path.glob("*.png")), "an experiment must save its figures as PNG"


def test_every_experiment_is_parameterized():
    experiments = [n for n in NOTEBOOKS if "_exp." in n]
    assert set(experiments) <= set(PARAMETERIZED)
