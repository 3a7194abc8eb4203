"""The Sheets API stand-in over real HTTP: service-account token flow, bearer auth, A1 ranges, Google's trimming,
errors and faults."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from urllib.parse import quote

import jwt
import pytest
import requests

from sandbox.housing_world.world import HousingRepairsWorld
from sandbox.repairs.auth import JWT_BEARER, new_service_account, sign_assertion
from sandbox.repairs.sheets_server import SheetsSandbox, column_letters, column_number, parse_range, trim

START = date(2025, 1, 6)
TODAY = START + timedelta(days=20)
FULL = "'Form responses 1'!A1:ZZ"


@pytest.fixture(scope="module")
def world() -> HousingRepairsWorld:
    return HousingRepairsWorld(seed=13, start_date=START, days=30)


@pytest.fixture(scope="module")
def account():
    return new_service_account()  # RSA key generation is the slow part: once per module


@pytest.fixture
def sheets(world, account):
    with SheetsSandbox(world, account=account) as server:
        server.set_today(TODAY)
        yield server


def token_for(server, **kwargs) -> str:
    key = server.key_json()
    response = requests.post(
        key["token_uri"], data={"grant_type": JWT_BEARER, "assertion": sign_assertion(key, **kwargs)}
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def get_values(server, key: str, range_text: str, token: str | None, **params):
    sid = server.spreadsheet_ids[key]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = f"{server.base_url}/spreadsheets/{sid}/values/{quote(range_text, safe='')}"
    return requests.get(url, headers=headers, params=params, timeout=10)


def test_key_file_has_googles_shape(sheets, tmp_path):
    path = sheets.write_key_file(tmp_path / "sa.json")
    key = json.loads(path.read_text())
    assert key["type"] == "service_account"
    assert key["client_email"].endswith(".iam.gserviceaccount.com")
    assert key["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert key["token_uri"] == f"{sheets.root_url}/token"
    assert path.stat().st_mode & 0o077 == 0


def test_token_flow_then_values(sheets, world):
    response = requests.post(
        sheets.token_uri, data={"grant_type": JWT_BEARER, "assertion": sign_assertion(sheets.key_json())}
    )
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer" and body["expires_in"] > 3000
    values = get_values(sheets, "dlo", FULL, body["access_token"])
    assert values.status_code == 200
    payload = values.json()
    assert payload["majorDimension"] == "ROWS"
    assert payload["range"].startswith("'Form responses 1'!A1:")
    assert payload["values"] == trim(world.sheet_values("dlo", TODAY))
    assert all(isinstance(cell, str) for row in payload["values"] for cell in row)


def test_values_need_a_valid_bearer_token(sheets):
    for token in (None, "ya29.not-a-token"):
        response = get_values(sheets, "dlo", FULL, token)
        assert response.status_code == 401
        assert response.json()["error"]["status"] == "UNAUTHENTICATED"


def test_tokens_expire(world, account):
    now = [time.time()]
    with SheetsSandbox(world, account=account, token_lifetime=60, clock=lambda: now[0]) as server:
        server.set_today(TODAY)
        token = token_for(server, now=now[0])
        assert get_values(server, "axis", FULL, token).status_code == 200
        now[0] += 61
        assert get_values(server, "axis", FULL, token).status_code == 401


@pytest.mark.parametrize(
    "case", ["wrong_key", "wrong_audience", "expired", "too_long", "no_scope", "wrong_issuer", "hs256", "garbage"]
)
def test_bad_assertions_are_refused(sheets, case):
    key = sheets.key_json()
    now = time.time()
    if case == "wrong_key":
        assertion = sign_assertion({**key, "private_key": new_service_account().private_key_pem})
    elif case == "wrong_audience":
        assertion = sign_assertion({**key, "token_uri": "https://oauth2.googleapis.com/token"})
    elif case == "expired":
        assertion = sign_assertion(key, now=now - 7200)
    elif case == "too_long":
        assertion = sign_assertion(key, lifetime=7200)
    elif case == "no_scope":
        assertion = sign_assertion(key, scope="https://www.googleapis.com/auth/calendar")
    elif case == "wrong_issuer":
        assertion = sign_assertion({**key, "client_email": "someone@else.iam.gserviceaccount.com"})
    elif case == "hs256":
        claims = {"iss": key["client_email"], "aud": key["token_uri"], "iat": int(now), "exp": int(now) + 600,
                  "scope": "https://www.googleapis.com/auth/spreadsheets.readonly"}  # fmt: skip
        assertion = jwt.encode(claims, "a-shared-secret-of-at-least-32-bytes!", algorithm="HS256")
    else:
        assertion = "not.a.jwt"
    response = requests.post(sheets.token_uri, data={"grant_type": JWT_BEARER, "assertion": assertion})
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_grant", "invalid_scope")


def test_wrong_grant_type_is_refused(sheets):
    response = requests.post(sheets.token_uri, data={"grant_type": "client_credentials"})
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


def test_trailing_empty_cells_and_rows_are_omitted(sheets, world):
    token = token_for(sheets)
    raw = world.sheet_values("dlo", TODAY)
    served = get_values(sheets, "dlo", FULL, token).json()["values"]
    assert len(served) == len(raw)
    shorter = 0
    for raw_row, row in zip(raw, served, strict=True):
        assert row == raw_row[: len(row)] and all(c == "" for c in raw_row[len(row) :])
        assert not row or row[-1] != ""
        shorter += len(row) < len(raw_row)
    assert shorter > 50  # open jobs leave the last column (completed date) empty
    # Past the data: Google omits `values` altogether.
    beyond = get_values(sheets, "dlo", f"'Form responses 1'!A{len(raw) + 5}:C{len(raw) + 9}", token).json()
    assert "values" not in beyond


def test_blank_junk_header_is_trimmed_but_its_cells_are_not(sheets, world):
    token = token_for(sheets)
    served = get_values(sheets, "avonline", FULL, token).json()["values"]
    header_width = len(served[0])
    assert world.sheet_values("avonline", TODAY)[0][-1] == ""  # the column that appeared has no header
    assert any(len(row) > header_width for row in served[1:])  # ...but rows with a scribble in it are longer


@pytest.mark.parametrize(
    ("range_text", "rows", "cols"),
    [
        ("'Form responses 1'!A1:C3", slice(0, 3), slice(0, 3)),
        ("Form responses 1!B2:D4", slice(1, 4), slice(1, 4)),
        ("'Form responses 1'!A:B", slice(0, None), slice(0, 2)),
        ("'Form responses 1'!C5:E", slice(4, None), slice(2, 5)),
        ("'Form responses 1'", slice(0, None), slice(0, None)),
        ("A1:B2", slice(0, 2), slice(0, 2)),
    ],
)
def test_a1_ranges(sheets, world, range_text, rows, cols):
    token = token_for(sheets)
    raw = world.sheet_values("dlo", TODAY)
    expected = trim([r[cols] for r in raw[rows]])
    response = get_values(sheets, "dlo", range_text, token)
    assert response.status_code == 200, response.text
    assert response.json()["values"] == expected


def test_response_range_is_clipped_to_the_grid(sheets, world):
    token = token_for(sheets)
    n_rows = max(1000, len(world.sheet_values("dlo", TODAY)))
    assert get_values(sheets, "dlo", FULL, token).json()["range"] == f"'Form responses 1'!A1:Z{n_rows}"
    assert get_values(sheets, "dlo", "'Form responses 1'!B2:D4", token).json()["range"] == "'Form responses 1'!B2:D4"


def test_columns_major_dimension(sheets, world):
    token = token_for(sheets)
    payload = get_values(sheets, "axis", "'Form responses 1'!A1:B4", token, majorDimension="COLUMNS").json()
    raw = world.sheet_values("axis", TODAY)
    assert payload["majorDimension"] == "COLUMNS"
    assert payload["values"] == [[r[0] for r in raw[:4]], [r[1] for r in raw[:4]]]


def test_bad_ranges_and_unknown_sheets(sheets):
    token = token_for(sheets)
    for bad in ("'Sheet that is not there'!A1:B2", "'Form responses 1'!1A:B", "'Form responses 1'!C1:A1"):
        response = get_values(sheets, "dlo", bad, token)
        assert response.status_code == 400
        assert response.json()["error"]["status"] == "INVALID_ARGUMENT"
    unknown = requests.get(f"{sheets.base_url}/spreadsheets/1nope/values/A1:B2",
                           headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert unknown.status_code == 404


def test_only_sheet_contractors_are_served(sheets):
    assert set(sheets.spreadsheet_ids) == {"dlo", "avonline", "alphatrack", "axis"}
    assert all(len(sid) == 44 for sid in sheets.spreadsheet_ids.values())


def test_metadata_names_the_tab(sheets):
    token = token_for(sheets)
    sid = sheets.spreadsheet_ids["alphatrack"]
    meta = requests.get(f"{sheets.base_url}/spreadsheets/{sid}", headers={"Authorization": f"Bearer {token}"}).json()
    assert meta["spreadsheetId"] == sid
    assert meta["sheets"][0]["properties"]["title"] == "Form responses 1"


def test_the_simulated_day_moves_the_sheet(sheets, world):
    token = token_for(sheets)
    sheets.set_today(START + timedelta(days=8))
    early = get_values(sheets, "dlo", FULL, token).json()["values"]
    sheets.set_today(START + timedelta(days=12))
    later = get_values(sheets, "dlo", FULL, token).json()["values"]
    assert len(later) > len(early)
    assert later[0] != early[0]  # the DLO property-reference header was renamed in between
    with pytest.raises(ValueError):
        sheets.set_today(START - timedelta(days=1))


@pytest.mark.parametrize("status", [429, 503])
def test_transient_faults_then_recovery(sheets, status):
    token = token_for(sheets)
    sheets.faults.fail_next(2, status, retry_after=1)
    first = get_values(sheets, "dlo", FULL, token)
    assert first.status_code == status and first.headers["Retry-After"] == "1"
    assert get_values(sheets, "dlo", FULL, token).status_code == status
    assert get_values(sheets, "dlo", FULL, token).status_code == 200


def test_revoked_access_and_disabled_key(sheets):
    token = token_for(sheets)
    sheets.faults.revoked = {sheets.spreadsheet_ids["dlo"]}
    denied = get_values(sheets, "dlo", FULL, token)
    assert denied.status_code == 403 and denied.json()["error"]["status"] == "PERMISSION_DENIED"
    assert get_values(sheets, "axis", FULL, token).status_code == 200
    sheets.faults.key_disabled = True
    response = requests.post(sheets.token_uri, data={"grant_type": JWT_BEARER,
                                                     "assertion": sign_assertion(sheets.key_json())})  # fmt: skip
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_admin_endpoints(sheets):
    state = requests.get(f"{sheets.root_url}/_sandbox/state").json()
    assert state["today"] == TODAY.isoformat() and set(state["spreadsheets"]) == set(sheets.spreadsheet_ids)
    faults = requests.post(f"{sheets.root_url}/_sandbox/faults", json={"revoke_all": True}).json()
    assert faults["revoke_all"] is True
    token = token_for(sheets)
    assert get_values(sheets, "axis", FULL, token).status_code == 403
    moved = requests.post(f"{sheets.root_url}/_sandbox/clock", json={"today": "2025-01-30"})
    assert moved.status_code == 200 and sheets.today == date(2025, 1, 30)
    assert requests.post(f"{sheets.root_url}/_sandbox/clock", json={"today": "2031-01-01"}).status_code == 400


def test_a1_helpers():
    assert [column_letters(n) for n in (1, 26, 27, 52, 702)] == ["A", "Z", "AA", "AZ", "ZZ"]
    assert [column_number(s) for s in ("A", "Z", "AA", "zz")] == [1, 26, 27, 702]
    parsed = parse_range("'It''s'!B:C", ["It's"])
    assert (parsed.sheet, parsed.first_col, parsed.last_col, parsed.last_row) == ("It's", 2, 3, None)
