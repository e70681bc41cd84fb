"""Serving the web app's files for paths outside the route prefix (what Static Web Apps does in Azure)."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

# Explicit types for what a browser checks strictly (module scripts need a JavaScript type);
# mimetypes alone depends on the machine's /etc/mime.types.
_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
}


@dataclass(frozen=True)
class StaticResult:
    status: int
    path: Path | None = None
    location: str | None = None  # for the redirect of a directory to its slash form


class StaticFiles:
    """Files under `root`; `/` and directories serve index.html; nothing outside root, ever."""

    def __init__(self, root: Path | None):
        self.root = root if root is not None and root.is_dir() else None

    def lookup(self, url_path: str) -> StaticResult:
        if self.root is None:
            return StaticResult(404)
        decoded = unquote(url_path)
        if "\x00" in decoded or "\\" in decoded:
            return StaticResult(404)
        parts = [part for part in decoded.split("/") if part]
        # Refuse any dot segment rather than normalising it away: no request may climb out of root.
        if any(part in (".", "..") for part in parts):
            return StaticResult(404)
        candidate = self.root.joinpath(*parts)
        if candidate.is_dir():
            if not url_path.endswith("/"):
                return StaticResult(301, location=url_path + "/")
            candidate = candidate / "index.html"
        return StaticResult(200, candidate) if candidate.is_file() else StaticResult(404)


def content_type(path: Path) -> str:
    kind = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    textual = kind.startswith("text/") or kind in ("application/json", "application/xml", "image/svg+xml")
    return f"{kind}; charset=utf-8" if textual else kind
