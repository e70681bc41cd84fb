"""Cold start: how long `import function_app` takes in a fresh interpreter (Azure pays it on every
new worker). Prints the median of N runs, the interpreter's own start-up, and the difference.

    .venv/bin/python -m bench.cold_start [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(code: str, runs: int) -> list[float]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PACT_")}
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=REPO, env=environ, check=True)
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    timed("import function_app", 2)  # warm the OS file cache and .pyc files first
    baseline = timed("pass", args.runs)
    app = timed("import function_app", args.runs)
    print(f"python -c pass:                 median {statistics.median(baseline) * 1000:7.1f} ms")
    print(
        f"python -c 'import function_app': median {statistics.median(app) * 1000:7.1f} ms, "
        f"max {max(app) * 1000:.1f} ms over {args.runs} runs"
    )
    cost = statistics.median(app) - statistics.median(baseline)
    print(f"import cost alone:              median {cost * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
