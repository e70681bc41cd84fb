"""The app devhost's integration tests run: one function per behaviour under test.

Background functions record each invocation as a JSON blob in container `records`
(`records/<kind>/<uuid>.json`), so a test can count invocations and read what each one saw.
"""

from __future__ import annotations

import functools
import json
import os
import uuid

import azure.functions as func
from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import BlobServiceClient, ContainerClient

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@functools.cache
def _records() -> ContainerClient:
    container = BlobServiceClient.from_connection_string(os.environ["AzureWebJobsStorage"]).get_container_client(
        "records")
    try:
        container.create_container()
    except ResourceExistsError:
        pass
    return container


def _record(kind: str, **details: object) -> None:
    _records().upload_blob(f"{kind}/{uuid.uuid4()}.json", json.dumps(details))


@app.route(route="items/{id:int}", methods=["GET"])
def get_item(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(json.dumps({"id": int(req.route_params["id"])}), mimetype="application/json")


@app.route(route="greet/{name?}", methods=["GET"])
def greet(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    name = req.route_params.get("name", "world")
    return func.HttpResponse(f"hello {name}", headers={"X-Function": context.function_name})


@app.route(route="echo", methods=["POST"])
async def echo(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(req.get_body(), status_code=201, mimetype="application/octet-stream",
                             headers={"X-Query": req.params.get("q", ""), "X-Url": req.url})


@app.route(route="boom")
def boom(req: func.HttpRequest) -> func.HttpResponse:
    raise RuntimeError("secret detail that must not leak")


@app.blob_trigger(arg_name="blob", path="samples/{name}", connection="AzureWebJobsStorage",
                  source=func.BlobSource.EVENT_GRID)
def on_sample(blob: func.InputStream) -> None:
    _record("blob", name=blob.name, length=blob.length, data=blob.read().decode(), uri=blob.uri)


@app.blob_trigger(arg_name="blob", path="fragile/{name}", connection="AzureWebJobsStorage",
                  source=func.BlobSource.EVENT_GRID)
def on_fragile(blob: func.InputStream) -> None:
    _record("fragile", name=blob.name)
    raise ValueError("this blob can never be processed")


@app.queue_trigger(arg_name="msg", queue_name="work", connection="AzureWebJobsStorage")
def on_work(msg: func.QueueMessage) -> None:
    _record("queue", id=msg.id, body=msg.get_body().decode(), dequeue_count=msg.dequeue_count)


@app.queue_trigger(arg_name="msg", queue_name="doomed", connection="AzureWebJobsStorage")
def on_doomed(msg: func.QueueMessage) -> None:
    _record("doomed", id=msg.id, body=msg.get_body().decode(), dequeue_count=msg.dequeue_count)
    raise RuntimeError("this message can never be processed")


@app.timer_trigger(schedule="* * * * * *", arg_name="timer")
def every_second(timer: func.TimerRequest) -> None:
    _record("tick", past_due=timer.past_due)


@app.timer_trigger(schedule="0 0 0 1 Jan *", arg_name="timer", run_on_startup=True)
def yearly_on_startup(timer: func.TimerRequest) -> None:
    _record("startup", past_due=timer.past_due)


@app.timer_trigger(schedule="0 0 0 1 Jan *", arg_name="timer", use_monitor=True)
def yearly_catch_up(timer: func.TimerRequest) -> None:
    _record("catchup", past_due=timer.past_due, status=timer.schedule_status)
