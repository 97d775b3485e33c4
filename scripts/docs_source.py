"""Assemble the documentation site's sources in _docs_src/ from nbs/ and docs/, executing every notebook (cached).

    python scripts/docs_source.py [--workers 2] [--no-execute]

- nbs/index.ipynb becomes the entry page (README's "Using it" section is included verbatim, so the two cannot drift),
  with the table of contents;
- each module notebook nbs/NN_name.ipynb becomes a reference page: its prose, code and the outputs of its examples,
  then an "API" section with every exported symbol's signature, docstring and argument comments;
- the tutorials (nbs/tutorials/) and the physics page (docs/physics.ipynb) keep their figures; a tutorial's committed
  full-scale figures (docs/full_scale/) are shown on its page, marked as such;
- the results page is written from the benchmarks' own output files (bench/results/*.json).

Notebooks are executed here, two at a time, and the executed copies are kept in _docs_cache/ under a key made of the
notebook's cells and the package's sources: a rebuild executes only what changed. A notebook that fails to execute
stops the build with its name, cell and error.
"""
import argparse
import concurrent.futures
import hashlib
import importlib
import inspect
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE, CACHE, DOCS = ROOT / "_docs_src", ROOT / "_docs_cache", ROOT / "docs"
DIRECTIVE = re.compile(r"^\s*#\|\s*(\S+)(.*)$")


def _package_key() -> str:
    "A digest of the package's sources: a change to bfbnb re-executes every notebook."
    digest = hashlib.sha256()
    for path in sorted((ROOT / "bfbnb").glob("*.py")): digest.update(path.read_bytes())
    return digest.hexdigest()


def _prepared(notebook: dict) -> dict:
    "The notebook as a page: hidden cells executed but not shown, nbdev directives removed from the code shown."
    cells = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if "nbdev.nbdev_export()" in source: continue # the notebook's own export cell: not part of the page, and not run here
        if cell["cell_type"] == "code":
            lines = source.splitlines()
            directives = [m.group(1) for m in map(DIRECTIVE.match, lines) if m]
            source = "\n".join(line for line in lines if not DIRECTIVE.match(line))
            tags = ["remove-cell"] if {"hide", "default_exp", "include:", "eval:"} & set(directives) else []
            cell = {**cell, "source": source, "outputs": [], "execution_count": None, "metadata": {**cell.get("metadata", {}), "tags": tags}}
        else: cell = {**cell, "source": source}
        cells.append(cell)
    return {**notebook, "cells": cells}


