"""A thrombophilia is no bleeding disorder; senile purpura is no bleeding disorder.

`coagulopathy` held the whole ICD-10-CM category D68 and `bleeding-disorder` D65-D69: the
exclusions "Known bleeding disorder" and "Coagulopathy" were met by factor V Leiden (D68.51,
activated protein C resistance), a prothrombin gene mutation or an antiphospholipid syndrome —
conditions in which blood clots too readily, common on problem lists — and "bleeding disorder"
by the senile purpura (D69.2) of many elderly patients or an allergic purpura (D69.0). Those
patients were called ineligible for studies that exclude a tendency to bleed. The thrombophilias
(D68.5, D68.6) and the two purpuras are now outside the concepts; von Willebrand disease,
factor deficiencies, acquired inhibitors, platelet function defects, thrombocytopenias stay.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)

FACTOR_V_LEIDEN = condition(
    "Factor V Leiden mutation", (ICD, "D68.51", "Activated protein C resistance")
)
PROTHROMBIN = condition("Prothrombin gene mutation", (ICD, "D68.52", "Prothrombin gene mutation"))
ANTIPHOSPHOLIPID = condition("APS", (ICD, "D68.61", "Antiphospholipid syndrome"))
SENILE_PURPURA = condition("Senile purpura", (ICD, "D69.2", "Other nonthrombocytopenic purpura"))
VON_WILLEBRAND = condition("vWD type 1", (ICD, "D68.01", "Von Willebrand disease, type 1"))
FACTOR_VII = condition(
    "Factor VII deficiency", (ICD, "D68.2", "Hereditary deficiency of other clotting factors")
)
PLATELET_DEFECT = condition("Platelet dysfunction", (ICD, "D69.1", "Qualitative platelet defects"))


def _icd(concept: str) -> set[str]:
    return {c.code for c in terminology.terminology().concept(concept).codings if c.system == ICD}


def test_the_concepts_leave_out_the_thrombophilias_and_the_purpuras() -> None:
    assert not {"D68*", "D68.5*", "D68.6*"} & _icd("coagulopathy")
    assert {"D68.0*", "D68.1", "D68.2", "D68.3*", "D68.4", "D68.8", "D68.9"} <= _icd("coagulopathy")
    assert not {"D69*", "D69.0", "D69.2"} & _icd("bleeding-disorder")
    assert {"D69.1", "D69.3", "D69.8", "D69.9"} <= _icd("bleeding-disorder")


@pytest.mark.parametrize("text", ["Known bleeding disorder", "Coagulopathy"])
@pytest.mark.parametrize("entry", [FACTOR_V_LEIDEN, PROTHROMBIN, ANTIPHOSPHOLIPID])
def test_a_thrombophilia_does_not_meet_a_bleeding_exclusion(text: str, entry: dict) -> None:
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry)) != "met"


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("Known bleeding disorder", VON_WILLEBRAND),
        ("Known bleeding disorder", FACTOR_VII),
        ("Known bleeding disorder", PLATELET_DEFECT),
        ("Coagulopathy", VON_WILLEBRAND),
        ("Coagulopathy", FACTOR_VII),
    ],
)
def test_a_tendency_to_bleed_still_meets_them(text: str, entry: dict) -> None:
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry)) == "met"


def test_an_elderly_patient_with_senile_purpura_is_not_ruled_out() -> None:
    text = criteria_text(["Age 18 or older"], ["Known bleeding disorder"])
    elderly = patient(born="1946-05-01")
    assert verdict_of_study(text, record(elderly, SENILE_PURPURA)) != "ineligible"
    assert verdict_of_study(text, record(patient(), FACTOR_V_LEIDEN)) != "ineligible"
