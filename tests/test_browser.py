"""The documentation site in a real browser: Debian's `chromium` driven by Playwright, offline, on the site built once
per session (the `built_site` fixture of conftest.py) and served on 127.0.0.1.

What a reader would stumble on, measured on every page at 1,400 px: a table, code block or figure wider than the text
column that does not scroll with a visible scrollbar; a figure shown under 600 px wide that does not open full size on
click; raw Markdown or `nan` in the rendered text; an absolute link to the site's own domain (settings.ini `doc_host`),
which sends a reader of a local copy off-site; two elements sharing an id; a JavaScript error or a failed request on the
site; math MathJax left unrendered.
On the Reproduction page: the coverage map is the first figure, and each row of the claim scorecard links to its data.
Skipped, with the reason, where chromium or Playwright is not installed (`.ci/run` installs chromium first).
"""
import configparser, re, shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).is_file(): pytest.skip("chromium is not installed (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the docs extra)")
pytest.importorskip("mkdocs_jupyter")
from build_docs import CHROMIUM_FLAGS as FLAGS, serve_site as serve, wait_for_math  # noqa: E402
WIDTH, HEIGHT, MIN_FIGURE = 1400, 900, 600
_cfg = configparser.ConfigParser(interpolation=None); _cfg.read(ROOT / "settings.ini")
DOC_HOST = _cfg["DEFAULT"]["doc_host"].rstrip("/")

