#!/usr/bin/env bash
# Build the documentation site into _docs/ from nbs/ and docs/ (open _docs/index.html in a browser).
# Works offline once the dev extra is installed: a virtual environment .venv is made with it if missing.
# Notebooks are executed with a cache (_docs_cache/): a rebuild executes only what changed. The build fails
# on a notebook that does not execute and on any Sphinx warning (a broken link or cross-reference).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
start=$(date +%s)
"$VENV/bin/python" -c "import sphinx, myst_nb, furo, nbclient, mathjax, bfbnb" >/dev/null 2>&1 || make_venv
export PATH="$PWD/$VENV/bin:$PATH"
python scripts/docs_source.py "$@"
python -m sphinx -W --keep-going -q -b html -c docs _docs_src _docs
echo "docs: the site is in _docs/ (open _docs/index.html); built in $(( $(date +%s) - start )) s"
