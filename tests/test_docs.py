"""The documentation site: built from the notebooks' saved outputs into a temporary folder, then read back.

Checks what a reader needs: a page for every notebook (in nbdev order in the navigation), internal links and
images that resolve, math handed to a local MathJax, no traceback and no leftover nbdev/Quarto markup, and a
Reproduction page that lists every claim of the paper.
"""
import json, re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocs_jupyter")
from gumbel_rao import docs  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"


class _Page(HTMLParser):
    "Links, ids and visible text of one HTML page."
    def __init__(self):
        super().__init__()
        self.links, self.ids, self.text, self._skip = [], set(), [], 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("id", "name"):
            if a.get(k): self.ids.add(a[k])
        for k in ("href", "src"):
            if a.get(k) is not None and tag in ("a", "img", "link", "script", "iframe", "source"):
                self.links.append((tag, a[k]))
        if tag in ("script", "style"): self._skip += 1
    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip: self._skip -= 1
    def handle_data(self, data):
        if not self._skip: self.text.append(data)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "docs"
    result = docs.build_docs(NBS, out)
    pages = {}
    for p in out.glob("*.html"):
        parsed = _Page(); parsed.feed(p.read_text(encoding="utf-8"))
        pages[p.name] = parsed
    return out, pages, result["warnings"]


def _no_reference(warnings):
    "Pages whose API reference could not be rendered (reported by test_every_api_reference_renders)."
    return {docs.page_name(w.split(":")[0]) for w in warnings if "API reference is omitted" in w}


def test_every_api_reference_renders(site):
    out, pages, warnings = site
    bad = [w for w in warnings if "API reference is omitted" in w]
    assert not bad, "\n".join(bad)


def test_every_notebook_has_a_page_in_nbdev_order(site):
    out, pages, warnings = site
    nbs = docs.list_notebooks(NBS)
    assert nbs, "no notebooks found"
    for nb in nbs:
        assert docs.page_name(nb) in pages, f"no page for {nb.name}"
    assert {"index.html", "reproduction.html"} <= set(pages)
    nav = [v for t, v in pages["index.html"].links if t == "a" and v.endswith(".html")]
    order = [docs.page_name(nb) for nb in nbs if nb.name != "index.ipynb"]
    first = [nav.index(p) for p in order]                       # first appearance of each page in the sidebar
    assert first == sorted(first), f"navigation not in nbdev order: {order}"


def test_internal_links_resolve(site):
    out, pages, warnings = site
    broken = []
    for name, page in pages.items():
        if name == "404.html": continue                     # served at the site root: links are absolute by design
        for tag, url in page.links:
            u = urlsplit(url)
            if u.scheme or url.startswith("//") or not (u.path or u.fragment): continue
            target = (out / name).parent / unquote(u.path) if u.path else out / name
            if u.path.endswith("/"): target = target / "index.html"
            if not target.exists(): broken.append(f"{name}: <{tag}> {url}"); continue
            if u.fragment and target.suffix == ".html" and target.name in pages \
                    and target.name not in _no_reference(warnings):
                if unquote(u.fragment) not in pages[target.name].ids:
                    broken.append(f"{name}: <{tag}> {url} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken[:40])


def _has_math(nb: Path) -> bool:
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    return any(c["cell_type"] == "markdown" and re.search(r'\$[^$\n]+\$', "".join(c["source"])) for c in cells)


def test_math_is_rendered_by_local_mathjax(site):
    out, pages, warnings = site
    config = out / "assets/mathjax/config/TeX-AMS-MML_HTMLorMML-full.js"
    assert (out / "assets/mathjax/MathJax.js").is_file() and config.is_file()
    assert (out / "assets/mathjax/config/local/gumbel.js").is_file()
    with_math = [nb for nb in docs.list_notebooks(NBS) if _has_math(nb)] 
    assert with_math, "no notebook with math: the check would be empty"
    for nb in with_math + [Path("reproduction.ipynb")]:
        name = "reproduction.html" if nb.name == "reproduction.ipynb" else docs.page_name(nb)
        html = (out / name).read_text(encoding="utf-8")
        scripts = [v for t, v in pages[name].links if t == "script" and "MathJax.js" in v]
        assert scripts, f"{name}: MathJax is not loaded"
        assert all(not urlsplit(s).scheme for s in scripts), f"{name}: MathJax from a CDN: {scripts}"
        assert (out / urlsplit(scripts[0]).path).is_file()
        assert "local/gumbel" in scripts[0] and 'type="text/x-mathjax-config"' in html
        text = "".join(pages[name].text)
        assert re.search(r'\$[^$\n]*\\[a-zA-Z]+[^$\n]*\$', text), f"{name}: no TeX left for MathJax to set"


def test_no_traceback_or_leftover_markup(site):
    out, pages, warnings = site
    problems = []
    for name, page in pages.items():
        text = "".join(page.text)
        for pat, what in ((r"Traceback \(most recent call last\)", "a traceback"),
                          (r"(?m)^\s*#\|", "a directive line"), (r"(?m)^\s*:::", "a ::: fence"),
                          (r"(?m)^\s*output-file:", "raw front matter"), (r"(?m)^---\s*\ntitle:", "raw front matter"),
                          (r'\)\{target=', "a Quarto link attribute")):
            if re.search(pat, text): problems.append(f"{name}: {what}")
    assert not problems, "\n".join(problems)


def test_cli_entry_point_rejects_bad_input(tmp_path):
    assert docs.main(["--nbs", str(tmp_path / "missing"), "--out", str(tmp_path / "site")]) == 2
    assert docs.main(["--nbs", str(NBS), "--out", str(ROOT)]) == 2          # never wipes the repository


def test_api_reference_and_source_links(site):
    out, pages, warnings = site
    html = (out / "estimators.html").read_text(encoding="utf-8")
    assert 'id="gumbel_rao"' in html and "# number of conditional Gumbel samples K" in html
    src = [v for t, v in pages["estimators.html"].links if t == "a" and "/blob/" in v and v.endswith(tuple("0123456789"))]
    assert any("gumbel_rao/estimators.py#L" in v for v in src), "no source links"


def test_reproduction_page_lists_every_claim(site):
    out, pages, warnings = site
    text = "".join(pages["reproduction.html"].text)
    for c in docs.CLAIMS:
        assert c["title"] in text and c["id"] in pages["reproduction.html"].ids
    missing = [c for c in docs.CLAIMS if not any((ROOT / "results" / e / "cpu").is_dir() for e in c["experiments"])]
    assert text.count("not yet reproduced") >= len(missing)
    assert "38.8" in text and "202.6" in text                           # the paper's tables are there
