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

from fhirtrial.eligibility.evaluation import cancers as cancer_kinds
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
# In-transit, satellite and microsatellite metastases are regional disease (AJCC N1c–N3c of
# melanoma, Merkel cell and cutaneous squamous cell carcinoma: stage III), although ICD-10-CM
# codes them by their site, the skin (C79.2).
_REGIONAL_SKIN = re.compile(
    r"\bin[- ]?transit\b|\b(?:micro)?satellite\s+(?:metasta\w*|lesions?|nodules?|mets)\b",
    re.IGNORECASE,
)
_SKIN_SITE = re.compile(r"\b(?:skin|subcutaneous|soft tissue|muscle)\b", re.IGNORECASE)
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


@dataclass(frozen=True)
class StageChoice:
    """The stage that decides a criterion about ``cancers``, and why it may be another's."""

    stage: Stage | None
    doubt: str | None = None
    """Set when the stage may be of a cancer other than the one asked about: the answer is
    `unknown`, whatever the stage."""
    elsewhere: Stage | None = None
    """With no stage of the cancer asked about: the latest stage of another cancer."""


def stage_for(ctx: EvalContext, cancers: tuple[str, ...] = ()) -> StageChoice:
    """The latest recorded stage of ``cancers`` (a stage without its own date takes its
    Condition's). A patient may have had more than one cancer: a stage tied (Condition.stage,
    an Observation's focus) to a Condition of another cancer never decides, and a stage tied to
    none decides only when no other primary cancer is on record. With no ``cancers`` (a
    criterion that names none), stages of different cancers that disagree leave it in doubt."""
    memo = ctx.facts.memo
    key = f"stage:{','.join(cancers)}"
    if key not in memo:
        memo[key] = _stage_for(ctx, cancers)
    found: StageChoice = memo[key]
    return found


def current_stage(ctx: EvalContext) -> Stage | None:
    """The latest recorded stage of any cancer (`stage_for` says when that is in doubt)."""
    return stage_for(ctx).stage


def _stage_for(ctx: EvalContext, cancers: tuple[str, ...]) -> StageChoice:
    stages = ctx.record.stages
    if not stages:
        return StageChoice(None)
    dated = [(s.date or _condition_date(ctx, s.condition_ref), s) for s in stages]
    dated.sort(key=lambda pair: pair[0] or date.min, reverse=True)
    if not cancers:
        latest = _latest(dated)
        doubt = _disagreeing_cancers(ctx, dated, latest) or _undated_doubt(dated, latest)
        return StageChoice(latest, doubt)
    kinds = [(day, info, _kind_of_staged(ctx, info, cancers)) for day, info in dated]
    own = [(day, info) for day, info, kind in kinds if kind == "own"]
    if own:
        latest = _latest(own)
        return StageChoice(latest, _undated_doubt(own, latest))
    untied = [(day, info) for day, info, kind in kinds if kind != "other"]
    if untied:
        latest = _latest(untied)
        other = other_primary(ctx, cancers, latest)
        doubt = _undated_doubt(untied, latest)
        if other is not None:
            doubt = (
                f"stage {latest.label} ({latest.source}) is not tied to a cancer, and "
                f"{other.code.label} ({other.ref}) is another primary cancer on record"
            )
        return StageChoice(latest, doubt)
    return StageChoice(None, elsewhere=_latest(dated))


def _undated_doubt(dated: list[tuple[date | None, StageInfo]], latest: Stage) -> str | None:
    """A stage with no date (neither its own nor its Condition's) that reads otherwise than
    ``latest``: which of them is current cannot be told."""
    for day, info in dated:
        if day is not None or info.source_ref == latest.source:
            continue
        stage = read_stage(info, day)
        if stage.group is not None and (stage.group, stage.letter) != (
            latest.group,
            latest.letter,
        ):
            return (
                f"stage {stage.label} ({stage.source}) has no date and reads otherwise than "
                f"stage {latest.label} ({latest.source}): which is current cannot be told"
            )
    return None


def _latest(dated: list[tuple[date | None, StageInfo]]) -> Stage:
    readable = [(day, s) for day, s in dated if read_stage(s, day).group is not None]
    day, info = (readable or dated)[0]
    return read_stage(info, day)


def _condition_of(ctx: EvalContext, condition_ref: str | None) -> ConditionItem | None:
    """The patient's own Condition a stage is tied to: the facts' entry, whose concepts the
    index holds (not the record's, which the facts may have replaced or set apart)."""
    if condition_ref is None:
        return None
    memo = ctx.facts.memo
    by_ref: dict[str, ConditionItem] | None = memo.get("conditions-by-ref")
    if by_ref is None:
        by_ref = memo["conditions-by-ref"] = {c.ref: c for c in ctx.facts.conditions.items}
    return by_ref.get(condition_ref)


def _kind_of_staged(
    ctx: EvalContext, info: StageInfo, cancers: tuple[str, ...]
) -> cancer_kinds.CancerKind | None:
    """What the Condition a stage is tied to is, relative to ``cancers`` (None: tied to none)."""
    item = _condition_of(ctx, info.condition_ref)
    if item is None:
        return None
    return cancer_kinds.classify(item, ctx.facts.conditions.concepts_of_item(item), cancers)


