"""Malformed and unusual bundles: clear errors for what cannot be a record, repairs otherwise."""

from __future__ import annotations

from datetime import date

import pytest

from fhirtrial.patient.record import PatientRecordError, read_patient_bundle
from fhirtrial.patient.values import LOINC, RXNORM, SNOMED
from tests.patient.patient_record_helpers import patient_bundle

AS_OF = date(2026, 6, 1)
ECOG = {"coding": [{"system": LOINC, "code": "89247-1"}]}


def observation(id_: str, **fields) -> dict:
    return {
        "resourceType": "Observation",
        "id": id_,
        "status": "final",
        "code": ECOG,
        "subject": {"reference": "Patient/p1"},
        **fields,
    }


@pytest.mark.parametrize(
    ("bundle", "message"),
    [
        ([], "expected a FHIR Bundle"),
        ({"resourceType": "Patient", "id": "p1"}, "expected a FHIR Bundle"),
        ({"resourceType": "Bundle", "type": "collection", "entry": {}}, "entry must be a list"),
        ({"resourceType": "Bundle", "type": "collection"}, "no Patient"),
        (
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": observation("o1", valueInteger=1)}],
            },
            "no Patient",
        ),
    ],
)
def test_inputs_that_are_not_one_patients_bundle_raise_a_clear_error(bundle, message) -> None:
    with pytest.raises(PatientRecordError, match=message):
        read_patient_bundle(bundle, as_of=AS_OF)


def test_two_patients_raise_and_name_both() -> None:
    bundle = patient_bundle()
    bundle["entry"].append({"resource": {"resourceType": "Patient", "id": "p2"}})
    with pytest.raises(PatientRecordError, match=r"2 Patient resources \(Patient/p1, Patient/p2\)"):
        read_patient_bundle(bundle, as_of=AS_OF)


def test_the_same_patient_twice_is_one_patient() -> None:
    bundle = patient_bundle(birthDate="1970-01-01")
    bundle["entry"].append({"resource": {"resourceType": "Patient", "id": "p1"}})
    record = read_patient_bundle(bundle, as_of=AS_OF)
    assert record.patient.birth_date == date(1970, 1, 1)
    assert any("duplicate" in w.message for w in record.warnings)


def test_bad_and_impossible_dates_become_none_with_a_warning() -> None:
    bundle = patient_bundle(
        observation("bad", valueInteger=1, effectiveDateTime="2024-02-30"),
        observation("text", valueInteger=1, effectiveDateTime="last tuesday"),
        observation("future", valueInteger=1, effectiveDateTime="2031-01-01"),
        observation("unborn", valueInteger=1, effectiveDateTime="1901-01-01"),
        observation("good", valueInteger=1, effectiveDateTime="2025-12-24T10:00:00+01:00"),
        birthDate="1960-05-05",
    )
    record = read_patient_bundle(bundle, as_of=AS_OF)
    dates = {o.ref: o.date for o in record.observations}
    assert dates == {
        "Observation/bad": None,
        "Observation/text": None,
        "Observation/future": None,
        "Observation/unborn": None,
        "Observation/good": date(2025, 12, 24),
    }
    warned = {w.ref for w in record.warnings}
    assert {
        "Observation/bad",
        "Observation/text",
        "Observation/future",
        "Observation/unborn",
    } <= warned
    # Newest first, undated last.
    assert record.observations[0].ref == "Observation/good"


def test_partial_dates_cover_their_span() -> None:
    condition = {
        "resourceType": "Condition",
        "id": "c1",
        "code": {"coding": [{"system": SNOMED, "code": "254837009"}]},
        "subject": {"reference": "Patient/p1"},
        "onsetDateTime": "2019-04",
        "abatementDateTime": "2020",
    }
    record = read_patient_bundle(patient_bundle(condition), as_of=AS_OF)
    assert record.conditions[0].onset == date(2019, 4, 1)
    assert record.conditions[0].abatement == date(2020, 1, 1)
    assert record.conditions[0].is_active is False


def test_subject_of_another_patient_is_refused_and_missing_subject_is_assumed() -> None:
    foreign = observation("foreign", valueInteger=0)
    foreign["subject"] = {"reference": "Patient/someone-else"}
    orphan = observation("orphan", valueInteger=2)
    del orphan["subject"]
    absolute = observation("absolute", valueInteger=1)
    absolute["subject"] = {"reference": "https://ehr.example.org/fhir/Patient/p1/_history/3"}
    by_identifier = observation("by-identifier", valueInteger=1)
    by_identifier["subject"] = {"identifier": {"system": "urn:mrn", "value": "42"}}
    record = read_patient_bundle(
        patient_bundle(
            foreign,
            orphan,
            absolute,
            by_identifier,
            identifier=[{"system": "urn:mrn", "value": "42"}],
        ),
        as_of=AS_OF,
    )
    assert {o.ref for o in record.observations} == {
        "Observation/orphan",
        "Observation/absolute",
        "Observation/by-identifier",
    }
    assert [(e.ref, e.severity) for e in record.errors] == [("Observation/foreign", "error")]
    assert any(w.ref == "Observation/orphan" for w in record.warnings)


