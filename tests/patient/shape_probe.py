"""The export-shape probe: every development panel patient, transformed by each of
`export_shapes.TRANSFORMS`, evaluated against the same studies; every criterion's result and
every study verdict compared with the untransformed record's.

    python -m tests.patient.shape_probe                 # every transform, grouped differences
    python -m tests.patient.shape_probe unit-only-3     # one transform, each difference

An equivalent transform must change nothing. A losing one may move a result only towards
`unknown` (never met ↔ not-met, never a decision out of an unknown) and a verdict never to
`ineligible`.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from tests.panel.panel import AS_OF, DEV_SETS, bundle, expectations, study_records
from tests.patient.export_shapes import TRANSFORMS, Bundle, Transform, fingerprint

Results = dict[str, str]
"""``"study|cohort|link-id path" → result``, plus ``"study|verdict" → verdict``."""


@dataclass(frozen=True)
class Difference:
    transform: str
    family: str
    patient: str
    key: str
    before: str
    after: str
    reason_before: str
    reason_after: str

    @property
    def allowed(self) -> bool:
        if self.family == "equivalent":
            return False
        if self.key.endswith("|verdict"):
            return self.after != "ineligible" and not (
                self.before == "potential-candidate" and self.after == "eligible"
            )
        return self.after == "unknown" or (
            self.before == "not-applicable" and self.after == "unknown"
        )

    @property
    def direction(self) -> str:
        return f"{self.before} → {self.after}"


@cache
def _mapped(study: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from fhirtrial.mappers.ctgov import map_study

    resources = map_study(study_records()[study]).resources
    evidence_variable = next(r for r in resources if r["resourceType"] == "EvidenceVariable")
    return evidence_variable, resources[0].get("comparisonGroup") or []


def patients(set_names: Iterable[str] = DEV_SETS) -> list[tuple[str, str, tuple[str, ...]]]:
    """(set, patient, studies) of every panel patient."""
    studies: dict[tuple[str, str], list[str]] = {}
    for name in set_names:
        for expected in expectations(name):
            studies.setdefault((name, expected.patient), []).append(expected.study)
    return [(s, p, tuple(sorted(set(v)))) for (s, p), v in sorted(studies.items())]


def _flatten(prefix: str, criteria: Iterable[Any]) -> Iterator[tuple[str, str, str]]:
    for criterion in criteria:
        key = f"{prefix}{criterion.link_id}"
        yield key, criterion.result, criterion.reason
        yield from _flatten(key + "/", criterion.children)


def evaluate(record_bundle: Bundle, studies: Iterable[str]) -> tuple[Results, dict[str, str]]:
    from fhirtrial.eligibility.evaluation import evaluate_study
    from fhirtrial.patient.record import read_patient_bundle

    record = read_patient_bundle(record_bundle, as_of=AS_OF)
    results: Results = {}
    reasons: dict[str, str] = {}
    for study in studies:
        evidence_variable, groups = _mapped(study)
        evaluation = evaluate_study(
            evidence_variable, record, as_of=AS_OF, comparison_groups=groups or None
        )
        results[f"{study}|verdict"] = evaluation.verdict
        reasons[f"{study}|verdict"] = ""
        groups_done = evaluation.cohorts or [None]
        for cohort in groups_done:
            criteria = cohort.criteria if cohort is not None else evaluation.criteria
            label = cohort.link_id if cohort is not None else "-"
            for key, result, reason in _flatten(f"{study}|{label}|", criteria):
                results[key] = result
                reasons[key] = reason
    return results, reasons


def differences(
    transform: Transform, name: str, patient: str, studies: tuple[str, ...], original: Bundle
) -> list[Difference]:
    changed = transform.apply(original)
    if changed is None or fingerprint(changed) == fingerprint(original):
        return []
    before, why_before = evaluate(original, studies)
    after, why_after = evaluate(changed, studies)
    return [
        Difference(
            transform.name,
            transform.family,
            f"{name}/{patient}",
            key,
            before.get(key, "-"),
            after.get(key, "-"),
            why_before.get(key, ""),
            why_after.get(key, ""),
        )
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]


def probe(
    transforms: Iterable[Transform] = TRANSFORMS, set_names: Iterable[str] = DEV_SETS
) -> list[Difference]:
    found: list[Difference] = []
    chosen = list(transforms)
    for name, patient, studies in patients(set_names):
        original = bundle(name, patient)
        for transform in chosen:
            found += differences(transform, name, patient, studies, original)
    return found


def main(argv: list[str]) -> None:
    chosen = [t for t in TRANSFORMS if not argv or t.name in argv]
    found = probe(chosen)
    by_transform = Counter((d.transform, d.allowed) for d in found)
    print(f"{len(found)} differences ({sum(not d.allowed for d in found)} not allowed)")
    for transform in chosen:
        bad, ok = by_transform[(transform.name, False)], by_transform[(transform.name, True)]
        if bad or ok:
            print(f"  {transform.name:28} not allowed {bad:4}   allowed {ok:4}")
    for d in found:
        if d.allowed and len(argv) == 0:
            continue
        print(f"{d.transform} {d.patient} {d.key}: {d.direction}")
        print(f"    before: {d.reason_before[:220]}")
        print(f"    after:  {d.reason_after[:220]}")


if __name__ == "__main__":
    main(sys.argv[1:])