def _execute(task):
    "Execute one notebook in its own kernel, in the directory of its source (as nbdev_test does); the executed notebook, or an error text."
    name, notebook, cwd = task
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    node = nbformat.from_dict(notebook)
    started = time.perf_counter()
    try: NotebookClient(node, timeout=1200, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    except CellExecutionError as error: return name, None, f"{name}: a cell failed while executing:\n{str(error)[-3000:]}", 0.0
    return name, nbformat.writes(node), None, time.perf_counter() - started


def _api_markdown(module_name: str) -> str:
    "Signature, docstring and argument comments of every exported symbol of `module_name`."
    from fastcore.docments import docments
    module = importlib.import_module(module_name)
    parts = [f"## API: `{module_name}`\n"]
    for name in getattr(module, "__all__", []):
        item = getattr(module, name)
        if not (inspect.isclass(item) or inspect.isfunction(item)):
            continue
        try: signature = str(inspect.signature(item))
        except (TypeError, ValueError): signature = "(...)"
        parts.append(f"### `{name}`\n\n```python\n{'class ' if inspect.isclass(item) else 'def '}{name}{signature}\n```\n")
        doc = inspect.getdoc(item)
        if doc: parts.append(doc.replace("\n", "\n\n") + "\n")
        try: comments = docments(item.__init__ if inspect.isclass(item) else item, full=True)
        except Exception: comments = {}
        rows = [(arg, info.get("docment")) for arg, info in comments.items() if arg not in ("self", "return") and info.get("docment")]
        if rows:
            parts.append("| argument | meaning |\n|---|---|\n" + "".join(f"| `{a}` | {m.replace('|', '/')} |\n" for a, m in rows))
    return "\n".join(parts)


def _module_of(notebook: dict) -> str | None:
    for cell in notebook["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        match = re.search(r"#\|\s*default_exp\s+(\S+)", source)
        if match: return "bfbnb." + match.group(1)
    return None


def _markdown_cell(text: str) -> dict:
    return {"cell_type": "markdown", "id": hashlib.sha256(text.encode()).hexdigest()[:8], "metadata": {}, "source": text}


def _results_page() -> str:
    "The results page, from the benchmarks' JSON files: each with its command, date and machine."
    lines = ["# Results\n", "Measured by the scripts in `bench/`, written by them to `bench/results/*.json` and turned into this page by "
             "`scripts/docs_source.py` (nothing here is typed by hand). Benchmarks on a shared machine vary by +-30 %: compare rows "
             "of one file, measured side by side.\n"]
    files = sorted((ROOT / "bench" / "results").glob("*.json"))
    if not files: raise SystemExit("docs: no benchmark results in bench/results/; run the benchmarks in bench/ (each writes its file)")
    for path in files:
        if path.stem.endswith("_rounds"): continue # every round of a benchmark: the raw data behind its summary file, too long for a page
        data = json.loads(path.read_text())
        lines.append(f"## {data['title']}\n")
        lines.append(f"`{data['command']}` — measured {data['date']} on {data['machine']}.\n")
        if data.get("note"): lines.append(data["note"] + "\n")
        columns = list(data["rows"][0])
        lines.append("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
        for row in data["rows"]:
            lines.append("| " + " | ".join(f"{v:,.4g}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v) for v in row.values()) + " |")
        lines.append("")
    return "\n".join(lines)


def _index(notebook: dict, references: list, tutorials: list) -> dict:
    readme = (ROOT / "README.md").read_text()
    usage = readme[readme.index("## Using it"):readme.index("\n## ", readme.index("## Using it") + 5)]
    cells = [c for c in _prepared(notebook)["cells"] if not (c["cell_type"] == "markdown" and c["source"].lstrip().startswith("## Notebooks"))]
    cells.append(_markdown_cell(usage.replace("## Using it", "## Using it (from README.md)", 1)))
    toc = lambda caption, entries: f"```{{toctree}}\n:maxdepth: 1\n:caption: {caption}\n\n" + "\n".join(entries) + "\n```\n"
    cells.append(_markdown_cell(toc("Physics and results", ["physics", "results"]) + "\n" + toc("Tutorials", tutorials) + "\n"
                                + toc("Reference (one page per module notebook)", references)))
    return {**notebook, "cells": cells}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-execute", action="store_true", help="assemble without executing (only cached outputs are shown)")
    arguments = parser.parse_args()
    (SOURCE / "reference").mkdir(parents=True, exist_ok=True); (SOURCE / "tutorials" / "full_scale").mkdir(parents=True, exist_ok=True)
    CACHE.mkdir(exist_ok=True)
    written = set()
    def write(relative, content):
        "Write only what changed, so that Sphinx re-reads only those pages."
        target = SOURCE / relative
        written.add(target)
        data = content if isinstance(content, bytes) else content.encode()
        if not target.exists() or target.read_bytes() != data: target.write_bytes(data)
    key = _package_key()
    pages, where = {}, {} # page path in _docs_src (no suffix) -> (notebook, module or None); -> directory it runs in
    for path in sorted((ROOT / "nbs").glob("[0-9]*.ipynb")):
        notebook = json.loads(path.read_text())
        pages[f"reference/{path.stem}"], where[f"reference/{path.stem}"] = (_prepared(notebook), _module_of(notebook)), path.parent
    for path in sorted((ROOT / "nbs" / "tutorials").glob("*.ipynb")):
        pages[f"tutorials/{path.stem}"], where[f"tutorials/{path.stem}"] = (_prepared(json.loads(path.read_text())), None), path.parent
    pages["physics"], where["physics"] = (_prepared(json.loads((DOCS / "physics.ipynb").read_text())), None), DOCS
    pages["index"] = (_index(json.loads((ROOT / "nbs" / "index.ipynb").read_text()), [p for p in pages if p.startswith("reference/")],
                             [p for p in pages if p.startswith("tutorials/")]), None)
    where["index"] = ROOT / "nbs"
    tasks, done = [], {}
    for page, (notebook, _) in pages.items():
        digest = hashlib.sha256((key + json.dumps([c["source"] for c in notebook["cells"]])).encode()).hexdigest()[:24]
        cached = CACHE / f"{page.replace('/', '__')}-{digest}.ipynb"
        if cached.exists(): done[page] = cached.read_text()
        elif not arguments.no_execute: tasks.append((page, notebook, where[page]))
        else: done[page] = json.dumps(notebook)
        pages[page] = (notebook, pages[page][1], cached)
    started = time.perf_counter()
    failures = []
    if tasks:
        print(f"docs: executing {len(tasks)} notebook(s), {len(done)} from the cache", flush=True)
        with concurrent.futures.ProcessPoolExecutor(max(1, arguments.workers)) as pool:
            for page, text, error, seconds in pool.map(_execute, tasks):
                if error: failures.append(error); continue
                print(f"  {page}: {seconds:.0f} s", flush=True)
                for stale in CACHE.glob(f"{page.replace('/', '__')}-*.ipynb"): stale.unlink()
                pages[page][2].write_text(text); done[page] = text
    if failures:
        sys.stderr.write("\n\n".join(failures) + "\n")
        raise SystemExit(f"docs: {len(failures)} notebook(s) failed to execute; fix them (nbdev_test --path nbs/...) and build again")
    for page, (notebook, module, _) in pages.items():
        executed = json.loads(done[page])
        if module: executed["cells"].append(_markdown_cell(_api_markdown(module)))
        full = DOCS / "full_scale" / Path(page).name
        if page.startswith("tutorials/") and full.is_dir():
            figures = "\n\n".join(f"![{p.stem}](full_scale/{p.name})" for p in sorted(full.glob("*.png")))
            for p in full.glob("*.png"): write(f"tutorials/full_scale/{p.name}", p.read_bytes())
            executed["cells"].insert(1, _markdown_cell("```{note}\nThe figures below the code are from the small run that the documentation build executes. "
                                                       "The same tutorial at full scale (`BFBNB_FULL=1`, too slow for CI) gave these, committed in "
                                                       f"`docs/full_scale/{full.name}/`:\n```\n\n{figures}\n"))
        write(f"{page}.ipynb", json.dumps(executed))
    write("results.md", _results_page())
    for stale in [p for p in SOURCE.rglob("*") if p.is_file() and p not in written]: stale.unlink()
    print(f"docs: sources in {SOURCE.relative_to(ROOT)} ({len(pages)} notebook pages; executed {len(tasks)} in {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    main()
