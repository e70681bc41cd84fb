"""Timer triggers: schedules, runOnStartup and the host's schedule monitor (missed runs after a restart).

Like the host (WebJobs.Extensions `TimerListener`), devhost keeps each monitored timer's status in
`azure-webjobs-hosts/timers/{hostId}/Host.Functions.{name}/status` as `{"Last", "Next", "LastUpdated"}`.
At start, a recorded `Next` already in the past means an occurrence was missed: the function runs
at once with `past_due=True`; otherwise `runOnStartup` runs it once. Monitoring is on by default
except for schedules that fire more than once a minute (the host's rule).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from azure.core.exceptions import AzureError, ResourceExistsError, ResourceNotFoundError
from azure.functions.timer import TimerRequest  # the worker's concrete class (func.TimerRequest is abstract)

from devhost.app_loader import FunctionSpec
from devhost.invoker import InvocationFailed, Invoker
from devhost.ncrontab import CronSchedule, IntervalSchedule, parse_schedule
from devhost.polling import guarded
from devhost.storage import StorageAccount

log = logging.getLogger("devhost")

DEFAULT_TIME = datetime(1, 1, 1)  # .NET default(DateTime): "never"
# A tick that starts more than this after its scheduled time reports past_due (e.g. after the machine
# slept or a long invocation overran the next occurrence).
LATE_TOLERANCE = timedelta(seconds=1)

Schedule = CronSchedule | IntervalSchedule


@dataclass(frozen=True)
class ScheduleStatus:
    last: datetime
    next: datetime
    last_updated: datetime

    def to_json(self) -> dict[str, str]:
        return {"Last": _format(self.last), "Next": _format(self.next), "LastUpdated": _format(self.last_updated)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScheduleStatus:
        return cls(_parse(data.get("Last")), _parse(data.get("Next")), _parse(data.get("LastUpdated")))


class ScheduleMonitor:
    """Timer status blobs, shared with the real host's StorageScheduleMonitor layout."""

    def __init__(self, account: StorageAccount, host_id: str):
        self.container = account.blobs.get_container_client("azure-webjobs-hosts")
        self.host_id = host_id

    def _blob(self, timer_name: str) -> Any:
        return self.container.get_blob_client(f"timers/{self.host_id}/{timer_name}/status")

    def get(self, timer_name: str) -> ScheduleStatus | None:
        try:
            return ScheduleStatus.from_json(json.loads(self._blob(timer_name).download_blob().readall()))
        except ResourceNotFoundError:
            return None

    def update(self, timer_name: str, status: ScheduleStatus) -> None:
        try:
            self.container.create_container()
        except ResourceExistsError:
            pass
        self._blob(timer_name).upload_blob(json.dumps(status.to_json()), overwrite=True)


def check_past_due(
    schedule: Schedule, now: datetime, status: ScheduleStatus | None
) -> tuple[timedelta, ScheduleStatus]:
    """The host's ScheduleMonitor.CheckPastDueAsync: how late the recorded next occurrence is, and the
    status to keep (recomputed when the schedule changed since it was written)."""
    if status is None:
        status = ScheduleStatus(DEFAULT_TIME, schedule.next_occurrence(now), now)
    else:
        if status.last > DEFAULT_TIME:
            basis = status.last
        elif status.last_updated > DEFAULT_TIME:
            basis = status.last_updated
        else:
            basis = now
        expected = schedule.next_occurrence(basis)
        if status.next != expected:  # the schedule changed: do not call that a missed run
            if now > expected:
                expected, basis = schedule.next_occurrence(now), now
            status = ScheduleStatus(DEFAULT_TIME, expected, basis)
    return (now - status.next if now > status.next else timedelta(0)), status


def monitored_by_default(schedule: Schedule, now: datetime) -> bool:
    """The host turns monitoring off for schedules firing more than once a minute."""
    if isinstance(schedule, IntervalSchedule):
        return schedule.interval >= timedelta(minutes=1)
    first = schedule.next_occurrence(now)
    return schedule.next_occurrence(first) >= now + timedelta(minutes=1)


