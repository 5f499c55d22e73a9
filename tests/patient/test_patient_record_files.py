"""read_patient_bundle over every real bundle in tests/data/patients (Synthea mCODE, CodeX)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from fhirtrial.patient.items import MedicationItem
from fhirtrial.patient.record import read_patient_bundle
from fhirtrial.patient.values import LOINC, RXNORM, SNOMED, Concept, Quantity
from tests.patient.patient_record_helpers import (
    BUNDLE_FILES,
    SYNTHEA_FILES,
    expected_counts,
    load,
)

AS_OF = date(2026, 6, 1)


def test_there_are_bundles_to_read() -> None:
    assert len(BUNDLE_FILES) == 15
    assert len(SYNTHEA_FILES) == 12


@pytest.mark.parametrize("path", BUNDLE_FILES, ids=lambda p: p.stem)
def test_counts_per_category_match_the_bundle(path) -> None:
    bundle = load(path)
    record = read_patient_bundle(bundle, as_of=AS_OF)
    expected = expected_counts(bundle)
    assert len(record.conditions) == expected["conditions"]
    assert len(record.observations) == expected["observations"]
    assert len(record.medications) == expected["medications"]
    assert len(record.procedures) == expected["procedures"]
    assert len(record.immunizations) == expected["immunizations"]
    assert len(record.allergies) == expected["allergies"]


@pytest.mark.parametrize("path", BUNDLE_FILES, ids=lambda p: p.stem)
def test_patient_demographics_come_from_the_patient_resource(path) -> None:
    bundle = load(path)
    raw = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    patient = read_patient_bundle(bundle, as_of=AS_OF).patient
    assert patient.id == raw["id"]
    assert patient.ref == f"Patient/{raw['id']}"
    assert patient.gender == raw["gender"]
    assert patient.birth_date == date.fromisoformat(raw["birthDate"])
    raw_postal = [a["postalCode"] for a in raw.get("address", []) if a.get("postalCode")]
    assert list(patient.postal_codes) == raw_postal


@pytest.mark.parametrize("path", BUNDLE_FILES, ids=lambda p: p.stem)
def test_every_code_lookup_finds_its_items_newest_first(path) -> None:
    record = read_patient_bundle(load(path), as_of=AS_OF)
    for observation in record.observations:
        for key in observation.code.keys:
            found = record.observation_index[key]
            assert observation in found
            dates = [o.date for o in found if o.date is not None]
            assert dates == sorted(dates, reverse=True)
    for condition in record.conditions:
        for key in condition.code.keys:
            assert condition in record.condition_index[key]
    for procedure in record.procedures:
        for key in procedure.code.keys:
            assert procedure in record.procedure_index[key]
    for immunization in record.immunizations:
        for key in immunization.vaccine.keys:
            assert immunization in record.immunization_index[key]


def test_synthea_medication_reference_by_urn_uuid_is_resolved() -> None:
    record = read_patient_bundle(load(SYNTHEA_FILES[11]), as_of=AS_OF)
    levofloxacin = record.medication_index[(RXNORM, "199885")]
    sources = sorted(m.source for m in levofloxacin)
    # One MedicationRequest points at a Medication resource by urn:uuid; the administration
    # carries the code inline.
    assert sources == ["MedicationAdministration", "MedicationRequest"]
    request = next(m for m in levofloxacin if m.source == "MedicationRequest")
    assert request.medication_ref is not None and request.medication_ref.startswith("Medication/")
    assert request.state == "completed"
    assert request.authored == date(2016, 7, 9)


def test_synthea_resolved_conditions_are_not_active() -> None:
    record = read_patient_bundle(load(SYNTHEA_FILES[11]), as_of=AS_OF)
    leukemia = record.condition_index[(SNOMED, "91861009")][0]
    assert leukemia.clinical_status == "resolved"
    assert leukemia.is_active is False
    assert leukemia.onset == date(2016, 7, 9)
    assert leukemia.abatement == date(2016, 7, 9)


def test_synthea_stage_observations_are_tied_to_their_condition_by_focus() -> None:
    bundle = load(SYNTHEA_FILES[11])
    record = read_patient_bundle(bundle, as_of=AS_OF)
    stage_observations = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == "21908-9"
    ]
    assert stage_observations
    focus = stage_observations[0]["focus"][0]["reference"]
    condition = next(c for c in record.conditions if c.ref == focus)
    labels = {s.summary.label for s in condition.stages}
    assert {o["valueCodeableConcept"]["text"] for o in stage_observations} <= labels


def test_codex_ecog_integer_value_and_stage_from_condition_and_its_assessment() -> None:
    record = read_patient_bundle(load(BUNDLE_FILES[0]), as_of=AS_OF)
    ecog = record.observation_index[(LOINC, "89247-1")][0]
    assert ecog.value == 1 and not isinstance(ecog.value, bool)
    assert ecog.date == date(2019, 4, 1)
    primary = next(c for c in record.conditions if c.code.has_code(SNOMED, "408643008"))
    # stage.summary on the Condition, and the Observation its stage.assessment points to.
    assert [s.source_ref for s in primary.stages] == [
        primary.ref,
        "Observation/mCODETrialMatchingTNMClinicalStageGroupExample01",
    ]
    assert all(s.summary.has_code("http://cancerstaging.org", "4") for s in primary.stages)


def test_codex_medication_statements_keep_status_and_state() -> None:
    record = read_patient_bundle(load(BUNDLE_FILES[0]), as_of=AS_OF)
    fulvestrant = record.medication_index[(RXNORM, "1156671")]
    assert sorted((m.status, m.state) for m in fulvestrant) == [
        ("active", "active"),
        ("completed", "completed"),
    ]
    active = next(m for m in fulvestrant if m.state == "active")
    assert active.is_current(AS_OF) is True


def test_codex_resources_of_other_patients_are_refused_with_an_error() -> None:
    bundle = load(next(p for p in BUNDLE_FILES if p.stem == "patient_data"))
    record = read_patient_bundle(bundle, as_of=AS_OF)
    foreign = {
        f"{e['resource']['resourceType']}/{e['resource']['id']}"
        for e in bundle["entry"]
        if (e["resource"].get("subject") or {}).get("reference", "").startswith("Patient/mCODE")
    }
    assert foreign
    kept = {item.ref for item in (*record.observations, *record.conditions)}
    assert not foreign & kept
    assert {issue.ref for issue in record.errors} == foreign
    duplicate_warnings = [w for w in record.warnings if "duplicate" in w.message]
    assert len(duplicate_warnings) == 5


def test_observation_values_keep_their_fhir_type() -> None:
    record = read_patient_bundle(load(SYNTHEA_FILES[11]), as_of=AS_OF)
    hemoglobin = record.observation_index[(LOINC, "718-7")][0]
    assert isinstance(hemoglobin.value, Quantity)
    assert hemoglobin.value.ucum == "g/dL"
    smoking = record.observation_index[(LOINC, "72166-2")][0]
    assert isinstance(smoking.value, Concept)
    assert smoking.value.has_code(SNOMED, "266919005")
    blood_pressure = record.observation_index[(LOINC, "85354-9")][0]
    systolic = blood_pressure.component(LOINC, "8480-6")
    assert systolic is not None and isinstance(systolic.value, Quantity)
    assert (blood_pressure, systolic) in record.component_index[(LOINC, "8480-6")]


def test_record_is_immutable() -> None:
    record = read_patient_bundle(load(SYNTHEA_FILES[0]), as_of=AS_OF)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.conditions = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        record.observation_index[(LOINC, "x")] = ()  # type: ignore[index]
    medication: MedicationItem = record.medications[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        medication.state = "active"  # type: ignore[misc]
