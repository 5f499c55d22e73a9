"""Obstetric criteria against a record: diagnoses of a pregnancy and the current gestational age.

A diagnosis of `terminology/obstetric.json` named without "history of" ("Preeclampsia" in a
labour study) means the pregnancy the study sees. A record keeps the diagnoses of every
pregnancy, and rarely says which one a code belongs to: only a current diagnosis recorded in
the last `_PREGNANCY_DAYS` is taken as this pregnancy's (met); an older or resolved one may be
an earlier pregnancy's (unknown, never met). No such diagnosis at all is decided as any other
diagnosis (`diagnoses.evaluate_condition`). With ``history`` any pregnancy counts, which is the
plain diagnosis reading.

The gestational age a criterion states is today's: the newest recorded gestational age (an
Observation — a quantity, or weeks and days as flowsheets write them: "38w 5d", "38+5" —, or a
"weeks of gestation" Z3A code) moved on by the days since it was recorded, and
only for a patient whose record says she is pregnant now — otherwise there is no current
gestational age to compare (unknown: a wrong "not met" would hide a study from a pregnant
patient whose pregnancy is not recorded yet).

The gestational age at birth (neonatal studies) is the one recorded as such (LOINC 76516-4), a
gestational age recorded on the patient's day of birth, or the completed weeks a preterm
newborn's code states (P07.21–P07.39). No such datum is unknown: a term birth has no code.
"""

from __future__ import annotations

import re
from datetime import date

from fhirtrial.eligibility.evaluation.clinical import evaluate_pregnancy
from fhirtrial.eligibility.evaluation.context import EvalContext, display, fmt_date
from fhirtrial.eligibility.evaluation.diagnoses import describe_condition, evaluate_condition
from fhirtrial.eligibility.evaluation.facts import UNCONFIRMED
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.obstetric import (
    GESTATIONAL_AGE,
    GESTATIONAL_AGE_AT_BIRTH,
    HISTORY,
    is_obstetric_diagnosis,
)
from fhirtrial.eligibility.terminology import ICD10CM_SYSTEM
from fhirtrial.patient.items import ObservationItem
from fhirtrial.patient.values import Quantity

# Longer than any pregnancy: a diagnosis recorded earlier belongs to another one.
_PREGNANCY_DAYS = 300
# "Z3A.24 24 weeks gestation of pregnancy": Z3A.08 to Z3A.42 give the completed weeks.
_WEEKS_CODE = re.compile(r"^Z3A\.(?P<weeks>0[89]|[1-3]\d|4[0-2])$")
# "P07.33 Preterm newborn, gestational age 30 completed weeks": the weeks of each code.
_PRETERM_WEEKS = {
    **{f"P07.2{n}": 21 + n for n in range(2, 7)},
    **{f"P07.3{n}": 27 + n for n in range(1, 10)},
}
_DAYS_PER = {"wk": 7.0, "week": 7.0, "weeks": 7.0, "d": 1.0, "day": 1.0, "days": 1.0}


def evaluate_pregnancy_diagnosis(criterion: Criterion, ctx: EvalContext) -> Finding | None:
    """This pregnancy's diagnosis (module docstring); None: decided as any diagnosis."""
    if HISTORY in criterion.qualifiers or criterion.window is not None:
        return None
    items = [
        c
        for c in ctx.facts.conditions.find(criterion.concept or "").items
        if c.verification_status not in UNCONFIRMED
    ]
    if not items:
        return None
    name = display(criterion.concept)
    for item in items:
        day = item.onset or item.recorded
        current = ctx.facts.is_current(item) is not False and (
            item.abatement is None or item.abatement >= ctx.as_of
        )
        if current and day is not None and (ctx.as_of - day).days <= _PREGNANCY_DAYS:
            return Finding("met", f"{name}: {describe_condition(item, ctx)}", (item.ref,))
    item = items[0]
    return Finding(
        "unknown",
        f"{describe_condition(item, ctx)}: resolved, undated or older than a pregnancy, so it "
        f"may be an earlier pregnancy's {name}",
        (item.ref,),
    )


