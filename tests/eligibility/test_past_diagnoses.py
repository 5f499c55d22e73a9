"""Past diagnoses against a bare name, and problem-list entries that name a disease the patient
does not have.

"Asthma" in an exclusion list usually means the patient has asthma; a problem-list entry
"Asthma — resolved 1990" may or may not count, which only the coordinator can say: unknown, not
ineligible. "History of asthma" says the past counts. A cancer's site and histology stay the
patient's whatever the entry's status ("melanoma of uveal origin"). Entries such as "Need for
hepatitis B vaccination" or "HIV pre-exposure prophylaxis" name a disease the patient is
protected from: they never exclude.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    CLINICAL,
    ICD,
    SNOMED,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)


def _exclusion_verdict(bullet: str, *resources: dict) -> str:
    text = criteria_text(["Age 18 years or older"], [bullet])
    return verdict_of_study(text, record(patient(), *resources))


def _asthma(status: str) -> dict:
    return condition(
        "Asthma",
        (ICD, "J45.909", "Unspecified asthma, uncomplicated"),
        status=status,
        onset="1985-03-01",
        abated=None if status == "active" else "1992-06-01",
    )


@pytest.mark.parametrize(
    ("bullet", "qualifiers"),
    [
        ("Asthma", ()),
        ("Known asthma", ()),
        ("History of asthma", ("history",)),
        ("Prior or current asthma", ("history",)),
        ("Previous myocardial infarction", ("history",)),
        ("Active asthma", ("active",)),
        ("History of asthma within the last 5 years", ()),
    ],
)
def test_words_that_say_the_past_counts_give_the_history_qualifier(bullet, qualifiers):
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is not None and criterion.qualifiers == qualifiers


def test_a_resolved_entry_leaves_a_bare_name_open():
    assert _exclusion_verdict("Asthma", _asthma("resolved")) == "potential-candidate"
    assert _exclusion_verdict("Asthma", _asthma("inactive")) == "potential-candidate"
    assert _exclusion_verdict("Asthma", _asthma("active")) == "ineligible"


def test_a_resolved_entry_meets_a_history_of():
    assert _exclusion_verdict("History of asthma", _asthma("resolved")) == "ineligible"


def test_a_resolved_entry_is_not_an_active_one():
    assert _exclusion_verdict("Active asthma", _asthma("resolved")) == "eligible"


def test_a_cured_hepatitis_c_leaves_hepatitis_c_open():
    cured = condition(
        "Hepatitis C, treated, SVR",
        (ICD, "B18.2", "Chronic viral hepatitis C"),
        status="resolved",
        onset="2012-01-01",
        abated="2016-05-01",
    )
    assert _exclusion_verdict("Hepatitis B or C infection", cured) == "potential-candidate"


def test_a_cancer_in_remission_is_still_that_cancer():
    uveal = condition(
        "Uveal melanoma of left eye",
        (ICD, "C69.32", "Malignant neoplasm of left choroid"),
        status="remission",
        onset="2021-02-01",
    )
    bullet = "Melanoma of uveal/ocular origin"
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is not None and criterion.qualifiers == ()
    assert _exclusion_verdict(bullet, uveal) == "ineligible"


@pytest.mark.parametrize(
    ("bullet", "entry"),
    [
        (
            "Hepatitis B infection",
            condition(
                "Need for hepatitis B vaccination", (ICD, "Z23", "Encounter for immunization")
            ),
        ),
        (
            "Hepatitis B infection",
            condition("Hepatitis B immune", (SNOMED, "271511000", "Hepatitis B immune")),
        ),
        (
            "HIV infection",
            {
                "resourceType": "Condition",
                "id": "prep",
                "subject": {"reference": "Patient/p1"},
                "code": {"text": "HIV pre-exposure prophylaxis"},
                "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active"}]},
            },
        ),
        (
            "Hypertension",
            condition(
                "Elevated BP without diagnosis of hypertension",
                (
                    ICD,
                    "R03.0",
                    "Elevated blood-pressure reading, without diagnosis of hypertension",
                ),
            ),
        ),
    ],
)
def test_an_entry_about_protection_or_a_reading_does_not_exclude(bullet, entry):
    assert _exclusion_verdict(bullet, entry) == "eligible"


def test_a_disease_named_immune_is_still_read():
    itp = condition("Immune thrombocytopenia", (ICD, "D69.3", "Immune thrombocytopenic purpura"))
    assert _exclusion_verdict("Bleeding disorder", itp) == "ineligible"
    hbv = condition("Chronic hepatitis B", (ICD, "B18.1", "Chronic viral hepatitis B"))
    assert _exclusion_verdict("Hepatitis B infection", hbv) == "ineligible"
