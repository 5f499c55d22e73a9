"""A cancer study's criteria that hold "a malignancy" against the patient mean another one.

"Active malignancy" or "History of malignancy within 3 years" among a melanoma study's exclusions,
or "No history of malignancy" among its inclusions, read plainly, rule out every patient who has
the melanoma the study is for. They mean a malignancy other than the study's own, as "another
primary malignancy" does; a malignancy a criterion requires ("Patients with a malignancy") is
the study's own.
"""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)

MELANOMA = condition("Melanoma of skin", (ICD, "C43.9", "Malignant melanoma of skin, unspecified"))
PROSTATE = condition("Prostate cancer", (ICD, "C61", "Malignant neoplasm of prostate"))
ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))


def _verdict(
    inclusion: list[str], exclusion: list[str], conditions: list[str], *resources: dict
) -> str:
    person = record(patient(gender="male"), *resources)
    return verdict_of_study(criteria_text(inclusion, exclusion), person, conditions)


AGAINST = [
    ([], ["Active malignancy"]),
    ([], ["History of malignancy within 3 years"]),
    ([], ["Any malignancy"]),
    (["No history of malignancy"], []),
]


@pytest.mark.parametrize(("inclusion", "exclusion"), AGAINST)
def test_the_studys_own_cancer_does_not_rule_the_patient_out(inclusion, exclusion) -> None:
    inclusion = ["Histologically confirmed melanoma", *inclusion]
    assert _verdict(inclusion, exclusion, ["Melanoma"], MELANOMA) != "ineligible"


@pytest.mark.parametrize(("inclusion", "exclusion"), AGAINST)
def test_another_cancer_still_rules_the_patient_out(inclusion, exclusion) -> None:
    inclusion = ["Histologically confirmed melanoma", *inclusion]
    assert _verdict(inclusion, exclusion, ["Melanoma"], MELANOMA, PROSTATE) == "ineligible"


def test_outside_a_cancer_study_any_malignancy_excludes() -> None:
    assert _verdict(["Age 18 or older"], ["Active malignancy"], ["Asthma"], ASTHMA, MELANOMA) == (
        "ineligible"
    )


# A cancer study whose cancer the terminology cannot name: which recorded cancer is its own is
# unknown, so "another malignancy" is never met by a recorded one (and a patient without any
# cancer is not held back by it).
UNNAMED = [
    (
        "Soft Tissue Sarcoma",
        "Histologically confirmed soft tissue sarcoma",
        condition(
            "Sarcoma", (ICD, "C49.9", "Malignant neoplasm of connective and soft tissue, unsp")
        ),
    ),
    (
        "Ewing Sarcoma",
        "Diagnosis of Ewing sarcoma",
        condition("Ewing sarcoma", (ICD, "C41.4", "Malignant neoplasm of pelvic bones")),
    ),
]


@pytest.mark.parametrize(("conditions", "inclusion", "own"), UNNAMED, ids=["sarcoma", "ewing"])
@pytest.mark.parametrize("exclusion", ["Other active malignancy", "Active malignancy"])
def test_an_unnamed_own_cancer_never_rules_the_patient_out(
    conditions, inclusion, own, exclusion
) -> None:
    assert _verdict([inclusion], [exclusion], [conditions], own) != "ineligible"
    assert _verdict([inclusion], [exclusion], [conditions], own, MELANOMA) != "ineligible"