def other_primary(
    ctx: EvalContext, cancers: tuple[str, ...], stage: Stage | None = None
) -> ConditionItem | None:
    """A confirmed primary cancer on record, not one of ``cancers``, that may be the one a
    metastasis is of (a current one) or the one ``stage`` stages (also one that resolved, unless
    it did so before the stage was recorded: a cancer resolved in 2012 is not what a stage of
    2026 stages)."""
    key = f"other-primary:{','.join(cancers)}:{'-' if stage is None else stage.day}"
    memo = ctx.facts.memo
    if key not in memo:
        memo[key] = _other_primary(ctx, cancers, stage)
    found: ConditionItem | None = memo[key]
    return found


def _other_primary(
    ctx: EvalContext, cancers: tuple[str, ...], stage: Stage | None
) -> ConditionItem | None:
    index = ctx.facts.conditions
    for item in index.find(cancer_kinds.MALIGNANCY).items:
        if item.verification_status in UNCONFIRMED:
            continue
        if ctx.facts.is_current(item) is False:
            if stage is None:
                continue
            ended = item.abatement
            if ended is not None and stage.day is not None and ended < stage.day:
                continue
        if cancer_kinds.classify(item, index.concepts_of_item(item), cancers) == "other":
            return item
    return None


def _disagreeing_cancers(
    ctx: EvalContext, dated: list[tuple[date | None, StageInfo]], latest: Stage
) -> str | None:
    """Why the latest stage may not be the one a cancer-less criterion means: stages tied to
    different Conditions whose latest readable groups differ."""
    by_condition: dict[str, Stage] = {}
    for day, info in dated:
        if info.condition_ref is not None and info.condition_ref not in by_condition:
            stage = read_stage(info, day)
            if stage.group is not None:
                by_condition[info.condition_ref] = stage
    groups = {stage.group for stage in by_condition.values()}
    if len(groups) < 2:
        return None
    staged = "; ".join(
        f"{item.code.label if item else ref}: stage {stage.label}"
        for ref, stage in by_condition.items()
        for item in (_condition_of(ctx, ref),)
    )
    return f"the record stages more than one cancer ({staged}), and the criterion names none"


def _condition_date(ctx: EvalContext, condition_ref: str | None) -> date | None:
    condition = _condition_of(ctx, condition_ref)
    return condition.date if condition is not None else None


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
    """A metastasis that may be regional: to lymph nodes (regional or distant), or in-transit /
    satellite (regional) — unless its words also name a distant site."""
    codes = [c.upper() for c in item.code.codes_in(ICD10CM)]
    if codes and all(code.startswith("C77") for code in codes):
        return True
    texts = item.code.texts
    in_transit = [t for t in texts if _REGIONAL_SKIN.search(t)]
    if in_transit:
        return not any(_DISTANT_SITE.search(_SKIN_SITE.sub("", t)) for t in in_transit)
    nodal = any(_NODAL.search(t) for t in texts)
    return nodal and not any(_DISTANT_SITE.search(t) for t in texts)


# ---------------------------------------------------------------- stage criteria


def evaluate_stage(criterion: Criterion, ctx: EvalContext) -> Finding:
    """The current stage of the criterion's cancer against the criterion's (``stage-3c``: IIIC;
    ``stage-3``: any III). A distant metastasis on record makes the disease stage IV whatever an
    older stage says — unless another primary cancer on record may be the one that spread."""
    wanted = criterion.concept or criterion.value_concept or ""
    target = _CONCEPT.match(wanted)
    if target is None:
        return Finding("unknown", f"stage {display(wanted)} is not a stage group")
    wanted_group, wanted_letter = int(target[1]), target[2]
    required = f"required {display(wanted)}"
    of = criterion.stage_of
    cancer = f" of {', '.join(display(c) for c in of)}" if of else ""
    choice = stage_for(ctx, of)
    stage = choice.stage
    distant = distant_metastases(ctx)
    group: int | None
    if distant and (stage is None or stage.group != 4):
        item = distant[0]
        other = other_primary(ctx, of) if of else None
        if other is not None:
            return Finding(
                "unknown",
                f"distant metastasis {item.code.label} ({item.ref}), which may be of "
                f"{other.code.label} ({other.ref}), another primary cancer — {required}{cancer}",
                (item.ref, other.ref),
            )
        earlier = f"; the recorded stage {stage.label} predates it" if stage else ""
        group, letter, source = 4, None, item.ref
        stated = (
            f"stage IV: distant metastasis {item.code.label} ({item.ref}){earlier} — {required}"
        )
    elif stage is None:
        if choice.elsewhere is not None:
            return Finding(
                "unknown",
                f"no stage recorded{cancer}; the recorded stage {choice.elsewhere.label} "
                f"({choice.elsewhere.source}) is of another cancer",
                (choice.elsewhere.source,),
            )
        return Finding("unknown", "no cancer stage recorded")
    else:
        group, letter, source = stage.group, stage.letter, stage.source
        stated = f"stage {stage.label} on {fmt_date(stage.day)} ({stage.source}) — {required}"
        if group is None:
            return Finding("unknown", f"{stated}; stage not recognised", (source,))
        if choice.doubt is not None:
            return Finding("unknown", f"{stated}{cancer}; {choice.doubt}", (source,))
    if group != wanted_group:
        return Finding("not-met", stated, (source,))
    if wanted_letter and letter != wanted_letter:
        if letter is None:
            return Finding("unknown", f"{stated}; recorded stage is less specific", (source,))
        return Finding("not-met", stated, (source,))
    return Finding("met", stated, (source,))
