"""Keep-alive connections to the one upstream the proxy forwards to."""

from __future__ import annotations

import http.client
import threading
from urllib.parse import SplitResult

from sandbox.faults.rules import ProxyRequest, ProxyResponse

# Per-connection headers (RFC 9110 section 7.6.1): each hop sets its own. Content-Length is recomputed.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer"}
    | {"transfer-encoding", "upgrade"}
)
_NOT_FORWARDED = HOP_BY_HOP | {"host", "content-length"}
_SAFE_TO_RESEND = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class Upstream:
    """Send requests to one upstream over reused connections.

    Reuse matters beyond speed: a sandbox built on http.server listens with a backlog of 5, so a burst of fresh
    connections from a threaded client overflows it and the kernel makes the extras wait a second for a retry.
    """

    def __init__(self, base: SplitResult, timeout: float, keep: int = 16) -> None:
        self._base, self._timeout, self._keep = base, timeout, keep
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def send(self, request: ProxyRequest) -> ProxyResponse:
        """The upstream's whole answer; raises OSError or HTTPException when there is none."""
        connection, reused = self._take()
        try:
            response, reusable = self._exchange(connection, request)
        except (ConnectionResetError, BrokenPipeError):
            connection.close()
            # A kept connection the upstream had already closed: the request never arrived, so send it afresh.
            if not reused or request.method not in _SAFE_TO_RESEND:
                raise
            connection = self._connect()
            response, reusable = self._guarded_exchange(connection, request)
        except BaseException:
            connection.close()
            raise
        self._give_back(connection, reusable)
        return response

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def _connect(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self._base.scheme == "https" else http.client.HTTPConnection
        return kind(self._base.hostname, self._base.port, timeout=self._timeout)

    def _take(self) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return self._connect(), False

    def _give_back(self, connection: http.client.HTTPConnection, reusable: bool) -> None:
        with self._lock:
            if reusable and len(self._idle) < self._keep:
                self._idle.append(connection)
                return
        connection.close()

    def _guarded_exchange(
        self, connection: http.client.HTTPConnection, request: ProxyRequest
    ) -> tuple[ProxyResponse, bool]:
        try:
            return self._exchange(connection, request)
        except BaseException:
            connection.close()
            raise

    def _exchange(self, connection: http.client.HTTPConnection, request: ProxyRequest) -> tuple[ProxyResponse, bool]:
        connection.putrequest(request.method, request.target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", self._base.netloc)
        for name, value in request.headers:
            if name.lower() not in _NOT_FORWARDED:
                connection.putheader(name, value)
        if request.body or request.method in ("POST", "PUT", "PATCH"):
            connection.putheader("Content-Length", str(len(request.body)))
        connection.endheaders(request.body or None)
        answer = connection.getresponse()
        body = answer.read()
        headers = tuple((k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP)
        return ProxyResponse(answer.status, headers, body, answer.reason), not answer.will_close
