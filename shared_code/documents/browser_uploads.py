"""What a browser needs to put a large file straight into blob storage through an upload link.

The web page (served from PACT's origin) PUTs to the storage account's blob endpoint, another origin:
- the storage account must answer the CORS preflight: a rule allowing PUT from the web's origin with
  the `x-ms-*` and `content-type` request headers (`allow_browser_uploads`; `pact storage cors` sets it
  on Azurite at local start-up, infra/ on the Azure account);
- the page's Content-Security-Policy must list the blob endpoint in `connect-src`
  (`content_security_policy`; `pact web config` writes the Static Web App's configuration with it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# What the upload page sends: x-ms-blob-type (and x-ms-version, x-ms-client-request-id from the SDK), a
# Content-Type. Storage matches a trailing `*` as a prefix.
ALLOWED_HEADERS = ("x-ms-*", "content-type")
EXPOSED_HEADERS = ("x-ms-*", "etag")
PREFLIGHT_CACHE_SECONDS = 3600
_MAX_RULES = 5  # a storage account holds at most five CORS rules per service


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, as a browser names an origin (no path, no trailing slash)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}".lower()


def allow_browser_uploads(service: Any, origins: Iterable[str]) -> list[str]:
    """Let pages of `origins` PUT blobs on the blob service `service` (a `BlobServiceClient`); the
    account's other CORS rules stay, a rule naming one of these origins is replaced. Returns the origins."""
    from azure.storage.blob import CorsRule

    wanted = sorted({origin_of(origin) for origin in origins})
    if not wanted:
        raise ValueError("name at least one origin")
    kept = [
        rule
        for rule in service.get_service_properties().get("cors") or []
        if not set(_split(rule.allowed_origins)) & set(wanted)
    ]
    if len(kept) >= _MAX_RULES:
        raise ValueError(f"the storage account already has {len(kept)} CORS rules; at most {_MAX_RULES} fit")
    rule = CorsRule(
        wanted,
        ["PUT"],
        allowed_headers=list(ALLOWED_HEADERS),
        exposed_headers=list(EXPOSED_HEADERS),
        max_age_in_seconds=PREFLIGHT_CACHE_SECONDS,
    )
    service.set_service_properties(cors=[*kept, rule])
    return wanted


def content_security_policy(policy: str, *, connect: Iterable[str]) -> str:
    """`policy` with the origins of `connect` added to its `connect-src` (made from `default-src` when absent)."""
    directives = [d.split() for d in policy.split(";") if d.strip()]
    extra = [origin_of(url) for url in connect]
    by_name = {d[0].lower(): d for d in directives}
    if "connect-src" not in by_name:
        fallback = by_name.get("default-src", ["default-src", "'self'"])
        directives.append(["connect-src", *fallback[1:]])
        by_name["connect-src"] = directives[-1]
    sources = by_name["connect-src"]
    sources.extend(origin for origin in extra if origin not in sources)
    return "; ".join(" ".join(d) for d in directives)


def static_web_app_config(path: Path, *, blob_endpoint: str) -> dict[str, Any]:
    """The Static Web App configuration at `path` with the blob endpoint allowed in its CSP's connect-src."""
    config = json.loads(path.read_text(encoding="utf-8"))
    headers = config.setdefault("globalHeaders", {})
    headers["Content-Security-Policy"] = content_security_policy(
        headers.get("Content-Security-Policy", "default-src 'self'"), connect=[blob_endpoint]
    )
    return config


def _split(value: Any) -> list[str]:
    values = value.split(",") if isinstance(value, str) else list(value or [])
    return [v.strip().lower() for v in values if v.strip()]
