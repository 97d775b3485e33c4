#!/usr/bin/env bash
# The whole test suite, as CI runs it: a fresh virtual environment with the package and its dev extra,
# then (1) notebooks and package in sync and notebooks clean, (2) every notebook executed, (3) the documentation site
# built (scripts/docs.sh), (4) pytest, browser tests of the dashboard and the site included.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
make_venv
export PATH="$PWD/$VENV/bin:$PATH"

echo "== notebooks and package in sync (nbdev_export, nbdev_clean change nothing)"
snapshot() { git ls-files --cached --others --exclude-standard -- nbs bfbnb | sort | while read -r f; do [ -f "$f" ] && sha1sum "$f"; done; }
before=$(snapshot)
nbdev_export
nbdev_clean
after=$(snapshot)
if [ "$before" != "$after" ]; then
  echo "FAILED: nbdev_export or nbdev_clean changed these files; the notebooks in nbs/ are the source of truth."
  echo "Edit the notebook, run nbdev_export and nbdev_clean, and commit both:"
  diff <(echo "$before") <(echo "$after") || true
  exit 1
fi

echo "== notebook tests (nbdev_test, slow cells included)"
count=$(find nbs -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' -not -name '_*' | wc -l)
if [ "$count" -eq 0 ]; then echo "FAILED: no notebook found in nbs/"; exit 1; fi
log=$(mktemp)
if ! nbdev_test --flags slow --n_workers 2 --timing 2>&1 | tee "$log"; then echo "FAILED: notebook tests"; exit 1; fi
if grep -q "No files were eligible" "$log" || grep -q "nbdev Tests Failed" "$log"; then echo "FAILED: notebook tests ($count notebooks)"; exit 1; fi
echo "$count notebooks passed"

echo "== the network, witness and scores notebooks and tests again under the JAX backend"
for nb in nbs/05_network.ipynb nbs/05a_witness.ipynb nbs/06_scores.ipynb; do
  if ! KERAS_BACKEND=jax nbdev_test --path "$nb" 2>&1 | tee "$log"; then echo "FAILED: $nb under JAX"; exit 1; fi
  if grep -q "nbdev Tests Failed" "$log"; then echo "FAILED: $nb under JAX"; exit 1; fi
done
KERAS_BACKEND=jax python -m pytest tests/test_network.py tests/test_scores.py -q -p no:cacheprovider

echo "== Chromium for the browser tests (Debian's package: Playwright cannot download a browser here)"
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo -n"
  $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null || echo "could not install chromium"
fi
export BFBNB_REQUIRE_BROWSER=${BFBNB_REQUIRE_BROWSER:-1}  # the browser tests fail (not skip) without it

echo "== the documentation site (bash scripts/docs.sh: every notebook executed, cached in _docs_cache/; a warning fails it)"
docs_start=$(date +%s)
if ! bash scripts/docs.sh; then echo "FAILED: the documentation site does not build"; exit 1; fi
echo "docs: $(( $(date +%s) - docs_start )) s"

echo "== pytest"
rm -f tests/output/browser/timings.txt
python -m pytest tests/ -m "" -p no:cacheprovider "$@"
if [ -f tests/output/browser/timings.txt ]; then echo "== dashboard in the browser: $(cat tests/output/browser/timings.txt)"; fi
