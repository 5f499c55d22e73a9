"""Measurements that stayed text: QTcF (Fridericia) apart from QTc, waist circumference, the HIV-1
viral load in copies/mL, tumour markers (AFP, CEA, CA-125, CA 19-9), reproductive hormones (FSH,
LH, estradiol, prolactin, AMH), non-HDL cholesterol and lipoprotein(a), "9 g/dL or above" and
"2.5 × ULN or higher", bounds per sex written value first ("QTcF > 450 ms for males or > 470 ms
for females", "Waist circumference ≥ 102 cm in men or ≥ 88 cm in women"), a wider ULN bound for
a subgroup named by its finding alone ("≤ 5 × ULN for liver metastases") and the impairment a
severity scale grades ("Moderate or severe hepatic impairment (Child-Pugh B or C)") — compiled
as real studies phrase them, and evaluated against records as Epic and Cerner export them, a
man's and a woman's. Phrasings that must stay text are here too: a mean of triplicate readings,
a range no number gives ("TSH outside normal range"), a viral load of another virus, in log10 or
with no HIV named, AFP in IU/mL, estradiol the drug.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.rules import compile_text
from fhirtrial.eligibility.rules.labs import find_labs
from fhirtrial.eligibility.terminology import terminology
from tests.eligibility.ehr_records import (
    LOINC,
    criteria_text,
    observation,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import signature

_MEN_QTCF_450 = "all-of(sex:male, lab:qtcf:>450ms)"
_WOMEN_QTCF_470 = "all-of(sex:female, lab:qtcf:>470ms)"

# (text, expected signature in an inclusion and in an exclusion alike)
_MATRIX = [
    # QTcF, every way protocols name Fridericia's correction; QTc stays QTc.
    ("QTcF > 470 ms", "lab:qtcf:>470ms"),
    ("QTcF>470 msec during the screening period.", "lab:qtcf:>470ms"),
    ("QTc (Fridericia) > 450 ms", "lab:qtcf:>450ms"),
    ("QTc interval corrected by Fridericia's formula > 470 ms", "lab:qtcf:>470ms"),
    ("QTcF interval ≥ 480 msec", "lab:qtcf:>=480ms"),
    ("QTc > 470 ms", "lab:qtc:>470ms"),
    # A bound per sex, value first (the machinery of "QTc … (females) or … (males)").
    (
        "QTcF > 450 ms for males or > 470 ms for females",
        f"any-of({_MEN_QTCF_450}, {_WOMEN_QTCF_470})",
    ),
    (
        "QTcF ≥ 450 msec in men and ≥ 470 msec in women",
        "any-of(all-of(sex:male, lab:qtcf:>=450ms), all-of(sex:female, lab:qtcf:>=470ms))",
    ),
    (
        "QTc interval > 470 msec (females) or > 450 msec (males)",
        "any-of(all-of(sex:female, lab:qtc:>470ms), all-of(sex:male, lab:qtc:>450ms))",
    ),
    (
        "Waist circumference ≥ 102 cm in men or ≥ 88 cm in women",
        "any-of(all-of(sex:male, lab:waist-circumference:>=102cm),"
        " all-of(sex:female, lab:waist-circumference:>=88cm))",
    ),
    (
        "Waist ≥ 94 cm (men) / ≥ 80 cm (women)",
        "any-of(all-of(sex:male, lab:waist-circumference:>=94cm),"
        " all-of(sex:female, lab:waist-circumference:>=80cm))",
    ),
    (
        "QTcF > 450 and > 470 ms in males and females, respectively",
        f"any-of({_MEN_QTCF_450}, {_WOMEN_QTCF_470})",
    ),
    # Waist circumference in centimetres or inches.
    ("Waist circumference > 102 cm", "lab:waist-circumference:>102cm"),
    ("Waist circumference ≥ 40 inches", "lab:waist-circumference:>=40[in_i]"),
    # HIV-1 RNA in copies/mL.
    ("HIV viral load < 50 copies/mL", "lab:hiv-viral-load:<50{copies}/mL"),
    ("HIV-1 RNA < 50 copies/mL", "lab:hiv-viral-load:<50{copies}/mL"),
    ("Plasma HIV-1 RNA below 50 copies/mL", "lab:hiv-viral-load:<50{copies}/mL"),
    ("HIV-1 RNA ≥ 1,000 copies/mL", "lab:hiv-viral-load:>=1000{copies}/mL"),
    ("HIV RNA < 200 copies/ml at screening", "lab:hiv-viral-load:<200{copies}/mL"),
    # Tumour markers (serum), by their names and abbreviations, as values or ULN multiples.
    ("AFP ≥ 400 ng/mL", "lab:afp:>=400ng/mL"),
    ("Serum alpha-fetoprotein > 400 ng/mL", "lab:afp:>400ng/mL"),
    ("Carcinoembryonic antigen (CEA) < 10 ng/mL", "lab:cea:<10ng/mL"),
    ("CA-125 ≥ 35 U/mL", "lab:ca-125:>=35U/mL"),
    ("CA 125 > 2 × ULN", "lab:ca-125:>2xULN"),
    ("CA19-9 ≥ 37 kU/L", "lab:ca-19-9:>=37U/mL"),
    # Reproductive hormones (mIU/mL = IU/L; estradiol in pg/mL; AMH in ng/mL).
    ("FSH > 40 mIU/mL", "lab:fsh:>40m[IU]/mL"),
    ("Follicle-stimulating hormone (FSH) > 12 IU/L", "lab:fsh:>12m[IU]/mL"),
    ("LH < 1 mIU/mL", "lab:lh:<1m[IU]/mL"),
    ("Serum estradiol ≥ 50 pg/mL", "lab:estradiol:>=50pg/mL"),
    ("Prolactin > 25 ng/mL", "lab:prolactin:>25ng/mL"),
    ("Anti-Müllerian hormone (AMH) ≥ 1.0 ng/mL", "lab:amh:>=1ng/mL"),
    # Lipids beyond the panel: non-HDL cholesterol, lipoprotein(a) by mass or by moles.
    ("Non-HDL-C ≥ 100 mg/dL", "lab:non-hdl-cholesterol:>=100mg/dL"),
    ("Non-HDL cholesterol ≥ 2.6 mmol/L", "lab:non-hdl-cholesterol:>=2.6mmol/L"),
    ("Lipoprotein(a) ≥ 70 mg/dL", "lab:lipoprotein-a:>=70mg/dL"),
    ("Lp(a) ≥ 175 nmol/L", "lab:lipoprotein-a:>=175nmol/L"),
    ("HDL cholesterol < 40 mg/dL", "lab:hdl-cholesterol:<40mg/dL"),
    # CD4 "cells" and an eGFR equation with its year.
    ("CD4 cell count > 500 cells/µL", "lab:cd4:>0.510*3/uL"),
    ("eGFR (CKD-EPI 2021) ≥ 30 mL/min/1.73m2", "lab:egfr-lab:>=30mL/min/{1.73_m2}"),
    # "or above" / "or below" (normalized to "or >" / "or <") and a ULN multiple "or higher";
    # a second bound after "or" stays a second bound.
    ("Hemoglobin 9 g/dL or above", "lab:hemoglobin:>=9g/dL"),
    ("BMI of 30 or above", "lab:bmi:>=30kg/m2"),
    ("HbA1c of 7% or below", "lab:hba1c:<=7%"),
    ("ALT of 2.5 x ULN or higher", "lab:alt:>=2.5xULN"),
    ("Total bilirubin 1.5 × ULN or less", "lab:bilirubin:<=1.5xULN"),
    ("Hemoglobin < 9 or > 16 g/dL", "any-of(lab:hemoglobin:<9g/dL, lab:hemoglobin:>16g/dL)"),
    # The impairment a severity scale grades, named before it, is the scale.
    (
        "Moderate or severe hepatic impairment (Child-Pugh B or C)",
        "lab:child-pugh-score:>=7{score}",
    ),
    ("Severe hepatic impairment (Child-Pugh class C)", "lab:child-pugh-score:>=10{score}"),
    ("Mild hepatic impairment (Child-Pugh A)", "lab:child-pugh-score:<=6{score}"),
    ("Hepatic impairment defined as Child-Pugh class B or C", "lab:child-pugh-score:>=7{score}"),
    ("Severe hepatic dysfunction (Child-Pugh grade C)", "lab:child-pugh-score:>=10{score}"),
    ("Severe cardiac insufficiency (NYHA III-IV)", "lab:nyha-class:>=3{class}"),
    ("Cardiac dysfunction (NYHA ≥ 3)", "lab:nyha-class:>=3{class}"),
    (
        "Severe heart dysfunction (New York Heart Association functional classification ≥ 3)",
        "lab:nyha-class:>=3{class}",
    ),
    (
        "Severe hepatic impairment (Child-Pugh class C) or renal failure",
        "any-of(lab:child-pugh-score:>=10{score}, condition:kidney-failure)",
    ),
    # A bound per sex after a slash.
    (
        "Creatinine > 1.4 mg/dL (women) / > 1.5 mg/dL (men)",
        "any-of(all-of(sex:female, lab:creatinine:>1.4mg/dL),"
        " all-of(sex:male, lab:creatinine:>1.5mg/dL))",
    ),
    # A wider ULN bound for a subgroup named by its finding alone.
    (
        "Total bilirubin ≤ 1.5 × ULN (≤ 3 × ULN for Gilbert's syndrome)",
        "any-of(lab:bilirubin:<=1.5xULN, all-of(condition:icd10cm:E80.4, lab:bilirubin:<=3xULN))",
    ),
    (
        "ALT ≤ 3 × ULN (≤ 5 × ULN for liver metastases)",
        "any-of(lab:alt:<=3xULN, all-of(condition:liver-metastases, lab:alt:<=5xULN))",
    ),
    (
        "AST and ALT ≤ 2.5 × ULN (≤ 5 × ULN for liver metastases)",
        "any-of(all-of(lab:ast:<=2.5xULN, lab:alt:<=2.5xULN),"
        " all-of(condition:liver-metastases, all-of(lab:ast:<=5xULN, lab:alt:<=5xULN)))",
    ),
]

# Phrasings whose numbers or words no reading accounts for: they stay text.
_STAYS_TEXT = [
    # A mean of triplicate ECGs is not the one reading a record holds.
    "Mean QTcF > 480 ms on triplicate ECG",
    "Mean QTc > 480 ms",
    # A range no number gives: the model has no "outside the laboratory's reference range".
    "TSH outside normal range",
    "Abnormal TSH",
    # Another virus's load, a log10 load, IU, an undetectable load, no virus named.
    "HBV DNA viral load < 20 IU/mL",
    "HIV viral load < 1.7 log10 copies/mL",
    "HIV-1 RNA < 20 IU/mL",
    "Undetectable HIV viral load",
    "Viral load < 50 copies/mL",
    # A negated or past impairment; an impairment listed beside the scale, not defined by it;
    # a judgement no record states.
    "No hepatic impairment (Child-Pugh A)",
    "History of hepatic impairment (Child-Pugh B or C)",
    "Hepatic impairment, Child-Pugh C, renal failure",
    "Hepatic impairment (Child-Pugh B or C) requiring treatment",
    # AFP in IU/mL (no exact factor to ng/mL), with no unit, or a tumour that makes it.
    "AFP ≥ 200 IU/mL",
    "Patients with AFP < 400",
    "AFP-producing tumour",
    "CA-125 elevated",
    # Two bounds in two units, either one allowed.
    "Lp(a) ≥ 70 mg/dL or ≥ 150 nmol/L",
    # Estradiol the drug; two prolactin levels a week apart (one record value is not both).
    "Estradiol 2 mg daily",
    "Hyperprolactinemia defined as 2 prolactin levels at least one week apart > 30 ng/mL",
    # Sexes written as "F/M" after a pair of values.
    "Waist C >89/102 cm; F/M",
    # "or <" before a limit word is a second bound, not "or below".
    "Hemoglobin 9 g/dL or < LLN",
    "Hemoglobin 9 g/dL or > upper limit of normal",
    # Ratios of the waist to another measure are other measurements.
    "Waist-to-hip ratio > 0.9",
    "Waist to height ratio > 0.5",
    # A waist in a unit no waist is measured in.
    "Waist circumference > 102 mm",
]


@pytest.mark.parametrize("exclusion", [False, True])
@pytest.mark.parametrize(("text", "expected"), _MATRIX)
def test_measurement_phrasings_compile(text: str, expected: str, exclusion: bool) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


@pytest.mark.parametrize("exclusion", [False, True])
@pytest.mark.parametrize("text", _STAYS_TEXT)
def test_unaccounted_measurement_phrasings_stay_text(text: str, exclusion: bool) -> None:
    assert compile_text(text, exclusion=exclusion, partial=True) is None


def test_the_new_observations_carry_verified_loinc_codes_or_none() -> None:
    vocabulary = terminology()
    codes = {
        cid: {c.code for c in vocabulary.concept(cid).codings}
        for cid in ("qtcf", "waist-circumference", "hiv-viral-load", "afp", "cea", "ca-125")
    }
    # QTcF has no code we are sure of: 8636-3 is a QTc of any correction, never claimed for it.
    assert codes == {
        "qtcf": set(),
        "waist-circumference": {"8280-0", "56086-2"},
        "hiv-viral-load": {"20447-9", "25836-8"},
        "afp": {"1834-1", "19177-5"},
        "cea": {"2039-6"},
        "ca-125": {"10334-1"},
    }


def test_a_viral_load_of_another_virus_is_no_hiv_load() -> None:
    assert find_labs("hbv viral load < 50 copies/ml") == []


# ---------------------------------------------------------------- evaluation against records

QTC = (LOINC, "8636-3", "Q-T interval corrected")
WAIST = (LOINC, "8280-0", "Waist Circumference at umbilicus by Tape measure")
HIV_VL = (
    LOINC,
    "20447-9",
    "HIV 1 RNA [#/volume] (viral load) in Serum or Plasma by NAA with probe detection",
)


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}


def _result(code: tuple[str, str, str] | str, value: float, unit: str) -> dict:
    return observation(code, "2026-11-20", valueQuantity=_quantity(value, unit))


def _qtcf(value: float) -> dict:
    # A QTcF row with the ECG system's own code (no LOINC), named by its words.
    return _result(
        ("urn:oid:1.2.840.114350.1.13.0.1.7.2.707679", "QTCF", "QTcF (Fridericia)"), value, "ms"
    )


LPA_MASS = (LOINC, "10835-7", "Lipoprotein a [Mass/volume] in Serum or Plasma")
LPA_MOLES = (LOINC, "43583-4", "Lipoprotein a [Moles/volume] in Serum or Plasma")
NON_HDL = (LOINC, "43396-1", "Cholesterol non HDL [Mass/volume] in Serum or Plasma")
FSH = (LOINC, "15067-2", "Follitropin [Units/volume] in Serum or Plasma")
CA_125 = (LOINC, "10334-1", "Cancer Ag 125 [Units/volume] in Serum or Plasma")
AFP = (LOINC, "1834-1", "Alpha-1-Fetoprotein [Mass/volume] in Serum or Plasma")


def _child_pugh(value: str) -> dict:
    # Child-Pugh has no LOINC code we are sure of: a flowsheet row named by its words.
    return observation("Child-Pugh score", "2026-11-20", valueString=value)


_HEPATIC_IMPAIRMENT = "Moderate or severe hepatic impairment (Child-Pugh B or C)"
_QTCF_BY_SEX = "QTcF > 450 ms for males or > 470 ms for females"
_WAIST_BY_SEX = "Waist circumference ≥ 102 cm in men or ≥ 88 cm in women"


@pytest.mark.parametrize(
    ("text", "gender", "resources", "result"),
    [
        # 460 ms: above the men's bound, below the women's.
        (_QTCF_BY_SEX, "male", (_qtcf(460),), "met"),
        (_QTCF_BY_SEX, "female", (_qtcf(460),), "not-met"),
        (_QTCF_BY_SEX, "female", (_qtcf(475),), "met"),
        (_QTCF_BY_SEX, "male", (_qtcf(430),), "not-met"),
        (_QTCF_BY_SEX, "male", (), "unknown"),
        # A QTc of unknown correction says nothing of the QTcF.
        (_QTCF_BY_SEX, "male", (_result(QTC, 480, "ms"),), "unknown"),
        # 95 cm: central obesity in a woman, not in a man; 41 in = 104 cm.
        (_WAIST_BY_SEX, "female", (_result(WAIST, 95, "cm"),), "met"),
        (_WAIST_BY_SEX, "male", (_result(WAIST, 95, "cm"),), "not-met"),
        (_WAIST_BY_SEX, "male", (_result(WAIST, 41, "[in_i]"),), "met"),
        (_WAIST_BY_SEX, "female", (), "unknown"),
        # HIV-1 RNA as laboratories send it, "<20" below the assay's limit included.
        ("HIV-1 RNA < 50 copies/mL", "male", (_result(HIV_VL, 12000, "{copies}/mL"),), "not-met"),
        ("HIV-1 RNA < 50 copies/mL", "male", (_result(HIV_VL, 30, "copies/mL"),), "met"),
        (
            "HIV-1 RNA < 50 copies/mL",
            "female",
            (
                observation(
                    HIV_VL,
                    "2026-11-20",
                    valueQuantity={**_quantity(20, "{copies}/mL"), "comparator": "<"},
                ),
            ),
            "met",
        ),
        ("HIV-1 RNA < 50 copies/mL", "female", (), "unknown"),
        # Tumour markers as laboratories send them: CA-125 in U/mL or kU/L, AFP in µg/L.
        ("CA-125 ≥ 35 U/mL", "female", (_result(CA_125, 120, "U/mL"),), "met"),
        ("CA-125 ≥ 35 U/mL", "female", (_result(CA_125, 20, "kU/L"),), "not-met"),
        ("AFP ≥ 400 ng/mL", "male", (_result(AFP, 850, "ug/L"),), "met"),
        ("AFP ≥ 400 ng/mL", "male", (_result(AFP, 12, "ng/mL"),), "not-met"),
        ("AFP ≥ 400 ng/mL", "male", (), "unknown"),
        # FSH in mIU/mL; in IU/L (an enzyme's unit to the converter) no conversion is assumed.
        ("FSH > 40 mIU/mL", "female", (_result(FSH, 62.5, "mIU/mL"),), "met"),
        ("FSH > 40 mIU/mL", "female", (_result(FSH, 6.1, "m[IU]/mL"),), "not-met"),
        ("FSH > 40 mIU/mL", "female", (_result(FSH, 62.5, "IU/L"),), "unknown"),
        # Lp(a) by mass meets a bound by mass; by moles it is never converted to mass.
        ("Lipoprotein(a) ≥ 70 mg/dL", "male", (_result(LPA_MASS, 92, "mg/dL"),), "met"),
        ("Lipoprotein(a) ≥ 70 mg/dL", "male", (_result(LPA_MOLES, 220, "nmol/L"),), "unknown"),
        # Non-HDL cholesterol in mmol/L against mg/dL (386.65 g/mol): 4.1 mmol/L = 158.5 mg/dL.
        ("Non-HDL-C ≥ 130 mg/dL", "female", (_result(NON_HDL, 4.1, "mmol/L"),), "met"),
        ("Non-HDL-C ≥ 130 mg/dL", "female", (_result(NON_HDL, 2.9, "mmol/L"),), "not-met"),
        # The Child-Pugh score a hepatology flowsheet records.
        (_HEPATIC_IMPAIRMENT, "male", (_child_pugh("8"),), "met"),
        (_HEPATIC_IMPAIRMENT, "male", (_child_pugh("5"),), "not-met"),
        (_HEPATIC_IMPAIRMENT, "female", (), "unknown"),
    ],
)
def test_records_meet_fail_or_leave_unknown_the_new_measurements(
    text: str, gender: str, resources: tuple[dict, ...], result: str
) -> None:
    criterion = compile_criterion(text, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(gender=gender), *resources)) == result


def test_a_sex_specific_qtcf_exclusion_hides_the_study_only_from_the_patient_it_excludes() -> None:
    text = criteria_text(["Age 18 years or older"], [_QTCF_BY_SEX])
    man = record(patient(gender="male"), _qtcf(460))
    woman = record(patient(gender="female"), _qtcf(460))
    assert verdict_of_study(text, man) == "ineligible"
    assert verdict_of_study(text, woman) == "eligible"


def test_a_mean_of_triplicate_ecgs_never_excludes_on_one_reading() -> None:
    text = criteria_text(["Age 18 years or older"], ["Mean QTcF > 480 ms on triplicate ECG"])
    assert (
        verdict_of_study(text, record(patient(gender="male"), _qtcf(500))) == "potential-candidate"
    )
