"""Combination products as EHRs name them: the drugs joined by a hyphen.

Epic and Cerner write a fixed-dose combination as its ingredients joined by a hyphen:
"HYDROcodone-acetaminophen (NORCO) 5-325 MG per tablet", "losartan-hydrochlorothiazide (HYZAAR)",
"sacubitril-valsartan (ENTRESTO)". Each ingredient is a member of its class: a patient on
losartan-hydrochlorothiazide takes an antihypertensive (an inclusion that requires one must not
hide the study), one on Norco takes an opioid, and an allergy to "Hydrocodone-Acetaminophen" is
an opioid allergy.
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

_METFORMIN = medication("metformin 500 mg tablet", "2026-01-05", status="active")


def _current(text: str) -> dict:
    return medication(text, "2026-06-01", status="active", sig="Take 1 tablet by mouth daily.")


@pytest.mark.parametrize(
    ("bullet", "product"),
    [
        (
            "Current use of antihypertensive medication",
            "losartan-hydrochlorothiazide (HYZAAR) 50-12.5 MG per tablet",
        ),
        (
            "Current use of angiotensin receptor blockers",
            "sacubitril-valsartan (ENTRESTO) 24-26 MG per tablet",
        ),
        (
            "Current use of ACE inhibitors",
            "lisinopril-hydrochlorothiazide (ZESTORETIC) 20-12.5 MG per tablet",
        ),
        ("Current opioid use", "HYDROcodone-acetaminophen (NORCO) 5-325 MG per tablet"),
        ("Current opioid use", "acetaminophen-codeine (TYLENOL #3) 300-30 MG per tablet"),
        ("Current use of statins", "ezetimibe-simvastatin (VYTORIN) 10-40 MG per tablet"),
    ],
)
def test_a_combination_product_is_a_use_of_each_ingredient(bullet: str, product: str) -> None:
    criterion = compile_text(bullet)
    assert criterion is not None
    assert result_of(criterion, record(patient(), _METFORMIN, _current(product))) == "met"


def test_a_study_requiring_an_antihypertensive_keeps_a_patient_on_a_combination() -> None:
    text = criteria_text(["Current use of antihypertensive medication"], [])
    on_hyzaar = record(
        patient(),
        _METFORMIN,
        _current("losartan-hydrochlorothiazide (HYZAAR) 50-12.5 MG per tablet"),
    )
    assert verdict_of_study(text, on_hyzaar) != "ineligible"


def test_an_allergy_to_a_combination_is_an_allergy_to_its_class() -> None:
    criterion = compile_text("Allergy to opioids", exclusion=True)
    assert criterion is not None
    allergy = {
        "resourceType": "AllergyIntolerance",
        "id": "alg-1",
        "patient": {"reference": "Patient/p1"},
        "clinicalStatus": {"coding": [{"code": "active"}]},
        "type": "allergy",
        "category": ["medication"],
        "code": {"text": "Hydrocodone-Acetaminophen"},
        "reaction": [{"manifestation": [{"text": "Hives"}]}],
    }
    assert result_of(criterion, record(patient(), allergy)) == "met"


@pytest.mark.parametrize(
    "product",
    [
        # A hyphenated word that is not a second drug names no drug of the class.
        "acetaminophen extended-release 650 MG tablet",
        "dextromethorphan-guaifenesin 10-100 MG/5ML syrup",
    ],
)
def test_hyphenated_words_that_are_not_two_drugs_name_no_opioid(product: str) -> None:
    criterion = compile_text("Current opioid use")
    assert criterion is not None
    assert result_of(criterion, record(patient(), _METFORMIN, _current(product))) == "not-met"
