"""Lab bounds that depend on who the patient is: a bound for each sex ("QTc > 450 ms for men or
> 470 ms for women") and a wider bound for a subgroup ("ALT ≤ 2.5 × ULN (≤ 5 × ULN in patients
with liver metastases)"). Expected readings are written from the clinical text; the evaluation
cases check the three-valued any-of: an unknown sex or subgroup never makes the bullet not-met."""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    condition,
    observation,
    patient,
    record,
    result_of,
)
from tests.eligibility.signature import signature

QTC_BY_SEX = "any-of(all-of(sex:male, lab:qtc:>450ms), all-of(sex:female, lab:qtc:>470ms))"
HB_BY_SEX = (
    "any-of(all-of(sex:female, lab:hemoglobin:>=12g/dL), all-of(sex:male, lab:hemoglobin:>=13g/dL))"
)


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("QTc > 450 ms for men or > 470 ms for women", True, QTC_BY_SEX),
        ("QTc > 450 msec for men and > 470 msec for women.", True, QTC_BY_SEX),
        ("Hemoglobin ≥ 12 g/dL for women and ≥ 13 g/dL for men", False, HB_BY_SEX),
        (
            "Preoperative anemia (a hemoglobin value of <11 g/dL in females and <12 g/dL in males)",
            True,
            "any-of(all-of(sex:female, lab:hemoglobin:<11g/dL),"
            " all-of(sex:male, lab:hemoglobin:<12g/dL))",
        ),
        (
            "Patients with impaired kidney functions (serum creatinine concentrations ≥1.5 and"
            " ≥1.4 mg/dL in males and females respectively).",
            True,
            "any-of(all-of(sex:male, lab:creatinine:>=1.5mg/dL),"
            " all-of(sex:female, lab:creatinine:>=1.4mg/dL))",
        ),
        # One unit written once serves both bounds.
        (
            "HDL <50 in females, <40 mg/dL in males",
            True,
            "any-of(all-of(sex:female, lab:hdl-cholesterol:<50mg/dL),"
            " all-of(sex:male, lab:hdl-cholesterol:<40mg/dL))",
        ),
        # Stay text: the same sex twice, bounds pointing opposite ways, no unit at all,
        # "respectively" missing after a shared pair of bounds.
        ("QTc > 450 ms for men or > 470 ms for men", True, None),
        ("Hemoglobin ≥ 12 g/dL for women and ≤ 13 g/dL for men", False, None),
        ("QTc > 450 for men or > 470 for women", True, None),
        ("serum creatinine ≥1.5 and ≥1.4 mg/dL in males", True, None),
    ],
)
def test_bounds_by_sex_compile(text: str, exclusion: bool, expected: str | None) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


QTC = (LOINC, "8636-3", "Q-T interval corrected")
HGB = (LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood")


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}


def _result(text: str, gender: str, *resources: dict, exclusion: bool) -> str:
    criterion = compile_criterion(text, exclusion=exclusion)
    assert criterion is not None
    return result_of(criterion, record(patient(gender), *resources))


@pytest.mark.parametrize(
    ("gender", "qtc", "result"),
    [
        ("male", 460, "met"),  # above the men's bound: excluded
        ("female", 460, "not-met"),  # below the women's bound
        ("female", 480, "met"),
        ("male", 440, "not-met"),
        ("unknown", 460, "unknown"),  # which bound applies is not known
        ("unknown", 440, "not-met"),  # below both bounds: neither applies
        ("male", None, "unknown"),
    ],
)
def test_qtc_by_sex_excludes_by_the_bound_of_the_patients_sex(
    gender: str, qtc: float | None, result: str
) -> None:
    resources = (
        [] if qtc is None else [observation(QTC, "2026-11-20", valueQuantity=_quantity(qtc, "ms"))]
    )
    text = "QTc > 450 ms for men or > 470 ms for women"
    assert _result(text, gender, *resources, exclusion=True) == result


@pytest.mark.parametrize(
    ("gender", "hb", "result"),
    [
        ("female", 12.5, "met"),
        ("male", 12.5, "not-met"),
        ("male", 13.5, "met"),
        ("unknown", 12.5, "unknown"),
        # Above both bounds, yet three-valued logic does not see that either sex would do.
        ("unknown", 13.5, "unknown"),
        ("female", None, "unknown"),
    ],
)
def test_hemoglobin_by_sex_is_met_by_the_bound_of_the_patients_sex(
    gender: str, hb: float | None, result: str
) -> None:
    resources = (
        [] if hb is None else [observation(HGB, "2026-11-20", valueQuantity=_quantity(hb, "g/dL"))]
    )
    text = "Hemoglobin ≥ 12 g/dL for women and ≥ 13 g/dL for men"
    assert _result(text, gender, *resources, exclusion=False) == result


# ---------------------------------------------------------------- a wider bound for a subgroup

