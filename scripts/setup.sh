#!/usr/bin/env bash
# Prepare this machine for PACT: Debian packages (when root), the Python virtual environment and the
# Node tools. Idempotent and quick when nothing changed.   usage: scripts/setup.sh run|test
set -euo pipefail
cd "$(dirname "$0")/.."

profile=${1:-run}
PYTHON=${PYTHON:-python3}

# tesseract: OCR for templates and scans. chromium: the browser the UI tests drive (Playwright's own
# browser download cannot work on our machines, so tests use Debian's).
packages="tesseract-ocr tesseract-ocr-eng"
# libzbar0, libdmtx0b: the decoders bench/codes.py compares zxing-cpp with (not used by the app).
[ "$profile" = test ] && packages="$packages chromium libzbar0 libdmtx0b"

missing=""
for package in $packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "setup: PACT needs these Debian packages:$missing" >&2
    echo "setup: install them with: sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi

# Python: a virtual environment, reinstalled only when the requirement files change.
stamp=.venv/.pact-requirements
wanted=$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "setup: installing Python packages"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements-dev.txt
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$wanted" > "$stamp"
fi

# Node: Azurite and the front-end libraries (pinned in package-lock.json).
node_stamp=node_modules/.pact-lock
wanted_node=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$node_stamp" 2>/dev/null)" != "$wanted_node" ]; then
  echo "setup: installing Node packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$wanted_node" > "$node_stamp"
fi

# Front-end libraries: copied from node_modules (so they follow the lock) into web/vendor/, which the
# web app loads from its own origin, never from a CDN. A copy on every run is cheap and never stale.
vendor=web/vendor
rm -rf "$vendor.tmp" && mkdir -p "$vendor.tmp/tabulator"
tabulator=node_modules/tabulator-tables/dist
# .js rather than .mjs: Static Web Apps and devhost both serve .js as JavaScript, which module scripts need.
cp "$tabulator/js/tabulator_esm.min.mjs" "$vendor.tmp/tabulator/tabulator_esm.min.js"
cp "$tabulator/css/tabulator_simple.min.css" "$vendor.tmp/tabulator/tabulator.min.css"
cp node_modules/tabulator-tables/LICENSE "$vendor.tmp/tabulator/LICENSE"
# pdf.js: the library, its worker (a module worker from our origin, so `script-src 'self'` holds), and the
# font data it reads for PDFs that do not embed their fonts.
pdfjs=node_modules/pdfjs-dist
mkdir -p "$vendor.tmp/pdfjs"
cp "$pdfjs/build/pdf.min.mjs" "$vendor.tmp/pdfjs/pdf.min.js"
cp "$pdfjs/build/pdf.worker.min.mjs" "$vendor.tmp/pdfjs/pdf.worker.min.js"
cp -r "$pdfjs/standard_fonts" "$pdfjs/cmaps" "$vendor.tmp/pdfjs/"
cp "$pdfjs/LICENSE" "$vendor.tmp/pdfjs/LICENSE"
rm -rf "$vendor" && mv "$vendor.tmp" "$vendor"
