"""An API client for tests over real HTTP: JSON in and out, the envelope unwrapped, no HTTP details in tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import requests


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def data(self) -> Any:
        return self.body.get("data") if isinstance(self.body, dict) else None

    @property
    def error_code(self) -> str | None:
        return (self.body.get("error") or {}).get("code") if isinstance(self.body, dict) else None


class ApiClient:
    def __init__(self, base_url: str, *, ip: str | None = None) -> None:
        self.base = base_url.rstrip("/") + "/api/v1"
        # Each client looks like its own machine, so per-IP limits of one test never touch another.
        self.ip = ip or f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
        self.token: str | None = None
        self.http = requests.Session()

    def call(self, method: str, path: str, *, json: Any = None, token: str | None = None,
             headers: dict[str, str] | None = None) -> Reply:
        sent = {"X-Forwarded-For": self.ip, **(headers or {})}
        bearer = token if token is not None else self.token
        if bearer:
            sent["Authorization"] = f"Bearer {bearer}"
        response = self.http.request(method, self.base + path, json=json, headers=sent, timeout=30)
        try:
            body = response.json()
        except ValueError:
            body = response.text
        return Reply(response.status_code, body, dict(response.headers))

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Reply:
        return self.call("POST", path, json=json, **kwargs)
