"Shared fixtures: the repository root and the notebooks; `tools/` is importable (the docs builder and README renderer)."
import sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
sys.path.insert(0, str(ROOT / "tools"))


@pytest.fixture(scope="session")
def root():
    return ROOT
