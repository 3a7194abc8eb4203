"""The fault proxy over real HTTP, in front of the real Tascomi sandbox (and a small echo server for raw forwarding)."""

from __future__ import annotations

import gzip
import http.client
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest

from sandbox.faults import (
    ALWAYS,
    FaultProxy,
    delay,
    disconnect,
    drop_records,
    empty_array,
    empty_body,
    keep_records,
    mutate_records,
    plus,
    raw_body,
    serve_page,
    serve_path,
    set_header,
    status,
)
from sandbox.faults.rules import rule_from_json
from sandbox.tascomi.auth import headers as signed_headers
from sandbox.tascomi.client import fetch_all

REPO = Path(__file__).resolve().parents[2]
Reply = tuple[int, list[tuple[str, str]], bytes]


# ---------------------------------------------------------------------------------------------- helpers


def call(url: str, method: str = "GET", headers: dict[str, str] | None = None, body: bytes | None = None) -> Reply:
    """One request on a fresh connection: (status, every header in order, body)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def header(reply: Reply, name: str) -> str | None:
    return next((v for k, v in reply[1] if k.lower() == name.lower()), None)


def records(reply: Reply) -> list[dict[str, Any]]:
    return json.loads(reply[2])


class Vendor:
    """Signed calls to the Tascomi sandbox, either directly or through the proxy."""

    def __init__(self, upstream: Any, proxy: FaultProxy) -> None:
        self.upstream, self.proxy = upstream, proxy

    def _auth(self) -> dict[str, str]:
        return signed_headers(self.upstream.public_key, self.upstream.private_key, datetime.now(UTC))

    def direct(self, path: str) -> Reply:
        return call(f"{self.upstream.base_url}/{path}", headers=self._auth())

    def get(self, path: str) -> Reply:
        return call(f"{self.proxy.base_url}/{path}", headers=self._auth())

    def via_proxy(self) -> SimpleNamespace:
        """What sandbox.tascomi.client needs, pointed at the proxy."""
        return SimpleNamespace(
            base_url=self.proxy.base_url, public_key=self.upstream.public_key, private_key=self.upstream.private_key
        )


@pytest.fixture
def proxy(tascomi_sandbox: Any) -> Iterator[FaultProxy]:
    with FaultProxy(tascomi_sandbox.base_url) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def vendor(tascomi_sandbox: Any, proxy: FaultProxy) -> Vendor:
    return Vendor(tascomi_sandbox, proxy)


class _Echo(BaseHTTPRequestHandler):
    """Answers with a one-record JSON array describing the request it got (gzip-encoded if asked)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def _echo(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        seen = {"method": self.command, "target": self.path, "headers": self.headers.items(), "body": body.decode()}
        payload = json.dumps([seen]).encode()
        zipped = self.headers.get("X-Echo-Gzip") == "1"
        if zipped:
            payload = gzip.compress(payload)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", "a=1")
        self.send_header("Set-Cookie", "b=2")
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _echo

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


class _ImpatientEcho(_Echo):
    timeout = 0.1  # closes a kept-alive connection after 0.1 s idle, as servers do


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def echo() -> Iterator[str]:
    yield from _serve(_Echo)


@pytest.fixture
def impatient_echo() -> Iterator[str]:
    yield from _serve(_ImpatientEcho)


# ---------------------------------------------------------------------------------------------- pass-through


def test_base_url_mirrors_the_upstream_path_prefix(tascomi_sandbox, proxy):
    assert proxy.base_url == f"http://127.0.0.1:{proxy.port}/rest/v1"
    assert proxy.port != tascomi_sandbox.port
    with FaultProxy("http://127.0.0.1:9/") as bare:
        assert bare.base_url == f"http://127.0.0.1:{bare.port}"
    with pytest.raises(ValueError, match="http"):
        FaultProxy("ftp://example.org/rest")


@pytest.mark.parametrize(
    "path",
    [
        "applications",  # the count call
        "applications?page=2",
        "documents?last_updated=2025-03-03&page=1",
        "applications?last_updated=2020-01-01",  # nothing that day: 202
        "no_such_table",  # 404
    ],
)
def test_without_rules_everything_passes_byte_for_byte(vendor, proxy, path):
    direct, proxied = vendor.direct(path), vendor.get(path)
    assert proxied[0] == direct[0]
    assert proxied[2] == direct[2]
    assert [h for h in proxied[1] if h[0] != "Date"] == [h for h in direct[1] if h[0] != "Date"]
    entry = proxy.requests[-1]
    assert (entry.path, entry.status, entry.rule, entry.upstream_called) == (
        f"/rest/v1/{path.split('?')[0]}",
        direct[0],
        None,
        True,
    )


def test_auth_headers_reach_upstream_untouched(vendor, proxy):
    assert vendor.get("wards")[0] == 200  # the signature checked upstream survived the hop
    unsigned = call(f"{proxy.base_url}/wards", headers={"X-Public": "sandbox-public", "X-Hash": "forged"})
    assert unsigned[0] == 401
    assert proxy.requests[-1].status == 401


def test_method_target_headers_and_body_are_forwarded_as_sent(echo):
    with FaultProxy(echo) as fault_proxy:
        sent = {"X-Public": "key", "X-Hash": "abc==", "Content-Type": "application/json", "X-Odd-Case": "Kept"}
        reply = call(f"{fault_proxy.base_url}/things?b=2&a=1&a=3&empty=", "POST", sent, b'{"x": 1}')
    seen = records(reply)[0]
    assert seen["method"] == "POST"
    assert seen["target"] == "/api/things?b=2&a=1&a=3&empty="  # order, repeats and blanks intact
    assert seen["body"] == '{"x": 1}'
    received = dict(seen["headers"])
    assert {k: received[k] for k in sent} == sent
    assert received["Host"] == urlsplit(echo).netloc  # the upstream's own host, not the proxy's
    assert [v for k, v in reply[1] if k == "Set-Cookie"] == ["a=1", "b=2"]  # repeated headers survive


def test_head_keeps_upstreams_content_length_and_sends_no_body(echo):
    with FaultProxy(echo) as fault_proxy:
        got = call(f"{fault_proxy.base_url}/x", "HEAD")
        direct = call(f"{echo}/x", "HEAD")
    assert got[0] == 200
    assert got[2] == b""
    assert header(got, "Content-Length") == header(direct, "Content-Length") != "0"


def test_a_kept_connection_the_upstream_closed_is_replaced(impatient_echo):
    with FaultProxy(impatient_echo) as fault_proxy:
        assert call(f"{fault_proxy.base_url}/one")[0] == 200
        time.sleep(0.3)  # the upstream has dropped the idle connection the proxy kept
        second = call(f"{fault_proxy.base_url}/two")
    assert second[0] == 200
    assert records(second)[0]["target"] == "/api/two"
    assert [e.error for e in fault_proxy.requests] == [None, None]


def test_unreachable_upstream_is_a_502_with_the_cause_logged():
    with FaultProxy("http://127.0.0.1:9/rest/v1", timeout=2) as fault_proxy:
        reply = call(f"{fault_proxy.base_url}/applications")
    assert reply[0] == 502
    assert "upstream" in json.loads(reply[2])["error"]
    assert "127.0.0.1:9" in (fault_proxy.requests[-1].error or "")


# ---------------------------------------------------------------------------------------------- answering actions


def test_status_answers_without_calling_upstream_once_by_default(tascomi_sandbox, vendor, proxy):
    proxy.add(status(503, headers={"Retry-After": "86400"}), path="applications")
    before = len(tascomi_sandbox.requests)
    refused = vendor.get("applications?page=1")
    assert refused[0] == 503
    assert refused[2] == b""
    assert header(refused, "Retry-After") == "86400"
    assert header(refused, "Content-Length") == "0"
    assert len(tascomi_sandbox.requests) == before  # the vendor never saw it
    assert vendor.get("applications?page=1")[0] == 200  # spent after one firing
    assert [(e.status, e.rule, e.upstream_called) for e in proxy.requests] == [
        (503, "rule-1", False),
        (200, None, True),
    ]


@pytest.mark.parametrize(("code", "body"), [(202, b""), (404, b'{"error": "gone"}'), (401, b"nope")])
def test_status_gives_exactly_the_code_and_body(vendor, proxy, code, body):
    proxy.add(status(code, body), path="wards")
    reply = vendor.get("wards")
    assert (reply[0], reply[2]) == (code, body)


def test_disconnect_closes_without_an_answer(vendor, proxy):
    proxy.add(disconnect(), path="wards")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        vendor.get("wards")
    assert proxy.requests[-1].status is None
    assert vendor.get("wards")[0] == 200


def test_empty_body_and_empty_array_keep_upstreams_headers(vendor, proxy):
    direct = vendor.direct("applications?page=3")
    proxy.add(empty_body(), path="applications", query={"page": 3})
    proxy.add(empty_array(), path="applications", query={"page": 3})
    for expected_body in (b"", b"[]"):
        reply = vendor.get("applications?page=3")
        assert (reply[0], reply[2]) == (200, expected_body)
        assert header(reply, "Content-Length") == str(len(expected_body))
        for name in ("X-Number-Of-Results", "X-Results-Per-Page", "X-Page-Number"):
            assert header(reply, name) == header(direct, name)


def test_empty_body_turns_a_202_into_a_200(vendor, proxy):
    proxy.add(empty_body(), path="applications")
    assert vendor.direct("applications?last_updated=2020-01-01")[0] == 202
    assert vendor.get("applications?last_updated=2020-01-01")[0:3:2] == (200, b"")


def test_drop_and_keep_records_make_a_short_page(vendor, proxy):
    full = records(vendor.direct("applications?page=1"))
    assert len(full) == 25
    proxy.add(drop_records(3), path="applications", query={"page": 1})
    proxy.add(keep_records(4), path="applications", query={"page": 1})
    dropped, kept = vendor.get("applications?page=1"), vendor.get("applications?page=1")
    assert records(dropped) == full[:22]
    assert records(kept) == full[:4]
    assert header(kept, "X-Results-Per-Page") == "25"  # still promising a full page
    assert records(vendor.get("applications?page=1")) == full


def test_serve_page_answers_with_another_page_claiming_the_asked_one(tascomi_sandbox, vendor, proxy):
    page_two = vendor.direct("applications?page=2")
    proxy.add(serve_page(2), path="applications", query={"page": 3})
    reply = vendor.get("applications?page=3")
    assert reply[2] == page_two[2]
    assert header(reply, "X-Page-Number") == "3"
    assert tascomi_sandbox.requests[-1]["query"] == {"page": "2"}  # what the vendor was really asked


def test_serve_previous_page_duplicates_and_loses_records_in_a_full_fetch(tascomi_sandbox, vendor, proxy):
    truth = fetch_all(tascomi_sandbox, "applications")
    proxy.add(serve_page(offset=-1), path="applications", query={"page": 2}, times=ALWAYS)
    got = fetch_all(vendor.via_proxy(), "applications")
    ids = [r["id"] for r in got]
    assert len(truth) > 50, "three pages at least, so that page 2 is a middle page"
    assert len(got) == len(truth)
    assert len(set(ids)) == len(truth) - 25  # page 1 twice, page 2 never
    assert set(ids) == {r["id"] for r in truth[:25] + truth[50:]}


def test_set_header_grows_the_count_on_the_count_call_only(vendor, proxy):
    true_count = int(header(vendor.direct("applications"), "X-Number-Of-Results"))
    proxy.add(set_header("X-Number-Of-Results", plus(7)), path="applications", absent=["page"], times=ALWAYS)
    assert header(vendor.get("applications"), "X-Number-Of-Results") == str(true_count + 7)
    assert header(vendor.get("applications"), "X-Number-Of-Results") == str(true_count + 7)
    assert header(vendor.get("applications?page=1"), "X-Number-Of-Results") == str(true_count)


def test_set_header_grows_the_count_between_count_call_and_pages(vendor, proxy):
    true_count = int(header(vendor.direct("applications"), "X-Number-Of-Results"))
    proxy.add(set_header("X-Number-Of-Results", plus(7)), path="applications", present=["page"], times=ALWAYS)
    assert header(vendor.get("applications"), "X-Number-Of-Results") == str(true_count)
    for page in (1, 2, 3):
        assert header(vendor.get(f"applications?page={page}"), "X-Number-Of-Results") == str(true_count + 7)


def test_set_header_sets_replaces_and_removes(vendor, proxy):
    proxy.add(set_header("X-Results-Per-Page", "0"), set_header("X-Page-Number", None), set_header("X-New", "yes"))
    reply = vendor.get("wards")
    assert header(reply, "X-Results-Per-Page") == "0"
    assert header(reply, "X-Page-Number") is None
    assert header(reply, "X-New") == "yes"
    assert [k for k, _ in reply[1]].count("X-Results-Per-Page") == 1


# ---------------------------------------------------------------------------------------------- records and bodies


def _hostile(records_: list[dict[str, Any]]) -> None:
    records_[0]["application_type_id"] = "12.7"
    records_[1]["id"] = "900012.6"
    records_[2]["received_date"] = "2025-03-03 10:00:00+05:00"
    records_[3]["last_updated"] = "2099-01-01 00:00:00"
    records_[4]["ID"] = records_[4]["id"]
    records_[5]["Last Updated"] = "2025-03-03 09:00:00"
    records_[6]["proposal"] = "before \ud800 after"


def test_mutate_records_edits_values_keys_and_encoding(vendor, proxy):
    full = records(vendor.direct("applications?page=1"))
    proxy.add(mutate_records(_hostile), path="applications", query={"page": 1})
    reply = vendor.get("applications?page=1")
    got = records(reply)
    assert got[0]["application_type_id"] == "12.7"
    assert got[1]["id"] == "900012.6"
    assert got[2]["received_date"].endswith("+05:00")
    assert got[3]["last_updated"] == "2099-01-01 00:00:00"
    assert got[4]["ID"] == got[4]["id"] == full[4]["id"]
    assert got[5]["Last Updated"] == "2025-03-03 09:00:00"
    assert b'"before \\ud800 after"' in reply[2]  # a lone surrogate, as a JSON escape
    assert got[6]["proposal"] == "before \ud800 after"
    assert got[7:] == full[7:]
    assert header(reply, "Content-Length") == str(len(reply[2]))


def test_mutate_records_may_return_a_new_list(vendor, proxy):
    proxy.add(mutate_records(lambda rs: rs + rs[:1]), path="wards")
    direct, reply = records(vendor.direct("wards")), records(vendor.get("wards"))
    assert reply == direct + direct[:1]


def test_a_failing_mutation_is_a_500_naming_the_rule(vendor, proxy):
    proxy.add(mutate_records(lambda rs: rs[999]["id"]), path="wards", name="broken")
    reply = vendor.get("wards")
    assert reply[0] == 500
    assert "broken" in json.loads(reply[2])["error"]
    assert "IndexError" in (proxy.requests[-1].error or "")


@pytest.mark.parametrize(
    "body",
    [b'{"id": "1"}', b'"a string"', b"\x00\xffgarbage<html>", b'[{"id": "1", "name": "tru', b"null"],
)
def test_raw_body_replaces_the_body_keeping_status_and_headers(vendor, proxy, body):
    direct = vendor.direct("applications?page=2")
    proxy.add(raw_body(body), path="applications")
    reply = vendor.get("applications?page=2")
    assert (reply[0], reply[2]) == (200, body)
    assert header(reply, "X-Number-Of-Results") == header(direct, "X-Number-Of-Results")
    assert header(reply, "Content-Length") == str(len(body))


def test_raw_body_can_truncate_upstreams_body(vendor, proxy):
    direct = vendor.direct("applications?page=2")[2]
    proxy.add(raw_body(lambda b: b[: len(b) // 2]), path="applications")
    assert vendor.get("applications?page=2")[2] == direct[: len(direct) // 2]


def test_record_actions_leave_a_non_array_body_alone(vendor, proxy):
    proxy.add(drop_records(1), path="no_such_table")
    direct, reply = vendor.direct("no_such_table"), vendor.get("no_such_table")
    assert (reply[0], reply[2]) == (direct[0], direct[2]) == (404, direct[2])


def test_record_actions_decode_a_gzip_body_and_send_it_plain(echo):
    with FaultProxy(echo) as fault_proxy:
        fault_proxy.add(keep_records(0), path="zipped")
        reply = call(f"{fault_proxy.base_url}/zipped", headers={"X-Echo-Gzip": "1"})
        untouched = call(f"{fault_proxy.base_url}/zipped", headers={"X-Echo-Gzip": "1"})
    assert reply[2] == b"[]"
    assert header(reply, "Content-Encoding") is None
    assert header(untouched, "Content-Encoding") == "gzip"  # pass-through leaves the encoding as it was
    assert json.loads(gzip.decompress(untouched[2]))[0]["target"] == "/api/zipped"


# ---------------------------------------------------------------------------------------------- timing


def test_delay_holds_the_answer(vendor, proxy):
    proxy.add(delay(0.3), path="wards")
    started = time.perf_counter()
    assert vendor.get("wards")[0] == 200
    assert time.perf_counter() - started >= 0.3
    started = time.perf_counter()
    vendor.get("wards")
    assert time.perf_counter() - started < 0.25


def test_a_long_delay_times_the_client_out_and_stopping_releases_it(tascomi_sandbox):
    fault_proxy = FaultProxy(tascomi_sandbox.base_url).start()
    fault_proxy.add(delay(30), path="wards")
    parts = urlsplit(fault_proxy.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=0.2)
    with pytest.raises(TimeoutError):
        connection.request("GET", f"{parts.path}/wards")
        connection.getresponse()
    connection.close()
    started = time.perf_counter()
    fault_proxy.stop()
    assert time.perf_counter() - started < 2


# ------------------------------------------------------------------------------------- rules: match, count, order


def test_times_counts_and_rules_take_over_in_order(vendor, proxy):
    first = proxy.add(status(503), path="wards", times=2)
    second = proxy.add(status(500), path="wards")
    statuses = [vendor.get("wards")[0] for _ in range(4)]
    assert statuses == [503, 503, 500, 200]
    assert (first.fired, second.fired) == (2, 1)
    assert [e.rule for e in proxy.requests] == [first.name, first.name, second.name, None]


def test_always_fires_on_every_match(vendor, proxy):
    rule = proxy.add(empty_array(), path="wards", times=ALWAYS)
    assert all(vendor.get("wards")[2] == b"[]" for _ in range(5))
    assert rule.fired == 5


def test_path_matches_whole_trailing_segments(vendor, proxy):
    rule = proxy.add(status(418), path="applications", times=ALWAYS)
    assert vendor.get("pre_applications")[0] == 200  # upstream's answer: not this rule's
    assert vendor.get("applications?page=1")[0] == 418
    assert rule.fired == 1
    proxy.add(status(419), path="rest/v1/wards")
    assert vendor.get("wards")[0] == 419


def test_query_values_presence_absence_and_method(vendor, proxy, tascomi_sandbox):
    day = proxy.add(status(410), path="documents", query={"last_updated": "2025-03-04"}, times=ALWAYS)
    assert vendor.get("documents?last_updated=2025-03-03")[0] != 410
    assert vendor.get("documents?page=1&last_updated=2025-03-04")[0] == 410
    proxy.clear()
    counted = proxy.add(status(411), path="wards", absent=["page"], times=ALWAYS)
    paged = proxy.add(status(412), path="wards", present=["page"], times=ALWAYS)
    assert [vendor.get(p)[0] for p in ("wards", "wards?page=1", "wards?page=")] == [411, 412, 412]
    proxy.clear()
    posted = proxy.add(status(413), method="post", times=ALWAYS)
    assert vendor.get("wards")[0] == 200
    assert call(f"{tascomi_sandbox.root_url}/_sandbox/state")[0] == 200
    assert call(f"{proxy.root_url}/_sandbox/faults", "POST", body=b"{}")[0] == 413
    assert (day.fired, counted.fired, paged.fired, posted.fired) == (1, 1, 2, 1)


def test_actions_compose_in_order(vendor, proxy):
    seen: list[int] = []
    proxy.add(keep_records(5), mutate_records(lambda rs: seen.append(len(rs))), set_header("X-Page-Number", "9"))
    reply = vendor.get("wards")
    assert seen == [5]  # the mutation saw the page already cut
    assert len(records(reply)) == 5
    assert header(reply, "X-Page-Number") == "9"
    proxy.add(status(503), set_header("Retry-After", "5"))  # response edits apply to a canned answer too
    assert header(vendor.get("wards"), "Retry-After") == "5"


def test_rules_hold_their_counts_under_a_threaded_client(vendor, proxy):
    full = vendor.direct("wards")[2]
    rule = proxy.add(keep_records(1), path="wards", times=5)
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda _: vendor.get("wards"), range(40)))
    cut = [r for r in replies if r[2] != full]
    assert len(cut) == 5
    assert all(len(records(r)) == 1 for r in cut)
    assert all(r[0] == 200 for r in replies)
    assert rule.fired == 5
    assert len(proxy.requests) == 40
    assert sum(e.rule == rule.name for e in proxy.requests) == 5


# ---------------------------------------------------------------------------------------------- admin over HTTP


def _admin(fault_proxy: FaultProxy, method: str, payload: Any = None, what: str = "rules") -> tuple[int, Any]:
    body = None if payload is None else json.dumps(payload).encode()
    reply = call(f"{fault_proxy.root_url}/_faults/{what}", method, {"Content-Type": "application/json"}, body)
    return reply[0], json.loads(reply[2])


ADMIN_RULES = [
    {"path": "applications", "absent": ["page"], "times": "always", "actions": [
        {"do": "set_header", "name": "X-Number-Of-Results", "plus": 7}]},
    {"path": "applications", "query": {"page": "2"}, "name": "short page", "actions": [
        {"do": "delay", "seconds": 0.01}, {"do": "keep_records", "n": 3}]},
    {"path": "wards", "actions": [{"do": "status", "code": 503, "headers": {"Retry-After": "86400"}}]},
    {"path": "users", "actions": [{"do": "raw_body", "body_base64": "AP8="}]},
]  # fmt: skip


def test_admin_adds_lists_and_clears_rules(vendor, proxy):
    true_count = int(header(vendor.direct("applications"), "X-Number-Of-Results"))
    code, added = _admin(proxy, "POST", ADMIN_RULES)
    assert code == 201
    assert [r["name"] for r in added] == ["rule-1", "short page", "rule-3", "rule-4"]
    assert header(vendor.get("applications"), "X-Number-Of-Results") == str(true_count + 7)
    assert len(records(vendor.get("applications?page=2"))) == 3
    wards = vendor.get("wards")
    assert (wards[0], header(wards, "Retry-After")) == (503, "86400")
    assert vendor.get("users")[2] == b"\x00\xff"
    code, listed = _admin(proxy, "GET")
    assert [r["fired"] for r in listed] == [1, 1, 1, 1]
    assert listed[1]["actions"] == [{"do": "delay", "seconds": 0.01}, {"do": "keep_records", "n": 3}]
    code, log = _admin(proxy, "GET", what="requests")
    assert [e["rule"] for e in log] == ["rule-1", "short page", "rule-3", "rule-4"]  # admin calls are not logged
    assert _admin(proxy, "DELETE") == (200, [])
    assert vendor.get("wards")[0] == 200


@pytest.mark.parametrize(
    ("payload", "complaint"),
    [
        ({"path": "wards", "actions": [{"do": "explode"}]}, "unknown action"),
        ({"path": "wards", "actions": [{"do": "mutate_records"}]}, "Python"),
        ({"path": "wards", "actions": []}, "actions"),
        ({"pathh": "wards", "actions": [{"do": "empty_body"}]}, "unknown rule keys"),
        ({"actions": [{"do": "status"}]}, "bad arguments for status"),
        ({"actions": [{"do": "empty_body"}], "times": 0}, "times"),
        ([{"actions": [{"do": "empty_body"}]}, {"actions": "no"}], "actions"),
    ],
)
def test_admin_rejects_bad_rules_and_adds_none_of_them(proxy, payload, complaint):
    code, answer = _admin(proxy, "POST", payload)
    assert code == 400
    assert complaint in answer["error"]
    assert proxy.rules == []


def test_admin_takes_a_single_rule_object(vendor, proxy):
    code, added = _admin(proxy, "POST", {"path": "wards", "times": None, "actions": [{"do": "empty_array"}]})
    assert (code, len(added), added[0]["times"]) == (201, 1, None)
    assert vendor.get("wards")[2] == vendor.get("wards")[2] == b"[]"


def test_admin_rejects_a_body_that_is_not_json(proxy):
    reply = call(f"{proxy.root_url}/_faults/rules", "POST", body=b"{not json")
    assert reply[0] == 400
    assert call(f"{proxy.root_url}/_faults/nothing")[0] == 404


def test_declarative_rules_round_trip_through_json(proxy):
    added = proxy.add_json(ADMIN_RULES)
    again = [rule_from_json(rule.describe()) for rule in added]
    assert [r.describe() | {"name": ""} for r in again] == [r.describe() | {"name": ""} for r in added]


def test_command_line_proxy_with_rules_from_a_file(tmp_path, tascomi_sandbox):
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{"path": "wards", "actions": [{"do": "status", "code": 503}]}]))
    command = [sys.executable, "-m", "sandbox.faults", "--upstream", tascomi_sandbox.base_url, "--port", "0"]
    process = subprocess.Popen([*command, "--rules", str(rules)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        first_line = process.stdout.readline()
        base_url = first_line.split()[3]
        assert base_url.endswith("/rest/v1")
        auth = signed_headers(tascomi_sandbox.public_key, tascomi_sandbox.private_key, datetime.now(UTC))
        assert call(f"{base_url}/wards", headers=auth)[0] == 503
        assert call(f"{base_url}/wards", headers=auth)[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=5)
        process.stdout.close()


def test_serve_path_answers_with_another_resource_keeping_the_query(tascomi_sandbox, vendor, proxy):
    documents = vendor.direct("documents?page=2")
    proxy.add(serve_path("documents"), path="applications", query={"page": 2})
    reply = vendor.get("applications?page=2")
    assert reply[2] == documents[2], "the other table's page, byte for byte"
    assert tascomi_sandbox.requests[-1]["path"].endswith("/documents")
    assert tascomi_sandbox.requests[-1]["query"] == {"page": "2"}
    assert rule_from_json({"actions": [{"do": "serve_path", "resource": "documents"}]}).actions[0].describe() == {
        "do": "serve_path",
        "resource": "documents",
    }
