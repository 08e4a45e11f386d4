"""The Reproduction page of the documentation site (tooling for `tools/build_docs.py`; not installed).

Assembled from the committed reports under `results/reports/` only (each written by `gumbel-rao report` from a sweep's
store): the status table of every claim of the paper with our verdicts (`gumbel_rao.pipeline.claims.status_markdown`), then
each claim with the paper's statement and numbers (`gumbel_rao.data.paper`), our verdicts and evidence
(`claims.csv`), and the tables and figures of the report that tests it. Reports that test no claim of the paper (our
ablations) follow in full. No number on this page is typed: each comes from a committed data file.
"""
from __future__ import annotations
import re
from pathlib import Path
from gumbel_rao.data.paper import paper_claims, paper_results
from gumbel_rao.pipeline.claims import committed_claims, status_markdown
from gumbel_rao.pipeline.report import embed_report

__all__ = ["paper_table", "CLAIM_SECTIONS", "report_sections", "reproduction_cells"]


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


def reproduction_cells(results_path: str | Path = "results", # folder with `reports/<name>/`
                       blob_url: str = "", # repository blob URL, to link each report's data
                      ) -> list[str]:
    "Markdown cells of the Reproduction page: the status table, each claim with the paper's and our results, our ablations."
    reports = Path(results_path) / "reports"
    rel = f"../{Path(results_path).name}/reports"
    claims = committed_claims(reports)
    cells = ["# Reproduction\n\n> Each claim of the paper beside our evidence and a verdict computed from it. Assembled from "
             "the committed reports under `results/reports/` each time the site is built: every number here comes from "
             "their data files (`runs.csv`, `claims.csv`, the records behind the figures).",
             status_markdown(reports, link="")]
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
