#!/usr/bin/env python
"""Build the documentation site from the notebooks, without Quarto (needs the `docs` extra):

    python tools/build_docs.py                      # nbs/ -> docs/ (replaced), results from results/
    python tools/build_docs.py --out /tmp/site --verbose --screenshots /tmp/shots

1. Each page shows one notebook of `nbs/` with its committed outputs (`tools/execute_in_place.py` keeps them equal to
   what the code computes). No notebook is executed here.
2. nbdev's own processors apply the directives and render the API reference from docstrings and docments
   (`doc_pages.process_notebook`); what only Quarto would interpret is cleaned away and links are rewritten to the
   local pages, with linked files (figures under `results/`) copied into the site.
3. The Reproduction page is generated from `results/` (`doc_reproduction.reproduction_cells`).
4. MkDocs Material with mkdocs-jupyter renders the static site, with MathJax 2 copied from the
   `jupyter-server-mathjax` package, so the math renders offline, and mkdocs-glightbox opens each figure full size.
5. Built into `docs/`, the home and Reproduction pages are screenshot at 1,400 px into `tools/screenshots/`
   (`take_screenshots`, headless chromium). `tests/test_browser.py` reads every page in that browser.
"""
from __future__ import annotations
import argparse, configparser, hashlib, json, logging, os, re, shutil, sys, tempfile, time
from contextlib import contextmanager
from pathlib import Path
import yaml
from doc_pages import (page_name, list_notebooks, clean_markdown, make_linker, clean_notebook, default_exp,
                       fix_source_links, order_show_docs, plain_signatures, local_links, module_names, process_notebook,
                       empty_display_cells, _MISSING_MD)
from doc_reproduction import reproduction_cells, coverage_map

MATHJAX_LOCAL = """MathJax.Hub.Config({
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
               linebreaks: {automatic: true}},
  // the hidden MathML copy for screen readers would fetch TeX fonts this package lacks: use local ones
  NativeMML: {styles: {
    "@font-face /*1*/": {"font-family": "MathJax_Caligraphic-WEB", src: "local('STIXGeneral')"},
    "@font-face /*2*/": {"font-family": "MathJax_Caligraphic-WEB", "font-weight": "bold", src: "local('STIXGeneral')"},
    "@font-face /*3*/": {"font-family": "MathJax_AMS-WEB", src: "local('STIXGeneral')"},
    "@font-face /*4*/": {"font-family": "MathJax_Script-WEB", src: "local('STIXGeneral')"},
    "@font-face /*5*/": {"font-family": "MathJax_Fraktur-WEB", src: "local('STIXGeneral')"},
    "@font-face /*6*/": {"font-family": "MathJax_Fraktur-WEB", "font-weight": "bold", src: "local('STIXGeneral')"}}},
  showMathMenu: false, messageStyle: "none"
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/gumbel.js");
"""
_MJ_KEEP = ("MathJax.js", "LICENSE", "config/", "extensions/", "jax/input/", "jax/element/", "jax/output/HTML-CSS/",
            "fonts/HTML-CSS/STIX-Web/woff/", "localization/en/")

