#!/usr/bin/env python
"""Look at the built documentation site in a real browser.

Serves `docs/` on 127.0.0.1, renders pages in headless Chromium (Debian: `apt-get install -y chromium`),
saves screenshots under tools/screenshots/, and checks what a reader would stumble on:
math left unrendered by MathJax, images or scripts that fail to load (any 404), leftover markup.

    .venv/bin/python tools/browser_check.py                       # home, an experiment page, the reproduction page
    .venv/bin/python tools/browser_check.py --pages estimators.html --height 3000

Exits 1 when a check fails. Not part of CI (needs Chromium).
"""
from __future__ import annotations
import argparse, functools, http.server, re, shutil, subprocess, sys, tempfile, threading
from html.parser import HTMLParser
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1"]


class _Text(HTMLParser):
    "Visible text of a page (scripts, styles and MathJax's own markup left out)."
    def __init__(self):
        super().__init__(); self.parts, self.skip = [], 0
    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag in ("script", "style") or "MathJax" in cls or self.skip: self.skip += 1
    def handle_endtag(self, tag):
        if self.skip: self.skip -= 1
    def handle_data(self, data):
        if not self.skip: self.parts.append(data)


def serve(site: Path):
    "Serve `site` on a free localhost port in a thread; returns (server, url, list of failed paths)."
    failed = []
    class H(http.server.SimpleHTTPRequestHandler):
        def log_message(self, fmt, *args):
            if len(args) > 1 and str(args[1]).startswith(("4", "5")): failed.append(f"{args[1]} {self.path}")
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(H, directory=str(site)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}/", failed


def chromium(args: list[str], profile: Path, timeout: int = 90) -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None: sys.exit("chromium not found: apt-get update && apt-get install -y chromium")
    r = subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                       timeout=timeout)
    return r.stdout


def shrink(png: Path):
    "Quantize a screenshot to a 256-colour PNG to keep the committed files small."
    try:
        from PIL import Image
        Image.open(png).convert("RGB").quantize(256).save(png, optimize=True)
    except ImportError: pass


def check_page(url: str, page: str, shot: Path, profile: Path, width: int, height: int) -> list[str]:
    "Screenshot `page` and return the problems found in its rendered DOM."
    wait = ["--virtual-time-budget=15000", "--run-all-compositor-stages-before-draw"]
    chromium([*wait, f"--screenshot={shot}", f"--window-size={width},{height}", url + page], profile)
    if shot.exists(): shrink(shot)
    dom = chromium([*wait, "--dump-dom", url + page], profile)
    problems = []
    if not dom.strip(): return [f"{page}: empty DOM"]
    math_src = len(re.findall(r'type="math/tex', dom))
    rendered = len(re.findall(r'class="MathJax(?:_Display)?"', dom))
    if math_src and not rendered: problems.append(f"{page}: {math_src} formulas found by MathJax but none rendered")
    if re.search(r'class="[^"]*\b(merror|MathJax_Error)\b', dom): problems.append(f"{page}: a MathJax error is shown")
    p = _Text(); p.feed(dom); text = "".join(p.parts)
    if re.search(r'(?<![\w$])\$[^$\n]{1,80}\\[a-zA-Z]+[^$\n]*\$', text):
        problems.append(f"{page}: raw TeX with $ delimiters left in the text")
    for pat, what in ((r'(?m)^\s*#\|', "a directive line"), (r'(?m)^\s*:::', "a ::: fence"),
                      (r'(?m)^\s*output-file:', "raw front matter"), ("Traceback (most recent call last)", "a traceback")):
        if re.search(pat, text): problems.append(f"{page}: {what} in the visible text")
    print(f"{page}: {rendered} formulas rendered by MathJax ({math_src} found), screenshot {shot} "
          f"({shot.stat().st_size // 1024 if shot.exists() else 0} KiB)")
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", default="docs", help="built site folder (default: docs)")
    ap.add_argument("--out", default="tools/screenshots", help="screenshot folder (default: tools/screenshots)")
    ap.add_argument("--pages", nargs="*", default=["index.html", "exp.toy.html", "reproduction.html"],
                    help="pages to render, relative to the site root")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=2000)
    a = ap.parse_args(argv)
    site, out = Path(a.site), Path(a.out)
    if not (site / "index.html").is_file(): sys.exit(f"no site at {site}: build it with `python tools/build_docs.py`")
    out.mkdir(parents=True, exist_ok=True)
    srv, url, failed = serve(site)
    problems = []
    try:
        with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
            for page in a.pages:
                if not (site / page).is_file(): problems.append(f"{page}: no such page"); continue
                shot = out / (Path(page).stem.replace(".", "_") + ".png")
                problems += check_page(url, page, shot, Path(profile), a.width, a.height)
            # search, offline: Material opens its search with ?q= and lists the hits from search/search_index.json
            dom = chromium(["--virtual-time-budget=15000", "--dump-dom", url + "index.html?q=gumbel"], Path(profile))
            hits = len(re.findall(r'class="md-search-result__item', dom))
            print(f"search for 'gumbel': {hits} results listed")
            if not hits: problems.append("search: no results for 'gumbel'")
    finally:
        srv.shutdown()
    problems += [f"failed request: {f}" for f in sorted(set(failed))]
    for p in problems: print("PROBLEM:", p)
    print("ok" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
