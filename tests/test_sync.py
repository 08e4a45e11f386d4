"The library is what nbdev_export makes of the notebooks, and README.md is what the index notebook renders to."
import filecmp, shutil, subprocess, sys
from pathlib import Path
from conftest import ROOT

BIN = Path(sys.executable).parent


def test_library_in_sync_with_notebooks(tmp_path):
    shutil.copy(ROOT / "settings.ini", tmp_path)
    shutil.copytree(ROOT / "nbs", tmp_path / "nbs", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    subprocess.run([str(BIN / "nbdev_export")], cwd=tmp_path, check=True, capture_output=True)
    fresh = sorted(p.relative_to(tmp_path) for p in (tmp_path / "gumbel_rao").rglob("*.py"))
    committed = sorted(p.relative_to(ROOT) for p in (ROOT / "gumbel_rao").rglob("*.py"))
    assert fresh == committed, f"modules differ: {set(fresh) ^ set(committed)}"
    stale = [str(p) for p in fresh if not filecmp.cmp(tmp_path / p, ROOT / p, shallow=False)]
    assert not stale, f"run nbdev_export: these modules differ from the notebooks: {stale}"


def test_readme_in_sync_with_index():
    out = subprocess.run([str(BIN / "gumbel-rao"), "readme", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_ci_runs_the_readme_test_command():
    readme, ci = (ROOT / "README.md").read_text(), (ROOT / ".ci" / "run").read_text()
    command = ".venv/bin/python -m pytest tests"
    assert f"```bash\n{command}\n```" in readme
    assert any(line.strip() == command for line in ci.splitlines())
