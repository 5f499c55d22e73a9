"""Hypothesis strategies for realistic-but-wrong FHIR requests.

Values start from what a real client sends — the resources of the repository's fixtures, the
search parameters the CapabilityStatement lists, the two seed trials' ids — and are then bent:
elements replaced by values of the wrong type, numbers past 64 bits, dates at or past the ends of
the calendar, unicode, empty strings, deep nesting, duplicated ids, repeated and unknown
parameters, broken percent-encoding, bodies that are not JSON or not an object.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

from fhirtrial.resources.registry import COMMON_SEARCH_PARAMS, READ_ONLY_TYPES, RESOURCE_TYPES
from fhirtrial.resources.search_query import DATE_PREFIXES

DATA = Path(__file__).parents[1] / "data"
TYPES = sorted(RESOURCE_TYPES)
WRITABLE_TYPES = sorted(set(TYPES) - READ_ONLY_TYPES)
SEED_IDS = ("NCT05361174", "NCT05398640")
FHIR_JSON = "application/fhir+json"

# --- scalar values -------------------------------------------------------------------------

EDGE_DATES = (
    *("0000-00-00", "0001-01-01", "0001", "9999", "9999-12-31", "9999-12-31T24:00"),
    *("9999-12-31T23:59:59.999999+14:00", "0001-01-01T00:00:00-14:00", "2024-02-30"),
    *("2024-13-01", "2024-1-1", "20240101", "2024-06-01T25:61:61Z", "1e9", "-2024"),
)
EDGE_NUMBERS = (
    *("0", "-0", "-1", "1e308", "1e309", "-1e999", "NaN", "Infinity", "0x10", "1_000"),
    *(str(2**63), str(2**64), str(-(2**63) - 1), "9" * 400, "1.5", ".5", "+1", " 1"),
)
TEXT = st.text(max_size=40) | st.sampled_from(
    ("", " ", "\x00", "\u202e", "é", "😀" * 10, "a" * 1200, "%", "%zz", "%ff%fe", "\\", "'\"")
)


def _any_scalar() -> st.SearchStrategy[str]:
    return st.one_of(
        TEXT,
        st.sampled_from(EDGE_DATES),
        st.sampled_from(EDGE_NUMBERS),
        st.integers().map(str),
        st.sampled_from(SEED_IDS),
    )


WRONG_JSON: st.SearchStrategy[Any] = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(allow_nan=False, allow_infinity=False),
        TEXT,
        st.sampled_from(EDGE_DATES),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


def nested(depth: int) -> Any:
    value: Any = "deep"
    for level in range(depth):
        value = [value] if level % 2 else {"x": value}
    return value


# --- search --------------------------------------------------------------------------------

_MODIFIERS = (
    *("", "", "", ":missing", ":not", ":exact", ":contains", ":below", ":identifier"),
    *(":above", ":text", ":Patient", ":in", ":", "::", ":missing:not"),
)


def _value_of(param_type: str) -> st.SearchStrategy[str]:
    if param_type == "date":
        return st.builds(
            "{}{}".format,
            st.sampled_from(("", *DATE_PREFIXES, "xx")),
            st.sampled_from((*EDGE_DATES, "2024", "2024-06", "2024-06-01T10:00:00Z")),
        )
    if param_type == "token":
        return st.builds(
            "{}{}".format,
            st.sampled_from(("", "|", "http://loinc.org|", "urn:x|", "||")),
            _any_scalar(),
        )
    if param_type == "reference":
        return st.builds(
            "{}{}".format,
            st.sampled_from(("", "Patient/", "ResearchStudy/", "http://other/Patient/", "/")),
            _any_scalar(),
        )
    return _any_scalar()


@st.composite
def search_pair(draw: st.DrawFn, resource_type: str) -> tuple[str, str]:
    """One `name[:modifier]=value` of the type's parameters (or of another type's)."""
    spec = RESOURCE_TYPES[draw(st.sampled_from((resource_type,) * 4 + tuple(TYPES)))]
    params = [*COMMON_SEARCH_PARAMS.values(), *spec.search_params.values()]
    param = draw(st.sampled_from(params))
    modifier = draw(st.sampled_from(_MODIFIERS))
    value = draw(_value_of(param.type))
    if modifier == ":missing" and draw(st.booleans()):
        value = draw(st.sampled_from(("true", "false")))
    if draw(st.integers(0, 4)) == 0:
        value = ",".join([value, *draw(st.lists(_value_of(param.type), max_size=3))])
    return f"{param.name}{modifier}", value


def _include_value(resource_type: str) -> st.SearchStrategy[str]:
    refs = [
        f"{name}:{p.name}"
        for name in TYPES
        for p in RESOURCE_TYPES[name].search_params.values()
        if p.type == "reference"
    ]
    return st.one_of(
        st.sampled_from(refs),
        st.sampled_from(refs).map(lambda r: f"{r}:Location"),
        st.sampled_from(refs).map(lambda r: f"{r}:iterate"),
        st.sampled_from(("*", f"{resource_type}:*", ":", "Foo:bar", "", "a:b:c:d")),
        TEXT,
    )


def control_pair(resource_type: str) -> st.SearchStrategy[tuple[str, str]]:
    spec = RESOURCE_TYPES[resource_type]
    names = sorted({*COMMON_SEARCH_PARAMS, *spec.search_params})
    sort = st.lists(
        st.builds("{}{}".format, st.sampled_from(("", "-", "--")), st.sampled_from(names) | TEXT),
        min_size=1,
        max_size=3,
    ).map(",".join)
    return st.one_of(
        st.tuples(st.just("_count"), st.sampled_from(EDGE_NUMBERS) | st.integers().map(str)),
        st.tuples(st.just("_offset"), st.sampled_from(EDGE_NUMBERS) | st.integers().map(str)),
        st.tuples(st.just("_sort"), sort),
        st.tuples(st.sampled_from(("_include", "_revinclude")), _include_value(resource_type)),
        st.tuples(st.sampled_from(("_include:iterate", "_revinclude:iterate")), st.just("*")),
        st.tuples(
            st.just("_summary"),
            st.sampled_from(("true", "false", "count", "text", "data", "", "x")),
        ),
        st.tuples(st.just("_elements"), st.lists(st.sampled_from(names) | TEXT).map(",".join)),
        st.tuples(st.just("_total"), st.sampled_from(("none", "estimate", "accurate", "", "x"))),
        st.tuples(st.just("_lastUpdated"), _value_of("date")),
        st.tuples(st.just("_lastUpdated:missing"), st.sampled_from(("true", "false", "x"))),
        st.tuples(st.sampled_from(("_format", "_pretty")), st.sampled_from(FORMATS)),
        st.tuples(TEXT, _any_scalar()),  # a parameter nobody defines
    )


FORMATS = ("json", "xml", "application/fhir+json", "application/fhir+xml", "ttl", "html", "")


def _encode_pair(pair: tuple[str, str], raw: bool) -> str:
    name, value = pair
    if raw:  # as a careless client writes it: broken percent-encoding and all
        return f"{name}={value}".replace("#", "%23").replace("&", "%26").replace(" ", "+")
    return f"{quote(name, safe=':')}={quote(value, safe=':|,/')}"


@st.composite
def query_string(draw: st.DrawFn, resource_type: str) -> str:
    pairs = draw(st.lists(search_pair(resource_type) | control_pair(resource_type), max_size=6))
    if pairs and draw(st.integers(0, 5)) == 0:
        pairs += pairs[:2]  # repeated parameters
    raw = draw(st.integers(0, 4)) == 0
    parts = [_encode_pair(p, raw) for p in pairs]
    if draw(st.integers(0, 8)) == 0:
        parts.append(draw(st.sampled_from(("&", "=", "%", "a=%e2%82", "&&=&", ";", "x" * 70_000))))
    return "&".join(parts)


# --- resources -----------------------------------------------------------------------------


def _codex_resources() -> list[dict[str, Any]]:
    bundle = json.loads((DATA / "patients" / "codex" / "TrialMatching_Patient01.json").read_text())
    return [entry["resource"] for entry in bundle["entry"]]


def minimal_resources() -> dict[str, dict[str, Any]]:
    """A valid resource of each writable type; the seed trials add theirs at run time."""
    patient = next(r for r in _codex_resources() if r["resourceType"] == "Patient")
    canonical = {"url": "http://example.org/fhir/x", "name": "X", "status": "draft"}
    found = {
        "Patient": patient,
        "ResearchStudy": {"resourceType": "ResearchStudy", "status": "active", "title": "T"},
        "ResearchSubject": {
            "resourceType": "ResearchSubject",
            "status": "active",
            "study": {"reference": f"ResearchStudy/{SEED_IDS[0]}"},
            "subject": {"reference": f"Patient/{patient['id']}"},
        },
        "Group": {"resourceType": "Group", "type": "person", "membership": "definitional"},
        "Practitioner": {"resourceType": "Practitioner", "name": [{"family": "Who"}]},
        "Organization": {"resourceType": "Organization", "name": "Hospital"},
        "Location": {"resourceType": "Location", "name": "Ward", "status": "active"},
        "EvidenceVariable": {"resourceType": "EvidenceVariable", "status": "draft"},
        "PlanDefinition": {"resourceType": "PlanDefinition", "status": "draft"},
        # `off` and a host that never resolves (.invalid): the server's worker posts nothing.
        "Subscription": {
            "resourceType": "Subscription",
            "status": "off",
            "topic": "https://fhirtrial.org/fhir/SubscriptionTopic/candidate-changed",
            "channelType": {"code": "rest-hook"},
            "endpoint": "https://receiver.invalid/notify",
            "content": "id-only",
        },
        "CodeSystem": {**canonical, "resourceType": "CodeSystem", "content": "not-present"},
        "ValueSet": {**canonical, "resourceType": "ValueSet"},
        "SearchParameter": {
            **canonical,
            "resourceType": "SearchParameter",
            "description": "d",
            "code": "x",
            "base": ["Patient"],
            "type": "string",
        },
        "StructureDefinition": {
            **canonical,
            "resourceType": "StructureDefinition",
            "kind": "resource",
            "abstract": False,
            "type": "Patient",
        },
        "OperationDefinition": {
            **canonical,
            "resourceType": "OperationDefinition",
            "kind": "operation",
            "code": "x",
            "system": False,
            "type": False,
            "instance": False,
        },
    }
    missing = set(WRITABLE_TYPES) - set(found)
    assert not missing, f"no valid resource to fuzz for {missing}"
    return found


def _paths(node: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:2]):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def bent_resource(draw: st.DrawFn, resource: dict[str, Any]) -> dict[str, Any]:
    """The resource with up to three elements replaced, added or removed."""
    changed = copy.deepcopy(resource)
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(changed)
        kind = draw(st.sampled_from(("replace", "replace", "add", "remove", "deep", "id")))
        if kind == "id":
            changed["id"] = draw(
                st.sampled_from((*SEED_IDS, "", "a" * 65, "a" * 300, "../x", "é", "a b"))
                | WRONG_JSON
            )
            continue
        if kind == "add" or not paths:
            key = draw(st.sampled_from(("contained", "meta", "extension", "text", "birthDate")))
            changed[key] = draw(WRONG_JSON | st.just([copy.deepcopy(changed)] * 2))
            continue
        path = draw(st.sampled_from(paths))
        node: Any = changed
        for step in path[:-1]:
            node = node[step]
        if kind == "remove":
            del node[path[-1]]
        else:
            value = nested(draw(st.integers(30, 200))) if kind == "deep" else draw(WRONG_JSON)
            node[path[-1]] = value
    return changed


# --- bodies and headers --------------------------------------------------------------------


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


NOT_JSON_BODIES = st.one_of(
    st.binary(max_size=64),
    st.sampled_from(
        (
            b"",
            b"{",
            b"[]",
            b"null",
            b'"Patient"',
            b"42",
            b"1e999999",
            b'{"resourceType": NaN}',
            b'{"resourceType":"Patient","id":"a","id":"b"}',
            b"\xef\xbb\xbf{}",
            '{"resourceType":"Patient"}'.encode("utf-16"),
            b"<Patient xmlns='http://hl7.org/fhir'/>",
            b"resourceType=Patient&id=1",
            b"[" * 100_000 + b"]" * 100_000,
        )
    ),
)

CONTENT_TYPES = (
    *("application/json", "application/json+fhir"),
    *("application/fhir+json; charset=utf-16", "application/fhir+json; fhirVersion=4.0"),
    *("application/fhir+xml", "text/plain", "application/x-www-form-urlencoded"),
    *("multipart/form-data; boundary=x", "", ";;;", "a/b/c", "application/fhir+json;;=;"),
)
ACCEPTS = (
    *("application/fhir+json", "*/*", "application/json", "application/fhir+xml", "text/html"),
    *("application/fhir+json; fhirVersion=4.0", "image/*;q=0.1", ",,,", "", "\u00e9/\u00e9"),
)
PREFERS = (
    *("return=minimal", "return=representation", "return=OperationOutcome"),
    *("handling=lenient", "handling=strict", "return=", "respond-async", "x=y=z", ";;"),
)
IF_MATCH = ('W/"1"', 'W/"2"', '"1"', "*", 'W/"x"', f'W/"{2**70}"', "", 'W/"-1"')


@st.composite
def headers(draw: st.DrawFn, *, body: bool) -> dict[str, str]:
    found: dict[str, str] = {}
    if body:
        wrong = draw(st.integers(0, 5)) == 0
        found["content-type"] = draw(st.sampled_from(CONTENT_TYPES)) if wrong else FHIR_JSON
    optional = {
        "accept": st.sampled_from(ACCEPTS),
        "prefer": st.sampled_from(PREFERS),
        "if-match": st.sampled_from(IF_MATCH),
        "if-none-match": st.sampled_from(IF_MATCH),
        "if-modified-since": st.sampled_from(("Wed, 21 Oct 2015 07:28:00 GMT", "x", "")),
        "host": st.sampled_from(("evil.example", "fhir.test:99999", "[::1", "a b", "")),
        "x-forwarded-for": st.sampled_from(("localhost", "127.0.0.1, 10.0.0.1", "::1", "x")),
    }
    for name, values in optional.items():
        if draw(st.integers(0, 6)) == 0:
            found[name] = draw(values)
    return found
