"""The package as a user installs it. The wheel, built from the sdist as a release is, carries the experiment notebooks
(those with a `parameters` cell) and the sweep configs; installed outside the clone, `gumbel-rao run` and
`gumbel-rao reproduce` find them and write their outputs where they are run.

The wheel is installed without its dependencies into a fresh virtual environment that sees the dependencies of the
environment running the tests (a `.pth` file naming its site-packages), so the test needs no network and no download:
only the wheel's own files and entry points come from the build. (A clean install, `pip install torch==2.13.0` then
`pip install "gumbel_rao-...whl[experiments]"` into an empty venv, takes a minute and a half from the registry.)"""
import os, shutil, subprocess, sys, sysconfig, zipfile
from pathlib import Path
import pytest
from conftest import ROOT
from gumbel_rao.pipeline.runner import parameterized_notebooks

BIN = Path(sys.executable).parent
SOURCES = ["setup.py", "settings.ini", "pyproject.toml", "MANIFEST.in", "README.md", "LICENSE", "gumbel_rao", "nbs",
           "configs"]


def run(*cmd, **kw):
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert out.returncode == 0, " ".join(map(str, cmd)) + "\n" + out.stdout[-3000:] + out.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    "The wheel built from the sdist of a copy of the source (the checkout itself is left untouched)."
    src, dist = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("dist")
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, src / name, **({"ignore": shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "runs")}
                                         if copy is shutil.copytree else {}))
    run(sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", dist, src)
    sdist, = dist.glob("*.tar.gz")
    run(BIN / "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-cache-dir", "-w", dist, sdist)
    found, = dist.glob("*.whl")
    return found


def test_wheel_carries_the_experiments_and_configs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = {n.split("/bundled/", 1)[1] for n in names if n.startswith("gumbel_rao/bundled/")}
    notebooks = {f"nbs/{p.name}" for p in parameterized_notebooks(ROOT / "nbs")}
    assert bundled == notebooks | {f"configs/{p.name}" for p in (ROOT / "configs").glob("*.yaml")}
    assert {f"nbs/{n}.ipynb" for n in ("30_exp.toy", "31_exp.vae", "32_exp.listops", "33_exp.atlas")} <= notebooks


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    "A fresh virtual environment with the wheel installed (no dependencies: those of the test's environment are seen)."
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(BIN / "pip", "--python", python, "install", "--no-deps", "--no-cache-dir", "--no-index", wheel)
    return venv


def user_env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "IN_TEST")}


def test_installed_wheel_runs_the_experiments_outside_the_clone(venv, tmp_path):
    where = run(venv / "bin" / "python", "-c", "import gumbel_rao; print(gumbel_rao.__file__)",
                cwd=tmp_path, env=user_env())
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout   # the wheel's package, not the clone's
    cli = venv / "bin" / "gumbel-rao"
    ran = run(cli, "run", "toy", "-p", "scale", "smoke", cwd=tmp_path, env=user_env())
    assert (tmp_path / "runs" / "30_exp.toy" / "smoke" / "metrics.json").is_file(), ran.stdout
    assert "without encryption" not in ran.stderr
    reproduced = run(cli, "reproduce", "--scale", "smoke", "--only", "toy", cwd=tmp_path, env=user_env())
    assert "bundled/configs/toy.yaml" in reproduced.stdout and "toy: 1/1 runs" in reproduced.stdout, reproduced.stdout
    assert (tmp_path / "runs" / "reproduce" / "smoke" / "toy" / "report" / "report.md").is_file()
