"""An age clause inside a longer inclusion bullet (`rules.age_clauses`): the bullet compiles to
all-of(age, what the rest reads as, TEXT), and stays text when the age may be someone else's, a
subgroup's, an alternative, or not fully read.

Evaluation follows the project's whole-year rule (completed years): "> 18" is met from the day
after the 18th birthday, "between 18 and 65" until the day before the 66th."""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    ICD,
    condition,
    patient,
    record,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import bullet_signature

DME = (
    "condition:icd10cm:E08.311+E08.321+E08.331+E08.341+E08.351+E09.311+E09.321+E09.331+E09.341"
    "+E09.351+E10.311+E10.321+E10.331+E10.341+E10.351+E11.311+E11.321+E11.331+E11.341+E11.351"
    "+E13.311+E13.321+E13.331+E13.341+E13.351"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "People aged over 18 years with a new referral for type-2 diabetes management at "
            "the 15 hospitals",
            "all-of(age:>18a, condition:diabetes-type-2, text)",
        ),
        ("Generally healthy individuals aged from 18 to 55 years", "all-of(age:18..55a, text)"),
        (
            "Adults over age 18 with diabetes mellitus, diabetic macular edema and visually "
            "significant cataracts planning to undergo cataract surgery",
            f"all-of(age:>18a, condition:diabetes-mellitus, {DME}, text)",
        ),
        ("Parturients with age ≥18 years;", "all-of(age:>=18a, text)"),
        ("Female DoD beneficiaries age 18 years or older", "all-of(sex:female, age:>=18a, text)"),
        (
            "Female subjects between 18 and 65 years of age currently taking oral antibiotics "
            "for a diagnosis of acne vulgaris",
            "all-of(age:18..65a, sex:female, medication:antibiotic, text)",
        ),
        (
            "Adult patients (aged above 18 years) recently admitted with sepsis",
            "all-of(age:>18a, condition:sepsis, text)",
        ),
        (
            "Female subjects between 18 and 65 years of age currently taking spironolactone "
            "for acne",
            "all-of(age:18..65a, sex:female, medication:spironolactone, text)",
        ),
        ("Patients 11 to no older than 17 years of age", "age:11..17a"),
        (
            "Patient with paroxysmal atrial fibrillation who is scheduled for ablation procedure "
            "and ≥20 and ≤80 years of age",
            "all-of(age:>=20a, age:<=80a, condition:icd10cm:I48.0, text)",
        ),
        (
            "Patients > 18 years of age Patients planning to start treatment with cabozantinib "
            "therapy",
            "all-of(age:>18a, text)",
        ),
        ("Adult ICU patients (>18 yrs)", "all-of(age:>18a, text)"),
        ("Men or women of any race or ethnicity aged 18 or older", "all-of(age:>=18a, text)"),
        (
            "cerebral palsy patients between 12 and 72 months old",
            "all-of(age:12..72mo, condition:icd10cm:G80)",
        ),
        (
            "Healthy male and female subjects (aged 19~45 years at the time of screening)",
            "all-of(age:19..45a, text)",
        ),
        (
            "All Groups: subjects who are age 18-89 years of age at time of enrollment",
            "all-of(age:18..89a, text)",
        ),
    ],
)
def test_the_age_clause_is_read_with_the_rest(text: str, expected: str) -> None:
    assert bullet_signature(text, "Inclusion") == expected


@pytest.mark.parametrize(
    "text",
    [
        # Another person's age.
        "Donor age > 65",
        "Parents/caregivers ≥18 years old",
        "a child aged 12-18 living in the household",
        "Have a child age 3-18 that was hospitalized overnight with a traumatic brain injury",
        "Maternal age ≥18 yrs",  # in a neonatal study the mother is not the candidate
        "Recipient age ≥ 18 years",
        "Controls will be matched for age",
        "Patients in both groups will be matched for age (± 5 years), sex and physical activity",
        # Another age.
        "gestational age < 32 weeks",
        "Age less than 72 hours",
        "Be aged 10-18 years at the time of surgery",
        # One group's age.
        "Age ≥ 30 years (Healthy control group)",
        "7 and 65 years old for patients with CGD",
        "Adolescent participants: Age 13-17",
        "For EMR review all adults admitted to the hospital ages 18 and older",
        # An alternative population or age.
        "Adults ≥18 years or children with cystic fibrosis",
        "Age 13-17 years or 18-20 if still living at home with parent.",
        "Age 18 or older or emancipated minor",
        "Hospitalized patient ≥18 years old or considered an adult in his country",
        # A comparator or number the clause does not account for.
        "he patient is under 80 years old (≤).",
        "Older than 18 and younger and ≤65 years of age.",
        "Age ≥18 years (or per national guidelines).",
        "Adults over 18 not currently taking spironolactone, planned for surgery",
    ],
)
def test_an_age_that_may_not_be_the_candidates_own_stays_text(text: str) -> None:
    assert bullet_signature(text, "Inclusion") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Age-related macular degeneration", "condition:icd10cm:H35.30+H35.31+H35.32"),
        ("Women of childbearing age", None),
    ],
)
def test_age_words_that_are_no_age_are_not_read_as_one(text: str, expected: str | None) -> None:
    assert bullet_signature(text, "Inclusion") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Adults aged 18 to 75 years with mild and moderate asthma, planned for surgery",
        "Adults aged 18 to 75 with type 1 and type 2 diabetes, planned for surgery",
        "Adults aged 18 to 75 with acute and chronic pancreatitis, planned for surgery",
        "Adults aged 18 to 75 with a family history of asthma, planned for surgery",
        "Adults over 18 years referred for diabetes prevention, planned for surgery",
        "Adults over 18 years receiving metformin or insulin, planned for surgery",
    ],
)
def test_a_list_that_may_qualify_its_items_is_not_split(text: str) -> None:
    """ "type 1 and type 2 diabetes": either; the list reader reads no item on its own."""
    assert bullet_signature(text, "Inclusion") in (
        "all-of(age:18..75a, text)",
        "all-of(age:>18a, text)",
        None,
    )


