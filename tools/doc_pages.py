"""From a notebook to the notebook a documentation page shows (tooling for `tools/build_docs.py`; not installed).

Every page is its notebook in `nbs/` with its committed outputs, which `tools/execute_in_place.py` keeps equal to
what the code computes (an experiment notebook runs at smoke scale there, and shows the committed cpu-scale report in
its last section). nbdev's own processors apply the directives and render the API reference (`process_notebook`), and
`clean_notebook` removes what only Quarto would interpret. `empty_display_cells` finds the cells a reader would see
without the output they exist to show.
"""
from __future__ import annotations
import ast, html, json, re, shutil
from pathlib import Path
import yaml

__all__ = ["page_name", "list_notebooks", "split_directives", "frontmatter_to_markdown",
           "clean_code_cell", "dash_missing", "clean_markdown", "make_linker", "clean_notebook", "default_exp", "fix_source_links",
           "order_show_docs", "plain_signatures", "local_links", "module_names", "process_notebook", "is_display_cell", "empty_display_cells", "LINK"]


def _source(cell: dict) -> str:
    "A cell's source as one string (nbformat allows a list of lines)."
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def page_name(nb: str | Path, # a notebook path, e.g. `nbs/30_exp.toy.ipynb`
             ) -> str:
    "The page nbdev names for notebook `nb`: number prefix dropped, lower case (`30_exp.toy.ipynb` -> `exp.toy.html`)."
    p = Path(nb)
    if p.suffix != ".ipynb": raise ValueError(f"nb must be a .ipynb path, got {str(nb)!r}")
    return re.sub(r'^\d+[a-zA-Z0-9]*_', '', p.name.lower())[:-len(".ipynb")] + ".html"


def list_notebooks(nbs_path: str | Path = "nbs", # folder holding the notebooks
                  ) -> list[Path]:
    "Notebooks under `nbs_path` in nbdev order (sorted path), skipping names that start with `_` or `.` and `runs/` outputs."
    root = Path(nbs_path)
    if not root.is_dir(): raise ValueError(f"nbs_path is not a folder: {str(nbs_path)!r}")
    skip = lambda p: any(part.startswith(("_", ".")) or part == "runs" for part in p.relative_to(root).parts)
    return sorted((p for p in root.rglob("*.ipynb") if not skip(p)), key=lambda p: p.relative_to(root).as_posix())


_DIRECTIVE = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')

def split_directives(src: str, # source of a code cell
                    ) -> tuple[dict, str]:
    "Directive comments (`#| key: value`) of a code cell as `{key: value}` (lower case keys), and the source without them."
    found, keep = {}, []
    for line in src.splitlines():
        m = _DIRECTIVE.match(line)
        if m: found[m.group(1).lower()] = m.group(2)
        else: keep.append(line)
    return found, "\n".join(keep).strip("\n")


_FRONT_MATTER = re.compile(r'^\s*---[ \t]*\n(.*?)\n---\s*$', re.S)

def frontmatter_to_markdown(src: str, # text of a raw cell
                           ) -> tuple[str | None, dict]:
    "Markdown title and summary for a YAML front matter cell, with the parsed fields; `(None, {})` if `src` is none."
    m = _FRONT_MATTER.match(src)
    if not m: return None, {}
    try: meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError: return None, {}
    if not isinstance(meta, dict): return None, {}
    parts = [f"# {meta['title']}"] if meta.get("title") else []
    if meta.get("description"): parts.append(f"> {meta['description']}")
    return "\n\n".join(parts), meta


def _is_progress_bar(output: dict) -> bool:
    "tqdm's noise on stderr: a bar redrawn with carriage returns or showing a rate, its `TqdmWarning`, blank lines."
    text = "".join(output.get("text", "")) if output.get("output_type") == "stream" else ""
    bar = "\r" in text or re.search(r'\d(it/s|s/it)\]', text) is not None
    return output.get("name") == "stderr" and (bar or "TqdmWarning" in text or not text.strip())


def _is_noise(output: dict) -> bool:
    "What a page leaves out of a cell's outputs: anything written to stderr (progress bars, warnings, profiler notes)."
    return output.get("output_type") == "stream" and output.get("name") == "stderr"


