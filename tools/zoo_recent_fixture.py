"""Write nbs/fixtures/zoo_recent_authors.json: the authors' ReinMax-Rao, ReinMax-CV and MVE gradients on fixed inputs.

Runs the authors' own functions, from checkouts of their repositories given on the command line (outside this
repository; they carry no licence and are not copied here), in float64 with their random draws replaced by given
values: `torch.Tensor.exponential_` returns queued exponentials and `torch.multinomial` a given sample. Usage:

    python tools/zoo_recent_fixture.py WANG_BUI_CHECKOUT HOOPER_SHEKHOVTSOV_CHECKOUT [OUT]

WANG_BUI_CHECKOUT holds `reinmax_v2.py` and `reinmax_jacobians.py` (github:danielwang0452/DiscreteNumericalMethodsASC),
HOOPER_SHEKHOVTSOV_CHECKOUT holds `Gradient_estimators.py`
(github:James-Hooper123/Generalized-and-Optimal-Straight-Through-Estimators). A checkout that is not a git work tree
may hold a file `COMMIT` with the commit id the files came from.
"""
import json, subprocess, sys, types
from pathlib import Path
import torch

def commit_of(folder):
    "The commit the files in `folder` came from: its git HEAD, else the first word of its file COMMIT."
    try: return subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                               check=True).stdout.strip()
    except subprocess.CalledProcessError: return (Path(folder) / "COMMIT").read_text().split()[0]

class Draws:
    "Stand-ins for torch's samplers: `exponential_` fills from a queue, `multinomial` returns a given sample."
    def __init__(self): self.queue, self.sample = [], None
    def exponential_(self, tensor, *args, **kwargs): return tensor.copy_(self.queue.pop(0))
    def multinomial(self, probs, num_samples, replacement=False): return self.sample.clone()

def main(wang, hooper, out):
    torch.set_default_dtype(torch.float64)
    draws = Draws()
    torch.Tensor.exponential_ = lambda t, *a, **k: draws.exponential_(t, *a, **k)
    torch.multinomial = draws.multinomial
    sys.path[:0] = [str(wang), str(hooper)]
    import reinmax_v2, reinmax_jacobians, Gradient_estimators
    gen = torch.Generator().manual_seed(2026)
    shape, repeats, tau, eta = (2, 3, 5), 100, 0.7, 0.7           # (B, L, C); the released code's K is 100
    logits = 1.5 * torch.randn(shape, generator=gen)
    g = torch.randn(shape, generator=gen)
    forward_u = torch.rand(shape, generator=gen)
    uniforms = torch.rand(shape + (repeats,), generator=gen)      # (B, L, C, K): the GR term's draws, E = -log U
    forward_e, backward_e = -forward_u.log(), -uniforms.log()

    # ReinMax-CV as released: the forward pass draws G = -log E, D = argmax(theta + G); the backward pass K exponentials
    draws.queue = [forward_e, backward_e]
    t = logits.clone().requires_grad_()
    d, _ = reinmax_jacobians.ReinMaxCore_v2_jacobian.apply(t, t.new_empty(1).fill_(tau),
                                                           types.SimpleNamespace(eta=eta), "reinmax_cv")
    (d.view(shape) * g).sum().backward()
    cv_grad, sample_index = t.grad.clone(), d.argmax(-1).view(shape[:-1])

    # ReinMax-Rao (reinmax_v2, "gumbel_ST"): the same sample and the same K exponentials
    draws.queue, draws.sample = [backward_e], sample_index.reshape(-1, 1)
    t = logits.clone().requires_grad_()
    d, _ = reinmax_v2.ReinMaxCore_v2.apply(t, t.new_empty(1).fill_(tau), None, "gumbel_ST")
    (d.view(shape) * g).sum().backward()
    rao_grad = t.grad.clone()

    # MVE(lambda) on (B, n) logits with a given sample
    mve_logits, mve_g = torch.randn(6, 5, generator=gen), torch.randn(6, 5, generator=gen)
    mve_index = (mve_logits - torch.log(-torch.log(torch.rand(6, 5, generator=gen)))).argmax(-1)   # Gumbel-max
    lambdas, mve_grads = [0.0, 0.5, 3.0, 100.0], []
    for lam in lambdas:
        t = mve_logits.clone().requires_grad_()
        z = torch.nn.functional.one_hot(mve_index, 5).double()
        (Gradient_estimators.MVE(t, z, lam) * mve_g).sum().backward()
        mve_grads.append(t.grad.tolist())

    fixture = dict(wang_bui_commit=commit_of(wang), hooper_shekhovtsov_commit=commit_of(hooper),
                   note="written by tools/zoo_recent_fixture.py from the authors' functions; float64",
                   tau=tau, eta=eta, logits=logits.tolist(), g=g.tolist(), sample_index=sample_index.tolist(),
                   forward_gumbel=(-forward_e.log()).tolist(), uniforms=uniforms.tolist(),
                   reinmax_rao_grad=rao_grad.tolist(), reinmax_cv_grad=cv_grad.tolist(),
                   mve_lambdas=lambdas, mve_logits=mve_logits.tolist(), mve_g=mve_g.tolist(),
                   mve_sample_index=mve_index.tolist(), mve_grad=mve_grads)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(fixture) + "\n")
    print(f"wrote {out}")

if __name__ == "__main__":
    if len(sys.argv) not in (3, 4): sys.exit(__doc__)
    out = sys.argv[3] if len(sys.argv) == 4 else "nbs/fixtures/zoo_recent_authors.json"
    main(Path(sys.argv[1]), Path(sys.argv[2]), out)
