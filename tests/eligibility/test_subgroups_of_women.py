"""Women of a subgroup are no population of the study (fourteenth session, `mends`).

"Female subjects who are not of reproductive potential", "Women who are unable to conceive",
"Women who are abstinent", "Female participants who are sterile": fertility, sterility,
abstinence, menopause or hysterectomy after the sex describe some of the women a study takes
(NCT03921450 exc-9, NCT03925116 exc-1, NCT03921411 inc-7, NCT03925285 exc-8), not a requirement
that every patient be a woman. Beside "Male or female aged 18 to 65 years" a man is not turned
away by them: a bullet naming both sexes is a population of the other sex too.

Expected forms and verdicts were written from the clinical text before running the code.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import criteria_text, patient, record, verdict_of_study
from tests.eligibility.signature import signature

SUBGROUPS = [
    "Female subjects who are not of reproductive potential",
    "Women who are unable to conceive",
    "Women who are abstinent",
    "Female participants who are sterile",
    "Women who are postmenopausal",
    "Women who have had a hysterectomy",
]


@pytest.mark.parametrize("bullet", SUBGROUPS)
def test_a_subgroup_of_women_does_not_require_the_sex(bullet: str) -> None:
    assert "sex:" not in (signature(compile_text(bullet, partial=True)) or "")


@pytest.mark.parametrize("bullet", SUBGROUPS)
def test_a_man_beside_male_or_female_is_not_ineligible(bullet: str) -> None:
    text = criteria_text(["Male or female aged 18 to 65 years", bullet], [])
    man = record(patient(gender="male", born="1980-05-05"))
    assert verdict_of_study(text, man) != "ineligible"


def test_a_population_of_women_beside_both_sexes_is_left_for_review() -> None:
    # "Women who reside within the catchment area" alone requires a woman; beside a bullet that
    # takes men and women it may describe some of them.
    text = criteria_text(
        ["Male or female aged 18 to 65 years", "Women who reside within the catchment area"], []
    )
    man = record(patient(gender="male", born="1980-05-05"))
    assert verdict_of_study(text, man) != "ineligible"


def test_a_population_of_women_alone_still_requires_the_sex() -> None:
    assert (
        signature(compile_text("Women who reside within the catchment area", partial=True))
        == "all-of(sex:female, text)"
    )
