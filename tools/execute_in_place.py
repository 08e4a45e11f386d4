"""Execute library notebooks in place so that their committed outputs are what the code computes.

    python tools/execute_in_place.py nbs/00_core.ipynb [nbs/01_estimators.ipynb ...]

Library notebooks (those without a `parameters` cell) keep their small outputs in git, as nbdev and fastcore do, so the
rendered pages show them. Each notebook runs in a fresh kernel with `nbs/` as its working directory, then `nbdev_clean`
normalises it. Experiment notebooks are not executed here: their pages show the committed cpu-scale run under `results/`.
"""
import subprocess, sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient

def execute_in_place(path: Path, timeout: int = 1200):
    nb = nbformat.read(str(path), as_version=4)
    if any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb.cells):
        raise SystemExit(f"{path} is an experiment notebook (it has a parameters cell); its page shows the cpu run in results/")
    NotebookClient(nb, timeout=timeout, kernel_name="python3", iopub_timeout=1,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, str(path))

if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]]
    if not paths: raise SystemExit(__doc__)
    for p in paths: execute_in_place(p); print(f"executed {p}")
    for p in paths: subprocess.run([str(Path(sys.executable).parent / "nbdev_clean"), "--fname", str(p)], check=True)
