"""Wrong "ineligible" verdicts found by probing the evaluator with Epic / Cerner-style records.

Each class below hid a trial from a patient who could join it; every expected verdict was
written from the criterion text and the record alone, before the evaluator ran.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    condition,
    criteria_text,
    medication,
    observation,
    patient,
    record,
    result_of,
    verdict_of_study,
)

_HTN = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))
_LISINOPRIL = medication("lisinopril 10 mg tablet", "2020-01-01", status="active")


# ---------------------------------------------------------------- "do not give" orders


def _do_not_give(text: str) -> dict[str, Any]:
    order = medication(text, "2026-11-20", status="active")
    order["doNotPerform"] = True
    return order


def test_an_order_not_to_give_a_drug_is_no_use_of_it() -> None:
    # Epic writes "Do not give warfarin" (an allergy-driven or peri-operative hold) as a
    # MedicationRequest with doNotPerform: the patient is kept off the drug, not on it.
    person = record(patient(), _HTN, _LISINOPRIL, _do_not_give("warfarin 5 mg tablet"))
    text = criteria_text(["Age >= 18 years"], ["Current use of warfarin"])
    assert verdict_of_study(text, person) == "eligible"


def test_an_order_not_to_give_a_drug_does_not_meet_a_requirement_for_it() -> None:
    person = record(patient(), _HTN, _LISINOPRIL, _do_not_give("warfarin 5 mg tablet"))
    criterion = compile_text("Currently taking warfarin")
    assert criterion is not None
    assert result_of(criterion, person) != "met"


# ---------------------------------------------------------------- results of another specimen


def _local_result(name: str, value: float, unit: str) -> dict[str, Any]:
    """A result under a local code, named as the lab's order catalogue names it (no LOINC)."""
    return observation(name, "2026-11-20", valueQuantity={"value": value, "unit": unit})


@pytest.mark.parametrize(
    ("bullet", "name", "value", "unit"),
    [
        ("Serum creatinine <= 1.5 mg/dL", "Creatinine, Urine", 120, "mg/dL"),
        ("Creatinine <= 1.5 mg/dL", "CREATININE, RANDOM URINE", 95, "mg/dL"),
        ("Serum sodium >= 130 mmol/L", "Sodium, urine", 20, "mmol/L"),
        ("Serum albumin >= 3 g/dL", "Albumin, pleural fluid", 1.2, "g/dL"),
        ("WBC >= 3,000/uL", "WBC, CSF", 2, "/uL"),
        ("Potassium >= 3.5 mmol/L", "Potassium, 24 hr urine", 2.1, "mmol/L"),
    ],
)
def test_a_result_of_another_specimen_says_nothing_of_the_blood_value(
    bullet: str, name: str, value: float, unit: str
) -> None:
    # A urine, CSF or body-fluid result of the same analyte is another test: the blood value
    # the criterion asks for is not recorded.
    person = record(patient(), _HTN, _local_result(name, value, unit))
    assert verdict_of_study(criteria_text([bullet], []), person) == "potential-candidate"


def test_a_blood_result_named_by_its_words_still_counts() -> None:
    person = record(patient(), _HTN, _local_result("Creatinine, serum", 2.4, "mg/dL"))
    assert verdict_of_study(criteria_text(["Creatinine <= 1.5 mg/dL"], []), person) == (
        "ineligible"
    )


def test_specimen_tests_keep_their_own_concepts() -> None:
    # A urine protein/creatinine ratio and a 24-hour urine creatinine clearance are what their
    # criteria ask for.
    ratio = _local_result("Protein/Creatinine Ratio, Urine", 0.2, "g/g")
    clearance = _local_result("Creatinine clearance, 24 hour urine", 72, "mL/min")
    person = record(patient(), _HTN, ratio, clearance)
    upcr = compile_text("Urine protein/creatinine ratio < 1 g/g")
    crcl = compile_text("Creatinine clearance >= 60 mL/min")
    assert upcr is not None and crcl is not None
    assert result_of(upcr, person) == "met"
    assert result_of(crcl, person) == "met"


# ---------------------------------------------------------------- SI values at a threshold


