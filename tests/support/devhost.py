"""Run devhost as a subprocess, the way `make run` does, for tests that go over real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from tests.support.services import REPO, free_port


@contextmanager
def running_devhost(
    environ: Mapping[str, str], *, app_dir: Path = REPO, port: int | None = None, ready_path: str = "/api/v1/health",
    extra_args: tuple[str, ...] = (), log_path: Path | None = None,
) -> Iterator[str]:
    """Start devhost for `app_dir` with exactly `environ` (plus PATH); yield its base URL once it answers."""
    port = port or free_port()
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), **environ}
    for name in ("COVERAGE_PROCESS_START", "COV_CORE_SOURCE", "COV_CORE_CONFIG", "COV_CORE_DATAFILE"):
        if name in os.environ:
            env[name] = os.environ[name]
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "devhost", "--app-dir", str(app_dir), "--port", str(port), "--poll-interval", "0.2",
         *extra_args],
        cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base + ready_path, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_path:
            log.close()


def _wait_until_answering(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"devhost exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers, even if not with 200
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"devhost did not answer {url} within {timeout} s")
