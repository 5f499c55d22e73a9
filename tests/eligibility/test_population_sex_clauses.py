"""An inclusion bullet whose population is one sex, followed by a clause no record decides.

"Women who reside within the larger catchment area of the selected 3 health facilities", "Women
able to read and write in English", "Woman reports no contraindications to medical abortion":
whatever the clause says, the patient must be of that sex, so the bullet is all-of(sex, TEXT) —
a man is `ineligible`, a woman at best a candidate for review (`rules.demographic_parts`, the
head `rules.population_sex.population_sex_head`).

Left text: a clause naming what a record could decide ("Women with intramural fibroid …", "women
receiving PrEP": the form would lack that part, as `demographic_parts` refuses for an age), the
sex as the scope of a requirement ("Males must agree to use contraception", "Women of
childbearing potential must …": a man need not), another person or sex ("… and individuals who
…", "women or men"), a group's label or count ("Man (2 pts)", "(control group)"), an allowance,
and any exclusion bullet. An inclusion list that requires one sex in one bullet and the other in
another ("Women aged 50 or older" / "Men aged 50 or older") names two populations: every bullet
requiring a sex then stays text (`sex_conflicts`), as NCT03868033's "Postmenopausal women" /
"Men >50-year-old" do.

Development bullets read: NCT03923023 inc-2, NCT03925116 inc-2, NCT03931460 inc-4; refused:
NCT03796130 inc-1, NCT03935464 inc-3, NCT03796013 inc-4, NCT03920267 inc-4, NCT03924479 inc-9,
NCT03933007 inc-1.2.1, NCT03936309 inc-2 (a noun after the sex: its age reading is unchanged)."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    criteria_text,
    patient,
    record,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)
from tests.eligibility.signature import signature

POSSIBLE = "potential-candidate"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Women who reside within the larger catchment area of the selected 3 health facilities",
            "all-of(sex:female, text)",
        ),
        ("Women able to read and write in English", "all-of(sex:female, text)"),
        ("Woman reports no contraindications to medical abortion", "all-of(sex:female, text)"),
        ("Male volunteers who live within walking distance of the site", "all-of(sex:male, text)"),
        # A noun after the sex: another population, read with its age as before.
        ("Female DoD beneficiaries age 18 years or older", "all-of(sex:female, age:>=18a, text)"),
    ],
)
def test_inclusion_forms(text: str, expected: str) -> None:
    compiled = compile_text(text, partial=True)
    assert (signature(compiled) if compiled else "-") == expected


@pytest.mark.parametrize(
    "text",
    [
        # The clause names what a record decides: the form would lack that part.
        "Women with intramural fibroid without any cavity involvement",
        "men with DE and metabolic syndrome",
        "women receiving PrEP",
        # The sex is the scope of a requirement, not one: a man need not meet it.
        "Males must agree to use contraception and to refrain from sperm donation",
        "Women of childbearing potential must have a negative urine pregnancy test",
        "Women who are planning a pregnancy within the next year",
        # A pregnancy said otherwise: a state the form would lack.
        "Women in the third trimester",
        "Women attending the antenatal clinic",
        # Someone else, the other sex, a group or its count: not the patient's sex alone.
        "Non-pregnant women, and individuals who are able to exercise",
        "Women or men who live in the community",
        "Women and their partners attending the clinic",
        "Man (2 pts)",
        "Women who live in the community (control group)",
        "Women: able to read English",
        "Women who are eligible for the screening programme",
        "Female-to-male transgender persons living in the city",
    ],
)
def test_no_sex_required(text: str) -> None:
    compiled = compile_text(text, partial=True)
    assert compiled is None or "sex:" not in signature(compiled)


@pytest.mark.parametrize(
    "text", ["Women who refuse consent for participation", "Women able to read English"]
)
def test_exclusions_stay_text(text: str) -> None:
    # all-of(sex, TEXT) is no exclusion's alternative: it would exclude no one the text names.
    compiled = compile_text(text, exclusion=True, partial=True)
    assert compiled is None or "sex:" not in signature(compiled)


@pytest.mark.parametrize(("gender", "verdict"), [("male", "ineligible"), ("female", POSSIBLE)])
def test_the_sex_decides_only_against(gender: str, verdict: str) -> None:
    person = record(patient(gender=gender, born="1980-01-01"))
    assert verdict_of_inclusion_bullet("Women able to read and write in English", person) == verdict


def _inclusion_signatures(inclusion: list[str]) -> list[str]:
    nodes = compile_outline(parse_outline(criteria_text(inclusion, ["Pregnancy"])))
    return [signature(node.criterion) or "text" for node in nodes[: len(inclusion)]]


def test_two_sexes_required_by_two_bullets_are_two_populations() -> None:
    assert _inclusion_signatures(["Women aged 50 or older", "Men aged 50 or older"]) == [
        "text",
        "text",
    ]


def test_a_population_of_the_other_sex_not_read_still_counts() -> None:
    # NCT03868033: "Postmenopausal women" stays text, yet names the study's other population.
    assert _inclusion_signatures(["Postmenopausal women", "Men >50-year-old"]) == ["text", "text"]


def test_a_condition_on_the_other_sex_is_no_population() -> None:
    signatures = _inclusion_signatures(
        ["Men aged 50 or older", "Women of childbearing potential must use contraception"]
    )
    assert signatures[0] == "all-of(sex:male, age:>=50a)"


def test_one_sex_in_two_bullets_stays_read() -> None:
    assert _inclusion_signatures(["Women aged 50 or older", "Women able to read English"]) == [
        "all-of(sex:female, age:>=50a)",
        "all-of(sex:female, text)",
    ]


@pytest.mark.parametrize("gender", ["male", "female"])
@pytest.mark.parametrize(
    "inclusion",
    [
        ["Women aged 50 or older", "Men aged 50 or older"],
        ["Postmenopausal women", "Men >50-year-old"],
    ],
)
def test_a_study_of_women_and_men_turns_neither_away(gender: str, inclusion: list[str]) -> None:
    text = criteria_text(inclusion, [])
    person = record(patient(gender=gender, born="1950-01-01"))
    assert verdict_of_study(text, person) != "ineligible"
