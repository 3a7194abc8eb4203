"""Fault rules: which requests they match, what they do to them, and their JSON form for the admin endpoint."""

from __future__ import annotations

import base64
import gzip
import json
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

Records = list[Any]
HeaderValue = str | None | Callable[[str | None], str | None]
ALWAYS = None  # `times=ALWAYS`: a rule that never runs out


# ---------------------------------------------------------------------------------------------- request / response


@dataclass(frozen=True)
class ProxyRequest:
    """A request as the client sent it; `target` is the path and query string, untouched."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    # How a delay waits: the proxy passes its stop event's wait, so stopping it releases delayed requests.
    wait: Callable[[float], Any] = field(default=time.sleep, compare=False, repr=False)

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        """Query parameters, the last value winning (as the vendor reads them)."""
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))

    def with_param(self, name: str, value: str) -> ProxyRequest:
        """The same request with one query parameter set (every other parameter kept, in order)."""
        parts = urlsplit(self.target)
        pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
        return replace(self, target=f"{parts.path}?{urlencode([*pairs, (name, value)])}")


@dataclass(frozen=True)
class ProxyResponse:
    """An answer on its way back to the client. `disconnect` closes the connection without answering."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    reason: str | None = None
    disconnect: bool = False

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)

    def with_header(self, name: str, value: str | None) -> ProxyResponse:
        """Replace every header of that name (keeping its position); None removes it."""
        wanted, out, placed = name.lower(), [], False
        for k, v in self.headers:
            if k.lower() != wanted:
                out.append((k, v))
            elif value is not None and not placed:
                out.append((k, value))
                placed = True
        if value is not None and not placed:
            out.append((name, value))
        return replace(self, headers=tuple(out))

    def with_body(self, body: bytes, status: int | None = None) -> ProxyResponse:
        """A new plain (unencoded) body; the proxy recomputes Content-Length."""
        plain = replace(self, body=body, status=self.status if status is None else status, reason=None)
        return plain.with_header("Content-Encoding", None)

    def plain_body(self) -> bytes:
        """The body with any gzip / deflate content encoding undone."""
        encoding = (self.header("Content-Encoding") or "").strip().lower()
        if encoding == "gzip":
            return gzip.decompress(self.body)
        if encoding == "deflate":
            return zlib.decompress(self.body)
        return self.body


# ---------------------------------------------------------------------------------------------- actions


class Action:
    """One step of a rule: `before` may change the request sent upstream or answer it; `after` edits the answer."""

    kind = "action"

    def before(self, request: ProxyRequest) -> ProxyRequest | ProxyResponse:
        return request

    def after(self, request: ProxyRequest, response: ProxyResponse) -> ProxyResponse:
        return response

    def describe(self) -> dict[str, Any]:
        return {"do": self.kind}

    def __repr__(self) -> str:
        details = ", ".join(f"{k}={v!r}" for k, v in self.describe().items() if k != "do")
        return f"{self.kind}({details})"


def _body_json(body: bytes) -> dict[str, str]:
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode()}


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


class _Status(Action):
    kind = "status"

    def __init__(self, code: int, body: bytes | str = b"", headers: Mapping[str, str] | None = None) -> None:
        self.code, self.body, self.headers = int(code), _as_bytes(body), dict(headers or {})

    def before(self, request: ProxyRequest) -> ProxyResponse:
        return ProxyResponse(self.code, tuple(self.headers.items()), self.body)

    def describe(self) -> dict[str, Any]:
        return {"do": self.kind, "code": self.code, **_body_json(self.body), "headers": self.headers}


class _Disconnect(Action):
    kind = "disconnect"

    def before(self, request: ProxyRequest) -> ProxyResponse:
        return ProxyResponse(0, disconnect=True)


class _Delay(Action):
    kind = "delay"

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)

    def before(self, request: ProxyRequest) -> ProxyRequest | ProxyResponse:
        if request.wait(self.seconds):  # the proxy is stopping: hang up rather than reach a gone upstream
            return ProxyResponse(0, disconnect=True)
        return request

    def describe(self) -> dict[str, Any]:
        return {"do": self.kind, "seconds": self.seconds}


