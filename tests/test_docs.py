"""The documentation site (`tools/build_docs.py`): built from the committed notebooks and results into a temporary
folder, then read back.

Checks what a reader needs: a page for every notebook (in nbdev order in the navigation), every display cell with its
output (a display cell is defined by `doc_pages.is_display_cell`), internal links and images that resolve, math handed
to a local MathJax, no traceback and no leftover nbdev/Quarto markup; a committed `docs/` equal to a fresh build; and a
Reproduction page that lists every claim of the paper with the paper's numbers read from `paper_results.csv`, our
verdicts as the committed data gives them, and no number that is not in a committed data file.
"""
import json, re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocs_jupyter")
from conftest import NBS, ROOT  # noqa: E402
import build_docs, doc_pages, doc_reproduction  # noqa: E402
from doc_pages import is_display_cell, empty_display_cells, page_name  # noqa: E402

NOTEBOOKS = [p.name for p in doc_pages.list_notebooks(NBS)]


class _Page(HTMLParser):
    "Links, ids and visible text of one HTML page."
    def __init__(self):
        super().__init__()
        self.links, self.ids, self.text, self._skip = [], set(), [], 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.ids.update(a[k] for k in ("id", "name") if a.get(k))
        if tag in ("a", "img", "link", "script", "iframe", "source"):
            self.links += [(tag, a[k]) for k in ("href", "src") if a.get(k) is not None]
        if tag in ("script", "style"): self._skip += 1
    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip: self._skip -= 1
    def handle_data(self, data):
        if not self._skip: self.text.append(data)


@pytest.fixture(scope="module")
def site(built_site):
    out, result = built_site["out"], built_site
    pages = {}
    for p in out.glob("*.html"):
        parsed = _Page(); parsed.feed(p.read_text(encoding="utf-8"))
        pages[p.name] = parsed
    return out, pages, result