def evaluate_gestational_age(criterion: Criterion, ctx: EvalContext) -> Finding:
    pregnant = evaluate_pregnancy(Criterion(Kind.PREGNANCY, concept="pregnancy"), ctx)
    if pregnant.result != "met":
        return Finding(
            "unknown",
            f"no current pregnancy recorded ({pregnant.reason}), so no gestational age today",
            pregnant.evidence,
        )
    reading = _newest_reading(ctx)
    if reading is None:
        return Finding("unknown", "no gestational age recorded", pregnant.evidence)
    low_days, high_days, day, ref = reading
    elapsed = (ctx.as_of - day).days
    if elapsed < 0 or elapsed > _PREGNANCY_DAYS:
        return Finding(
            "unknown", f"gestational age recorded on {fmt_date(day)}: not this pregnancy's", (ref,)
        )
    per = _DAYS_PER.get(criterion.unit or "wk", 7.0)
    low, high = (low_days + elapsed) / per, (high_days + elapsed) / per
    unit = criterion.unit or "wk"
    stated = (
        f"gestational age {low:g}{'' if high == low else f'–{high:g}'} {unit} today (recorded "
        f"on {fmt_date(day)}, {ref})"
    )
    answers = {_satisfies(low, criterion), _satisfies(high, criterion)}
    if len(answers) > 1 or None in answers:
        return Finding("unknown", f"{stated}: too close to the bound to say", (ref,))
    return Finding("met" if answers.pop() else "not-met", stated, (ref,))


def evaluate_gestational_age_at_birth(criterion: Criterion, ctx: EvalContext) -> Finding:
    reading = _reading_at_birth(ctx)
    if reading is None:
        return Finding("unknown", "no gestational age at birth recorded")
    low_days, high_days, ref = reading
    low, high = low_days / 7, high_days / 7
    stated = f"gestational age at birth {low:g}{'' if high == low else f'–{high:g}'} wk ({ref})"
    answers = {_satisfies(low, criterion), _satisfies(high, criterion)}
    if len(answers) > 1 or None in answers:
        return Finding("unknown", f"{stated}: too close to the bound to say", (ref,))
    return Finding("met" if answers.pop() else "not-met", stated, (ref,))


def _reading_at_birth(ctx: EvalContext) -> tuple[float, float, str] | None:
    """(low days, high days, reference) of the gestational age at birth the record states."""
    born = ctx.record.patient.birth_date
    observed = [
        *ctx.facts.observations.find(GESTATIONAL_AGE_AT_BIRTH).items,
        *(
            item
            for item in ctx.facts.observations.find(GESTATIONAL_AGE).items
            if born is not None and item.date is not None and abs((item.date - born).days) <= 1
        ),
    ]
    for item in observed:
        value = item.value
        if isinstance(value, Quantity) and value.value is not None:
            per = _DAYS_PER.get((value.code or value.unit or "").strip().lower())
            if per is not None:
                return value.value * per, value.value * per, item.ref
    for condition in ctx.record.conditions:
        for code in condition.code.codes_in(ICD10CM_SYSTEM):
            if code.startswith("P07.21"):
                return 0.0, 22 * 7 + 6, condition.ref
            weeks = _PRETERM_WEEKS.get(code[:6])
            if weeks is not None:
                return weeks * 7, weeks * 7 + 6, condition.ref
    return None


def evaluate_obstetric_age(criterion: Criterion, ctx: EvalContext) -> Finding:
    """Today's gestational age or the one at birth (module docstring)."""
    if criterion.concept == GESTATIONAL_AGE_AT_BIRTH:
        return evaluate_gestational_age_at_birth(criterion, ctx)
    return evaluate_gestational_age(criterion, ctx)