SITE_CSS = """
/* a wider text column on wide screens (Material's grid is 61rem) */
.md-grid { max-width: 92rem; }
.gr-source { float: right; font-size: smaller; }
.md-typeset .jp-RenderedMarkdown h3 { margin-top: 0.6em; }
.jupyter-wrapper .jp-RenderedHTMLCommon img, .md-typeset img { max-width: 100%; height: auto; }
.md-typeset .jp-RenderedHTMLCommon table:not([class]) { font-size: 0.62rem; }
/* tables, code and outputs wider than the column scroll sideways, with a scrollbar that is always visible */
.md-typeset .jp-RenderedHTMLCommon table, .md-typeset table:not([class]) { display: block; max-width: 100%; overflow-x: auto; }
.md-typeset pre, .md-typeset .jp-OutputArea-output pre, .jp-RenderedHTMLCommon pre { overflow-x: auto; max-width: 100%; }
.md-typeset .jp-OutputArea-output { overflow-x: auto; }
.md-typeset table::-webkit-scrollbar, .md-typeset pre::-webkit-scrollbar, .md-typeset pre > code::-webkit-scrollbar,
.md-typeset .jp-OutputArea-output::-webkit-scrollbar { height: 0.6rem; width: 0.6rem; }
.md-typeset table::-webkit-scrollbar-thumb, .md-typeset pre::-webkit-scrollbar-thumb,
.md-typeset pre > code::-webkit-scrollbar-thumb, .md-typeset .jp-OutputArea-output::-webkit-scrollbar-thumb {
  background: var(--md-default-fg-color--light); border-radius: 0.3rem; }
.md-typeset table::-webkit-scrollbar-track, .md-typeset pre::-webkit-scrollbar-track,
.md-typeset pre > code::-webkit-scrollbar-track, .md-typeset .jp-OutputArea-output::-webkit-scrollbar-track {
  background: var(--md-default-fg-color--lightest); }
@supports not selector(::-webkit-scrollbar) {   /* Firefox */
  .md-typeset table, .md-typeset pre, .md-typeset .jp-OutputArea-output {
    scrollbar-width: auto; scrollbar-color: var(--md-default-fg-color--light) var(--md-default-fg-color--lightest); } }
.md-typeset .jp-RenderedHTMLCommon table:not([class]) th,
.md-typeset .jp-RenderedHTMLCommon table:not([class]) td { padding: 0.45em 0.6em; }
.md-typeset .jp-RenderedHTMLCommon blockquote { color: var(--md-default-fg-color--light); border-left: 0.2rem solid
  var(--md-default-fg-color--lighter); padding-left: 0.8rem; margin-left: 0; }
/* code in prose (the commands on the home page, signatures) wraps at spaces rather than run off the column */
.md-typeset .jp-RenderedMarkdown .highlight pre > code { white-space: pre-wrap; overflow-wrap: anywhere; }
.md-typeset a.glightbox { display: block; cursor: zoom-in; }
"""


def copy_mathjax(dest: str | Path, # site source folder; MathJax goes to `dest/assets/mathjax`
                ) -> str:
    "Copy the needed part of MathJax 2 into the site; returns the script URL relative to a top-level page."
    import jupyter_server_mathjax
    src, out = Path(jupyter_server_mathjax.__file__).parent / "static", Path(dest) / "assets" / "mathjax"
    for f in src.rglob("*"):
        rel = f.relative_to(src).as_posix()
        if f.is_file() and rel.startswith(_MJ_KEEP) and not rel.startswith("extensions/a11y/"):
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, out / rel)
    (out / "config/local").mkdir(parents=True, exist_ok=True)
    (out / "config/local/gumbel.js").write_text(MATHJAX_LOCAL)
    return "assets/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe,local/gumbel"


def repo_root(path: str | Path, # a path inside the project
             ) -> Path:
    "The nearest folder at or above `path` holding `settings.ini`."
    p = Path(path).resolve()
    for d in (p, *p.parents):
        if (d / "settings.ini").is_file(): return d
    raise ValueError(f"no settings.ini at or above {str(path)!r}")


def settings(root: Path, # repository root
            ) -> dict:
    "The `[DEFAULT]` section of the project's settings.ini."
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(Path(root) / "settings.ini")
    return dict(cp["DEFAULT"])


def blob_url(cfg: dict, # settings.ini
            ) -> str:
    "The repository's URL for files on its branch, e.g. `https://github.com/<user>/<repo>/blob/main`."
    return f"{cfg.get('git_url', '').rstrip('/')}/blob/{cfg.get('branch', 'main')}"


