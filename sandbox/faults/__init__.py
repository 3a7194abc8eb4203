"""A fault-injection HTTP proxy to put between any pipeline and any sandbox HTTP server.

The proxy forwards each request (method, path, query, headers, body) to the upstream and returns its status,
headers and body byte for byte, unless a rule fires. A rule matches requests by path suffix (whole segments),
query parameter values, presence or absence of parameters and method; it fires `times` times (default once,
`ALWAYS` for every match). Rules are tried in the order added: the first that matches and is not spent fires,
so a later rule takes over once an earlier one is spent.

A rule's actions run in two phases. Request side, in order until one answers: `delay` waits, `serve_page`
changes the page asked of upstream, `serve_path` the resource asked (another table's page), `status` and
`disconnect` answer without calling upstream; if none answered, upstream is called. Response side, in order, on
whatever answer came back: `set_header`, `empty_body`, `empty_array`, `raw_body`, `drop_records`, `keep_records`,
`mutate_records`. Record actions decode the body as a JSON array (a body that is not one passes unchanged) and
re-encode it with `json.dumps`.

    from sandbox.faults import ALWAYS, FaultProxy, keep_records, plus, serve_page, set_header, status

    with FaultProxy(vendor.base_url) as proxy:       # http://127.0.0.1:<port>/rest/v1, same prefix as upstream
        # the count call claims 7 more results than the pages will hold
        proxy.add(set_header("X-Number-Of-Results", plus(7)), path="applications", absent=["page"])
        # page 2 is short by all but 3 records, once
        proxy.add(keep_records(3), path="applications", query={"page": 2})
        # page 3 repeats page 2's records, every time
        proxy.add(serve_page(offset=-1), path="applications", query={"page": 3}, times=ALWAYS)
        # the vendor's day off: two 503s asking to come back tomorrow, then normal service
        proxy.add(status(503, headers={"Retry-After": "86400"}), path="documents", times=2)
        run_the_pipeline(base_url=proxy.base_url)
        assert [r.rule for r in proxy.requests if r.path.endswith("/documents")][:3] == ["rule-4", "rule-4", None]

From a shell: `python -m sandbox.faults --upstream http://127.0.0.1:8765/rest/v1 --port 8766`; then
`POST /_faults/rules` with JSON rules (one object or a list), `GET /_faults/rules` to see them and their firing
counts, `DELETE /_faults/rules` to clear them, `GET /_faults/requests` for the log. The JSON form of a rule:

    {"path": "applications", "query": {"page": "2"}, "present": [], "absent": [], "method": "GET",
     "times": 1, "name": "short page 2",
     "actions": [{"do": "delay", "seconds": 0.5}, {"do": "keep_records", "n": 3},
                 {"do": "set_header", "name": "X-Number-Of-Results", "plus": 7}]}

Actions there: status {code, body | body_base64, headers}, disconnect, delay {seconds}, serve_page {page | offset},
serve_path {resource},
set_header {name, value | plus} (value null removes it), empty_body, empty_array, raw_body {body | body_base64},
drop_records {n}, keep_records {n}. `times` null or "always" means always. `mutate_records` is Python only.

Standard library only, and nothing of the platform's: any sandbox or pipeline can sit behind or in front of it.
"""

from sandbox.faults.proxy import Exchange, FaultProxy
from sandbox.faults.rules import (
    ALWAYS,
    Action,
    ProxyRequest,
    ProxyResponse,
    Rule,
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

__all__ = [
    "ALWAYS",
    "Action",
    "Exchange",
    "FaultProxy",
    "ProxyRequest",
    "ProxyResponse",
    "Rule",
    "delay",
    "disconnect",
    "drop_records",
    "empty_array",
    "empty_body",
    "keep_records",
    "mutate_records",
    "plus",
    "raw_body",
    "serve_page",
    "serve_path",
    "set_header",
    "status",
]
