"""Criteria listed per population ("Inclusion Criteria: Adolescents … Inclusion Criteria: Parents",
"For the healthy group: …"): each population's criteria hold for it alone.

Read as one list, a parent aged 40 fails the adolescents' "Age 12-18" and a volunteer with type 2
diabetes fails the healthy group's HbA1c bound: both would be wrongly ineligible.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.outline import bare_population, parse_outline
from fhirtrial.patient.record import PatientRecord
from tests.eligibility.ehr_records import LOINC, observation, patient, record, verdict_of_study

PER_POPULATION_HEADERS = """Inclusion Criteria:Adolescents
  1. Age 12-18
  2. Fluent in English
Inclusion Criteria:Parents
  1. Age >18
  2. Fluent in English
Exclusion Criteria: Adolescent
  1. Pregnant adolescent
Exclusion Criteria: Parents
  1. Use of anti-psychotic medication
"""

PER_POPULATION_LEAD_INS = """Inclusion Criteria:
- Adults aged 18 to 70 years
Exclusion Criteria:
For the healthy group:
  -  HbA1c above 48mmol/mol (or 6.5%)
  -  pregnant or breastfeeding
For the T2D groups:
  -  pregnant or breastfeeding
"""


def _verdict(text: str, person: PatientRecord) -> str:
    return verdict_of_study(text, person)


def _cohorts(text: str) -> dict[str, str | None]:
    return {node.link_id: node.cohort for node in parse_outline(text).walk()}


def test_a_population_after_the_header_colon_owns_the_criteria_under_it() -> None:
    cohorts = _cohorts(PER_POPULATION_HEADERS)
    assert cohorts["inc-1"] == cohorts["inc-1.1"] == cohorts["inc-1.2"] == "Adolescent"
    assert cohorts["inc-2"] == cohorts["inc-2.1"] == "Parent"
    # Singular and plural name one population: the adolescents' exclusions are theirs.
    assert cohorts["exc-1.1"] == "Adolescent"
    assert cohorts["exc-2.1"] == "Parent"


def test_a_population_lead_in_owns_the_items_under_it() -> None:
    cohorts = _cohorts(PER_POPULATION_LEAD_INS)
    assert cohorts["exc-1.1"] == cohorts["exc-1.2"] == "Healthy group"
    assert cohorts["exc-2.1"] == "T2D group"
    assert cohorts["inc-1"] is None  # the list before them is everyone's


@pytest.mark.parametrize(
    ("born", "not_expected"),
    [("1986-01-01", "ineligible"), ("2011-06-01", "ineligible")],
    ids=["parent-aged-40", "adolescent-aged-15"],
)
def test_each_population_is_held_to_its_own_criteria(born: str, not_expected: str) -> None:
    assert _verdict(PER_POPULATION_HEADERS, record(patient(born=born))) != not_expected


def test_someone_in_neither_age_band_is_still_ineligible() -> None:
    # Aged 8: neither an adolescent (12-18) nor a parent (>18).
    assert _verdict(PER_POPULATION_HEADERS, record(patient(born="2018-06-01"))) == "ineligible"


def _hba1c(percent: float) -> dict[str, Any]:
    return observation(
        (LOINC, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"),
        "2026-11-20",
        valueQuantity={"value": percent, "unit": "%", "system": "http://unitsofmeasure.org"},
    )


def test_the_healthy_groups_hba1c_bound_does_not_exclude_the_diabetes_group() -> None:
    person = record(patient(born="1970-01-01"), _hba1c(7.4))
    assert _verdict(PER_POPULATION_LEAD_INS, person) != "ineligible"


@pytest.mark.parametrize(
    ("line", "population"),
    [
        ("Adolescents", "Adolescent"),
        ("For the healthy group:", "Healthy group"),
        ("For the T2D groups:", "T2D group"),
        ("Healthy volunteers:", "Healthy volunteer"),
        ("Children", "Child"),
        ("Patients with any of the following:", None),  # everyone's list, with a lead-in
        ("Patients with melanoma", None),  # a criterion
        ("The following:", None),
    ],
)
def test_only_a_bare_population_name_is_a_population(line: str, population: str | None) -> None:
    assert bare_population(line) == population