def doc_url(cfg: dict, # settings.ini
           ) -> str:
    "nbdev's URL of the published docs (doc_host + doc_baseurl); links to it become links to the local pages."
    return cfg.get("doc_host", "").rstrip("/") + "/" + cfg.get("doc_baseurl", "").strip("/")


@contextmanager
def _working_dir(cwd: Path, **env):
    "Run the block in `cwd` with the environment variables `env` set; both restored afterwards."
    old_cwd, old = Path.cwd(), {k: os.environ.get(k) for k in env}
    os.chdir(cwd); os.environ.update(env)
    try: yield
    finally:
        os.chdir(old_cwd)
        for k, v in old.items():
            if v is None: os.environ.pop(k, None)
            else: os.environ[k] = v


def fix_fragments(site: str | Path, # built site folder
                 ) -> int:
    "Point `page.html#frag` links at the element id that matches `frag` up to case (nbdev lowercases, nbconvert keeps case)."
    site, fixed = Path(site), 0
    pages = {p.relative_to(site).as_posix(): p for p in site.rglob("*.html")}
    ids = {k: set(re.findall(r'\sid="([^"]+)"', p.read_text(encoding="utf-8"))) for k, p in pages.items()}
    lower = {k: {i.lower(): i for i in v} for k, v in ids.items()}
    for k, p in pages.items():
        def sub(m):
            nonlocal fixed
            page, frag = m.group(2) or k, m.group(3)
            if page not in ids or frag in ids[page] or frag.lower() not in lower[page]: return m.group(0)
            fixed += 1
            return f'{m.group(1)}{m.group(2) or ""}#{lower[page][frag.lower()]}"'
        text = p.read_text(encoding="utf-8")
        new = re.sub(r'(href=")([^"#:]*\.html)?#([^"]+)"', sub, text)
        if new != text: p.write_text(new, encoding="utf-8")
    return fixed


def externalize_assets(site: str | Path, # built site folder
                       min_chars: int = 2000, # inline blocks at least this long are moved
                      ) -> int:
    "Move the large inline `<style>` and `<script>` blocks mkdocs-jupyter repeats on every page into shared files; returns bytes saved."
    site, saved = Path(site), 0
    def shared(m, folder, ext, tag):
        nonlocal saved
        attrs, body = m.group(1), m.group(2)
        if len(body) < min_chars: return m.group(0)
        name = f"assets/{folder}/nb-{hashlib.sha1(body.encode()).hexdigest()[:12]}.{ext}"
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        if not (site / name).exists(): (site / name).write_text(body, encoding="utf-8")
        saved += len(body)
        return f'<link rel="stylesheet" href="{name}">' if tag == "style" else f'<script{attrs} src="{name}"></script>'
    for p in site.glob("*.html"):   # plain and module scripts only: MathJax reads its text/x-mathjax-config inline
        text = p.read_text(encoding="utf-8")
        new = re.sub(r'<style([^>]*)>(.*?)</style>', lambda m: shared(m, "css", "css", "style"), text, flags=re.S)
        new = re.sub(r'<script((?: type="module")?)>(.*?)</script>', lambda m: shared(m, "js", "js", "script"), new, flags=re.S)
        if new != text: p.write_text(new, encoding="utf-8")
    return saved


def images_to_files(site: str | Path, # built site folder
                   ) -> int:
    "Write the images notebooks embed as `data:` URIs to `assets/images/nb-<hash>.<ext>` and link them; returns how many."
    import base64
    site, n = Path(site), 0
    def to_file(m):
        nonlocal n
        ext, data = m.group(1), m.group(2)
        name = f"assets/images/nb-{hashlib.sha1(data.encode()).hexdigest()[:12]}.{'svg' if ext == 'svg+xml' else ext}"
        if not (site / name).exists():
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_bytes(base64.b64decode(data)); n += 1
        return name
    for p in site.glob("*.html"):
        text = p.read_text(encoding="utf-8")
        new = re.sub(r'data:image/(png|jpeg|gif|svg\+xml);base64,([A-Za-z0-9+/=\s]+?)(?=["\'])', to_file, text)
        if new != text: p.write_text(new, encoding="utf-8")
    return n