def _newest_reading(ctx: EvalContext) -> tuple[float, float, date, str] | None:
    """(low days, high days, when, reference) of the newest dated gestational age."""
    readings: list[tuple[float, float, date, str]] = []
    for item in _gestational_age_results(ctx):
        value = item.value
        if item.date is None:
            continue
        if isinstance(value, str) and (days := _written_days(value)) is not None:
            readings.append((days, days, item.date, item.ref))
            continue
        if not isinstance(value, Quantity) or value.value is None:
            continue
        per = _DAYS_PER.get((value.code or value.unit or "").strip().lower())
        if per is not None:
            readings.append((value.value * per, value.value * per, item.date, item.ref))
    for condition in ctx.record.conditions:
        day = condition.onset or condition.recorded
        if day is None:
            continue
        for code in condition.code.codes_in(ICD10CM_SYSTEM):
            if (weeks := _WEEKS_CODE.match(code)) is not None:
                completed = int(weeks["weeks"]) * 7
                readings.append((completed, completed + 6, day, condition.ref))
    return max(readings, key=lambda r: r[2]) if readings else None


# A flowsheet row named for the gestational age ("Gestational Age", "GA (weeks)", "EGA"), not
# the one at birth.
_GA_NAME = re.compile(
    r"^\s*(?:(?:estimated|current|calculated)\s+)?(?:gestational age|ega|ga)\b(?!.*\bbirth\b)",
    re.IGNORECASE,
)


def _gestational_age_results(ctx: EvalContext) -> list[ObservationItem]:
    """Results coded as the gestational age, and flowsheet rows named for it."""
    found = {item.ref: item for item in ctx.facts.observations.find(GESTATIONAL_AGE).items}
    for item in ctx.record.observations:
        if item.ref not in found and _GA_NAME.search(item.code.label):
            found[item.ref] = item
    return list(found.values())


# Weeks and days as flowsheets write them: "38w 5d", "38 weeks 5 days", "38 wk 5 d", "38+5".
_WRITTEN = re.compile(
    r"^\s*(?P<weeks>[1-4]?\d)\s*(?:w(?:ee)?ks?|w|\+)\s*(?:(?P<days>[0-6])\s*(?:d(?:ays?)?)?)?\s*$",
    re.IGNORECASE,
)


def _written_days(text: str) -> float | None:
    """Days of a gestational age written as weeks and days (None: not one)."""
    match = _WRITTEN.match(text)
    if match is None or (match["days"] is None and text.strip().endswith("+")):
        return None
    return int(match["weeks"]) * 7 + int(match["days"] or 0)


def _satisfies(value: float, criterion: Criterion) -> bool | None:
    """Whether the gestational age meets the bound; None where the bound's last week is
    ambiguous ("<= 24 weeks", "16-24 weeks" at 24+3: through 24+0 or 24+6 is not said)."""
    bound, high = criterion.value, criterion.high
    if bound is None:
        return None
    week = 1.0 if (criterion.unit or "wk") == "wk" else 0.0
    if high is not None:
        if bound <= value <= high:
            return True
        return None if high < value < high + week else False
    if criterion.comparator in ("<=", ">") and bound < value < bound + week:
        return None
    return {
        "<": value < bound,
        "<=": value <= bound,
        ">": value > bound,
        ">=": value >= bound,
    }.get(criterion.comparator or "")


def evaluate_obstetric_condition(criterion: Criterion, ctx: EvalContext) -> Finding:
    """A diagnosis criterion: this pregnancy's when it is an obstetric one (module docstring)."""
    if is_obstetric_diagnosis(criterion.concept):
        found = evaluate_pregnancy_diagnosis(criterion, ctx)
        if found is not None:
            return found
    return evaluate_condition(criterion, ctx)


OBSTETRIC_AGES = frozenset({GESTATIONAL_AGE, GESTATIONAL_AGE_AT_BIRTH})
"""The measures `evaluate_obstetric_age` decides instead of the plain latest-value rule."""
