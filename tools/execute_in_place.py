"""Execute notebooks in place so that their committed outputs are what their code computes.

    python tools/execute_in_place.py nbs/00_core.ipynb [nbs/31_exp.vae.ipynb ...]

Every notebook keeps its outputs in git, as nbdev and fastcore do, and its page shows them. Each notebook runs in a
fresh kernel with `nbs/` as its working directory and `IN_TEST=1` (so that nothing is written under `nbs/`); an
experiment notebook runs with its default parameters, the smoke scale, and shows the committed cpu-scale report in
its last section. The SHA-256 of the notebook's code (`source_sha`) is recorded in its metadata; a test compares it
with the code, so no page shows the outputs of code that has changed since. `nbdev_clean` then normalises the file.
"""
import hashlib, os, subprocess, sys, tempfile
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

META = "gumbel_rao"   # the notebook metadata key (kept by nbdev_clean: settings.ini, allowed_metadata_keys)

def source_sha(nb) -> str:
    "SHA-256 of the notebook's code cells, in order (what its outputs depend on)."
    code = "\n\x00\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return hashlib.sha256(code.encode()).hexdigest()

def execute_in_place(path: Path, timeout: int = 3600):
    "Run `path` in a fresh kernel from its folder, record `source_sha`, write it back."
    nb = nbformat.read(str(path), as_version=4)
    os.environ["IN_TEST"] = "1"                 # the kernel inherits it
    os.environ.pop("MPLBACKEND", None)          # figures inline, as Jupyter shows them
    with tempfile.TemporaryDirectory(prefix="gumbel-rao-kernel-") as sockets:   # the kernel over ipc, as the runner does
        manager = dict(transport="tcp" if os.name == "nt" else "ipc", connection_file=os.path.join(sockets, "kernel.json"))
        NotebookClient(nb, timeout=timeout, kernel_name="python3", iopub_timeout=1, config=Config(KernelManager=manager),
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata[META] = dict(source_sha=source_sha(nb))
    nbformat.write(nb, str(path))

if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]]
    if not paths: raise SystemExit(__doc__)
    for p in paths: execute_in_place(p); print(f"executed {p}")
    for p in paths: subprocess.run([str(Path(sys.executable).parent / "nbdev_clean"), "--fname", str(p)], check=True)
