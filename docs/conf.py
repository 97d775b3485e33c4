"""Sphinx configuration of the bfbnb site (built by scripts/docs.sh: sources assembled and executed by scripts/docs_source.py)."""
project = "bfbnb"
author = "the bfbnb developers"
extensions = ["myst_nb"]
nb_execution_mode = "off"  # scripts/docs_source.py executes the notebooks, in parallel and cached
nb_output_stderr = "remove"  # TensorFlow's start-up lines are not documentation
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3
html_theme = "furo"
html_title = "bfbnb"
exclude_patterns = ["**/tutorial_figures/**", "**.ipynb_checkpoints", "_mathjax"]

# Maths offline: MathJax 3 as files from PyPI (the django-static-mathjax wheel is only its static files, no Django),
# the single self-contained SVG build copied next to the site's static files instead of the CDN Sphinx links by default.
import shutil as _shutil
from pathlib import Path as _Path

import mathjax as _mathjax_files

_static = _Path(__file__).resolve().parent.parent / "_docs_src" / "_mathjax"
_static.mkdir(parents=True, exist_ok=True)
_shutil.copy(_Path(_mathjax_files.__file__).parent / "static" / "mathjax" / "es5" / "tex-svg.js", _static / "tex-svg.js")
html_static_path = [str(_static)]
mathjax_path = "tex-svg.js"
suppress_warnings = ["myst.header"]  # nbdev notebooks step from a title (#) to sections (###); not a broken link