def code_in_pre(site: str | Path, # built site folder
               ) -> int:
    """Put the highlighted code blocks nbconvert writes (`<div class="highlight..."><pre>`) in `<code>`, as Material's copy
    button expects, and give each `<pre>` an id of its own (Material names a block by its nearest id: two blocks of one
    cell would copy the same text)."""
    site, total = Path(site), 0
    for p in site.glob("*.html"):
        n = 0
        def wrap(m):
            nonlocal n
            n += 1
            code = m.group(3) if m.group(3).lstrip().startswith("<code") else f"<code>{m.group(3)}</code>"
            pre = m.group(2) if "id=" in m.group(2) else m.group(2).replace("<pre", f'<pre id="gr-code-{n}"', 1)
            return f"{m.group(1)}{pre}{code}</pre>"
        text = p.read_text(encoding="utf-8")
        new = re.sub(r'(<div class="highlight[^"]*">)(<pre[^>]*>)(.*?)</pre>', wrap, text, flags=re.S)
        total += n
        if new != text: p.write_text(new, encoding="utf-8")
    return total


def unique_ids(site: str | Path, # built site folder
              ) -> int:
    """Give the second and later elements sharing an id (a `run` heading and the `run` function's entry) ids of their own,
    `<id>-2`, ...: the heading's own anchor link and the k-th table-of-contents link to the id follow; returns how many."""
    site, total = Path(site), 0
    for p in site.glob("*.html"):
        text = p.read_text(encoding="utf-8")
        ids = re.findall(r'\sid="([^"]+)"', text)
        dups = sorted({i for i in ids if ids.count(i) > 1})
        for x in dups:
            seen = 0
            def rename(m):
                nonlocal seen, total
                seen += 1
                if seen == 1: return m.group(0)
                total += 1
                return f' id="{x}-{seen}"' + m.group(1).replace(f'href="#{x}"', f'href="#{x}-{seen}"', 1)
            text = re.sub(rf' id="{re.escape(x)}"((?:(?!</h\d>|\sid=").){{0,600}})', rename, text, flags=re.S)
            seen_toc = 0
            def toc(m):
                nonlocal seen_toc
                seen_toc += 1
                return m.group(0) if seen_toc == 1 else m.group(0).replace(f'#{x}"', f'#{x}-{seen_toc}"')
            text = re.sub(rf'<a href="#{re.escape(x)}" class="md-nav__link">', toc, text)
        p.write_text(text, encoding="utf-8")
    return total


def relative_404(site: str | Path, # built site folder
                 cfg: dict, # settings.ini
                ) -> bool:
    "Make the 404 page's links relative to the site root (MkDocs writes them under doc_baseurl), so a local copy works."
    page, base = Path(site) / "404.html", "/" + cfg.get("doc_baseurl", "").strip("/") + "/"
    if not page.is_file(): return False
    text = page.read_text(encoding="utf-8")
    new = re.sub(rf'((?:href|src)=")({re.escape(base)}|/)(?!/)', r"\1./", text)
    new = re.sub(rf'(")({re.escape(base)})(?=[\w"])', r"\1./", new).replace('"base": "./"', '"base": "."')
    page.write_text(new, encoding="utf-8")
    return new != text


_TEX_WORDS = {"tau": "τ", "theta": "θ", "sigma": "σ", "mu": "μ", "lambda": "λ", "alpha": "α", "beta": "β", "pi": "π",
              "epsilon": "ε", "eta": "η", "gamma": "γ", "delta": "δ", "Delta": "Δ", "sum": "Σ", "leq": "≤", "le": "≤",
              "geq": "≥", "ge": "≥", "approx": "≈", "times": "×", "cdot": "·", "infty": "∞", "to": "→", "sim": "~",
              "pm": "±", "in": "∈", "ldots": "…", "dots": "…", "mid": "|", "nabla": "∇", "partial": "∂"}


