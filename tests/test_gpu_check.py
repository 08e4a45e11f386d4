"""The GPU check (`results/gpu/check.sh`) rehearsed on the CPU: every part it runs on a lent GPU (the experiments at smoke
scale through their `run()` functions, the group tests, the benchmarks) runs here too, so that a broken part is found
before a GPU's few minutes are spent on it. About 2 minutes."""
import os, subprocess, sys
from conftest import ROOT


def test_gpu_check_rehearsal_passes_every_part(tmp_path):
    env = {**os.environ, "REHEARSE": "1", "CALL_RUN": "1", "REHEARSE_PYTHON": sys.executable, "REHEARSAL_OUT": str(tmp_path / "out")}
    env.pop("OUT", None)
    done = subprocess.run(["bash", str(ROOT / "results/gpu/check.sh")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500)
    summary = (tmp_path / "out" / "summary.txt").read_text()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    parts = [line.split(":")[0] for line in summary.splitlines()[2:]]
    assert parts == ["exp_toy", "exp_vae", "exp_listops", "exp_atlas", "groups_cuda_test", "groups_listops_cuda_test", "bench_groups", "bench_vae", "bench_listops"], summary
    assert all(": ok (" in line for line in summary.splitlines()[2:]), summary
    assert (tmp_path / "out" / "bench_vae" / "steps.csv").exists() and (tmp_path / "out" / "bench_listops" / "steps.csv").exists() and (tmp_path / "out" / "bench_groups" / "benchmarks.csv").exists()
