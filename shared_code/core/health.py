"""Health of the app's dependencies: database, storage and Redis, each checked and reported separately."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from shared_code.core.bootstrap import Container

CheckStatus = Literal["ok", "down", "disabled"]


class CheckResult(BaseModel):
    status: CheckStatus
    latency_ms: float = Field(description="time the check took")
    detail: str = Field("", description="what failed, or how the dependency is provided")


class HealthReport(BaseModel):
    status: Literal["ok", "degraded"]
    checks: dict[str, CheckResult]

    @property
    def healthy(self) -> bool:
        return self.status == "ok"


def _timed(probe: Callable[[], str]) -> CheckResult:
    started = time.perf_counter()
    try:
        detail = probe()
        status: CheckStatus = "disabled" if detail.startswith("disabled") else "ok"
    except Exception as exc:
        # The exception's class, not its text: messages can carry hosts and account names.
        status, detail = "down", f"unreachable ({type(exc).__name__})"
    return CheckResult(status=status, latency_ms=round((time.perf_counter() - started) * 1000, 1), detail=detail)


def _database(app: Container) -> str:
    from sqlalchemy import text

    with app.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return app.engine.dialect.name


def _storage(app: Container) -> str:
    app.blobs.ping()
    app.queues.ping()
    return "blobs and queues"


def _redis(app: Container) -> str:
    if app.cache.kind != "redis":
        return "disabled: no PACT_REDIS_URL, using the in-process fallback"
    app.cache.ping()
    return "redis"


def check_health(app: Container) -> HealthReport:
    """Probe every dependency in parallel; the report is degraded when any one is down."""
    probes = {"database": _database, "storage": _storage, "redis": _redis}
    with ThreadPoolExecutor(max_workers=len(probes)) as pool:
        futures = {name: pool.submit(_timed, lambda p=probe: p(app)) for name, probe in probes.items()}
        checks = {name: future.result() for name, future in futures.items()}
    status = "degraded" if any(c.status == "down" for c in checks.values()) else "ok"
    return HealthReport(status=status, checks=checks)
