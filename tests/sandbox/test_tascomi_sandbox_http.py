"""The Tascomi sandbox over real HTTP: signing, paging, filters, faults and admin endpoints."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from datetime import UTC, date, datetime, timedelta

from sandbox.tascomi.auth import headers, london_minute, signature
from sandbox.tascomi.client import fetch_all, get, post, signed_get
from sandbox.tascomi.server import TascomiSandbox


def test_signed_request_is_accepted(server):
    status, head, body = signed_get(server, "wards")
    assert status == 200
    assert head["Content-Type"] == "application/json"
    assert len(json.loads(body)) == 20


def test_wrong_keys_and_missing_headers_are_rejected(server):
    now = datetime.now(UTC)
    wrong_private = {**headers(server.public_key, "not-the-key", now)}
    wrong_public = {**headers("someone-else", server.private_key, now)}
    for bad in (wrong_private, wrong_public, {}):
        status, _, body = get(f"{server.base_url}/applications", bad)
        assert status == 401
        assert "error" in json.loads(body)


def test_clock_skew_of_one_minute_is_tolerated_but_not_five(server):
    now = datetime.now(UTC)
    assert signed_get(server, "wards", now - timedelta(minutes=1))[0] == 200
    assert signed_get(server, "wards", now + timedelta(minutes=1))[0] == 200
    assert signed_get(server, "wards", now - timedelta(minutes=5))[0] == 401
    assert signed_get(server, "wards", now + timedelta(minutes=5))[0] == 401


def test_known_signature_vector():
    # Computed by hand from the spec: token = hex sha256(public + t); hash = base64(hex hmac-sha256(private, token)).
    token = hashlib.sha256(b"sandbox-public202501061000").hexdigest()
    expected = base64.b64encode(hmac.new(b"sandbox-private", token.encode(), hashlib.sha256).hexdigest().encode())
    assert signature("sandbox-public", "sandbox-private", "202501061000") == expected.decode()
    assert expected.decode() == (
        "OTg2ZmFiNGNmNzMyMjNjZjU0ZDVjNDA5MmUyZGE2YzZmZjQ1MDVlYWMzZTYyMWEwM2ZhODVjNzM1YTk2MWFiYg=="
    )


def test_signing_minute_is_london_local_time():
    assert london_minute(datetime(2025, 1, 6, 10, 0, 59, tzinfo=UTC)) == "202501061000"  # GMT
    assert london_minute(datetime(2025, 7, 1, 9, 30, tzinfo=UTC)) == "202507011030"  # BST


def test_server_checks_the_pinned_vector_at_a_fixed_clock(server):
    fixed = datetime(2025, 1, 6, 10, 0, 30, tzinfo=UTC)
    with TascomiSandbox(server.world, clock=lambda: fixed) as pinned:
        token = hashlib.sha256(b"sandbox-public202501061000").hexdigest()
        x_hash = base64.b64encode(hmac.new(b"sandbox-private", token.encode(), hashlib.sha256).hexdigest().encode())
        ok = {"X-Public": "sandbox-public", "X-Hash": x_hash.decode()}
        assert get(f"{pinned.base_url}/wards", ok)[0] == 200
        stale = {"X-Public": "sandbox-public", "X-Hash": signature("sandbox-public", "sandbox-private", "202501060958")}
        assert get(f"{pinned.base_url}/wards", stale)[0] == 401


def test_first_call_carries_paging_headers_and_first_page(server):
    status, head, body = signed_get(server, "documents")
    total = int(head["X-Number-Of-Results"])
    assert status == 200
    assert head["X-Results-Per-Page"] == "20"
    assert head["X-Page-Number"] == "1"
    assert total > 40
    assert json.loads(body) == json.loads(signed_get(server, "documents?page=1")[2])


def test_pages_cover_every_record_exactly_once(server):
    records = fetch_all(server, "applications")
    ids = [int(r["id"]) for r in records]
    assert ids == sorted(set(ids))
    assert records == server.world.records("applications")
    # the full load includes what the day series leave out: null last_updated and records updated today
    busy = [r for table in ("documents", "communications", "emails", "applications") for r in fetch_all(server, table)]
    assert any(r["last_updated"] is None for r in busy)
    assert any((r["last_updated"] or "").startswith("2025-01-20") for r in busy)


def test_day_series_filters_on_last_updated(server):
    records = fetch_all(server, "applications", "last_updated=2025-01-17")
    assert records
    assert all(r["last_updated"].startswith("2025-01-17") for r in records)
    _, head, _ = signed_get(server, "applications?last_updated=2025-01-17")
    assert int(head["X-Number-Of-Results"]) == len(records)


def test_nothing_to_return_is_202_with_an_empty_array(server):
    status, head, body = signed_get(server, "appeals?last_updated=2030-01-01")
    assert status == 202
    assert body == b"[]"
    assert head["X-Number-Of-Results"] == "0"


def test_unknown_table_is_404(server):
    assert signed_get(server, "no_such_table")[0] == 404


def test_records_are_flat_strings_with_every_vendor_column(server):
    for table in server.world.tables:
        records = fetch_all(server, table)
        assert records, table
        assert records == server.world.records(table)
        for record in records:
            assert list(record) == list(server.world.columns(table))
            assert all(v is None or isinstance(v, str) for v in record.values())
    applications = fetch_all(server, "applications")
    assert len(applications[0]) > 700 and "gis_map_image_base64" in applications[0]
    assert any(r["gis_map_image_base64"] for r in applications)


def test_access_off_answers_403_to_every_request(server):
    server.faults.access_off = True
    assert signed_get(server, "applications")[0] == 403
    assert signed_get(server, "wards?page=1")[0] == 403
    server.faults.access_off = False
    server.faults.access_off_on = {date(2025, 1, 21)}
    assert signed_get(server, "wards")[0] == 200
    server.set_today(date(2025, 1, 21))
    assert signed_get(server, "wards")[0] == 403


def test_fail_next_fails_exactly_n_requests(server):
    server.faults.fail_next(2, status=502)
    assert [signed_get(server, "wards")[0] for _ in range(3)] == [502, 502, 200]


def test_truncate_next_cuts_the_body_in_half(server):
    whole = signed_get(server, "applications")[2]
    server.faults.truncate_next(1)
    status, head, body = signed_get(server, "applications")
    assert status == 200
    assert int(head["Content-Length"]) == len(body) == len(whole) // 2
    assert body == whole[: len(body)]
    assert signed_get(server, "applications")[2] == whole


def test_slow_ms_delays_answers(server):
    server.faults.slow_ms = 150
    started = time.monotonic()
    assert signed_get(server, "wards")[0] == 200
    assert time.monotonic() - started >= 0.15


def test_admin_endpoints_need_no_signature(server):
    status, faults = post(f"{server.root_url}/_sandbox/faults", {"access_off": True, "fail_next": 1})
    assert status == 200 and faults["access_off"] and faults["fail_next"] == 1
    assert json.loads(get(f"{server.root_url}/_sandbox/faults")[2])["access_off"] is True
    post(f"{server.root_url}/_sandbox/faults", {"access_off": False, "fail_next": 0})
    status, state = post(f"{server.root_url}/_sandbox/clock", {"today": "2025-01-22"})
    assert status == 200 and state["today"] == "2025-01-22" and server.today == date(2025, 1, 22)
    assert post(f"{server.root_url}/_sandbox/clock", {"today": "2025-01-01"})[0] == 400  # never backwards
    state = json.loads(get(f"{server.root_url}/_sandbox/state")[2])
    assert state["counts"]["applications"] > 150


def test_request_log_records_method_path_query_status(server):
    signed_get(server, "applications?last_updated=2025-01-17&page=2")
    assert server.requests[-1] == {
        "method": "GET",
        "path": "/rest/v1/applications",
        "query": {"last_updated": "2025-01-17", "page": "2"},
        "status": 202 if len(server.world.query("applications", date(2025, 1, 17))) <= 20 else 200,
    }


def test_same_seed_gives_byte_identical_responses(make_world):
    bodies = []
    for _ in range(2):
        with TascomiSandbox(make_world(), page_size=20) as sandbox:
            sandbox.set_today(date(2025, 1, 14))
            bodies.append([signed_get(sandbox, f"{t}?page=2")[2] for t in ("applications", "documents", "fees")])
    assert bodies[0] == bodies[1]


def test_command_line_serve_prints_the_base_url(capsys):
    from sandbox.tascomi.__main__ import serve

    stop = threading.Event()
    args = ["--port", "0", "--initial-applications", "20", "--fill-rate", "0.5", "--today", "2025-01-08"]
    thread = threading.Thread(target=serve, args=(args, stop))
    thread.start()
    deadline, out = time.monotonic() + 10, ""
    while "serving" not in out and time.monotonic() < deadline:
        time.sleep(0.05)
        out += capsys.readouterr().out
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert "http://127.0.0.1:" in out and "/rest/v1" in out and "sandbox-public" in out


def test_pages_are_exactly_what_json_dumps_writes(server):
    """The server writes pages from pre-encoded pieces for speed; the bytes must not differ from json.dumps."""
    for table in server.world.tables:
        for query in ("page=1", "page=2", "last_updated=2025-01-17&page=1"):
            status, _, body = signed_get(server, f"{table}?{query}")
            if status == 202:
                continue
            day = date(2025, 1, 17) if "last_updated" in query else None
            page = int(query[-1])
            expected = server.world.records(table, day)[(page - 1) * 20 : page * 20]
            assert body == json.dumps(expected).encode(), (table, query)
