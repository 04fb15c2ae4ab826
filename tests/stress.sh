#!/usr/bin/env bash
# The whole pytest suite under CPU load and in random order, several times in a row: what
# "tests never depend on machine speed or order" means in practice (issue 15).
#
#   tests/stress.sh              3 runs, stress-ng keeping every core busy, random order
#   STRESS_RUNS=1 STRESS_CPU=4 tests/stress.sh -x -q    options after the name go to pytest
#
# Each run prints pytest-randomly's seed ("Using --randomly-seed=N"): rerun one order with
# `.venv/bin/pytest -p randomly --randomly-seed=N`. Run tests/run.sh first (it makes .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${STRESS_RUNS:-3}
workers=${STRESS_CPU:-$(nproc)}
if ! command -v stress-ng >/dev/null; then
  echo "tests/stress.sh: stress-ng is missing (Debian: apt-get install stress-ng)" >&2
  exit 2
fi
if ! .venv/bin/python -c "import pytest_randomly" 2>/dev/null; then
  echo "tests/stress.sh: pytest-randomly is missing (pip install -e '.[dev,office]')" >&2
  exit 2
fi

stress-ng --cpu "$workers" --quiet &
load=$!
trap 'kill "$load" 2>/dev/null || true; wait "$load" 2>/dev/null || true' EXIT

failed=0
for run in $(seq "$runs"); do
  echo "== run $run of $runs: pytest in random order beside stress-ng --cpu $workers"
  .venv/bin/pytest -p randomly "$@" || failed=$((failed + 1))
done
echo "== $((runs - failed)) of $runs runs passed under load"
[ "$failed" = 0 ]
