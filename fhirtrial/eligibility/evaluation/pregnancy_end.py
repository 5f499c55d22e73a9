"""When the record shows the last pregnancy ended: a delivery, an abortive outcome, a closed entry.

A record keeps the evidence of a pregnancy after it ends — the positive hCG, the "Pregnant"
answer, a problem-list entry nobody resolves. Evidence dated on or before a documented end says
nothing of now. The end is the newest of:

- a diagnosis of the outcome: ICD-10-CM O00–O06 and O08 (ectopic, molar, missed, spontaneous or
  induced abortion; not O07, a failed attempt), O80 / O82 (delivery), Z37 (outcome of delivery),
  Z39 (postpartum care), or words
  that name one ("postpartum", "miscarriage", "stillbirth") — dated by onset, else recorded
  date; an entry about an earlier pregnancy ("history of", "previous cesarean") is none;
- a delivery or abortion procedure done (the CPT delivery, postpartum and abortion codes of
  `_CPT_ENDS`, not antepartum care or a version; SNOMED CT 11466000 cesarean section;
  "cesarean", "vaginal delivery" in its words);
- a pregnancy entry resolved, by its abatement date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from fhirtrial.eligibility.evaluation.context import EvalContext
from fhirtrial.eligibility.evaluation.facts import is_history_entry
from fhirtrial.patient.items import ConditionItem, ProcedureItem
from fhirtrial.patient.values import ICD10CM

_OUTCOME_CODES = re.compile(r"^(?:O0[0-68]|O8[02]|Z37|Z39)", re.IGNORECASE)
_OUTCOME_WORDS = re.compile(
    r"\b(?:post-?partum|miscarriage|stillbirth|still birth|spontaneous abortion"
    r"|missed abortion|delivered)\b",
    re.IGNORECASE,
)
_EARLIER = re.compile(r"\b(?:history|previous|prior|hx)\b", re.IGNORECASE)
_CPT = "http://www.ama-assn.org/go/cpt"
_SNOMED = "http://snomed.info/sct"
_CESAREAN_SNOMED = "11466000"
# Deliveries (59400–59622 but antepartum care only and external version), postpartum care, and
# the treatment of an abortion or its induction.
_CPT_ENDS = frozenset(
    {59400, 59409, 59410, 59414, 59430, 59510, 59514, 59515, 59525}
    | {59610, 59612, 59614, 59618, 59620, 59622}
    | {59812, 59820, 59821, 59830, 59840, 59841, 59850, 59851, 59852, 59855, 59856, 59857}
)
_PROCEDURE_WORDS = re.compile(
    r"\b(?:cesarean|caesarean|c-section|vaginal delivery|delivery of (?:infant|baby|fetus))\b",
    re.IGNORECASE,
)
_DONE = (None, "completed", "in-progress")


@dataclass(frozen=True, slots=True)
class PregnancyEnd:
    day: date
    ref: str
    label: str


def pregnancy_end(ctx: EvalContext, pregnancy_entries: list[ConditionItem]) -> PregnancyEnd | None:
    """The newest documented end of a pregnancy on or before the evaluation day (None: none);
    ``pregnancy_entries`` are the record's pregnancy diagnoses (a resolved one ends with its
    abatement)."""
    outcomes, procedures = _recorded_ends(ctx)
    ends: list[PregnancyEnd] = list(outcomes)
    for entry in pregnancy_entries:
        if entry.abatement is not None and entry.abatement <= ctx.as_of:
            ends.append(PregnancyEnd(entry.abatement, entry.ref, f"{entry.code.label} resolved"))
    ends.extend(procedures)
    return max(ends, key=lambda end: end.day, default=None)


def _recorded_ends(
    ctx: EvalContext,
) -> tuple[tuple[PregnancyEnd, ...], tuple[PregnancyEnd, ...]]:
    """The outcome diagnoses and the procedures that end a pregnancy, on or before the day:
    read once per record and day (every pregnancy criterion of a `$match` asks; a Synthea record
    holds hundreds of procedures)."""
    key = f"pregnancy-ends:{ctx.as_of.isoformat()}"
    found: tuple[tuple[PregnancyEnd, ...], tuple[PregnancyEnd, ...]] | None = ctx.facts.memo.get(
        key
    )
    if found is None:
        outcomes = []
        for item in ctx.facts.conditions.items:
            day = item.onset or item.recorded
            if day is not None and day <= ctx.as_of and _is_outcome(item):
                outcomes.append(PregnancyEnd(day, item.ref, item.code.label))
        procedures = []
        for procedure in ctx.record.procedures:
            day = procedure.date
            if day is not None and day <= ctx.as_of and _ends_pregnancy(procedure):
                procedures.append(PregnancyEnd(day, procedure.ref, procedure.code.label))
        found = ctx.facts.memo[key] = (tuple(outcomes), tuple(procedures))
    return found


def _is_outcome(item: ConditionItem) -> bool:
    if is_history_entry(item):
        return False
    texts = item.code.texts
    if any(_EARLIER.search(text) for text in texts):
        return False
    codes = item.code.codes_in(ICD10CM)
    if any(_OUTCOME_CODES.match(code.strip()) for code in codes):
        return True
    return any(_OUTCOME_WORDS.search(text) for text in texts)


def _ends_pregnancy(procedure: ProcedureItem) -> bool:
    if procedure.status not in _DONE:
        return False
    for coding in procedure.code.codings:
        code = (coding.code or "").strip()
        if coding.system == _CPT and code.isdigit() and int(code) in _CPT_ENDS:
            return True
        if coding.system == _SNOMED and code == _CESAREAN_SNOMED:
            return True
    texts = procedure.code.texts
    return any(_PROCEDURE_WORDS.search(t) and not _EARLIER.search(t) for t in texts)
