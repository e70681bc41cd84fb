"""Structured logs: one JSON object per line, with the correlation id, and secrets masked.

Under Azure the Functions host already forwards records to Application Insights; when
APPLICATIONINSIGHTS_CONNECTION_STRING is set, OpenTelemetry exports traces and logs to Azure
Monitor as well. Locally, JSON (or plain text) goes to stderr.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from shared_code.core.config import Settings
from shared_code.core.context import current_correlation_id

# Patterns of secrets that must never reach a log, even inside an exception message.
_SECRET_PATTERNS = [
    re.compile(r"(?i)(AccountKey|SharedAccessSignature|SharedAccessKey|Password|Pwd)=([^;\s]+)"),
    re.compile(r"(?i)([?&]sig)=([^&\s]+)"),
    re.compile(r"(?i)(bearer\s+)([A-Za-z0-9\-._~+/]+=*)"),
    re.compile(r"(?i)(://[^:/@\s]+:)([^@\s]+)(?=@)"),  # credentials in URLs
    re.compile(r"(?i)(\"?(?:password|secret|token|api_key|apikey)\"?\s*[:=]\s*\"?)([^\",\s}]+)"),
]
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


def mask_secrets(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + "***", text)
    return text


class CorrelationFilter(logging.Filter):
    """Stamps every record with the current correlation id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "correlation_id", None):
            record.correlation_id = current_correlation_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_secrets(record.getMessage()),
            "correlation_id": getattr(record, "correlation_id", None),
        }
        entry.update(
            {k: v for k, v in vars(record).items() if k not in _RESERVED and k not in entry and not k.startswith("_")}
        )
        if record.exc_info:
            entry["exception"] = mask_secrets(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s [%(correlation_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return mask_secrets(super().format(record))


_configured = False


def configure_logging(settings: Settings, *, stream=None) -> None:
    """Set up the `pact` logger tree once; start Azure Monitor export when configured.

    In Azure the worker's root handler forwards records to the host, so PACT only stamps them with
    the correlation id (a custom dimension there); elsewhere PACT writes its own lines to stderr.
    """
    global _configured
    if _configured:
        return
    logger = logging.getLogger("pact")
    logger.setLevel(settings.log_level)
    if settings.hosted_in_azure:
        logger.addFilter(CorrelationFilter())
    else:
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
        handler.addFilter(CorrelationFilter())
        logger.addHandler(handler)
        logger.propagate = False  # a host's root handler would print every line twice
    if settings.appinsights_connection_string is not None:
        _start_azure_monitor(settings)
    _configured = True


def _start_azure_monitor(settings: Settings) -> None:
    # Imported here: the exporter is heavy, and only deployments with Application Insights need it.
    from azure.monitor.opentelemetry import configure_azure_monitor

    configure_azure_monitor(
        connection_string=settings.appinsights_connection_string.get_secret_value(),
        logger_name="pact",
    )
