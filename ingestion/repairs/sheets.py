"""A Google Sheets API v4 reader: service-account auth (an RS256 JWT exchanged for a bearer token), a sheet read
whole in row chunks, and retries for the faults Google really shows (429 quota, 5xx), honouring Retry-After.

Only the two calls the platform needs: `GET spreadsheets/{id}` (the tab's grid size) and
`GET spreadsheets/{id}/values/{range}` (cell values, rows, trailing empty cells and rows trimmed).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jwt
import requests

from core.errors import SourceNotConfigured, SourceRefused, SourceSentGarbage, SourceUnavailable
from core.http import PASSING, RetryingHttp

SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
LAST_COLUMN = "ZZ"  # 702 columns: far wider than any form


class SheetsRefused(SourceRefused):
    """Google refused the service account: key disabled, or the sheet not shared with it."""


class SheetsUnavailable(SourceUnavailable):
    """The Sheets API kept failing after every retry."""


@dataclass(frozen=True)
class ServiceAccountKey:
    client_email: str
    private_key: str
    private_key_id: str
    token_uri: str

    @classmethod
    def from_json(cls, text: str, where: str) -> ServiceAccountKey:
        try:
            key = json.loads(text)
            return cls(key["client_email"], key["private_key"], key.get("private_key_id", ""), key["token_uri"])
        except (ValueError, KeyError, TypeError) as error:
            raise SourceNotConfigured(
                f"{where} is not a Google service-account key file ({type(error).__name__}: {error}); download a "
                "JSON key for the service account and point SOURCES__REPAIRS__SERVICE_ACCOUNT_KEY_PATH at it."
            ) from None

    @classmethod
    def from_file(cls, path: str) -> ServiceAccountKey:
        try:
            text = Path(path).read_text()
        except OSError as error:
            raise SourceNotConfigured(
                f"cannot read the service-account key file {path} ({error.strerror}): check "
                "SOURCES__REPAIRS__SERVICE_ACCOUNT_KEY_PATH"
            ) from None
        return cls.from_json(text, path)


@dataclass(frozen=True)
class Sheet:
    """A tab read whole: its title, and its rows of cells from row 1 (the header) down."""

    spreadsheet_id: str
    title: str
    tab: str
    rows: list[list[str]]


class SheetsClient(RetryingHttp):
    source = "repairs"

    def __init__(self, base_url: str, key: ServiceAccountKey, **retries: Any) -> None:
        """`retries`: core.http.RetryingHttp's timeout_s, max_attempts, backoff_s, max_retry_after_s, sleep, warn."""
        super().__init__(**retries)
        self.base_url = base_url.rstrip("/")
        self.key = key
        self._token: str | None = None
        self._token_expiry = 0.0

    # ------------------------------------------------------------------ auth

    def _access_token(self) -> str:
        if self._token is not None and time.time() < self._token_expiry - 60:
            return self._token
        now = int(time.time())
        claims = {"iss": self.key.client_email, "scope": SCOPE, "aud": self.key.token_uri, "iat": now,
                  "exp": now + 3600}  # fmt: skip
        headers = {"kid": self.key.private_key_id} if self.key.private_key_id else None
        try:
            assertion = jwt.encode(claims, self.key.private_key, algorithm="RS256", headers=headers)
        except (ValueError, TypeError, jwt.PyJWTError) as error:
            raise SourceNotConfigured(f"the service-account private key cannot sign a token ({error})") from None
        body = self._send("POST", self.key.token_uri, data={"grant_type": JWT_BEARER, "assertion": assertion})
        self._token = str(body["access_token"])
        self._token_expiry = time.time() + float(body.get("expires_in", 3600))
        return self._token

    # ------------------------------------------------------------------ calls

    def metadata(self, spreadsheet_id: str) -> dict[str, Any]:
        return self._get(f"{self.base_url}/spreadsheets/{quote(spreadsheet_id, safe='')}", spreadsheet_id)

    def values(self, spreadsheet_id: str, range_a1: str) -> list[list[str]]:
        url = f"{self.base_url}/spreadsheets/{quote(spreadsheet_id, safe='')}/values/{quote(range_a1, safe='')}"
        body = self._get(url, spreadsheet_id, {"majorDimension": "ROWS"})
        values = body.get("values", [])  # Google leaves the key out for an empty range
        if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
            raise SourceSentGarbage(f"the Sheets API answered {url} with values that are not rows of cells")
        return values

    def read_sheet(self, spreadsheet_id: str, tab: str, rows_per_request: int = 5000) -> Sheet:
        """The tab read whole, in chunks of rows up to its grid's row count (blank rows inside are kept as [])."""
        meta = self.metadata(spreadsheet_id)
        tabs = {s["properties"]["title"]: s["properties"] for s in meta.get("sheets", [])}
        if tab not in tabs:
            raise SourceNotConfigured(
                f"spreadsheet {spreadsheet_id} ({meta.get('properties', {}).get('title', '?')}) has no tab {tab!r}; "
                f"its tabs: {', '.join(tabs) or 'none'}. Fix the tab setting for this contractor."
            )
        row_count = int(tabs[tab].get("gridProperties", {}).get("rowCount", 1000))
        quoted = "'" + tab.replace("'", "''") + "'"
        rows: list[list[str]] = []
        for first in range(1, row_count + 1, rows_per_request):
            last = min(row_count, first + rows_per_request - 1)
            chunk = self.values(spreadsheet_id, f"{quoted}!A{first}:{LAST_COLUMN}{last}")
            rows += [[] for _ in range(first - 1 - len(rows))]  # trimmed trailing blank rows of the last chunk
            rows += chunk
        return Sheet(spreadsheet_id, str(meta.get("properties", {}).get("title", "")), tab, rows)

    def _get(self, url: str, spreadsheet_id: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        for renewed in (False, True):
            headers = {"Authorization": f"Bearer {self._access_token()}"}
            try:
                return self._send("GET", url, params=params, headers=headers, spreadsheet_id=spreadsheet_id)
            except _Expired:
                if renewed:
                    raise SheetsRefused(
                        f"the Sheets API keeps refusing fresh tokens for {self.key.client_email}: check the key"
                    ) from None
                self._token = None  # expired early or revoked: get a new one once
        raise AssertionError("unreachable")

    def _send(self, method: str, url: str, spreadsheet_id: str | None = None, **kwargs: Any) -> dict[str, Any]:
        try:
            return self.request(method, url, partial(self._answer, spreadsheet_id=spreadsheet_id), **kwargs)
        except PASSING as error:
            raise SheetsUnavailable(f"{method} {url}: {self.gave_up(error)}") from None

    def _answer(self, response: requests.Response, spreadsheet_id: str | None) -> dict[str, Any]:
        status, message = response.status_code, _message(response)
        what = f"spreadsheet {spreadsheet_id}" if spreadsheet_id else "the token endpoint"
        if status == 200:
            try:
                body = response.json()
            except ValueError:
                raise SourceSentGarbage(
                    f"the Sheets API answered {response.url} with something that is not JSON"
                ) from None
            if not isinstance(body, dict):
                raise SourceSentGarbage(f"the Sheets API answered {response.url} with a JSON {type(body).__name__}")
            return body
        if spreadsheet_id is None:
            raise SheetsRefused(
                f"Google refused the service account {self.key.client_email} a token (HTTP {status}: {message}): the "
                "key may have been deleted or disabled. Create a new key and update the key file."
            )
        if status == 401:
            raise _Expired(message)
        if status == 403:
            raise SheetsRefused(
                f"Google refused {what} (HTTP 403: {message}): share the sheet with {self.key.client_email} "
                "(viewer is enough), or check the Sheets API is enabled for the service account's project."
            )
        if status == 404:
            raise SourceNotConfigured(f"{what} was not found (HTTP 404): check its spreadsheet_id setting")
        if status == 400:
            raise SourceNotConfigured(f"the Sheets API refused the request for {what} (HTTP 400: {message})")
        raise SourceSentGarbage(f"the Sheets API answered HTTP {status} for {response.url}: {message}")


class _Expired(Exception):
    """The bearer token was refused (HTTP 401): get a new one and try once more."""


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return str(error.get("message", ""))[:200]
        return str(body.get("error_description") or error or "")[:200]
    return str(body)[:200]
