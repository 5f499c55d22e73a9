"""Chemotherapy named without a drug class ("Prior chemotherapy", "No prior chemotherapy",
"Chemotherapy within 4 weeks prior to the first dose", "Currently receiving chemotherapy"),
read as cytotoxic chemotherapy and evaluated against Epic-style records with the clinical
safeguards of `evaluation.chemotherapy`: methotrexate for rheumatoid arthritis, cyclophosphamide
for lupus and hydroxyurea for sickle cell disease are no chemotherapy for cancer; immunotherapy
is not chemotherapy; chemotherapy given elsewhere shows as a Procedure or a Z92.21 history.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    RXNORM,
    condition,
    criteria_text,
    medication,
    patient,
    procedure,
    record,
    result_of,
    verdict_of_study,
)

CPT = "http://www.ama-assn.org/go/cpt"


def _summary(criterion: Criterion | None) -> str | None:
    if criterion is None:
        return None
    if criterion.kind is Kind.COMBINATION:
        inner = ", ".join(str(_summary(c)) for c in criterion.children)
        return f"{criterion.combination}({inner})"
    text = f"{'NOT ' if criterion.negated else ''}{criterion.kind.value}:{criterion.concept}"
    if criterion.window is not None:
        text += f" [{criterion.window.low_days},{criterion.window.high_days}]"
    return text


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Prior chemotherapy", True, "prior-therapy:cytotoxic-chemotherapy"),
        ("No prior chemotherapy", False, "NOT prior-therapy:cytotoxic-chemotherapy"),
        ("Prior systemic chemotherapy", True, "prior-therapy:cytotoxic-chemotherapy"),
        ("Previous exposure to chemotherapy", True, "prior-therapy:cytotoxic-chemotherapy"),
        (
            "Chemotherapy within 4 weeks prior to the first dose",
            True,
            "prior-therapy:cytotoxic-chemotherapy [-28,0]",
        ),
        (
            "Prior Chemotherapy within the last 5 years",
            True,
            "prior-therapy:cytotoxic-chemotherapy [-1826,0]",
        ),
        ("Currently receiving chemotherapy", True, "medication:cytotoxic-chemotherapy"),
        ("On chemotherapy for cancer treatment", True, "medication:cytotoxic-chemotherapy"),
        (
            "Prior chemotherapy or radiotherapy",
            True,
            "any-of(prior-therapy:cytotoxic-chemotherapy, procedure:radiotherapy)",
        ),
        (
            "Radiation or chemotherapy within 4 weeks of enrollment",
            True,
            "any-of(procedure:radiotherapy [-28,0], prior-therapy:cytotoxic-chemotherapy [-28,0])",
        ),
        (
            "Patients who had prior chemotherapy and radiotherapy",
            False,
            "all-of(prior-therapy:cytotoxic-chemotherapy, procedure:radiotherapy)",
        ),
        # "current or prior" is any use up to now
        ("Current or prior chemotherapy", True, "prior-therapy:cytotoxic-chemotherapy"),
    ],
)
def test_chemotherapy_bullets_compile(text: str, exclusion: bool, expected: str) -> None:
    assert _summary(compile_text(text, exclusion=exclusion)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Chemotherapy",  # when? the study's own, a current or a past one
        "Concurrent chemotherapy",  # with the study treatment
        "Chemotherapy-naive",
        "Patients requiring chemotherapy",
        "Planned to receive chemotherapy",
        "Prior adjuvant chemotherapy",  # a setting the record does not say
        "Prior induction chemotherapy",
        "Prior chemotherapy for metastatic disease",
        "Prior chemotherapy is allowed",
        "Patients unable to receive systemic chemotherapy",
        "History of allergy to chemotherapy",
    ],
)
def test_chemotherapy_of_a_kind_a_setting_or_no_time_stays_text(text: str) -> None:
    found = compile_text(text, exclusion=True)
    assert found is None or "cytotoxic-chemotherapy" not in repr(found)


# ---------------------------------------------------------------- records

BREAST_CANCER = condition(
    "Malignant neoplasm of upper-outer quadrant of right female breast (HCC)",
    (ICD, "C50.411", "Malignant neoplasm of upper-outer quadrant of right female breast"),
    onset="2024-02-01",
)
RHEUMATOID_ARTHRITIS = condition(
    "Rheumatoid arthritis involving multiple sites with positive rheumatoid factor (HCC)",
    (ICD, "M05.79", "Rheumatoid arthritis with rheumatoid factor of multiple sites"),
    onset="2019-05-01",
)
LUPUS = condition(
    "Lupus nephritis (HCC)",
    (ICD, "M32.14", "Glomerular disease in systemic lupus erythematosus"),
    onset="2022-01-01",
)
SICKLE_CELL = condition(
    "Hb-SS disease without crisis (HCC)",
    (ICD, "D57.1", "Sickle-cell disease without crisis"),
    onset="1990-01-01",
)


def _coded(resource: dict[str, Any], rxcui: str, display: str, **extra: Any) -> dict[str, Any]:
    concept = resource["medicationCodeableConcept"]
    concept["coding"] = [{"system": RXNORM, "code": rxcui, "display": display}]
    return resource | extra


def _ra_methotrexate() -> dict[str, Any]:
    order = medication(
        "methotrexate 2.5 MG tablet",
        "2021-03-01",
        status="active",
        sig="Take 6 tablets (15 mg total) by mouth once a week",
    )
    order["authoredOn"] = "2026-09-15"  # renewed this autumn
    reason = {"coding": [{"system": ICD, "code": "M05.79"}], "text": "Rheumatoid arthritis"}
    return _coded(order, "6851", "methotrexate", reasonCode=[reason])


def _paclitaxel(day: str) -> dict[str, Any]:
    given = medication(
        "PACLitaxel (TAXOL) 80 mg/m2 in sodium chloride 0.9 % 250 mL IVPB",
        day,
        day,
        kind="MedicationAdministration",
    )
    return _coded(given, "56946", "paclitaxel")


def _verdict(text: str, *resources: dict[str, Any], exclusion: bool = True) -> str:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None
    found = result_of(criterion, record(patient(), *resources))
    if criterion.negated:  # "No prior chemotherapy": the study reads the leaf's opposite
        return {"met": "not-met", "not-met": "met"}.get(found, found)
    return found


def test_paclitaxel_given_to_a_breast_cancer_patient_is_prior_chemotherapy() -> None:
    history = (BREAST_CANCER, _paclitaxel("2024-04-02"), _paclitaxel("2024-04-09"))
    assert _verdict("Prior chemotherapy", *history) == "met"
    assert _verdict("No prior chemotherapy", *history, exclusion=False) == "not-met"


def test_weekly_methotrexate_for_rheumatoid_arthritis_is_no_chemotherapy() -> None:
    history = (RHEUMATOID_ARTHRITIS, _ra_methotrexate())
    assert _verdict("Prior chemotherapy", *history) == "unknown"
    assert _verdict("No prior chemotherapy", *history, exclusion=False) == "unknown"
    assert _verdict("Currently receiving chemotherapy", *history) == "unknown"
    # The exclusion does not hide the trial from her.
    text = criteria_text(["Age 18 years or older"], ["Prior chemotherapy"])
    assert verdict_of_study(text, record(patient(), *history)) != "ineligible"


def test_methotrexate_without_a_reason_or_a_weekly_dose_is_unknown_without_a_cancer() -> None:
    order = medication("methotrexate 2.5 MG tablet", "2025-01-05", "2025-06-01", status="stopped")
    assert _verdict("Prior chemotherapy", order) == "unknown"


def test_cyclophosphamide_for_lupus_nephritis_with_a_chemotherapy_infusion_procedure() -> None:
    infusion = procedure(
        "Chemotherapy administration, intravenous infusion technique; up to 1 hour",
        "2023-02-10",
        (CPT, "96413", "Chemotherapy administration, intravenous infusion technique"),
    )
    given = _coded(
        medication("cyclophosphamide 500 mg/m2 IV", "2023-02-10", "2023-02-10"),
        "3002",
        "cyclophosphamide",
    )
    assert _verdict("Prior chemotherapy", LUPUS, given, infusion) == "unknown"


def test_hydroxyurea_for_sickle_cell_disease_is_no_chemotherapy() -> None:
    hydroxyurea = medication(
        "hydroxyurea (HYDREA) 500 MG capsule", "2020-01-01", status="active", per_day=2
    )
    # Not a class member: the medication list holds no chemotherapy (the trial stays open).
    assert _verdict("Prior chemotherapy", SICKLE_CELL, hydroxyurea) == "not-met"


def test_high_dose_methotrexate_for_a_cancer_is_chemotherapy() -> None:
    osteosarcoma = condition(
        "Osteosarcoma of left femur (HCC)",
        (ICD, "C40.22", "Malignant neoplasm of long bones of left lower limb"),
    )
    reason = {"coding": [{"system": ICD, "code": "C40.22"}], "text": "Osteosarcoma"}
    given = _coded(
        medication("methotrexate 12 g/m2 IV", "2025-02-01", "2025-02-01"),
        "6851",
        "methotrexate",
        reasonCode=[reason],
    )
    assert _verdict("Prior chemotherapy", osteosarcoma, given) == "met"


def test_chemotherapy_given_elsewhere_counts_from_a_procedure_or_a_z92_21_history() -> None:
    letrozole = medication("letrozole 2.5 MG tablet", "2025-01-01", status="active")
    infusion = procedure("Chemotherapy infusion", "2024-05-02")
    assert _verdict("Prior chemotherapy", BREAST_CANCER, letrozole, infusion) == "met"
    history = condition(
        "History of chemotherapy",
        (ICD, "Z92.21", "Personal history of antineoplastic chemotherapy"),
        status="resolved",
        onset=None,
    )
    assert _verdict("Prior chemotherapy", BREAST_CANCER, letrozole, history) == "met"
    required = "Patients must have received prior chemotherapy"
    assert _verdict(required, BREAST_CANCER, letrozole, history, exclusion=False) == "met"


def test_absence_follows_the_evidence_policy() -> None:
    letrozole = medication("letrozole 2.5 MG tablet", "2025-01-01", status="active")
    assert _verdict("Prior chemotherapy", BREAST_CANCER, letrozole) == "not-met"
    assert _verdict("Prior chemotherapy", BREAST_CANCER) == "unknown"  # no medication list


def test_immunotherapy_is_not_chemotherapy_but_an_antibody_drug_conjugate_may_be() -> None:
    pembrolizumab = medication(
        "pembrolizumab (KEYTRUDA) 200 mg in sodium chloride 0.9% 50 mL IVPB",
        "2025-07-01",
        "2026-08-15",
    )
    assert _verdict("Prior chemotherapy", BREAST_CANCER, pembrolizumab) == "not-met"
    deruxtecan = medication("fam-trastuzumab deruxtecan-nxki 5.4 mg/kg IV", "2026-01-10")
    assert _verdict("Prior chemotherapy", BREAST_CANCER, deruxtecan) == "unknown"


def test_chemotherapy_within_four_weeks_of_the_first_dose() -> None:
    text = "Chemotherapy within 4 weeks prior to the first dose"
    recent = _coded(
        medication("CARBOplatin 450 mg in NS 250 mL IVPB", "2026-11-20", "2026-11-20"),
        "40048",
        "carboplatin",
    )
    assert _verdict(text, BREAST_CANCER, recent) == "met"
    assert _verdict(text, BREAST_CANCER, _paclitaxel("2026-08-01")) == "not-met"
    # weekly methotrexate inside the window is no chemotherapy for cancer
    assert _verdict(text, RHEUMATOID_ARTHRITIS, _ra_methotrexate()) == "unknown"


def test_currently_receiving_chemotherapy_between_cycles_is_unknown() -> None:
    text = "Currently receiving chemotherapy"
    ongoing = _coded(
        medication(
            "PACLitaxel 80 mg/m2 IV weekly", "2026-10-01", status="active", sig="Every week"
        ),
        "56946",
        "paclitaxel",
    )
    assert _verdict(text, BREAST_CANCER, ongoing) == "met"
    assert _verdict(text, BREAST_CANCER, _paclitaxel("2026-11-20")) == "unknown"
    assert _verdict(text, BREAST_CANCER, _paclitaxel("2026-03-02")) == "not-met"


def test_the_readings_survive_the_evidence_variable_round_trip() -> None:
    text = criteria_text(
        ["No prior chemotherapy"],
        ["Currently receiving chemotherapy", "Chemotherapy within 4 weeks prior to the first dose"],
    )
    naive = record(patient(), BREAST_CANCER, medication("letrozole 2.5 MG tablet", "2025-01-01"))
    assert verdict_of_study(text, naive) == "eligible"
    treated = record(patient(), BREAST_CANCER, _paclitaxel("2026-11-20"))
    assert verdict_of_study(text, treated) == "ineligible"
    rheumatoid = record(patient(), RHEUMATOID_ARTHRITIS, _ra_methotrexate())
    assert verdict_of_study(text, rheumatoid) not in ("ineligible", "eligible")


def test_a_current_chemotherapy_does_not_lend_its_time_to_a_list() -> None:
    # The finders of radiotherapy and targeted therapy read their items as given at any time.
    text = "Patients who is undergoing chemotherapy, radiation therapy or targeted therapy"
    assert compile_text(text, exclusion=True) is None
