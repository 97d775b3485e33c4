"""Convert between nbdev notebooks and a plain-text 'percent' form for editing in any editor.

    python tools/nb_percent.py to-text nbs/01_potential.ipynb > /tmp/01_potential.pct
    python tools/nb_percent.py to-nb /tmp/01_potential.pct nbs/01_potential.ipynb

In the text form a line `# %%` starts a code cell and `# %% [md]` a markdown cell; everything up to the
next marker is the cell's source, with markdown lines written as comments (`# ` in front, as jupytext
does). The notebook stays the source of truth: convert, edit, convert back, then run `nbdev_export` and
`nbdev_clean`. `to-nb` keeps the cell ids of an existing destination notebook (by position) so exported
modules do not churn; outputs are not kept.
"""
import hashlib
import json
import sys
from pathlib import Path

CODE, MARKDOWN = "# %%", "# %% [md]"


def _uncomment(line):
    if line.startswith("# "): return line[2:]
    if line == "#": return ""
    raise SystemExit(f"markdown line without '# ' in front: {line!r}")


def text_to_cells(text):
    cells, kind, lines = [], None, []
    def close():
        if kind is None: return
        body = [_uncomment(l) for l in lines] if kind == "markdown" else lines
        cells.append((kind, "\n".join(body).strip("\n")))
    for line in text.splitlines():
        if line in (CODE, MARKDOWN):
            close()
            kind, lines = ("markdown" if line == MARKDOWN else "code"), []
        elif kind == "markdown" and not line.strip():
            lines.append("#")
        else:
            lines.append(line)
    close()
    return cells


def cells_to_notebook(cells, name, old_ids=()):
    def cell(index, kind, source):
        src = source.splitlines(keepends=True)
        cell_id = old_ids[index] if index < len(old_ids) else hashlib.sha1(f"{name}:{index}".encode()).hexdigest()[:8]
        base = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": src}
        if kind == "code":
            base.update(execution_count=None, outputs=[])
        return base
    return {"cells": [cell(i, k, s) for i, (k, s) in enumerate(cells)],
            "metadata": {"kernelspec": {"display_name": "python3", "language": "python", "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


def notebook_to_text(nb):
    out = []
    for c in nb["cells"]:
        source = "".join(c["source"])
        if c["cell_type"] == "markdown":
            out.append(MARKDOWN)
            out.append("\n".join(("# " + l) if l else "#" for l in source.splitlines()))
        else:
            out.append(CODE)
            out.append(source)
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 3 or argv[0] not in ("to-text", "to-nb"):
        raise SystemExit(__doc__)
    command, source, destination = argv
    if command == "to-text":
        Path(destination).write_text(notebook_to_text(json.loads(Path(source).read_text())))
    else:
        old = Path(destination)
        old_ids = [c.get("id") for c in json.loads(old.read_text())["cells"]] if old.exists() else []
        nb = cells_to_notebook(text_to_cells(Path(source).read_text()), old.stem, [i for i in old_ids if i])
        old.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
