"""Whole requests, one strategy per kind of interaction, shared by the fuzz passes with
authorization off and on. Each draws a `Sent`; the test sends it and checks the answer."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.fuzz_harness import Sent
from tests.fuzz.fuzz_strategies import (
    CONTENT_TYPES,
    NOT_JSON_BODIES,
    SEED_IDS,
    TYPES,
    WRITABLE_TYPES,
    WRONG_JSON,
    bent_resource,
    headers,
    json_bytes,
    query_string,
)

DATA = Path(__file__).parents[1] / "data"
CTGOV_RECORD_LINES = (DATA / "ctgov" / "breast-cancer-studies.ndjson").read_bytes().splitlines()[:3]
PATIENT_BUNDLE = json.loads((DATA / "patients/codex/TrialMatching_Patient01.json").read_text())
FUZZ_ID = "fuzz-1"
FORM = "application/x-www-form-urlencoded"
Corpus = dict[str, list[dict[str, Any]]]


def ids() -> st.SearchStrategy[str]:
    return st.sampled_from((*SEED_IDS, FUZZ_ID, "missing", "a" * 65, "é", "%2e%2e", "1" * 300))


def type_or_bogus(types: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(types) | st.sampled_from(("Foo", "patient", "%20", "Patient%00", "$x"))


@st.composite
def read_request(draw: st.DrawFn) -> Sent:
    """search by GET and by POST `_search`, read, vread, history of a type or an instance."""
    resource_type = draw(st.sampled_from(TYPES))
    rid = draw(ids())
    query = draw(query_string(resource_type))
    kind = draw(st.sampled_from(("search", "search", "post-search", "read", "vread", "history")))
    hdrs = draw(headers(body=False))
    if kind == "post-search":
        url = f"/{resource_type}/_search"
        if draw(st.booleans()):
            url += "?" + draw(query_string(resource_type))
        hdrs["content-type"] = draw(st.sampled_from((FORM,) * 4 + CONTENT_TYPES))
        return Sent("POST", url, hdrs, query.encode())
    if kind == "search":
        url = f"/{resource_type}?{query}"
    elif kind == "read":
        url = f"/{resource_type}/{rid}"
    elif kind == "vread":
        vid = draw(st.sampled_from(("1", "2", "0", "-1", "x", str(2**64), "")))
        url = f"/{resource_type}/{rid}/_history/{vid}"
    else:
        instance = f"/{rid}" if draw(st.booleans()) else ""
        url = f"/{resource_type}{instance}/_history?{query}"
    return Sent(draw(st.sampled_from(("GET",) * 5 + ("HEAD",))), url, hdrs)


@st.composite
def write_request(draw: st.DrawFn, corpus: Corpus) -> Sent:
    """create, conditional create (If-None-Exist), update (PUT), delete."""
    resource_type = draw(type_or_bogus(WRITABLE_TYPES))
    known = resource_type in corpus
    kind = draw(st.sampled_from(("create", "conditional", "update", "update", "delete")))
    rid = draw(ids())
    if known and draw(st.integers(0, 5)):
        resource = draw(bent_resource(draw(st.sampled_from(corpus[resource_type]))))
        if kind == "update" and draw(st.booleans()):
            resource["id"] = rid
        body = json_bytes(resource)
    else:
        body = draw(NOT_JSON_BODIES | WRONG_JSON.map(json_bytes))
    hdrs = draw(headers(body=True))
    if kind == "conditional":
        hdrs["if-none-exist"] = draw(query_string(resource_type if known else "Patient"))
    if kind == "delete":
        return Sent("DELETE", f"/{resource_type}/{rid}", hdrs)
    url = f"/{resource_type}/{rid}" if kind == "update" else f"/{resource_type}"
    return Sent("PUT" if kind == "update" else "POST", url, hdrs, body)


def _match_parameters(draw: st.DrawFn, bundle: dict[str, Any]) -> dict[str, Any]:
    parameter: list[dict[str, Any]] = [{"name": "patient", "resource": bundle}]
    extras: dict[str, st.SearchStrategy[dict[str, Any]]] = {
        "asOf": st.sampled_from(("2026-06-01", "0000-00-00", "9999-12-31T24:00")).map(
            lambda v: {"valueDate": v}
        ),
        "zipCode": st.sampled_from(("02115", "", "x" * 300)).map(lambda v: {"valueString": v}),
        "travelRadius": st.one_of(
            st.sampled_from((50, -1, 2**64, 1e308)).map(lambda v: {"valueDecimal": v}),
            st.just({"valueString": "far"}),
            st.just({"valueQuantity": {"value": 10, "unit": "mi"}}),
        ),
        "count": st.sampled_from((1, 0, -5, 2**70, "3")).map(lambda v: {"valueInteger": v}),
        "persist": st.sampled_from((True, False, "yes")).map(lambda v: {"valueBoolean": v}),
        "includeIneligible": st.just({"valueBoolean": True}),
        "study": st.sampled_from((*SEED_IDS, "nope")).map(
            lambda v: {"valueReference": {"reference": f"ResearchStudy/{v}"}}
        ),
        "phase": st.just({"valueCoding": {"code": "phase-2"}}),
        "bogus": WRONG_JSON.map(lambda v: {"valueString": v}),
    }
    for name, strategy in extras.items():
        if draw(st.integers(0, 3)) == 0:
            parameter.append({"name": name, **draw(strategy)})
    if draw(st.integers(0, 5)) == 0:
        parameter.append(parameter[0])  # the patient twice
    return {"resourceType": "Parameters", "parameter": parameter}


@st.composite
def match_request(draw: st.DrawFn) -> Sent:
    """`$match` with a patient Bundle or a Parameters body, both bent."""
    if draw(st.integers(0, 6)):
        bundle = draw(bent_resource(PATIENT_BUNDLE)) if draw(st.booleans()) else PATIENT_BUNDLE
        body = json_bytes(_match_parameters(draw, bundle) if draw(st.booleans()) else bundle)
    else:
        body = draw(NOT_JSON_BODIES | WRONG_JSON.map(json_bytes))
    query = draw(st.sampled_from(("", "?_format=json", "?persist=true", "?_pretty=%")))
    return Sent("POST", f"/ResearchStudy/$match{query}", draw(headers(body=True)), body)


@st.composite
def import_request(draw: st.DrawFn) -> Sent:
    """`$import` of study records (as strings and attachments, bent) and of NCT ids."""
    parameter: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 3))):
        choice = draw(st.sampled_from(("nct", "string", "attachment", "bent")))
        if choice == "nct":
            value = draw(st.sampled_from(("NCT02513394", "NCT00000000", "", " ", "x/../")))
            parameter.append({"name": "nctId", "valueString": value})
            continue
        record = json.loads(draw(st.sampled_from(CTGOV_RECORD_LINES)))
        if choice == "bent":
            record = draw(bent_resource(record))
        raw = json_bytes(record)
        if choice == "attachment":
            encoded = base64.b64encode(raw).decode()
            parameter.append({"name": "study", "valueAttachment": {"data": encoded}})
        else:
            parameter.append({"name": "study", "valueString": raw.decode()})
    if draw(st.integers(0, 4)) == 0:
        parameter.append({"name": draw(st.sampled_from(("study", "x"))), "valueInteger": 1})
    body = json_bytes({"resourceType": "Parameters", "parameter": parameter})
    return Sent("POST", "/ResearchStudy/$import", draw(headers(body=True)), body)


@st.composite
def token_request(draw: st.DrawFn, assertion: str) -> Sent:
    """`/auth/token` forms: the fields SMART Backend Services uses, missing, wrong or repeated."""
    fields = {
        "grant_type": st.sampled_from(("client_credentials", "password", "", "x" * 5000)),
        "client_assertion_type": st.sampled_from(
            ("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "jwt", "")
        ),
        "client_assertion": st.sampled_from(
            (assertion, assertion + "x", "a.b.c", "e30.e30.", "", "%ff", "." * 3000)
        ),
        "scope": st.sampled_from(("system/*.rs", "system/Patient.cruds", "", "patient/*.*", "é")),
        "client_id": st.sampled_from(("x", "")),
    }
    pairs = [(name, draw(values)) for name, values in fields.items() if draw(st.integers(0, 5))]
    if pairs and draw(st.integers(0, 5)) == 0:
        pairs += pairs[:1]
    body = "&".join(f"{k}={v}" for k, v in pairs).encode()
    if draw(st.integers(0, 6)) == 0:
        body = draw(NOT_JSON_BODIES)
    hdrs = draw(headers(body=False))
    hdrs["content-type"] = draw(st.sampled_from((FORM,) * 4 + CONTENT_TYPES))
    return Sent(draw(st.sampled_from(("POST",) * 6 + ("GET", "PUT"))), "/auth/token", hdrs, body)


_PATHS = (
    *("/metadata", "/health", "/.well-known/smart-configuration", "/auth/jwks", "/auth/token"),
    *("/", "//Patient", "/Patient/", "/Patient/fuzz-1/", "/Patient/_history/1", "/Patient/$match"),
    *("/ResearchStudy/$import", "/ResearchStudy/NCT05361174/$match", "/$meta", "/_history"),
    *("/Patient/fuzz-1/_history/1/extra", "/metadata/x", "/auth", "/.well-known/x", "/%ff"),
    *("/$versions", "/r4/ResearchStudy", "/r4/ResearchSubject", "/r4/metadata", "/r4"),
    *("/$export", "/$export-status/fuzz-1", "/$export-file/fuzz-1/Patient-1.ndjson"),
)


@st.composite
def any_request(draw: st.DrawFn) -> Sent:
    """Any method on any path the server knows (and some it does not), with any body."""
    method = draw(
        st.sampled_from(("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"))
    )
    path = draw(
        st.sampled_from(_PATHS)
        | st.builds("/{}/{}".format, type_or_bogus(TYPES), ids())
        | st.builds("/{}/${}".format, type_or_bogus(TYPES), st.sampled_from(("match", "x", "")))
    )
    if draw(st.booleans()):
        path += "?" + draw(query_string("Patient"))
    body = draw(st.none() | NOT_JSON_BODIES | WRONG_JSON.map(json_bytes))
    return Sent(method, path, draw(headers(body=body is not None)), body)
