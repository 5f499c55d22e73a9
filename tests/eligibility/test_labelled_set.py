"""Precision and coverage of the compiler on the hand-labelled criteria (≥ 150, real texts).

Precision: of the criteria the compiler makes computable, the share whose structured form equals
the label. Coverage: of the criteria labelled computable, the share the compiler makes computable.
"""

from __future__ import annotations

import json
from pathlib import Path

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.signature import signature

LABELS = json.loads((Path(__file__).parent / "labelled_criteria.json").read_text(encoding="utf-8"))
CRITERIA = LABELS["criteria"]


def _compiled(item: dict) -> str | None:
    return signature(compile_criterion(item["text"], exclusion=item["exclude"]))


def test_labelled_set_is_large_enough_and_from_real_records() -> None:
    assert len(CRITERIA) >= 150
    assert sum(1 for item in CRITERIA if item["expected"]) >= 100
    assert {item["source"] for item in CRITERIA} >= {"seed:NCT05361174", "seed:NCT05398640"}


def test_precision_and_coverage() -> None:
    computable = [(item, _compiled(item)) for item in CRITERIA]
    made = [(item, got) for item, got in computable if got is not None]
    correct = [item for item, got in made if got == item["expected"]]
    labelled = [item for item, _ in computable if item["expected"]]
    covered = [item for item, got in computable if item["expected"] and got is not None]
    precision = len(correct) / len(made)
    coverage = len(covered) / len(labelled)
    wrong = [(item["text"], got, item["expected"]) for item, got in made if got != item["expected"]]
    print(f"\nlabelled criteria: {len(CRITERIA)}, computable by label: {len(labelled)}")
    print(
        f"precision {precision:.3f} ({len(correct)}/{len(made)}), "
        f"coverage {coverage:.3f} ({len(covered)}/{len(labelled)})"
    )
    assert precision >= 0.95, wrong
    assert coverage >= 0.8


def test_seed_criteria_that_ehr_data_can_decide_are_all_computable() -> None:
    seeds = [item for item in CRITERIA if item["source"].startswith("seed:")]
    missing = [item["text"] for item in seeds if item["expected"] and _compiled(item) is None]
    assert missing == []
    wrong = [
        item["text"] for item in seeds if item["expected"] and _compiled(item) != item["expected"]
    ]
    assert wrong == []
