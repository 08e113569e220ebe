#!/usr/bin/env bash
# Creates the Python oracle environment at <repo>/.venv from
# scripts/requirements-oracle.txt. Idempotent: a stamp file holds the hash of
# the requirements (and the interpreter version), so a second run with
# unchanged requirements returns at once. Set ALERTFLOW_PYTHON to choose the
# interpreter (default: python3); pass --force to reinstall.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="$root/.venv"
req="$here/requirements-oracle.txt"
stamp="$venv/.alertflow-requirements.sha256"
py="${ALERTFLOW_PYTHON:-python3}"

if ! command -v "$py" >/dev/null 2>&1; then
  echo "setup-python: '$py' not found; install Python 3.11+ or set ALERTFLOW_PYTHON" >&2
  exit 1
fi

want="$( { "$py" -c 'import sys; print(sys.version_info[:2])'; cat "$req"; } | sha256sum | cut -d' ' -f1)"

if [[ "${1:-}" != "--force" && -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "setup-python: $venv is up to date"
  exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
  echo "setup-python: creating $venv"
  "$py" -m venv "$venv"
fi

rm -f "$stamp"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# Wheels only: a source build would need compilers and minutes per package.
"$venv/bin/python" -m pip install --quiet --only-binary=:all: -r "$req"
"$venv/bin/python" - <<'PY'
import fastavro, astropy, numpy, healpy, cdshealpix, photutils, pyarrow, hats, hats_import, lsdb, confluent_kafka, quixstreams
print("setup-python: imports ok (astropy", astropy.__version__, "fastavro", fastavro.__version__, ")")
PY
echo "$want" > "$stamp"
echo "setup-python: done"
