"""An exclusion naming the diagnosis the inclusion requires means an earlier, separate episode.

"History of colorectal cancer or other malignant tumors" in a study that requires colorectal
carcinoma would, read plainly, rule out every patient the study lets in.
"""

from __future__ import annotations

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature

_CRC = condition(
    "Adenocarcinoma of sigmoid colon",
    (ICD, "C18.7", "Malignant neoplasm of sigmoid colon"),
    onset="2026-10-01",
)
_T2DM = condition(
    "Type 2 diabetes", (ICD, "E11.9", "Type 2 diabetes mellitus without complications")
)


def _signatures(text: str) -> dict[str, str | None]:
    return {n.link_id: signature(n.criterion) for n in compile_outline(parse_outline(text))}


def test_history_of_the_study_cancer_is_text_beside_another_malignancy() -> None:
    text = criteria_text(
        ["A biopsy proven histological diagnosis of colorectal carcinoma"],
        ["History of colorectal cancer or other malignant tumors"],
    )
    assert _signatures(text)["exc-1"] == "any-of(text, condition:malignant-neoplasm)"
    assert verdict_of_study(text, record(patient(), _CRC)) == "potential-candidate"


def test_a_broader_diagnosis_than_the_required_one_is_text() -> None:
    text = criteria_text(["Type 2 diabetes"], ["Diabetes mellitus"])
    assert _signatures(text)["exc-1"] is None
    assert verdict_of_study(text, record(patient(), _T2DM)) == "potential-candidate"


def test_a_narrowed_or_dated_exclusion_of_the_required_diagnosis_is_kept() -> None:
    text = criteria_text(
        ["Patients with child A Hepatocellular carcinoma."],
        ["Patients with child C Hepatocellular carcinoma.", "Stroke within 3 months"],
    )
    signatures = _signatures(text)
    assert signatures["exc-1"] == (
        "all-of(lab:child-pugh-score:>=10{score}, condition:hepatocellular-carcinoma)"
    )
    assert signatures["exc-2"] == "condition:stroke:w-91,0,enrollment"


def test_any_malignancy_keeps_its_reading_as_another_one() -> None:
    text = criteria_text(["Diagnosis of colorectal carcinoma"], ["History of cancer"])
    assert _signatures(text)["exc-1"] == "condition:malignant-neoplasm"
    assert verdict_of_study(text, record(patient(), _CRC)) == "eligible"


def test_an_alternative_is_not_required() -> None:
    text = criteria_text(["One of: type 2 diabetes or obesity"], ["Diabetes mellitus"])
    assert _signatures(text)["exc-1"] == "condition:diabetes-mellitus"


def test_a_diagnosis_the_inclusion_does_not_require_is_kept() -> None:
    text = criteria_text(["Age ≥ 18 years"], ["Diabetes mellitus"])
    assert _signatures(text)["exc-1"] == "condition:diabetes-mellitus"
    assert verdict_of_study(text, record(patient(), _T2DM)) == "ineligible"
