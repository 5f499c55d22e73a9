"""Wrong "ineligible" verdicts found by evaluating the realistic panel's development bundles
(Epic / Cerner exports) against every development text (thirteenth session, panel verdict audit).

Each expectation was written from the criterion text and the record before the code ran.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.eligibility.ehr_records import (
    ICD,
    SNOMED,
    anti_pd1_line,
    condition,
    criteria_text,
    medication,
    patient,
    procedure,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature

_STAGING = "http://cancerstaging.org"


def _staged(resource: dict[str, Any], code: str, display: str) -> dict[str, Any]:
    """The Condition with an AJCC stage group in Condition.stage, as Epic writes it."""
    summary = {"coding": [{"system": _STAGING, "code": code, "display": display}]}
    return resource | {"stage": [{"summary": summary | {"text": f"Stage {display}"}}]}


# ------------------------------------------------ "stage 4" of a disease that is not a cancer

# ICD-10-CM titles and problem names that stage a disease other than a cancer.
_HYPERTENSIVE_CKD = condition(
    "Hypertensive kidney disease with CKD",
    (SNOMED, "38341003", "Hypertensive disorder, systemic arterial"),
    (
        ICD,
        "I12.9",
        "Hypertensive chronic kidney disease with stage 1 through stage 4 chronic kidney "
        "disease, or unspecified chronic kidney disease",
    ),
    onset="2015-02-03",
)
_CKD_4 = condition(
    "CKD (chronic kidney disease) stage 4, GFR 15-29 ml/min (HCC)",
    (ICD, "N18.4", "Chronic kidney disease, stage 4 (severe)"),
    onset="2024-03-01",
)
_PRESSURE_ULCER_4 = condition(
    "Pressure injury of sacral region, stage 4 (HCC)",
    (ICD, "L89.154", "Pressure ulcer of sacral region, stage 4"),
    onset="2026-09-01",
)
_COPD_GOLD_4 = condition("COPD, GOLD stage IV (very severe)", onset="2019-01-01")


def _breast_stage_2a() -> dict[str, Any]:
    return _staged(
        condition(
            "Malignant neoplasm of upper-outer quadrant of left breast in female (HCC)",
            (ICD, "C50.412", "Malignant neoplasm of upper-outer quadrant of left female breast"),
            onset="2026-06-02",
        ),
        "2A",
        "IIA",
    )


@pytest.mark.parametrize("other", [_HYPERTENSIVE_CKD, _CKD_4, _PRESSURE_ULCER_4, _COPD_GOLD_4])
def test_a_stage_4_of_another_disease_is_no_metastasis(other: dict[str, Any]) -> None:
    # A stage IIA breast cancer diagnosed in June, no metastasis on record; the other entry
    # stages kidney disease, a pressure ulcer or COPD, not the cancer.
    person = record(patient(), _breast_stage_2a(), other)
    assert verdict_of_study(criteria_text([], ["Distant metastases"]), person) == "eligible"
    inclusion = criteria_text(["Histologically confirmed stage I-III breast cancer"], [])
    assert verdict_of_study(inclusion, person) == "eligible"


@pytest.mark.parametrize("other", [_HYPERTENSIVE_CKD, _CKD_4, _PRESSURE_ULCER_4])
def test_a_stage_4_of_another_disease_without_cancer_decides_nothing(
    other: dict[str, Any],
) -> None:
    # No cancer and no stage: "Metastatic disease" cannot be ruled out (no stage recorded), but
    # nothing on record is a metastasis.
    person = record(patient(), other)
    assert verdict_of_study(criteria_text([], ["Metastatic disease"]), person) == (
        "potential-candidate"
    )


def test_a_cancer_named_stage_iv_is_still_metastatic() -> None:
    person = record(
        patient(gender="male"),
        condition(
            "Squamous cell lung cancer, stage IV (HCC)",
            (ICD, "C34.90", "Malignant neoplasm of unspecified part of bronchus or lung"),
            onset="2025-07-01",
        ),
    )
    assert verdict_of_study(criteria_text([], ["Metastatic disease"]), person) == "ineligible"


# ------------------------------------------------ in-transit and satellite metastases

_MELANOMA_3B = _staged(
    condition(
        "Malignant melanoma of left upper arm (HCC)",
        (ICD, "C43.62", "Malignant melanoma of left upper limb, including shoulder"),
        onset="2025-05-20",
    ),
    "3B",
    "IIIB",
)
_AXILLARY_NODES = condition(
    "Metastatic melanoma to left axillary lymph nodes (HCC)",
    (ICD, "C77.3", "Secondary and unspecified malignant neoplasm of axilla lymph nodes"),
    onset="2026-08-18",
)


@pytest.mark.parametrize(
    "words",
    [
        "In-transit metastases of melanoma, left arm (HCC)",
        "In transit metastasis, left upper arm",
        "Satellite metastases of melanoma, left arm",
        "Microsatellite metastasis of melanoma",
    ],
)
def test_in_transit_metastases_are_regional_not_distant(words: str) -> None:
    # Stage IIIB melanoma that recurred in the arm's skin and the axilla: in-transit and
    # satellite metastases are regional disease (AJCC N1c–N3c, stage III), coded C79.2 "skin".
    in_transit = condition(
        words, (ICD, "C79.2", "Secondary malignant neoplasm of skin"), onset="2026-08-18"
    )
    person = record(patient(), _MELANOMA_3B, _AXILLARY_NODES, in_transit)
    assert verdict_of_study(criteria_text(["Stage III melanoma"], []), person) == "eligible"
    # The axillary nodes alone could be regional or distant: not decided.
    assert verdict_of_study(criteria_text([], ["Distant metastases"]), person) == (
        "potential-candidate"
    )


def test_subcutaneous_metastases_are_still_distant() -> None:
    subcutaneous = condition(
        "Subcutaneous metastases of melanoma (HCC)",
        (ICD, "C79.2", "Secondary malignant neoplasm of skin"),
        onset="2026-08-18",
    )
    person = record(patient(), _MELANOMA_3B, subcutaneous)
    assert verdict_of_study(criteria_text([], ["Distant metastases"]), person) == "ineligible"


def test_microsatellite_instability_is_no_satellite_metastasis() -> None:
    # "Microsatellite" names the tumour's DNA repair status here, not a regional metastasis: the
    # metastatic colon cancer is distant disease as before.
    person = record(
        patient(),
        condition(
            "Metastatic adenocarcinoma of sigmoid colon, microsatellite instability-high (MSI-H)",
            (ICD, "C18.7", "Malignant neoplasm of sigmoid colon"),
            onset="2026-03-01",
        ),
    )
    assert verdict_of_study(criteria_text([], ["Distant metastases"]), person) == "ineligible"


# ------------------------------------------------ a kind of therapy its family does not name

_MELANOMA = condition(
    "Malignant melanoma of skin of back (HCC)",
    (ICD, "C43.59", "Malignant melanoma of other part of trunk"),
    onset="2023-03-02",
)
_CAR_T = "Subject has received CAR-T cell therapy previously"


def test_car_t_is_its_own_kind_of_cell_therapy() -> None:
    assert bullet_signature(_CAR_T) == "prior-therapy:car-t-cell-therapy"
    # The seed's umbrella ("adoptive cell transfer therapy including TIL and CAR-T therapies")
    # stays the whole family.
    umbrella = "Prior adoptive cell transfer therapy including TIL and CAR-T therapies"
    assert bullet_signature(umbrella) == "prior-therapy:cell-therapy"


def test_tumour_infiltrating_lymphocytes_are_no_car_t() -> None:
    # A TIL infusion (lifileucel) is cell therapy, not CAR-T: "received CAR-T" does not exclude.
    person = record(
        patient(),
        _MELANOMA,
        procedure("Tumor infiltrating lymphocyte (TIL) infusion, lifileucel", "2025-04-02"),
        anti_pd1_line(),
    )
    assert verdict_of_study(criteria_text([], [_CAR_T]), person) == "eligible"


def test_a_car_t_infusion_is_car_t() -> None:
    person = record(
        patient(),
        _MELANOMA,
        procedure("CAR-T cell infusion (axicabtagene ciloleucel, YESCARTA)", "2024-02-02"),
    )
    assert verdict_of_study(criteria_text([], [_CAR_T]), person) == "ineligible"


@pytest.mark.parametrize(
    "entry",
    [
        procedure(
            "Allogeneic hematopoietic stem cell transplant (matched unrelated donor)", "2013-01-10"
        ),
        condition("History of cell therapy", onset="2022-05-01", status="resolved"),
    ],
)
def test_a_cell_therapy_of_unsaid_kind_may_be_car_t(entry: dict[str, Any]) -> None:
    # A stem cell transplant or "cell therapy" without its kind: not known to be CAR-T, and not
    # known not to be (a generic entry may be the CAR-T course): neither excluded nor failed.
    person = record(patient(), _MELANOMA, entry, anti_pd1_line())
    assert verdict_of_study(criteria_text([], [_CAR_T]), person) == "potential-candidate"
    assert verdict_of_study(criteria_text(["Prior CAR-T cell therapy"], []), person) == (
        "potential-candidate"
    )


def test_a_chemotherapy_history_code_may_be_an_anthracycline() -> None:
    # Z92.21 says chemotherapy was given, not which: "prior anthracycline" is not ruled out by a
    # treatment history that otherwise holds letrozole only.
    person = record(
        patient(),
        condition(
            "Malignant neoplasm of upper-outer quadrant of left breast in female (HCC)",
            (ICD, "C50.412", "Malignant neoplasm of upper-outer quadrant of left female breast"),
            onset="2019-02-11",
        ),
        condition(
            "Personal history of antineoplastic chemotherapy",
            (ICD, "Z92.21", "Personal history of antineoplastic chemotherapy"),
            onset="2019-09-01",
        ),
        medication("letrozole (FEMARA) 2.5 mg tablet", "2020-01-15", status="active"),
    )
    inclusion = criteria_text(["Prior treatment with an anthracycline"], [])
    assert verdict_of_study(inclusion, person) == "potential-candidate"