class TimerListener:
    def __init__(self, spec: FunctionSpec, invoker: Invoker, stop: threading.Event, monitor: ScheduleMonitor | None):
        self.spec, self.invoker, self.stop = spec, invoker, stop
        self.schedule = parse_schedule(spec.binding["schedule"])
        wanted = spec.binding.get("useMonitor")
        wanted = monitored_by_default(self.schedule, datetime.now()) if wanted is None else bool(wanted)
        self.monitor = monitor if wanted else None
        self.run_on_startup = bool(spec.binding.get("runOnStartup"))

    def start(self) -> threading.Thread:
        thread = threading.Thread(
            target=guarded(self.run, self.spec.name), name=f"devhost-timer-{self.spec.name}", daemon=True
        )
        thread.start()
        return thread

    def run(self) -> None:
        now = datetime.now()
        past_due, status = timedelta(0), None
        if self.monitor is not None:
            try:
                past_due, status = check_past_due(self.schedule, now, self.monitor.get(self.spec.function_id))
                self.monitor.update(self.spec.function_id, status)
            except (AzureError, ValueError) as exc:
                log.warning("timer %s: schedule status unavailable (%s); not monitoring", self.spec.name, exc)
                self.monitor = None
        if status is None:
            status = ScheduleStatus(DEFAULT_TIME, self.schedule.next_occurrence(now), DEFAULT_TIME)
        log.info(
            "timer %s (%s): next occurrences %s",
            self.spec.name,
            self.schedule.expression,
            ", ".join(t.isoformat(sep=" ") for t in self._upcoming(now, 3)),
        )
        if past_due:
            log.info("timer %s is past due by %s", self.spec.name, past_due)
            status = self._fire(status, past_due=True, reason="past due at startup")
        elif self.run_on_startup:
            status = self._fire(status, past_due=False, reason="runOnStartup")
        while self._sleep_until(status.next):
            late = datetime.now() - status.next > LATE_TOLERANCE
            status = self._fire(status, past_due=late, reason=f"schedule {self.schedule.expression}", scheduled=True)

    def _fire(self, status: ScheduleStatus, *, past_due: bool, reason: str, scheduled: bool = False) -> ScheduleStatus:
        invoked_at = datetime.now()
        request = TimerRequest(
            past_due=past_due,
            schedule={"AdjustForDST": True},
            schedule_status=status.to_json() if self.monitor else None,
        )
        try:
            self.invoker.invoke(self.spec, request, reason=f"timer, {reason}")
        except InvocationFailed:
            pass  # logged by the invoker; a failure never stops the schedule
        # As the host: a tick that fired a moment early counts from its scheduled time.
        basis = status.next if scheduled and status.next > invoked_at else invoked_at
        new_status = ScheduleStatus(basis, self.schedule.next_occurrence(basis), basis)
        if self.monitor is not None:
            try:
                self.monitor.update(self.spec.function_id, new_status)
            except AzureError as exc:
                log.warning("timer %s: could not record its status: %s", self.spec.name, exc)
        return new_status

    def _sleep_until(self, when: datetime) -> bool:
        while not self.stop.is_set():
            remaining = (when - datetime.now()).total_seconds()
            if remaining <= 0:
                return True
            self.stop.wait(min(remaining, 30.0))  # re-read the clock now and then (suspend, clock changes)
        return False

    def _upcoming(self, now: datetime, count: int) -> list[datetime]:
        times, current = [], now
        for _ in range(count):
            current = self.schedule.next_occurrence(current)
            times.append(current)
        return times


def _format(value: datetime) -> str:
    if value <= DEFAULT_TIME:
        return "0001-01-01T00:00:00"
    return value.astimezone().isoformat()  # local time with its offset, as the host writes it


def _parse(value: Any) -> datetime:
    if not value:
        return DEFAULT_TIME
    text = re.sub(r"(\.\d{6})\d+", r"\1", str(value)).replace("Z", "+00:00")  # .NET writes 7 digits
    parsed = datetime.fromisoformat(text)
    if parsed.year <= 1:
        return DEFAULT_TIME
    return parsed.astimezone().replace(tzinfo=None) if parsed.tzinfo else parsed
