"""devhost's reading of settings, host.json, connections, trigger paths and timer status, without storage."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from devhost.app_loader import AppLoadError, index_functions, load_app, load_local_settings, resolve_settings
from devhost.blob_triggers import BlobPathError, parse_blob_path
from devhost.host import host_id
from devhost.hostjson import HostJsonError, load_host_json
from devhost.ncrontab import parse_schedule
from devhost.queue_triggers import MessageDecodingError, decode_body
from devhost.static_files import StaticFiles, content_type
from devhost.storage import StorageConnectionError, expand_development_storage, resolve_connection
from devhost.timer_triggers import DEFAULT_TIME, ScheduleStatus, check_past_due, monitored_by_default


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- local.settings.json and app settings -------------------------------------------------------------------------

def test_local_settings_fill_the_environment_but_never_override_it(tmp_path: Path) -> None:
    write(tmp_path / "local.settings.json", json.dumps(
        {"IsEncrypted": False, "Values": {"A": "from file", "B": "from file", "N": 5}}))
    environ = {"B": "already set"}
    applied = load_local_settings(tmp_path, environ)
    assert environ == {"A": "from file", "B": "already set", "N": "5"}
    assert sorted(applied) == ["A", "N"]


def test_missing_local_settings_change_nothing(tmp_path: Path) -> None:
    environ: dict[str, str] = {}
    assert load_local_settings(tmp_path, environ) == [] and environ == {}


def test_app_setting_references_resolve_or_fail_loudly() -> None:
    assert resolve_settings("%Prefix%-items", {"Prefix": "pact"}) == "pact-items"
    with pytest.raises(AppLoadError, match="Missing"):
        resolve_settings("%Missing%", {})


# --- host.json -----------------------------------------------------------------------------------------------------

def test_host_json_defaults_match_the_host(tmp_path: Path) -> None:
    config = load_host_json(tmp_path)
    assert config.route_prefix == "api"
    assert config.queues.max_dequeue_count == 5
    assert config.queues.visibility_timeout == timedelta(0)
    assert config.queues.batch_size == 16 and config.queues.batch_threshold == 8
    assert config.queues.max_polling_interval == timedelta(minutes=1)
    assert config.queues.message_encoding == "base64"


def test_host_json_settings_are_read(tmp_path: Path) -> None:
    write(tmp_path / "host.json", json.dumps({"version": "2.0", "extensions": {
        "http": {"routePrefix": "/api/v1/"},
        "queues": {"maxDequeueCount": 3, "visibilityTimeout": "00:00:05", "batchSize": 64,
                   "maxPollingInterval": 2000, "messageEncoding": "none"}}}))
    config = load_host_json(tmp_path)
    assert config.route_prefix == "api/v1"
    assert config.queues.max_dequeue_count == 3
    assert config.queues.visibility_timeout == timedelta(seconds=5)
    assert config.queues.batch_size == 32  # the host's maximum
    assert config.queues.max_polling_interval == timedelta(seconds=2)  # a number is milliseconds
    assert config.queues.message_encoding == "none"


@pytest.mark.parametrize("queues", [{"maxDequeueCount": 0}, {"visibilityTimeout": "soon"},
                                    {"messageEncoding": "utf16"}])
def test_invalid_host_json_values_are_refused(tmp_path: Path, queues: dict[str, object]) -> None:
    write(tmp_path / "host.json", json.dumps({"extensions": {"queues": queues}}))
    with pytest.raises(HostJsonError):
        load_host_json(tmp_path)


# --- storage connections -------------------------------------------------------------------------------------------

def test_development_storage_expands_to_azurite_endpoints() -> None:
    expanded = expand_development_storage("UseDevelopmentStorage=true")
    assert "AccountName=devstoreaccount1" in expanded
    assert "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1" in expanded
    assert "QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1" in expanded
    proxied = expand_development_storage("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://azurite")
    assert "BlobEndpoint=http://azurite:10000/devstoreaccount1" in proxied
    assert expand_development_storage("AccountName=x;AccountKey=eQ==") == "AccountName=x;AccountKey=eQ=="


def test_connection_names_resolve_like_the_host() -> None:
    assert resolve_connection(None, {"AzureWebJobsStorage": "UseDevelopmentStorage=true"}).connection_string
    assert resolve_connection("Docs", {"AzureWebJobsDocs": "UseDevelopmentStorage=true"}).connection_string
    identity = resolve_connection("Docs", {"Docs__accountName": "pactdocs"})
    assert identity.blob_url == "https://pactdocs.blob.core.windows.net"
    assert identity.queue_url == "https://pactdocs.queue.core.windows.net"
    with pytest.raises(StorageConnectionError, match="Docs"):
        resolve_connection("Docs", {})


# --- trigger inputs ------------------------------------------------------------------------------------------------

def test_blob_paths_give_the_container_a_listing_prefix_and_a_pattern() -> None:
    path = parse_blob_path("inbox/scans/{name}.pdf")
    assert (path.container, path.prefix) == ("inbox", "scans/")
    assert path.matches("scans/a/b.pdf") and not path.matches("scans/a.png") and not path.matches("other/a.pdf")
    assert parse_blob_path("inbox").matches("anything/at/all")
    with pytest.raises(BlobPathError):
        parse_blob_path("{container}/{name}")


def test_queue_bodies_decode_per_message_encoding() -> None:
    assert decode_body("aGVsbG8=", "base64") == b"hello"
    assert decode_body("aGVsbG8=", "none") == b"aGVsbG8="
    with pytest.raises(MessageDecodingError):
        decode_body("not base64!", "base64")


def test_host_id_is_stable_short_and_overridable(tmp_path: Path) -> None:
    first, again = host_id(tmp_path, {}), host_id(tmp_path, {})
    assert first == again and len(first) <= 32 and first == first.lower()
    assert host_id(tmp_path / "other", {}) != first
    assert host_id(tmp_path, {"AzureFunctionsWebHost__hostid": "MyHost"}) == "myhost"


# --- static files --------------------------------------------------------------------------------------------------

def test_static_lookup_serves_index_redirects_directories_and_refuses_escapes(tmp_path: Path) -> None:
    web = tmp_path / "web"
    write(web / "index.html", "<h1>hi</h1>")
    write(web / "docs" / "index.html", "docs")
    write(tmp_path / "secret.txt", "secret")
    files = StaticFiles(web)
    assert files.lookup("/").path == web / "index.html"
    assert files.lookup("/docs/").path == web / "docs" / "index.html"
    assert (files.lookup("/docs").status, files.lookup("/docs").location) == (301, "/docs/")
    for escape in ("/../secret.txt", "/%2e%2e/secret.txt", "/docs/..%2f..%2fsecret.txt", "/docs%5c..%5csecret.txt"):
        assert files.lookup(escape).status == 404, escape
    assert StaticFiles(tmp_path / "nowhere").lookup("/").status == 404


def test_content_types_for_web_assets() -> None:
    assert content_type(Path("app.mjs")) == "text/javascript; charset=utf-8"
    assert content_type(Path("data.json")) == "application/json; charset=utf-8"
    assert content_type(Path("logo.PNG")) == "image/png"
    assert content_type(Path("blob.unknownext")) == "application/octet-stream"


# --- timer status --------------------------------------------------------------------------------------------------

YEARLY = parse_schedule("0 0 0 1 Jan *")


def test_a_missed_occurrence_is_past_due() -> None:
    status = ScheduleStatus(datetime(2022, 1, 1), datetime(2023, 1, 1), datetime(2022, 1, 1))
    late, kept = check_past_due(YEARLY, datetime(2024, 6, 1), status)
    assert late == datetime(2024, 6, 1) - datetime(2023, 1, 1)
    assert kept == status


def test_a_changed_schedule_is_not_past_due() -> None:
    # Recorded under another schedule: its Next is not what this schedule gives after Last.
    status = ScheduleStatus(datetime(2024, 5, 1), datetime(2024, 5, 2), datetime(2024, 5, 1))
    late, kept = check_past_due(YEARLY, datetime(2024, 6, 1), status)
    assert late == timedelta(0)
    assert kept.next == datetime(2025, 1, 1) and kept.last == DEFAULT_TIME


def test_a_first_start_records_the_next_occurrence() -> None:
    late, kept = check_past_due(YEARLY, datetime(2024, 6, 1), None)
    assert late == timedelta(0) and kept.next == datetime(2025, 1, 1)


def test_status_round_trips_through_the_hosts_json_form() -> None:
    status = ScheduleStatus(DEFAULT_TIME, datetime(2025, 1, 1), datetime(2024, 6, 1, 12, 30, 15, 250000))
    data = status.to_json()
    assert data["Last"] == "0001-01-01T00:00:00"
    assert ScheduleStatus.from_json(data) == status
    dotnet = {"Last": "0001-01-01T00:00:00", "Next": "2025-01-01T00:00:00.0000000+00:00", "LastUpdated": None}
    parsed = ScheduleStatus.from_json(dotnet)  # .NET writes 7 fractional digits; times become local
    assert parsed.next == datetime(2025, 1, 1, tzinfo=UTC).astimezone().replace(tzinfo=None)
    assert parsed.last == parsed.last_updated == DEFAULT_TIME


def test_monitoring_is_off_for_schedules_more_frequent_than_a_minute() -> None:
    now = datetime(2024, 1, 1, 12, 0)
    assert monitored_by_default(YEARLY, now)
    assert not monitored_by_default(parse_schedule("*/10 * * * * *"), now)
    assert monitored_by_default(parse_schedule("00:01:00"), now)
    assert not monitored_by_default(parse_schedule("00:00:30"), now)


# --- loading an app ------------------------------------------------------------------------------------------------

@pytest.fixture
def script_name(monkeypatch: pytest.MonkeyPatch) -> str:
    """A module name no other test imports; sys.path and sys.modules are restored afterwards."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "modules", dict(sys.modules))
    return f"devhost_test_app_{uuid.uuid4().hex}.py"


