#!/usr/bin/env python
"""Render README.md from the home-page notebook `nbs/index.ipynb` (markdown cells, shown code and its text outputs):

    python tools/render_readme.py            # write README.md
    python tools/render_readme.py --check    # exit 1 if README.md is not what the notebook renders to
"""
from __future__ import annotations
import argparse, sys
from pathlib import Path
import nbformat
from doc_pages import split_directives

HEADER = "<!-- Generated from nbs/index.ipynb by `python tools/render_readme.py`; edit the notebook, not this file. -->\n\n"


def _text_output(cell) -> str:
    "The printed text and plain-text results of a code cell."
    return "".join(o.get("text", "") if o.output_type == "stream" else o.get("data", {}).get("text/plain", "")
                   for o in cell.get("outputs", []) if o.output_type in ("stream", "execute_result"))


def _markdown_output(cell) -> str:
    "The Markdown that a code cell displays (`display(Markdown(...))`), shown as Markdown."
    return "\n\n".join(o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", [])
                       if o.output_type in ("display_data", "execute_result") and "text/markdown" in o.get("data", {}))


def render_readme(index_nb: str | Path = "nbs/index.ipynb", # the home-page notebook
                 ) -> str:
    "Markdown for README.md: markdown cells as they are, shown code cells as Python blocks followed by their text output, displayed Markdown as Markdown."
    parts = []
    for cell in nbformat.read(str(index_nb), as_version=4).cells:
        if cell.cell_type == "markdown": parts.append(cell.source.strip()); continue
        directives, code = split_directives(cell.source) if cell.cell_type == "code" else ({"hide": ""}, "")
        if "hide" in directives: continue
        if code.strip() and directives.get("echo") != "false": parts.append(f"```python\n{code.strip()}\n```")
        if _markdown_output(cell).strip(): parts.append(_markdown_output(cell).strip())
        if _text_output(cell).strip(): parts.append(f"```\n{_text_output(cell).rstrip()}\n```")
    return HEADER + "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None, # command line arguments; `None` reads `sys.argv`
        ) -> int:
    "Write README.md, or with `--check` report whether it is up to date (exit 1 if not)."
    ap = argparse.ArgumentParser(description="Render README.md from nbs/index.ipynb.")
    ap.add_argument("--index", default="nbs/index.ipynb"); ap.add_argument("--output", default="README.md")
    ap.add_argument("--check", action="store_true", help="exit 1 if the README is not what the notebook renders to")
    a = ap.parse_args(argv)
    text, out = render_readme(a.index), Path(a.output)
    if not a.check:
        out.write_text(text, encoding="utf-8"); print(f"wrote {out}"); return 0
    if out.is_file() and out.read_text(encoding="utf-8") == text: return 0
    print(f"{out} is out of date: run `python tools/render_readme.py`", file=sys.stderr)
    return 1


if __name__ == "__main__": sys.exit(main())
