"""A diagnosis read with the value that defines it: absent from the record is not "not met".

"Chronic kidney disease stage 3 (eGFR 30-59 mL/min/1.73 m2)", "Hypertension (systolic ≥ 140
or diastolic ≥ 90 mmHg)", "Diabetes (HbA1c ≥ 6.5%)" compile to all-of(diagnosis, value)
(`rules.labs._labels`: one high reading is not the disease). Problem lists under-code these
diagnoses, so a record whose own value meets the bound the text gives may hold the disease
uncoded: inside an all-of, such a diagnosis that is `not-met` becomes `unknown` when a sibling
value on the disease's side is `met` (docs/eligibility-evaluation.md), wherever a `not-met`
counts against the patient (an inclusion, a member negated inside an exclusion; the evaluator
does not call this where `met` rules the patient out: one high reading without the diagnosis
still does not meet "Uncontrolled hypertension (systolic > 160 mmHg)" as an exclusion, which
stays as it was). It never becomes `met`,
and nothing else changes: a value that fails the bound leaves the all-of `not-met` as before,
a recorded diagnosis is read as before. Replacing a definite outcome by `unknown` can never
turn a three-valued combination from `met` into `not-met` or back, so no inclusion fails and no
exclusion is met that was not before, negated or not.

The converse holds where treatment hides the disease: "Hypertension (SBP ≥ 140 or DBP ≥ 90)",
"Diabetes defined as HbA1c > 6.5%" — a value the text gives as the disease's definition
(`rules.labs` marks it `defining`; not after "uncontrolled", "poorly controlled", "severe" …,
where the value is what the criterion asks for now) that is `not-met` becomes `unknown` when the
diagnosis beside it is recorded: the definition says how the disease was diagnosed, and a
treated patient's pressure or HbA1c need not meet it today (or the study may want it now: the
text does not say). Only for hypertension and diabetes; a recorded CKD stage 3 with an eGFR of
75 no longer has the disease as the text defines it.

A value defines the disease only on the disease's side ("HbA1c < 8%" in "Diabetes (HbA1c <
8%)" is a control target a non-diabetic meets): an upper bound on eGFR or clearance, a lower
bound on blood pressure, HbA1c, glucose, creatinine or BMI.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.model import Criterion, Kind

_DEFINING = "defining"  # `rules.labs.DEFINING`
# Diseases whose treatment brings the defining value below the bound: a treated hypertensive's
# blood pressure, a treated diabetic's HbA1c. (A recorded CKD stage 3 with an eGFR of 75, an
# obesity entry with a BMI of 26: the disease as defined is no longer there.)
_TREATED_BELOW_THEIR_DEFINITION = frozenset(
    {"hypertension", "diabetes-mellitus", "diabetes-type-1", "diabetes-type-2"}
)
_ABOVE: tuple[str, ...] = (">", ">=")
_BELOW: tuple[str, ...] = ("<", "<=")
_GLYCAEMIA: dict[str, tuple[str, ...]] = {
    "hba1c": _ABOVE,
    "glucose": _ABOVE,
    "fasting-glucose": _ABOVE,
}
# The diagnosis → the measurements that define it → the comparators on the disease's side.
_DEFINED_BY: dict[str, dict[str, tuple[str, ...]]] = {
    "hypertension": {"systolic-bp": _ABOVE, "diastolic-bp": _ABOVE},
    "diabetes-mellitus": _GLYCAEMIA,
    "diabetes-type-1": _GLYCAEMIA,
    "diabetes-type-2": _GLYCAEMIA,
    "chronic-kidney-disease": {
        "egfr-lab": _BELOW,
        "creatinine-clearance": _BELOW,
        "creatinine": _ABOVE,
    },
    "obesity": {"bmi": _ABOVE},
    "morbid-obesity": {"bmi": _ABOVE},
}


def _defining(criterion: Criterion | None) -> dict[str, tuple[str, ...]] | None:
    """The measurements that define an affirmed diagnosis leaf, if it is one of those, or an
    any-of of such leaves all defined alike ("Type 1 or type 2 diabetes": either type)."""
    if criterion is None or criterion.negated:
        return None
    if criterion.kind is Kind.COMBINATION:
        if criterion.combination != "any-of" or not criterion.children:
            return None
        each = [_defining(child) for child in criterion.children]
        first = each[0]
        return first if first is not None and all(e == first for e in each) else None
    if criterion.kind is not Kind.CONDITION:
        return None
    if criterion.window is not None:
        return None  # "diagnosed within 5 years": a value says nothing of when
    return _DEFINED_BY.get(criterion.concept or "")


def _measures(value: Criterion, sides: dict[str, tuple[str, ...]]) -> bool:
    """Only measurements of the disease, affirmed and in plain units (no × ULN)."""
    if value.negated:
        return False
    if value.kind is Kind.COMBINATION:
        return bool(value.children) and all(_measures(c, sides) for c in value.children)
    return value.kind is Kind.LAB and value.concept in sides and not value.uln_multiple


def _toward(value: Criterion, sides: dict[str, tuple[str, ...]]) -> bool:
    """Whether meeting `value` puts the measurement on the disease's side of some bound."""
    if value.kind is Kind.COMBINATION:
        if value.combination == "any-of":
            return all(_toward(c, sides) for c in value.children)
        if value.combination == "all-of":
            return any(_toward(c, sides) for c in value.children)
        return False
    if value.value is not None and value.high is not None:
        return True  # a range has both bounds: one of them is on the disease's side
    return value.comparator in sides.get(value.concept or "", ())


