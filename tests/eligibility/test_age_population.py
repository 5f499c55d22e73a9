"""Age and population inclusion bullets as studies write them: a bare "older than 65" (years), a
population word after the age ("(adolescents)"), a population noun before it ("Healthy
volunteers >= 18 years", "Nursing home residents aged 65 years or older"), the sex a population
implies ("Postmenopausal women aged 50 or older"), an age at screening, and a neonatal population
born at a gestational age ("Preterm infants born before 32 weeks of gestation").

What a record cannot decide (healthy, outpatient, postmenopausal, an infant now) stays a `text`
member; what makes the age someone else's or an alternative keeps the bullet text. Evaluation
follows the project's whole-year rule: "> 65" is met from the day after the 65th birthday."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    LOINC,
    observation,
    patient,
    record,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import signature

POSSIBLE = "potential-candidate"

# (text, inclusion form); "-" stays text.
MATRIX = [
    # A bare number after "older / younger than" is years; another unit keeps it unread.
    ("Older than 65", "age:>65a"),
    ("Younger than 18", "age:<18a"),
    ("Patients older than 65", "age:>65a"),
    ("Patients over 65", "age:>65a"),
    ("Women over 65", "all-of(sex:female, age:>65a)"),
    ("Older than 18 and younger than 65", "all-of(age:>18a, age:<65a)"),
    ("Younger than 18 or older than 80", "any-of(age:<18a, age:>80a)"),
    ("Healthy volunteers older than 65", "all-of(age:>65a, text)"),
    ("Older than 65 kg", "-"),
    ("Older than 1.5", "-"),
    ("Children older than 6 months", "-"),
    # A population word after the age that the age keeps within.
    ("Age ≥ 12 and < 18 years (adolescents)", "all-of(age:>=12a, age:<18a)"),
    ("The patient is less than 28 days old (neonate).", "age:<28d"),
    ("Age 18-65 years (adults)", "age:18..65a"),
    ("Age 8-25 years (adolescents)", "all-of(age:8..25a, text)"),
    # A population noun before the age: the age, and the noun as text.
    ("Healthy volunteers aged 20-45 years", "all-of(age:20..45a, text)"),
    ("Healthy volunteers ≥ 18 years", "all-of(age:>=18a, text)"),
    ("Outpatients ≥ 18 years", "all-of(age:>=18a, text)"),
    ("Inpatients over 65", "all-of(age:>65a, text)"),
    ("Students ≥ 18 years", "all-of(age:>=18a, text)"),
    ("Employees ≥ 18 years", "all-of(age:>=18a, text)"),
    ("Nursing home residents aged 65 years or older", "all-of(age:>=65a, text)"),
    ("Patients aged 65 years and over admitted to the ward", "all-of(age:>=65a, text)"),
    # The age at screening, enrolment, consent or randomization is the age.
    ("Participant is ≥ 18 years at screening", "age:>=18a"),
    ("≥ 18 years old on the day of signing informed consent", "age:>=18a"),
    ("Participants aged 40-80 years at the time of consent", "age:40..80a"),
    ("Age 18 years or older at the time of diagnosis", "-"),
    # The sex of the population.
    ("Postmenopausal women aged 50 or older", "all-of(sex:female, age:>=50a, text)"),
    ("Female outpatients aged 18-65 years", "all-of(sex:female, age:18..65a, text)"),
    ("Female DoD beneficiaries age 18 years or older", "all-of(sex:female, age:>=18a, text)"),
    (
        "Postmenopausal women aged 50-75 years with osteoporosis",
        "all-of(sex:female, age:50..75a, condition:osteoporosis, text)",
    ),
    ("Women and men aged 18-65 years admitted to the ward", "all-of(age:18..65a, text)"),
    ("Transgender women aged 18 or older", "all-of(age:>=18a, text)"),
    ("Women aged 18-45 and their partners", "-"),
    # The age alone in parentheses once its subject is set aside.
    ("Older adults (≥ 65 years)", "age:>=65a"),
    ("Elderly (≥ 65 years)", "age:>=65a"),
    # Someone else's age, or another age, stays text.
    ("Donor age > 65 years", "-"),
    ("Mothers older than 35", "-"),
    ("Children of elderly patients aged ≥ 65 years", "-"),
    ("Nurses working with patients aged ≥ 65 years", "-"),
    ("Adult children of patients aged 65 years or older", "-"),
    # Years of something else are a duration, not an age.
    ("Subjects > 5 years of education", "-"),
    ("Patients > 2 years of follow-up", "-"),
    ("Participants over 3 years of diabetes", "-"),
    # Gestational age at birth of a neonatal population.
    (
        "Preterm infants born before 32 weeks of gestation",
        "all-of(lab:gestational-age-at-birth:<32wk, text)",
    ),
    ("Neonates born at < 30 weeks gestation", "all-of(lab:gestational-age-at-birth:<30wk, text)"),
    ("Mothers of infants born before 32 weeks of gestation", "-"),
    ("Infants born before 32 weeks of gestation or with a birth weight < 1500 g", "-"),
]


@pytest.mark.parametrize(("text", "expected"), MATRIX)
def test_inclusion_forms(text: str, expected: str) -> None:
    compiled = compile_text(text, partial=True)
    assert (signature(compiled) if compiled else "-") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An exclusion of both ends excludes exactly those ages.
        ("Age < 18 or > 75 years", "any-of(age:<18a, age:>75a)"),
        ("Patients younger than 18 or older than 75", "any-of(age:<18a, age:>75a)"),
        ("Younger than 18 or older than 80", "any-of(age:<18a, age:>80a)"),
        ("Older than 18 and younger than 65", "all-of(age:>18a, age:<65a)"),
        ("Older than 75", "age:>75a"),
        # Read in part, a population's age would exclude everyone of that age: stays text.
        ("Postmenopausal women aged 50 or older", "-"),
        ("Healthy volunteers aged 20-45 years", "-"),
        ("Preterm infants born before 32 weeks of gestation", "-"),
    ],
)
def test_exclusion_forms(text: str, expected: str) -> None:
    compiled = compile_text(text, exclusion=True, partial=True)
    assert (signature(compiled) if compiled else "-") == expected


# Records are read on 2026-12-01 (`ehr_records.AS_OF`).
@pytest.mark.parametrize(
    ("bullet", "gender", "born", "verdict"),
    [
        ("Older than 65", "male", "1961-12-01", "ineligible"),  # 65 today
        ("Older than 65", "male", "1961-11-30", "eligible"),  # 65 and a day
        ("Younger than 18", "female", "2008-12-02", "eligible"),  # 17, 18 tomorrow
        ("Younger than 18", "female", "2008-12-01", "ineligible"),  # 18 today
        ("Participant is ≥ 18 years at screening", "female", "2008-12-01", "eligible"),
        ("Participant is ≥ 18 years at screening", "female", "2008-12-02", "ineligible"),
        ("Age ≥ 12 and < 18 years (adolescents)", "male", "2014-12-01", "eligible"),  # 12
        ("Age ≥ 12 and < 18 years (adolescents)", "male", "2014-12-02", "ineligible"),  # 11
        ("Age ≥ 12 and < 18 years (adolescents)", "male", "2008-12-02", "eligible"),  # 17
        ("Age ≥ 12 and < 18 years (adolescents)", "male", "2008-12-01", "ineligible"),  # 18
        # The population's words are text: the age alone cannot make the patient eligible.
        ("Healthy volunteers aged 20-45 years", "male", "1981-12-02", POSSIBLE),  # 44
        ("Healthy volunteers aged 20-45 years", "male", "1980-12-01", "ineligible"),  # 46
        ("Postmenopausal women aged 50 or older", "female", "1976-12-01", POSSIBLE),  # 50
        ("Postmenopausal women aged 50 or older", "female", "1976-12-02", "ineligible"),  # 49
        ("Postmenopausal women aged 50 or older", "male", "1950-01-01", "ineligible"),
        ("Nursing home residents aged 65 years or older", "female", "1940-05-05", POSSIBLE),
        ("Nursing home residents aged 65 years or older", "female", "1962-05-05", "ineligible"),
    ],
)
def test_age_edges(bullet: str, gender: str, born: str, verdict: str) -> None:
    person = record(patient(gender=gender, born=born))
    assert verdict_of_inclusion_bullet(bullet, person) == verdict


def _at_birth(weeks: float) -> dict:
    return observation(
        (LOINC, "76516-4", "Gestational age--at birth"),
        "2026-10-01",
        valueQuantity={"value": weeks, "unit": "wk"},
    )


@pytest.mark.parametrize(
    ("resources", "verdict"),
    [
        ([_at_birth(29)], POSSIBLE),  # preterm: being an infant is for the reader
        ([_at_birth(35)], "ineligible"),
        ([], POSSIBLE),  # no gestational age at birth recorded: never ineligible
    ],
)
def test_preterm_infants_by_gestational_age_at_birth(resources: list[dict], verdict: str) -> None:
    infant = record(patient(gender="female", born="2026-10-01"), *resources)
    bullet = "Preterm infants born before 32 weeks of gestation"
    assert verdict_of_inclusion_bullet(bullet, infant) == verdict
