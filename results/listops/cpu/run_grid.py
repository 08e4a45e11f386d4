"""Table 1 of Paulus et al. (2021) at L <= 10: ST-GS and GR-MC{10,100,1000} at tau in {0.01, 0.1, 1.0}.

    python results/listops/cpu/run_grid.py --workers 12 --out results/listops/cpu/grid

Each configuration is one `gumbel_rao.experiments.listops.run` in its own folder `OUT/<estimator>_tau<tau>_seed<seed>/`
(metrics.json, curves.png, trees.png, checkpoint.pt), in parallel processes with one torch thread each. The grid is
resumable: finished runs (with metrics.json) are skipped and interrupted ones continue from their checkpoints. At the
end it writes OUT/table.md (test accuracy and bracket F1 next to the paper's Table 1) and OUT/fig_grid.png.
"""
import argparse, json, os, sys, time, traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

ESTIMATORS = ("st-gs", "gr-mc10", "gr-mc100", "gr-mc1000")
TAUS = (0.01, 0.1, 1.0)

def run_dir(out: Path, estimator: str, tau: float, seed: int) -> Path:
    return out / f"{estimator}_tau{tau}_seed{seed}"

def _init_worker():
    os.environ["OMP_NUM_THREADS"] = "1"
    import torch
    torch.set_num_threads(1)

def _one(folder: str, estimator: str, tau: float, seed: int, scale: str, device: str, knobs: dict):
    from gumbel_rao.experiments.listops import run
    t0 = time.perf_counter()
    with open(Path(folder) / "run.log", "a") as log:
        sys.stdout = sys.stderr = log
        try: m = run(out_dir=folder, seed=seed, device=device, scale=scale, estimator=estimator, tau=tau, progress=False, **knobs)
        except Exception: traceback.print_exc(); raise
    return folder, m["test_accuracy"], m["test_f1"], time.perf_counter() - t0

def write_table(out: Path, estimators, taus, seeds, max_len: int) -> str:
    "table.md: per (estimator, tau) the mean test accuracy and bracket F1 over the finished seeds, beside the paper's accuracy."
    from gumbel_rao.data.paper import paper_results
    paper = {(r["estimator"], r["tau"]): r["value"] for r in paper_results(1) if r["max_len"] == max_len}
    cells, base = {}, None
    for est in estimators:
        for tau in taus:
            ms = [json.loads((run_dir(out, est, tau, s) / "metrics.json").read_text()) for s in seeds if (run_dir(out, est, tau, s) / "metrics.json").exists()]
            if ms:
                base = base or ms[0]["baselines"]
                cells[est, tau] = dict(acc=100 * sum(m["test_accuracy"] for m in ms) / len(ms), f1=100 * sum(m["test_f1"] for m in ms) / len(ms),
                                       n=len(ms), steps=ms[0]["params"]["iterations"], minutes=sum(m["wall_s"]["total"] for m in ms) / len(ms) / 60)
    head = "| estimator | " + " | ".join(f"tau={t}: acc (paper) | F1" for t in taus) + " |"
    lines = [f"ListOps L <= {max_len}: test accuracy (%) of the best-on-validation model, the paper's Table 1 in brackets, and the",
             "unlabelled bracket F1 (%) of its induced trees against the gold trees (mean over seeds; n = seeds finished).", "",
             head, "|---|" + "---|---|" * len(taus)]
    for est in estimators:
        row = [f"{cells[est, t]['acc']:.1f} ({paper.get((est, t), '-')}) | {cells[est, t]['f1']:.1f}" if (est, t) in cells else "- | -" for t in taus]
        lines.append(f"| {est} | " + " | ".join(row) + " |")
    if base:
        lines += ["", f"Baselines on the same test set: left-branching trees F1 {100 * base['left_branching_f1']:.1f}, " + (f"right-branching trees F1 {100 * base['right_branching_f1']:.1f}, " if 'right_branching_f1' in base else '') + f"balanced trees F1 "
                      f"{100 * base['balanced_f1']:.1f}, majority label accuracy {100 * base['majority_accuracy']:.1f}."]
    if cells:
        c = next(iter(cells.values()))
        lines += [f"Runs finished: {sum(v['n'] for v in cells.values())} of {len(estimators) * len(taus) * len(seeds)}; {c['steps']} SGD steps each; "
                  f"mean minutes per run: " + ", ".join(f"{e}/{t}: {v['minutes']:.1f}" for (e, t), v in cells.items()) + "."]
    (out / "table.md").write_text("\n".join(lines) + "\n")
    _figure(out, estimators, taus, cells, paper, max_len)
    return "\n".join(lines)

