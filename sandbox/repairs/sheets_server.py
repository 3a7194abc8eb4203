"""A real HTTP stand-in for the Google Sheets API v4 (the subset the platform uses) and Google's token endpoint.

Endpoints:
  POST /token                                         service-account JWT bearer grant -> access token
  GET  /v4/spreadsheets/{spreadsheetId}               sheet titles and grid sizes
  GET  /v4/spreadsheets/{spreadsheetId}/values/{range} cell values (bearer token required)
  GET  /_sandbox/state, GET|POST /_sandbox/faults, POST /_sandbox/clock {"today": "YYYY-MM-DD"}
The simulated day decides what the sheets hold (everything submitted before that day 00:00); tokens and JWTs run
on the real clock, as Google's do.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sandbox.housing_world.world import HousingRepairsWorld
from sandbox.kit.http import HttpStandIn, Response, json_response
from sandbox.repairs.auth import JWT_BEARER, AuthError, ServiceAccount, new_service_account, verify_assertion

GRID_MIN_ROWS = 1000  # a new Google sheet has 1000 rows and 26 columns
GRID_MIN_COLUMNS = 26
_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
           429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}  # fmt: skip
_MESSAGES = {
    401: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
    "valid authentication credential.",
    403: "The caller does not have permission",
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service "
    "'sheets.googleapis.com'.",
    503: "The service is currently unavailable.",
}
_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")


@dataclass
class Faults:
    """Failures to inject: transient errors on the next requests, revoked access, a disabled key."""

    fail_remaining: int = 0
    fail_status: int = 503
    retry_after: int | None = None
    revoked: set[str] = field(default_factory=set)  # spreadsheet ids no longer shared with the service account
    revoke_all: bool = False
    key_disabled: bool = False  # the service account's key was deleted: the token endpoint refuses it

    def fail_next(self, n: int, status: int = 503, retry_after: int | None = None) -> None:
        self.fail_remaining, self.fail_status, self.retry_after = n, status, retry_after

    def as_json(self) -> dict[str, Any]:
        return {"fail_next": self.fail_remaining, "fail_status": self.fail_status, "retry_after": self.retry_after,
                "revoked": sorted(self.revoked), "revoke_all": self.revoke_all,
                "key_disabled": self.key_disabled}  # fmt: skip

    def update(self, body: dict[str, Any]) -> None:
        if "fail_next" in body:
            self.fail_next(int(body["fail_next"]), int(body.get("fail_status", 503)), body.get("retry_after"))
        if "revoked" in body:
            self.revoked = set(body["revoked"])
        if "revoke_all" in body:
            self.revoke_all = bool(body["revoke_all"])
        if "key_disabled" in body:
            self.key_disabled = bool(body["key_disabled"])


def _google_error(status: int, message: str | None = None) -> Response:
    text = message or _MESSAGES.get(status, "Error")
    return json_response(status, {"error": {"code": status, "message": text, "status": _STATUS.get(status, "UNKNOWN")}})


def spreadsheet_id(seed: int, contractor: str) -> str:
    """A stable 44-character id in Google's alphabet, so configs and tests can name a sheet."""
    digest = hashlib.sha512(f"housing-repairs:{seed}:{contractor}".encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "1" + "".join(alphabet[b % 64] for b in digest[:43])


def column_letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA."""
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def quote_sheet(title: str) -> str:
    return title if re.fullmatch(r"[A-Za-z0-9_]+", title) else "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class A1Range:
    sheet: str
    first_row: int
    first_col: int
    last_row: int | None  # None: to the end of the grid
    last_col: int | None


def parse_range(text: str, tabs: list[str]) -> A1Range:
    """Parse `'Sheet name'!A1:ZZ`, `Sheet!A:C`, `A1:Z10` (first sheet) or a bare sheet name; ValueError if not."""
    sheet, cells = None, text
    if "!" in text:
        sheet, cells = text.rsplit("!", 1)
        if sheet.startswith("'") and sheet.endswith("'") and len(sheet) >= 2:
            sheet = sheet[1:-1].replace("''", "'")
    elif text in tabs or (text.startswith("'") and text[1:-1].replace("''", "'") in tabs):
        sheet, cells = (text if text in tabs else text[1:-1].replace("''", "'")), ""
    sheet = sheet if sheet is not None else tabs[0]
    if sheet not in tabs:
        raise ValueError(text)
    if not cells:
        return A1Range(sheet, 1, 1, None, None)
    start, colon, end = cells.partition(":")
    end = end if colon else start
    m1, m2 = _CELL.match(start), _CELL.match(end)
    if not m1 or not m2:
        raise ValueError(text)
    c1, r1 = m1.groups()
    c2, r2 = m2.groups()
    if not (c1 or r1) or not (c2 or r2):
        raise ValueError(text)
    first_col, first_row = column_number(c1) if c1 else 1, int(r1) if r1 else 1
    last_col, last_row = (column_number(c2) if c2 else None), (int(r2) if r2 else None)
    if first_row < 1 or (last_row is not None and last_row < first_row):
        raise ValueError(text)
    if last_col is not None and last_col < first_col:
        raise ValueError(text)
    return A1Range(sheet, first_row, first_col, last_row, last_col)


def trim(rows: list[list[str]]) -> list[list[str]]:
    """Drop trailing empty cells of every row and trailing empty rows, as the Sheets API does."""
    out = []
    for row in rows:
        end = len(row)
        while end and row[end - 1] == "":
            end -= 1
        out.append(row[:end])
    while out and not out[-1]:
        out.pop()
    return out


class SheetsSandbox(HttpStandIn):
    """Serve the contractors' sheets over real HTTP on 127.0.0.1; use as a context manager."""

    content_type = "application/json; charset=UTF-8"

    def __init__(
        self,
        world: HousingRepairsWorld,
        contractors: tuple[str, ...] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        account: ServiceAccount | None = None,
        token_lifetime: int = 3599,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.world = world
        keys = contractors or tuple(k for k, c in world.contractors.items() if c.delivery.kind == "sheets")
        self.spreadsheet_ids = {k: spreadsheet_id(world.seed, k) for k in keys}
        self._by_id = {sid: k for k, sid in self.spreadsheet_ids.items()}
        self.account = account or new_service_account()
        self.token_lifetime = token_lifetime
        self.clock = clock
        self.faults = Faults()
        self.requests: list[dict[str, Any]] = []
        self.today = world.start_date
        self._tokens: dict[str, float] = {}  # access token -> expiry (epoch seconds)
        self._cache: dict[tuple[str, date], list[list[str]]] = {}
        self._lock = threading.RLock()
        super().__init__(host, port, name="sheets-sandbox")

    # ------------------------------------------------------------------ lifecycle

    @property
    def token_uri(self) -> str:
        return f"{self.root_url}/token"

    @property
    def base_url(self) -> str:
        """Where the platform points its Sheets client instead of https://sheets.googleapis.com."""
        return f"{self.root_url}/v4"

    def key_json(self) -> dict[str, Any]:
        return self.account.key_json(self.token_uri)

    def write_key_file(self, path: Path) -> Path:
        return self.account.write_key_file(path, self.token_uri)

    def set_today(self, day: date) -> None:
        if not self.world.start_date <= day <= self.world.end_date + timedelta(days=1):
            raise ValueError(f"{day} is outside the replayed days {self.world.start_date}..{self.world.end_date}")
        with self._lock:
            self.today = day

    # ------------------------------------------------------------------ requests

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Response:
        url = urlsplit(raw_path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if url.path == "/token":
            response = self._token(method, headers, body)
        elif url.path.startswith("/v4/spreadsheets/"):
            response = self._sheets(method, url.path[len("/v4/spreadsheets/") :], query, headers)
        elif url.path.startswith("/_sandbox/"):
            response = self._admin(method, url.path, body)
        else:
            response = _google_error(404, "Not found")
        with self._lock:
            self.requests.append({"method": method, "path": unquote(url.path), "query": query,
                                  "status": response.status})  # fmt: skip
        return response

    def _token(self, method: str, headers: dict[str, str], body: bytes) -> Response:
        if method != "POST":
            return json_response(405, {"error": "invalid_request", "error_description": "POST required"})
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != JWT_BEARER:
            return json_response(400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"})
        if self.faults.key_disabled:
            return json_response(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
        try:
            verify_assertion(form.get("assertion", ""), self.account, self.token_uri, self.clock())
        except AuthError as exc:
            return json_response(400, {"error": exc.error, "error_description": exc.description})
        token = "ya29.sandbox-" + secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = self.clock() + self.token_lifetime
        return json_response(200, {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"})

    def _authorised(self, headers: dict[str, str]) -> bool:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        with self._lock:
            expiry = self._tokens.get(token)
        return scheme.lower() == "bearer" and expiry is not None and self.clock() < expiry

    def _sheets(self, method: str, path: str, query: dict[str, str], headers: dict[str, str]) -> Response:
        if method != "GET":
            return _google_error(405, "Method not allowed")
        if not self._authorised(headers):
            return _google_error(401)
        with self._lock:
            if self.faults.fail_remaining > 0:
                self.faults.fail_remaining -= 1
                extra = {"Retry-After": str(self.faults.retry_after)} if self.faults.retry_after else {}
                response = _google_error(self.faults.fail_status)
                response.headers.update(extra)
                return response
        sid, _, rest = path.partition("/")
        key = self._by_id.get(sid)
        if key is None:
            return _google_error(404, "Requested entity was not found.")
        if self.faults.revoke_all or sid in self.faults.revoked:
            return _google_error(403)
        if not rest:
            return self._metadata(sid, key)
        if not rest.startswith("values/"):
            return _google_error(404, "Not found")
        return self._values(key, unquote(rest[len("values/") :]), query)

    def _sheet(self, key: str) -> list[list[str]]:
        with self._lock:
            day = self.today
            cached = self._cache.get((key, day))
            if cached is None:
                cached = self.world.sheet_values(key, day)
                self._cache = {k: v for k, v in self._cache.items() if k[0] != key}
                self._cache[(key, day)] = cached
            return cached

    def _grid(self, rows: list[list[str]]) -> tuple[int, int]:
        width = max((len(r) for r in rows), default=0)
        return max(GRID_MIN_ROWS, len(rows)), max(GRID_MIN_COLUMNS, width)

    def _metadata(self, sid: str, key: str) -> Response:
        contractor = self.world.contractors[key]
        n_rows, n_cols = self._grid(self._sheet(key))
        return json_response(200, {
            "spreadsheetId": sid,
            "properties": {"title": contractor.sheet_title, "locale": "en_GB", "timeZone": "Europe/London"},
            "sheets": [{"properties": {"sheetId": 0, "title": contractor.tab, "index": 0, "sheetType": "GRID",
                                       "gridProperties": {"rowCount": n_rows, "columnCount": n_cols}}}],
        })  # fmt: skip

    def _values(self, key: str, range_text: str, query: dict[str, str]) -> Response:
        contractor = self.world.contractors[key]
        try:
            a1 = parse_range(range_text, [contractor.tab])
        except ValueError:
            return _google_error(400, f"Unable to parse range: {range_text}")
        dimension = query.get("majorDimension", "ROWS")
        if dimension not in ("ROWS", "COLUMNS"):
            return _google_error(400, f"Invalid value at 'major_dimension' ({dimension})")
        rows = self._sheet(key)
        n_rows, n_cols = self._grid(rows)
        last_row = min(a1.last_row or n_rows, n_rows)
        last_col = min(a1.last_col or n_cols, n_cols)
        if a1.first_row > n_rows or a1.first_col > n_cols:
            return _google_error(400, f"Range ('{contractor.tab}'!{range_text}) exceeds grid limits.")
        window = [r[a1.first_col - 1 : last_col] for r in rows[a1.first_row - 1 : last_row]]
        if dimension == "COLUMNS":
            width = max((len(r) for r in window), default=0)
            window = [[r[c] if c < len(r) else "" for r in window] for c in range(width)]
        a1_text = f"{column_letters(a1.first_col)}{a1.first_row}:{column_letters(last_col)}{last_row}"
        payload: dict[str, Any] = {"range": f"{quote_sheet(contractor.tab)}!{a1_text}", "majorDimension": dimension}
        values = trim(window)
        if values:
            payload["values"] = values  # Google leaves the key out when the range is empty
        return json_response(200, payload)

    def _admin(self, method: str, path: str, body: bytes) -> Response:
        try:
            payload = json.loads(body or b"{}") if method == "POST" else {}
        except json.JSONDecodeError:
            return json_response(400, {"error": "body must be JSON"})
        with self._lock:
            if path == "/_sandbox/faults":
                if method == "POST":
                    self.faults.update(payload)
                return json_response(200, self.faults.as_json())
            if path == "/_sandbox/clock" and method == "POST":
                try:
                    self.set_today(date.fromisoformat(payload["today"]))
                except (KeyError, TypeError, ValueError) as exc:
                    return json_response(400, {"error": f"bad clock change: {exc}"})
                return json_response(200, self._state())
            if path == "/_sandbox/state":
                return json_response(200, self._state())
        return json_response(404, {"error": "not found"})

    def _state(self) -> dict[str, Any]:
        return {"today": self.today.isoformat(), "seed": self.world.seed, "spreadsheets": self.spreadsheet_ids,
                "requests": len(self.requests), "faults": self.faults.as_json()}  # fmt: skip
