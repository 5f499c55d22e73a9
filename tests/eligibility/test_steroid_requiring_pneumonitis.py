"""ILD/pneumonitis "that required steroids" (issue 12): the restriction is decided, never dropped.

"Has a history of (non-infectious) ILD/pneumonitis that required steroids, has current
ILD/pneumonitis, or where suspected ILD/pneumonitis cannot be ruled out by imaging at screening"
(the T-DXd / Dato-DXd exclusion) reads as any-of(ILD/pneumonitis [required-steroids],
ILD/pneumonitis [active], TEXT). The qualifier is met by a systemic corticosteroid course that
started on/after the onset (by the abatement if it resolved), not met when the medication history
has none, unknown without medications.
"""

from __future__ import annotations

from fhirtrial.eligibility.fhir_reader import read_characteristic
from fhirtrial.eligibility.fhir_writer import criterion_characteristic
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import condition, medication, patient, record, result_of

DATO_DXD = (
    "Has a history of non-infectious ILD/pneumonitis including radiation pneumonitis that "
    "required steroids, has current ILD/pneumonitis, or where suspected ILD/pneumonitis cannot "
    "be ruled out by imaging at screening."
)
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
DRUG_ILD = (ICD, "J70.4", "Drug-induced interstitial lung disorders, unspecified")
AMLODIPINE = medication("amLODIPine 5 MG Oral Tablet", "2020-01-01", status="active")


def _resolved_ild() -> dict:
    return condition(
        "Drug-induced ILD", DRUG_ILD, status="resolved", onset="2026-08-12", abated="2026-10-20"
    )


def _verdict(text: str, *resources: dict) -> str:
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None
    rec = record(patient(), *resources)
    return result_of(criterion, rec)


def _leaves(criterion: Criterion) -> list[tuple[str | None, tuple[str, ...]]]:
    if criterion.kind is Kind.COMBINATION:
        return [leaf for child in criterion.children for leaf in _leaves(child)]
    return [(criterion.concept, criterion.qualifiers)]


def test_the_exclusion_reads_as_steroid_requiring_or_current_disease_plus_residue():
    criterion = compile_text(DATO_DXD, exclusion=True, partial=True)
    assert criterion is not None and criterion.combination == "any-of"
    assert _leaves(criterion) == [
        ("interstitial-lung-disease", ("required-steroids",)),
        ("pneumonitis", ("required-steroids",)),
        ("interstitial-lung-disease", ("active",)),
        ("pneumonitis", ("active",)),
        (None, ()),  # "where suspected … cannot be ruled out": text
    ]


def test_a_short_steroid_requiring_bullet_compiles_in_full():
    criterion = compile_text(
        "History of (non-infectious) pneumonitis that required steroids", exclusion=True
    )
    assert criterion is not None
    assert (criterion.concept, criterion.qualifiers) == ("pneumonitis", ("required-steroids",))


def test_history_of_or_current_keeps_either():
    criterion = compile_text("History of or current interstitial lung disease", exclusion=True)
    assert criterion is not None
    # Neither "current" alone nor a steroid requirement: a past entry counts (`history`).
    assert criterion.qualifiers == ("history",)


def test_the_qualifier_round_trips_through_the_evidence_variable():
    criterion = compile_text(DATO_DXD, exclusion=True, partial=True)
    assert criterion is not None
    characteristic = criterion_characteristic(
        criterion, link_id="exc-2", description=DATO_DXD, exclude=True, cohort_groups={}
    )
    steroid_part = read_characteristic(characteristic).children[0].children[0].criterion
    assert steroid_part is not None
    assert steroid_part.qualifiers == ("required-steroids",)


def test_prednisone_after_the_ild_onset_excludes():
    prednisone = medication("predniSONE 20 MG Oral Tablet", "2026-08-14", "2026-10-10")
    assert _verdict(DATO_DXD, _resolved_ild(), prednisone, AMLODIPINE) == "met"


def test_resolved_ild_without_any_steroid_course_does_not_exclude_alone():
    # Not met by the record; the suspicion residue leaves the bullet at best unknown.
    assert _verdict(DATO_DXD, _resolved_ild(), AMLODIPINE) == "unknown"
    steroid_bullet = "History of (non-infectious) ILD that required steroids"
    assert _verdict(steroid_bullet, _resolved_ild(), AMLODIPINE) == "not-met"


def test_steroids_long_before_the_onset_or_after_resolution_do_not_count():
    early = medication("predniSONE 10 MG Oral Tablet", "2019-01-01", "2019-02-01")
    late = medication("dexamethasone 4 MG Oral Tablet", "2026-11-20", "2026-11-25")
    steroid_bullet = "History of (non-infectious) ILD that required steroids"
    assert _verdict(steroid_bullet, _resolved_ild(), early, late, AMLODIPINE) == "not-met"


def test_no_medications_recorded_leaves_the_steroids_unknown():
    steroid_bullet = "History of (non-infectious) ILD that required steroids"
    assert _verdict(steroid_bullet, _resolved_ild()) == "unknown"


def test_current_pneumonitis_excludes_whatever_the_steroids():
    current = condition("Pneumonitis", (ICD, "J70.1", "Chronic radiation pneumonitis"))
    assert _verdict(DATO_DXD, current, AMLODIPINE) == "met"
