"""The realistic patient panel: EHR-style bundles with verdicts written from the criteria text.

Each set (`dev-melanoma`, `dev-lung`, `dev-breast`, `dev-general`, `holdout`) holds
`bundles/<patient>.json` and `expectations.json` (patient, study, verdict, one-line clinical
reason). `dev-general` names studies of the development texts, read as CT.gov records built from
their criteria text alone. How the sets were
written is in WRITING.md; `holdout/` is frozen and never used to write rules.

`python -m tests.panel.panel [SET…]` prints the confusion table and every disagreement, evaluating
in-process (the same `evaluate_study` `$match` calls); `test_panel.py` runs the sets through
`ResearchStudy/$match` against a real database.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

PANEL = Path(__file__).resolve().parent
DATA = PANEL.parent / "data"
AS_OF = date(2026, 12, 1)
DEV_SETS = ("dev-melanoma", "dev-lung", "dev-breast", "dev-general")
HOLDOUT = "holdout"
VERDICTS = ("eligible", "potential-candidate", "ineligible")


@dataclass(frozen=True)
class Expectation:
    patient: str
    study: str
    verdict: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    expectation: Expectation
    verdict: str
    deciding: str

    @property
    def correct(self) -> bool:
        return self.verdict == self.expectation.verdict

    @property
    def wrongly_ineligible(self) -> bool:
        """The worst error: a patient who could join is told the trial is not for them."""
        return self.verdict == "ineligible" and self.expectation.verdict != "ineligible"


def expectations(set_name: str) -> list[Expectation]:
    raw = json.loads((PANEL / set_name / "expectations.json").read_text(encoding="utf-8"))
    return [Expectation(e["patient"], e["study"], e["verdict"], e["reason"]) for e in raw]


def bundle(set_name: str, patient: str) -> dict[str, Any]:
    path = PANEL / set_name / "bundles" / f"{patient}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def study_records() -> dict[str, dict[str, Any]]:
    """CT.gov API v2 records of every study the panel names: the seeds, the breast studies and
    the development-text studies of `dev-general`."""
    records: dict[str, dict[str, Any]] = {}
    seeds = files("fhirtrial.data") / "seeds"
    for nct_id in ("NCT05361174", "NCT05398640"):
        records[nct_id] = json.loads((seeds / f"{nct_id}.json").read_text("utf-8"))
    for line in (DATA / "ctgov" / "breast-cancer-studies.ndjson").read_text().splitlines():
        if line.strip():
            record = json.loads(line)
            records[record["protocolSection"]["identificationModule"]["nctId"]] = record
    return records | development_study_records()


@cache
def development_study_records() -> dict[str, dict[str, Any]]:
    """The `dev-general` studies as CT.gov records built from their development text alone.

    The corpus holds a study's NCT id and criteria text only: no ages, sex, conditions or
    status, so the record says nothing more (status `UNKNOWN`, the truth for a text of 2019)."""
    from tests.eligibility.corpus import development_texts

    wanted = {e.study for e in expectations("dev-general")}
    return {
        row["nctId"]: {
            "protocolSection": {
                "identificationModule": {"nctId": row["nctId"], "briefTitle": row["nctId"]},
                "statusModule": {"overallStatus": "UNKNOWN"},
                "eligibilityModule": {"eligibilityCriteria": row["eligibilityCriteria"]},
            }
        }
        for row in development_texts()
        if row["nctId"] in wanted
    }


def studies_of(set_names: tuple[str, ...]) -> list[str]:
    return sorted({e.study for name in set_names for e in expectations(name)})


def evaluate_set(set_name: str) -> list[Outcome]:
    """Evaluate in-process: map each study, read each bundle, `evaluate_study`."""
    from fhirtrial.eligibility.evaluation import evaluate_study
    from fhirtrial.mappers.ctgov import map_study
    from fhirtrial.patient.record import read_patient_bundle

    mapped: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    outcomes = []
    for expected in expectations(set_name):
        if expected.study not in mapped:
            resources = map_study(study_records()[expected.study]).resources
            evidence_variable = next(
                r for r in resources if r["resourceType"] == "EvidenceVariable"
            )
            mapped[expected.study] = (evidence_variable, resources[0].get("comparisonGroup") or [])
        evidence_variable, groups = mapped[expected.study]
        record = read_patient_bundle(bundle(set_name, expected.patient), as_of=AS_OF)
        evaluation = evaluate_study(
            evidence_variable, record, as_of=AS_OF, comparison_groups=groups or None
        )
        outcomes.append(Outcome(expected, evaluation.verdict, _deciding(evaluation)))
    return outcomes


def _deciding(evaluation: Any) -> str:
    failing = [c for c in evaluation.criteria if c.failing]
    shown = failing or [c for c in evaluation.criteria if c.result == "unknown"]
    return " | ".join(f"{c.link_id} {c.result}: {c.reason[:160]}" for c in shown[:4])


def summary(outcomes: list[Outcome]) -> str:
    table = Counter((o.expectation.verdict, o.verdict) for o in outcomes)
    correct = sum(o.correct for o in outcomes)
    lines = [
        f"{correct}/{len(outcomes)} correct ({correct / max(len(outcomes), 1):.1%}); "
        f"wrongly ineligible: {sum(o.wrongly_ineligible for o in outcomes)}",
        "expected \\ got: " + "  ".join(VERDICTS),
    ]
    for wanted in VERDICTS:
        lines.append(f"  {wanted:20}" + "".join(f"{table[(wanted, got)]:>10}" for got in VERDICTS))
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    names = tuple(argv) or DEV_SETS
    everything: list[Outcome] = []
    for name in names:
        outcomes = evaluate_set(name)
        everything += outcomes
        print(f"== {name}: {summary(outcomes)}")
        if name == HOLDOUT:
            continue  # frozen: scored, never read case by case while rules are written
        for outcome in outcomes:
            if not outcome.correct:
                e = outcome.expectation
                print(f"  {e.patient} {e.study}: expected {e.verdict}, got {outcome.verdict}")
                print(f"     why expected: {e.reason}")
                print(f"     got because:  {outcome.deciding}")
    if len(names) > 1:
        print(f"== all: {summary(everything)}")


if __name__ == "__main__":
    main(sys.argv[1:])
