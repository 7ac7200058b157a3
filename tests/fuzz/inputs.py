"""Hypothesis strategies for what a hostile client sends: JSON that is almost right, bytes
that are not JSON at all, headers that lie, and text every parser finds hard.

JSON is written by :func:`to_json` rather than a library, because the inputs worth sending
are the ones libraries refuse to write: integers of 400 digits, ``1e400``, ``NaN``, lone
surrogate escapes, invalid UTF-8 inside a string, nesting thousands deep, repeated keys.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from typing import Any, Final

import orjson
from hypothesis import strategies as st

__all__ = [
    "Raw",
    "encoded_bodies",
    "header_values",
    "json_values",
    "junk_headers",
    "mutated",
    "path_segments",
    "to_json",
]


@dataclass(frozen=True, slots=True)
class Raw:
    """A JSON fragment written as is."""

    text: bytes


# Text that has broken parsers, databases, spreadsheets and templates somewhere.
HARD_TEXT: Final = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "शॉल",  # Devanagari, with a combining mark
    "श\u200dॉल",  # a zero-width joiner inside
    "कुल्लू शॉल ₹1,999",
    "👩🏽‍🌾🧣",  # emoji with a skin tone and a ZWJ sequence
    "\u202eevil",  # right-to-left override
    "\ufeff",
    "\uffff",
    '=HYPERLINK("http://x","y")',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../../../etc/passwd",
    "%00%ff",
    "{{7*7}}",
    "std:0177",
    "x" * 300,
    "9" * 30,
)

# JSON fragments that are legal to some parsers and not others, or costly to all.
RAW_FRAGMENTS: Final = (
    Raw(b"1e400"),
    Raw(b"-1e400"),
    Raw(b"1" + b"0" * 400),
    Raw(b"-" + b"9" * 5000),
    Raw(b"1.5e-400"),
    Raw(b"18446744073709551616"),
    Raw(b"-9223372036854775809"),
    Raw(b"NaN"),
    Raw(b"Infinity"),
    Raw(b"-0"),
    Raw(b"0x10"),
    Raw(b'"\\ud800"'),  # a lone surrogate escape
    Raw(b'"\\udfff\\ud800"'),
    Raw(b'"\\u0000"'),
    Raw(b'"\xff\xfe"'),  # invalid UTF-8 inside a string
    Raw(b'"\xed\xa0\x80"'),  # a surrogate encoded as UTF-8
    Raw(b'"\xc0\xaf"'),  # an overlong encoding
    Raw(b'"\\u00"'),
    Raw(b"[" * 200 + b"]" * 200),
    Raw(b"[" * 1000 + b'"\\u0000"' + b"]" * 1000),
    Raw(b"[" * 5000 + b"]" * 5000),
    Raw(b'{"a":' * 990 + b'"\\u0000"' + b"}" * 990),
    Raw(b'{"a":' * 3000 + b"1" + b"}" * 3000),
)


def _texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HARD_TEXT),
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=12).map(lambda s: s + "\x00"),
        st.text(min_size=2000, max_size=5000),
    )


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value a parser might meet, hostile leaves included."""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**64 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        _texts(),
        st.sampled_from(RAW_FRAGMENTS),
    )
    keys = st.one_of(st.sampled_from(("context", "message", "", "\x00", "@ondc/org/x")), _texts())
    return st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4)
        ),
        max_leaves=12,
    )