_MISSING_HTML = re.compile(r'(<t[dh][^>]*>)\s*(?:nan|NaN|None|<NA>|&lt;NA&gt;)\s*(</t[dh]>)')
_MISSING_MD = re.compile(r'(?<=\|)[ \t]*(?:nan|NaN|None)[ \t]*(?=\|)')

def dash_missing(output: dict, # an output of a code cell (changed in place)
                ) -> dict:
    "Table cells with a missing value (`nan`, `None`) read `—` in HTML and Markdown outputs (pandas writes `NaN`)."
    data = output.get("data", {})
    if "text/html" in data:
        html_ = data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"])
        data["text/html"] = _MISSING_HTML.sub(r"\1—\2", html_)
    if "text/markdown" in data:
        md = data["text/markdown"] if isinstance(data["text/markdown"], str) else "".join(data["text/markdown"])
        data["text/markdown"] = _MISSING_MD.sub(" — ", md)
    return output


def clean_code_cell(cell: dict, # a code cell of a processed notebook (changed in place)
                   ) -> dict | None:
    "Apply the directives nbdev leaves (`include`, `output`, `echo`) and drop stderr (`_is_noise`); `None` drops the cell."
    found, code = split_directives(_source(cell))
    false = lambda k: str(found.get(k, "")).strip().lower() == "false"
    if false("include"): return None
    cell["outputs"] = [] if false("output") else [dash_missing(o) for o in cell.get("outputs", []) if not _is_noise(o)]
    if false("echo"):
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "remove_input" not in tags: tags.append("remove_input")
    cell["source"] = code
    return cell if code.strip() or cell["outputs"] else None


LINK = re.compile(r'(!?\[(?:[^\[\]]|\[[^\]]*\])*\]\()\s*<?([^)\s>]+)>?(\s+"[^"]*")?\)')   # [text](target "title")
_ATTR_HTML = re.compile(r'''(\b(?:src|href)=)(["'])([^"']+)\2''')
_SOURCE_LINK = re.compile(r'\[source\]\(([^)\s]+)\)\{[^}\n]*\}')

def _clean_line(line: str, link=None) -> str:
    "One markdown line outside code fences: Quarto attributes dropped, headings made plain, link targets rewritten."
    line = re.sub(r'^(#{1,6}\s.*?)\s*\{[#.][^}]*\}\s*$', r'\1', line)
    if re.match(r'\s*#{1,6}\s', line):   # headings: no links; inline code as HTML, which the page's TOC keeps
        line = re.sub(r'(?<!!)\[([^\]]*)\]\([^)]*\)', r'\1', line)
        line = re.sub(r'`([^`]+)`', lambda m: f"<code>{html.escape(m.group(1))}</code>", line)
    line = re.sub(r'(\]\([^)]*\))\{[^}\n]*\}', r'\1', line)
    if link is None: return line
    line = LINK.sub(lambda m: f"{m.group(1)}{link(m.group(2))}{m.group(3) or ''})", line)
    return _ATTR_HTML.sub(lambda m: f"{m.group(1)}{m.group(2)}{link(m.group(3))}{m.group(2)}", line)


def clean_markdown(text: str, # markdown of a cell or a `text/markdown` output
                   link=None, # `link(target) -> target` to rewrite link and image targets; `None` keeps them
                  ) -> str:
    "Drop Quarto markup a browser would show raw (fenced-div markers, `{...}` attributes) and rewrite link targets."
    text = _SOURCE_LINK.sub(lambda m: f'<a class="gr-source" href="{m.group(1)}">source</a>', text)
    out, fence = [], None
    for line in text.splitlines():
        f = re.match(r'(`{3,}|~{3,})', line.lstrip())
        if f and (fence is None or line.lstrip().startswith(fence)): fence = f.group(1) if fence is None else None
        elif fence is None:
            if re.match(r'\s*:{3,}', line): continue
            line = _clean_line(line, link)
        out.append(line)
    return "\n".join(out)


