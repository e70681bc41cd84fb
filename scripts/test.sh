#!/usr/bin/env bash
# The whole test suite, on real Azurite (started by the tests), SQLite, PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh test
scripts/services.sh
rm -f .coverage .coverage.*
exec .venv/bin/python -m pytest --cov --cov-report=term:skip-covered --cov-report=xml "$@"
