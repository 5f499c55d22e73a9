"""Criteria of one study that belong to different people must not all be held against one.

A study of nursing mothers and their infants, of adolescents and their mothers: a bullet about
one population compiled as a requirement of every patient rules out the other population.
"""

from __future__ import annotations

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.outline import parse_outline, population_prefix
from fhirtrial.eligibility.rules import read_text
from tests.eligibility.ehr_records import (
    LOINC,
    criteria_text,
    observation,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature


def _signatures(text: str) -> dict[str, str | None]:
    return {n.link_id: signature(n.criterion) for n in compile_outline(parse_outline(text))}


def test_ages_no_one_has_are_left_as_text() -> None:
    # The mother is the subject; the infant's age is not hers.
    text = criteria_text(["Subject ≥ 18 years old", "Infant is ≥1 and ≤6 month old"], [])
    assert _signatures(text) == {"inc-1": None, "inc-2": None}
    mother = record(patient(born="1994-05-01"))
    assert verdict_of_study(text, mother) == "potential-candidate"


def test_ages_one_person_can_have_are_kept() -> None:
    text = criteria_text(["Age ≥ 18 years", "Age under 65 years", "Type 2 diabetes"], [])
    assert _signatures(text)["inc-1"] == "age:>=18a"
    assert _signatures(text)["inc-2"] == "age:<65a"
    assert verdict_of_study(text, record(patient(born="1950-01-01"))) == "ineligible"


def test_age_conflict_only_among_inclusion_requirements() -> None:
    # An exclusion age is no requirement: "under 18" excluded beside "≥ 18" required is one rule.
    text = criteria_text(["Age ≥ 18 years"], ["Age under 18 years"])
    assert _signatures(text) == {"inc-1": "age:>=18a", "exc-1": "age:<18a"}


def test_population_prefix_names_a_population() -> None:
    assert population_prefix("Adult participants:BMI ≧ 18.0") == "Adult participant"
    assert population_prefix("Adolescent participants: Age 13-17 years") == "Adolescent participant"
    assert population_prefix("Healthy control group: age 30-70") == "Healthy control group"
    assert population_prefix("All Groups: subjects aged 18-89") is None
    assert population_prefix("Patients: age ≥ 18") is None
    assert population_prefix("Note: age ≥ 18") is None
    assert population_prefix("BMI ≥ 18") is None


def test_a_criterion_of_the_adults_does_not_rule_out_an_adolescent() -> None:
    text = criteria_text(
        [
            "BMI ≦ 40.0",
            "Adult participants: Biological mother of adolescent participant",
            "Adult participants:BMI ≧ 18.0",
            "Adolescent participants: Age 13-17 years",
            "Adolescent participants: BMI ≧ 16.0",
        ],
        ["Current psychiatric diagnosis"],
    )
    nodes = {n.link_id: n for n in compile_outline(parse_outline(text))}
    assert nodes["inc-3"].cohort == "Adult participant"
    assert signature(nodes["inc-3"].criterion) == "lab:bmi:>=18kg/m2"
    bmi = observation(
        (LOINC, "39156-5", "Body mass index"),
        "2026-11-01",
        valueQuantity={"value": 17.0, "unit": "kg/m2"},
    )
    adolescent = record(patient(born="2011-03-01"), bmi)
    assert verdict_of_study(text, adolescent) == "potential-candidate"


def test_the_age_of_the_patients_child_is_not_the_patients() -> None:
    for bullet in ("Having a child aged 3 to 5 years", "Mother of an infant aged 1-6 months"):
        reading = read_text(bullet, partial=True, section="inclusion")
        assert signature(reading.criterion) is None, bullet
    assert signature(read_text("Children aged 6-36 months").criterion) == "age:6..36mo"
    parent = record(patient(born="1990-01-01"))
    text = criteria_text(["Having a child aged 3 to 5 years"], [])
    assert verdict_of_study(text, parent) == "potential-candidate"