def make_linker(nbs_dir: Path, # folder relative links in notebooks are relative to
                roots: list, # folders whose files may be copied into the site (the repository root)
                dest: Path, # site source folder the linked files are copied into
                pages: dict, # notebook file name -> page name
                doc_url: str = "", # nbdev's doc URL (doc_host + doc_baseurl), rewritten to local pages
               ):
    "A `link(target, base=nbs_dir) -> target` that maps notebook and doc links to pages and copies linked files."
    nbs_dir, dest, roots = Path(nbs_dir).resolve(), Path(dest), [Path(r).resolve() for r in roots]
    doc_url, local = doc_url.rstrip("/"), set(pages.values())
    def link(t: str, base: Path | None = None) -> str:
        if doc_url and t.startswith(doc_url + "/"):
            rest = t[len(doc_url) + 1:]
            return rest if rest.split("#")[0] in local else t
        if re.match(r'^[a-zA-Z][a-zA-Z0-9+.-]*:|^/|^#', t): return t
        path, sep, frag = t.partition("#")
        src = (Path(base or nbs_dir) / path).resolve()
        if path.endswith(".ipynb") and Path(path).name in pages and nbs_dir in src.parents:
            return pages[Path(path).name] + sep + frag
        top = next((r for r in roots if r in src.parents), None)
        if not src.is_file() or top is None:
            if not src.exists(): link.missing.append(t)
            return t
        (dest / src.relative_to(top)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest / src.relative_to(top))
        return src.relative_to(top).as_posix() + sep + frag
    link.missing = []   # relative targets that exist nowhere: broken links the build reports
    return link


def _source_of(output: dict) -> str:
    "The `text/markdown` of an output as one string."
    md = output["data"]["text/markdown"]
    return md if isinstance(md, str) else "".join(md)


def _clean_cell(cell: dict, link=None) -> tuple[dict | None, str | None]:
    "One processed cell ready for the page, and the title it declares (front matter or a `# ` heading), if any."
    src = _source(cell)
    if cell["cell_type"] == "raw":
        md, meta = frontmatter_to_markdown(src)
        return ({"cell_type": "markdown", "id": "gr-title", "metadata": {}, "source": md}, meta.get("title")) \
            if md is not None else (None, None)
    if cell["cell_type"] == "code":
        cell = clean_code_cell(cell)
        for o in (cell or {}).get("outputs", []):
            if "text/markdown" in o.get("data", {}): o["data"]["text/markdown"] = clean_markdown(_source_of(o), link)
        return cell, None
    if not re.sub(r'<!--.*?-->', '', src, flags=re.S).strip(): return None, None   # nbdev's "do not edit" comment
    cell["source"] = clean_markdown(src, link)
    m = re.search(r'^#\s+(.+?)\s*$', cell["source"], re.M)
    return cell, m.group(1) if m else None


def clean_notebook(nb: dict, # a notebook processed by nbdev (changed in place)
                   link=None, # link rewriter from `make_linker`
                  ) -> tuple[dict, str | None]:
    "Front matter to a title cell, directives applied, markup cleaned and links rewritten; returns (nb, title)."
    cells, title = [], None
    for cell in nb["cells"]:
        cell, t = _clean_cell(cell, link)
        if cell is not None: cells.append(cell)
        title = title or t
    for i, c in enumerate(cells):   # deterministic ids (nbdev's show_doc cells get random ones): a rebuild is byte-stable
        if not str(c.get("id", "")).startswith("gr-"): c["id"] = f"cell-{i}"
    nb["cells"], nb["nbformat"], nb["nbformat_minor"] = cells, 4, max(5, nb.get("nbformat_minor", 5))
    return nb, title


def default_exp(nb_path: str | Path, # a notebook
               ) -> str | None:
    "The module named by the notebook's `default_exp` directive, or `None`."
    cells = json.loads(Path(nb_path).read_text(encoding="utf-8"))["cells"]
    found = [split_directives(_source(c))[0].get("default_exp") for c in cells if c["cell_type"] == "code"]
    return next((m.split()[0] for m in found if m), None)


def _definition_line(path: Path, # a Python file
                     name: str, # a top-level name, or `Class.method`
                    ) -> int | None:
    "The line where `name` is defined in `path` (its first decorator's line, as `inspect` gives), or `None`."
    try: body = ast.parse(Path(path).read_text(encoding="utf-8")).body
    except (OSError, SyntaxError, ValueError): return None
    node = None
    for part in name.split("."):
        defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        node = next((n for n in body if isinstance(n, defs) and n.name == part), None)
        if node is None:
            node = next((n for n in body if isinstance(n, (ast.Assign, ast.AnnAssign)) and part in
                         {t.id for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}), None)
            return node.lineno if node is not None and part == name.split(".")[-1] else None
        body = node.body
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def _module_file(root: Path, module: str) -> Path:
    "The source file of `module` (`a.b.c`) under the repository `root`: `a/b/c.py` or `a/b/c/__init__.py`."
    base = Path(root) / Path(*module.split("."))
    return base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"


