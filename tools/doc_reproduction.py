"""The Reproduction page of the documentation site (tooling for `tools/build_docs.py`; not installed).

Assembled from the committed reports under `results/reports/` only (each written by `gumbel-rao report` from a sweep's
store): the coverage map of Tables 1 and 2 and the claim scorecard, then each claim with the paper's statement and
numbers (`gumbel_rao.data.paper`), our verdicts and evidence (`claims.csv`), and the tables and figures of the report that tests it. Reports that test no claim of the paper (our
ablations) follow in full. No number on this page is typed: each comes from a committed data file.
"""
from __future__ import annotations
import re
from pathlib import Path
from gumbel_rao.data.paper import paper_claims, paper_results
from gumbel_rao.pipeline.claims import committed_claims
from gumbel_rao.pipeline.report import embed_report

__all__ = ["paper_table", "CLAIM_SECTIONS", "report_sections", "coverage_grid", "coverage_map", "scorecard_markdown",
           "reproduction_cells"]

# The paper's two tables as grids: the report holding our numbers, its metric column, the grid's column keys and labels,
# the unit, the factor from the report's value to the paper's unit, and whether higher is better.
COVERAGE = {
    1: dict(report="listops", metric="test accuracy", keys=("max_len", "tau"), unit="points of test accuracy (%)",
            scale=100.0, higher_better=True, label=lambda n, t: f"L ≤ {n}\nτ = {t:g}",
            title="Table 1, ListOps: test accuracy (%)"),
    2: dict(report="vae", metric="test -log p(x)", keys=("arity", "batch_size"), unit="nats of test −log p(x)",
            scale=1.0, higher_better=False, label=lambda a, b: f"arity {a}\nB = {b}",
            title="Table 2, discrete VAE: test −log p(x) (nats, lower is better)"),
}


