"""The FHIRPath subset of FHIRPath Patch, on resource dicts (no server)."""

import pytest

from fhirtrial.errors import FHIRError
from fhirtrial.resources.fhirpath_patch import apply_fhirpath_patch
from tests.api.test_patch import fhirpath_patch, operation

OBSERVATION = {
    "resourceType": "Observation",
    "id": "o",
    "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "1"}, {"system": "s", "code": "2"}]},
    "valueString": "high",
    "component": [
        {"code": {"text": "a"}, "valueInteger": 1},
        {"code": {"text": "b"}, "valueInteger": 2},
    ],
}


def patched(*operations):
    return apply_fhirpath_patch(OBSERVATION, fhirpath_patch(*operations))


def test_a_choice_element_is_found_by_its_fhirpath_name_and_may_change_type():
    out = patched(
        operation("replace", "Observation.value", value={"valueQuantity": {"value": 5}}),
        operation("replace", "Observation.component[1].value", value={"valueInteger": 3}),
    )
    assert "valueString" not in out
    assert out["valueQuantity"] == {"value": 5}
    assert out["component"][1] == {"code": {"text": "b"}, "valueInteger": 3}
    assert OBSERVATION["valueString"] == "high"  # the input is left as it was


def test_where_with_and_compares_single_values_exactly():
    out = patched(
        operation(
            "replace",
            "Observation.code.coding.where(system = 'http://loinc.org' and code = '1').code",
            value={"valueCode": "9"},
        ),
        operation("delete", "Observation.component.where(value = 2)"),
    )
    assert out["code"]["coding"][0]["code"] == "9"
    assert [c["code"]["text"] for c in out["component"]] == ["a"]
    # FHIRPath equality: a path with two values equals no single literal.
    nothing = patched(operation("delete", "Observation.code.where(coding.code = '1')"))
    assert nothing["code"] == OBSERVATION["code"]


def test_deleting_the_last_item_removes_the_list_and_extensions_stay_aligned():
    patient = {
        "resourceType": "Patient",
        "name": [{"given": ["A", "B"], "_given": [None, {"extension": [{"url": "u"}]}]}],
        "identifier": [{"value": "1"}],
    }
    out = apply_fhirpath_patch(
        patient,
        fhirpath_patch(
            operation("delete", "Patient.identifier[0]"),
            operation("insert", "Patient.name[0].given", index=0, value={"valueString": "Z"}),
            operation("delete", "Patient.name[0].given[1]"),
        ),
    )
    assert "identifier" not in out
    assert out["name"][0]["given"] == ["Z", "B"]
    assert out["name"][0]["_given"] == [None, {"extension": [{"url": "u"}]}]


@pytest.mark.parametrize(
    "path",
    [
        "Observation.code.coding.exists()",
        "Observation.component.where(value > 1)",
        "Observation.component.where(value = 1 or value = 2)",
        "Observation.component[1 + 1]",
        "%resource.status",
        "Observation.status | Observation.code",
    ],
)
def test_fhirpath_outside_the_subset_is_refused(path):
    with pytest.raises(FHIRError) as raised:
        patched(operation("delete", path))
    assert raised.value.status == 400
    assert raised.value.issues[0].code == "not-supported"