class _ServePage(Action):
    kind = "serve_page"

    def __init__(self, page: int | None = None, *, offset: int | None = None) -> None:
        if (page is None) == (offset is None):
            raise ValueError("serve_page takes a page number or an offset, not both")
        self.page, self.offset = page, offset

    @staticmethod
    def _asked(request: ProxyRequest) -> str:
        return request.query.get("page", "1")

    def before(self, request: ProxyRequest) -> ProxyRequest:
        if self.page is not None:
            return request.with_param("page", str(self.page))
        try:
            asked = int(self._asked(request))
        except ValueError:
            return request  # a page we cannot do arithmetic on: let upstream judge it
        return request.with_param("page", str(asked + (self.offset or 0)))

    def after(self, request: ProxyRequest, response: ProxyResponse) -> ProxyResponse:
        # A silent fault: the answer still claims to be the page the client asked for.
        if response.header("X-Page-Number") is None:
            return response
        return response.with_header("X-Page-Number", self._asked(request))

    def describe(self) -> dict[str, Any]:
        if self.page is not None:
            return {"do": self.kind, "page": self.page}
        return {"do": self.kind, "offset": self.offset}


class _Plus:
    """A header edit: add n to an integer header (absent counts as 0)."""

    def __init__(self, n: int) -> None:
        self.n = int(n)

    def __call__(self, value: str | None) -> str:
        return str(int(value or 0) + self.n)

    def __repr__(self) -> str:
        return f"plus({self.n})"


def plus(n: int) -> Callable[[str | None], str]:
    """For `set_header`: the header's integer value grown by n, e.g. `set_header("X-Number-Of-Results", plus(7))`."""
    return _Plus(n)


class _SetHeader(Action):
    kind = "set_header"

    def __init__(self, name: str, value: HeaderValue) -> None:
        self.name, self.value = name, value

    def after(self, request: ProxyRequest, response: ProxyResponse) -> ProxyResponse:
        value = self.value(response.header(self.name)) if callable(self.value) else self.value
        return response.with_header(self.name, value)

    def describe(self) -> dict[str, Any]:
        if isinstance(self.value, _Plus):
            return {"do": self.kind, "name": self.name, "plus": self.value.n}
        value = self.value if self.value is None or isinstance(self.value, str) else repr(self.value)
        return {"do": self.kind, "name": self.name, "value": value}


class _ReplaceBody(Action):
    """empty_body, empty_array and raw_body: a new body, upstream's headers kept."""

    def __init__(self, kind: str, body: bytes | str | Callable[[bytes], bytes], status: int | None = None) -> None:
        self.kind, self.status = kind, status
        self.body = body if callable(body) else _as_bytes(body)

    def after(self, request: ProxyRequest, response: ProxyResponse) -> ProxyResponse:
        body = self.body(response.plain_body()) if callable(self.body) else self.body
        return response.with_body(body, self.status)

    def describe(self) -> dict[str, Any]:
        if self.kind != "raw_body":
            return {"do": self.kind}
        if callable(self.body):
            return {"do": self.kind, "body": repr(self.body)}
        return {"do": self.kind, **_body_json(self.body)}


class _EditRecords(Action):
    """Actions over the decoded JSON array; a body that is not one passes unchanged."""

    def __init__(self, kind: str, edit: Callable[[Records], Records | None], **described: Any) -> None:
        self.kind, self.edit, self.described = kind, edit, described

    def after(self, request: ProxyRequest, response: ProxyResponse) -> ProxyResponse:
        try:
            records = json.loads(response.plain_body())
        except (ValueError, OSError, EOFError, zlib.error):
            return response
        if not isinstance(records, list):
            return response
        edited = self.edit(records)
        # json.dumps escapes non-ASCII (a lone surrogate becomes the six characters \ud800), as the vendor does.
        return response.with_body(json.dumps(records if edited is None else edited).encode())

    def describe(self) -> dict[str, Any]:
        return {"do": self.kind, **self.described}


