"""The Reproduction page of the documentation site (tooling for `tools/build_docs.py`; not installed).

For each claim of the paper: the paper's statement (Tables 1 and 2 read from the package's `paper_results.csv`, the
file the report reads too), then ours. Ours is the Markdown report `results/reports/<experiment>/report.md` that
`gumbel-rao report` writes, when one is committed, else a summary of the committed cpu-scale run
`results/<experiment>/cpu/` (figures, README, `metrics.json`), else "not yet reproduced".
"""
from __future__ import annotations
import csv, json, re
from pathlib import Path
from doc_pages import LINK

__all__ = ["paper_table", "CLAIMS", "flatten_metrics", "records_table", "run_dir", "report_path", "reproduction_cells"]


def _fmt(v) -> str:
    "A value as table text: floats with 4 significant digits."
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _pivot_md(rows: list, row_key: str, col_keys: tuple, col_label) -> str:
    "A markdown table of `rows` (dicts with `value`, shown to 1 decimal as in the paper): one row per `row_key`, one column per `col_keys` combination."
    cols = list(dict.fromkeys(tuple(r[k] for k in col_keys) for r in rows))
    cells = {(r[row_key], tuple(r[k] for k in col_keys)): r["value"] for r in rows}
    lines = ["| estimator | " + " | ".join(col_label(*c) for c in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name in dict.fromkeys(r[row_key] for r in rows):
        lines.append(f"| {name} | " + " | ".join(f"{cells[name, c]:.1f}" if (name, c) in cells else "" for c in cols) + " |")
    return "\n".join(lines)


def paper_table(table: int, # 1 (ListOps) or 2 (discrete VAE)
               ) -> str:
    "The paper's Table 1 or 2 as markdown, from `gumbel_rao.data.paper.paper_results` (the package's CSV)."
    from gumbel_rao.data.paper import paper_results
    rows = paper_results(table)
    if table == 1:
        return _pivot_md(rows, "label", ("max_len", "tau"), lambda n, t: f"L≤{n} τ={_fmt(t)}")
    return _pivot_md(rows, "label", ("arity", "batch_size"), lambda a, b: f"{a}-ary B={b}")


def _claim(id, title, experiments, paper, reports=None) -> dict:
    "One claim of the paper: an anchor, a title, the experiments that test it, what the paper says, the reports that show it."
    return dict(id=id, title=title, experiments=experiments, paper=paper, reports=reports or experiments)


CLAIMS = [
    _claim("fig1", "Fig. 1: toy problem on the simplex", ["toy"],
           r"Minimise $(p-c)^\top Q (p-c)$ over the simplex ($n=3$, $Q_{ij}=e^{-2|i-j|}$, $c_i=1/3$). "
           r"The difference in $\log_{10}$ trace of the gradient covariance, ST-GS minus GR-MC1000, is positive "
           r"everywhere on the simplex at three temperatures, largest near the corners and edges and at low $\tau$."),
    _claim("props12", "Props. 1-2: GR-MCK never has a larger MSE than ST-GS", ["atlas", "toy"],
           r"$\mathrm{MSE}(\text{GR-MC}K) \le \mathrm{MSE}(\text{ST-GS})$ for every $K \ge 1$ "
           r"(Rao-Blackwellization over the noise given the sample $D$)."),
    _claim("prop3", "Prop. 3: minibatch variance and the value of K", ["atlas", "toy"],
           r"For a minibatch of $B$: $\mathrm{var} = \mathbb E[\mathrm{var}(\text{ST-GS}\mid D)]/(BK) + "
           r"\mathrm{var}(\text{GR})/B$, so the gains are largest at small batch sizes and saturate in $K$."),
    _claim("table1", "Table 1: ListOps with a Gumbel Tree-LSTM", ["listops"], lambda: (
           "Best test accuracy (%), selected on validation, by maximum length $L$ and temperature $\\tau$:\n\n"
           + paper_table(1))),
    _claim("table2", "Table 2: discrete VAE on binarized MNIST", ["vae"], lambda: (
           "Best test bound on $-\\log p(x)$ (nats, 5000 importance samples), selected on validation, by arity "
           "and batch size $B$:\n\n" + paper_table(2))),
    _claim("fig2", "Fig. 2: VAE gradient variance, MSE against temperature, speed of training", ["vae"],
           r"(a) $\log_{10}$ trace of the gradient covariance along training, ST-GS above GR-MC{10,100,1000}; "
           r"(b) $\log_{10}$ MSE of the gradient against $\tau$ (best average $\tau$: 0.65 for ST-GS, 0.35 for "
           r"GR-MC1000); (c) fewer iterations to reach validation-ELBO thresholds with GR-MCK.", ["vae_fig2", "vae"]),
]


def flatten_metrics(d: dict, # parsed `metrics.json`
                    prefix: str = "", # key prefix for nested dictionaries
                   ) -> tuple[dict, dict]:
    "Scalars of a nested metrics dict as `{'a.b': text}`, and its lists of records as `{'a.c': [dict, ...]}`."
    scalars, tables = {}, {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            s, t = flatten_metrics(v, key + ".")
            scalars.update(s); tables.update(t)
        elif isinstance(v, (int, float, str, bool)) or v is None: scalars[key] = _fmt(v)
        elif isinstance(v, list) and v and all(isinstance(r, dict) for r in v): tables[key] = v
        elif isinstance(v, list) and len(v) <= 8 and all(isinstance(x, (int, float, str, bool)) for x in v):
            scalars[key] = ", ".join(_fmt(x) for x in v)
    return scalars, tables


def records_table(rows: list, # list of dicts, e.g. pandas `to_dict("records")`
                  max_rows: int = 60, # rows shown at most
                 ) -> str:
    "A markdown table of a list of records (columns in first-seen order)."
    cols = list(dict.fromkeys(k for r in rows for k in r))
    cell = lambda v: _fmt(v).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(r.get(c, "")) for c in cols) + " |" for r in rows[:max_rows]]
    if len(rows) > max_rows: lines.append(f"\n*{len(rows) - max_rows} more rows in `metrics.json`.*")
    return "\n".join(lines)


def run_dir(results: Path, # the results folder
            exp: str, # an experiment name, e.g. `toy`
           ) -> Path | None:
    "The committed cpu-scale run `results/<exp>/cpu/`, if it holds metrics, figures or tables."
    d = Path(results) / exp / "cpu"
    return d if d.is_dir() and any(any(d.glob(g)) for g in ("metrics.json", "*.png", "*.csv")) else None


def report_path(results: Path, # the results folder
                name: str, # an experiment (or report) name
               ) -> Path | None:
    "The committed report `results/reports/<name>/report.md` that `gumbel-rao report` writes, if any."
    p = Path(results) / "reports" / name / "report.md"
    return p if p.is_file() else None


def _run_summary(d: Path) -> str:
    "Scale and date of a committed run (the first date in its README.md)."
    readme = (d / "README.md").read_text(encoding="utf-8") if (d / "README.md").is_file() else ""
    date = re.search(r'\d{4}-\d{2}-\d{2}', readme)
    return f"cpu scale, {date.group(0)}" if date else "cpu scale"


def _embed(md: str, rel: str, by: int) -> str:
    "Markdown of a file shown inside the page: its title dropped, headings `by` levels deeper, relative links under `rel`."
    md = re.sub(r'^#\s+.*\n?', '', md, count=1)
    md = re.sub(r'^(#{1,4})(\s)', lambda m: "#" * min(6, len(m.group(1)) + by) + m.group(2), md, flags=re.M)
    absolute = re.compile(r'^[a-zA-Z][a-zA-Z0-9+.-]*:|^/|^#')
    return LINK.sub(lambda m: m.group(0) if absolute.match(m.group(2)) else
                    f"{m.group(1)}{rel}/{m.group(2)}{m.group(3) or ''})", md).strip()


def _metrics_md(d: Path, label: str) -> str | None:
    "All numbers of a run's `metrics.json` (or its CSV tables), folded so the figures stay in view."
    if not (d / "metrics.json").is_file():
        tables = []
        for f in sorted(d.glob("*.csv")):
            with open(f, newline="", encoding="utf-8") as fh: rows = list(csv.DictReader(fh))
            if rows: tables.append(f"<details><summary><code>{label}/{f.name}</code> ({len(rows)} rows)</summary>\n\n"
                                   + records_table(rows, max_rows=40) + "\n\n</details>")
        return "\n\n".join(tables) or None
    try: metrics = json.loads((d / "metrics.json").read_text(encoding="utf-8"))
    except json.JSONDecodeError as e: metrics = {"error": f"metrics.json does not parse: {e}"}
    scalars, tables = flatten_metrics(metrics if isinstance(metrics, dict) else {"value": metrics})
    body = ["| metric | value |\n|---|---|\n" + "\n".join(f"| `{k}` | {v.replace('|', chr(92) + '|')} |"
                                                      for k, v in list(scalars.items())[:200])] if scalars else []
    body += [f"**`{k}`**\n\n" + records_table(rows) for k, rows in tables.items()]
    return (f"<details><summary>All numbers in <code>{label}/metrics.json</code> ({len(scalars)} values, "
            f"{len(tables)} table{'' if len(tables) == 1 else 's'})</summary>\n\n" + "\n\n".join(body)
            + "\n\n</details>") if body else None


def _experiment_md(results: Path, exp: str, blob_url: str = "") -> str:
    "Figures, README and numbers of the committed run of `exp`, linked as seen from `nbs/`."
    d, label = run_dir(results, exp), f"{results.name}/{exp}/cpu"
    parts = [f"![{png.stem}](../{label}/{png.name})" for png in sorted(d.glob("*.png"))]
    if blob_url: parts += [f"Executed notebook: [`{label}/{nb.name}`]({blob_url}/{label}/{nb.name})" for nb in sorted(d.glob("*.ipynb"))]
    if (d / "README.md").is_file(): parts.append(_embed((d / "README.md").read_text(encoding="utf-8"), f"../{label}", 3))
    parts.append(_metrics_md(d, label) or "")
    return "\n\n".join(p for p in parts if p)


def _report_md(results: Path, name: str) -> str:
    "The committed report of `name`, its title in italics, headings under the claim's, links as seen from `nbs/`."
    text = report_path(results, name).read_text(encoding="utf-8")
    title = re.match(r'#\s+(.*)', text)
    return (f"*{title.group(1).strip()}*\n\n" if title else "") + _embed(text, f"../{results.name}/reports/{name}", 2)


def _evidence(claim: dict, results: Path) -> tuple[str | None, str | None]:
    "The first of the claim's reports that is committed, and the first of its experiments with a committed cpu run (or `None`s)."
    return (next((r for r in claim["reports"] if report_path(results, r)), None),
            next((e for e in claim["experiments"] if run_dir(results, e)), None))


def _ours(claim: dict, results: Path, shown: dict, blob_url: str) -> str:
    "The 'Ours' part of a claim: its report, else its committed run (once per page), else 'not yet reproduced'."
    exps, (report, run) = claim["experiments"], _evidence(claim, results)
    if report: key, what = ("report", report), f"the report `{results.name}/reports/{report}/report.md`"
    elif run: key, what = ("run", run), f"`{results.name}/{run}/cpu/` ({_run_summary(run_dir(results, run))})"
    else: return "**Ours.** Not yet reproduced: no committed run under " + ", ".join(f"`results/{e}/cpu/`" for e in exps) + "."
    if key in shown: return f"**Ours.** From {what}, shown under [{shown[key][0]}](#{shown[key][1]}) above."
    shown[key] = (claim["title"], claim["id"])
    body = _report_md(results, report) if report else _experiment_md(results, run, blob_url)
    return f"**Ours** ({what}).\n\n{body}"


def _status_row(claim: dict, results: Path) -> str:
    "One row of the status table: the claim, where our result comes from, and whether it exists."
    report, run = _evidence(claim, results)
    where = (f"`results/reports/{report}/report.md`" if report else
             f"`results/{run}/cpu/` ({_run_summary(run_dir(results, run))})" if run else "none")
    status = "report committed" if report else "run committed" if run else "**not yet reproduced**"
    return f"| [{claim['title']}](#{claim['id']}) | {where} | {status} |"


def reproduction_cells(results_path: str | Path = "results", # folder with `<experiment>/cpu/` runs and `reports/`
                       claims: list | None = None, # claims to list; default `CLAIMS`
                       blob_url: str = "", # repository blob URL, to link the executed notebooks of the runs
                      ) -> list[str]:
    "Markdown cells of the Reproduction page: a status table, each claim with the paper's and our results, other results."
    results, claims = Path(results_path), CLAIMS if claims is None else claims
    cells = ["# Reproduction\n\n> What the paper claims, what our committed runs measured, and what is not reproduced "
             "yet. Generated from `results/reports/` and `results/<experiment>/cpu/` each time the site is built.",
             "| claim | our result | status |\n|---|---|---|\n" + "\n".join(_status_row(c, results) for c in claims)]
    shown = {}
    for c in claims:
        paper = c["paper"]() if callable(c["paper"]) else c["paper"]
        cells.append(f'<a id="{c["id"]}"></a>\n\n## {c["title"]}\n\n**Paper.** {paper}\n\n'
                     + _ours(c, results, shown, blob_url))
    names = sorted(p.name for p in results.iterdir()) if results.is_dir() else []
    reports = sorted(p.parent.name for p in (results / "reports").glob("*/report.md")
                     if not any(p.parent.name in c["reports"] for c in claims))
    runs = [n for n in names if n != "reports" and run_dir(results, n) and not any(n in c["experiments"] for c in claims)]
    if reports or runs:
        cells.append("## Other committed results\n\n" + "\n\n".join(
            [f"### Report `{n}`\n\n" + _report_md(results, n) for n in reports]
            + [f"### `{n}`\n\n" + _experiment_md(results, n, blob_url) for n in runs]))
    return cells