def _figure(out, estimators, taus, cells, paper, max_len):
    import matplotlib; matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for i, est in enumerate(estimators):
        ts = [t for t in taus if (est, t) in cells]
        color = plt.cm.tab10(i)
        axes[0].plot(ts, [cells[est, t]["acc"] for t in ts], "o-", color=color, label=f"{est} (ours)")
        pt = [t for t in taus if (est, t) in paper]
        axes[0].plot(pt, [paper[est, t] for t in pt], "x--", color=color, alpha=0.6, label=f"{est} (paper)")
        axes[1].plot(ts, [cells[est, t]["f1"] for t in ts], "o-", color=color, label=est)
    for ax, lab in zip(axes, ("test accuracy (%)", "test bracket F1 (%)")):
        ax.set_xscale("log"); ax.set_xlabel("tau"); ax.set_ylabel(lab); ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, ncol=2); axes[1].legend(fontsize=7)
    fig.suptitle(f"ListOps L <= {max_len}", fontsize=10); fig.tight_layout()
    fig.savefig(out / "fig_grid.png", dpi=120); plt.close(fig)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=1, help="parallel processes (one torch thread each)")
    ap.add_argument("--device", default="cpu", help="device of every run (cpu, cuda, auto)")
    ap.add_argument("--out", default="results/listops/cpu/grid", help="output folder")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0], help="seeds")
    ap.add_argument("--scale", default="cpu", help="smoke, cpu or paper")
    ap.add_argument("--estimators", nargs="+", default=list(ESTIMATORS))
    ap.add_argument("--taus", type=float, nargs="+", default=list(TAUS))
    ap.add_argument("--iterations", type=int, default=None, help="override the scale's SGD steps")
    ap.add_argument("--table-only", action="store_true", help="only rewrite table.md and the figure from finished runs")
    a = ap.parse_args(argv)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    from gumbel_rao.experiments.listops import resolve_params
    prm = resolve_params(a.scale, iterations=a.iterations)
    knobs = {} if a.iterations is None else dict(iterations=a.iterations)
    jobs = [(e, t, s) for s in a.seeds for e in a.estimators for t in a.taus if not (run_dir(out, e, t, s) / "metrics.json").exists()]
    failed = []
    if jobs and not a.table_only:
        if prm["n_train"] is None:   # build the cached splits once, before the workers start
            from gumbel_rao.data.listops import load_listops
            load_listops("train"); load_listops("valid")
        print(f"{len(jobs)} runs to do ({len(a.estimators) * len(a.taus) * len(a.seeds) - len(jobs)} already finished), {a.workers} workers", flush=True)
        with ProcessPoolExecutor(a.workers, mp_context=get_context("spawn"), initializer=_init_worker) as pool:
            futures = {}
            for e, t, s in jobs:
                folder = run_dir(out, e, t, s); folder.mkdir(exist_ok=True)
                futures[pool.submit(_one, str(folder), e, t, s, a.scale, a.device, knobs)] = (e, t, s)
            for f in as_completed(futures):
                try: folder, acc, f1, sec = f.result(); print(f"done {folder}: accuracy {acc:.3f}, F1 {f1:.3f}, {sec / 60:.1f} min", flush=True)
                except Exception as err: failed.append(futures[f]); print(f"FAILED {futures[f]}: {err!r} (see its run.log)", flush=True)
    print(write_table(out, a.estimators, a.taus, a.seeds, prm["max_len"]))
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
