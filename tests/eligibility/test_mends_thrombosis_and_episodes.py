"""A superficial arm thrombosis is no certain thromboembolic disease, and a nicotine dependence
in remission is no delirium (`mends`).

- "Thromboembolic disease": an acute thrombosis of the superficial veins of the arm (I82.61x) is
  a superficial thrombosis as that of the leg (I82.81x) is: one some authors count, most
  criteria do not mean; unknown like the leg's, not met. A superficial vein is no deep one: the
  hand-made deep-vein-thrombosis and venous-thromboembolism hold the deep and unspecified veins
  of the arm (I82.62, I82.60), not the superficial ones.
- An acute episode is a set of codes each naming one: the deliria of the substance categories
  (F1x.x21, F1x.x31), but F17.221 is "Nicotine dependence, chewing tobacco, in remission".

Expected results were written from the clinical text before running the code.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.evaluation.acute_episodes import is_acute_episode
from fhirtrial.eligibility.model import Criterion, Kind
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of


def _dx(code: str, title: str) -> dict:
    return condition(title, (ICD, code.replace(".", ""), title))


SUPERFICIAL_ARM = (
    "I82.611",
    "Acute embolism and thrombosis of superficial veins of right upper extremity",
)
DEEP_ARM = ("I82.621", "Acute embolism and thrombosis of deep veins of right upper extremity")
SUPERFICIAL_LEG = (
    "I82.811",
    "Embolism and thrombosis of superficial veins of right lower extremity",
)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [(SUPERFICIAL_ARM, "unknown"), (SUPERFICIAL_LEG, "unknown"), (DEEP_ARM, "met")],
)
def test_a_superficial_thrombosis_of_the_arm_may_be_a_thromboembolic_disease(
    entry: tuple[str, str], expected: str
) -> None:
    criterion = Criterion(Kind.CONDITION, concept="thromboembolic-disease")
    assert result_of(criterion, record(patient(), _dx(*entry))) == expected


@pytest.mark.parametrize("concept", ["deep-vein-thrombosis", "venous-thromboembolism"])
def test_a_deep_arm_thrombosis_is_a_deep_vein_thrombosis(concept: str) -> None:
    criterion = Criterion(Kind.CONDITION, concept=concept)
    assert result_of(criterion, record(patient(), _dx(*DEEP_ARM))) == "met"


@pytest.mark.parametrize(
    ("concept", "expected"),
    [
        ("icd10cm:F05+F10.121+F10.231", True),
        ("icd10cm:F05+F17.221", False),
        ("icd10cm:F17.221", False),
    ],
)
def test_a_nicotine_dependence_in_remission_is_no_episode(concept: str, expected: bool) -> None:
    assert is_acute_episode(concept) is expected
