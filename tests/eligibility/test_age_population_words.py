"""Ages said by population words and odd phrasings (`rules.adult_population`,
`rules.population_ages`, the comparator phrases of `rules.base.normalize`, `rules.ages`'
separators): "Adults", "Adult patients with …", "Minors" / "Neonates" in an exclusion, "not older
than 65", "18-60 y/o", "18_60 years", "Individuals regardless of gender older than 18 years",
"Pregnant, breastfeeding or younger than 18".

Counts in the development texts (tests/eligibility/corpus.py, 1,300 studies) when written:
inclusion bullets led by "adult(s)" with no age 41 left text (7 of them the word alone: "Adults",
"Adult patient", "healthy adult"); exclusion bullets "Minors" / "Minor" / "minor patient" 6;
"not less than N years" 1; "regardless of gender" before the age 1. "18_60", "y/o" ranges and a
bare "younger than N" ending an exclusion list occur in studies outside this corpus; they are
tested here as the general forms.

Whole years (the project's rule): ">= 18" is met on the 18th birthday, "<= 65" until the day
before the 66th; the records are read on AS_OF = 2026-12-01.
"""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    ICD,
    PREGNANT,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature

T2D = condition("Type 2 diabetes", (ICD, "E11.9", "Type 2 diabetes mellitus without complications"))
EIGHTEEN_TODAY = "2008-12-01"
EIGHTEEN_TOMORROW = "2008-12-02"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Adult(s)" as the population: CT.gov's Adult and Older Adult groups, 18 and over.
        ("Adults", "age:>=18a"),
        ("Adult", "age:>=18a"),
        ("Adult patients.", "age:>=18a"),
        ("adult person", "age:>=18a"),
        ("Adult men and women", "age:>=18a"),
        ("Adults of either sex", "age:>=18a"),
        ("Adults, male or female", "age:>=18a"),
        ("Healthy adults", "all-of(age:>=18a, text)"),
        ("Adults with type 2 diabetes", "all-of(age:>=18a, condition:diabetes-type-2)"),
        (
            "Adult patients with asthma or COPD",
            "all-of(age:>=18a, any-of(condition:asthma, condition:copd))",
        ),
        (
            "Adults undergoing cardiac surgery with CPB will be considered for enrollment.",
            "all-of(age:>=18a, text)",
        ),
        # The age a study writes is its own ("adult" may be 16 and over).
        ("Adult patients (16 years old and older)", "age:>=16a"),
        ("Adults over 50 years", "age:>50a"),
        # Comparator phrases.
        ("Not older than 65", "age:<=65a"),
        ("not older than 65 years", "age:<=65a"),
        ("Not younger than 18 years", "age:>=18a"),
        ("Age not less than 18 years", "age:>=18a"),
        ("Patients whose age not less than 65 years;", "all-of(age:>=65a, text)"),
        # A negation over an "or" denies both ends: between them, never either of them.
        ("Patients not younger than 18 or older than 70 years", None),
        ("Age not younger than 18 and not older than 70 years", "all-of(age:>=18a, age:<=70a)"),
        ("age greater or equal to 18 years", "age:>=18a"),
        ("Age equal or greater than 18 years old", "age:>=18a"),
        ("aged 18 years old or more", "age:>=18a"),
        ("Over 18 years and up to 65, regardless of sex", "all-of(age:>18a, age:<=65a)"),
        # Range separators and abbreviations.
        ("18-60 y/o", "age:18..60a"),
        ("Age 18-60 y/o", "age:18..60a"),
        ("18 to 60 y/o", "age:18..60a"),
        ("Age 18_60 years", "age:18..60a"),
        ("18_60 years old", "age:18..60a"),
        ("18 – 60 years", "age:18..60a"),
        ("18 to 60 yrs", "age:18..60a"),
        # Either sex beside the age restricts nothing.
        ("Individuals regardless of gender older than 18 years", "age:>18a"),
        ("Patients, regardless of sex, aged 18 to 65 years", "age:18..65a"),
        ("Subjects of any sex between 18 and 60 years old", "age:18..60a"),
        ("Male or female, 18 years or older", "age:>=18a"),
    ],
)
def test_an_inclusion_age_phrasing_compiles(text: str, expected: str) -> None:
    assert bullet_signature(text, "Inclusion") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Minors", "age:<18a"),
        ("Minor patient", "age:<18a"),
        ("Patients who are minors", "age:<18a"),
        # The neonatal period: the first 28 days of life (WHO; ICH E11 0-27 days).
        ("Neonates", "age:<28d"),
        ("Newborn infants", "age:<28d"),
        # The last item of a list, ending the bullet.
        ("Pregnant or younger than 18", "any-of(pregnancy:pregnancy, age:<18a)"),
        (
            "Pregnant, lactating, or under 18 years of age",
            "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding, age:<18a)",
        ),
        ("Known HIV infection or younger than 18", "any-of(condition:hiv, age:<18a)"),
        ("Not older than 65", "age:<=65a"),
    ],
)
def test_an_exclusion_age_phrasing_compiles(text: str, expected: str) -> None:
    assert bullet_signature(text, "Exclusion") == expected