class _ServePath(Action):
    kind = "serve_path"

    def __init__(self, resource: str) -> None:
        if not resource or "/" in resource.strip("/"):
            raise ValueError("serve_path takes one path segment (another resource of the same API)")
        self.resource = resource.strip("/")

    def before(self, request: ProxyRequest) -> ProxyRequest:
        parts = urlsplit(request.target)
        head = parts.path.rstrip("/").rsplit("/", 1)[0]
        return replace(request, target=f"{head}/{self.resource}" + (f"?{parts.query}" if parts.query else ""))

    def describe(self) -> dict[str, Any]:
        return {"do": self.kind, "resource": self.resource}


def status(code: int, body: bytes | str = b"", headers: Mapping[str, str] | None = None) -> Action:
    """Answer with this status, body and headers, without calling upstream."""
    return _Status(code, body, headers)


def disconnect() -> Action:
    """Close the client's connection without answering (upstream is not called)."""
    return _Disconnect()


def delay(seconds: float) -> Action:
    """Wait before passing the request on (or before the next action answers it)."""
    return _Delay(seconds)


def serve_page(page: int | None = None, *, offset: int | None = None) -> Action:
    """Fetch upstream's page `page` (or the asked page + `offset`) instead; X-Page-Number still claims the asked one."""
    return _ServePage(page, offset=offset)


def serve_path(resource: str) -> Action:
    """Fetch upstream's `resource` (the last path segment replaced, query kept) instead: another table's page served
    as the one asked for."""
    return _ServePath(resource)


def set_header(name: str, value: HeaderValue) -> Action:
    """Set a response header: a string, None to remove it, or a callable from its current value (see `plus`)."""
    return _SetHeader(name, value)


def empty_body() -> Action:
    """200 with zero bytes of body; upstream's headers kept."""
    return _ReplaceBody("empty_body", b"", 200)


def empty_array() -> Action:
    """200 with the body `[]`; upstream's headers kept."""
    return _ReplaceBody("empty_array", b"[]", 200)


def raw_body(body: bytes | str | Callable[[bytes], bytes]) -> Action:
    """Replace the body (status and headers kept): bytes, text, or a callable over upstream's body (to truncate it)."""
    return _ReplaceBody("raw_body", body)


def drop_records(n: int) -> Action:
    """Leave out the last n records of the page."""
    return _EditRecords("drop_records", lambda records: records[: max(len(records) - n, 0)], n=n)


def keep_records(n: int) -> Action:
    """Keep only the first n records of the page."""
    return _EditRecords("keep_records", lambda records: records[:n], n=n)


def mutate_records(fn: Callable[[Records], Records | None]) -> Action:
    """Edit the decoded records: `fn` changes the list in place or returns a new one. Python only, not over HTTP."""
    return _EditRecords("mutate_records", fn, fn=getattr(fn, "__name__", repr(fn)))


# ---------------------------------------------------------------------------------------------- rules


def _path_matches(suffix: str | None, path: str) -> bool:
    """Whole path segments: `applications` matches /rest/v1/applications, not /rest/v1/pre_applications."""
    if not suffix:
        return True
    suffix, path = suffix.strip("/"), path.rstrip("/")
    return path == f"/{suffix}" or path.endswith(f"/{suffix}")