def test_a_narrower_diagnosis_is_not_read_beside_the_age() -> None:
    """ "nail psoriasis" is no psoriasis the record's codes would show: it stays in the TEXT
    member (moved from test_inclusion_diagnosis_parts, which asserted the whole bullet text)."""
    text = "Adults (≥18 years) with moderate-to-severe nail psoriasis"
    assert bullet_signature(text, "Inclusion") == "all-of(age:>=18a, text)"


def test_exclusion_bullets_are_not_read_by_the_clause_reader() -> None:
    """ "Subjects < 18 years with asthma" excludes minors with asthma only."""
    assert bullet_signature("Subjects < 18 years of age with asthma and a recent flare") is None


SEPSIS = "Adult patients (aged above 18 years) recently admitted with sepsis"
SEPSIS_DX = condition("Sepsis", (ICD, "A41.9", "Sepsis, unspecified organism"), onset="2026-11-28")
ACNE = (
    "Female subjects between 18 and 65 years of age currently taking oral antibiotics for a "
    "diagnosis of acne vulgaris"
)


def test_a_17_year_old_does_not_meet_the_age() -> None:
    person = record(patient(born="2009-06-01"), SEPSIS_DX)
    assert verdict_of_inclusion_bullet(SEPSIS, person) == "ineligible"


def test_a_40_year_old_with_the_rest_unknown_is_not_eligible_on_age_alone() -> None:
    person = record(patient(born="1986-05-01"))
    assert verdict_of_inclusion_bullet(ACNE, person) == "potential-candidate"
    # with the diagnosis read, and recorded: the TEXT residue still keeps it a candidate only
    septic = record(patient(born="1986-05-01"), SEPSIS_DX)
    assert verdict_of_inclusion_bullet(SEPSIS, septic) == "potential-candidate"


def test_a_man_does_not_meet_a_bullet_for_women() -> None:
    person = record(patient(gender="male", born="1986-05-01"))
    assert verdict_of_inclusion_bullet(ACNE, person) == "ineligible"


def test_the_whole_year_rule_holds_in_a_clause() -> None:
    """ "Patients 11 to no older than 17 years of age": a 17-year-old of 17 years and 11 months
    is no older than 17 in completed years."""
    text = "Patients 11 to no older than 17 years of age"
    assert verdict_of_inclusion_bullet(text, record(patient(born="2009-01-15"))) == "eligible"
    assert verdict_of_inclusion_bullet(text, record(patient(born="2008-11-15"))) == "ineligible"


def test_the_sex_of_the_rest_is_read_once() -> None:
    text = "Women aged 21 years or older receiving prenatal care at the clinic"
    assert bullet_signature(text, "Inclusion") == "all-of(age:>=21a, sex:female, text)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A word the normalizer makes a comparator ("under", "at least", "less than") bounds no
        # age: it stays in the residue.
        (
            "Patients > 18 years, scheduled for an elective interventional neuroradiology "
            "procedure under general anesthesia",
            "all-of(age:>18a, text)",
        ),
        (
            "Males, with at least a year of experience in heavylift exercises, age between 20 "
            "and 35 years.",
            "all-of(sex:male, age:20..35a, text)",
        ),
        (
            "Adults aged 30 to 70 years who will receive spinal anesthesia for surgeries lasting "
            "less than one hour",
            "all-of(age:30..70a, text)",
        ),
        # "y.o." is an age in years.
        (
            "Inpatient ≥18 y.o. who are scheduled elective colonoscopy during hospitalization",
            "all-of(age:>=18a, text)",
        ),
        # A heading that labels the list names no group.
        (
            "Participants' eligibility: Participants will be adults age 21 and above that have "
            "been diagnosed with T2D.",
            "all-of(age:>=21a, condition:diabetes-type-2)",
        ),
        (
            "Inclusion criteria: adults aged 18 years or older undergoing elective surgery",
            "all-of(age:>=18a, text)",
        ),
    ],
)
def test_words_around_the_age_that_bound_nothing_are_residue(text: str, expected: str) -> None:
    assert bullet_signature(text, "Inclusion") == expected


@pytest.mark.parametrize(
    "text",
    [
        # An age bound in words the finders do not read: the form would leave it out.
        "Women aged 18 years or older and under sixty years old",
        "Adults aged 18 years or more and younger than seventy",
        # A comparator with no word after it still refuses.
        "he patient is under 80 years old (≤), scheduled for surgery",
        # A group's label is no heading of the list.
        "Healthy Volunteers: Subjects must be aged 50 and over.",
        "Adolescent participants: Age 13-17 years, scheduled for surgery",
    ],
)
def test_an_age_bound_in_words_or_a_groups_label_still_refuses(text: str) -> None:
    assert bullet_signature(text, "Inclusion") is None


def test_a_17_year_old_fails_an_age_read_past_a_worded_comparator() -> None:
    text = (
        "Patients > 18 years, scheduled for an elective interventional neuroradiology "
        "procedure under general anesthesia"
    )
    assert verdict_of_inclusion_bullet(text, record(patient(born="2009-06-01"))) == "ineligible"
    assert (
        verdict_of_inclusion_bullet(text, record(patient(born="1980-06-01")))
        == "potential-candidate"
    )