def test_an_app_that_fails_to_import_is_reported(tmp_path: Path, script_name: str) -> None:
    write(tmp_path / script_name, "raise RuntimeError('broken at import')\n")
    with pytest.raises(AppLoadError, match="broken at import"):
        load_app(tmp_path, {"PYTHON_SCRIPT_FILE_NAME": script_name})


def test_an_app_needs_exactly_one_function_app(tmp_path: Path, script_name: str) -> None:
    write(tmp_path / script_name, "import azure.functions as func\na = func.FunctionApp()\nb = func.FunctionApp()\n")
    with pytest.raises(AppLoadError, match="more than one"):
        load_app(tmp_path, {"PYTHON_SCRIPT_FILE_NAME": script_name})


def test_indexing_keeps_supported_triggers_and_reads_their_bindings(tmp_path: Path, script_name: str) -> None:
    write(tmp_path / script_name, """
import azure.functions as func
app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

@app.function_name("named_queue")
@app.queue_trigger(arg_name="message", queue_name="%QueueName%", connection="AzureWebJobsStorage")
async def on_queue(message: func.QueueMessage) -> None: ...

@app.route(route="x/{id:int}", methods=["GET", "POST"])
def web(req: func.HttpRequest, context: func.Context) -> func.HttpResponse: ...

@app.schedule(schedule="0 0 * * * *", arg_name="timer")
def hourly(timer: func.TimerRequest) -> None: ...
""")
    environ = {"PYTHON_SCRIPT_FILE_NAME": script_name, "QueueName": "work-items"}
    specs = {spec.name: spec for spec in index_functions(load_app(tmp_path, environ), tmp_path, environ)}
    assert set(specs) == {"named_queue", "web", "hourly"}
    queue = specs["named_queue"]
    assert (queue.kind, queue.param, queue.binding["queueName"], queue.is_async) == ("queue", "message",
                                                                                     "work-items", True)
    assert queue.function_id == "Host.Functions.named_queue"
    web = specs["web"]
    assert web.kind == "http" and web.wants_context and web.binding["methods"] == ["GET", "POST"]
    assert specs["hourly"].kind == "timer"
