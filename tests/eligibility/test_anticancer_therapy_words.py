"""Prior systemic anticancer therapy named by its umbrella words ("prior systemic anticancer
therapy", "anti-cancer drugs within 4 weeks", "prior systemic therapy for metastatic disease"),
compiled and evaluated against EHR-style medication lists (issue 13, session 11: "systemic
therapy" wording among the missed medication bullets).

"Anticancer therapy" without "systemic" takes in radiotherapy and surgery: any-of(drugs, TEXT).
"Systemic therapy" alone is as often a psoriasis treatment: text, unless a cancer setting follows
(then all-of(drugs, TEXT): the setting is text). Weekly methotrexate or cyclophosphamide without a
cancer on record may be no cancer treatment: unknown, never met.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    criteria_text,
    medication,
    patient,
    record,
    result_of,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)
from tests.eligibility.signature import signature

SACT = "prior-therapy:systemic-anticancer-therapy"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prior systemic anticancer therapy", SACT),
        ("Previous systemic anti-cancer treatment", SACT),
        ("Previous treatment with anti-cancer drugs", SACT),
        (
            "Received systemic anticancer therapy within 4 weeks prior to the first dose of study "
            "treatment",
            f"{SACT}:w-28,0,enrollment",
        ),
        (
            "Systemic anticancer therapy within 28 days before randomization",
            f"{SACT}:w-28,0,enrollment",
        ),
        (
            "Treatment with any systemic anticancer agent within 14 days",
            f"{SACT}:w-14,0,enrollment",
        ),
        ("Prior anticancer therapy", f"any-of({SACT}, text)"),
        (
            "Anticancer therapy within 4 weeks before the first dose",
            f"any-of({SACT}:w-28,0,enrollment, text)",
        ),
        ("Prior systemic therapy for advanced or metastatic disease", f"all-of({SACT}, text)"),
        ("Prior systemic treatment for metastatic breast cancer", f"all-of({SACT}, text)"),
    ],
)
def test_umbrella_words_compile_in_both_lists(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected
    assert signature(compile_text(text, exclusion=False)) == expected


def test_no_prior_systemic_therapy_for_metastatic_disease_is_a_negated_inclusion() -> None:
    assert (
        signature(compile_text("No prior systemic therapy for metastatic disease", exclusion=False))
        == f"NOT all-of({SACT}, text)"
    )


@pytest.mark.parametrize(
    "text",
    [
        # Not said to be cancer.
        "Prior systemic therapy",
        "Prior systemic therapy for psoriasis",
        "Has received prior systemic therapy",
        "Any other topical or systemic treatment for LS",
        # A current, planned or other one.
        "Current systemic anticancer therapy",
        "Concurrent anticancer therapy",
        "Receiving any other anticancer therapy",
        "Scheduled to receive anti-cancer therapy (radiation therapy is permitted)",
        # More than the umbrella says.
        "History of anti-cancer therapy for MBC",
        "Prior systemic therapy for metastatic disease and radiotherapy",
    ],
)
def test_what_stays_text(text: str) -> None:
    assert signature(compile_text(text, exclusion=True)) in (None, "text")


def test_prior_anticancer_therapy_against_medication_lists() -> None:
    criterion = compile_text("Prior systemic anticancer therapy", exclusion=True)
    assert criterion is not None
    carboplatin = medication(
        "CARBOplatin 450 mg in sodium chloride 0.9 % 250 mL IVPB", "2024-01-05"
    )
    assert result_of(criterion, record(patient(), carboplatin)) == "met"
    letrozole = medication("letrozole 2.5 MG Oral Tablet", "2023-01-01", "2025-01-01")
    assert result_of(criterion, record(patient(), letrozole)) == "met"
    # Weekly methotrexate for arthritis: maybe no cancer treatment at all.
    methotrexate = medication(
        "methotrexate 2.5 MG Oral Tablet", "2024-01-01", "2024-06-01", sig="15 mg once weekly"
    )
    assert result_of(criterion, record(patient(), methotrexate)) == "unknown"
    lisinopril = medication("lisinopril 10 MG Oral Tablet", "2024-01-01", status="active")
    assert result_of(criterion, record(patient(), lisinopril)) == "not-met"


def test_a_window_s_edges() -> None:
    text = criteria_text(
        ["Age 18 years or older"],
        ["Systemic anticancer therapy within 28 days before randomization"],
    )
    recent = medication("PACLitaxel 80 mg/m2 in sodium chloride IVPB", "2026-11-10", "2026-11-10")
    assert verdict_of_study(text, record(patient(), recent)) == "ineligible"
    older = medication("PACLitaxel 80 mg/m2 in sodium chloride IVPB", "2026-09-01", "2026-09-01")
    assert verdict_of_study(text, record(patient(), older)) != "ineligible"


def test_no_prior_systemic_therapy_for_metastatic_disease_never_fails_on_an_adjuvant_course() -> (
    None
):
    bullet = "No prior systemic therapy for metastatic disease"
    # Adjuvant chemotherapy years ago: maybe not for the metastatic disease — never ineligible.
    adjuvant = medication("DOCEtaxel 75 mg/m2 in sodium chloride IVPB", "2019-02-01", "2019-05-01")
    assert verdict_of_inclusion_bullet(bullet, record(patient(), adjuvant)) != "ineligible"
    metformin = medication("metFORMIN 500 MG Oral Tablet", "2025-01-01", status="active")
    assert verdict_of_inclusion_bullet(bullet, record(patient(), metformin)) != "ineligible"
