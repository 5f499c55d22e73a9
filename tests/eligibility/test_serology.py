"""Infection tests named with their result ("HBsAg positive", "negative anti-HCV"): read as the
test's Observation, or the diagnosis a positive result follows from (`rules.serology`), and
evaluated on records as Epic exports them."""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    SNOMED,
    condition,
    criteria_text,
    observation,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature

_HBSAG = (
    LOINC,
    "5196-1",
    "Hepatitis B virus surface Ag [Presence] in Serum or Plasma by Immunoassay",
)
_HCV_AB = (LOINC, "13955-0", "Hepatitis C virus Ab [Presence] in Serum or Plasma by Immunoassay")
_HIV_AB = (LOINC, "68961-2", "HIV 1+2 Ab [Presence] in Serum or Plasma")
_POSITIVE: dict[str, Any] = {
    "valueCodeableConcept": {
        "coding": [{"system": SNOMED, "code": "10828004", "display": "Positive"}]
    }
}
_NEGATIVE: dict[str, Any] = {
    "valueCodeableConcept": {
        "coding": [{"system": SNOMED, "code": "260385009", "display": "Negative"}]
    }
}
_CHRONIC_HBV = condition(
    "Chronic hepatitis B", (ICD, "B18.1", "Chronic viral hepatitis B without delta-agent")
)
_HBV_HISTORY = condition(
    "History of hepatitis B",
    (ICD, "Z86.19", "Personal history of other infectious and parasitic diseases"),
)
_CHRONIC_HCV = condition("Chronic hepatitis C", (ICD, "B18.2", "Chronic viral hepatitis C"))
# A problem list of its own: a diagnosis not on it counts as absent.
_HYPERTENSION = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))

_HBSAG_POSITIVE = "biomarker:hbsag:positive"
_HCV_AB_POSITIVE = "any-of(biomarker:hcv-antibody:positive, condition:hcv)"


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Positive test for HBsAg", True, _HBSAG_POSITIVE),
        ("Hepatitis B surface antigen positive", True, _HBSAG_POSITIVE),
        ("HBsAg(+) patients", False, _HBSAG_POSITIVE),
        # An antibody says exposure, not a current infection: the test, or a diagnosis.
        ("Hepatitis C antibody positive", True, _HCV_AB_POSITIVE),
        ("Positive anti-HCV", True, _HCV_AB_POSITIVE),
        ("Positive HIV serology", True, "any-of(biomarker:hiv-antibody:positive, condition:hiv)"),
        (
            "Positive hepatitis B core antibody",
            True,
            "any-of(biomarker:hbv-core-antibody:positive, condition:hbv)",
        ),
        # Viral nucleic acid: the test only (a diagnosis does not say the patient is viraemic).
        (
            "Detectable HCV RNA",
            True,
            "any-of(biomarker:hcv-rna:positive, biomarker:hcv-rna:detected)",
        ),
        (
            "Undetectable hepatitis B virus DNA.",
            False,
            "NOT any-of(biomarker:hbv-dna:positive, biomarker:hbv-dna:detected)",
        ),
        # A negative result required: NOT positive (a negative result, never the absence of a
        # diagnosis; the diagnosis implies the positive test).
        ("HBsAg negative", False, f"NOT {_HBSAG_POSITIVE}"),
        ("Negative hepatitis C antibody", False, f"NOT {_HCV_AB_POSITIVE}"),
        # The result word shared by a list.
        (
            "Positive for hepatitis B surface antigen (HBsAg) or hepatitis C virus (HCV) antibody",
            True,
            f"any-of({_HBSAG_POSITIVE}, {_HCV_AB_POSITIVE})",
        ),
        (
            "HBsAg positive or HCV antibody positive",
            True,
            f"any-of({_HBSAG_POSITIVE}, {_HCV_AB_POSITIVE})",
        ),
        (
            "Subjects with positive HBsAg or HCV antibody at screening",
            True,
            f"any-of({_HBSAG_POSITIVE}, {_HCV_AB_POSITIVE})",
        ),
        # A test word before the virus names its test.
        (
            "Known history of positive test for human immunodeficiency virus (HIV)",
            True,
            "any-of(biomarker:hiv-antibody:positive, condition:hiv)",
        ),
        (
            "Negative test for HIV",
            False,
            "NOT any-of(biomarker:hiv-antibody:positive, condition:hiv)",
        ),
        # A definition in parentheses is read too (it narrows: all-of).
        (
            "Active hepatitis B (defined as HBsAg positive)",
            True,
            "all-of(condition:hbv, biomarker:hbsag:positive)",
        ),
        # A status without a test word stays the diagnosis.
        ("HIV positive", True, "condition:hiv"),
    ],
)
def test_compiled_form(text: str, exclusion: bool, expected: str) -> None:
    assert signature(compile_text(text, exclusion=exclusion)) == expected


