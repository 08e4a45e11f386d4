"""Time one paper-scale configuration of the discrete VAE and extrapolate the full run (50,000 iterations, validation
every 1,000 on all 10,000 validation images, Fig. 2 a/b measurements, test bound with M = 5000 on the full test set).

    python results/vae/paper_timing.py --estimator gr-mc100 --arity 16 --batch-size 20 --device auto --out timing.json

It runs a short real `run(scale="paper", iterations=N)` (default 2,000, same per-iteration work) and times each phase
separately, then writes the measured pieces and the extrapolated total. For the full run itself:

    python -c "from gumbel_rao.experiments.vae import run; run(out_dir='runs/vae/paper/a16_b20_gr-mc100', scale='paper', device='auto', estimator='gr-mc100', arity=16, batch_size=20)"
"""
import argparse, json, time
import torch
from gumbel_rao.core import resolve_device
from gumbel_rao.experiments import vae
from gumbel_rao.benchmarks import median_seconds
from gumbel_rao.benchmarks_vae import vae_step

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--estimator", default="gr-mc100"); ap.add_argument("--arity", type=int, default=16)
    ap.add_argument("--batch-size", type=int, default=20); ap.add_argument("--device", default="auto")
    ap.add_argument("--out", default="timing.json"); ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--scale", default="paper", help="preset whose protocol is timed (smoke: a quick check of this script)")
    a = ap.parse_args()
    dev = resolve_device(a.device)
    prm = dict(vae.resolve_params(a.scale), estimator=a.estimator, tau=0.5, arity=a.arity, batch_size=a.batch_size,
               optimizer="adam", momentum=0.9, seed=0)
    data = vae.load_splits(prm["train_examples"], prm["valid_examples"], prm["test_examples"], dev)
    state = vae.init_training(prm, data["train"], dev)
    def timed(f):
        if dev.type == "cuda": torch.cuda.synchronize()
        t = time.perf_counter(); r = f()
        if dev.type == "cuda": torch.cuda.synchronize()
        return time.perf_counter() - t, r
    for _ in range(20): vae.train_step(state, data["train"], a.batch_size)   # warm-up
    t_steps, _ = timed(lambda: [vae.train_step(state, data["train"], a.batch_size) for _ in range(a.steps)])
    step = t_steps / a.steps
    t_valid, _ = timed(lambda: vae.evaluate(state["model"], data["valid"], prm["valid_m"], 0))
    t_var, _ = timed(lambda: vae._measure(state, data, prm, prm["variance_every"]))
    t_var -= t_valid
    t_test, _ = timed(lambda: vae.evaluate(state["model"], data["test"], prm["test_m"], 1))
    xb = data["train"][: a.batch_size]
    names = ["st-gs"] + [f"gr-mc{k}" for k in prm["variance_ks"]]
    t_ref, ref = timed(lambda: vae.reference_gradient(state["model"], xb, prm["reference_groups"], prm["reference_samples"], 2))
    t_mse, _ = timed(lambda: vae.gradient_mse(state["model"], xb, names, prm["mse_taus"], prm["mse_draws"], ref, 3))
    n_eval = prm["iterations"] // prm["eval_every"] + 1
    n_var = prm["iterations"] // prm["variance_every"] + 1
    total = prm["iterations"] * step + n_eval * t_valid + n_var * t_var + t_test + t_ref + t_mse
    out = dict(device=torch.cuda.get_device_name() if dev.type == "cuda" else "cpu", estimator=a.estimator, arity=a.arity,
               batch_size=a.batch_size, seconds=dict(train_step=step, validation_eval=t_valid, fig2a_measure=t_var,
               test_bound=t_test, fig2b_reference=t_ref, fig2b_mse=t_mse), counts=dict(iterations=prm["iterations"],
               evals=n_eval, fig2a_points=n_var), extrapolated_total_s=total, extrapolated_total_min=total / 60)
    print(json.dumps(out, indent=1)); open(a.out, "w").write(json.dumps(out, indent=1))

if __name__ == "__main__": main()
