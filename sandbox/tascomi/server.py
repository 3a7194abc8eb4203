"""A real HTTP stand-in for the Tascomi REST API, serving a `TascomiWorld`, with switchable faults.

Endpoints:
  GET  /rest/v1/{table}[?last_updated=YYYY-MM-DD][&page=N]   the vendor API (signed requests only)
  GET  /_sandbox/state                                       today, now, record counts, request count
  GET  /_sandbox/faults, POST /_sandbox/faults               read / change faults (JSON)
  POST /_sandbox/clock {"today": "YYYY-MM-DD"}               advance the simulated day
Admin endpoints need no signature.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox.kit.http import HttpStandIn, Response, json_response
from sandbox.tascomi.auth import accepted_signatures
from sandbox.tascomi.world import TascomiWorld

REST_PREFIX = "/rest/v1/"


@dataclass
class Faults:
    """Failures the sandbox can inject, as the real vendor produces them."""

    access_off: bool = False  # the vendor switched API access off: every /rest request -> 403
    access_off_on: set[date] = field(default_factory=set)  # ...automatically on these simulated days
    slow_ms: int = 0  # delay before every /rest answer
    fail_remaining: int = 0  # the next n /rest requests fail with fail_status
    fail_status: int = 503
    truncate_remaining: int = 0  # the next n /rest answers are cut to half their bytes

    def fail_next(self, n: int, status: int = 503) -> None:
        self.fail_remaining, self.fail_status = n, status

    def truncate_next(self, n: int) -> None:
        self.truncate_remaining = n

    def as_json(self) -> dict[str, Any]:
        return {
            "access_off": self.access_off,
            "access_off_on": sorted(d.isoformat() for d in self.access_off_on),
            "slow_ms": self.slow_ms,
            "fail_next": self.fail_remaining,
            "fail_status": self.fail_status,
            "truncate_next": self.truncate_remaining,
        }

    def update(self, body: dict[str, Any]) -> None:
        """Apply a POSTed JSON change; keys as in `as_json`, absent keys unchanged."""
        if "access_off" in body:
            self.access_off = bool(body["access_off"])
        if "access_off_on" in body:
            self.access_off_on = {date.fromisoformat(d) for d in body["access_off_on"]}
        if "slow_ms" in body:
            self.slow_ms = int(body["slow_ms"])
        if "fail_next" in body:
            self.fail_next(int(body["fail_next"]), int(body.get("fail_status", 503)))
        if "truncate_next" in body:
            self.truncate_next(int(body["truncate_next"]))


class TascomiSandbox(HttpStandIn):
    """Serve a world over real HTTP on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(
        self,
        world: TascomiWorld,
        public_key: str = "sandbox-public",
        private_key: str = "sandbox-private",
        host: str = "127.0.0.1",
        port: int = 0,
        page_size: int = 100,
        *,
        skew_minutes: int = 1,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.world = world
        self.public_key = public_key
        self.private_key = private_key
        self.page_size = page_size
        self.skew_minutes = skew_minutes
        self.clock = clock or (lambda: datetime.now(UTC))  # real wall clock: signatures use real time
        self.faults = Faults()
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.RLock()  # the world is not thread-safe; requests arrive on many threads
        super().__init__(host, port, name="tascomi-sandbox")

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/rest/v1"

    # ------------------------------------------------------------------ clock

    @property
    def today(self) -> date:
        return self.world.today

    def set_today(self, day: date) -> None:
        with self._lock:
            self.world.advance_to(day)

    # ------------------------------------------------------------------ request handling

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Response:
        url = urlsplit(raw_path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if url.path.startswith("/_sandbox/"):
            response = self._admin(method, url.path, body)
        elif url.path.startswith(REST_PREFIX):
            response = self._rest(method, url.path[len(REST_PREFIX) :], query, headers)
        else:
            response = json_response(404, {"error": "not found"})
        with self._lock:
            self.requests.append({"method": method, "path": url.path, "query": query, "status": response.status})
        return response

    def _rest(self, method: str, table: str, query: dict[str, str], headers: dict[str, str]) -> Response:
        with self._lock:
            faults = self.faults
            slow = faults.slow_ms
            if faults.access_off or self.today in faults.access_off_on:
                return json_response(403, {"error": "API access has been disabled for this account"})
            if faults.fail_remaining > 0:
                faults.fail_remaining -= 1
                return json_response(faults.fail_status, {"error": "service unavailable"})
        if slow:
            time.sleep(slow / 1000)
        if not self._signed(headers):
            return json_response(401, {"error": "invalid or expired X-Hash"})
        if method != "GET":
            return json_response(405, {"error": "method not allowed"})
        response = self._serve_table(table, query)
        with self._lock:
            if response.status == 200 and self.faults.truncate_remaining > 0:
                self.faults.truncate_remaining -= 1
                response.body = response.body[: len(response.body) // 2]
        return response

    def _signed(self, headers: dict[str, str]) -> bool:
        if headers.get("x-public") != self.public_key:
            return False
        accepted = accepted_signatures(self.public_key, self.private_key, self.clock(), self.skew_minutes)
        return headers.get("x-hash", "") in accepted

    def _serve_table(self, table: str, query: dict[str, str]) -> Response:
        try:
            day = date.fromisoformat(query["last_updated"]) if query.get("last_updated") else None
            page = int(query.get("page", "1"))
        except ValueError:
            return json_response(400, {"error": "bad last_updated or page"})
        if page < 1:
            return json_response(400, {"error": "page starts at 1"})
        with self._lock:
            if table not in self.world.tables:
                return json_response(404, {"error": f"unknown resource {table}"})
            rows = self.world.query(table, day)
            start = (page - 1) * self.page_size
            records = [self.world.serialise_json(table, row) for row in rows[start : start + self.page_size]]
        paging = {
            "X-Number-Of-Results": str(len(rows)),
            "X-Results-Per-Page": str(self.page_size),
            "X-Page-Number": str(page),
            "X-Number-Of-Pages": str(math.ceil(len(rows) / self.page_size)),
        }
        # The vendor answers 202 with an empty body when there is nothing to return.
        body = ("[" + ", ".join(records) + "]").encode()  # as json.dumps(list of records) would write it
        return Response(200 if records else 202, body, paging)

    def _admin(self, method: str, path: str, body: bytes) -> Response:
        try:
            payload = json.loads(body or b"{}") if method == "POST" else {}
        except json.JSONDecodeError:
            return json_response(400, {"error": "body must be JSON"})
        with self._lock:
            if path == "/_sandbox/faults":
                if method == "POST":
                    try:
                        self.faults.update(payload)
                    except (TypeError, ValueError) as exc:
                        return json_response(400, {"error": str(exc)})
                return json_response(200, self.faults.as_json())
            if path == "/_sandbox/clock" and method == "POST":
                try:
                    self.world.advance_to(date.fromisoformat(payload["today"]))
                except (KeyError, TypeError, ValueError) as exc:
                    return json_response(400, {"error": f"bad clock change: {exc}"})
                return json_response(200, self._state())
            if path == "/_sandbox/state":
                return json_response(200, self._state())
        return json_response(404, {"error": "not found"})

    def _state(self) -> dict[str, Any]:
        return {
            "today": self.world.today.isoformat(),
            "now": self.world.now.isoformat(sep=" "),
            "seed": self.world.seed,
            "counts": self.world.counts(),
            "requests": len(self.requests),
            "faults": self.faults.as_json(),
        }