def plain_tex(text: str, # text with inline TeX between `$` or `\\(`/`\\)`
             ) -> str:
    "A readable plain-text form of the TeX in `text` (search previews): `$\\tau \\le 1$` -> `τ ≤ 1`."
    def one(m):
        s = m.group(1) or m.group(2) or ""
        s = re.sub(r"\\(?:mathrm|mathbf|mathit|text|operatorname|boldsymbol|mathcal|hat|bar|tilde)\s*\{([^{}]*)\}", r"\1", s)
        s = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"(\1)/(\2)", s)
        s = re.sub(r"\\([a-zA-Z]+)", lambda k: _TEX_WORDS.get(k.group(1), k.group(1)), s)
        s = re.sub(r"\\[,;:! ]", " ", s).replace("{", "").replace("}", "").replace("\\", "")
        return re.sub(r"\s+", " ", s).strip()
    return re.sub(r"\$\$?([^$]+?)\$\$?|\\\((.+?)\\\)", one, text)


def plain_search_index(site: str | Path, # built site folder
                      ) -> int:
    "Replace TeX in the search index's titles and texts by its plain form (`plain_tex`); returns entries changed."
    path = Path(site) / "search/search_index.json"
    if not path.is_file(): return 0
    index, changed = json.loads(path.read_text(encoding="utf-8")), 0
    for doc in index.get("docs", []):
        for k in ("title", "text"):
            new = plain_tex(doc.get(k, ""))
            changed += new != doc.get(k, "")
            doc[k] = new
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return changed


def page_notebook(nb: Path, # a notebook in `nbs/`
                  link, # link rewriter from `make_linker`
                  cfg: dict, # settings.ini
                  root: Path, # repository root
                 ) -> tuple[dict, str | None, list]:
    "The notebook page `nb` shows, processed and cleaned, its title, and warnings."
    warnings = []
    try: page = process_notebook(nb)
    except Exception as e:
        first = " ".join([l.strip() for l in str(e).splitlines() if l.strip()][:2]) or type(e).__name__
        warnings.append(f"{nb.name}: its API reference is omitted: running its import and show_doc cells failed "
                        f"({first}). nbdev runs every cell that contains an import here: keep import cells import-only")
        page = process_notebook(nb, show_docs=False)
    git, mod = blob_url(cfg), default_exp(nb)
    module = f"{cfg.get('lib_path', 'gumbel_rao')}.{mod}" if mod else None
    if module: local_links(page, module_names(root, module), doc_url(cfg))
    plain_signatures(page)
    page, title = clean_notebook(page, link)
    if module: fix_source_links(page, module, root, git)
    order_show_docs(page)
    note = f"<small>Source notebook: [`nbs/{nb.name}`]({git}/nbs/{nb.name})"
    head = 1 if page["cells"] and page["cells"][0]["source"].startswith("# ") else 0
    page["cells"].insert(head, {"cell_type": "markdown", "id": "gr-source-note", "metadata": {}, "source": note + "</small>"})
    return page, title, warnings


# Sections of the navigation: notebooks by the number that starts their name (nbdev order within each section)
NAV_SECTIONS = (("Library", 0, 28), ("Experiments", 28, 40), ("Running experiments", 40, 90), ("Benchmarks", 90, 100))


def nav_sections(nav: list, # (file, title) of every notebook page but the home page, in nbdev order
                 numbers: dict, # file -> the number its notebook's name starts with
                ) -> list:
    "MkDocs' `nav`: Start (home), Reproduction, then the notebooks in sections by number (`NAV_SECTIONS`)."
    out = [{"Start": [{"Home": "index.ipynb"}]}, {"Reproduction": [{"Reproduction: Tables 1-2, Figs. 1-2": "reproduction.ipynb"}]}]
    for name, lo, hi in NAV_SECTIONS:
        pages = [{t: f} for f, t in nav if lo <= numbers.get(f, 99) < hi]
        if pages: out.append({name: pages})
    rest = [{t: f} for f, t in nav if not any(lo <= numbers.get(f, 99) < hi for _, lo, hi in NAV_SECTIONS)]
    return out + ([{"More": rest}] if rest else [])


