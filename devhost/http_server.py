"""The HTTP front door: function routes under the route prefix, static web files everywhere else."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import azure.functions as func

from devhost.app_loader import FunctionSpec
from devhost.invoker import InvocationFailed, Invoker
from devhost.routing import Route, Router, RouteTemplateError, parse_template
from devhost.static_files import StaticFiles, content_type

log = logging.getLogger("devhost")

MAX_REQUEST_BYTES = 100 * 1024 * 1024  # the host's HTTP request length limit (100 MB)
_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection", "keep-alive"}


class HttpApp:
    """What the request handler needs: routes, the invoker and the static files."""

    def __init__(self, specs: Iterable[FunctionSpec], route_prefix: str, invoker: Invoker, static: StaticFiles):
        self.prefix = route_prefix.strip("/")
        self.invoker = invoker
        self.static = static
        routes = []
        for spec in specs:
            route = spec.binding.get("route")
            template = "/".join(p for p in (self.prefix, spec.name if route is None else route) if p)
            try:
                parsed = parse_template(template)
            except RouteTemplateError as exc:
                log.error("skipping %s: %s", spec.name, exc)
                continue
            methods = frozenset(str(m).upper() for m in spec.binding.get("methods") or ())
            routes.append(Route(parsed, methods, spec))
        self.router: Router[FunctionSpec] = Router(routes)

    def is_function_path(self, path: str) -> bool:
        if not self.prefix:
            return True
        lowered, prefix = path.lower().strip("/"), self.prefix.lower()
        return lowered == prefix or lowered.startswith(prefix + "/")


class DevhostHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # The listen backlog, as Kestrel's default. socketserver's 5 overflows when more clients connect at
    # once, and the kernel then leaves those connections hanging for seconds (SYN-ACK retries).
    request_queue_size = 512
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: HttpApp):
        self.app = app
        super().__init__(address, _Handler)

    def start(self) -> threading.Thread:
        thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.2}, name="devhost-http", daemon=True
        )
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as the host's Kestrel sets it: the headers and the body go out in two writes, and with
    # Nagle's algorithm the body waits for the client's delayed ACK of the headers (~40 ms a response).
    disable_nagle_algorithm = True
    server_version = "devhost"
    server: DevhostHTTPServer

    def __getattr__(self, name: str) -> Any:
        # BaseHTTPRequestHandler dispatches to do_<METHOD>; every method goes through routing, as in the host.
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _handle(self) -> None:
        app = self.server.app
        body = self._read_body()
        if body is None:
            return
        split = urlsplit(self.path)
        if app.is_function_path(split.path):
            resolved = app.router.resolve(self.command, split.path)
            if resolved is not None:
                self._invoke(resolved[0].target, resolved[1], split.query, body)
                return
            if app.prefix:
                self._send(404)
                return
        self._serve_static(split.path)

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._send(400, close=True)
            return None
        if length > MAX_REQUEST_BYTES:
            self._send(413, close=True)
            return None
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes | None:
        chunks, total = [], 0
        while True:
            try:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            except ValueError:
                self._send(400, close=True)
                return None
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > MAX_REQUEST_BYTES:
                self._send(413, close=True)
                return None
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _invoke(self, spec: FunctionSpec, route_params: dict[str, str], query: str, body: bytes) -> None:
        request = func.HttpRequest(
            method=self.command,
            url=f"http://{self.headers.get('Host') or self._server_address()}{self.path}",
            headers=_joined(self.headers.items()),
            params=_joined(parse_qsl(query, keep_blank_values=True)),
            route_params=route_params,
            body=body,
        )
        reason = f"{self.command} {urlsplit(self.path).path}"
        try:
            result = self.server.app.invoker.invoke(
                spec, request, reason=reason, trace_parent=self.headers.get("traceparent", "")
            )
        except InvocationFailed:
            self._send(500)  # the host never puts the exception in the response
            return
        if isinstance(result, str):
            self._send(200, result.encode("utf-8"), [("Content-Type", "text/plain; charset=utf-8")])
        elif isinstance(result, func.HttpResponse):
            self._send(result.status_code, result.get_body(), _response_headers(result))
        else:
            log.error(
                "Functions.%s returned %s, not an HttpResponse (the worker fails such an invocation)",
                spec.name,
                type(result).__name__,
            )
            self._send(500)

    def _server_address(self) -> str:
        host, port = self.server.server_address[:2]
        return f"{host}:{port}"

    def _serve_static(self, path: str) -> None:
        if self.command not in ("GET", "HEAD"):
            self._send(405, headers=[("Allow", "GET, HEAD")])
            return
        found = self.server.app.static.lookup(path)
        if found.status == 301 and found.location:
            self._send(301, headers=[("Location", found.location)])
        elif found.path is not None:
            self._send(
                200,
                found.path.read_bytes(),
                [("Content-Type", content_type(found.path)), ("Cache-Control", "no-cache")],
            )
        else:
            self._send(found.status)

    def _send(
        self, status: int, body: bytes = b"", headers: Iterable[tuple[str, str]] = (), *, close: bool = False
    ) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)


def _joined(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Repeated names become one comma-joined value, as the host's StringValues.ToString() does."""
    merged: dict[str, str] = {}
    lower_to_name: dict[str, str] = {}
    for name, value in pairs:
        key = lower_to_name.setdefault(name.lower(), name)
        merged[key] = f"{merged[key]},{value}" if key in merged else value
    return merged


def _response_headers(response: func.HttpResponse) -> list[tuple[str, str]]:
    """The response's headers plus a Content-Type from mimetype/charset when unset (HttpResponseConverter)."""
    headers = [(name, value) for name, value in response.headers.items() if name.lower() not in _HOP_BY_HOP]
    if not any(name.lower() == "content-type" for name, _ in headers):
        mimetype = response.mimetype
        headers.append(
            ("Content-Type", f"{mimetype}; charset={response.charset}" if mimetype.startswith("text/") else mimetype)
        )
    return headers
