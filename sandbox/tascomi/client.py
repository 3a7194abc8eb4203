"""A tiny signed HTTP client for the sandbox (urllib only): for tests and for poking at a running sandbox.

Not the platform's connector (that lives in ingestion/); it exists so the sandbox can be checked on its own.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any

from sandbox.tascomi.auth import headers as signed_headers


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET returning (status, headers, body) without raising on HTTP errors."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def signed_get(sandbox: Any, path: str, now: datetime | None = None) -> tuple[int, dict[str, str], bytes]:
    auth = signed_headers(sandbox.public_key, sandbox.private_key, now or datetime.now(UTC))
    return get(f"{sandbox.base_url}/{path}", auth)


def fetch_all(sandbox: Any, table: str, query: str = "") -> list[dict[str, Any]]:
    """The documented client loop: a first call for the counts, then page=1..N. Asserts on failures."""
    sep = "&" if query else ""
    status, head, _ = signed_get(sandbox, f"{table}?{query}")
    if status == 202:
        return []
    assert status == 200, status
    pages = -(-int(head["X-Number-Of-Results"]) // int(head["X-Results-Per-Page"]))
    records: list[dict[str, Any]] = []
    for page in range(1, pages + 1):
        status, _, body = signed_get(sandbox, f"{table}?{query}{sep}page={page}")
        assert status == 200, status
        records.extend(json.loads(body))
    return records


def post(url: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