@dataclass
class Rule:
    """Requests to match and the actions to take on them, `times` times (None: always).

    A request matches when every condition given holds: path ends with `path` (whole segments), each `query`
    parameter equals its value, every name in `present` is in the query, none in `absent` is, and `method`.
    """

    actions: tuple[Action, ...]
    path: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    method: str | None = None
    times: int | None = 1
    name: str = ""
    fired: int = 0

    def __post_init__(self) -> None:
        if not self.actions:
            raise ValueError("a rule needs at least one action")
        if self.times is not None and (isinstance(self.times, bool) or int(self.times) < 1):
            raise ValueError(f"times must be a positive integer or None (always), not {self.times!r}")
        self.actions = tuple(self.actions)
        self.query = {str(k): str(v) for k, v in self.query.items()}
        self.present, self.absent = tuple(self.present), tuple(self.absent)
        self.method = self.method.upper() if self.method else None

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def matches(self, request: ProxyRequest) -> bool:
        if self.method and request.method.upper() != self.method:
            return False
        if not _path_matches(self.path, request.path):
            return False
        query = request.query
        return (
            all(query.get(k) == v for k, v in self.query.items())
            and all(k in query for k in self.present)
            and not any(k in query for k in self.absent)
        )

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "query": self.query,
            "present": list(self.present),
            "absent": list(self.absent),
            "method": self.method,
            "times": self.times,
            "fired": self.fired,
            "actions": [action.describe() for action in self.actions],
        }


def apply(
    actions: Iterable[Action], request: ProxyRequest, forward: Callable[[ProxyRequest], ProxyResponse]
) -> ProxyResponse:
    """Run request-side steps in order until one answers (else call upstream), then every response edit in order."""
    actions = tuple(actions)
    outgoing: ProxyRequest = request
    answer: ProxyResponse | None = None
    for action in actions:
        step = action.before(outgoing)
        if isinstance(step, ProxyResponse):
            answer = step
            break
        outgoing = step
    if answer is None:
        answer = forward(outgoing)
    if answer.disconnect:
        return answer
    for action in actions:
        answer = action.after(request, answer)
    return answer


# ---------------------------------------------------------------------------------------------- JSON form

_DECLARATIVE: dict[str, Callable[..., Action]] = {
    "status": status,
    "disconnect": disconnect,
    "delay": delay,
    "serve_page": serve_page,
    "serve_path": serve_path,
    "set_header": set_header,
    "empty_body": empty_body,
    "empty_array": empty_array,
    "raw_body": raw_body,
    "drop_records": drop_records,
    "keep_records": keep_records,
}
_RULE_KEYS = {"name", "path", "query", "present", "absent", "method", "times", "actions"}


def action_from_json(data: Mapping[str, Any]) -> Action:
    """`{"do": "status", "code": 503, "headers": {...}}`; bodies as `body` (text) or `body_base64`."""
    if not isinstance(data, Mapping) or "do" not in data:
        raise ValueError(f'an action is an object with a "do" key, not {data!r}')
    args = dict(data)
    kind = args.pop("do")
    if kind == "mutate_records":
        raise ValueError("mutate_records takes a Python callable: add it from Python, not over HTTP")
    if kind not in _DECLARATIVE:
        raise ValueError(f"unknown action {kind!r}; known: {', '.join(sorted(_DECLARATIVE))}")
    if "body_base64" in args:
        args["body"] = base64.b64decode(args.pop("body_base64"), validate=True)
    if kind == "set_header" and "plus" in args:
        args["value"] = plus(int(args.pop("plus")))
    try:
        return _DECLARATIVE[kind](**args)
    except TypeError as error:
        raise ValueError(f"bad arguments for {kind}: {error}") from error


def rule_from_json(data: Mapping[str, Any]) -> Rule:
    """A rule object as GET /_faults/rules shows it (`fired` ignored); `times` null or "always" for always."""
    if not isinstance(data, Mapping):
        raise ValueError(f"a rule is a JSON object, not {data!r}")
    unknown = set(data) - _RULE_KEYS - {"fired"}
    if unknown:
        raise ValueError(f"unknown rule keys {sorted(unknown)}; known: {sorted(_RULE_KEYS)}")
    actions = data.get("actions")
    if not isinstance(actions, list) or not actions:
        raise ValueError('a rule needs "actions": a non-empty list')
    times = data.get("times", 1)
    return Rule(
        actions=tuple(action_from_json(a) for a in actions),
        path=data.get("path"),
        query=dict(data.get("query") or {}),
        present=tuple(data.get("present") or ()),
        absent=tuple(data.get("absent") or ()),
        method=data.get("method"),
        times=None if times in (None, "always") else int(times),
        name=str(data.get("name") or ""),
    )
