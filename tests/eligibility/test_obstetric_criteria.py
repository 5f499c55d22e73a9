"""Obstetric and perinatal bullets: diagnoses of a pregnancy, parity, gestational age, birth
weight and postnatal age, as labour, IVF and neonatal studies write them — compiled forms, and
their evaluation against records that hold more than one pregnancy."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    NEGATIVE_HCG,
    PREGNANT,
    condition,
    observation,
    patient,
    record,
    result_of,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        ("Multiple gestation", "condition:multiple-gestation"),
        ("Multiple fetal gestations", "condition:multiple-gestation"),
        ("Multifetal pregnancy", "condition:multiple-gestation"),
        ("With multiple pregnancy", "condition:multiple-gestation"),
        ("Preterm labor", "condition:preterm-labor"),
        ("Fetal demise", "condition:intrauterine-fetal-death"),
        ("fetal deaths in utero", "condition:intrauterine-fetal-death"),
        ("Malpresentations", "condition:fetal-malpresentation"),
        ("Cephalo pelvic disproportion", "condition:cephalopelvic-disproportion"),
        ("Fetal macrosomia", "condition:fetal-macrosomia"),
        ("IUGR", "condition:fetal-growth-restriction"),
        ("Premature rupture of membranes", "condition:premature-rupture-of-membranes"),
        ("Twin-to-twin transfusion syndrome", "condition:twin-to-twin-transfusion-syndrome"),
        ("Known ectopic pregnancy", "condition:ectopic-pregnancy"),
        ("Cervical insufficiency", "condition:cervical-insufficiency"),
        ("Hypertensive disorders of pregnancy", "condition:hypertensive-disorder-of-pregnancy"),
        (
            "placenta previa, pre-eclampsia",
            "any-of(condition:placenta-previa, condition:preeclampsia)",
        ),
        ("HELLP syndrome or eclampsia", "any-of(condition:hellp-syndrome, condition:eclampsia)"),
        # "pregnancy" here only says which pregnancy: never a criterion excluding every
        # pregnant patient of a labour study.
        ("Preeclampsia in the current pregnancy", "condition:preeclampsia"),
        (
            "Pregnant women under 37 weeks' gestation",
            "all-of(pregnancy:pregnancy, lab:gestational-age:<37wk)",
        ),
        (
            "Pregnant women who are with gestational age more than 24 weeks ;",
            "all-of(pregnancy:pregnancy, lab:gestational-age:>24wk)",
        ),
    ],
)
def test_exclusion_bullets_name_what_excludes(bullet: str, expected: str) -> None:
    assert signature(compile_text(bullet, exclusion=True)) == expected


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        ("Nulliparas", "lab:parity:=0"),
        ("Pregnant nulliparous women.", "all-of(pregnancy:pregnancy, lab:parity:=0)"),
        ("Nulligravid", "lab:gravidity:=0"),
        (
            "Term pregnancy(equal or more than 37 wks)",
            "all-of(pregnancy:pregnancy, lab:gestational-age:>=37wk)",
        ),
        (
            "pregnant woman between (16-24) weeks of gestation.",
            "all-of(pregnancy:pregnancy, lab:gestational-age:>=16..24wk)",
        ),
        (
            "Pregnancy between 36 and 42 weeks of gestation.",
            "all-of(pregnancy:pregnancy, lab:gestational-age:>=36..42wk)",
        ),
        ("< 25 weeks pregnant", "all-of(pregnancy:pregnancy, lab:gestational-age:<25wk)"),
        ("Birthweight <1500 g", "lab:birth-weight:<1500g"),
        ("2. Postnatal age less than 28 days;", "age:<28d"),
        ("Born before 33 weeks of gestation", "lab:gestational-age-at-birth:<33wk"),
        ("Gestational age at birth < 32 weeks", "lab:gestational-age-at-birth:<32wk"),
        ("< 27 weeks gestation at birth", "lab:gestational-age-at-birth:<27wk"),
        ("No history of preeclampsia", "NOT condition:preeclampsia"),
        ("Placenta previa", "condition:placenta-previa"),
    ],
)
def test_inclusion_bullets_state_what_must_hold(bullet: str, expected: str) -> None:
    assert signature(compile_text(bullet)) == expected


@pytest.mark.parametrize(
    "bullet",
    [
        # Neonatal studies write a bare gestational age of the age at birth.
        "Gestational age < 32 weeks",
        "Less than 24 weeks gestation",
        # Whether a primipara has given birth once or is giving birth for the first time.
        "Primipara",
        "Primigravida or Primipara",
        # A judgement no code states, and a fetal weight that is not the patient's.
        "Severe preeclampsia",
        "pre-eclampsia with severe features",
        "Fetal macrosomia with a weight greater than 4Kg",
        "Suspected chorioamnionitis",
        # Several pregnancies, or a multiple one.
        "History of multiple pregnancies",
    ],
)
def test_what_a_record_cannot_decide_stays_text(bullet: str) -> None:
    assert compile_text(bullet) is None
    assert compile_text(bullet, exclusion=True) is None


def test_a_diagnosis_after_history_of_is_any_pregnancys() -> None:
    read = compile_text("History of preeclampsia or gestational hypertension", exclusion=True)
    assert read is not None
    assert signature(read) == ("any-of(condition:preeclampsia, condition:gestational-hypertension)")
    assert all("history" in child.qualifiers for child in read.children)
    current = compile_text("Preeclampsia", exclusion=True)
    assert current is not None and "history" not in current.qualifiers


# ---------------------------------------------------------------- evaluation

_PREECLAMPSIA = (ICD, "O14.13", "Severe pre-eclampsia, third trimester")
_TWINS = (ICD, "O30.003", "Twin pregnancy, unspecified number of placenta, third trimester")


def _criterion(bullet: str, *, exclusion: bool = True) -> Criterion:
    read = compile_text(bullet, exclusion=exclusion)
    assert read is not None
    return read


def test_this_pregnancys_diagnosis_is_met() -> None:
    dx = condition("Severe preeclampsia", _PREECLAMPSIA, onset="2026-11-20")
    assert result_of(_criterion("Preeclampsia"), record(patient(), PREGNANT, dx)) == "met"


def test_an_earlier_pregnancys_diagnosis_is_unknown_never_met() -> None:
    old = condition(
        "Twin pregnancy", _TWINS, status="resolved", onset="2023-02-01", abated="2023-06-30"
    )
    assert result_of(_criterion("Multiple gestation"), record(patient(), PREGNANT, old)) == (
        "unknown"
    )
    stale = condition("Twin pregnancy", _TWINS, onset="2024-01-15")  # never closed
    assert result_of(_criterion("Multiple gestation"), record(patient(), stale)) == "unknown"


def test_history_of_counts_any_pregnancy() -> None:
    old = condition(
        "Preeclampsia", _PREECLAMPSIA, status="resolved", onset="2021-05-01", abated="2021-06-01"
    )
    person = record(patient(), PREGNANT, old)
    assert result_of(_criterion("History of preeclampsia"), person) == "met"
    assert verdict_of_inclusion_bullet("No history of preeclampsia", person) == "ineligible"


def test_a_narrower_diagnosis_is_one_of_its_class() -> None:
    dx = condition("HELLP syndrome", (ICD, "O14.23", "HELLP syndrome, third trimester"))
    dx["onsetDateTime"] = "2026-11-28"
    person = record(patient(), PREGNANT, dx)
    assert result_of(_criterion("Hypertensive disorders of pregnancy"), person) == "met"
    assert result_of(_criterion("Preeclampsia"), person) == "met"
    assert result_of(_criterion("Eclampsia"), person) == "not-met"


def test_no_obstetric_diagnosis_among_recorded_ones_is_not_met() -> None:
    person = record(patient(), PREGNANT)
    assert result_of(_criterion("Placenta previa"), person) == "not-met"


def _gestational_age(weeks: float, day: str) -> dict:
    return observation(
        (LOINC, "49051-6", "Gestational age in weeks"),
        day,
        valueQuantity={"value": weeks, "unit": "wk", "system": "http://unitsofmeasure.org"},
    )


def test_gestational_age_is_todays_from_the_last_one_recorded() -> None:
    # 30 weeks on 2026-11-17: 32 weeks on the evaluation day (2026-12-01).
    person = record(patient(), PREGNANT, _gestational_age(30, "2026-11-17"))
    under_34 = Criterion(Kind.LAB, concept="gestational-age", comparator="<", value=34, unit="wk")
    at_term = _criterion("Term pregnancy(equal or more than 37 wks)", exclusion=False)
    assert result_of(under_34, person) == "met"
    assert result_of(at_term, person) == "not-met"


def test_a_weeks_of_gestation_code_gives_the_gestational_age() -> None:
    weeks = condition("30 weeks gestation", (ICD, "Z3A.30", "30 weeks gestation of pregnancy"))
    weeks["onsetDateTime"] = "2026-11-30"
    person = record(patient(), PREGNANT, weeks)
    criterion = _criterion("pregnant woman between (16-24) weeks of gestation.", exclusion=False)
    assert result_of(criterion, person) == "not-met"
    close = Criterion(Kind.LAB, concept="gestational-age", comparator="<", value=30.5, unit="wk")
    assert result_of(close, person) == "unknown"  # 30+0 to 30+6: on both sides of the bound


def test_no_current_pregnancy_no_gestational_age() -> None:
    person = record(patient(), NEGATIVE_HCG, _gestational_age(30, "2026-11-17"))
    under_34 = Criterion(Kind.LAB, concept="gestational-age", comparator="<", value=34, unit="wk")
    assert result_of(under_34, person) == "unknown"


def test_parity_from_a_recent_observation() -> None:
    parity = observation(
        (LOINC, "11977-6", "[#] Parturitions"), "2026-11-20", valueQuantity={"value": 0}
    )
    assert result_of(_criterion("Nulliparas", exclusion=False), record(patient(), parity)) == (
        "met"
    )
    once = observation(
        (LOINC, "11977-6", "[#] Parturitions"), "2026-11-20", valueQuantity={"value": 1}
    )
    assert result_of(_criterion("Nulliparas", exclusion=False), record(patient(), once)) == (
        "not-met"
    )
    assert result_of(_criterion("Nulliparas", exclusion=False), record(patient())) == "unknown"


def test_postnatal_age_in_days_from_the_birth_date() -> None:
    criterion = _criterion("Postnatal age < 28 days", exclusion=False)
    assert result_of(criterion, record(patient(born="2026-11-20"))) == "met"
    assert result_of(criterion, record(patient(born="2026-09-01"))) == "not-met"


_BORN_BEFORE_33 = "Born before 33 weeks of gestation"


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        # "P07.33 … 30 completed weeks": born at 30+0 to 30+6.
        ([condition("Preterm newborn", (ICD, "P07.33", "Preterm newborn, 30 weeks"))], "met"),
        ([condition("Preterm newborn", (ICD, "P07.36", "Preterm newborn, 33 weeks"))], "not-met"),
        (
            [
                observation(
                    (LOINC, "76516-4", "Gestational age--at birth"),
                    "2026-11-20",
                    valueQuantity={"value": 35, "unit": "wk"},
                )
            ],
            "not-met",
        ),
        # An estimated gestational age recorded on the day of birth is the one at birth.
        ([_gestational_age(31, "2026-11-20")], "met"),
        ([_gestational_age(31, "2026-11-27")], "unknown"),
        # A term birth has no code: nothing recorded says nothing.
        ([], "unknown"),
    ],
)
def test_gestational_age_at_birth(resources: list[dict], expected: str) -> None:
    baby = record(patient(gender="male", born="2026-11-20"), *resources)
    assert result_of(_criterion(_BORN_BEFORE_33, exclusion=False), baby) == expected
