"""Running `python -m devhost` as a real subprocess, and waiting on outcomes with deadlines."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

from tests.support.services import REPO, wait_for_port

T = TypeVar("T")
SAMPLE_APP = Path(__file__).resolve().parent / "sample_app"


@dataclass(frozen=True)
class Storage:
    """Clients on the test's Azurite, to arrange inputs and read what the functions did."""

    blobs: BlobServiceClient
    queues: QueueServiceClient


def wait_until(probe: Callable[[], T], *, timeout: float = 15.0, interval: float = 0.1, what: str = "condition") -> T:
    """Poll `probe` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class DevhostProcess:
    """One devhost subprocess on a fixed port; stop and start it again to simulate a restart."""

    def __init__(self, env: dict[str, str], port: int, log_dir: Path, app_dir: Path = SAMPLE_APP):
        self.env, self.port, self.log_dir, self.app_dir = env, port, log_dir, app_dir
        self.process: subprocess.Popen[bytes] | None = None
        self.runs = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"devhost-{self.runs}.log"

    @property
    def stdout_path(self) -> Path:
        return self.log_dir / f"devhost-{self.runs}.out"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace") if self.stdout_path.exists() else ""

    def start(self) -> None:
        self.runs += 1
        env = {**self.env, "PYTHONPATH": str(REPO)}
        with self.log_path.open("wb") as err, self.stdout_path.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "devhost", "--app-dir", str(self.app_dir), "--port", str(self.port),
                 "--poll-interval", "0.2"],
                cwd=self.app_dir, env=env, stdout=out, stderr=err)
        if not wait_for_port(self.port, timeout=30):
            self.kill()
            raise AssertionError(f"devhost did not open port {self.port}:\n{self.log()}")
        wait_until(lambda: "Host started" in self.log(), timeout=10, what="devhost start-up")

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM and wait: the exit code of a clean shutdown is 0."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"devhost did not stop within {timeout}s:\n{self.log()}") from None

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def devhost_environ(connection_string: str, host_id: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AzureWebJobs", "AzureFunctionsWebHost"))}
    env.update({"AzureWebJobsStorage": connection_string, "AzureFunctionsWebHost__hostid": host_id,
                "PYTHONUNBUFFERED": "1"})
    env.pop("PACT_PORT", None)
    return env
