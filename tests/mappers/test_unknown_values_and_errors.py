"""New CT.gov enum values are carried as text with a warning; unmappable records are refused."""

from __future__ import annotations

import copy

import pytest
from fhir.resources import get_fhir_model_class

from fhirtrial.mappers.ctgov import StudyMappingError, map_study, validate_mapped
from tests.mappers.mapper_helpers import by_type, load_ctgov_records, load_seed, walk_actions


def _record_with_new_enum_values() -> dict:
    record = copy.deepcopy(load_seed("NCT05361174"))
    protocol = record["protocolSection"]
    protocol["statusModule"]["overallStatus"] = "PAUSED_BY_REGULATOR"
    protocol["designModule"]["phases"] = ["PHASE1", "PHASE5"]
    protocol["designModule"]["designInfo"]["primaryPurpose"] = "QUALITY_IMPROVEMENT"
    protocol["designModule"]["designInfo"]["allocation"] = "ADAPTIVE"
    protocol["armsInterventionsModule"]["armGroups"][0]["type"] = "DOSE_FINDING"
    protocol["armsInterventionsModule"]["interventions"][0]["type"] = "NANOTECHNOLOGY"
    protocol["contactsLocationsModule"]["locations"][0]["status"] = "ON_HOLD"
    return record


def test_unknown_enum_values_become_text_and_warnings_not_errors():
    mapped = map_study(_record_with_new_enum_values())
    validate_mapped(mapped)
    joined = "\n".join(mapped.warnings)
    for value in (
        "PAUSED_BY_REGULATOR",
        "PHASE5",
        "QUALITY_IMPROVEMENT",
        "ADAPTIVE",
        "DOSE_FINDING",
        "NANOTECHNOLOGY",
        "ON_HOLD",
    ):
        assert value in joined
    assert all(warning.startswith("NCT05361174: unknown ") for warning in mapped.warnings)

    study, protocol = mapped.resources[:2]
    assert study["progressStatus"][0]["state"] == {"text": "PAUSED_BY_REGULATOR"}
    assert "coding" not in study["phase"] and "PHASE5" in study["phase"]["text"]
    assert study["primaryPurposeType"] == {"text": "QUALITY_IMPROVEMENT"}
    assert {"text": "Allocation: ADAPTIVE"} in study["studyDesign"]
    assert study["comparisonGroup"][0]["type"] == {"text": "DOSE_FINDING"}
    codes_in_plan = [a.get("code") for a in walk_actions(protocol["action"])]
    assert {"text": "NANOTECHNOLOGY"} in codes_in_plan
    assert {"text": "DOSE_FINDING"} in codes_in_plan
    first_site = by_type(mapped.resources, "Location")[0]
    assert first_site["characteristic"] == [{"text": "ON_HOLD"}]
    assert "status" not in first_site
    # The protocol's publication status cannot be derived from an unknown study status.
    assert protocol["status"] == "unknown"


def test_a_record_without_nct_id_is_refused_with_a_clear_error():
    record = copy.deepcopy(load_ctgov_records()[0])
    del record["protocolSection"]["identificationModule"]["nctId"]
    with pytest.raises(StudyMappingError) as raised:
        map_study(record)
    assert raised.value.nct_id is None
    assert "NCT number" in str(raised.value)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("bad_id", ["", "NCT123", "nct05361174", "05361174", 5361174])
def test_a_malformed_nct_id_is_refused(bad_id):
    record = copy.deepcopy(load_seed("NCT05361174"))
    record["protocolSection"]["identificationModule"]["nctId"] = bad_id
    with pytest.raises(StudyMappingError, match="NCT"):
        map_study(record)


@pytest.mark.parametrize("not_a_study", [None, [], "NCT05361174", {"studies": []}])
def test_something_else_than_a_study_object_is_refused(not_a_study):
    with pytest.raises(StudyMappingError):
        map_study(not_a_study)


def test_a_minimal_record_with_only_an_nct_id_still_maps_to_valid_resources():
    mapped = map_study({"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}})
    validate_mapped(mapped)
    assert [r["resourceType"] for r in mapped.resources] == [
        "ResearchStudy",
        "PlanDefinition",
        "EvidenceVariable",
    ]
    assert mapped.warnings == []


def test_validate_mapped_names_the_invalid_resource():
    mapped = map_study(copy.deepcopy(load_seed("NCT05398640")))
    location = by_type(mapped.resources, "Location")[0]
    location["position"]["latitude"] = "north"
    with pytest.raises(StudyMappingError) as raised:
        validate_mapped(mapped)
    assert raised.value.nct_id == "NCT05398640"
    assert f"Location/{location['id']}" in str(raised.value)
    with pytest.raises(ValueError):
        get_fhir_model_class("Location").model_validate(location)


def test_an_unknown_sponsor_class_is_warned_about_once_and_kept_as_text():
    record = copy.deepcopy(load_seed("NCT05361174"))
    record["protocolSection"]["sponsorCollaboratorsModule"]["leadSponsor"]["class"] = "PHILANTHROPY"
    mapped = map_study(record)
    assert [w for w in mapped.warnings if "PHILANTHROPY" in w] == [
        "NCT05361174: unknown sponsorCollaboratorsModule.*.class value 'PHILANTHROPY'; "
        "carried as text"
    ]
    (organization,) = by_type(mapped.resources, "Organization")
    assert organization["type"] == [{"text": "PHILANTHROPY"}]
    validate_mapped(mapped)