@pytest.mark.parametrize(
    ("text", "section"),
    [
        # "adult" naming a disease or a role, not the population.
        ("Adult onset diabetes", "Inclusion"),
        ("Young adults", "Inclusion"),
        ("Older adults", "Inclusion"),
        ("Adults as well as children (no age limit)", "Inclusion"),
        ("Adult Healthy Volunteers :", "Inclusion"),
        ("Adult as defined by local regulations", "Inclusion"),
        # An exclusion of adults may be of some adults only, or adults by another majority.
        ("Adults", "Exclusion"),
        ("Adults unable to consent.", "Exclusion"),
        # Age groups without one standard cut-off, or read wider than the text in an inclusion.
        ("Infants", "Inclusion"),
        ("Children", "Inclusion"),
        ("Adolescents", "Inclusion"),
        ("Adolescents", "Exclusion"),
        ("Neonates", "Inclusion"),
        ("Minors", "Inclusion"),
        ("Minors (< 16 years)", "Exclusion"),
        # A list's last bound that is someone else's or another duration.
        ("Smoking for > 10 years, or < 2 years", "Exclusion"),
        ("Life expectancy < 3 months, or < 2 years", "Exclusion"),
    ],
)
def test_a_population_word_without_a_safe_age_stays_text(text: str, section: str) -> None:
    assert bullet_signature(text, section) is None


def test_an_age_said_beside_adults_keeps_its_own_number() -> None:
    """ "Adult men and women over 50 years": the adult lead adds no second age."""
    assert bullet_signature("Adult men and women over 50 years", "Inclusion") == (
        "all-of(age:>50a, text)"
    )


def test_adults_is_met_from_the_18th_birthday() -> None:
    assert verdict_of_inclusion_bullet("Adults", record(patient(born=EIGHTEEN_TODAY))) == (
        "eligible"
    )
    assert verdict_of_inclusion_bullet("Adults", record(patient(born=EIGHTEEN_TOMORROW))) == (
        "ineligible"
    )


def test_adults_without_a_birth_date_stays_a_candidate() -> None:
    person = record({"resourceType": "Patient", "id": "p1", "gender": "female"})
    assert verdict_of_inclusion_bullet("Adults", person) == "potential-candidate"


def test_adults_with_type_2_diabetes_needs_both() -> None:
    text = "Adults with type 2 diabetes"
    assert verdict_of_inclusion_bullet(text, record(patient(born="1980-05-01"), T2D)) == "eligible"
    minor = record(patient(born=EIGHTEEN_TOMORROW), T2D)
    assert verdict_of_inclusion_bullet(text, minor) == "ineligible"
    assert verdict_of_inclusion_bullet(text, record(patient(born="1980-05-01"))) == (
        "potential-candidate"
    )


def test_an_exclusion_of_minors_excludes_until_the_18th_birthday() -> None:
    text = criteria_text(["Adults"], ["Minors"])
    assert verdict_of_study(text, record(patient(born=EIGHTEEN_TOMORROW))) == "ineligible"
    assert verdict_of_study(text, record(patient(born=EIGHTEEN_TODAY))) == "eligible"


def test_an_exclusion_of_neonates_excludes_the_first_28_days() -> None:
    text = criteria_text(["Infants admitted to the unit"], ["Neonates"])
    assert verdict_of_study(text, record(patient(born="2026-11-04"))) == "ineligible"  # 27 d
    # 28 days old: past the neonatal period; the inclusion's text keeps it a candidate.
    assert verdict_of_study(text, record(patient(born="2026-11-03"))) == "potential-candidate"


def test_not_older_than_65_holds_through_the_65th_year() -> None:
    text = "Not older than 65"
    assert verdict_of_inclusion_bullet(text, record(patient(born="1960-12-02"))) == "eligible"
    assert verdict_of_inclusion_bullet(text, record(patient(born="1960-12-01"))) == "ineligible"


def test_over_18_and_up_to_65_bounds_both_ends() -> None:
    text = "Over 18 years and up to 65, regardless of sex"
    assert verdict_of_inclusion_bullet(text, record(patient(born=EIGHTEEN_TODAY))) == ("ineligible")
    assert verdict_of_inclusion_bullet(text, record(patient(born="2008-11-30"))) == "eligible"
    assert verdict_of_inclusion_bullet(text, record(patient(born="1960-12-01"))) == "ineligible"
    assert verdict_of_inclusion_bullet(text, record(patient(gender="male", born="1960-12-02"))) == (
        "eligible"
    )


def test_a_range_in_y_o_is_inclusive_at_both_ends() -> None:
    text = "18-60 y/o"
    assert verdict_of_inclusion_bullet(text, record(patient(born=EIGHTEEN_TODAY))) == "eligible"
    assert verdict_of_inclusion_bullet(text, record(patient(born="1965-12-02"))) == "eligible"
    assert verdict_of_inclusion_bullet(text, record(patient(born="1965-12-01"))) == "ineligible"


def test_younger_than_18_ending_an_exclusion_list_excludes_a_minor() -> None:
    text = criteria_text(["Adults"], ["Pregnant or younger than 18"])
    # 18 today, not pregnant: the pregnancy is not recorded, so unknown — a candidate.
    assert verdict_of_study(text, record(patient(born=EIGHTEEN_TODAY))) == "potential-candidate"
    assert verdict_of_study(text, record(patient(born=EIGHTEEN_TOMORROW))) == "ineligible"
    pregnant = record(patient(born="1995-03-01"), PREGNANT)
    assert verdict_of_study(text, pregnant) == "ineligible"
