"""Criteria the compiler knows, stated with extra words (`rules.phrasing`), and bullets split at
an "and" (`compiler._joined_by_and`).

Texts are from the development studies of tests/data/criteria and tests/data/ctgov (not the
held-out sample). The expected forms were written from the clinical text.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.eligibility.rules import compile_text, read_text
from tests.eligibility.ehr_records import (
    AS_OF,
    NEGATIVE_HCG,
    PREGNANT,
    patient,
    record,
    result_of,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import signature

EXCLUSION, INCLUSION = True, False

READ = [
    # A last clause that only says what happens to the patients described.
    (
        "Patients aged below 18 or older than 65 would be excluded",
        EXCLUSION,
        "any-of(age:<18a, age:>65a)",
    ),
    ("Pregnant women would not be enrolled", EXCLUSION, "pregnancy:pregnancy"),
    ("Haemoglobin level< 10 g/dl were also excluded.", EXCLUSION, "lab:hemoglobin:<10g/dL"),
    (
        "Patients with Stage I or IV breast cancer are not eligible.",
        EXCLUSION,
        "all-of(any-of(stage:stage-1, stage:stage-4), condition:breast-cancer)",
    ),
    (
        "Individuals between the ages of 18-75 will be included in the study.",
        INCLUSION,
        "age:18..75a",
    ),
    ("individuals 18 years of age or older will be included.", INCLUSION, "age:>=18a"),
    (
        "Participants must be at least 18 years of age to participate; there is no upper-bound "
        "age limit",
        INCLUSION,
        "age:>=18a",
    ),
    # When the age is taken, "inclusive", and subject words that only restate the age.
    ("Age 18-85 at index", INCLUSION, "age:18..85a"),
    ("Age > 20 at the date of informed consent;", INCLUSION, "age:>20a"),
    ("Males or females ages 50-80 at the time of entry", INCLUSION, "age:50..80a"),
    ("Women 18 years of age or older at enrollment", INCLUSION, "all-of(sex:female, age:>=18a)"),
    ("Patients who are under the age of 18 at the start of the study.", EXCLUSION, "age:<18a"),
    ("Patient is between the ages of 50-70 years, inclusive.", INCLUSION, "age:50..70a"),
    ("Male or female, 18 years to 65 years old (inclusive)", INCLUSION, "age:18..65a"),
    ("Children under the age of 18;", EXCLUSION, "age:<18a"),
    ("Child 4-11 years of age", INCLUSION, "age:4..11a"),
    ("Children < 5 years old.", INCLUSION, "age:<5a"),
    # A current pregnancy, said in other words; how it is tested.
    ("pregnancy in progress", EXCLUSION, "pregnancy:pregnancy"),
    ("Ongoing pregnancy", EXCLUSION, "pregnancy:pregnancy"),
    ("Active Pregnancy", EXCLUSION, "pregnancy:pregnancy"),
    (
        "Pregnant women (Urine hCG test will be performed at baseline on women of child bearing "
        "potential).",
        EXCLUSION,
        "pregnancy:pregnancy",
    ),
    (
        "Pregnancy (pregnancy test will be taken pre-operatively in women of reproductive age)",
        EXCLUSION,
        "pregnancy:pregnancy",
    ),
    # A future pregnancy is not decidable: the current one excludes on its own.
    (
        "Pregnant women or women expecting/trying to become pregnant",
        EXCLUSION,
        "any-of(pregnancy:pregnancy, text)",
    ),
    ("Pregnancy or wishing/trying to get pregnant", EXCLUSION, "any-of(pregnancy:pregnancy, text)"),
    (
        "Current pregnancy, breastfeeding, or actively trying to get pregnant",
        EXCLUSION,
        "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding, text)",
    ),
    ("Pregnancy or preparing for pregnancy.", EXCLUSION, "any-of(pregnancy:pregnancy, text)"),
    (
        "Be a woman who is pregnant, nursing or planning a pregnancy;",
        EXCLUSION,
        "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding, text)",
    ),
    (
        "Current pregnancy (urine test-verified) or lactation, or a plan to become pregnant",
        EXCLUSION,
        "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding, text)",
    ),
    # How the state is learnt: a record that shows a pregnancy shows what the patient states.
    ("Pregnancy (as stated by patient)", EXCLUSION, "pregnancy:pregnancy"),
]


@pytest.mark.parametrize(("text", "exclusion", "expected"), READ)
def test_the_extra_words_are_read_past(text: str, exclusion: bool, expected: str) -> None:
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    assert signature(criterion) == expected


STAYS_TEXT = [
    # Allowing is not requiring: a patient without brain metastases must not fail it.
    ("Patients with brain metastases may be included", INCLUSION),
    ("Patients with measurable disease are eligible.", INCLUSION),
    # "Included" in an exclusion list is an allowance.
    ("Patients with HIV will be included", EXCLUSION),
    # The negation is what excludes; an exclusion reading would drop it.
    ("Patients without HIV will be excluded", EXCLUSION),
    ("Malignancy cannot be excluded", EXCLUSION),
    # The clause speaks of its own sentence only.
    ("History of hepatitis B. Patients with hepatitis B within 5 years are excluded.", EXCLUSION),
    # In a cancer study "any malignancy" is another one: not read through the clause.
    ("Patients with a history of any malignancy are ineligible", EXCLUSION),
    # The child is someone else; a parenthesis that allows is not about testing.
    ("Have a child age 3-18 that was hospitalized overnight", INCLUSION),
    ("Pregnancy (unless a negative serum test is obtained)", EXCLUSION),
    # Self-report of something else than the state itself.
    ("Pregnancy (self-reported history of miscarriage)", EXCLUSION),
]


@pytest.mark.parametrize(("text", "exclusion"), STAYS_TEXT)
def test_words_that_change_the_meaning_leave_the_bullet_text(text: str, exclusion: bool) -> None:
    assert compile_text(text, exclusion=exclusion, partial=True) is None


def test_an_exclusion_stated_in_an_inclusion_list_is_not_required() -> None:
    """ "Women who are pregnant are excluded" listed under Inclusion Criteria: NOT pregnant."""
    nodes = compile_outline(
        parse_outline(
            "Inclusion Criteria:\n"
            "- Women who are pregnant are excluded\n"
            "- Women who are pregnant or breastfeeding are not eligible\n"
            "- Patients aged below 18 or older than 65 would be excluded\n"
        )
    )
    assert [signature(node.criterion) for node in nodes] == [
        "NOT pregnancy:pregnancy",
        "all-of(NOT pregnancy:pregnancy, NOT breastfeeding:breastfeeding)",
        "all-of(age:>=18a, age:<=65a)",
    ]


def test_the_list_decides_what_excluded_means_and_unknown_stays_text() -> None:
    text = "Women who are pregnant are excluded"
    assert signature(read_text(text, section="exclusion").criterion) == "pregnancy:pregnancy"
    assert signature(read_text(text, section="inclusion").criterion) == "NOT pregnancy:pregnancy"
    assert read_text(text).criterion is None  # which list: unknown


def test_under_an_exclusion_lead_in_excluded_is_the_item_itself() -> None:
    (lead_in,) = compile_outline(
        parse_outline(
            "Exclusion Criteria:\n"
            "- Any of the following:\n"
            "  - Haemoglobin level < 10 g/dl were also excluded.\n"
            "  - Pregnant females.\n"
        )
    )
    assert [signature(child.criterion) for child in lead_in.children] == [
        "lab:hemoglobin:<10g/dL",
        "pregnancy:pregnancy",
    ]


# ---------------------------------------------------------------- "A and" / "B"


def _signatures(text: str) -> list[tuple[str, str | None]]:
    out = []

    def walk(nodes):
        for node in nodes:
            out.append((node.link_id, signature(node.criterion)))
            walk(node.children)

    walk(compile_outline(parse_outline(text)))
    return out


def test_an_exclusion_bullet_ending_in_and_does_not_exclude_on_its_own() -> None:
    """ "Pregnancy and" / "HIV infection": the outline split "pregnancy and HIV" — a pregnant
    patient without HIV is not excluded by it, nor an HIV patient who is not pregnant."""
    assert _signatures(
        "Exclusion Criteria:\n- Pregnancy and\n- HIV infection\n- Hepatitis B\n"
    ) == [("exc-1", None), ("exc-2", None), ("exc-3", "condition:hbv")]
    assert _signatures(
        "Exclusion Criteria:\n- Pregnancy\n- AND\n- HIV infection\n- Hepatitis B\n"
    ) == [("exc-1", None), ("exc-2", None), ("exc-3", None), ("exc-4", "condition:hbv")]
    # Under a lead-in whose sub-bullets each exclude.
    assert _signatures(
        "Exclusion Criteria:\n- Any of the following:\n  - Pregnancy and\n  - HIV infection\n"
        "  - Hepatitis B\n"
    ) == [("exc-1", None), ("exc-1.1", None), ("exc-1.2", None), ("exc-1.3", "condition:hbv")]


def test_and_still_joins_nothing_where_every_bullet_is_required_or_in_and_or() -> None:
    # Inclusion bullets are all required anyway: each half is.
    assert _signatures("Inclusion Criteria:\n- Pregnancy and\n- HIV infection\n") == [
        ("inc-1", "pregnancy:pregnancy"),
        ("inc-2", "condition:hiv"),
    ]
    # "and/or" is an or; a lead-in ending in "and:" joins its own sub-bullets.
    assert _signatures("Exclusion Criteria:\n- Pregnancy and/or\n- HIV infection\n") == [
        ("exc-1", "pregnancy:pregnancy"),
        ("exc-2", "condition:hiv"),
    ]


def test_the_bullets_joined_by_and_leave_the_patient_unknown_not_excluded() -> None:
    nodes = compile_outline(
        parse_outline("Exclusion Criteria:\n- Current pregnancy and\n- HIV infection\n")
    )
    assert all(node.criterion is None and node.needs_review for node in nodes)


# ---------------------------------------------------------------- evaluation

_PREGNANT = PREGNANT
_NEGATIVE_HCG = NEGATIVE_HCG
_verdict = verdict_of_inclusion_bullet


def test_a_pregnant_patient_is_ineligible_by_the_exclusion_in_the_inclusion_list() -> None:
    bullet = "Women who are pregnant are excluded"
    assert _verdict(bullet, record(patient(), _PREGNANT)) == "ineligible"
    assert _verdict(bullet, record(patient(), _NEGATIVE_HCG)) == "eligible"
    assert _verdict(bullet, record(patient())) == "potential-candidate"  # nothing recorded


def test_the_age_bounds_of_an_exclusion_in_the_inclusion_list_are_the_range_kept() -> None:
    bullet = "Patients aged below 18 or older than 65 would be excluded"

    def verdict(born: str) -> str:
        return _verdict(bullet, record(patient(born=born), as_of=AS_OF))

    assert verdict("1980-05-01") == "eligible"
    assert verdict("1958-05-01") == "ineligible"  # 68
    assert verdict("2010-05-01") == "ineligible"  # 16
    assert verdict("1961-06-01") == "eligible"  # 65 is not "older than 65"
    no_birth_date = {"resourceType": "Patient", "id": "p1", "gender": "female"}
    assert _verdict(bullet, record(no_birth_date, as_of=AS_OF)) == "potential-candidate"


def test_a_current_pregnancy_said_in_other_words_excludes_a_pregnant_patient() -> None:
    criterion = compile_text("pregnancy in progress", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), _PREGNANT)) == "met"
    assert result_of(criterion, record(patient(), _NEGATIVE_HCG)) == "not-met"
    assert result_of(criterion, record(patient())) == "unknown"
