"""A patient's cancer stage as the record gives it: coded, or written the way EHRs write it.

Stages come from `Condition.stage` and stage-group Observations (`PatientRecord.stages`). A stage
is read from its codes (SNOMED CT, AJCC `http://cancerstaging.org`) through the terminology, and
otherwise from its words: "Stage IVC (AJCC 8th ed.)", "pIIIB", "3C", "Stage 4", or a TNM with M1
("T3N2M1c": stage IV). The latest dated stage is the current one; a stage without a date of its
own takes its Condition's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from fhirtrial.eligibility.evaluation.context import EvalContext, display, fmt_date
from fhirtrial.eligibility.evaluation.facts import UNCONFIRMED, concepts_of
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.model import Criterion
from fhirtrial.patient.items import ConditionItem, StageInfo
from fhirtrial.patient.values import ICD10CM

_ROMAN = {"0": 0, "is": 0, "i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_GROUP = re.compile(
    r"(?:\bstage\s*(?:group(?:ing)?\s*)?:?\s*|\bajcc\s*(?:stage\s*)?|^\s*)"
    r"(?:[cpyra]{1,2}\s*)?(iv|i{1,3}|is|0|[1-4])\s*([a-d])?\d?(?![a-z])",
    re.IGNORECASE,
)
_DISTANT_M = re.compile(r"(?:^|[\s(,;\d])[cpy]?M1[a-d]?\b", re.IGNORECASE)
_CONCEPT = re.compile(r"^stage-([0-4])([a-d])?$")
# Lymph-node metastases are regional (stage III) as often as distant: only other sites say IV.
_NODAL = re.compile(r"\blymph\b|\bnod(?:e|es|al)\b", re.IGNORECASE)
_DISTANT_SITE = re.compile(
    r"\b(?:liver|hepatic|lung|lungs|pulmonary|pleura\w*|bone|bones|osseous|spine|vertebra\w*|"
    r"brain|cerebr\w*|cns|intracranial|adrenal|peritone\w*|skin|subcutaneous|distant|"
    r"widespread|multiple sites|spleen|kidney|ovar\w*|bowel|soft tissue|muscle)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Stage:
    group: int | None
    """0–4, or None when the recorded stage could not be read."""
    letter: str | None
    label: str
    source: str
    day: date | None

    @property
    def name(self) -> str:
        if self.group is None:
            return self.label
        roman = ("0", "I", "II", "III", "IV")[self.group]
        return f"{roman}{(self.letter or '').upper()}"


def read_stage(info: StageInfo, day: date | None) -> Stage:
    group, letter = _from_concepts(concepts_of(info.summary))
    if group is None:
        for text in (info.summary.text, *(c.display for c in info.summary.codings)):
            if text:
                group, letter = parse_stage_text(text)
                if group is not None:
                    break
    if group is None:
        for coding in info.summary.codings:
            if coding.code:
                group, letter = parse_stage_text(coding.code)
                if group is not None:
                    break
    return Stage(group, letter, info.summary.label, info.source_ref, day)


def parse_stage_text(text: str) -> tuple[int | None, str | None]:
    """(group, letter) from "Stage IIIC", "pT2 N0 M1b", "IVA"; (None, None) if not a stage."""
    if _DISTANT_M.search(text):
        return 4, None
    match = _GROUP.search(text)
    if match is None:
        return None, None
    group = _ROMAN.get(match[1].lower())
    letter = match[2].lower() if match[2] else None
    return group, letter


def _from_concepts(concepts: frozenset[str]) -> tuple[int | None, str | None]:
    best: tuple[int | None, str | None] = (None, None)
    for concept in concepts:
        found = _CONCEPT.match(concept)
        if found is None:
            continue
        group, letter = int(found[1]), found[2]
        if best[0] is None or (letter and not best[1]):
            best = (group, letter)
    return best


def current_stage(ctx: EvalContext) -> Stage | None:
    """The latest recorded stage (a stage without its own date takes its Condition's)."""
    memo = ctx.facts.memo
    if "stage" not in memo:
        memo["stage"] = _current_stage(ctx)
    found: Stage | None = memo["stage"]
    return found


def _current_stage(ctx: EvalContext) -> Stage | None:
    stages = ctx.record.stages
    if not stages:
        return None
    dated = [(s.date or _condition_date(ctx, s.condition_ref), s) for s in stages]
    dated.sort(key=lambda pair: pair[0] or date.min, reverse=True)
    readable = [(day, s) for day, s in dated if read_stage(s, day).group is not None]
    day, info = (readable or dated)[0]
    return read_stage(info, day)


def _condition_date(ctx: EvalContext, condition_ref: str | None) -> date | None:
    if condition_ref is None:
        return None
    for condition in ctx.record.conditions:
        if condition.ref == condition_ref:
            return condition.date
    return None


# ---------------------------------------------------------------- distant metastases


def distant_metastases(ctx: EvalContext) -> list[ConditionItem]:
    """Current, confirmed metastasis diagnoses at a site other than the lymph nodes."""
    found = []
    for item in ctx.facts.conditions.find("metastatic-disease").items:
        if ctx.facts.is_current(item) is False or item.verification_status in UNCONFIRMED:
            continue
        if not _nodal_only(item):
            found.append(item)
    return found


def _nodal_only(item: ConditionItem) -> bool:
    codes = [c.upper() for c in item.code.codes_in(ICD10CM)]
    if codes and all(code.startswith("C77") for code in codes):
        return True
    texts = [t for t in (item.code.text, *(c.display for c in item.code.codings)) if t]
    nodal = any(_NODAL.search(t) for t in texts)
    return nodal and not any(_DISTANT_SITE.search(t) for t in texts)


# ---------------------------------------------------------------- stage criteria


def evaluate_stage(criterion: Criterion, ctx: EvalContext) -> Finding:
    """The current stage against the criterion's (``stage-3c``: IIIC; ``stage-3``: any III).
    A distant metastasis on record makes the disease stage IV whatever an older stage says."""
    wanted = criterion.concept or criterion.value_concept or ""
    target = _CONCEPT.match(wanted)
    if target is None:
        return Finding("unknown", f"stage {display(wanted)} is not a stage group")
    wanted_group, wanted_letter = int(target[1]), target[2]
    required = f"required {display(wanted)}"
    stage = current_stage(ctx)
    distant = distant_metastases(ctx)
    group: int | None
    if distant and (stage is None or stage.group != 4):
        item = distant[0]
        earlier = f"; the recorded stage {stage.label} predates it" if stage else ""
        group, letter, source = 4, None, item.ref
        stated = (
            f"stage IV: distant metastasis {item.code.label} ({item.ref}){earlier} — {required}"
        )
    elif stage is None:
        return Finding("unknown", "no cancer stage recorded")
    else:
        group, letter, source = stage.group, stage.letter, stage.source
        stated = f"stage {stage.label} on {fmt_date(stage.day)} ({stage.source}) — {required}"
        if group is None:
            return Finding("unknown", f"{stated}; stage not recognised", (source,))
    if group != wanted_group:
        return Finding("not-met", stated, (source,))
    if wanted_letter and letter != wanted_letter:
        if letter is None:
            return Finding("unknown", f"{stated}; recorded stage is less specific", (source,))
        return Finding("not-met", stated, (source,))
    return Finding("met", stated, (source,))
