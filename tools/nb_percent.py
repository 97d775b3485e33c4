"""Convert between nbdev notebooks and a plain-text 'percent' form for editing in any editor.

    python tools/nb_percent.py to-text nbs/01_potential.ipynb > /tmp/01_potential.pct
    python tools/nb_percent.py to-nb /tmp/01_potential.pct nbs/01_potential.ipynb

In the text form a line `# %%` starts a code cell and `# %% [md]` a markdown cell; everything up to the
next marker is the cell's source. The notebook stays the source of truth: convert, edit, convert back,
then run `nbdev_export` and `nbdev_clean`. Outputs are not kept by `to-nb`.
"""
import json
import sys
from pathlib import Path

CODE, MARKDOWN = "# %%", "# %% [md]"


def text_to_cells(text):
    cells, kind, lines = [], None, []
    for line in text.splitlines():
        if line in (CODE, MARKDOWN):
            if kind is not None:
                cells.append((kind, "\n".join(lines).strip("\n")))
            kind, lines = ("markdown" if line == MARKDOWN else "code"), []
        else:
            lines.append(line)
    if kind is not None:
        cells.append((kind, "\n".join(lines).strip("\n")))
    return cells


def cells_to_notebook(cells):
    def cell(kind, source):
        src = source.splitlines(keepends=True)
        base = {"cell_type": kind, "metadata": {}, "source": src}
        if kind == "code":
            base.update(execution_count=None, outputs=[])
        return base
    return {"cells": [cell(k, s) for k, s in cells],
            "metadata": {"kernelspec": {"display_name": "python3", "language": "python", "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


def notebook_to_text(nb):
    out = []
    for c in nb["cells"]:
        out.append(MARKDOWN if c["cell_type"] == "markdown" else CODE)
        out.append("".join(c["source"]))
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 3 or argv[0] not in ("to-text", "to-nb"):
        raise SystemExit(__doc__)
    command, source, destination = argv
    if command == "to-text":
        Path(destination).write_text(notebook_to_text(json.loads(Path(source).read_text())))
    else:
        nb = cells_to_notebook(text_to_cells(Path(source).read_text()))
        Path(destination).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