def _source_url(module: str, name: str, root: Path, blob_url: str) -> str | None:
    """The blob URL of the line where `name` is defined: in `module` if it defines it, else in the module the imported
    object names as its home; read from the files under `root`, so the same from any copy of the repository."""
    import importlib, inspect
    candidates = [module]
    try:
        obj = importlib.import_module(module)
        for part in name.split("."): obj = getattr(obj, part)
        home = getattr(inspect.unwrap(obj), "__module__", None)
        if home and home != module: candidates.append(home)
    except Exception: pass
    for mod in candidates:
        path = _module_file(root, mod)
        line = _definition_line(path, name)
        if line is not None: return f"{blob_url}/{path.relative_to(Path(root)).as_posix()}#L{line}"
    return None


def fix_source_links(nb: dict, # a processed notebook (changed in place)
                     module: str, # the notebook's module, e.g. `gumbel_rao.experiments.toy`
                     root: Path, # repository root, for paths in the links
                     blob_url: str, # e.g. `https://github.com/<user>/<repo>/blob/main`
                    ) -> int:
    "Point each `show_doc` source link at the definition in `module` (or the name's home module); returns how many changed."
    changed = 0
    for o in (o for c in nb["cells"] for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})):
        md = _source_of(o)
        m = re.search(r'^#{2,4} (\S+)\s*$', md, re.M)
        url = _source_url(module, m.group(1), root, blob_url) if m and 'class="gr-source"' in md else None
        if url is None: continue
        new = re.sub(r'(<a class="gr-source" href=")[^"]*(")', lambda k: k.group(1) + url + k.group(2), md, count=1)
        changed += new != md
        o["data"]["text/markdown"] = new
    return changed


_CODE_LINK = re.compile(r'\[`([^`\]]+)`\]\(([^)\s]+)\)')

def plain_signatures(nb: dict, # a processed notebook (changed in place)
                    ) -> int:
    "Inside the code blocks of `show_doc` outputs, nbdev's Markdown links (`` [`f`](url) ``) become the plain name."
    changed = 0
    def plain(block): return _CODE_LINK.sub(lambda m: m.group(1), block.group(0))
    for o in (o for c in nb["cells"] for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})):
        md = _source_of(o)
        new = re.sub(r'(?ms)^(`{3,}).*?^\1', plain, md)
        changed += new != md
        o["data"]["text/markdown"] = new
    return changed


def local_links(nb: dict, # a processed notebook (changed in place)
                names: set, # the names the notebook's module defines
                doc_url: str, # nbdev's doc URL (doc_host + doc_baseurl)
               ) -> int:
    "Point nbdev's links to a name the page's own module defines at its entry on this page (nbdev takes the first module it meets)."
    pat = re.compile(rf'(\[`([^`\]]+)`\]\(){re.escape(doc_url.rstrip("/"))}/[^)#\s]+#([^)\s]+)\)')
    changed = 0
    def fix(m):
        nonlocal changed
        if m.group(2).split(".")[-1] not in names and m.group(2) not in names: return m.group(0)
        changed += 1
        return f"{m.group(1)}#{m.group(3)})"
    for c in nb["cells"]:
        if c["cell_type"] == "markdown": c["source"] = pat.sub(fix, _source(c))
        for o in c.get("outputs", []):
            if "text/markdown" in o.get("data", {}): o["data"]["text/markdown"] = pat.sub(fix, _source_of(o))
    return changed