def mkdocs_config(cfg: dict, # settings.ini
                  src: Path, # site source folder (the page notebooks)
                  out: Path, # site folder
                  mathjax: str, # MathJax script URL from `copy_mathjax`
                  nav: list, # MkDocs' nav, from `nav_sections`
                 ) -> dict:
    "The mkdocs.yml contents: Material theme, mkdocs-jupyter rendering saved outputs only, local MathJax, glightbox."
    jupyter = dict(execute=False, include_source=False, no_prompt=True, cache=False, include=["*.ipynb"], toc_depth=3,
                   custom_mathjax_url=mathjax, include_requirejs=False,
                   remove_tag_config={"remove_input_tags": ["remove_input"]})
    features = ["search.highlight", "navigation.top", "navigation.sections", "content.code.copy"]
    return dict(site_name=cfg.get("title", "docs"), site_description=cfg.get("description", ""),
                site_url=(doc_url(cfg) + "/") if cfg.get("doc_host") else None, repo_url=cfg.get("git_url") or None,
                edit_uri="", docs_dir=str(src), site_dir=str(out), use_directory_urls=False,
                copyright=cfg.get("copyright", ""), extra_css=["assets/gumbel.css"],
                theme=dict(name="material", font=False, features=features, palette=dict(primary="indigo", accent="indigo")),
                plugins=["search", {"mkdocs-jupyter": jupyter},
                         {"glightbox": dict(zoomable=True, effect="fade", width="100%", height="auto")}],
                nav=nav)


def run_mkdocs(config: Path, # the mkdocs.yml
               verbose: bool = False, # print mkdocs' info messages
              ):
    "Build the site of `config`, then drop the search word splitters of other languages (the site is English)."
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    levels = {n: logging.getLogger(n).level for n in ("mkdocs", "mkdocs_jupyter", "traitlets")}
    for n in levels: logging.getLogger(n).setLevel(logging.INFO if verbose else logging.ERROR)
    date = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "0"   # no build date in the site: the same sources give the same files
    try: build(load_config(config_file=str(config)))
    finally:
        if date is None: os.environ.pop("SOURCE_DATE_EPOCH")
        else: os.environ["SOURCE_DATE_EPOCH"] = date
        for n, lv in levels.items(): logging.getLogger(n).setLevel(lv)
    out = Path(yaml.safe_load(config.read_text())["site_dir"])
    lunr = out / "assets/javascripts/lunr"
    for f in [*lunr.glob("*.js"), *(lunr / "min").glob("lunr.*.min.js")]:
        if f.name not in ("lunr.stemmer.support.min.js", "lunr.multi.min.js"): f.unlink()


def _check_out(out: Path, root: Path, nbs: Path) -> Path:
    "`out` resolved, refusing the repository, `nbs/` or a filesystem root (the folder is replaced)."
    out = Path(out).resolve()
    if out == root or out in root.parents or nbs == out or nbs in out.parents or out.anchor == str(out):
        raise ValueError(f"out must be a folder of its own, not the repository, nbs or a root: {str(out)!r}")
    return out


def write_pages(notebooks: list, # the notebooks, in nbdev order
                src: Path, # site source folder
                link, # link rewriter from `make_linker`
                cfg: dict, # settings.ini
                root: Path, # repository root
               ) -> tuple[dict, list, list]:
    "Write the page notebook of each notebook into `src`; returns `{page: nb}`, the navigation `(file, title)` and warnings."
    shown, nav, warnings = {}, [], []
    with _working_dir(root, IN_TEST="1"):
        for p in notebooks:
            page, title, w = page_notebook(p, link, cfg, root)
            warnings += w + [f"{p.name}: display cell without output: {c}" for c in empty_display_cells(page)]
            file = page_name(p).replace(".html", ".ipynb")
            shown[page_name(p)] = page
            (src / file).write_text(json.dumps(page), encoding="utf-8")
            if p.name != "index.ipynb": nav.append((file, title or p.stem))
    return shown, nav, warnings