def to_json(value: Any) -> bytes:
    """``value`` as JSON text, :class:`Raw` fragments written as they are."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return (
            b"{" + b",".join(to_json(str(k)) + b":" + to_json(v) for k, v in value.items()) + b"}"
        )
    if isinstance(value, list | tuple):
        return b"[" + b",".join(to_json(v) for v in value) + b"]"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
        return str(value).encode()
    try:
        return orjson.dumps(value)
    except TypeError:  # a string orjson will not write (a lone surrogate): as an escape
        return orjson.dumps(value.encode("utf-8", "surrogatepass").decode("latin-1"))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


def _replace(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(document, dict):
        copy = dict(document)
        copy[head] = _replace(document[head], rest, new)
        return copy
    copy_list = list(document)
    copy_list[head] = _replace(document[head], rest, new)
    return copy_list


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """``document`` with up to three of its values (any depth, the whole included)
    replaced by hostile ones, or keys deleted or added; sometimes unchanged."""
    changes = draw(st.integers(min_value=0, max_value=3))
    for _ in range(changes):
        paths = _paths(document)
        # The leaves and deep nodes are where validation lives: prefer them.
        path = draw(st.sampled_from(paths[1:] or paths))
        kind = draw(st.sampled_from(("replace", "replace", "delete", "add")))
        if kind == "delete" and path:
            parent = _get(document, path[:-1])
            if isinstance(parent, dict):
                trimmed = {k: v for k, v in parent.items() if k != path[-1]}
                document = _replace(document, path[:-1], trimmed)
                continue
        if kind == "add":
            target = _get(document, path)
            if isinstance(target, dict):
                key = draw(st.one_of(st.sampled_from(HARD_TEXT), st.text(max_size=10)))
                document = _replace(document, path, {**target, key: draw(json_values())})
                continue
        document = _replace(document, path, draw(json_values()))
    return document


def _get(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


@dataclass(frozen=True, slots=True)
class Encoded:
    """A body as sent, its Content-Type and Content-Encoding (``None``: not sent)."""

    body: bytes
    content_type: str | None
    content_encoding: str | None = None


_CHARSET_LIES: Final = (
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=latin-1",
    "application/json; charset=utf-16",
    "application/json; charset=x-junk",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=--x",
    "application/json; charset=\u00e9",
)


@st.composite
def encoded_bodies(draw: st.DrawFn, document: bytes) -> Encoded:
    """``document`` (JSON or form text) sent as it is, or damaged on the way: truncated,
    with a BOM or trailing bytes, in UTF-16, replaced by random bytes, compressed (with
    its Content-Encoding said or not), under a Content-Type that lies."""
    how = draw(
        st.sampled_from(
            ("as is",) * 6
            + ("truncated", "bom", "utf-16", "trailing", "bytes", "empty", "gzip", "deflate",
               "gzip unsaid", "duplicate key")
        )
    )  # fmt: skip
    content_type: str | None = draw(
        st.one_of(st.just("application/json"), st.sampled_from(_CHARSET_LIES), st.none())
    )
    encoding = None
    body = document
    if how == "truncated" and body:
        body = body[: draw(st.integers(min_value=0, max_value=len(body) - 1))]
    elif how == "bom":
        body = b"\xef\xbb\xbf" + body
    elif how == "utf-16":
        body = body.decode("utf-8", "replace").encode("utf-16")
    elif how == "trailing":
        body = body + draw(st.sampled_from((b"\x00", b" x", b"}", b"\xff", b"\n" * 3)))
    elif how == "bytes":
        body = draw(st.binary(max_size=300))
    elif how == "empty":
        body = b""
    elif how in ("gzip", "gzip unsaid"):
        body = gzip.compress(body)
        encoding = "gzip" if how == "gzip" else None
    elif how == "deflate":
        body = zlib.compress(body)
        encoding = draw(st.sampled_from(("deflate", "br", "identity, gzip", "x-junk")))
    elif how == "duplicate key" and body.startswith(b"{"):
        body = b'{"context":{"action":1},' + body[1:]
    return Encoded(body, content_type, encoding)


def header_values() -> st.SearchStrategy[bytes]:
    """Header values HTTP/1.1 can carry: Latin-1 and UTF-8 bytes, long ones, garbled
    signatures (no CR, LF or NUL, no surrounding spaces: the client refuses to send those)."""
    printable = st.binary(max_size=200).map(
        lambda b: bytes(c for c in b if c >= 0x20 and c != 0x7F).strip()
    )
    return st.one_of(
        printable,
        st.sampled_from(
            (
                "शॉल".encode(),
                "²".encode("latin-1"),
                b"\xff\xfe",
                b"Bearer",
                b"Bearer ",
                b"Bearer \xc3\xa9",
                b'Signature keyId="a|b|ed25519"',
                b'Signature keyId="x|y|ed25519",algorithm="ed25519",created="1",expires="2",'
                b'headers="(created) (expires) digest",signature="AAAA"',
                b'Signature keyId="|||",signature=""',
                b"Signature " + b",".join(b'k%d="v"' % i for i in range(500)),
                b"a" * 8000,
                b"http://[",
                b"http://[::1",
                b"https://x:99999",
                b"null",
                b"0",
                b"-1",
                b"99999999999999999999999",
                b"1.1.1.1, \xff",
            )
        ).map(lambda b: b.strip()),
    )


_HEADER_NAMES: Final = (
    "authorization",
    "x-gateway-authorization",
    "content-type",
    "content-length-x",
    "origin",
    "referer",
    "cookie",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-odop-timestamp",
    "x-odop-delivery",
    "x-odop-signature",
    "accept",
    "accept-language",
    "accept-encoding",
    "user-agent",
    "x-junk",
)


def junk_headers() -> st.SearchStrategy[list[tuple[bytes, bytes]]]:
    """Extra headers, repeated names included (a second Authorization, a second Host)."""
    pair = st.tuples(st.sampled_from(_HEADER_NAMES).map(str.encode), header_values())
    return st.lists(pair, max_size=4)


def path_segments() -> st.SearchStrategy[str]:
    """A path segment, percent-encoded as sent: text, numbers past every integer type,
    invalid UTF-8 and NUL escapes, traversal, very long."""
    from urllib.parse import quote

    return st.one_of(
        st.text(max_size=30).map(lambda s: quote(s, safe="")),
        st.sampled_from(HARD_TEXT).map(lambda s: quote(s, safe="")),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(
            (
                "%FF%FE",
                "%00",
                "%2F..%2F..",
                "..",
                "%C0%AF",
                "%ED%A0%80",
                "0",
                "-1",
                "9223372036854775808",
                "1e3",
                "x" * 5000,
            )
        ),
    )
