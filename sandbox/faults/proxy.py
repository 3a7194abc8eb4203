"""The fault-injection proxy: a real threaded HTTP server (sandbox/kit/) in front of one upstream base URL."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from sandbox.faults.rules import Action, ProxyRequest, ProxyResponse, Rule, apply, rule_from_json
from sandbox.faults.upstream import Upstream
from sandbox.kit.http import HttpServer, Request

ADMIN_PREFIX = "/_faults/"


@dataclass(frozen=True)
class Exchange:
    """One request that went through the proxy, as the client saw its outcome."""

    method: str
    path: str
    query: dict[str, str]
    status: int | None  # None: the connection was closed without an answer
    rule: str | None  # the name of the rule that fired, if any
    upstream_called: bool
    error: str | None = None  # the upstream was unreachable, or a rule's own code failed


@dataclass
class _Outcome:
    response: ProxyResponse
    upstream_called: bool = False
    error: str | None = None
    rule: Rule | None = None


def _json_response(status: int, payload: Any) -> ProxyResponse:
    return ProxyResponse(status, (("Content-Type", "application/json"),), json.dumps(payload).encode())


class FaultProxy(HttpServer):
    """Forward every request to `upstream_base`, unless a rule fires; use as a context manager.

    `base_url` mirrors the upstream's path prefix on this proxy's port, so a client configured with it
    reaches the same resources. Rules are tried in the order added; the first that matches and is not spent fires.
    """

    def __init__(self, upstream_base: str, host: str = "127.0.0.1", port: int = 0, *, timeout: float = 30.0) -> None:
        upstream = urlsplit(upstream_base)
        if upstream.scheme not in ("http", "https") or not upstream.hostname:
            raise ValueError(f"upstream must be an http(s) URL, not {upstream_base!r}")
        self.upstream_base = upstream_base.rstrip("/")
        self._upstream_connections = Upstream(upstream, timeout)
        self._prefix = upstream.path.rstrip("/")
        self.rules: list[Rule] = []
        self.requests: list[Exchange] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._named = 0
        super().__init__(host, port, name="fault-proxy")

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        return f"{self.root_url}{self._prefix}"

    def start(self) -> FaultProxy:
        self._stopping.clear()
        return super().start()

    def stop(self) -> None:
        self._stopping.set()  # releases requests held by a delay
        super().stop()
        self._upstream_connections.close()

    # ------------------------------------------------------------------ rules

    def add(
        self,
        *actions: Action,
        path: str | None = None,
        query: Mapping[str, object] | None = None,
        present: tuple[str, ...] | list[str] = (),
        absent: tuple[str, ...] | list[str] = (),
        method: str | None = None,
        times: int | None = 1,
        name: str = "",
    ) -> Rule:
        """Add a rule taking `actions` on matching requests; see `Rule` for the conditions."""
        rule = Rule(
            actions=tuple(actions),
            path=path,
            query={k: str(v) for k, v in (query or {}).items()},
            present=tuple(present),
            absent=tuple(absent),
            method=method,
            times=times,
            name=name,
        )
        return self.add_rule(rule)

    def add_rule(self, rule: Rule) -> Rule:
        with self._lock:
            self._named += 1
            rule.name = rule.name or f"rule-{self._named}"
            self.rules.append(rule)
        return rule

    def add_json(self, payload: Mapping[str, Any] | list[Mapping[str, Any]]) -> list[Rule]:
        """Add rules in their JSON form (one object or a list); all are checked before any is added."""
        items = payload if isinstance(payload, list) else [payload]
        rules = [rule_from_json(item) for item in items]
        return [self.add_rule(rule) for rule in rules]

    def clear(self) -> None:
        """Remove every rule; the request log is kept."""
        with self._lock:
            self.rules.clear()

    def reset(self) -> None:
        """Remove every rule and forget the request log."""
        with self._lock:
            self.rules.clear()
            self.requests.clear()

    # ------------------------------------------------------------------ request handling

    def respond(self, request: Request) -> ProxyResponse:
        return self.handle(
            ProxyRequest(request.method, request.target, request.headers, request.body, wait=self._stopping.wait)
        )

    def handle(self, request: ProxyRequest) -> ProxyResponse:
        """What the client gets for `request`: an admin answer, a rule's doing, or upstream's own answer."""
        if request.path.startswith(ADMIN_PREFIX):
            return self._admin(request)
        outcome = self._proxied(request)
        entry = Exchange(
            method=request.method,
            path=request.path,
            query=request.query,
            status=None if outcome.response.disconnect else outcome.response.status,
            rule=outcome.rule.name if outcome.rule else None,
            upstream_called=outcome.upstream_called,
            error=outcome.error,
        )
        with self._lock:
            self.requests.append(entry)
        return outcome.response

    def _select(self, request: ProxyRequest) -> Rule | None:
        with self._lock:  # choose and count in one step, so `times` holds under concurrent requests
            for rule in self.rules:
                if not rule.spent and rule.matches(request):
                    rule.fired += 1
                    return rule
        return None

    def _proxied(self, request: ProxyRequest) -> _Outcome:
        outcome = _Outcome(ProxyResponse(0))

        def forward(outgoing: ProxyRequest) -> ProxyResponse:
            outcome.upstream_called = True
            response, outcome.error = self._forward(outgoing)
            return response

        outcome.rule = self._select(request)
        if outcome.rule is None:
            outcome.response = forward(request)
            return outcome
        try:
            outcome.response = apply(outcome.rule.actions, request, forward)
        except Exception as error:  # a test's own callable failed: say so to the client and in the log
            outcome.error = f"rule {outcome.rule.name} failed: {type(error).__name__}: {error}"
            outcome.response = _json_response(500, {"error": outcome.error})
        return outcome

    def _forward(self, request: ProxyRequest) -> tuple[ProxyResponse, str | None]:
        """Upstream's answer, or a 502 naming why there was none."""
        try:
            return self._upstream_connections.send(request), None
        except (OSError, http.client.HTTPException) as error:
            problem = f"upstream {self.upstream_base} failed: {type(error).__name__}: {error}"
            return _json_response(502, {"error": problem}), problem

    # ------------------------------------------------------------------ admin

    def _admin(self, request: ProxyRequest) -> ProxyResponse:
        method, path = request.method, request.path
        if path == f"{ADMIN_PREFIX}rules" and method == "POST":
            try:
                added = self.add_json(json.loads(request.body or b"null"))
            except (ValueError, TypeError) as error:
                return _json_response(400, {"error": str(error)})
            return _json_response(201, [rule.describe() for rule in added])
        if path == f"{ADMIN_PREFIX}rules" and method in ("GET", "DELETE"):
            if method == "DELETE":
                self.clear()
            with self._lock:
                return _json_response(200, [rule.describe() for rule in self.rules])
        if path == f"{ADMIN_PREFIX}requests" and method in ("GET", "DELETE"):
            with self._lock:
                if method == "DELETE":
                    self.requests.clear()
                return _json_response(200, [asdict(entry) for entry in self.requests])
        return _json_response(404, {"error": f"no admin endpoint {method} {path}"})