def _number(nb: Path) -> int:
    "The number a notebook's name starts with (`30_exp.toy.ipynb` -> 30); 99 when it has none."
    m = re.match(r"(\d+)", nb.name)
    return int(m.group(1)) if m else 99


def write_reproduction(src: Path, # site source folder
                       results: Path, # the committed results folder
                       link, # link rewriter from `make_linker`
                       blob: str, # repository blob URL, from `blob_url`
                      ):
    "Write the Reproduction page notebook into `src`, with its coverage map drawn from the reports' data."
    coverage_map(results / "reports", src / "assets/reproduction/coverage.png")
    cells = reproduction_cells(results, blob_url=blob, coverage="assets/reproduction/coverage.png")
    dashed = [_MISSING_MD.subn(" — ", clean_markdown(c, link)) for c in cells[1:]]     # the first cell links the map
    cells = [cells[0]] + [c for c, _ in dashed]
    if any(n for _, n in dashed): cells[0] += ("\n\nIn the reports' tables, — marks a value a run does not record (the "
                                               "iterations of an experiment that does not train, for example).")
    cells = [{"cell_type": "markdown", "id": f"rep-{i}", "metadata": {}, "source": c} for i, c in enumerate(cells)]
    (src / "reproduction.ipynb").write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))


def build_docs(nbs_path: str | Path = "nbs", # folder of the notebooks
               out: str | Path = "docs", # site folder, replaced entirely
               results_path: str | Path | None = None, # committed results; default `<repo>/results`
               verbose: bool = False, # print mkdocs' info messages
              ) -> dict:
    "Render the site; returns its folder, pages, seconds, warnings and the page notebooks (`{page: nb}`)."
    t0, nbs, root = time.time(), Path(nbs_path).resolve(), repo_root(nbs_path)
    out, cfg = _check_out(out, root, nbs), settings(root)
    results = Path(results_path).resolve() if results_path is not None else root / "results"
    notebooks = list_notebooks(nbs)
    if "index.ipynb" not in {p.name for p in notebooks}: raise ValueError(f"no index.ipynb in {nbs}: it is the home page")
    with tempfile.TemporaryDirectory(prefix="gumbel-rao-docs-") as tmp:
        src = Path(tmp) / "src"; (src / "assets").mkdir(parents=True)
        pages = {**{p.name: page_name(p) for p in notebooks}, "reproduction.ipynb": "reproduction.html"}
        link = make_linker(nbs, [root, results.parent], src, pages, doc_url(cfg))
        shown, nav, warnings = write_pages(notebooks, src, link, cfg, root)
        write_reproduction(src, results, link, blob_url(cfg))
        (src / "assets/gumbel.css").write_text(SITE_CSS)
        sections = nav_sections(nav, {page_name(p).replace(".html", ".ipynb"): _number(p) for p in notebooks})
        (Path(tmp) / "mkdocs.yml").write_text(yaml.safe_dump(mkdocs_config(cfg, src, out, copy_mathjax(src), sections), sort_keys=False))
        run_mkdocs(Path(tmp) / "mkdocs.yml", verbose)
    (out / ".nojekyll").write_text("")
    fix_fragments(out); externalize_assets(out); images_to_files(out); code_in_pre(out); unique_ids(out); relative_404(out, cfg); plain_search_index(out)
    warnings += [f"linked file not found: {t}" for t in dict.fromkeys(link.missing)]
    for w in warnings: print("warning:", w, file=sys.stderr)
    return dict(out=out, pages=["index.html", "reproduction.html", *(f.replace(".ipynb", ".html") for f, _ in nav)],
                seconds=time.time() - t0, warnings=warnings, notebooks=shown)


