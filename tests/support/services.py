"""Real services for the tests: Azurite (started per session), PostgreSQL and Redis (the local servers).

A missing service fails the run under CI (CI=true) and skips the tests that need it elsewhere,
always with a message that says what is missing and how to get it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
AZURITE_BIN = REPO / "node_modules" / ".bin" / "azurite"
# Azurite's well-known development account (public, documented by Microsoft).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def unavailable(reason: str) -> None:
    """Fail under CI, skip elsewhere: a missing server must never pass silently in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"required service unavailable in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


@dataclass
class Azurite:
    blob_port: int
    queue_port: int
    table_port: int
    location: Path
    process: subprocess.Popen | None = None

    @property
    def connection_string(self) -> str:
        return (
            f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
            f"BlobEndpoint=http://127.0.0.1:{self.blob_port}/{AZURITE_ACCOUNT};"
            f"QueueEndpoint=http://127.0.0.1:{self.queue_port}/{AZURITE_ACCOUNT};"
            f"TableEndpoint=http://127.0.0.1:{self.table_port}/{AZURITE_ACCOUNT};"
        )

    def start(self) -> None:
        self.location.mkdir(parents=True, exist_ok=True)
        self._log = (self.location / "azurite.log").open("ab")
        self.process = subprocess.Popen(
            [
                str(AZURITE_BIN), "--silent", "--skipApiVersionCheck", "--loose",
                "--location", str(self.location),
                "--blobHost", "127.0.0.1", "--blobPort", str(self.blob_port),
                "--queueHost", "127.0.0.1", "--queuePort", str(self.queue_port),
                "--tableHost", "127.0.0.1", "--tablePort", str(self.table_port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            start_new_session=True,
        )
        for port in (self.blob_port, self.queue_port):
            if not wait_for_port(port):
                self.stop()
                raise RuntimeError(f"Azurite did not open port {port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()


def start_azurite(location: Path) -> Azurite:
    if not AZURITE_BIN.exists():
        unavailable(f"Azurite is not installed ({AZURITE_BIN} missing): run `npm ci`")
    azurite = Azurite(free_port(), free_port(), free_port(), location)
    azurite.start()
    return azurite


PG_ADMIN_URL = os.environ.get("PACT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("PACT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def create_pg_database() -> str:
    """Create an empty, uniquely named database on the local server; return its URL."""
    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"pact_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        unavailable(f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc.orig}); start it (see README)")
    finally:
        admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(url: str) -> None:
    import sqlalchemy as sa

    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def check_redis() -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis is not reachable at {REDIS_URL} ({exc}); start it (see README)")
    finally:
        client.close()
    return REDIS_URL


def node_available() -> bool:
    return shutil.which("node") is not None