def module_names(root: Path, # repository root
                 module: str, # e.g. `gumbel_rao.experiments.vae`
                ) -> set:
    "The names defined at the top level of `module`'s source file under `root` (functions, classes, assignments)."
    try: body = ast.parse(_module_file(root, module).read_text(encoding="utf-8")).body
    except (OSError, SyntaxError): return set()
    names = {n.name for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    for n in body:
        targets = n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(n, ast.AnnAssign) else []
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _source_position(cell: dict) -> tuple | None:
    "(file, line) that a rendered `show_doc` cell's source link points at, or `None`."
    for o in cell.get("outputs", []):
        m = re.search(r'class="gr-source" href="[^"]*?/([^/"#]+)#L(\d+)"', o.get("data", {}).get("text/markdown", ""))
        if m: return (m.group(1), int(m.group(2)))


def order_show_docs(nb: dict, # a processed notebook, source links fixed (changed in place)
                   ) -> dict:
    "Sort each run of consecutive `show_doc` cells by the file and line their source links point at."
    is_doc = lambda c: c["cell_type"] == "code" and _source(c).startswith("show_doc(") and _source_position(c) is not None
    cells, out, i = nb["cells"], [], 0
    while i < len(cells):
        j = i
        while j < len(cells) and is_doc(cells[j]): j += 1
        if j > i: out += sorted(cells[i:j], key=_source_position); i = j
        else: out.append(cells[i]); i += 1
    nb["cells"] = out
    return nb


def process_notebook(nb_path: str | Path, # notebook to process
                     show_docs: bool = True, # execute the `show_doc` cells (API reference)
                    ) -> dict:
    "The notebook after nbdev's documentation processors (hidden and export cells gone, API reference rendered)."
    from execnb.nbio import read_nb, nb2str
    from nbdev.processors import FilterDefaults
    from nbdev.process import NBProcessor
    nb = read_nb(nb_path)
    procs = FilterDefaults().procs()
    if not show_docs: procs = [p for p in procs if getattr(p, "__name__", "") != "exec_show_docs"]
    NBProcessor(nb=nb, procs=procs).process()
    return json.loads(nb2str(nb))


_SHOW_CALLS = {"display", "print", "show", "Image", "Markdown", "HTML", "show_doc"}
_QUIET_PREFIXES = ("test_", "assert_")   # calls made for their effect: tests, the export, backward passes, closing figures, seeding
_QUIET_CALLS = {"nbdev_export", "backward", "close", "savefig", "seed", "manual_seed", "set_num_threads"}

def _call_name(node) -> str | None:
    "`f` for a call `f(...)` or `a.b.f(...)`; `None` for anything else."
    if not isinstance(node, ast.Call): return None
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _top_level_calls(tree: ast.Module) -> list[str]:
    "Names of the calls a cell makes when it runs (not those inside the functions or classes it defines)."
    names, todo = [], list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)): continue
        if (name := _call_name(node)) is not None: names.append(name)
        todo.extend(ast.iter_child_nodes(node))
    return names


def is_display_cell(src: str, # source of a code cell, directives included
                   ) -> bool:
    """Whether a code cell exists to show something: it is shown on the page (no `hide`, `export*` or `include: false`
    directive) and either calls `display`, `print`, `plt.show`, `Image`, `Markdown`, `HTML` or `show_doc` when it runs,
    or ends in a bare expression (not ended by `;`) that is not a call made for its effect: a `test_*` function,
    `nbdev_export`, `backward`, `close`, `savefig`, `seed`, `manual_seed` or `set_num_threads`."""
    found, code = split_directives(src)
    if "hide" in found or any(k.startswith("export") for k in found) or found.get("include", "").lower() == "false":
        return False
    code = "\n".join(l for l in code.splitlines() if not l.lstrip().startswith(("%", "!")))   # IPython magics
    try: tree = ast.parse(code)
    except SyntaxError: return False
    if not tree.body: return False
    if _SHOW_CALLS & set(_top_level_calls(tree)): return True
    last = tree.body[-1]
    name = _call_name(last.value) if isinstance(last, ast.Expr) else None
    quiet = not isinstance(last, ast.Expr) or name in _QUIET_CALLS or (name or "").startswith(_QUIET_PREFIXES)
    return not quiet and not code.rstrip().endswith(";")


def _shows_something(output: dict) -> bool:
    "An output a reader sees as a result: not a progress bar, not the bare repr of a figure that was not drawn."
    plain = "".join(output.get("data", {}).get("text/plain", ""))
    if output.get("output_type") == "error": return True
    return not _is_progress_bar(output) and not (set(output.get("data", {})) == {"text/plain"} and plain.startswith("<Figure size"))


def empty_display_cells(nb: dict, # a notebook as a dict (raw, or processed for its page)
                       ) -> list[str]:
    "The last line of each display cell (see `is_display_cell`) that has no output to show."
    return [(_source(c).strip().splitlines() or [""])[-1][:80] for c in nb["cells"]
            if c["cell_type"] == "code" and is_display_cell(_source(c))
            and not any(_shows_something(o) for o in c.get("outputs", []))]
