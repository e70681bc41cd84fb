"""Lifecycle timers: housekeeping that runs on a schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import azure.functions as func

from shared_code.core import names

bp = func.Blueprint()


@bp.function_name("purge_temp")
@bp.timer_trigger(arg_name="timer", schedule="0 30 2 * * *", run_on_startup=False, use_monitor=True)
def purge_temp(timer: func.TimerRequest) -> None:
    """Daily at 02:30 UTC: delete scratch blobs older than the retention period."""
    from shared_code.core.context import correlation_scope
    from shared_code.core.runtime import started_container
    from shared_code.lifecycle.temp import purge_temp as purge

    with correlation_scope(None):
        purge(
            started_container().blobs,
            now=datetime.now(UTC),
            retention=timedelta(days=names.TEMP_RETENTION_DAYS),
        )
