"""Start-up, the function listing, listeners and a clean shutdown: the host's lifecycle in small."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import sys
import threading
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Protocol

from devhost.app_loader import FunctionSpec, describe, index_functions, load_app, load_local_settings
from devhost.blob_triggers import BlobListener, BlobPathError
from devhost.hostjson import HostConfig, load_host_json
from devhost.http_server import DevhostHTTPServer, HttpApp
from devhost.invoker import Invoker, worker_threads
from devhost.ncrontab import ScheduleError
from devhost.queue_triggers import QueueListener
from devhost.static_files import StaticFiles
from devhost.storage import Accounts, StorageConnectionError
from devhost.timer_triggers import ScheduleMonitor, TimerListener

log = logging.getLogger("devhost")

SHUTDOWN_GRACE_SECONDS = 10.0


class Listener(Protocol):
    def start(self) -> threading.Thread: ...


@dataclass(frozen=True)
class Options:
    app_dir: Path
    host: str
    port: int | None
    web_dir: Path | None
    poll_interval: float


def host_id(app_dir: Path, environ: MutableMapping[str, str]) -> str:
    """`AzureFunctionsWebHost__hostid` if set, else the host's local default: machine name and a
    stable hash of the app path, at most 32 characters."""
    explicit = environ.get("AzureFunctionsWebHost__hostid") or environ.get("AzureFunctionsWebHost:hostid")
    if explicit:
        return explicit.lower()
    digest = 23
    for char in str(app_dir):
        digest = (digest * 31 + ord(char)) & 0xFFFFFFFF  # .NET int arithmetic, unchecked
    signed = digest - (1 << 32) if digest >= 1 << 31 else digest
    machine = re.sub(r"[^0-9a-z]", "", socket.gethostname().lower()) or "devhost"
    return f"{machine}-{abs(signed)}"[:32].rstrip("-")


def configure_logging() -> None:
    """Concise lines on stderr: devhost's own as `[devhost]`, the app's as `[app]` with the logger name."""
    devhost_handler = logging.StreamHandler(sys.stderr)
    devhost_handler.setFormatter(
        logging.Formatter("[devhost] %(asctime)s.%(msecs)03d %(levelname)s %(message)s", "%H:%M:%S")
    )
    devhost = logging.getLogger("devhost")
    devhost.handlers[:] = [devhost_handler]
    devhost.setLevel(logging.INFO)
    devhost.propagate = False
    app_handler = logging.StreamHandler(sys.stderr)
    app_handler.setFormatter(
        logging.Formatter("[app] %(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
    )
    root = logging.getLogger()
    root.handlers[:] = [app_handler]
    root.setLevel(logging.INFO)
    for noisy in ("azure", "urllib3"):  # storage SDK request logs would drown everything
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run(options: Options) -> int:
    configure_logging()
    app_dir = options.app_dir.resolve()
    web_dir = (options.web_dir or app_dir / "web").resolve()
    applied = load_local_settings(app_dir, os.environ)
    if applied:
        log.info("loaded %d settings from local.settings.json", len(applied))
    config = load_host_json(app_dir)
    port = options.port or int(os.environ.get("PACT_PORT") or 7071)
    os.chdir(app_dir)  # the worker runs with the app directory as its working directory
    specs = index_functions(load_app(app_dir, os.environ), app_dir, os.environ)
    stop = threading.Event()
    invoker = Invoker(worker_threads(os.environ))
    server = DevhostHTTPServer(
        (options.host, port),
        HttpApp([s for s in specs if s.kind == "http"], config.route_prefix, invoker, StaticFiles(web_dir)),
    )
    shown_host = "localhost" if options.host in ("127.0.0.1", "0.0.0.0", "::") else options.host  # noqa: S104
    base_url = f"http://{shown_host}:{port}"
    _print_listing(specs, base_url, config.route_prefix)
    listeners = _listeners(specs, config, invoker, stop, options.poll_interval, host_id(app_dir, os.environ))
    threads = [listener.start() for listener in listeners]
    server.start()
    log.info(
        "Host started: listening on %s (route prefix /%s, static files from %s)",
        base_url,
        config.route_prefix,
        web_dir if web_dir.is_dir() else "nowhere",
    )
    _wait_for_signal(stop)
    log.info("stopping: no new invocations; waiting up to %.0fs for running ones", SHUTDOWN_GRACE_SECONDS)
    server.shutdown()
    server.server_close()
    if not invoker.wait_idle(SHUTDOWN_GRACE_SECONDS):
        log.warning("some invocations were still running at shutdown; their messages and blobs will be retried")
    for thread in threads:
        thread.join(timeout=1.0)
    invoker.close()
    log.info("stopped")
    return 0


def _listeners(
    specs: list[FunctionSpec],
    config: HostConfig,
    invoker: Invoker,
    stop: threading.Event,
    poll_interval: float,
    hid: str,
) -> list[Listener]:
    accounts = Accounts()
    max_poll = min(poll_interval, config.queues.max_polling_interval.total_seconds()) or poll_interval
    listeners: list[Listener] = []
    monitor = _schedule_monitor(accounts, hid) if any(spec.kind == "timer" for spec in specs) else None
    for spec in specs:
        try:
            if spec.kind == "queue":
                listeners.append(
                    QueueListener(
                        spec, accounts.get(spec.binding.get("connection")), config.queues, invoker, stop, max_poll
                    )
                )
            elif spec.kind == "blob":
                listeners.append(
                    BlobListener(
                        spec, accounts.get(spec.binding.get("connection")), config.queues, invoker, stop, max_poll, hid
                    )
                )
            elif spec.kind == "timer":
                listeners.append(TimerListener(spec, invoker, stop, monitor))
        except (StorageConnectionError, BlobPathError, ScheduleError) as exc:
            log.error("function %s will not run: %s", spec.name, exc)
    return listeners


def _schedule_monitor(accounts: Accounts, hid: str) -> ScheduleMonitor | None:
    try:
        return ScheduleMonitor(accounts.get(None), hid)
    except StorageConnectionError as exc:
        log.warning("timers run without schedule monitoring: %s", exc)
        return None


def _print_listing(specs: list[FunctionSpec], base_url: str, prefix: str) -> None:
    """The Core Tools style listing, on stdout."""
    lines = ["", "Functions:", ""]
    lines += [f"        {describe(spec, base_url, prefix)}" for spec in specs]
    if not specs:
        lines.append("        (no functions found)")
    print("\n".join([*lines, ""]), flush=True)


def _wait_for_signal(stop: threading.Event) -> None:
    def handle(signum: int, frame: FrameType | None) -> None:
        log.info("received %s", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
    while not stop.wait(0.5):
        pass