# One pass over the rendered page (in the browser): returns the problems found and a few measurements.
MEASURE = r"""([minFigure, docHost]) => {
  const col = document.querySelector('article.md-content__inner');
  const problems = [], box = col.getBoundingClientRect(), right = box.right + 1;
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const scrollsVisibly = el => {          // scrolls sideways with a scrollbar that takes room (not an overlay)
    const s = getComputedStyle(el);
    const bar = el.offsetHeight - el.clientHeight - parseFloat(s.borderTopWidth) - parseFloat(s.borderBottomWidth);
    return ['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1 && bar > 0;
  };
  const clipper = el => {                  // the nearest ancestor inside the column that clips `el` sideways
    for (let a = el.parentElement; a && a !== col; a = a.parentElement)
      if (getComputedStyle(a).overflowX !== 'visible') return a;
    return null;
  };
  const label = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    ' "' + (el.innerText || el.getAttribute('alt') || el.getAttribute('src') || '').trim().slice(0, 50) + '"';
  for (const el of col.querySelectorAll('table, pre, img, svg, .MathJax_Display, .jp-OutputArea-output')) {
    if (!shown(el) || el.closest('.MathJax, .md-clipboard')) continue;
    const r = el.getBoundingClientRect(), c = clipper(el);
    if (el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
        && !scrollsVisibly(el)) problems.push(`scrolls without a visible scrollbar: ${label(el)}`);
    if (r.right <= right) continue;
    if (c && c.getBoundingClientRect().right <= right && scrollsVisibly(c)) continue;
    if (c && c.getBoundingClientRect().right <= right && !scrollsVisibly(c))
      problems.push(`cut off at the column edge (no visible scrollbar): ${label(el)}`);
    else problems.push(`wider than the text column (${Math.round(r.right - box.left)} > ${Math.round(box.width)} px): ${label(el)}`);
  }
  let figures = 0;
  for (const img of col.querySelectorAll('img')) {
    if (!shown(img) || img.naturalWidth < 200) continue;     // icons and badges
    figures += 1;
    const w = img.getBoundingClientRect().width, full = Math.min(minFigure, img.naturalWidth) - 1;
    if (w < full && !img.closest('a.glightbox'))
      problems.push(`figure shown ${Math.round(w)} px wide and not enlargeable: ${label(img)}`);
    if (!img.complete || img.naturalWidth === 0) problems.push(`figure not loaded: ${label(img)}`);
  }
  const visible = sel => {                     // innerText of the column without the elements `sel`
    const c = col.cloneNode(true); c.querySelectorAll(sel).forEach(e => e.remove());
    document.body.appendChild(c); c.style.position = 'absolute'; c.style.left = '-99999px';
    const text = c.innerText; c.remove(); return text;
  };
  const hidden = 'script, style, .jp-InputArea, .MathJax, .MathJax_Display, .MathJax_Preview, .md-clipboard';
  const all = visible(hidden), prose = visible(hidden + ', pre, code');  // prose: no code, no printed output
  const quote = (text, i) => text.slice(Math.max(0, i - 50), i + 60).replace(/\s+/g, ' ');
  const codeLink = all.match(/\[`[^`\n]+`\]\(/);
  if (codeLink) problems.push(`a Markdown link around code in the text: "${quote(all, codeLink.index)}"`);
  const rawMd = [[/\]\((?:https?:|\.\.?\/|#)[^)\s]*\)/, 'a Markdown link'],
                 [/(^|\s)\*\*[^*\n]+\*\*(\s|$)/, 'Markdown bold'], [/^\s*#{1,6} \S/m, 'a Markdown heading'],
                 [/(^|[^\w$])\$[^$\n]{1,80}\\[a-zA-Z]+[^$\n]*\$/, 'raw TeX'], [/^\s*#\|/m, 'a directive line'],
                 [/^\s*:::/m, 'a ::: fence'], [/Traceback \(most recent call last\)/, 'a traceback'],
                 [/(^|[^\w.'"])nan(?![\w(])/, '"nan"']];
  for (const [re, what] of rawMd) { const m = prose.match(re); if (m) problems.push(`${what} in the text: "${quote(prose, m.index)}"`); }
  for (const td of col.querySelectorAll('td, th'))
    if (/^\s*(nan|NaN|None)\s*$/.test(td.innerText)) { problems.push(`a table cell reads "${td.innerText.trim()}"`); break; }
  const ids = Array.from(document.querySelectorAll('[id]'), e => e.id), dup = ids.filter((x, i) => ids.indexOf(x) !== i);
  if (dup.length) problems.push(`elements share an id (a link to it finds the first): ${[...new Set(dup)].slice(0, 5)}`);
  for (const a of document.querySelectorAll('a[href]'))
    if (a.getAttribute('href').startsWith(docHost)) problems.push(`absolute link to the site's own domain: ${a.getAttribute('href')}`);
  const tex = document.querySelectorAll('script[type^="math/tex"]').length;
  const rendered = document.querySelectorAll('.MathJax, .MathJax_Display, .MathJax_SVG').length;
  if (tex && !rendered) problems.push(`${tex} formulas found by MathJax, none rendered`);
  if (document.querySelector('.MathJax_Error, .merror')) problems.push('a MathJax error is shown');
  return {problems, figures, tex, rendered, column: Math.round(box.width)};
}"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        # Playwright hides scrollbars in headless mode: shown, they take room as a reader's classic scrollbars do
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, ignore_default_args=["--hide-scrollbars"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def served(built_site):
    srv, url = serve(built_site["out"])
    yield built_site, url
    srv.shutdown()


def open_page(browser, url: str, width: int = WIDTH, height: int = HEIGHT):
    """Open `url` in a fresh page; returns it, with the JavaScript errors and the site's failed requests it collects
    (requests off the site, such as Material's look-up of the repository's stars, fail offline and are not counted)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.errors, origin = [], url.split("/")[0] + "//" + url.split("/")[2] if "://" in url else url
    own = lambda u: u.startswith(origin) if not url.startswith("file:") else u.startswith("file:")
    page.on("pageerror", lambda e: page.errors.append(f"JavaScript error: {e}"))
    page.on("console", lambda m: m.type == "error" and "Failed to load resource" not in m.text
            and "about:blank" not in m.text and page.errors.append(f"console error: {m.text}"))
    page.on("requestfailed", lambda r: own(r.url) and page.errors.append(f"failed request: {r.url}"))
    page.on("response", lambda r: r.status >= 400 and own(r.url) and page.errors.append(f"HTTP {r.status}: {r.url}"))
    page.goto(url, wait_until="load"); wait_for_math(page)
    return page


def test_every_page_reads_in_a_browser(browser, served):
    "Each page at 1,400 px: nothing cut off or too small to read, no raw markup or `nan`, no errors, math rendered."
    site, url = served
    report = {}
    for name in site["pages"] + ["404.html"]:
        page = open_page(browser, url + name)
        found = page.evaluate(MEASURE, [MIN_FIGURE, DOC_HOST])
        report[name] = found["problems"] + page.errors
        page.close()
    bad = {k: v for k, v in report.items() if v}
    assert not bad, "\n".join(f"{k}: {p}" for k, v in bad.items() for p in v[:8])


