"""A use of a list of medications of which only some are known (`rules.medication_lists`).

Real criteria: "Use of immunosuppressors or glucocorticoids.", "Use of metformin or
corticosteroids;", "administration of prebiotics or probiotics during the 4 weeks before
enrolment.", "Having taken antibiotic, anti-inflammatory, or anti-coagulant medications within 4
weeks of the Baseline Visit;". Each item alone meets the bullet: the known ones are read, the
rest is a TEXT member, so a record without a known one leaves the bullet unknown. Records are
MedicationRequests as Epic writes them (RxNorm product names), on 2026-12-01.
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
    verdict_of_study,
)
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Use of nutritional drinks, probiotics or prebiotics",
            "any-of(medication:probiotic, text)",
        ),
        (
            "administration of prebiotics or probiotics during the 4 weeks before enrolment.",
            "any-of(medication:probiotic:w-28,0,enrollment, text)",
        ),
        (
            "Treatment with nutritional drinks, probiotics or prebiotics within the last 3 months",
            "any-of(medication:probiotic:w-91,0,enrollment, text)",
        ),
        (
            "Having taken antibiotic, anti-inflammatory, or anti-coagulant medications within 4 "
            "weeks of the Baseline Visit;",
            "any-of(medication:antibiotic:w-28,0,enrollment, "
            "medication:anticoagulant:w-28,0,enrollment, text)",
        ),
        (
            "use of anticholinergic drugs, antidepressants, antiepileptic or chemotherapy drugs",
            "any-of(medication:antidepressant, medication:antiepileptic, text)",
        ),
    ],
)
def test_known_items_with_a_text_member(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected
    # An inclusion is the same any-of: met by a known item, never failed for an unknown one.
    assert signature(compile_text(text, exclusion=False)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A purpose that may hold for every item: never read as any use of rituximab.
        "Use of rituximab, tocilizumab, or any monoclonal antibody for immunomodulation within "
        "6 months prior to first dosing.",
        # "And": all of them, or either — not said.
        "the use of antibiotics and anti-inflammatory medication",
        # A past use without a window is prior therapy at some time; another moment is not
        # enrolment.
        "Have taken antibiotics or probiotics",
        "Use of antibiotics or probiotics within 2 weeks before surgery",
        # Known items too: a window counted from delivery is not one of enrolment.
        "Use of antibiotics or probiotics in the 3 months prior to delivery",
        "Use of antibiotics within 30 days prior to the procedure",
        # A substance use, not a medication's.
        "Drug addiction defined as the use of cannabis, opioids or other drugs",
        # Commas only: which of them together is not said.
        "Patients who had taken systemic antibiotics, systemic hormones, cytokines, "
        "immunosuppressors in the previous three months;",
        # Words that narrow the list stay with it.
        "Use of antibiotics or probiotics other than lactobacillus",
    ],
)
def test_unsaid_or_narrowed_lists_stay_text(text: str) -> None:
    assert signature(compile_text(text, exclusion=True)) in (None, "text")


def test_a_known_item_in_the_window_excludes() -> None:
    bullet = (
        "Having taken antibiotic, anti-inflammatory, or anti-coagulant medications within 4 "
        "weeks of the Baseline Visit;"
    )
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is not None
    recent = medication("amoxicillin 500 MG Oral Capsule", "2026-11-20", "2026-11-27")
    assert result_of(criterion, record(patient(), recent)) == "met"
    apixaban = medication("apixaban 5 MG Oral Tablet", "2026-06-01", status="active")
    assert result_of(criterion, record(patient(), apixaban)) == "met"
    # A course that ended two months before: outside the window, and the anti-inflammatory
    # item no record is read for leaves the bullet unknown, never not met.
    old = medication("amoxicillin 500 MG Oral Capsule", "2026-09-01", "2026-09-08")
    assert result_of(criterion, record(patient(), old)) == "unknown"
    assert result_of(criterion, record(patient())) == "unknown"
    study = criteria_text(["Adults"], [bullet])
    assert verdict_of_study(study, record(patient(), recent)) == "ineligible"
    assert verdict_of_study(study, record(patient(), old)) != "ineligible"


def test_immunosuppressors_or_glucocorticoids() -> None:
    criterion = compile_text("Use of immunosuppressors or glucocorticoids.", exclusion=True)
    assert criterion is not None
    tacrolimus = medication("tacrolimus 1 MG Oral Capsule", "2026-08-01", status="active")
    assert result_of(criterion, record(patient(), tacrolimus)) == "met"
    # Prednisone is a glucocorticoid the text names, read or not: never "not met".
    prednisone = medication("predniSONE 10 MG Oral Tablet", "2026-10-01", status="active")
    assert result_of(criterion, record(patient(), prednisone)) in ("met", "unknown")
    # Both items are read now (glucocorticoids without a route: `rules.corticosteroid_words`).
    statin = medication("atorvastatin 20 MG Oral Tablet", "2026-10-01", status="active")
    assert result_of(criterion, record(patient(), statin)) == "not-met"


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        (
            "Currently prescribed edoxaban, rivaroxaban or apixaban",
            False,
            "any-of(medication:edoxaban, medication:rivaroxaban, medication:apixaban)",
        ),
        ("Co-treatment with metoclopramide", True, "medication:metoclopramide"),
        (
            "Patients on ezetimibe or bile acid sequestrants",
            True,
            "any-of(medication:ezetimibe, text)",
        ),
    ],
)
def test_prescribed_co_treatment_and_on_leads(text: str, exclusion: bool, expected: str) -> None:
    assert signature(compile_text(text, exclusion=exclusion)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # "On" after a verb is not a use: a progression while on it.
        "Disease progressed on osimertinib or other TKIs",
        # "Prescribed" alone may be any time before.
        "Prescribed metformin in the past",
    ],
)
def test_other_on_and_prescribed_stay_text(text: str) -> None:
    assert signature(compile_text(text, exclusion=True)) in (None, "text")


def test_currently_prescribed_doac_is_met_by_an_active_order() -> None:
    criterion = compile_text(
        "Currently prescribed edoxaban, rivaroxaban or apixaban", exclusion=False
    )
    assert criterion is not None
    apixaban = medication("apixaban 5 MG Oral Tablet", "2026-06-01", status="active")
    assert result_of(criterion, record(patient(), apixaban)) == "met"
    warfarin = medication("warfarin sodium 5 MG Oral Tablet", "2026-06-01", status="active")
    assert result_of(criterion, record(patient(), warfarin)) == "not-met"
    stopped = medication("rivaroxaban 20 MG Oral Tablet", "2025-01-01", "2025-06-01")
    assert result_of(criterion, record(patient(), stopped)) == "not-met"
