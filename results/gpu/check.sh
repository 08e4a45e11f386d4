#!/usr/bin/env bash
# GPU check, run by hand when a GPU is lent (never part of CI): every experiment at smoke scale with device=cuda,
# the CUDA tests of 34_exp.groups (graphed and eager steps agree), a ListOps group (35_exp.groups_listops) on CUDA, and the benchmarks of 93_benchmarks.groups (eager
# and graphed), 91_benchmarks.vae and 92_benchmarks.listops at cpu scale on CUDA (into results/benchmarks/{groups,vae,listops}/cuda/,
# the tables `gumbel-rao sweep --dry-run` prices Tables 1 and 2 from). Everything else goes under results/gpu/out/; a summary is
# printed at the end and written to results/gpu/out/summary.txt. Each part has a timeout and the whole stays under
# 8 minutes (DEADLINE seconds) on one H100-class GPU.
#
#   bash results/gpu/check.sh            # from anywhere; runs in the repository root
#   REHEARSE=1 bash results/gpu/check.sh # the same parts on this machine's CPU with .venv: the benchmarks at smoke scale,
#                                        # no CUDA graphs, everything under /tmp/gpu-check-rehearsal (nothing committed
#                                        # is touched); to find a broken part before a GPU's minutes are spent on it
#   REHEARSE=1 CALL_RUN=1 bash results/gpu/check.sh   # the same, the experiments through run() as on a machine without papermill
#
# On a device machine whose runner returns only what is under $OUT (the `device` tool), the outputs are also copied
# there at the end, at their paths in the repository: copy them back with `cp -r <files>/results .`.
#
# The environment: a Python with a CUDA build of torch, and this package from the repository (PYTHONPATH, no install):
# .venv-gpu if it exists, else the machine's own python3 (the device machines here: torch, numpy, tqdm, pandas, PyYAML,
# matplotlib, and no network), plus any wheels carried in .whl/. Where no such Python exists but the package registry
# is reachable, .venv-gpu is made (`pip install torch==2.14.1 -e ".[experiments]"`). Without papermill the experiments
# are run by calling their `run()` functions instead of executing their notebooks.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd); BACK=${OUT:-}   # the device runner's folder of files to return, if any
if [[ -n ${REHEARSE:-} ]]; then
  DEV=cpu; GRAPHS=False; OUT=${REHEARSAL_OUT:-/tmp/gpu-check-rehearsal}; BENCH_SCALE=smoke; DEADLINE=${DEADLINE:-1800}; SLOW=4
  BENCH_GROUPS=$OUT/bench_groups; BENCH_VAE=$OUT/bench_vae; BENCH_LISTOPS=$OUT/bench_listops; rm -rf "$OUT"
else
  DEV=cuda; GRAPHS=True; OUT=results/gpu/out; BENCH_SCALE=cpu; DEADLINE=${DEADLINE:-470}; SLOW=1
  BENCH_GROUPS=results/benchmarks/groups/cuda; BENCH_VAE=results/benchmarks/vae/cuda   # where --dry-run prices CUDA from
  BENCH_LISTOPS=results/benchmarks/listops/cuda
fi
mkdir -p "$OUT"; export DEV GRAPHS; START=$(date +%s)
SUMMARY=()
elapsed() { echo $(( $(date +%s) - START )); }
say() { echo "[$(elapsed)s] $*"; }
# part NAME LIMIT CMD...: run CMD with at most LIMIT seconds (less if the deadline is nearer), log to $OUT/NAME.log
part() {
  local name=$1 limit=$(( $2 * SLOW )); shift 2
  local left=$(( DEADLINE - $(elapsed) - 5 ))
  (( left < limit )) && limit=$left
  if (( limit < 10 )); then SUMMARY+=("$name: SKIPPED (no time left)"); say "skip $name"; return; fi
  say "start $name (limit ${limit}s)"
  local t0=$(date +%s)
  timeout --kill-after=5 "$limit" "$@" > "$OUT/$name.log" 2>&1
  local rc=$? dt=$(( $(date +%s) - t0 ))
  local status=ok; (( rc == 124 || rc == 137 )) && status="TIMEOUT"; (( rc != 0 && rc != 124 && rc != 137 )) && status="FAILED rc=$rc"
  SUMMARY+=("$name: $status (${dt}s; log $OUT/$name.log)")
  say "$name: $status (${dt}s)"; [[ $status != ok ]] && tail -n 15 "$OUT/$name.log"
}

