"""A Parameters body is checked against the operation's OperationDefinition: names, cardinality,
value types, resources and parts; what the handlers accept is what the definitions publish."""

import pytest

from fhirtrial.api.operations import import_studies
from fhirtrial.errors import BadRequest
from fhirtrial.matching import request
from fhirtrial.resources.parameters import Argument, OperationParameters, operation_parameters

DEFINITION = {
    "resourceType": "OperationDefinition",
    "code": "try",
    "parameter": [
        {"name": "subject", "use": "in", "min": 1, "max": "1", "type": "Patient"},
        {"name": "day", "use": "in", "min": 0, "max": "1", "type": "date"},
        {
            "name": "code",
            "use": "in",
            "min": 0,
            "max": "2",
            "type": "DataType",
            "allowedType": ["string", "Coding"],
        },
        {"name": "anything", "use": "in", "min": 0, "max": "*", "type": "DataType"},
        {
            "name": "range",
            "use": "in",
            "min": 0,
            "max": "*",
            "part": [
                {"name": "low", "use": "in", "min": 1, "max": "1", "type": "integer"},
                {"name": "high", "use": "in", "min": 0, "max": "1", "type": "integer"},
            ],
        },
        {"name": "result", "use": "out", "min": 1, "max": "1", "type": "Bundle"},
    ],
}
PATIENT = {"name": "subject", "resource": {"resourceType": "Patient", "id": "p"}}


def body(*parameters) -> dict:
    return {"resourceType": "Parameters", "parameter": [PATIENT, *parameters]}


def read(*parameters, readers=None) -> dict[str, list]:
    return OperationParameters.of(DEFINITION).read(body(*parameters), readers)


def refused(*parameters) -> str:
    with pytest.raises(BadRequest) as caught:
        read(*parameters)
    assert caught.value.status == 400
    return caught.value.issues[0].diagnostics


def test_the_values_come_back_by_name_in_order_with_their_element_and_path():
    values = read(
        {"name": "code", "valueString": "a"},
        {"name": "code", "valueCoding": {"code": "b"}},
        {"name": "day", "valueDate": "2026-01-01"},
    )
    assert [a.element for a in values["code"]] == ["valueString", "valueCoding"]
    assert values["code"][1] == Argument(
        "code", "Parameters.parameter[2]", "valueCoding", {"code": "b"}
    )
    assert values["day"][0].label == "Parameters.parameter[3] (day)"
    assert values["subject"][0].value["id"] == "p"
    assert "anything" not in values


def test_readers_turn_each_value_into_what_the_operation_needs():
    values = read(
        {"name": "day", "valueDate": "2026-01-01"}, readers={"day": lambda a: a.value[:4]}
    )
    assert values["day"] == ["2026"]


@pytest.mark.parametrize(
    ("parameter", "says"),
    [
        ({"name": "colour", "valueString": "red"}, "unknown parameter 'colour' for $try"),
        ({"name": "result", "resource": {"resourceType": "Bundle"}}, "unknown parameter 'result'"),
        ({"name": "day", "valueString": "2026-01-01"}, "day needs a valueDate"),
        ({"name": "day"}, "day needs a valueDate"),
        ({"name": "day", "valueDate": "2026", "valueString": "x"}, "day needs a valueDate"),
        ({"name": "code", "valueCode": "a"}, "code needs a valueString or a valueCoding"),
        ({"name": "code", "valueCoding": "a"}, "code needs a valueString or a valueCoding"),
        ({"name": "anything", "resource": {"resourceType": "Patient"}}, "needs a value[x]"),
        ({"name": "range", "valueInteger": 1}, "range needs a part"),
        ({"name": "range", "part": [{"name": "high", "valueInteger": 2}]}, "needs the part 'low'"),
        ({"name": "range", "part": [{"name": "wide", "valueInteger": 2}]}, "unknown part 'wide'"),
        ({"name": "range", "part": ["low"]}, "Parameters.parameter[1].part[0] must be an object"),
    ],
)
def test_what_the_definition_does_not_allow_is_a_bad_request_naming_the_entry(parameter, says):
    assert says in refused(parameter)


def test_cardinality():
    assert "'day' may appear only once" in refused(
        {"name": "day", "valueDate": "2026-01-01"}, {"name": "day", "valueDate": "2026-01-02"}
    )
    three = [{"name": "code", "valueString": c} for c in "abc"]
    assert "Parameters.parameter[3]: 'code' may appear at most 2 times" in refused(*three)
    with pytest.raises(BadRequest, match="needs the 'subject' parameter"):
        OperationParameters.of(DEFINITION).read({"resourceType": "Parameters", "parameter": []})


def test_a_resource_must_be_of_the_declared_type():
    with pytest.raises(BadRequest, match=r"subject needs a resource \(a Patient\)"):
        OperationParameters.of(DEFINITION).read(
            {"resourceType": "Parameters", "parameter": [{"name": "subject", "resource": {}}]}
        )


def test_parts_are_read_by_name():
    [argument] = read({"name": "range", "part": [{"name": "low", "valueInteger": 1}]})["range"]
    assert argument.element == "part"
    assert [low.value for low in argument.value["low"]] == [1]


def test_the_body_must_be_a_parameters_resource_with_a_list_of_objects():
    operation = OperationParameters.of(DEFINITION)
    with pytest.raises(BadRequest, match=r"\$try expects a Parameters resource"):
        operation.read({"resourceType": "Bundle"})
    with pytest.raises(BadRequest, match=r"Parameters\.parameter must be a list"):
        operation.read({"resourceType": "Parameters", "parameter": {}})


def test_each_operation_reads_exactly_the_parameters_its_definition_publishes():
    match = operation_parameters(request.MATCH_DEFINITION)
    assert match.code == "match"
    assert set(match.parameters) == set(request._READERS)
    imported = operation_parameters(import_studies.DEFINITION)
    assert imported.code == "import"
    assert set(imported.parameters) == {"nctId", "study"}


def test_a_complex_value_that_is_no_object_is_refused_before_its_reader_sees_it():
    patient = {"resourceType": "Bundle", "type": "collection", "entry": []}
    parameters = [
        {"name": "patient", "resource": patient},
        {"name": "travelRadius", "valueQuantity": "50 mi"},
    ]
    with pytest.raises(BadRequest, match=r"parameter\[1\]: travelRadius needs a"):
        request.match_request({"resourceType": "Parameters", "parameter": parameters})