def _exclusion_verdict(bullet: str, *resources: dict[str, Any]) -> str:
    text = criteria_text(["Age 18 years or older"], [bullet])
    return verdict_of_study(text, record(patient(), _HYPERTENSION, *resources))


def _inclusion_verdict(bullet: str, *resources: dict[str, Any]) -> str:
    text = criteria_text(["Age 18 years or older", bullet], [])
    return verdict_of_study(text, record(patient(), _HYPERTENSION, *resources))


def test_an_hbsag_positive_exclusion() -> None:
    bullet = "Hepatitis B surface antigen positive"
    positive = observation(_HBSAG, "2026-10-01", **_POSITIVE)
    negative = observation(_HBSAG, "2026-10-01", **_NEGATIVE)
    assert _exclusion_verdict(bullet, positive) == "ineligible"
    assert _exclusion_verdict(bullet, negative) == "eligible"
    # Never excluded by what the text does not say: a hepatitis B entry (it outlives HBsAg
    # loss), a resolved hepatitis B, or no test at all.
    assert _exclusion_verdict(bullet, _CHRONIC_HBV) == "potential-candidate"
    assert _exclusion_verdict(bullet, _CHRONIC_HBV, negative) == "eligible"
    assert _exclusion_verdict(bullet, _HBV_HISTORY) == "potential-candidate"
    assert _exclusion_verdict(bullet) == "potential-candidate"


def test_epic_result_strings() -> None:
    bullet = "Positive HCV antibody"
    reactive = observation(_HCV_AB, "2026-10-01", valueString="Reactive")
    non_reactive = observation(_HCV_AB, "2026-10-01", valueString="Non-reactive")
    assert _exclusion_verdict(bullet, reactive) == "ineligible"
    assert _exclusion_verdict(bullet, non_reactive) == "eligible"
    # Any hepatitis C diagnosis implies the antibody.
    assert _exclusion_verdict(bullet, _CHRONIC_HCV) == "ineligible"


def test_a_negative_result_required() -> None:
    bullet = "HIV antibody negative"
    assert _inclusion_verdict(bullet, observation(_HIV_AB, "2026-10-01", **_NEGATIVE)) == "eligible"
    assert (
        _inclusion_verdict(bullet, observation(_HIV_AB, "2026-10-01", valueString="Reactive"))
        == "ineligible"
    )
    # No test: the requirement is not met by the absence of an HIV diagnosis.
    assert _inclusion_verdict(bullet) == "potential-candidate"
    # An HIV diagnosis implies the positive antibody.
    hiv = condition("HIV disease", (ICD, "B20", "Human immunodeficiency virus [HIV] disease"))
    assert _inclusion_verdict(bullet, hiv) == "ineligible"


def test_a_positive_test_required() -> None:
    bullet = "HBsAg(+) patients"
    assert _inclusion_verdict(bullet, observation(_HBSAG, "2026-10-01", **_POSITIVE)) == "eligible"
    assert _inclusion_verdict(bullet, _CHRONIC_HBV) == "potential-candidate"
    assert (
        _inclusion_verdict(bullet, observation(_HBSAG, "2026-10-01", **_NEGATIVE)) == "ineligible"
    )
    assert _inclusion_verdict(bullet, _HBV_HISTORY) == "potential-candidate"