def _pivot_md(rows: list, col_keys: tuple, col_label) -> str:
    "A markdown table of the paper's `rows`: one row per estimator, one column per `col_keys` combination, 1 decimal."
    cols = list(dict.fromkeys(tuple(r[k] for k in col_keys) for r in rows))
    cells = {(r["label"], tuple(r[k] for k in col_keys)): r["value"] for r in rows}
    lines = ["| estimator | " + " | ".join(col_label(*c) for c in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name in dict.fromkeys(r["label"] for r in rows):
        lines.append(f"| {name} | " + " | ".join(f"{cells[name, c]:.1f}" if (name, c) in cells else "" for c in cols) + " |")
    return "\n".join(lines)


def paper_table(table: int, # 1 (ListOps) or 2 (discrete VAE)
               ) -> str:
    "The paper's Table 1 or 2 as markdown, from the package's `paper_results.csv` (the file the report reads too)."
    if table == 1: return _pivot_md(paper_results(1), ("max_len", "tau"), lambda n, t: f"L ≤ {n}, τ = {t:g}")
    return _pivot_md(paper_results(2), ("arity", "batch_size"), lambda a, b: f"arity {a}, B = {b}")


# For each claim of the paper: the report that tests it, and the parts of that report shown under the claim
# (headings of its sections, and file names of its figures).
CLAIM_SECTIONS = dict(
    fig1=("toy", [], ["fig1.png"]),
    props12=("toy", [], []),
    prop3=("vae", [], ["prop3.png"]),
    table1=("listops", ["Table 1 of the paper"], ["curves.png", "trees.png"]),
    table2=("vae", ["Table 2 of the paper"], []),
    fig2=("vae", [], ["fig2a.png", "fig2b.png", "fig2c.png"]),
)


def report_sections(folder: Path, # a committed report folder
                    headings: list, # starts of the `##` headings to keep
                    figures: list, # file names of the figures to keep
                    base: str, # prefix of its relative links, as seen from the page
                   ) -> str:
    "The sections of a report whose `##` heading starts with one of `headings`, and the figures named, with their captions."
    parts = re.split(r"(?m)^(?=## )", embed_report(folder, base, by=0))
    kept = [p.strip() for p in parts if any(p.startswith(f"## {h}") for h in headings)]
    for f in figures:
        m = re.search(rf"!\[([^\]]*)\]\(([^)]*/{re.escape(f)})\)", "\n".join(parts))
        if m: kept.append(f"![{m.group(1)}]({m.group(2)})\n\n*{m.group(1)}*")
    return "\n\n".join(re.sub(r"(?m)^## ", "#### ", k) for k in kept)


def _verdicts_md(rows) -> str:
    "Our verdicts for one claim as a table."
    return "| our check | verdict | evidence |\n|---|---|---|\n" + "\n".join(
        f"| {r.title} | **{r.verdict}**{_note(r)} | {r.evidence} |" for r in rows.itertuples())


def _note(row) -> str:
    "The part of a claim not measured or contradicting (claims.csv's `not_measured`), in brackets; empty when none."
    note = getattr(row, "not_measured", "")
    return f" ({note})" if isinstance(note, str) and note else ""


def coverage_grid(table: int, # 1 (ListOps) or 2 (discrete VAE)
                  reports: Path, # folder of the committed report folders
                 ) -> tuple[list, list, dict, dict]:
    "Rows (estimator labels), columns (key tuples) of the paper's `table`, the paper's values and ours by (row, column)."
    import pandas as pd
    spec, paper = COVERAGE[table], paper_results(table)
    cols = list(dict.fromkeys(tuple(r[k] for k in spec["keys"]) for r in paper))
    rows = list(dict.fromkeys(r["label"] for r in paper))
    label = {r["estimator"]: r["label"] for r in paper}
    theirs = {(r["label"], tuple(r[k] for k in spec["keys"])): float(r["value"]) for r in paper}
    ours, best = {}, Path(reports) / spec["report"] / "best.csv"
    if best.is_file():
        df = pd.read_csv(best)
        if spec["metric"] in df:
            for r in df.dropna(subset=[spec["metric"]]).to_dict("records"):
                key = (label.get(r["estimator"]), tuple(type(c)(r[k]) for c, k in zip(cols[0], spec["keys"])))
                if key in theirs: ours[key] = float(r[spec["metric"]]) * spec["scale"]
    return rows, cols, theirs, ours


def coverage_map(reports: str | Path, # folder of the committed report folders
                 path: str | Path, # the PNG to write
                ) -> Path:
    """Draw the paper's Tables 1 and 2 as grids: each cell coloured by ours minus the paper's in the table's unit (blue:
    better than the paper; a diverging scale centred at 0), grey where not run, our value and the difference written in it."""
    import matplotlib; matplotlib.use("Agg")
    import matplotlib.pyplot as plt, numpy as np
    from matplotlib.colors import TwoSlopeNorm
    fig, axes = plt.subplots(2, 1, figsize=(9.6, 7.6), dpi=110, gridspec_kw=dict(height_ratios=[4, 7]))
    for ax, table in zip(axes, (1, 2)):
        spec = COVERAGE[table]
        rows, cols, theirs, ours = coverage_grid(table, Path(reports))
        diff = np.full((len(rows), len(cols)), np.nan)
        for (r, c), v in ours.items(): diff[rows.index(r), cols.index(c)] = v - theirs[r, c]
        span = min(10.0, max(1.0, float(np.nanmax(np.abs(diff))))) if np.isfinite(diff).any() else 1.0   # ±10 saturates
        cmap = plt.get_cmap("RdBu" if spec["higher_better"] else "RdBu_r").with_extremes(bad="#d9d9d9")
        im = ax.imshow(np.ma.masked_invalid(diff), cmap=cmap, norm=TwoSlopeNorm(0.0, -span, span), aspect="auto")
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                if (r, c) in ours:
                    strong = abs(diff[i, j]) > 0.6 * span
                    ax.text(j, i, f"{ours[r, c]:.1f}\n({diff[i, j]:+.1f})", ha="center", va="center", fontsize=10,
                            color="white" if strong else "black")
                else: ax.text(j, i, "not run", ha="center", va="center", fontsize=9, color="#6b6b6b")
        ax.set_xticks(range(len(cols)), [spec["label"](*c) for c in cols], fontsize=10)
        ax.set_yticks(range(len(rows)), rows, fontsize=10)
        ax.set_title(f"{spec['title']}: {len(ours)} of {len(rows) * len(cols)} cells run", fontsize=12, loc="left")
        ax.tick_params(length=0)
        bar = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.015, extend="both")
        bar.set_label(f"ours − paper\n({spec['unit'].split(' of ')[0]}; blue: better)", fontsize=10)
        bar.ax.tick_params(labelsize=9)
    fig.tight_layout()
    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None}); plt.close(fig)
    return path