def defines(condition: Criterion | None, value: Criterion | None) -> bool:
    """Whether `value` is a bound on the measurement that defines the diagnosis `condition`."""
    sides = _defining(condition)
    if sides is None or value is None:
        return False
    return _measures(value, sides) and _toward(value, sides)


def relieved(
    code: str, members: Sequence[Criterion | None], findings: Sequence[Finding]
) -> list[Finding]:
    """The findings of an all-of's members, a value-defined diagnosis that is `not-met` made
    `unknown` when a sibling value defining it is `met`; others unchanged."""
    out = list(findings)
    if code != "all-of" or len(members) != len(findings):
        return out
    results = {f.result for f in findings}
    if "met" not in results or "not-met" not in results:
        return out  # both directions relieve a not-met beside a met: the common case has none
    for i, (member, finding) in enumerate(zip(members, findings, strict=True)):
        if finding.result != "not-met" or _defining(member) is None:
            continue
        for j, other in enumerate(members):
            if j != i and findings[j].result == "met" and defines(member, other):
                out[i] = Finding(
                    "unknown",
                    f"{finding.reason}; but the recorded value meets the bound that defines "
                    f"it (the diagnosis may be present and uncoded)",
                    tuple(dict.fromkeys((*finding.evidence, *findings[j].evidence))),
                )
                break
    for i, (member, finding) in enumerate(zip(members, findings, strict=True)):
        if finding.result != "not-met" or not _is_defining(member):
            continue
        for j, other in enumerate(members):
            if j == i or findings[j].result != "met" or other is None:
                continue
            if _treated_below(other) and defines(other, member):
                out[i] = Finding(
                    "unknown",
                    f"{finding.reason}; but the diagnosis it defines is recorded, and a "
                    f"treated patient's value need not meet the definition today",
                    tuple(dict.fromkeys((*finding.evidence, *findings[j].evidence))),
                )
                break
    return out


def _treated_below(diagnosis: Criterion) -> bool:
    """A diagnosis whose treatment brings its defining value below the bound, or an any-of of
    such diagnoses."""
    if diagnosis.kind is Kind.COMBINATION:
        return diagnosis.combination == "any-of" and all(
            _treated_below(child) for child in diagnosis.children
        )
    return diagnosis.concept in _TREATED_BELOW_THEIR_DEFINITION


def _is_defining(value: Criterion | None) -> bool:
    """Whether every measurement of the value defines the disease beside it (`rules.labs`:
    "Hypertension (SBP > 140 or DBP > 90)", not "Uncontrolled hypertension (SBP > 160)")."""
    if value is None or value.negated:
        return False
    if value.kind is Kind.COMBINATION:
        return bool(value.children) and all(_is_defining(c) for c in value.children)
    return _DEFINING in value.qualifiers