def test_reproduction_page_opens_on_the_coverage_map_and_each_claim_links_its_data(browser, served):
    site, url = served
    page = open_page(browser, url + "reproduction.html")
    first = page.evaluate("() => { const i = document.querySelector('article.md-content__inner img');"
                          " return i && [i.getAttribute('src'), i.getAttribute('alt'), i.getBoundingClientRect().top,"
                          " i.getBoundingClientRect().width] }")
    assert first and "coverage" in first[0] and first[2] < HEIGHT, f"the first figure is not the coverage map: {first}"
    rows = page.evaluate("""() => Array.from(document.querySelectorAll('#claim-scorecard + table tbody tr, '
                          + '#claim-scorecard ~ div table tbody tr')).map(tr => [tr.innerText.slice(0, 60),
                          Array.from(tr.querySelectorAll('a')).map(a => a.getAttribute('href'))])""")
    assert rows, "no claim scorecard"
    no_data = [t for t, links in rows if not any(re.search(r"results/reports/\w+/\w+\.csv$", h or "") for h in links)]
    assert not no_data, f"claim rows without a link to their data: {no_data}"
    for t, links in rows:
        for h in (h for h in links if h.endswith(".csv")):
            assert (site["out"] / h).is_file(), f"{t}: its data link {h} is not in the site"
    page.close()


def test_home_page_commands_can_be_copied_and_are_not_cut(browser, served):
    site, url = served
    page = open_page(browser, url + "index.html")
    blocks = page.evaluate("""() => Array.from(document.querySelectorAll('article pre')).filter(p =>
        p.innerText.includes('.venv/bin/')).map(p => { const b = p.querySelector('.md-code__button, .md-clipboard');
        const target = b && document.querySelector(b.getAttribute('data-clipboard-target'));
        return [p.scrollWidth <= p.clientWidth + 1 || getComputedStyle(p).overflowX !== 'visible',
                !!target && p.contains(target)] })""")
    assert len(blocks) >= 2 and all(fits for fits, _ in blocks), f"a command is cut: {blocks}"
    assert all(copy for _, copy in blocks), f"a command without a copy button of its own: {blocks}"
    page.close()


def test_search_ranks_the_reproduction_page_for_the_papers_tables(browser, served):
    site, url = served
    for q in ("Table 1", "Table 2"):
        page = open_page(browser, url + "index.html?q=" + quote(q))
        page.wait_for_selector(".md-search-result__item", timeout=20000)
        hits = page.evaluate("() => Array.from(document.querySelectorAll('.md-search-result__item > a'))"
                             ".map(a => [a.getAttribute('href'), a.innerText])")
        assert hits and "reproduction.html" in hits[0][0], f"{q}: first hits {[h[0] for h in hits[:3]]}"
        raw = [t for _, t in hits[:5] if re.search(r"\\[a-zA-Z]+|\$", t)]
        assert not raw, f"{q}: raw LaTeX in the search previews: {raw[:2]}"
        page.close()


def test_404_page_works_from_a_local_copy(browser, built_site):
    "Opened as a file, the 404 page finds its styles and scripts and links to the home page."
    page = open_page(browser, (built_site["out"] / "404.html").as_uri())
    errors = [e for e in page.errors if "/search/" not in e]     # search needs a server on any page: its index is fetched
    assert not errors, errors
    home = page.evaluate("() => document.querySelector('a.md-header__button.md-logo, a.md-logo').getAttribute('href')")
    assert (built_site["out"] / "404.html").parent.joinpath(home.split("#")[0] or ".").resolve().exists(), home
    assert page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).position") != "static", "unstyled"
    page.close()


def test_screenshots_are_regenerated_with_the_site(browser, built_site):
    "The build writes the home and Reproduction screenshots at 1,400 px (tools/screenshots/, committed)."
    import build_docs
    shots = build_docs.take_screenshots(built_site["out"], built_site["out"].parent / "shots", browser=browser)
    from PIL import Image
    for name in ("index.png", "reproduction.png"):
        assert name in {p.name for p in shots} and Image.open(shots[[p.name for p in shots].index(name)]).width == WIDTH
