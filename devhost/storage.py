"""Storage connections named by a binding's `connection`, resolved like the host resolves them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

DEFAULT_CONNECTION = "AzureWebJobsStorage"
# Azurite's well-known development account (public, documented by Microsoft).
DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


class StorageConnectionError(LookupError):
    """No setting provides the storage connection a trigger names."""


def parse_connection_string(value: str) -> dict[str, str]:
    """`Key=Value;...` into a dict with the keys as written (values may contain '=')."""
    pairs: dict[str, str] = {}
    for item in value.split(";"):
        if item.strip():
            key, sep, val = item.partition("=")
            if not sep:
                raise ValueError(f"malformed storage connection string part {key.strip()!r}")
            pairs[key.strip()] = val.strip()
    return pairs


def expand_development_storage(value: str) -> str:
    """Spell out `UseDevelopmentStorage=true` as Azurite's default endpoints (honouring the proxy URI)."""
    parts = {k.lower(): v for k, v in parse_connection_string(value).items()}
    if parts.get("usedevelopmentstorage", "").lower() != "true":
        return value
    base = parts.get("developmentstorageproxyuri", "http://127.0.0.1").rstrip("/")
    return (
        f"DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT};AccountKey={DEV_KEY};"
        f"BlobEndpoint={base}:10000/{DEV_ACCOUNT};QueueEndpoint={base}:10001/{DEV_ACCOUNT};"
        f"TableEndpoint={base}:10002/{DEV_ACCOUNT};"
    )


@dataclass(frozen=True)
class StorageAccount:
    """Blob and queue clients for one connection; built lazily so nothing connects at import."""

    name: str
    connection_string: str | None = None
    blob_url: str | None = None
    queue_url: str | None = None

    @cached_property
    def _credential(self) -> Any:
        from azure.identity import DefaultAzureCredential  # only for identity-based connections

        return DefaultAzureCredential()

    @cached_property
    def blobs(self) -> BlobServiceClient:
        if self.connection_string:
            return BlobServiceClient.from_connection_string(self.connection_string)
        return BlobServiceClient(self.blob_url, credential=self._credential)

    @cached_property
    def queues(self) -> QueueServiceClient:
        if self.connection_string:
            return QueueServiceClient.from_connection_string(self.connection_string)
        return QueueServiceClient(self.queue_url, credential=self._credential)

    def describe(self) -> str:
        return f"{self.name} ({self.blobs.url.rstrip('/')})"


def resolve_connection(name: str | None, environ: Mapping[str, str] | None = None) -> StorageAccount:
    """The account a binding's `connection` names: the setting itself, then `AzureWebJobs<name>`,
    then an identity-based `<name>__serviceUri` / `__blobServiceUri` / `__queueServiceUri` / `__accountName`."""
    env = os.environ if environ is None else environ
    name = name or DEFAULT_CONNECTION
    for key in (name, f"AzureWebJobs{name}"):
        if env.get(key):
            return StorageAccount(name, connection_string=expand_development_storage(env[key]))
    settings = {
        k.split("__", 1)[1].lower(): v for k, v in env.items() if k.lower().startswith(name.lower() + "__") and v
    }
    account = settings.get("accountname")
    blob_url = (
        settings.get("blobserviceuri")
        or settings.get("serviceuri")
        or (account and f"https://{account}.blob.core.windows.net")
    )
    queue_url = settings.get("queueserviceuri") or (account and f"https://{account}.queue.core.windows.net")
    if blob_url and queue_url:
        return StorageAccount(name, blob_url=blob_url, queue_url=queue_url)
    raise StorageConnectionError(
        f"storage connection {name!r} is not configured: set {name} (a connection string, e.g. "
        f"UseDevelopmentStorage=true) in the environment or local.settings.json Values"
    )


class Accounts:
    """One StorageAccount per connection name, shared by every trigger that names it."""

    def __init__(self, environ: Mapping[str, str] | None = None):
        self._environ = environ
        self._accounts: dict[str, StorageAccount] = {}

    def get(self, name: str | None) -> StorageAccount:
        key = name or DEFAULT_CONNECTION
        if key not in self._accounts:
            self._accounts[key] = resolve_connection(key, self._environ)
        return self._accounts[key]
