"""The parts of host.json that change how the host runs triggers, with the host's defaults."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from devhost.ncrontab import ScheduleError, parse_timespan


class HostJsonError(ValueError):
    """host.json is unreadable or holds a value the host would refuse."""


@dataclass(frozen=True)
class QueueOptions:
    """`extensions.queues`; blob triggers use the same retry settings (the host runs them through a queue)."""

    max_dequeue_count: int = 5
    visibility_timeout: timedelta = timedelta(0)
    batch_size: int = 16
    new_batch_threshold: int | None = None  # host default: batchSize / 2
    max_polling_interval: timedelta = timedelta(minutes=1)
    message_encoding: str = "base64"  # or "none"

    @property
    def batch_threshold(self) -> int:
        return self.batch_size // 2 if self.new_batch_threshold is None else self.new_batch_threshold


@dataclass(frozen=True)
class HostConfig:
    route_prefix: str = "api"
    queues: QueueOptions = QueueOptions()
    raw: dict[str, Any] | None = None


def load_host_json(app_dir: Path) -> HostConfig:
    """Read `app_dir/host.json`; a missing file means every default, as for the host."""
    path = app_dir / "host.json"
    if not path.exists():
        return HostConfig(raw={})
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, json.JSONDecodeError) as exc:
        raise HostJsonError(f"cannot read {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise HostJsonError(f"{path} must hold a JSON object")
    extensions = _section(raw, "extensions")
    http = _section(extensions, "http")
    queues = _section(extensions, "queues")
    prefix = http.get("routePrefix", "api")
    if not isinstance(prefix, str):
        raise HostJsonError("extensions.http.routePrefix must be a string")
    defaults = QueueOptions()
    options = QueueOptions(
        max_dequeue_count=_positive_int(queues, "maxDequeueCount", defaults.max_dequeue_count),
        visibility_timeout=_timespan(queues, "visibilityTimeout", defaults.visibility_timeout),
        batch_size=min(_positive_int(queues, "batchSize", defaults.batch_size), 32),  # host caps it at 32
        new_batch_threshold=_optional_int(queues, "newBatchThreshold"),
        max_polling_interval=_timespan(queues, "maxPollingInterval", defaults.max_polling_interval),
        message_encoding=_encoding(queues),
    )
    return HostConfig(route_prefix=prefix.strip("/"), queues=options, raw=raw)


def _section(parent: dict[str, Any], key: str) -> dict[str, Any]:
    # The host's configuration keys are case-insensitive.
    for name, value in parent.items():
        if name.lower() == key.lower():
            if not isinstance(value, dict):
                raise HostJsonError(f"{key} must be an object in host.json")
            return value
    return {}


def _get(section: dict[str, Any], key: str) -> Any:
    return next((v for k, v in section.items() if k.lower() == key.lower()), None)


def _positive_int(section: dict[str, Any], key: str, default: int) -> int:
    value = _get(section, key)
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise HostJsonError(f"extensions.queues.{key} must be a positive integer, not {value!r}")
    return value


def _optional_int(section: dict[str, Any], key: str) -> int | None:
    value = _get(section, key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise HostJsonError(f"extensions.queues.{key} must be a non-negative integer, not {value!r}")
    return value


def _timespan(section: dict[str, Any], key: str, default: timedelta) -> timedelta:
    value = _get(section, key)
    if value is None:
        return default
    if isinstance(value, int) and not isinstance(value, bool):  # older hosts took milliseconds
        return timedelta(milliseconds=value)
    try:
        span = parse_timespan(str(value))
    except ScheduleError as exc:
        raise HostJsonError(f"extensions.queues.{key}: {exc}") from exc
    if span < timedelta(0):
        raise HostJsonError(f"extensions.queues.{key} cannot be negative")
    return span


def _encoding(section: dict[str, Any]) -> str:
    value = str(_get(section, "messageEncoding") or "base64").lower()
    if value not in ("base64", "none"):
        raise HostJsonError(f"extensions.queues.messageEncoding must be base64 or none, not {value!r}")
    return value
