"""Age, sex, pregnancy and performance status as real bullets word them (`rules.demographics`,
`rules.ages`, `rules.performance`, `rules.phrasing`, `rules.pregnancy_phrasing`), and the age /
sex / performance status at the head of an inclusion bullet not fully understood
(`rules.demographic_parts`).

Texts are from the development studies of tests/data/criteria (not the held-out sample); the
expected forms were written from the clinical text before the rules.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    AS_OF,
    NEGATIVE_HCG,
    PREGNANT,
    ecog,
    patient,
    record,
    result_of,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import signature

EXCLUSION, INCLUSION = True, False

READ = [
    # Performance status: WHO / bare "performance status" grades are the ECOG scale.
    ("WHO performance status 0-2.", INCLUSION, "performance-status:ecog:0..2{score}"),
    ("Performance Status < 2", INCLUSION, "performance-status:ecog:<2{score}"),
    ("Performance Status 0 to 2", INCLUSION, "performance-status:ecog:0..2{score}"),
    ("ECOG performance status between 0 and 1", INCLUSION, "performance-status:ecog:0..1{score}"),
    (
        "Subject must have an ECOG (Eastern Cooperative Oncology Group) performance status score "
        "of 0~2;",
        INCLUSION,
        "performance-status:ecog:0..2{score}",
    ),
    (
        "Eastern Cooperative Oncology Group [ECOG] 0-1",
        INCLUSION,
        "performance-status:ecog:0..1{score}",
    ),
    (
        "Eastern Cooperative Oncology Group (ECOG) Performance Status of two or less;",
        INCLUSION,
        "performance-status:ecog:<=2{score}",
    ),
    ("Karnofsky performance scale 80 or more", INCLUSION, "performance-status:karnofsky:>=80%"),
    ("Karnofsky Performance Status 70-100;", INCLUSION, "performance-status:karnofsky:70..100%"),
    # A bullet that is only years is an age; the second bound of an age is the age too.
    ("Over 18 years", INCLUSION, "age:>18a"),
    ("18-40 years", INCLUSION, "age:18..40a"),
    ("Subjects of 40-70 years.", INCLUSION, "age:40..70a"),
    ("> 35 years", EXCLUSION, "age:>35a"),
    ("Subject under 18 years or over 70 years", EXCLUSION, "any-of(age:<18a, age:>70a)"),
    ("18 years of age or more", INCLUSION, "age:>=18a"),
    ("age of 18 years or younger", INCLUSION, "age:<=18a"),
    ("Age: 19~45", INCLUSION, "age:19..45a"),
    ("Age between 20 years old and 65 years old", INCLUSION, "age:20..65a"),
    ("Minimum age: 18 years old", INCLUSION, "age:>=18a"),
    ("Patient's age ≥ 15 years", INCLUSION, "age:>=15a"),
    ("The participant is equal to or older than 18 years old.", INCLUSION, "age:>=18a"),
    ("Age ˂ 35 years", INCLUSION, "age:<35a"),
    ("Aged 18 years and above at the start of the treatment.", INCLUSION, "age:>=18a"),
    ("Adult patients (≥ 18 years) with no age limit", INCLUSION, "age:>=18a"),
    # Either sex next to the age restricts nothing.
    ("Age ≥ 18, male or female;", INCLUSION, "age:>=18a"),
    ("Male and Female; 18 years of age or older", INCLUSION, "age:>=18a"),
    ("Age of 40~75 men and women", INCLUSION, "age:40..75a"),
    ("The age＞18 and no gender limitation.", INCLUSION, "age:>18a"),
    # The sex as the subject of the bullet, alone or with the age.
    ("Male", INCLUSION, "sex:male"),
    ("female sex", INCLUSION, "sex:female"),
    ("Patient must be female", INCLUSION, "sex:female"),
    ("Female (mandatory)", INCLUSION, "sex:female"),
    ("Male patients", EXCLUSION, "sex:male"),
    ("18-35-year-old women", INCLUSION, "all-of(age:18..35a, sex:female)"),
    ("Male patients aged > 18 years old", INCLUSION, "all-of(sex:male, age:>18a)"),
    ("Men >50-year-old", INCLUSION, "all-of(sex:male, age:>50a)"),
    ("Women <18 yo", EXCLUSION, "all-of(sex:female, age:<18a)"),
    (
        "Male participants who are between the ages of 21 and 65 years (inclusive) on the day of "
        "signing informed consent",
        INCLUSION,
        "all-of(sex:male, age:21..65a)",
    ),
    # Pregnancy said around the state.
    (
        "Non-pregnant and not lactating.",
        INCLUSION,
        "all-of(NOT pregnancy:pregnancy, NOT breastfeeding:breastfeeding)",
    ),
    ("Non-pregnant patients", INCLUSION, "NOT pregnancy:pregnancy"),
    (
        "Females of childbearing potential: negative urine pregnancy test",
        INCLUSION,
        "NOT pregnancy:pregnancy",
    ),
    (
        "WOCBP (women of child-bearing potential) must have a negative pregnancy test at "
        "inclusion.",
        INCLUSION,
        "NOT pregnancy:pregnancy",
    ),
    ("Female patients with a positive pregnancy test.", EXCLUSION, "pregnancy:pregnancy"),
    ("Positive pregnancy test in a female", EXCLUSION, "pregnancy:pregnancy"),
    ("pregnancy women", EXCLUSION, "pregnancy:pregnancy"),
    # The head of an inclusion bullet not fully understood: its age / sex / PS are necessary.
    (
        "adult patients (age 18 and above) who admitted to burn unit",
        INCLUSION,
        "all-of(age:>=18a, text)",
    ),
    (
        "Healthy male subjects aged between 18 and 45 years (inclusive) at Screening",
        INCLUSION,
        "all-of(sex:male, age:18..45a, text)",
    ),
    ("Healthy women", INCLUSION, "all-of(sex:female, text)"),
    # The surgery the patients undergo in the study is no record's datum.
    (
        "All patients 18 years or older undergoing surgery at Barnes Jewish Hospital",
        INCLUSION,
        "all-of(age:>=18a, text)",
    ),
    (
        "18-25 years; Performance status should be 0-2; Life expectancy should be more than 12 "
        "weeks;",
        INCLUSION,
        "all-of(age:18..25a, performance-status:ecog:0..2{score}, text)",
    ),
    (
        "Pregnant nulliparous women.",
        INCLUSION,
        "all-of(pregnancy:pregnancy, lab:parity:=0)",
    ),
    (
        "Women of childbearing potential (WOCBP) must have a negative urine pregnancy test and "
        "must agree to use correctly a highly effective method of contraception",
        INCLUSION,
        "all-of(NOT pregnancy:pregnancy, text)",
    ),
    (
        "Both genders. Adult of aged 18 years and above. Able to understand the informed consent.",
        INCLUSION,
        "all-of(age:>=18a, text)",
    ),
    # An age at diagnosis is no age bound; the diagnosis it dates is a necessary part.
    ("18 years at diagnosis of cancer", INCLUSION, "all-of(condition:malignant-neoplasm, text)"),
]


@pytest.mark.parametrize(("text", "exclusion", "expected"), READ)
def test_the_demographic_phrasing_is_read(text: str, exclusion: bool, expected: str) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


STAYS_TEXT = [
    # No restriction: compiling would invent one.
    ("Male or female", INCLUSION),
    ("Men and women", INCLUSION),
    ("Both gender", INCLUSION),
    # The sex of a measure, a sex at birth, a gender identity.
    ("QTc > 450 ms in women", EXCLUSION),
    ("Biological female", INCLUSION),
    ("Transgender male", INCLUSION),
    # Years of something else; hours are no years.
    ("Epileptic seizure < 2 years", EXCLUSION),
    ("2-5 years since diagnosis", INCLUSION),
    ("Age less than 72 hours", INCLUSION),
    ("18 years at diagnosis", INCLUSION),
    # The age is optional, someone else's or a population branch (a range with a comparator
    # on one end, "> 8 - 40 years", is read whole: test_age_ranges_with_a_bound).
    ("Age 13-17 years or 18-20 if still living at home with parent.", INCLUSION),
    (
        "Children were aged between 8 and 16 years, but there was no age limit for parents.",
        INCLUSION,
    ),
    ("Have a child age 3-18 that was hospitalized overnight", INCLUSION),
    ("Age 18 or older, or younger with parental consent", INCLUSION),
    ("Patients with age ≥18 years: were/can be recruited within the IRCCS Istituto", INCLUSION),
    ("Age ≥ 30 years (Healthy control group)", INCLUSION),
    ("Not older than 65 years and healthy", INCLUSION),
    # (A rest that names a clinical state — "recently admitted with sepsis", "currently taking
    # spironolactone for acne" — is read with the age by `rules.age_clauses`, the state
    # included: test_age_clauses.)
    # A pregnancy at the head that is not the state required: a test, a plan, a negation.
    ("Pregnancy test negative", INCLUSION),
    ("Pregnant women in third trimester planned to undergo elective cesarean section", INCLUSION),
    # A window on the pregnancy test.
    (
        "Women of childbearing potential must have a negative serum or urine pregnancy test "
        "within 24 hours prior to the start of study drug",
        INCLUSION,
    ),
]


@pytest.mark.parametrize(("text", "exclusion"), STAYS_TEXT)
def test_what_is_not_a_demographic_criterion_stays_text(text: str, exclusion: bool) -> None:
    assert compile_text(text, exclusion=exclusion, partial=True) is None


# ---------------------------------------------------------------- evaluation

_PREGNANT = PREGNANT
_NEGATIVE_HCG = NEGATIVE_HCG
_verdict = verdict_of_inclusion_bullet


def test_a_bare_sex_bullet_is_decided_by_the_administrative_gender() -> None:
    criterion = compile_text("Female (mandatory)")
    assert criterion is not None
    assert result_of(criterion, record(patient(gender="female"))) == "met"
    assert result_of(criterion, record(patient(gender="male"))) == "not-met"
    assert result_of(criterion, record(patient(gender="unknown"))) == "unknown"


def test_a_negative_pregnancy_test_for_wocbp_fails_only_a_pregnant_patient() -> None:
    bullet = "Females of childbearing potential: negative urine pregnancy test"
    assert _verdict(bullet, record(patient(), _PREGNANT)) == "ineligible"
    assert _verdict(bullet, record(patient(), _NEGATIVE_HCG)) == "eligible"
    assert _verdict(bullet, record(patient())) == "potential-candidate"  # nothing recorded
    # A man cannot be pregnant: the bullet neither includes nor excludes him.
    assert _verdict(bullet, record(patient(gender="male"))) == "eligible"


def test_the_who_performance_status_is_decided_by_the_ecog_grade() -> None:
    criterion = compile_text("WHO performance status 0-2.")
    assert criterion is not None
    assert result_of(criterion, record(patient(), ecog("2026-11-20", 1))) == "met"
    assert result_of(criterion, record(patient(), ecog("2026-11-20", 3))) == "not-met"
    assert result_of(criterion, record(patient())) == "unknown"


def test_the_age_at_the_head_of_a_bullet_can_exclude_but_never_include_alone() -> None:
    bullet = "adult patients (age 18 and above) who admitted to burn unit"
    assert _verdict(bullet, record(patient(born="2012-03-01"), as_of=AS_OF)) == "ineligible"
    assert _verdict(bullet, record(patient(born="1970-03-01"), as_of=AS_OF)) == (
        "potential-candidate"
    )
    no_birth_date = {"resourceType": "Patient", "id": "p1", "gender": "female"}
    assert _verdict(bullet, record(no_birth_date, as_of=AS_OF)) == "potential-candidate"
