"""Records with fields of the wrong JSON type are mapped with a warning per field, not refused."""

from __future__ import annotations

import copy
import json
from importlib import resources

from fhirtrial.mappers.ctgov import map_study, validate_mapped
from fhirtrial.mappers.record_shape import conform_record, infer_shape, is_partial_date
from tests.mappers.mapper_helpers import DATA, SEED_IDS, by_type, load_ctgov_records, load_seed


def _real_records() -> list[dict]:
    return load_ctgov_records() + [load_seed(nct_id) for nct_id in SEED_IDS]


def test_every_real_record_conforms_as_it_is():
    for record in _real_records():
        conformed, problems = conform_record(record)
        assert problems == []
        assert conformed == record


def test_the_shipped_shape_knows_every_field_of_the_real_records():
    # Fails when test data brings a field the shape lacks: regenerate record_shape.json with
    # `python tools/record_shape.py` over the real records (docs/ctgov-mapping.md).
    shipped = json.loads(
        resources.files("fhirtrial.mappers").joinpath("record_shape.json").read_text()
    )
    inferred = infer_shape(_real_records())
    assert {path: shipped.get(path) for path in inferred} == inferred
    assert shipped["protocolSection.designModule.enrollmentInfo"] == ["object"]
    assert shipped["protocolSection.statusModule.startDateStruct.date"] == ["date"]


def test_the_tool_regenerates_the_shipped_shape_from_the_shipped_records():
    from tools.record_shape import records, shape_json

    shipped = resources.files("fhirtrial.mappers").joinpath("record_shape.json").read_text()
    sources = [str(DATA), str(resources.files("fhirtrial.data") / "seeds")]
    assert shape_json(infer_shape(records(sources))) == shipped


def _damaged_seed() -> dict:
    record = copy.deepcopy(load_seed("NCT05361174"))
    protocol = record["protocolSection"]
    protocol["designModule"]["enrollmentInfo"] = "53"  # an object in CT.gov's records
    protocol["designModule"]["phases"] = "PHASE1"  # an array
    protocol["statusModule"]["startDateStruct"]["date"] = "sometime in 2022"
    protocol["armsInterventionsModule"]["armGroups"][0]["label"] = None
    protocol["conditionsModule"]["keywords"] = [None, "TIL", "  ", 7]
    record["derivedSection"] = None
    return record


def test_wrongly_typed_fields_are_dropped_with_a_warning_naming_each():
    record = _damaged_seed()
    untouched = copy.deepcopy(record)
    mapped = map_study(record)
    validate_mapped(mapped)
    assert record == untouched  # the caller's record is not modified
    assert sorted(mapped.warnings) == sorted(
        [
            "NCT05361174: protocolSection.conditionsModule.keywords[]: expected a string, got a "
            "number 7; ignored",
            "NCT05361174: protocolSection.statusModule.startDateStruct.date: expected a date, "
            'got a string that is no date (YYYY, YYYY-MM or YYYY-MM-DD) "sometime in 2022"; '
            "ignored",
            "NCT05361174: protocolSection.designModule.enrollmentInfo: expected an object, got a "
            'string "53"; ignored',
            "NCT05361174: protocolSection.designModule.phases: expected an array, got a string "
            '"PHASE1"; ignored',
        ]
    )


def test_what_remains_of_a_damaged_record_is_mapped_faithfully():
    study, protocol, eligibility = map_study(_damaged_seed()).resources[:3]
    assert study["title"].startswith("A Study to Investigate the Efficacy and Safety of an")
    assert [k["text"] for k in study["keyword"]][:1] == ["TIL"]
    # Dropped fields are absent, never guessed: no enrollment, no phase, no start date.
    assert "targetNumber" not in study["recruitment"]
    assert "phase" not in study
    assert "start" not in study.get("period", {})
    # The arm whose label was null is still a comparison group and a protocol action.
    assert len(study["comparisonGroup"]) == 2
    assert len(protocol["action"]) >= 2
    # derivedSection was null: the conditions keep their text, without MeSH codings.
    assert all("coding" not in c for c in study["condition"])
    assert len(by_type(map_study(_damaged_seed()).resources, "Location")) == 7
    assert eligibility["characteristic"]


def test_partial_dates_are_the_ones_fhir_accepts():
    assert all(is_partial_date(v) for v in ("2022", "2022-07", "2022-07-20", "2024-02-29"))
    assert not any(
        is_partial_date(v) for v in ("2023-02-29", "2022-13", "22-07-20", "0000", "July 2022")
    )