# ---- 1. the environment -------------------------------------------------------------------------------------------
has_cuda() { [[ -x $1 ]] && "$1" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; }
choose_python() {   # prints the Python to use
  if [[ -n ${REHEARSE:-} ]]; then local p=${REHEARSE_PYTHON:-.venv/bin/python}; [[ -x $p ]] && echo "$p"; return; fi
  has_cuda .venv-gpu/bin/python && { echo .venv-gpu/bin/python; return 0; }
  local cand p
  for cand in python3 /opt/torch/.venv/bin/python3 /usr/bin/python3; do
    p=$(command -v "$cand" 2>/dev/null) && has_cuda "$p" && { echo "$p"; return 0; }
  done
  return 1
}
make_venv() {   # only where no Python with CUDA torch exists
  timeout 20 python3 -m pip download --no-deps -d /tmp/probe --timeout 5 --retries 0 pip >/dev/null 2>&1 || { echo "no registry"; return 1; }
  rm -rf .venv-gpu && python3 -m venv .venv-gpu && .venv-gpu/bin/pip install -q torch==2.14.1 && .venv-gpu/bin/pip install -q -e ".[experiments]"
}
export -f has_cuda make_venv   # `timeout` runs programs, not shell functions
PY=$(choose_python) || { part make_venv 300 bash -c make_venv; PY=$(choose_python); }
if [[ -z $PY ]]; then printf '%s\n' "${SUMMARY[@]}"; echo "no Python with ${DEV} torch on this machine: nothing else can run"; exit 1; fi
SITE=/tmp/gumbel-rao-site
if [[ -d .whl ]] && ls .whl/*.whl >/dev/null 2>&1; then
  "$PY" -m pip install -q --no-index --no-deps --no-compile --upgrade --target "$SITE" .whl/*.whl || echo "some carried wheels failed"
fi
export PYTHONPATH="$ROOT:$SITE${PYTHONPATH:+:$PYTHONPATH}"
say "python: $PY"
"$PY" - > "$OUT/environment.txt" 2>&1 <<'PYEOF'
import importlib, torch
print("torch", torch.__version__, "cuda", torch.version.cuda, "device", torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu (rehearsal)")
for name in ("numpy", "tqdm", "pandas", "yaml", "papermill", "nbclient", "ipykernel", "optuna", "matplotlib"):
    try: print(name, getattr(importlib.import_module(name), "__version__", "present"))
    except Exception as e: print(name, "MISSING", type(e).__name__)
PYEOF
cat "$OUT/environment.txt"
export GUMBEL_RAO_CACHE=/tmp/gumbel-rao-cache PYTHONUNBUFFERED=1

# ---- 2. every experiment at smoke scale on CUDA ---------------------------------------------------------------------
if [[ -z ${CALL_RUN:-} ]] && "$PY" -c "import papermill, ipykernel, yaml" 2>/dev/null; then   # CALL_RUN=1: the run() path anyway
  for exp in toy vae listops atlas; do
    part "exp_$exp" 60 "$PY" -c "from gumbel_rao.cli import main; main()" run "$exp" -p scale smoke -p device "$DEV" --out "$OUT/exp_$exp"
  done
else
  echo "calling each experiment's run() instead of executing its notebook (papermill or ipykernel missing, or CALL_RUN set)"
  for exp in toy vae listops atlas; do
    part "exp_$exp" 60 "$PY" -c "
import json, importlib
m = importlib.import_module('gumbel_rao.experiments.$exp')
kw = dict(progress=False) if '$exp' in ('vae', 'listops', 'atlas') else {}
out = m.run(out_dir='$OUT/exp_$exp', scale='smoke', device='$DEV', **kw)
print(json.dumps(out, default=str)[:1500])"
  done
fi

# ---- 3. the CUDA tests of 34_exp.groups: graphed and eager steps agree; a group runs on CUDA end to end -------------
part groups_cuda_test 75 "$PY" - <<'PYEOF'
import os, tempfile, torch
from gumbel_rao.experiments.vae import resolve_params, load_splits
from gumbel_rao.experiments.groups import GroupTraining, run_group
dev, graphs = torch.device(os.environ["DEV"]), os.environ["GRAPHS"] == "True"   # a rehearsal on CPU: eager twice
data = {k: v.to(dev) for k, v in load_splits(1000, 100, 100).items()}
def params(seed, lr, tau, estimator):
    prm = dict(resolve_params("smoke", lr=lr), estimator=estimator, tau=tau, arity=4, batch_size=20, optimizer="adam", momentum=0.9, seed=seed)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in prm.items()}
for name in ("st-gs", "gr-mc100", "reinforce"):
    prms = [params(s, 1e-3, 0.5 + 0.2 * s, name) for s in range(4)]
    eager, graphed = GroupTraining(prms, data["train"], dev), GroupTraining(prms, data["train"], dev)
    eager.run(20); graphed.run(20, graphs=graphs)
    assert (graphed.graph is not None) == graphs and graphed.iteration == 20
    worst = max((a - b).abs().max().item() for a, b in zip(eager.params, graphed.params))
    print(f"{name}: graphed vs eager, largest parameter difference after 20 steps {worst:.3g}")
    assert worst < 1e-5, name
with tempfile.TemporaryDirectory() as tmp:
    out = run_group([f"{tmp}/r{i}" for i in range(4)], seeds=list(range(4)), lr=[1e-3, 2e-3, 1e30, 3e-3], tau=0.5, device=dev.type,
                    estimator="gr-mc100", arity=16, batch_size=20, progress=False)
    print(f"run_group on {dev.type}:", [o.get("test_bound", o.get("failed")) for o in out])
    assert "failed" in out[2] and all("test_bound" in out[i] for i in (0, 1, 3))
print("PASS")
PYEOF
part groups_listops_cuda_test 60 "$PY" - <<'PYEOF'
import os, tempfile, torch
from gumbel_rao.experiments.groups_listops import run_group, GroupListOpsTraining
from gumbel_rao.experiments.listops import resolve_params, load_splits
from gumbel_rao.data.listops import encode_listops
dev, graphs, prm = torch.device(os.environ["DEV"]), os.environ["GRAPHS"] == "True", resolve_params("smoke")
splits = load_splits(prm["max_len"], prm["n_train"], prm["n_valid"], prm["n_test"], seed=0)
train = {k: v.to(dev) for k, v in encode_listops(splits["train"]).items()}
for name in ("st-gs", "gr-mc100"):
    prms = [dict(prm, seed=s, lr=0.1, estimator=name, tau=0.5, k=None) for s in range(4)]
    eager, graphed = GroupListOpsTraining(prms, train, dev), GroupListOpsTraining(prms, train, dev)
    eager.run(20); graphed.run(20, graphs=graphs)
    worst = max((a - b).abs().max().item() for a, b in zip(eager.params, graphed.params))
    print(f"ListOps {name}: graphed vs eager, largest parameter difference after 20 steps {worst:.3g}")
    assert (graphed.graph is not None) == graphs and worst < 1e-5, name
with tempfile.TemporaryDirectory() as tmp:
    out = run_group([f"{tmp}/r{i}" for i in range(4)], seeds=list(range(4)), lr=[0.1, 0.2, 0.05, 0.3], device=dev.type,
                    estimator="gr-mc100", tau=0.01, progress=False)
    print(f"ListOps run_group on {dev.type}:", [(o["best_valid_accuracy"], o["test_accuracy"]) for o in out])
print("PASS")
PYEOF

# ---- 4. benchmarks at cpu scale on CUDA ------------------------------------------------------------------------------
part bench_groups 170 "$PY" -c "
from gumbel_rao.benchmarks.groups import run
import pandas as pd
res = run(out_dir='$BENCH_GROUPS', scale='$BENCH_SCALE', device='$DEV')   # benchmarks.csv, listops.csv: the grouped CUDA prices
for part in ('vae', 'listops'): print(part); print(pd.DataFrame(res[part]['rows']).to_string())"
part bench_vae 150 "$PY" -c "
from gumbel_rao.benchmarks.vae import run
res = run(out_dir='$BENCH_VAE', scale='$BENCH_SCALE', device='$DEV')   # steps.csv, draws.csv, bound.csv: the VAE's CUDA prices
print({k: res[k] for k in ('step_seconds', 'ratio_to_st_gs', 'bound_samples_per_second')})"
part bench_listops 90 "$PY" -c "
from gumbel_rao.benchmarks.listops import run
res = run(out_dir='$BENCH_LISTOPS', scale='$BENCH_SCALE', device='$DEV')   # steps.csv: Table 1's prices, every bound and estimator
for r in res['rows']: print(r)"
[[ $DEV == cuda && -d $BENCH_LISTOPS ]] && nvidia-smi -L > "$BENCH_LISTOPS/machine.txt" 2>/dev/null

# ---- summary ---------------------------------------------------------------------------------------------------------
{ echo "GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(elapsed)s"; head -n 1 "$OUT/environment.txt"; printf '%s\n' "${SUMMARY[@]}"; } | tee "$OUT/summary.txt"
[[ -f $BENCH_GROUPS/benchmarks.csv ]] && { echo "group benchmark (run-steps per second; ratio to one run per process):"; cat "$BENCH_GROUPS/benchmarks.csv"; }
if [[ -z ${REHEARSE:-} && -n $BACK && -d $BACK ]]; then   # what the device runner returns: the outputs at their repository paths
  for d in "$OUT" "$BENCH_GROUPS" "$BENCH_VAE" "$BENCH_LISTOPS"; do [[ -d $d ]] && mkdir -p "$BACK/$(dirname "$d")" && cp -r "$d" "$BACK/$(dirname "$d")/"; done
fi
! printf '%s\n' "${SUMMARY[@]}" | grep -qv ': ok'
