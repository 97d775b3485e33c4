"""Execute notebooks in place and keep their outputs (for notebooks whose tables and figures should be shown).

    python tools/run_notebook.py nbs/04a_robustness.ipynb [more notebooks]

Run it after editing such a notebook, then `nbdev_clean` (which keeps outputs but drops execution metadata).
Requires the dev extra (execnb). Cells marked `#| eval: false` are skipped, as in nbdev_test.
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from execnb.shell import CaptureShell


def skipped(cell):
    "Cells not to run: markdown, the export cell, and `#| eval: false` cells."
    return cell.cell_type != "code" or "nbdev_export(" in cell.source or "#| eval: false" in cell.source


def main(paths):
    for path in paths:
        shell = CaptureShell()
        shell.execute(path, dest=path, exc_stop=True, preproc=skipped)
        print(f"executed {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
