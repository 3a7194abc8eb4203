"""A stand-in served over real HTTP on 127.0.0.1 in a background thread; use it as a context manager.

`HttpServer` owns the server, the thread and the one request handler every stand-in shares (HTTP/1.1 keep-alive,
every method, no request log on stderr: each stand-in keeps its own). A subclass answers `respond(request)` with a
`Reply`: status, reason, headers in order, body, or a hang-up. `HttpStandIn` is the simple form the vendor sandboxes
use: `handle(method, path, headers, body)` returns a `Response` with a JSON content type by default. The fault
proxy (sandbox/faults/) answers `respond` itself, passing its own headers and hang-ups through.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Protocol, Self


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # path and query string, as the client sent them
    headers: tuple[tuple[str, str], ...]
    body: bytes


class Reply(Protocol):
    """What the handler writes back. `disconnect`: close the connection without an answer."""

    @property
    def status(self) -> int: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def headers(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def body(self) -> bytes: ...
    @property
    def disconnect(self) -> bool: ...


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Reply:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    reason: str | None = None
    disconnect: bool = False


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status, json.dumps(payload).encode(), headers or {})


class HttpServer:
    """Serves `respond` on host:port (0 picks a free port) from a daemon thread between start() and stop()."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, name: str = "sandbox") -> None:
        self._name = name
        self._httpd = _Server((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    def respond(self, request: Request) -> Reply:
        raise NotImplementedError

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def root_url(self) -> str:
        return f"http://{self._httpd.server_address[0]}:{self.port}"

    def start(self) -> Self:
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name=self._name,
                                            daemon=True)  # fmt: skip
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class HttpStandIn(HttpServer):
    """A vendor stand-in: answers `handle` with a `Response` (Content-Type `content_type` unless it sets one)."""

    content_type = "application/json"

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Response:
        raise NotImplementedError

    def respond(self, request: Request) -> Reply:
        headers = {name.lower(): value for name, value in request.headers}
        response = self.handle(request.method, request.target, headers, request.body)
        own = {name.lower() for name in response.headers}
        content_type = () if "content-type" in own else (("Content-Type", self.content_type),)
        return _Reply(response.status, (*content_type, *response.headers.items()), response.body)


class _Server(ThreadingHTTPServer):
    # The default listen backlog of 5 overflows under a threaded client: the kernel drops the extra SYNs and the
    # client retries a second later, which would look like a delay the tests did not ask for.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up or timed out (tests do both on purpose) is not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


def _handler_for(server: HttpServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # http.server writes headers and body separately; with Nagle + delayed ACK each response stalls ~40 ms.
        disable_nagle_algorithm = True

        def _dispatch(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            reply = server.respond(Request(self.command, self.path, tuple(self.headers.items()), body))
            if reply.disconnect:
                self._hang_up()
            else:
                self._send(reply)

        def _send(self, reply: Reply) -> None:
            self.send_response_only(reply.status, reply.reason)
            is_head = self.command == "HEAD"
            length = str(len(reply.body))
            names = {name.lower() for name, _ in reply.headers}
            for name, value in reply.headers:
                # Recomputed in its place, so a passed-through answer keeps its header order; a HEAD answer keeps
                # the Content-Length of the body it does not send.
                self.send_header(name, length if name.lower() == "content-length" and not is_head else value)
            if "date" not in names:
                self.send_header("Date", self.date_time_string())
            if "content-length" not in names and not is_head:
                self.send_header("Content-Length", length)
            self.end_headers()
            if not is_head:
                self.wfile.write(reply.body)

        def _hang_up(self) -> None:
            self.close_connection = True
            with contextlib.suppress(OSError):  # the client may have gone first
                self.connection.shutdown(socket.SHUT_RDWR)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            pass  # the request log lives on the stand-in; keep test output quiet

    return Handler