def test_display_cells_are_defined_precisely():
    for src in ("df", "best_pivot(res['best'])", "x = 1\nx.shape", "for f in figs: display(Image(f))", "plt.show()",
                "#| echo: false\nshow_doc(f)", "print(f'{x:.3f}')", "if ok:\n    print(x)"):
        assert is_display_cell(src), src
    for src in ("x = 1", "test_eq(f(1), 2)", "#| hide\ndf", "#| export\ndef f(): return 1\nf", "plt.plot(x);",
                "import torch", "def f():\n    print(1)", "loss.backward()", "plt.close('all')", "%time f()", ""):
        assert not is_display_cell(src), src
    cell = lambda src, outputs: {"cell_type": "code", "source": src, "outputs": outputs}
    bar = {"output_type": "stream", "name": "stderr", "text": "100%|####| 3/3 [00:01<00:00,  2.9it/s]\n"}
    fig = {"output_type": "display_data", "data": {"text/plain": "<Figure size 640x480 with 1 Axes>"}}
    table = {"output_type": "execute_result", "data": {"text/html": "<table></table>", "text/plain": "t"}}
    nb = {"cells": [cell("df", []), cell("run()", [bar]), cell("plt.show()", [fig]), cell("df", [table]), cell("x = 1", [])]}
    assert empty_display_cells(nb) == ["df", "run()", "plt.show()"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_display_cell_renders_empty(site, name):
    "The page of each notebook shows the output of every cell that exists to show something."
    out, pages, result = site
    empty = empty_display_cells(result["notebooks"][page_name(name)])
    assert not empty, f"{name}: display cells without output (run tools/execute_in_place.py on it): {empty}"


def test_committed_docs_equal_a_fresh_build(site):
    "docs/ is what the sources build to (the build is deterministic): no page can be stale."
    out = site[0]
    fresh = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    committed = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*") if p.is_file()}
    assert fresh == committed, f"files differ: {sorted(fresh ^ committed)[:20]}; run python tools/build_docs.py"
    stale = [f for f in sorted(fresh) if (out / f).read_bytes() != (ROOT / "docs" / f).read_bytes()]
    assert not stale, f"stale pages in docs/ (run python tools/build_docs.py): {stale[:20]}"


def test_every_api_reference_renders(site):
    bad = [w for w in site[2]["warnings"] if "API reference is omitted" in w]
    assert not bad, "\n".join(bad)


def test_every_notebook_has_a_page_in_nbdev_order(site):
    out, pages, result = site
    assert NOTEBOOKS and {"index.html", "reproduction.html"} <= set(pages)
    assert all(page_name(n) in pages for n in NOTEBOOKS)
    nav = [v for t, v in pages["index.html"].links if t == "a" and v.endswith(".html")]
    order = [page_name(n) for n in NOTEBOOKS if n != "index.ipynb"]
    first = [nav.index(p) for p in order]                       # first appearance of each page in the sidebar
    assert first == sorted(first), f"navigation not in nbdev order: {order}"


def test_internal_links_resolve(site):
    out, pages, result = site
    no_reference = {page_name(w.split(":")[0]) for w in result["warnings"] if "API reference is omitted" in w}
    broken = []
    for name, page in pages.items():
        if name == "404.html": continue                     # served at the site root: links are absolute by design
        for tag, url in page.links:
            u = urlsplit(url)
            if u.scheme or url.startswith("//") or not (u.path or u.fragment): continue
            target = (out / name).parent / unquote(u.path) if u.path else out / name
            if u.path.endswith("/"): target = target / "index.html"
            if not target.exists(): broken.append(f"{name}: <{tag}> {url}"); continue
            if u.fragment and target.name in pages and target.name not in no_reference \
                    and unquote(u.fragment) not in pages[target.name].ids:
                broken.append(f"{name}: <{tag}> {url} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken[:40])


def _has_math(nb: Path) -> bool:
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    return any(c["cell_type"] == "markdown" and re.search(r'\$[^$\n]+\$', "".join(c["source"])) for c in cells)


def test_math_is_rendered_by_local_mathjax(site):
    out, pages, result = site
    assert (out / "assets/mathjax/MathJax.js").is_file() and (out / "assets/mathjax/config/local/gumbel.js").is_file()
    with_math = [page_name(n) for n in NOTEBOOKS if _has_math(NBS / n)]
    assert with_math, "no notebook with math: the check would be empty"
    for name in with_math + ["reproduction.html"]:
        scripts = [v for t, v in pages[name].links if t == "script" and "MathJax.js" in v]
        assert scripts and not urlsplit(scripts[0]).scheme, f"{name}: MathJax is not loaded locally: {scripts}"
        assert (out / urlsplit(scripts[0]).path).is_file() and "local/gumbel" in scripts[0]
        assert 'type="text/x-mathjax-config"' in (out / name).read_text(encoding="utf-8")
        assert re.search(r'\$[^$\n]+\$', "".join(pages[name].text)), f"{name}: no TeX for MathJax"


def test_no_traceback_or_leftover_markup(site):
    problems = []
    for name, page in site[1].items():
        text = "".join(page.text)
        for pat, what in ((r"Traceback \(most recent call last\)", "a traceback"),
                          (r"(?m)^\s*#\|", "a directive line"), (r"(?m)^\s*:::", "a ::: fence"),
                          (r"(?m)^\s*output-file:", "raw front matter"), (r"(?m)^---\s*\ntitle:", "raw front matter"),
                          (r'\)\{target=', "a Quarto link attribute")):
            if re.search(pat, text): problems.append(f"{name}: {what}")
    assert not problems, "\n".join(problems)


def test_command_line_rejects_bad_input(tmp_path):
    assert build_docs.main(["--nbs", str(tmp_path / "missing"), "--out", str(tmp_path / "site")]) == 2
    assert build_docs.main(["--nbs", str(NBS), "--out", str(ROOT)]) == 2          # never wipes the repository


def test_api_reference_and_source_links(site):
    out, pages, result = site
    html = (out / "estimators.html").read_text(encoding="utf-8")
    assert 'id="gumbel_rao"' in html and "# number of conditional Gumbel samples K" in html
    src = [v for t, v in pages["estimators.html"].links if t == "a" and "/blob/" in v and v.endswith(tuple("0123456789"))]
    assert any("gumbel_rao/estimators.py#L" in v for v in src), "no source links"


def test_experiment_page_shows_its_tables(site):
    "The atlas page shows the tables its run computes (pandas HTML tables)."
    assert 'class="dataframe"' in (site[0] / "exp.atlas.html").read_text(encoding="utf-8")


def _read_csv(path):
    import pandas as pd
    return pd.read_csv(path)


def test_reproduction_page_lists_every_claim_with_its_committed_verdicts(site):
    "Every claim of the paper has its section; each committed verdict is what the committed data gives, and is on the page."
    from gumbel_rao.data.paper import paper_claims
    from gumbel_rao.pipeline.report import ReportData
    from gumbel_rao.pipeline.claims import report_claims
    page = "".join(site[1]["reproduction.html"].text)
    for c in paper_claims(): assert c["title"] in page and c["id"] in site[1]["reproduction.html"].ids
    reports = sorted((ROOT / "results/reports").glob("*/report.json"))
    assert reports, "no committed report"
    for r in reports:
        data = ReportData.read(r.parent)
        fresh = report_claims(data)
        committed = _read_csv(r.parent / "claims.csv") if fresh else None
        assert not fresh or [(v["claim"], v["verdict"], v["evidence"]) for v in fresh] == \
            list(committed[["claim", "verdict", "evidence"]].fillna("").itertuples(index=False, name=None)), \
            f"{r.parent.name}: claims.csv is not what its data gives; run gumbel-rao report"
        for v in fresh: assert v["title"] in page and v["evidence"] in page, (r.parent.name, v["claim"])
    for c in paper_claims():
        rows = [v for r in reports if (r.parent / "claims.csv").stat().st_size > 1
                for v in _read_csv(r.parent / "claims.csv").to_dict("records") if v["paper_claim"] == c["id"]]
        if not rows: assert "Not run" in page.split(c["title"])[-1][:3000], c["id"]


_NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")


def _data_numbers() -> list:
    "Every number in the committed data files: each cell of the reports' and the paper's CSV files, the reports' JSON files."
    import csv
    texts = [f.read_text(encoding="utf-8") for f in (ROOT / "results/reports").rglob("*.json")]
    for f in [*(ROOT / "results/reports").rglob("*.csv"), *(ROOT / "gumbel_rao/data/files").glob("*.csv")]:
        with open(f, newline="", encoding="utf-8") as fh: texts += [cell for row in csv.reader(fh) for cell in row]
    return sorted({float(t.replace(",", "")) for text in texts for t in _NUMBER.findall(text)})


def _in_data(token: str, numbers: list) -> bool:
    "Whether `token` (as shown: '97.3', '1,000') is a data number rounded to the digits shown, or a percentage of one."
    import bisect
    x, digits = float(token.replace(",", "")), len(token.split(".")[1]) if "." in token and "e" not in token else 0
    for target, half in ((x, 0.5 * 10 ** -digits), (x / 100, 0.005 * 10 ** -digits)):
        i = bisect.bisect_left(numbers, target - half - 1e-12)
        if i < len(numbers) and numbers[i] <= target + half + 1e-12: return True
    return False


def test_numbers_on_the_reproduction_page_and_in_the_readme_status_come_from_data(site):
    "Each number on the Reproduction page (but the paper's own words) and in the README's status is in a committed data file."
    from gumbel_rao.data.paper import paper_claims
    numbers = _data_numbers()
    page = "".join(site[1]["reproduction.html"].text)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    status = readme.split("## Status of the reproduction", 1)[1].split("\n## ", 1)[0]
    page = re.sub(r"Paper\..*?(?=Ours)", "", page, flags=re.S)          # the paper's words and tables
    import configparser
    cfg = configparser.ConfigParser(); cfg.read(ROOT / "settings.ini")
    page = page.replace(cfg["DEFAULT"]["copyright"], "")                  # the site's footer
    for where, text in (("reproduction page", page), ("README status", status)):
        for c in paper_claims(): text = text.replace(c["title"], "")   # the titles of the paper's claims
        bad = sorted({t for t in _NUMBER.findall(text) if not _in_data(t, numbers)})
        assert not bad, f"{where}: numbers in no committed data file: {bad[:30]}"
    assert not _in_data("123456.7", numbers)


def test_reproduction_page_from_reports_only(tmp_path):
    "A claim without a committed report says so; a report's verdicts, table and figures appear under their claims."
    import pandas as pd
    reports = tmp_path / "results/reports"
    (reports / "vae").mkdir(parents=True)
    pd.DataFrame([dict(claim="table2.k", paper_claim="table2", title="K beyond 10 matters little", verdict="holds",
                       evidence="within 0.3 nats"),
                  dict(claim="fig2.variance", paper_claim="fig2", title="lower variance", verdict="partly",
                       evidence="lower in 3 of 4")]).to_csv(reports / "vae/claims.csv", index=False)
    (reports / "vae/report.md").write_text("# vae\n\n## Table 2 of the paper: ours\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                                          "![Fig. 2 (a): variance](fig2a.png)\n\n## Failures (0)\n")
    cells = doc_reproduction.reproduction_cells(tmp_path / "results")
    table2 = next(c for c in cells if 'id="table2"' in c)
    assert "| K beyond 10 matters little | **holds** | within 0.3 nats |" in table2 and "#### Table 2 of the paper: ours" in table2
    assert "Failures" not in table2 and "| 202.6 |" in table2
    assert "![Fig. 2 (a): variance](../results/reports/vae/fig2a.png)" in next(c for c in cells if 'id="fig2"' in c)
    assert "Not run" in next(c for c in cells if 'id="fig1"' in c)
    assert "| K beyond 10 matters little | **holds** | [`vae/claims.csv`](../results/reports/vae/claims.csv) |" in cells[1]
    assert "not run" in cells[1].split("Fig. 1")[1].split("\n")[0]           # a claim no report tests


def test_coverage_map_reads_the_reports_and_the_papers_numbers(tmp_path):
    "The coverage grid holds ours (in the paper's unit) beside the paper's for the cells run, and nothing else."
    import pandas as pd
    from gumbel_rao.data.paper import paper_results
    (tmp_path / "vae").mkdir(); (tmp_path / "listops").mkdir()
    pd.DataFrame([dict(estimator="st-gs", max_len=10, tau=0.01, **{"test accuracy": 0.5})]).to_csv(tmp_path / "listops/best.csv")
    pd.DataFrame([dict(estimator="gs", arity=2, batch_size=20, **{"test -log p(x)": 100.0})]).to_csv(tmp_path / "vae/best.csv")
    rows, cols, theirs, ours = doc_reproduction.coverage_grid(1, tmp_path)
    assert ours == {("ST-GS", (10, 0.01)): 50.0} and len(theirs) == len(paper_results(1)) == len(rows) * len(cols)
    assert theirs["ST-GS", (10, 0.01)] == 38.8
    assert doc_reproduction.coverage_grid(2, tmp_path)[3] == {("GS", (2, 20)): 100.0}
    png = doc_reproduction.coverage_map(tmp_path, tmp_path / "map.png")
    assert png.read_bytes() == doc_reproduction.coverage_map(tmp_path, tmp_path / "again.png").read_bytes()  # deterministic


def test_signatures_links_and_source_lines_from_the_files(tmp_path):
    "Signatures show names, not Markdown links; a page's own names link on the page; source lines are read from the files."
    md = "```python\ndef f(p:dict, # from ([`resolve_params`](https://h.io/b/exp.listops.html#resolve_params))\n```\nsee [`g`](https://h.io/b/x.html#g)"
    nb = {"cells": [{"cell_type": "code", "source": "show_doc(f)", "outputs": [{"data": {"text/markdown": md}}]}]}
    assert doc_pages.plain_signatures(nb) == 1 and "# from (resolve_params)" in nb["cells"][0]["outputs"][0]["data"]["text/markdown"]
    assert doc_pages.local_links(nb, {"g"}, "https://h.io/b") == 1
    assert nb["cells"][0]["outputs"][0]["data"]["text/markdown"].endswith("see [`g`](#g)")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/m.py").write_text("import x\n\n@dec\ndef run(a):\n    pass\n\nclass C:\n    def run(self): pass\nN = 3\n")
    assert doc_pages._definition_line(tmp_path / "pkg/m.py", "run") == 3 and doc_pages._definition_line(tmp_path / "pkg/m.py", "C.run") == 8
    assert doc_pages.module_names(tmp_path, "pkg.m") == {"run", "C", "N"}
    assert doc_pages._source_url("pkg.m", "C", tmp_path, "B") == "B/pkg/m.py#L7"


def test_search_text_and_navigation():
    assert build_docs.plain_tex(r"at $\tau \le 1$, $\mathrm{softmax}\,\theta$") == "at τ ≤ 1, softmax θ"
    nav = build_docs.nav_sections([("core.ipynb", "Core"), ("exp.toy.ipynb", "Toy"), ("cli.ipynb", "CLI"), ("b.ipynb", "B")],
                                  {"core.ipynb": 0, "exp.toy.ipynb": 30, "cli.ipynb": 50, "b.ipynb": 90})
    assert [list(s)[0] for s in nav] == ["Start", "Reproduction", "Library", "Experiments", "Running experiments", "Benchmarks"]


def test_paper_numbers_come_from_the_data_file(monkeypatch):
    from gumbel_rao.data import paper
    assert "| 38.8 |" in doc_reproduction.paper_table(1) and "| 202.6 |" in doc_reproduction.paper_table(2)
    changed = [dict(r, value=r["value"] * 10) for r in paper.paper_results()]
    monkeypatch.setattr(doc_reproduction, "paper_results", lambda table=None, path=None: [r for r in changed if table in (None, r["table"])])
    assert "| 388.0 |" in doc_reproduction.paper_table(1) and "| 38.8 |" not in doc_reproduction.paper_table(1)


def test_markdown_cleaning_and_links(tmp_path):
    src = ("::: {.callout-note}\nSee [the toy](30_exp.toy.ipynb#fig){.external} and ![fig](../results/toy/cpu/a.png)\n:::\n"
           "## Heading {#sec-h}\n```python\n::: kept in code\n```")
    assert doc_pages.clean_markdown(src, link=str.upper) == ("See [the toy](30_EXP.TOY.IPYNB#FIG) and "
                                                             "![fig](../RESULTS/TOY/CPU/A.PNG)\n## Heading\n```python\n::: kept in code\n```")
    (tmp_path / "nbs").mkdir(); (tmp_path / "results/toy/cpu").mkdir(parents=True)
    (tmp_path / "results/toy/cpu/fig1.png").write_bytes(b"png")
    link = doc_pages.make_linker(tmp_path / "nbs", [tmp_path], tmp_path / "site", {"30_exp.toy.ipynb": "exp.toy.html"},
                                 "https://h.io/base")
    assert link("../results/toy/cpu/fig1.png") == "results/toy/cpu/fig1.png"
    assert (tmp_path / "site/results/toy/cpu/fig1.png").read_bytes() == b"png"
    assert link("30_exp.toy.ipynb#sec") == "exp.toy.html#sec" and link("https://h.io/base/exp.toy.html") == "exp.toy.html"
    assert link("../results/none.png") == "../results/none.png" and link.missing == ["../results/none.png"]


def test_directives_and_page_names():
    assert doc_pages.split_directives("#| echo: false\n#|output: asis\n#| hide\nshow_doc(f)") == \
        ({"echo": "false", "output": "asis", "hide": ""}, "show_doc(f)")
    assert doc_pages.default_exp(NBS / "01_estimators.ipynb") == "estimators"
    assert page_name("nbs/30_exp.toy.ipynb") == "exp.toy.html" and page_name("01_Estimators.ipynb") == "estimators.html"
    with pytest.raises(ValueError, match="nb must"): page_name("x.py")