def scorecard_markdown(reports: Path, # folder of the committed report folders
                       rel: str, # the reports' folder as linked from the page, e.g. `../results/reports`
                      ) -> str:
    "The claim scorecard: each claim of the paper (linked to its section), each of our checks, its verdict and its data."
    claims, rows = committed_claims(reports), []
    for c in paper_claims():
        mine = claims[claims.paper_claim == c["id"]]
        rows += [f"| [{c['title']}](#{c['id']}) | {r.title} | **{r.verdict}** | "
                 f"[`{r.report}/claims.csv`]({rel}/{r.report}/claims.csv) |" for r in mine.itertuples()] \
            or [f"| [{c['title']}](#{c['id']}) | | **not run** | |"]
    known = {c["id"] for c in paper_claims()}
    rows += [f"| beyond the paper | {r.title} | **{r.verdict}** | [`{r.report}/claims.csv`]({rel}/{r.report}/claims.csv) |"
             for r in claims[~claims.paper_claim.isin(known)].itertuples()]
    return ("## Claim scorecard\n\n| the paper's claim | our check | verdict | data |\n|---|---|---|---|\n" + "\n".join(rows))


def reproduction_cells(results_path: str | Path = "results", # folder with `reports/<name>/`
                       blob_url: str = "", # repository blob URL, to link each report's data
                       coverage: str | None = None, # the coverage map's path as linked from the page; `None`: no map
                      ) -> list[str]:
    "Markdown cells of the Reproduction page: the coverage map, the claim scorecard, each claim with the paper's and our results, our ablations."
    reports = Path(results_path) / "reports"
    rel = f"../{Path(results_path).name}/reports"
    claims = committed_claims(reports)
    intro = ("# Reproduction: Table 1, Table 2, Figs. 1-2\n\n> Each claim of the paper beside our evidence and a verdict "
             "computed from it, assembled from the committed reports under `results/reports/` each time the site is built.")
    if coverage:
        intro += (f"\n\n![Coverage map: the paper's Tables 1 and 2, each cell coloured by ours minus the paper's]({coverage})"
                  "\n\n*The paper's Table 1 (ListOps, test accuracy) and Table 2 (discrete VAE, test −log p(x)) as grids: "
                  "our value in each cell run, the difference from the paper's in brackets, blue where ours is better "
                  "(for Table 2, lower), grey where not run. Click to enlarge.*")
    cells = [intro, scorecard_markdown(reports, rel)]
    for c in paper_claims():
        name, headings, figures = CLAIM_SECTIONS[c["id"]]
        paper = c["statement"]
        if c["id"] in ("table1", "table2"): paper += "\n\n" + paper_table(int(c["id"][-1]))
        mine = claims[claims.paper_claim == c["id"]]
        body = f'<a id="{c["id"]}"></a>\n\n## {c["title"]}\n\n**Paper.** {paper}\n\n'
        if not len(mine) or not (reports / name / "report.md").is_file():
            body += f"**Ours.** Not run: no committed report `results/reports/{name}/` tests this claim."
        else:
            data = f" ([data]({blob_url}/results/reports/{name}))" if blob_url else ""
            body += (f"**Ours**, from the report `results/reports/{name}/`{data}.\n\n" + _verdicts_md(mine) + "\n\n"
                     + report_sections(reports / name, headings, figures, f"{rel}/{name}"))
        cells.append(body.strip())
    tested = {s[0] for s in CLAIM_SECTIONS.values()}
    others = [p.parent.name for p in sorted(reports.glob("*/report.md")) if p.parent.name not in tested]
    if others:
        cells.append("## Beyond the paper\n\nOur ablations, in full.\n\n" + "\n\n".join(
            f"### Report `{n}`\n\n" + embed_report(reports / n, f"{rel}/{n}", by=2) for n in others))
    return cells
