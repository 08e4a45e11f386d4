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


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The documentation site, built once per session (tests/test_docs.py and tests/test_browser.py read it):
    `build_docs.build_docs`'s result (`out`, `pages`, `warnings`, `notebooks`). With GUMBEL_RAO_SITE set to a folder
    that `python tools/build_docs.py --out` wrote, the browser tests read that one instead (`out` and `pages` only)."""
    pytest.importorskip("mkdocs_jupyter")
    import os, build_docs
    if os.environ.get("GUMBEL_RAO_SITE"):
        out = Path(os.environ["GUMBEL_RAO_SITE"]).resolve()
        return dict(out=out, pages=sorted(p.name for p in out.glob("*.html") if p.name != "404.html"), warnings=[])
    return build_docs.build_docs(NBS, tmp_path_factory.mktemp("site") / "docs")
