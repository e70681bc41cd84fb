"""devhost end to end: `python -m devhost` on tests/devhost/sample_app against a private Azurite."""

from __future__ import annotations

import base64
import http.client
import json
import time
import uuid
from typing import Any

import requests
from azure.core.exceptions import ResourceNotFoundError
from azure.storage.queue import QueueClient, QueueMessage

from tests.devhost.harness import DevhostProcess, Storage, wait_until

# A short pause lets devhost poll several times (its poll interval is capped at 0.2 s in these tests)
# before a test asserts that something did NOT happen again.
SETTLE_SECONDS = 1.0


def records(storage: Storage, kind: str) -> list[dict[str, Any]]:
    """What the sample app's functions recorded, one dict per invocation."""
    container = storage.blobs.get_container_client("records")
    try:
        return [json.loads(container.download_blob(blob.name).readall())
                for blob in container.list_blobs(name_starts_with=f"{kind}/")]
    except ResourceNotFoundError:
        return []


def count_records(storage: Storage, kind: str) -> int:
    try:
        return sum(1 for _ in storage.blobs.get_container_client("records").list_blobs(name_starts_with=f"{kind}/"))
    except ResourceNotFoundError:
        return 0


def peek(queue: QueueClient) -> list[QueueMessage]:
    try:
        return list(queue.peek_messages(max_messages=32))
    except ResourceNotFoundError:
        return []


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def raw_get(devhost: DevhostProcess, path: str) -> http.client.HTTPResponse:
    """A GET sent exactly as written (no client-side normalisation of dot segments)."""
    connection = http.client.HTTPConnection("127.0.0.1", devhost.port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


# --- indexing and HTTP -------------------------------------------------------------------------------------------

def test_lists_indexed_functions_like_core_tools(devhost: DevhostProcess) -> None:
    listing = devhost.stdout()
    assert f"get_item: [GET] http://localhost:{devhost.port}/api/v1/items/{{id:int}}" in listing
    assert "on_sample: blobTrigger (path: samples/{name})" in listing
    assert "on_work: queueTrigger (queueName: work)" in listing
    assert "every_second: timerTrigger (schedule: * * * * * *)" in listing


def test_route_with_int_parameter_answers_with_the_parameter(devhost: DevhostProcess) -> None:
    response = requests.get(f"{devhost.base_url}/api/v1/items/42", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"id": 42}


def test_int_constraint_and_method_mismatch_answer_404_like_the_host(devhost: DevhostProcess) -> None:
    assert requests.get(f"{devhost.base_url}/api/v1/items/abc", timeout=10).status_code == 404
    assert requests.post(f"{devhost.base_url}/api/v1/items/42", timeout=10).status_code == 404
    assert requests.get(f"{devhost.base_url}/api/v1/nothing-here", timeout=10).status_code == 404


def test_optional_segment_matches_with_and_without_it(devhost: DevhostProcess) -> None:
    bare = requests.get(f"{devhost.base_url}/api/v1/greet", timeout=10)
    named = requests.get(f"{devhost.base_url}/api/v1/greet/Ada", timeout=10)
    assert (bare.status_code, bare.text) == (200, "hello world")
    assert (named.status_code, named.text) == (200, "hello Ada")
    assert named.headers["X-Function"] == "greet"  # the function received a func.Context
    assert named.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_async_function_gets_body_query_and_url_and_sets_status(devhost: DevhostProcess) -> None:
    response = requests.post(f"{devhost.base_url}/api/v1/echo?q=find%20me", data=b"\x00payload\xff", timeout=10)
    assert response.status_code == 201
    assert response.content == b"\x00payload\xff"
    assert response.headers["X-Query"] == "find me"
    assert response.headers["X-Url"] == f"http://127.0.0.1:{devhost.port}/api/v1/echo?q=find%20me"
    assert response.headers["Content-Type"] == "application/octet-stream"


def test_chunked_request_body_is_read_whole(devhost: DevhostProcess) -> None:
    response = requests.post(f"{devhost.base_url}/api/v1/echo", data=iter([b"first ", b"second"]), timeout=10)
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert (response.status_code, response.content) == (201, b"first second")


def test_unhandled_exception_answers_500_without_details(devhost: DevhostProcess) -> None:
    response = requests.get(f"{devhost.base_url}/api/v1/boom", timeout=10)
    assert response.status_code == 500
    assert response.content == b""
    wait_until(lambda: "secret detail that must not leak" in devhost.log(), timeout=5, what="the logged traceback")
    assert "Executed 'Functions.boom' (Failed" in devhost.log()


def test_static_files_are_served_from_the_web_dir(devhost: DevhostProcess) -> None:
    index = requests.get(f"{devhost.base_url}/", timeout=10)
    script = requests.get(f"{devhost.base_url}/app.js", timeout=10)
    style = requests.get(f"{devhost.base_url}/css/site.css", timeout=10)
    assert index.status_code == 200 and "devhost sample app" in index.text
    assert index.headers["Content-Type"] == "text/html; charset=utf-8"
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "served by devhost" in script.text
    assert style.headers["Content-Type"] == "text/css; charset=utf-8"
    assert requests.get(f"{devhost.base_url}/missing.js", timeout=10).status_code == 404


def test_static_files_never_leave_the_web_dir(devhost: DevhostProcess) -> None:
    for path in ("/../host.json", "/%2e%2e/host.json", "/css/../../function_app.py", "/..%2ffunction_app.py"):
        assert raw_get(devhost, path).status == 404, path


# --- queue triggers ----------------------------------------------------------------------------------------------

def test_queue_message_is_delivered_decoded_and_then_deleted(devhost: DevhostProcess, storage: Storage) -> None:
    body = f"hello {uuid.uuid4()}"
    storage.queues.get_queue_client("work").send_message(b64(body))
    seen = wait_until(lambda: [r for r in records(storage, "queue") if r["body"] == body], what="the queue function")
    assert len(seen) == 1 and seen[0]["dequeue_count"] == 1
    wait_until(lambda: storage.queues.get_queue_client("work").get_queue_properties().approximate_message_count == 0,
               what="the message to be deleted")


def test_failing_message_goes_to_poison_after_exactly_five_attempts(devhost: DevhostProcess,
                                                                    storage: Storage) -> None:
    body = f"doomed {uuid.uuid4()}"
    storage.queues.get_queue_client("doomed").send_message(b64(body))
    poison = storage.queues.get_queue_client("doomed-poison")
    wait_until(lambda: any(m.content == b64(body) for m in peek(poison)), timeout=25,
               what="the message on doomed-poison")
    attempts = [r["dequeue_count"] for r in records(storage, "doomed") if r["body"] == body]
    assert sorted(attempts) == [1, 2, 3, 4, 5]
    wait_until(lambda: storage.queues.get_queue_client("doomed").get_queue_properties().approximate_message_count == 0,
               timeout=5, what="the original message to be deleted")
    time.sleep(SETTLE_SECONDS)
    assert len([r for r in records(storage, "doomed") if r["body"] == body]) == 5


# --- timer triggers ----------------------------------------------------------------------------------------------

def test_timer_fires_every_second(devhost: DevhostProcess, storage: Storage) -> None:
    before = count_records(storage, "tick")
    wait_until(lambda: count_records(storage, "tick") >= before + 2, timeout=6, what="two more timer ticks")


def test_run_on_startup_runs_the_timer_once_at_start(devhost: DevhostProcess, storage: Storage) -> None:
    # The schedule is yearly (1 January, midnight): only runOnStartup can have run it.
    started = wait_until(lambda: records(storage, "startup"), timeout=5, what="the runOnStartup invocation")
    assert started[0]["past_due"] is False


def test_missed_occurrence_runs_at_startup_as_past_due(devhost: DevhostProcess, storage: Storage) -> None:
    caught_up = wait_until(lambda: records(storage, "catchup"), timeout=5, what="the past-due invocation")
    assert len(caught_up) == 1
    assert caught_up[0]["past_due"] is True
    assert caught_up[0]["status"]["Next"].startswith(f"{time.localtime().tm_year - 1}-01-01T00:00:00")


# --- blob triggers -----------------------------------------------------------------------------------------------

def blob_records(storage: Storage, name: str) -> list[dict[str, Any]]:
    return [r for r in records(storage, "blob") if r["name"] == f"samples/{name}"]


def test_blob_runs_once_per_version_also_across_a_restart(devhost: DevhostProcess, storage: Storage,
                                                         host_id: str) -> None:
    samples = storage.blobs.get_container_client("samples")
    name = f"scan-{uuid.uuid4()}.txt"
    samples.upload_blob(name, b"first version")
    first = wait_until(lambda: blob_records(storage, name), what="the blob function")
    assert first[0]["data"] == "first version" and first[0]["length"] == len(b"first version")
    assert first[0]["uri"].endswith(f"/samples/{name}")
    time.sleep(SETTLE_SECONDS)
    assert len(blob_records(storage, name)) == 1

    receipts = storage.blobs.get_container_client("azure-webjobs-hosts")
    etag = samples.get_blob_client(name).get_blob_properties().etag
    quoted = etag if etag.startswith('"') else f'"{etag}"'  # the host keys receipts by the quoted ETag
    receipt = receipts.get_blob_client(f"blobreceipts/{host_id}/Host.Functions.on_sample/{quoted}/samples/{name}")
    assert "Incomplete" not in receipt.get_blob_properties().metadata  # a completed receipt

    assert devhost.stop() == 0
    assert "stopped" in devhost.log()
    devhost.start()
    other = f"scan-{uuid.uuid4()}.txt"
    samples.upload_blob(other, b"after restart")
    wait_until(lambda: blob_records(storage, other), what="a blob dropped after the restart")
    time.sleep(SETTLE_SECONDS)
    assert len(blob_records(storage, name)) == 1  # not run again after the restart

    samples.upload_blob(name, b"second version", overwrite=True)  # a new ETag
    both = wait_until(lambda: len(blob_records(storage, name)) == 2 and blob_records(storage, name),
                      what="the changed blob to run again")
    assert sorted(r["data"] for r in both) == ["first version", "second version"]


def test_failing_blob_is_poisoned_after_five_attempts(devhost: DevhostProcess, storage: Storage,
                                                      host_id: str) -> None:
    name = f"broken-{uuid.uuid4()}.bin"
    storage.blobs.get_container_client("fragile").upload_blob(name, b"\x00")
    poison = storage.queues.get_queue_client("webjobs-blobtrigger-poison")

    def poisoned() -> dict[str, Any] | None:
        messages = [json.loads(base64.b64decode(m.content)) for m in peek(poison)]
        return next((m for m in messages if m["BlobName"] == name), None)

    message = wait_until(poisoned, timeout=25, what="the blob's poison message")
    assert message["Type"] == "BlobTrigger" and message["FunctionId"] == "Host.Functions.on_fragile"
    assert (message["ContainerName"], message["BlobType"]) == ("fragile", "BlockBlob")
    assert message["ETag"].startswith('"') and message["ETag"].endswith('"')
    assert len([r for r in records(storage, "fragile") if r["name"] == f"fragile/{name}"]) == 5
    time.sleep(SETTLE_SECONDS)
    assert len([r for r in records(storage, "fragile") if r["name"] == f"fragile/{name}"]) == 5