LIVER = "condition:liver-metastases"
GILBERT = "condition:icd10cm:E80.4"
AST_ALT_LIVER = (
    "any-of(all-of(lab:ast:<=2.5xULN, lab:alt:<=2.5xULN),"
    f" all-of({LIVER}, all-of(lab:ast:<=5xULN, lab:alt:<=5xULN)))"
)
ALT_LIVER = f"any-of(lab:alt:<=3xULN, all-of({LIVER}, lab:alt:<=5xULN))"


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        (
            "AST and ALT ≤ 2.5 × ULN (≤ 5 × ULN in patients with liver metastases)",
            False,
            AST_ALT_LIVER,
        ),
        ("ALT ≤ 3 x ULN or ≤ 5 x ULN if liver metastases are present", False, ALT_LIVER),
        ("ALT ≤3 × ULN (if liver metastases are present, ≤5 × ULN)", False, ALT_LIVER),
        ("ALT ≤ 3 × ULN (≤ 5 × ULN in the presence of hepatic metastases)", False, ALT_LIVER),
        (
            "Total bilirubin ≤ 1.5 × ULN (≤ 3 × ULN for patients with Gilbert's syndrome)",
            False,
            f"any-of(lab:bilirubin:<=1.5xULN, all-of({GILBERT}, lab:bilirubin:<=3xULN))",
        ),
        (
            "Total bilirubin ≤ 1.5 mg/dL (≤ 3 mg/dL for patients with Gilbert syndrome)",
            False,
            f"any-of(lab:bilirubin:<=1.5mg/dL, all-of({GILBERT}, lab:bilirubin:<=3mg/dL))",
        ),
        # What excludes: above the bound without liver metastases, or above the wider one.
        (
            "ALT > 3 × ULN (> 5 × ULN for patients with liver metastases)",
            True,
            f"any-of(all-of(NOT {LIVER}, lab:alt:>3xULN), lab:alt:>5xULN)",
        ),
        # Stay text: a narrower "alternative", another unit, a subgroup without a concept.
        ("ALT ≤ 3 × ULN (≤ 2 × ULN in patients with liver metastases)", False, None),
        ("ALT ≤ 3 × ULN (≤ 200 U/L in patients with liver metastases)", False, None),
        ("ALT ≤ 3 × ULN (≤ 5 × ULN in patients with liver involvement)", False, None),
        ("ALT ≤ 3 × ULN (≤ 5 × ULN in patients with bone metastases)", False, None),
    ],
)
def test_wider_bound_for_a_subgroup_compiles(
    text: str, exclusion: bool, expected: str | None
) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


ALT = (LOINC, "1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma")
BREAST = condition("Malignant neoplasm of left breast", (ICD, "C50.912", "Breast cancer"))
LIVER_METS = condition(
    "Secondary malignant neoplasm of liver",
    (ICD, "C78.7", "Secondary malignant neoplasm of liver and intrahepatic bile duct"),
)
STAGE_IIB = observation(
    (LOINC, "21908-9", "Stage group.clinical Cancer"),
    "2026-06-01",
    valueCodeableConcept={"text": "Stage IIB"},
)


def _alt(times_uln: float) -> dict:
    """An ALT result with its reference range (ULN 40 U/L)."""
    return observation(
        ALT,
        "2026-11-20",
        valueQuantity=_quantity(40 * times_uln, "U/L"),
        referenceRange=[{"high": _quantity(40, "U/L")}],
    )


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((BREAST, LIVER_METS, _alt(4)), "met"),  # the wider bound applies
        ((BREAST, STAGE_IIB, _alt(4)), "not-met"),  # stage II: no metastases, 2.5 × ULN applies
        ((BREAST, _alt(4)), "unknown"),  # metastatic sites not known: never not-met
        ((_alt(4),), "unknown"),
        ((BREAST, _alt(2)), "met"),  # within the general bound
        ((BREAST, LIVER_METS, _alt(6)), "not-met"),  # above both bounds
        ((BREAST, LIVER_METS), "unknown"),  # no ALT
    ],
)
def test_wider_bound_for_liver_metastases_is_never_not_met_on_unknown_sites(
    resources: tuple[dict, ...], result: str
) -> None:
    text = "ALT ≤ 2.5 × ULN (≤ 5 × ULN in patients with liver metastases)"
    assert _result(text, "female", *resources, exclusion=False) == result


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((BREAST, LIVER_METS, _alt(4)), "not-met"),  # within the wider bound: not excluded
        ((BREAST, STAGE_IIB, _alt(4)), "met"),
        ((BREAST, _alt(4)), "unknown"),
        ((BREAST, _alt(6)), "met"),  # above both: excluded whatever the sites
        ((BREAST, _alt(2)), "not-met"),
    ],
)
def test_exclusion_with_a_wider_bound_for_liver_metastases(
    resources: tuple[dict, ...], result: str
) -> None:
    text = "ALT > 2.5 × ULN (> 5 × ULN for patients with liver metastases)"
    assert _result(text, "female", *resources, exclusion=True) == result


def _bilirubin(times_uln: float) -> dict:
    return observation(
        (LOINC, "1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma"),
        "2026-11-20",
        valueQuantity=_quantity(1.2 * times_uln, "mg/dL"),
        referenceRange=[{"high": _quantity(1.2, "mg/dL")}],
    )


GILBERT = condition("Gilbert syndrome", (ICD, "E80.4", "Gilbert syndrome"))


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((BREAST, GILBERT, _bilirubin(2)), "met"),  # the wider bound applies
        # Gilbert's syndrome is often left off problem lists: not coded is not "not Gilbert's".
        ((BREAST, _bilirubin(2)), "unknown"),
        ((BREAST, _bilirubin(1)), "met"),
        ((BREAST, GILBERT, _bilirubin(4)), "not-met"),
    ],
)
def test_an_uncoded_gilbert_syndrome_never_makes_the_wider_bilirubin_bound_not_met(
    resources: tuple[dict, ...], result: str
) -> None:
    text = "Total bilirubin ≤ 1.5 × ULN (≤ 3 × ULN for patients with Gilbert's syndrome)"
    assert _result(text, "female", *resources, exclusion=False) == result