SCREENSHOT_PAGES = ("index.html", "reproduction.html")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def serve_site(site: str | Path, # built site folder
              ):
    "Serve `site` on a free 127.0.0.1 port in a thread; returns the server (`.shutdown()` it) and its URL."
    import functools, http.server, threading
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}/"


def wait_for_math(page, # a Playwright page, loaded
                 ):
    "Wait until MathJax (if the page loads it) has typeset everything it queued."
    if page.evaluate("() => !!document.querySelector('script[src*=\"MathJax.js\"]')"):
        page.wait_for_function("() => window.MathJax && MathJax.isReady", timeout=30000)
        page.evaluate("() => new Promise(done => MathJax.Hub.Queue(done))")


def take_screenshots(site: str | Path, # built site folder
                     out: str | Path = "tools/screenshots", # folder of the PNGs (committed: a reviewer sees the pages)
                     width: int = 1400, # window width, px
                     height: int = 1800, # window height, px (the top of each page)
                     browser=None, # a Playwright browser already launched; `None` launches chromium
                    ) -> list[Path]:
    """Screenshot the home and Reproduction pages (`SCREENSHOT_PAGES`) in Debian's headless chromium, driven by
    Playwright (the `docs` extra; `apt-get install -y chromium`); returns the PNGs, quantized to 256 colours."""
    from playwright.sync_api import sync_playwright
    from PIL import Image
    out = Path(out); out.mkdir(parents=True, exist_ok=True)
    srv, url = serve_site(site)
    shots = []
    def shoot(b):
        for name in SCREENSHOT_PAGES:
            page = b.new_page(viewport={"width": width, "height": height})
            page.goto(url + name, wait_until="load"); wait_for_math(page)
            shot = out / name.replace(".html", ".png")
            page.screenshot(path=str(shot)); page.close()
            Image.open(shot).convert("RGB").quantize(256).save(shot, optimize=True)
            shots.append(shot)
    try:
        if browser is not None: shoot(browser)
        else:
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_FLAGS,
                                      ignore_default_args=["--hide-scrollbars"])   # a reader sees them
                shoot(b); b.close()
    finally: srv.shutdown()
    return shots


def main(argv: list[str] | None = None, # command line arguments; `None` reads `sys.argv`
        ) -> int:
    "Command line: `python tools/build_docs.py [--nbs nbs] [--out docs] [--results results] [--verbose]`."
    ap = argparse.ArgumentParser(description="Render the documentation site from the notebooks.")
    ap.add_argument("--nbs", default="nbs", help="folder of the notebooks (default: nbs)")
    ap.add_argument("--out", default="docs", help="site folder, replaced entirely (default: docs)")
    ap.add_argument("--results", default=None, help="committed results folder (default: <repo>/results)")
    ap.add_argument("--verbose", action="store_true", help="print mkdocs' messages")
    ap.add_argument("--screenshots", default=None,
                    help="folder for the home and Reproduction screenshots (default: tools/screenshots when --out is docs)")
    a = ap.parse_args(argv)
    try: r = build_docs(a.nbs, a.out, a.results, verbose=a.verbose)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr); return 2
    print(f"built {len(r['pages'])} pages into {r['out']} in {r['seconds']:.1f} s")
    shots = a.screenshots or (str(repo_root(a.nbs) / "tools/screenshots") if Path(a.out).resolve() ==
                              repo_root(a.nbs) / "docs" else None)
    if shots:
        try: print("screenshots:", *take_screenshots(r["out"], shots))
        except Exception as e: print(f"warning: no screenshots ({type(e).__name__}: {e}); needs chromium and playwright",
                                     file=sys.stderr)
    return 0


if __name__ == "__main__": sys.exit(main())
