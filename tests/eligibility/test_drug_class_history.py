"""Prior-therapy requirements by drug class (issue 12): "prior therapy with an anthracycline and a
taxane in an adjuvant setting", "progressed on a CDK4/6 inhibitor".

A class requirement is decided from the medication history: not met when the record lists
medications but none of the class (docetaxel + cyclophosphamide has no anthracycline); met or
unknown when a member drug (by RxNorm code, ATC class or name) was given; unknown when the record
has no medications at all.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import medication, patient, record, result_of

ADJUVANT_AC_T = "Prior therapy with an anthracycline and a taxane in an adjuvant setting."


def _verdict(text: str, *resources: dict, part: int | None = None) -> str:
    criterion = compile_text(text, partial=True)
    assert criterion is not None
    if part is not None:
        criterion = criterion.children[part]
    rec = record(patient(), *resources)
    return result_of(criterion, rec)


def test_anthracycline_and_taxane_read_as_two_adjuvant_class_requirements():
    criterion = compile_text(ADJUVANT_AC_T)
    assert criterion is not None
    assert [(c.concept, c.qualifiers) for c in criterion.children] == [
        ("anthracycline", ("adjuvant",)),
        ("taxane", ("adjuvant",)),
    ]


def test_docetaxel_cyclophosphamide_history_fails_an_anthracycline_requirement():
    history = (
        medication("Docetaxel 20 MG/ML Injection", "2018-03-05", "2018-05-10"),
        medication("Cyclophosphamide 500 MG Injection", "2018-03-05", "2018-05-10"),
        medication("Atorvastatin 20 MG Oral Tablet", "2015-03-01", status="active"),
    )
    assert _verdict(ADJUVANT_AC_T, *history) == "not-met"


@pytest.mark.parametrize(
    "drugs",
    [
        ("DOXOrubicin 60 mg/m2 IV", "PACLitaxel 80 mg/m2 IV"),
        ("ADRIAMYCIN 50 mg", "TAXOTERE 75 mg/m2"),
        ("EPIrubicin 100 mg/m2 IV", "Paclitaxel protein-bound particles 100 MG Injection"),
    ],
)
def test_a_recorded_anthracycline_and_taxane_leave_only_the_setting_open(drugs):
    history = [medication(name, "2019-01-10", "2019-06-10") for name in drugs]
    # Both classes were given; whether it was adjuvant is not computable.
    assert _verdict(ADJUVANT_AC_T, *history) == "unknown"


def test_no_medication_history_leaves_a_class_requirement_unknown():
    assert _verdict(ADJUVANT_AC_T) == "unknown"


def test_cdk46_inhibitor_requirement_is_read_and_met_by_palbociclib():
    text = "Prior treatment with a CDK4/6 inhibitor"
    assert _verdict(text, medication("palbociclib 125 mg oral capsule", "2024-02-19")) == "met"
    assert _verdict(text, medication("letrozole 2.5 mg oral tablet", "2024-02-19")) == "not-met"
    assert _verdict(text, medication("IBRANCE 100 MG capsule", "2024-02-19")) == "met"


HR_POSITIVE_AFTER_CDK46 = (
    "Pathologically documented hormone receptor positive breast cancer (estrogen receptor and/or "
    "progesterone receptor positive, HER2 negative) which has progressed on hormonal based "
    "therapy including CDK4/6 inhibitor and 1 prior line of chemotherapy and/or antibody drug "
    "conjugate therapy."
)


def test_therapies_listed_after_the_disease_are_necessary_parts():
    criterion = compile_text(HR_POSITIVE_AFTER_CDK46, partial=True)
    assert criterion is not None
    therapies = [c for c in criterion.children if c.kind.value == "prior-therapy"]
    assert [c.concept for c in therapies] == ["cdk4-6-inhibitor"]
    either = criterion.children[-2]
    assert either.combination == "any-of"
    assert [c.concept for c in either.children] == [
        "cytotoxic-chemotherapy",
        "antibody-drug-conjugate",
    ]


def test_endocrine_and_cdk46_only_history_fails_a_chemotherapy_or_adc_line():
    history = (
        medication("letrozole 2.5 mg oral tablet", "2025-02-27", "2026-01-05", status="stopped"),
        medication("palbociclib 125 mg oral capsule", "2025-02-27", "2026-01-05", status="stopped"),
    )
    assert _verdict(HR_POSITIVE_AFTER_CDK46, *history, part=-3) == "met"  # CDK4/6 inhibitor
    assert _verdict(HR_POSITIVE_AFTER_CDK46, *history, part=-2) == "not-met"  # chemo or ADC
    with_adc = (*history, medication("fam-trastuzumab deruxtecan-nxki 5.4 mg/kg IV", "2026-01-10"))
    assert _verdict(HR_POSITIVE_AFTER_CDK46, *with_adc, part=-2) == "met"
    with_chemo = (*history, medication("capecitabine 500 mg oral tablet", "2026-01-10"))
    assert _verdict(HR_POSITIVE_AFTER_CDK46, *with_chemo, part=-2) == "met"


@pytest.mark.parametrize(
    "text",
    [
        # an alternative to the therapy: nothing but the disease parts is necessary
        "Triple negative breast cancer who have progressed on at least 1 prior line of therapy or "
        "in the opinion of the treating physician, not be a candidate for first-line therapy",
        "HER2-positive breast cancer which has progressed on trastuzumab-based therapy",
    ],
)
def test_a_therapy_clause_the_reading_cannot_account_for_adds_no_part(text):
    criterion = compile_text(text, partial=True)
    assert criterion is None or all(c.kind.value != "prior-therapy" for c in criterion.children)