def test_excluded_statuses_never_reach_the_record() -> None:
    resources = [
        observation("error", status="entered-in-error", valueInteger=4),
        observation("cancelled", status="cancelled", valueInteger=4),
        observation("kept", valueInteger=1),
        {
            "resourceType": "Condition",
            "id": "refuted",
            "verificationStatus": {"coding": [{"code": "refuted"}]},
            "code": {"coding": [{"system": SNOMED, "code": "254837009"}]},
            "subject": {"reference": "Patient/p1"},
        },
        {
            "resourceType": "MedicationStatement",
            "id": "not-taken",
            "status": "not-taken",
            "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": "1156671"}]},
            "subject": {"reference": "Patient/p1"},
        },
        {
            "resourceType": "Immunization",
            "id": "not-done",
            "status": "not-done",
            "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "08"}]},
            "patient": {"reference": "Patient/p1"},
            "occurrenceDateTime": "2024-01-01",
        },
        {
            "resourceType": "Procedure",
            "id": "not-done",
            "status": "not-done",
            "code": {"coding": [{"system": SNOMED, "code": "392021009"}]},
            "subject": {"reference": "Patient/p1"},
        },
    ]
    record = read_patient_bundle(patient_bundle(*resources), as_of=AS_OF)
    assert [o.ref for o in record.observations] == ["Observation/kept"]
    assert record.conditions == record.medications == record.immunizations == ()
    assert record.procedures == ()


def test_unknown_types_are_counted_but_ignored_and_entries_without_resource_skipped() -> None:
    bundle = patient_bundle(
        {"resourceType": "Encounter", "id": "e1"},
        {"resourceType": "FancyFutureResource", "id": "x"},
    )
    bundle["entry"] += [{"request": {"method": "DELETE", "url": "Observation/9"}}, "junk"]
    record = read_patient_bundle(bundle, as_of=AS_OF)
    assert record.resource_counts["Encounter"] == 1
    assert record.resource_counts["FancyFutureResource"] == 1
    assert record.observations == ()


def test_contained_and_missing_medication_references() -> None:
    contained = {
        "resourceType": "MedicationRequest",
        "id": "contained",
        "status": "active",
        "intent": "order",
        "contained": [
            {
                "resourceType": "Medication",
                "id": "m",
                "code": {"coding": [{"system": RXNORM, "code": "1156671"}]},
            }
        ],
        "medicationReference": {"reference": "#m"},
        "subject": {"reference": "Patient/p1"},
        "authoredOn": "2025-01-01",
    }
    missing = {
        "resourceType": "MedicationRequest",
        "id": "missing",
        "status": "active",
        "intent": "order",
        "medicationReference": {"reference": "Medication/nowhere", "display": "pembrolizumab"},
        "subject": {"reference": "Patient/p1"},
    }
    record = read_patient_bundle(patient_bundle(contained, missing), as_of=AS_OF)
    by_ref = {m.ref: m for m in record.medications}
    assert by_ref["MedicationRequest/contained"].medication.has_code(RXNORM, "1156671")
    assert by_ref["MedicationRequest/missing"].medication.label == "pembrolizumab"
    assert any(w.ref == "MedicationRequest/missing" for w in record.warnings)


def test_system_oids_are_normalized_so_lookups_by_uri_work() -> None:
    coded = observation("oid", valueInteger=1)
    coded["code"] = {"coding": [{"system": "urn:oid:2.16.840.1.113883.6.1", "code": "89247-1"}]}
    record = read_patient_bundle(patient_bundle(coded), as_of=AS_OF)
    assert record.observation_index[(LOINC, "89247-1")][0].ref == "Observation/oid"


def test_quantity_without_number_and_integer_that_is_not_one() -> None:
    bundle = patient_bundle(
        observation("q", valueQuantity={"unit": "g/dL"}),
        observation("i", valueInteger="1"),
        observation("b", valueBoolean=True),
    )
    record = read_patient_bundle(bundle, as_of=AS_OF)
    values = {o.ref: o.value for o in record.observations}
    assert values == {"Observation/q": None, "Observation/i": None, "Observation/b": True}
    assert {w.ref for w in record.warnings} >= {"Observation/q", "Observation/i"}


def test_deceased_and_future_birth_date() -> None:
    record = read_patient_bundle(
        patient_bundle(birthDate="2031-01-01", deceasedDateTime="2025-01-02"), as_of=AS_OF
    )
    assert record.patient.birth_date is None
    assert (record.patient.deceased, record.patient.deceased_date) == (True, date(2025, 1, 2))
    assert any("future" in w.message for w in record.warnings)
