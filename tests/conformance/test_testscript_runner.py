"""The runner's parts without a server: the FHIRPath subset, the assert operators and variables,
and how operations become requests."""

import httpx
import pytest

from fhirtrial.testscript.asserts import AssertError, check
from fhirtrial.testscript.exchange import Exchange
from fhirtrial.testscript.operations import OperationError, build_request
from fhirtrial.testscript.paths import UnsupportedPathError, evaluate
from fhirtrial.testscript.variables import Variables

BUNDLE = {
    "resourceType": "Bundle",
    "type": "searchset",
    "total": 2,
    "link": [{"relation": "self", "url": "http://x/ResearchStudy"}],
    "entry": [
        {"resource": {"resourceType": "ResearchStudy", "id": "a"}, "search": {"mode": "match"}},
        {"resource": {"resourceType": "Group", "id": "b"}, "search": {"mode": "include"}},
    ],
}


def response(status: int = 200, body: dict | None = None, **headers: str) -> Exchange:
    return Exchange("GET", "http://x/y", status=status, headers=httpx.Headers(headers), body=body)


def no_variables() -> Variables:
    return Variables([], lambda _: None)


def test_paths_navigate_index_and_filter() -> None:
    assert evaluate("Bundle.entry.resource.id", BUNDLE) == ["a", "b"]
    assert evaluate("entry[1].resource.id", BUNDLE) == ["b"]
    assert evaluate("Bundle.entry.where(search.mode = 'include').resource.id", BUNDLE) == ["b"]
    assert evaluate("Bundle.entry.where(search.mode != 'include').resource.id", BUNDLE) == ["a"]
    assert evaluate("Bundle.entry.count()", BUNDLE) == [2]
    assert evaluate("Bundle.entry.first().resource.id", BUNDLE) == ["a"]
    assert evaluate("Bundle.entry.last().resource.id", BUNDLE) == ["b"]
    assert evaluate("Bundle.nothing.exists()", BUNDLE) == [False]
    assert evaluate("Bundle.total", None) == []
    with pytest.raises(UnsupportedPathError, match="descendants"):
        evaluate("Bundle.descendants()", BUNDLE)


@pytest.mark.parametrize(
    ("assertion", "holds"),
    [
        ({"response": "okay"}, True),
        ({"response": "created"}, False),
        ({"responseCode": "200,201", "operator": "in"}, True),
        ({"responseCode": "400,404", "operator": "in"}, False),
        ({"responseCode": "404", "operator": "notEquals"}, True),
        ({"resource": "Bundle"}, True),
        ({"resource": "ResearchStudy"}, False),
        ({"contentType": "application/fhir+json"}, True),
        ({"headerField": "ETag", "value": 'W/"3"'}, True),
        ({"headerField": "etag", "value": 'W/"4"'}, False),
        ({"headerField": "Location", "operator": "empty"}, True),
        ({"headerField": "Location", "operator": "notEmpty"}, False),
        ({"expression": "Bundle.total", "value": "1", "operator": "greaterThan"}, True),
        ({"expression": "Bundle.total", "value": "2", "operator": "lessThan"}, False),
        ({"expression": "Bundle.entry.resource.id", "value": "b", "operator": "contains"}, True),
        ({"expression": "Bundle.entry.resource.id", "value": "c", "operator": "notContains"}, True),
        ({"expression": "Bundle.entry.resource.id", "value": "a"}, False),  # all must equal
        ({"expression": "Bundle.missing", "value": "a"}, False),  # nothing never equals
        ({"expression": "Bundle.entry.resource.id", "value": "a,b", "operator": "in"}, True),
        ({"expression": "Bundle.entry.resource.id", "value": "a", "operator": "notIn"}, False),
        ({"requestMethod": "GET"}, True),
    ],
)
def test_assert_operators(assertion: dict, holds: bool) -> None:
    exchange = response(
        200, BUNDLE, **{"ETag": 'W/"3"', "Content-Type": "application/fhir+json; charset=utf-8"}
    )
    failure = check(assertion, exchange, no_variables(), lambda _: None)
    assert (failure is None) == holds, failure


def test_compare_to_source_and_variables_with_defaults() -> None:
    created = response(201, {"resourceType": "ResearchStudy", "id": "s1"}, Location="http://x/1")
    sources = {"created": created}
    variables = Variables(
        [
            {"name": "id", "expression": "ResearchStudy.id", "sourceId": "created"},
            {"name": "where", "headerField": "Location", "sourceId": "created"},
            {"name": "fallback", "expression": "ResearchStudy.title", "defaultValue": "none"},
        ],
        sources.get,
    )
    assert variables.substitute("/${id}?at=${where}&t=${fallback}") == "/s1?at=http://x/1&t=none"
    with pytest.raises(KeyError, match="undefined"):
        variables.substitute("${nope}")
    same = {
        "expression": "ResearchStudy.id",
        "compareToSourceId": "created",
        "compareToSourceExpression": "ResearchStudy.id",
    }
    assert check(same, created, variables, sources.get) is None
    with pytest.raises(AssertError, match="validateProfileId"):
        check({"validateProfileId": "p"}, created, variables, sources.get)
    with pytest.raises(AssertError, match="manualEval"):
        check({"expression": "id", "operator": "manualEval"}, created, variables, sources.get)


def test_operations_become_requests() -> None:
    study = Exchange.fixture({"resourceType": "ResearchStudy", "status": "active"})
    created = response(
        201, {"resourceType": "ResearchStudy", "id": "s1", "meta": {"versionId": "2"}}
    )
    sources = {"study": study, "created": created}
    variables = Variables([], sources.get)

    def build(**operation):
        return build_request(
            {"encodeRequestUrl": True, **operation}, "http://h/fhir/", variables, sources
        )

    create = build(type={"code": "create"}, sourceId="study")
    assert (create.method, create.url) == ("POST", "http://h/fhir/ResearchStudy")
    assert create.headers["Content-Type"] == "application/fhir+json"
    assert "id" not in create.body
    vread = build(type={"code": "vread"}, targetId="created")
    assert (vread.method, vread.url, vread.body) == (
        "GET",
        "http://h/fhir/ResearchStudy/s1/_history/2",
        None,
    )
    update = build(
        type={"code": "update"}, resource="ResearchStudy", params="/s1", sourceId="study"
    )
    assert (update.method, update.url, update.body["id"]) == (
        "PUT",
        "http://h/fhir/ResearchStudy/s1",
        "s1",
    )
    assert build(type={"code": "capabilities"}).url == "http://h/fhir/metadata"
    assert build(type={"code": "transaction"}, sourceId="study").url == "http://h/fhir"
    history = build(
        type={"code": "history"}, resource="http://hl7.org/fhir/StructureDefinition/Patient"
    )
    assert history.url == "http://h/fhir/Patient/_history"
    custom = build(
        url="ResearchStudy/$match",
        method="post",
        sourceId="study",
        requestHeader=[{"field": "Prefer", "value": "return=minimal"}],
    )
    assert (custom.method, custom.url, custom.headers["Prefer"]) == (
        "POST",
        "http://h/fhir/ResearchStudy/$match",
        "return=minimal",
    )
    with pytest.raises(OperationError, match="no fixture or response 'later'"):
        build(type={"code": "read"}, targetId="later")
    with pytest.raises(OperationError, match="not supported"):
        build(type={"code": "read"}, targetId="created", destination=2)
    with pytest.raises(OperationError, match="names no resource type"):
        build(type={"code": "search"})