def _lab(loinc: str, display: str, value: float, unit: str) -> dict[str, Any]:
    quantity = {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}
    return observation((LOINC, loinc, display), "2026-11-20", valueQuantity=quantity)


_CREATININE = ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma")
_BILIRUBIN = ("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma")


@pytest.mark.parametrize(
    ("bullet", "lab", "value", "unit"),
    [
        # 133 umol/L is 132.5-133.5 umol/L: 1.499-1.510 mg/dL, either side of 1.5.
        ("Serum creatinine <= 1.5 mg/dL", _CREATININE, 133, "umol/L"),
        # 26 umol/L is 1.49-1.55 mg/dL.
        ("Total bilirubin <= 1.5 mg/dL", _BILIRUBIN, 26, "umol/L"),
    ],
)
def test_a_converted_value_whose_rounding_straddles_the_bound_decides_nothing(
    bullet: str, lab: tuple[str, str], value: float, unit: str
) -> None:
    person = record(patient(), _HTN, _lab(*lab, value, unit))
    assert verdict_of_study(criteria_text([bullet], []), person) == "potential-candidate"


@pytest.mark.parametrize(
    ("bullet", "lab", "value", "unit", "verdict"),
    [
        ("Serum creatinine <= 1.5 mg/dL", _CREATININE, 132, "umol/L", "eligible"),
        ("Serum creatinine <= 1.5 mg/dL", _CREATININE, 134, "umol/L", "ineligible"),
        # A power of ten loses nothing: 100 x 10^9/L is 100,000/uL exactly.
        (
            "Platelets >= 100,000/uL",
            ("777-3", "Platelets [#/volume] in Blood"),
            100,
            "10*9/L",
            "eligible",
        ),
        # No conversion, no doubt: the value is compared as the lab reported it.
        ("Serum creatinine <= 1.5 mg/dL", _CREATININE, 1.5, "mg/dL", "eligible"),
    ],
)
def test_values_clear_of_the_bound_are_decided(
    bullet: str, lab: tuple[str, str], value: float, unit: str, verdict: str
) -> None:
    person = record(patient(), _HTN, _lab(*lab, value, unit))
    assert verdict_of_study(criteria_text([bullet], []), person) == verdict


# ---------------------------------------------------------------- two populations, one named

_TYPE_2_DIABETES = condition(
    "Type 2 diabetes mellitus", (ICD, "E11.9", "Type 2 diabetes mellitus without complications")
)


@pytest.mark.parametrize(
    "patients_heading",
    ["Patients:", "Patients with type 2 diabetes:", "Participants:", "Adult patients:"],
)
def test_the_population_beside_a_named_one_is_a_population_of_its_own(
    patients_heading: str,
) -> None:
    # "Healthy volunteers:" ties its criteria to the volunteers; the "Patients:" list beside it
    # is the patients', not a second list every volunteer must also meet. A 66-year-old with
    # diabetes fits the patients and not the volunteers.
    text = (
        "Inclusion Criteria:\n\nHealthy volunteers:\n- Age 18-45 years\n\n"
        f"{patients_heading}\n- Type 2 diabetes mellitus\n- Age 18-75 years\n"
    )
    person = record(patient(born="1960-04-02"), _HTN, _TYPE_2_DIABETES)
    assert verdict_of_study(text, person) == "eligible"
    volunteer = record(patient(born="1995-04-02"), _HTN)
    assert verdict_of_study(text, volunteer) == "eligible"
    too_old = record(patient(born="1940-04-02"), _HTN, _TYPE_2_DIABETES)
    assert verdict_of_study(text, too_old) == "ineligible"


def test_a_list_for_everyone_beside_a_named_population_still_binds_everyone() -> None:
    text = (
        "Inclusion Criteria:\n\nHealthy volunteers:\n- Age 18-45 years\n\n"
        "All participants:\n- Body mass index < 35 kg/m2\n"
    )
    heavy = observation(
        (LOINC, "39156-5", "Body mass index (BMI) [Ratio]"),
        "2026-11-20",
        valueQuantity={"value": 41, "unit": "kg/m2"},
    )
    person = record(patient(born="1995-04-02"), _HTN, heavy)
    assert verdict_of_study(text, person) == "ineligible"
