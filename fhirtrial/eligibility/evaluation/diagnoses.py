"""Criteria answered by the problem list: a diagnosis, its status and time, its treatment.

How a recorded diagnosis is read (docs/eligibility-evaluation.md, "Diagnoses"):

- by its codes and by its words together (`PatientFacts.conditions`); entries about relatives,
  screening or ruled-out diagnoses are not the patient's; "personal history of" entries are
  past, whatever their clinicalStatus says;
- a diagnosis that may be the one asked for but does not say so (lung cancer without histology
  for an NSCLC criterion) answers `unknown`, not `not-met`;
- a window asks when the condition was present: from onset (or, for a current one, the date it
  was recorded) to abatement — a past condition without an abatement date is taken to have ended
  at onset, and one whose dates are not recorded cannot be placed (`unknown`);
- a window on the diagnosis itself ("diagnosed > 6 months ago", qualifier `diagnosed`) asks when
  it was made: the onset date decides; without one, the date it was recorded (never before the
  diagnosis) decides only what it can ("recorded 2 years ago" is diagnosed > 6 months ago, but
  not necessarily within the last 3 years), the rest is `unknown`;
- "another primary malignancy" leaves out the study's own cancer and its metastases
  (`cancers.classify`);
- metastatic disease is recognised from metastasis diagnoses (any site) or a stage IV / M1, and
  ruled out only by a recent non-metastatic stage.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.evaluation import cancers
from fhirtrial.eligibility.evaluation.acute_episodes import acute_entry, is_acute_episode
from fhirtrial.eligibility.evaluation.alcohol_as_drug import neighbour_of
from fhirtrial.eligibility.evaluation.brain_imaging import BrainReading, read_brain_findings
from fhirtrial.eligibility.evaluation.context import (
    EvalContext,
    absent,
    by_text_note,
    describe_window,
    display,
    fmt_date,
    overlaps_window,
    span_in_window,
    window_bounds,
)
from fhirtrial.eligibility.evaluation.events import EVENTS, event_in_window
from fhirtrial.eligibility.evaluation.facts import UNCONFIRMED, Matches, diagnosis_concepts
from fhirtrial.eligibility.evaluation.injuries import injury_entries_that_may_be, is_injury
from fhirtrial.eligibility.evaluation.measures import receptor_status
from fhirtrial.eligibility.evaluation.paired_codes import may_be_companion
from fhirtrial.eligibility.evaluation.results import Finding, Outcome
from fhirtrial.eligibility.evaluation.staging import (
    distant_metastases,
    other_primary,
    stage_for,
)
from fhirtrial.eligibility.evaluation.uncoded_diagnoses import entries_that_may_be, has_icd10cm_code
from fhirtrial.eligibility.evaluation.unspecified_codes import may_be_any_of
from fhirtrial.eligibility.evaluation.vague_diagnoses import stops_above
from fhirtrial.eligibility.model import Criterion, Window
from fhirtrial.eligibility.rules.diagnosis_phrasing import DIAGNOSED
from fhirtrial.eligibility.rules.metastasis_sites import SITE_CONCEPTS
from fhirtrial.eligibility.rules.past_diagnoses import names_a_neoplasm
from fhirtrial.eligibility.terminology.groups import is_group
from fhirtrial.patient.items import ConditionItem, MedicationItem, ProcedureItem
from fhirtrial.patient.readers import CPT
from fhirtrial.patient.values import ICD10CM, Concept

_CURRENT_QUALIFIERS = frozenset(
    {"active", "uncontrolled", "untreated", "symptomatic", "progressive", "unstable"}
    | {"decompensated", "requiring-systemic-treatment"}
)
# Judgements no structured datum states: `unknown` when the condition is recorded.
_JUDGEMENTS = {
    "clinically-significant": "clinically significant",
    "severe": "severe",
    "moderate-or-severe": "moderate or severe",
    "unstable": "unstable",
    "decompensated": "decompensated",
}
# Acute conditions a problem list often leaves "active" long after they resolved: an entry older
# than this is not taken as current on its status alone.
_ACUTE = frozenset({"infection", "sepsis", "pneumonia", "urinary-tract-infection"})
_ACUTE_CURRENT_DAYS = 90
# Infections treated over months: an entry older than a course of treatment is not current on
# its status alone ("Active tuberculosis" and a TB entry of 2010 left active).
_SLOW_CURRENT_DAYS = {"tuberculosis": 365}
# A cancer on the problem list stays "active" long after its cure unless someone resolves it or
# records a history code (Z85): an entry older than five years (the usual disease-free interval)
# with no end says nothing of whether the cancer is active now or was in a recent window.
_CANCER_CURRENT_DAYS = 5 * 365
OTHER_PRIMARY = "other-primary"
# Relapsing-remitting diseases: "active" means a flare now, which a problem-list status does not
# tell ("Active inflammatory bowel disease" and a Crohn's disease in remission).
_RELAPSING = frozenset(
    {"inflammatory-bowel-disease", "crohn-disease", "ulcerative-colitis", "rheumatoid-arthritis"}
    | {"systemic-lupus-erythematosus", "multiple-sclerosis", "autoimmune-disease"}
    | {"celiac-disease", "psoriasis"}
)
# Advanced disease is a state of the cancer now: a melanoma excised and resolved years ago is not
# "unresectable or metastatic melanoma".
_ADVANCED_QUALIFIERS = frozenset(
    {"unresectable-or-metastatic", "metastatic", "locally-advanced-or-metastatic"}
)
# Transplant and cell-therapy history is as often recorded as the Procedure as the status code.
_ALSO_PROCEDURES = frozenset(
    {"solid-organ-transplant", "solid-organ-transplant-except-kidney", "stem-cell-transplant"}
    | {"kidney-transplant", "liver-transplant", "heart-transplant", "lung-transplant"}
)
# Criteria on these concepts are also met by something other than a diagnosis (a stage IV, a
# transplant Procedure), or not `not-met` without one (an infection "requiring systemic
# treatment" while on antibiotics): the prefilter must not require the diagnosis.
# Metastases by site (below `metastatic-disease` in the terminology, brain metastases apart):
# often not coded, so a cancer patient without the entry is `unknown` (`_site_not_recorded`).
SITE_METASTASES = SITE_CONCEPTS
NOT_ONLY_DIAGNOSES = frozenset(
    {cancers.METASTATIC, "breast-cancer-triple-negative", "brain-metastases", *_ALSO_PROCEDURES}
    | {"infection"}
    | SITE_METASTASES
)
_REQUIRING_SYSTEMIC = "requiring-systemic-treatment"
_ANTI_INFECTIVE = "systemic-anti-infective"
# A recent stage without metastasis rules out metastatic disease; an older one may predate a
# recurrence that the problem list does not show.
_RECENT_STAGE_DAYS = 365
_REQUIRED_STEROIDS = "required-steroids"
# "Hospitalized for AF": no diagnosis says whether it needed a hospital stay.
_REQUIRING_HOSPITALIZATION = "requiring-hospitalization"
_CONVERSE: dict[Outcome, Outcome] = {"met": "not-met", "not-met": "met"}


def evaluate_condition(criterion: Criterion, ctx: EvalContext) -> Finding:
    concept = criterion.concept or ""
    if criterion.other_than:
        return _another_primary(criterion, ctx)
    if concept == _BRAIN:
        return _brain_metastases(criterion, ctx)
    if concept == cancers.METASTATIC and not criterion.qualifiers:
        return metastatic_disease(ctx)
    name = display(concept)
    if is_group(concept):
        return _diagnosis_group(criterion, ctx, name)
    matches = ctx.facts.conditions.find(concept)
    if concept == _TRIPLE_NEGATIVE and not matches:
        found = _triple_negative(ctx, name)
        if set(criterion.qualifiers) & _ADVANCED_QUALIFIERS and found.result != "not-met":
            # "metastatic TNBC" read from receptor results: the setting must hold too.
            setting = evaluate_condition(replace(criterion, concept="breast-cancer"), ctx)
            return _both(found, setting)
        return found
    if concept in _ALSO_PROCEDURES and not matches:
        procedure = _procedure_for(ctx, concept, criterion)
        if procedure is not None:
            return procedure
    if not matches and _REQUIRING_SYSTEMIC in criterion.qualifiers:
        on_treatment = _current_anti_infectives(ctx)
        if on_treatment:
            use = on_treatment[0]
            return Finding(
                "unknown",
                f"no {name} recorded, but on {use.medication.label} ({use.ref}): what it treats "
                "is not recorded",
                (use.ref,),
            )
    if not matches and concept in SITE_METASTASES:
        return _site_not_recorded(ctx, name)
    if not matches and concept in _OFTEN_UNCODED:
        # The subgroups wider lab bounds are for ("≤ 3 × ULN with Gilbert's syndrome") are
        # often not coded: their absence from the problem list is no evidence.
        return Finding(
            "unknown",
            f"no {name} recorded ({name} is often not coded: its absence from the problem list "
            "is no evidence)",
        )
    if not matches:
        vague = _less_specific(ctx, concept)
        if vague:
            item = vague[0]
            return Finding(
                "unknown",
                f"{describe_condition(item, ctx)} does not say whether it is {name}",
                (item.ref,),
            )
        items = ctx.facts.conditions.items
        if uncoded := entries_that_may_be(items, concept) or injury_entries_that_may_be(
            items, concept
        ):
            return _may_be(criterion, ctx, uncoded, name)
        if (near := neighbour_of(concept)) and (meant := ctx.facts.conditions.find(near)):
            return _may_be_meant(criterion, ctx, meant, name)
        return absent(ctx, name, "conditions", len(ctx.record.conditions))
    return _with_qualifiers(criterion, ctx, matches, name)


def _diagnosis_group(criterion: Criterion, ctx: EvalContext, name: str) -> Finding:
    """A group of diagnoses read literally (`evaluation.diagnosis_groups`): met on a diagnosis
    of its core, unknown on one of its periphery that would otherwise count, and otherwise what
    any other diagnosis is (absent: `absent`; outside a window: not met)."""
    core = ctx.facts.group_members(criterion.concept or "", "core")
    found = None
    if core:
        by_text = not any(placed.by_code for _, placed in core)
        matches = Matches(tuple(item for item, _ in core), by_text=by_text)
        found = _with_qualifiers(criterion, ctx, matches, name)
        if found.result == "met":
            return found
    for item, placed in ctx.facts.group_members(criterion.concept or "", "periphery"):
        alone = _with_qualifiers(criterion, ctx, Matches((item,), by_text=False), name)
        if alone.result != "not-met":
            where = f"{placed.code}; {item.ref}" if placed.code else item.ref
            return Finding(
                "unknown",
                f"{item.code.label} ({where}) may or may not count as '{name}'",
                (item.ref,),
            )
    if found is not None:
        return found
    return absent(ctx, name, "conditions", len(ctx.record.conditions))


def _may_be(
    criterion: Criterion, ctx: EvalContext, items: list[ConditionItem], name: str
) -> Finding:
    """Entries that may be the diagnosis (`uncoded_diagnoses`): the answer they would give if
    they were, but never `met`."""
    found = _with_qualifiers(criterion, ctx, Matches(tuple(items), by_text=True), name)
    if found.result != "met":
        return found
    if has_icd10cm_code(items[0]):
        said = f"is coded under a heading that holds kinds of {name} and other diagnoses"
    else:
        said = f"has no ICD-10-CM code and names {name} in other words"
    return Finding(
        "unknown",
        f"{describe_condition(items[0], ctx)} {said}: whether it is that diagnosis is not recorded",
        found.evidence,
    )


def _may_be_meant(
    criterion: Criterion, ctx: EvalContext, meant: Matches[ConditionItem], name: str
) -> Finding:
    """Entries of a neighbouring concept the criterion may mean by its name (an alcohol use
    disorder for "drug abuse", `alcohol_as_drug`): the answer they would give if they were the
    diagnosis, but never `met`."""
    found = _with_qualifiers(criterion, ctx, meant, name)
    if found.result != "met":
        return found
    return Finding(
        "unknown",
        f"no {name} recorded, but {describe_condition(meant.items[0], ctx)}: whether the "
        f"criterion counts it as {name} is not said",
        found.evidence,
    )


def _less_specific(ctx: EvalContext, concept: str) -> list[ConditionItem]:
    """Recorded diagnoses that may be ``concept`` without saying so (once per record)."""
    key = f"less-specific:{concept}"
    found: list[ConditionItem] | None = ctx.facts.memo.get(key)
    if found is None:
        index = ctx.facts.conditions
        broader = terminology.terminology().broader_than_title(concept)
        if broader:
            codes = terminology.icd_set_codes(concept)
            found = [
                c
                for c in index.items
                if not broader.isdisjoint(index.concepts_of_item(c))
                and any(_unsure_of(c, code) for code in codes)
            ]
        elif terminology.terminology().ancestors(concept):
            # A primary recorded as over (resolved, remission, history) does not say which
            # cancer a current metastasis is of.
            unnamed = cancers.names_no_primary(
                (c, index.concepts_of_item(c))
                for c in index.items
                if ctx.facts.is_current(c) is not False
            )
            found = [
                c
                for c in index.items
                if cancers.less_specific_than(
                    index.concepts_of_item(c), c, concept, primary_unnamed=unnamed
                )
                or stops_above(
                    index.concepts_of_item(c),
                    concept,
                    (index.concepts_of_item(other) for other in index.items if other is not c),
                )
            ]
        else:
            found = []
        if not found:
            wanted = icd_codes_of(concept)
            found = [
                c
                for c in index.items
                if any(
                    coding.system == ICD10CM and coding.code and may_be_any_of(coding.code, wanted)
                    for coding in c.code.codings
                )
            ]
        if not found and (wanted := icd_codes_of(concept)):
            # I11.0 without its I50 code may be any heart failure; I10 may be resistant.
            recorded = [
                coding.code
                for c in index.items
                for coding in c.code.codings
                if coding.system == ICD10CM and coding.code
            ]
            if may_be_companion(recorded, wanted):
                found = [
                    c
                    for c in index.items
                    if any(
                        coding.system == ICD10CM
                        and coding.code
                        and may_be_companion([coding.code], wanted)
                        for coding in c.code.codings
                    )
                ]
        ctx.facts.memo[key] = found
    return found


def icd_codes_of(concept: str) -> tuple[str, ...]:
    """The ICD-10-CM codes of a concept outside the cancers (whose less specific entries
    `cancers.less_specific_than` reads) and the groups (whose extent says what may count)."""
    vocabulary = terminology.terminology()
    if is_group(concept) or "malignant-neoplasm" in {concept, *vocabulary.ancestors(concept)}:
        return ()
    return tuple(c.code for c in vocabulary.concept(concept).codings if c.system == ICD10CM)


def _unsure_of(item: ConditionItem, code: str) -> bool:
    """Whether a diagnosis carrying a concept broader than the ICD-10-CM ``code`` may be it: it
    has no ICD-10-CM code to tell (SNOMED CT "Multiple sclerosis" for relapsing-remitting MS),
    or one above ``code`` (G35), or an unspecified one of its category ("Multiple sclerosis,
    unspecified" G35.D). Another specified code says which it is (essential hypertension I10 is
    not secondary hypertension I15)."""
    codings = [(c.code, c.display) for c in item.code.codings if c.system == ICD10CM and c.code]
    if not codings:
        return True
    for raw, shown in codings:
        recorded = raw.strip().upper()
        if "." not in recorded and len(recorded) > 3:
            recorded = f"{recorded[:3]}.{recorded[3:]}"
        if code.startswith(recorded) and recorded != code:
            return True
        words = f"{shown or ''} {item.code.text or ''}".lower()
        if recorded[:3] == code[:3] and _UNSPECIFIED.search(words):
            return True
    return False


_UNSPECIFIED = re.compile(r"\bunspecified\b|\bnos\b")


def _with_qualifiers(
    criterion: Criterion, ctx: EvalContext, matches: Matches[ConditionItem], name: str
) -> Finding:
    qualifiers = set(criterion.qualifiers)
    note = by_text_note(matches.by_text)
    confirmed = [c for c in matches.items if c.verification_status not in UNCONFIRMED]
    candidates, undecided, reason_kind = _relevant(confirmed, criterion, ctx)
    if not candidates:
        unconfirmed = [c for c in matches.items if c.verification_status in UNCONFIRMED]
        if unconfirmed and any(_relevant(unconfirmed, criterion, ctx)[:2]):
            item = unconfirmed[0]
            return Finding(
                "unknown",
                f"{item.code.label} is {item.verification_status}, not confirmed "
                f"({item.ref}){note}",
                (item.ref,),
            )
        if qualifiers & _ADVANCED_QUALIFIERS:
            metastasis = _unattributed_metastasis(ctx, criterion.concept or "")
            if metastasis is not None:
                item = matches.items[0]
                return Finding(
                    "unknown",
                    f"{describe_condition(item, ctx)}; current metastasis "
                    f"{metastasis.code.label} ({metastasis.ref}) with no other cancer recorded: "
                    "a recurrence is likely but not recorded",
                    (item.ref, metastasis.ref),
                )
        if undecided:
            item = undecided[0]
            if reason_kind == _PAST_ONLY and ctx.facts.is_current(item) is False:
                return Finding(
                    "unknown",
                    f"{describe_condition(item, ctx)}: the criterion does not say whether a "
                    f"past {name} counts{note}",
                    (item.ref,),
                )
            if criterion.window is not None and _partial_onset(item):
                return Finding(
                    "unknown",
                    f"{describe_condition(item, ctx)}: its onset is recorded only in part, so "
                    f"whether it was {describe_window(criterion.window)} is unknown{note}",
                    (item.ref,),
                )
            if criterion.window is not None and _noted_as_history(item, ctx) and item.date:
                return Finding(
                    "unknown",
                    f"{describe_condition(item, ctx)}: a history entry noted on "
                    f"{fmt_date(item.date)} — over by then, but when it was present is not "
                    f"recorded, so whether it was {describe_window(criterion.window)} is "
                    f"unknown{note}",
                    (item.ref,),
                )
            if criterion.window is not None and DIAGNOSED in qualifiers:
                return Finding(
                    "unknown",
                    f"{describe_condition(item, ctx)}: when it was diagnosed is not recorded, "
                    f"so whether that was {describe_window(criterion.window)} is unknown{note}",
                    (item.ref,),
                )
            if criterion.window is None or item.date is not None:
                return Finding(
                    "unknown",
                    f"{describe_condition(item, ctx)}: still recorded as current long after its "
                    f"onset, so whether it is current is unknown{note}",
                    (item.ref,),
                )
            return Finding(
                "unknown",
                f"{describe_condition(item, ctx)}: its dates are not recorded, so whether it was "
                f"{describe_window(criterion.window)} is unknown{note}",
                (item.ref,),
            )
        item = matches.items[0]
        if _REQUIRING_SYSTEMIC in qualifiers and (uses := _current_anti_infectives(ctx)):
            return Finding(
                "unknown",
                f"{describe_condition(item, ctx)} — {reason_kind}, but on "
                f"{uses[0].medication.label} ({uses[0].ref}): what it treats is not recorded",
                (item.ref, uses[0].ref),
            )
        return Finding(
            "not-met", f"{describe_condition(item, ctx)} — {reason_kind}{note}", (item.ref,)
        )

    item = candidates[0]
    stated = f"{describe_condition(item, ctx)}{note}"
    if "untreated" in qualifiers:
        return _untreated(criterion, ctx, item, stated)
    if "treated" in qualifiers:
        # "treated (and stable ≥ N days)" is the converse of "untreated": the same evidence,
        # the opposite answer.
        found = _untreated(criterion, ctx, item, stated)
        return Finding(_CONVERSE.get(found.result, found.result), found.reason, found.evidence)
    if "active" in qualifiers and criterion.concept == "brain-metastases":
        # Active brain metastases: untreated, or progressing after treatment. Untreated ones
        # are active; after a treatment, progression is rarely coded — unknown, never not-met.
        found = _untreated(criterion, ctx, item, stated)
        if found.result == "not-met":
            return Finding(
                "unknown",
                f"{found.reason}; whether it is still active is not recorded",
                found.evidence,
            )
        return found
    if _REQUIRED_STEROIDS in qualifiers:
        return _required_steroids(ctx, candidates, note)
    if qualifiers & {"allogeneic", "autologous"} and criterion.concept == "stem-cell-transplant":
        return _graft_source(qualifiers, candidates, ctx, note)
    if _REQUIRING_SYSTEMIC in qualifiers:
        found = _systemic_treatment(criterion, ctx, item, stated)
        if found.result != "met":
            return found
        stated = found.reason
    for qualifier, words in _JUDGEMENTS.items():
        if qualifier in qualifiers:
            return Finding(
                "unknown", f"{stated}; whether it is {words} is not recorded", (item.ref,)
            )
    if "symptomatic" in qualifiers:
        return Finding(
            "unknown", f"{stated}; whether it is symptomatic is not recorded", (item.ref,)
        )
    if _REQUIRING_HOSPITALIZATION in qualifiers:
        return Finding(
            "unknown", f"{stated}; whether it required hospitalization is not recorded", (item.ref,)
        )
    if "progressive" in qualifiers:
        return Finding(
            "unknown", f"{stated}; whether it is progressing is not recorded", (item.ref,)
        )
    if "uncontrolled" in qualifiers:
        return Finding(
            "unknown", f"{stated}; whether it is controlled is not recorded", (item.ref,)
        )
    if "viral-load-detectable" in qualifiers:
        return Finding("unknown", f"{stated}; viral load not evaluated", (item.ref,))
    if "active" in qualifiers and criterion.concept in _RELAPSING:
        return Finding(
            "unknown", f"{stated}; whether it is active (a flare) is not recorded", (item.ref,)
        )
    if "unresectable-or-metastatic" in qualifiers:
        return _unresectable_or_metastatic(ctx, _cancers_of(criterion), item, stated)
    if qualifiers & {"metastatic", "locally-advanced-or-metastatic"}:
        locally = "locally-advanced-or-metastatic" in qualifiers
        return _advanced(ctx, _cancers_of(criterion), item, stated, locally)
    return Finding("met", stated, tuple(c.ref for c in candidates[:3]))


# ---------------------------------------------------------------- status and time


def _required_steroids(ctx: EvalContext, items: list[ConditionItem], note: str) -> Finding:
    """ "ILD/pneumonitis that required steroids": a systemic corticosteroid course that started
    on or after the condition's onset, and by its abatement if it resolved. A medication history
    with no such course says it did not; no medications recorded, an undated onset or course, or
    a course already running at onset cannot say."""
    courses = ctx.facts.medications.find_all("systemic-corticosteroid").items
    undecided: list[str] = []
    for item in items:
        start, _end, placed = condition_span(item, ctx)
        onset = item.onset or start
        if not placed or onset is None:
            undecided.append(f"{describe_condition(item, ctx)}: its onset is not recorded")
            continue
        resolved = ctx.facts.is_current(item) is False
        for course in courses:
            if course.start is None:
                undecided.append(f"{course.medication.label} ({course.ref}) is not dated")
            elif course.start < onset:
                if course.end is None or course.end >= onset:
                    undecided.append(
                        f"{course.medication.label} ({course.ref}) was already running at onset"
                    )
            elif resolved and item.abatement is None:
                undecided.append(
                    f"{describe_condition(item, ctx)} resolved on a date not recorded; "
                    f"{course.medication.label} ({course.ref}) started {fmt_date(course.start)}"
                )
            elif not resolved or item.abatement is None or course.start <= item.abatement:
                return Finding(
                    "met",
                    f"{describe_condition(item, ctx)}{note}; systemic corticosteroid "
                    f"{course.medication.label} ({course.ref}) started "
                    f"{fmt_date(course.start)}, on or after its onset",
                    (item.ref, course.ref),
                )
    refs = tuple(c.ref for c in items[:3])
    if undecided:
        return Finding("unknown", f"{undecided[0]}: whether it required steroids is unknown", refs)
    if not ctx.record.medications:
        return Finding(
            "unknown",
            f"{describe_condition(items[0], ctx)}{note}; no medications recorded, so whether it "
            "required steroids is unknown",
            refs,
        )
    return Finding(
        "not-met",
        f"{describe_condition(items[0], ctx)}{note}; no systemic corticosteroid course from its "
        f"onset in {len(ctx.record.medications)} recorded medications",
        refs,
    )


def _stale_cancer(item: ConditionItem, ctx: EvalContext) -> bool:
    """An open cancer entry whose onset and recording are both older than five years: a cancer
    (re-)entered on the problem list lately is fresh evidence; one untouched since is not."""
    latest = max((d for d in (item.onset, item.recorded) if d is not None), default=None)
    return (
        latest is not None
        and (ctx.as_of - latest).days > _CANCER_CURRENT_DAYS
        and item.abatement is None
    )


def _stale_cancer_entries_undecided(criterion: Criterion) -> bool:
    """Whether an old open entry of a cancer cannot say the cancer is current: for "active",
    "current" or windowed criteria on a malignancy, never for "history of" or a metastasis,
    whose entry is itself the sign of advanced disease."""
    concept = criterion.concept or ""
    return (
        "history" not in criterion.qualifiers
        and names_a_neoplasm(concept)
        and concept not in SITE_METASTASES
        and concept != "metastatic-disease"
    )


_VISIT_CURRENT_DAYS = 90
"""An encounter diagnosis without a status stands for the condition now for this long."""
_ENCOUNTER_DIAGNOSIS = "encounter-diagnosis"


def _visit_only(item: ConditionItem, ctx: EvalContext) -> bool:
    """An encounter diagnosis with no clinicalStatus and no abatement, older than
    `_VISIT_CURRENT_DAYS`: a point-in-time statement (US Core), not a problem kept current."""
    if item.clinical_status is not None or item.abatement is not None:
        return False
    if not any(
        c.code == _ENCOUNTER_DIAGNOSIS for category in item.categories for c in category.codings
    ):
        return False
    return _older_than(item, ctx, _VISIT_CURRENT_DAYS)


def _open_acute_entry(item: ConditionItem, ctx: EvalContext) -> bool:
    """An acute viral hepatitis entry left open past the acute days (`acute_entry`)."""
    return acute_entry(item) and _older_than(item, ctx, _ACUTE_CURRENT_DAYS)


def _older_than(item: ConditionItem, ctx: EvalContext, days: int) -> bool:
    day = item.onset or item.recorded
    return day is not None and (ctx.as_of - day).days > days and item.abatement is None


def _current_anti_infectives(ctx: EvalContext) -> list[MedicationItem]:
    uses = ctx.facts.medications.find(_ANTI_INFECTIVE).items
    return [u for u in uses if u.is_current(ctx.as_of) and not _TOPICAL.search(_words(u))]


_TOPICAL = re.compile(
    r"\b(?:topical|cream|ointment|ophthalmic|otic|eye drops?|ear drops?|gel|lotion|vaginal"
    r"|mouthwash|lozenge)\b",
    re.IGNORECASE,
)
_INTRAVENOUS = re.compile(
    r"\b(?:iv|ivpb|intravenous\w*|infusion|injection|injectable|parenteral|for injection"
    r"|in (?:sodium chloride|dextrose|d5w|ns)\b)",
    re.IGNORECASE,
)
_ORAL = re.compile(
    r"\b(?:oral\w*|tablets?|tab|capsules?|cap|by mouth|po|suspension|chewable)\b", re.IGNORECASE
)


def _words(use: MedicationItem) -> str:
    concept = use.medication
    texts = [concept.text or "", *(c.display or "" for c in concept.codings), use.dosage_text or ""]
    return " ".join(texts)


def _systemic_treatment(
    criterion: Criterion, ctx: EvalContext, item: ConditionItem, stated: str
) -> Finding:
    """An infection "requiring systemic (IV) antibiotics": a current systemic anti-infective
    course (ATC J01/J02/J04/J05 or a named antibiotic, antifungal, antiviral); "IV": its words
    say intravenous (an oral course: not met; no route recorded: unknown)."""
    uses = _current_anti_infectives(ctx)
    if not uses:
        if not ctx.record.medications:
            return Finding(
                "unknown",
                f"{stated}; no medications recorded, so whether it requires systemic treatment "
                "is unknown",
                (item.ref,),
            )
        return Finding(
            "not-met",
            f"{stated}; no current systemic anti-infective among the "
            f"{len(ctx.record.medications)} recorded medications",
            (item.ref,),
        )
    if "intravenous" in criterion.qualifiers:
        iv = [u for u in uses if _INTRAVENOUS.search(_words(u))]
        if not iv:
            use = uses[0]
            oral = all(_ORAL.search(_words(u)) for u in uses)
            return Finding(
                "not-met" if oral else "unknown",
                f"{stated}; on {use.medication.label} ({use.ref}), "
                + ("by mouth, not intravenous" if oral else "route not recorded"),
                (item.ref, use.ref),
            )
        uses = iv
    use = uses[0]
    return Finding("met", f"{stated}; on {use.medication.label} ({use.ref})", (item.ref, use.ref))


def _graft_source(
    qualifiers: set[str], items: list[ConditionItem], ctx: EvalContext, note: str
) -> Finding:
    """An allogeneic (or autologous) stem-cell transplant: the words of the entry or of a
    transplant procedure (or its CPT code) say which; the status codes (Z94.81, Z94.84) do not."""
    wanted = "allogeneic" if "allogeneic" in qualifiers else "autologous"
    # A status entry that names no source (Z94.84) is the transplant a procedure describes;
    # two procedures are two transplants.
    sources = [(c.ref, " ".join(c.code.texts), graft_source(c.code)) for c in items]
    sources = [s for s in sources if s[2] is not None]
    sources += [
        (p.ref, " ".join(p.code.texts), graft_source(p.code))
        for p in ctx.facts.procedures.find("stem-cell-transplant").items
    ]
    decided = _by_graft_source(wanted, sources, note)
    if decided is not None:
        return decided
    item = items[0]
    return Finding(
        "unknown",
        f"{describe_condition(item, ctx)}: whether the graft was {wanted} is not recorded",
        (item.ref,),
    )


def _by_graft_source(
    wanted: str, sources: list[tuple[str, str, str | None]], note: str
) -> Finding | None:
    """met when one transplant was of the wanted source, not-met when every one whose source is
    recorded was of the other and none is unsaid; None when the record does not say."""
    for ref, text, source in sources:
        if source == wanted:
            return Finding("met", f"{wanted} transplant: {text} ({ref}){note}", (ref,))
    if sources and all(source is not None for _, _, source in sources):
        ref, text, source = sources[0]
        return Finding("not-met", f"{source} transplant only: {text} ({ref}){note}", (ref,))
    return None


# CPT hematopoietic progenitor cell transplantation: 38240 allogeneic, 38241 autologous.
_GRAFT_CPT = {"38240": "allogeneic", "38241": "autologous"}


def graft_source(concept: Concept) -> str | None:
    """ "allogeneic" / "autologous" when a transplant's code or words say which graft it was."""
    for coding in concept.codings:
        if coding.system == CPT and coding.code in _GRAFT_CPT:
            return _GRAFT_CPT[coding.code]
    source = _GRAFT_SOURCE.search(" ".join(concept.texts))
    if source is None:
        return None
    return "allogeneic" if source[0].lower().startswith("allo") else "autologous"


_GRAFT_SOURCE = re.compile(r"\b(?:allo\w*|auto(?:logous)?\b|auto-?(?:sct|hct|hsct))", re.I)


def condition_span(item: ConditionItem, ctx: EvalContext) -> tuple[date | None, date | None, bool]:
    """(start, end, placed): when the condition was present. ``end`` None: still present.
    ``placed`` False when the record gives no date that places it."""
    current = ctx.facts.is_current(item)
    start = item.onset or (item.recorded if current is not False else None)
    if item.abatement is not None:
        return start, item.abatement, True
    if current is False:
        return start, start, start is not None
    return start, None, True


_PAST_ONLY = "recorded as past"


def _relevant(
    items: list[ConditionItem], criterion: Criterion, ctx: EvalContext
) -> tuple[list[ConditionItem], list[ConditionItem], str]:
    """(relevant, undecided, why the others are not): the items the criterion's qualifiers and
    window keep, and those whose dates cannot say."""
    qualifiers = set(criterion.qualifiers)
    if qualifiers & (_CURRENT_QUALIFIERS | _ADVANCED_QUALIFIERS):
        current = [c for c in items if ctx.facts.is_current(c) is not False]
        # An encounter diagnosis without a status says the condition was there at that visit;
        # months later, whether it still is is not recorded.
        stale = [c for c in current if _visit_only(c, ctx)]
        if _stale_cancer_entries_undecided(criterion):
            stale += [c for c in current if _stale_cancer(c, ctx) and c not in stale]
        if (
            criterion.concept in _ACUTE
            or criterion.concept in _SLOW_CURRENT_DAYS
            or is_acute_episode(criterion.concept or "")
        ):
            # An acute infection still "active" months later (a tuberculosis years after its
            # treatment course, an obstruction of 2019): its status alone cannot say.
            days = _SLOW_CURRENT_DAYS.get(criterion.concept or "", _ACUTE_CURRENT_DAYS)
            stale += [c for c in current if _older_than(c, ctx, days) and c not in stale]
        stale += [c for c in current if c not in stale and _open_acute_entry(c, ctx)]
        stale += [c for c in current if c not in stale and _unplaced(c, ctx)]
        current = [c for c in current if c not in stale]
        return current, stale, "not current (resolved / inactive / history)"
    window = criterion.window
    concept = criterion.concept or ""
    if window is not None and (
        concept in EVENTS or is_injury(concept) or is_acute_episode(concept)
    ):
        # "MI within the past 6 months", "hip fracture within 6 months", "COPD exacerbation in
        # the last 3 weeks": when the event happened, not whether its entry is still open
        # (`evaluation.events`, `.injuries`, `.acute_episodes`).
        kept, undecided = [], []
        for item in items:
            happened = event_in_window(item, window, ctx.as_of, diagnosed_in)
            if happened is None:
                undecided.append(item)
            elif happened:
                kept.append(item)
        return kept, undecided, f"not {describe_window(window)}"
    if window is not None and DIAGNOSED in qualifiers:
        kept, undecided = [], []
        for item in items:
            made = diagnosed_in(item, window, ctx.as_of)
            if made and _noted_as_history(item, ctx):
                made = None  # diagnosed on or before the day it was noted as history
            if made is None:
                undecided.append(item)
            elif made:
                kept.append(item)
        return kept, undecided, f"not diagnosed {describe_window(window)}"
    if window is not None and "history" not in qualifiers:
        kept, undecided = [], []
        for item in items:
            start, end, placed = condition_span(item, ctx)
            if not placed:
                undecided.append(item)
                continue
            if start is None and end is None:
                # Current, undated: present now, so inside a window to today — unless nothing
                # says it is current (no status, no date at all: `_unplaced`).
                (undecided if _unplaced(item, ctx) else kept).append(item)
                continue
            present = _present_in(item, start, end, window, ctx.as_of)
            if (
                present
                and end is None
                and _stale_cancer_entries_undecided(criterion)
                and _stale_cancer(item, ctx)
            ):
                present = None  # "Malignancy within 3 years" and a 2010 entry left active
            if present and _noted_as_history(item, ctx):
                present = None  # over by the day it was noted as history: when, not recorded
            if present and end is None and _visit_only(item, ctx):
                # There at the visit; after it, not recorded: inside the window only if the
                # visit was.
                present = overlaps_window(start, start, window, ctx.as_of) or None
            if present is None:
                undecided.append(item)
            elif present:
                kept.append(item)
        return kept, undecided, f"not {describe_window(window)}"
    if (
        (not qualifiers or qualifiers == {OTHER_PRIMARY})
        and window is None
        and (
            not names_a_neoplasm(criterion.concept)
            or criterion.concept in SITE_METASTASES
            or OTHER_PRIMARY in qualifiers
        )
    ):
        # A bare name ("Asthma"): a past entry may or may not count (`rules.past_diagnoses`).
        # A cancer's site and histology stay the patient's after treatment: "melanoma of
        # uveal origin" is about which melanoma, whatever its status. A metastasis at a site
        # is a state of the disease: a resolved entry is not one now. "Other malignancy" is
        # about a second cancer, not which cancer: a cured one or a history code (Z85) may or
        # may not count.
        # An entry with neither status nor date may be a past one too (`_unplaced`).
        current = [
            c for c in items if ctx.facts.is_current(c) is not False and not _unplaced(c, ctx)
        ]
        if OTHER_PRIMARY in qualifiers:  # a 2010 cancer left open is no evidence of one now
            current = [c for c in current if not _stale_cancer(c, ctx)]
        ended: list[ConditionItem] = []  # an episode open for months: whether it goes on
        if is_acute_episode(criterion.concept or ""):  # "Bowel obstruction": one now
            ended = [c for c in current if _older_than(c, ctx, _ACUTE_CURRENT_DAYS)]
        ended += [c for c in current if c not in ended and _open_acute_entry(c, ctx)]
        current = [c for c in current if c not in ended]
        past = [c for c in items if c not in current and c not in ended]
        return current, ended + past, _PAST_ONLY
    return list(items), [], ""


def _unplaced(item: ConditionItem, ctx: EvalContext) -> bool:
    """An entry with neither a clinical status nor any date (onset, recorded, abatement): it
    says the diagnosis was made, never when nor whether it goes on. An export that drops the
    status and the dates of a cancer in remission must not make it a current one."""
    return (
        item.clinical_status is None
        and item.onset is None
        and item.recorded is None
        and item.abatement is None
        and ctx.facts.is_current(item) is None
    )


def _noted_as_history(item: ConditionItem, ctx: EvalContext) -> bool:
    """A "personal history of" entry (Z85–Z87 or its words) without an abatement date: its
    onset is the day the condition was noted as past — it was over by then, and present some
    time before, but not necessarily on that day."""
    return item.ref in ctx.facts.past_conditions and item.abatement is None


def _present_in(
    item: ConditionItem, start: date | None, end: date | None, window: Window, as_of: date
) -> bool | None:
    """Whether the condition, present from ``start`` to ``end``, was present in the window. A
    partial onset ("2026") decides only when its first and last day agree (None otherwise)."""
    found = overlaps_window(start, end, window, as_of)
    latest = item.onset_latest
    if start is None or start != item.onset or latest is None or latest == start:
        return found
    if end is not None:
        latest = min(latest, end)
    late = overlaps_window(latest, latest if end == start else end, window, as_of)
    if found != late:
        return None
    if not found and end == start and span_in_window(start, latest, window, as_of) is not False:
        return None  # a one-day condition somewhere in a span the window lies inside
    return found


def _partial_onset(item: ConditionItem) -> bool:
    return item.onset is not None and item.onset_latest not in (None, item.onset)


def diagnosed_in(item: ConditionItem, window: Window, as_of: date) -> bool | None:
    """Whether the diagnosis was made in the window; None when its dates cannot say (a partial
    onset whose first and last day answer differently)."""
    if item.onset is not None:
        return span_in_window(item.onset, item.onset_latest or item.onset, window, as_of)
    if item.recorded is None:
        return None
    low, high = window_bounds(window, as_of)
    if low is not None and item.recorded < low:
        return False  # recorded before the window opened: diagnosed before it too
    if low is None and high is not None and item.recorded <= high:
        return True  # recorded long enough ago: diagnosed at least as long ago
    return None


def describe_condition(item: ConditionItem, ctx: EvalContext) -> str:
    if item.ref in ctx.facts.past_conditions:
        status = "history"
    else:
        status = item.clinical_status or "status not recorded"
    if resolution := ctx.facts.superseded.get(item.ref):
        status += f", before its resolution on {resolution.abatement} ({resolution.ref})"
    onset = f", onset {item.onset}" if item.onset else ""
    if _partial_onset(item):
        onset = f", onset between {item.onset} and {item.onset_latest}"
    abated = f", resolved {item.abatement}" if item.abatement else ""
    return f"{item.code.label} ({status}{onset}{abated}; {item.ref})"


# ---------------------------------------------------------------- another primary malignancy


def _another_primary(criterion: Criterion, ctx: EvalContext) -> Finding:
    own = criterion.other_than
    if own == (cancers.MALIGNANCY,):
        return _another_than_an_unnamed_cancer(criterion, ctx)
    name = (
        f"{display(criterion.concept)} other than {', '.join(display(c) for c in own)} "
        "(metastases of it excluded)"
    )
    index = ctx.facts.conditions
    other: list[ConditionItem] = []
    unclear: list[ConditionItem] = []
    mine = 0
    for item in index.find(criterion.concept or cancers.MALIGNANCY).items:
        kind = cancers.classify(item, index.concepts_of_item(item), own)
        if kind == "other":
            other.append(item)
        elif kind == "unclear":
            unclear.append(item)
        else:
            mine += 1
    if other:
        found = _with_qualifiers(criterion, ctx, Matches(tuple(other), False), name)
        if found.result != "not-met":
            return found
    if unclear:
        relevant, undecided, _ = _relevant(unclear, criterion, ctx)
        if relevant or undecided:
            item = (relevant or undecided)[0]
            return Finding(
                "unknown",
                f"{describe_condition(item, ctx)} does not say which cancer it is",
                (item.ref,),
            )
    if other:
        return found
    count = len(ctx.record.conditions)
    result = absent(ctx, name, "conditions", count)
    if result.result == "not-met" and mine:
        return Finding(
            "not-met",
            f"{result.reason}; {mine} recorded cancer entries are the study's own cancer or "
            "its metastases",
        )
    return result


def _another_than_an_unnamed_cancer(criterion: Criterion, ctx: EvalContext) -> Finding:
    """ "Another malignancy" in a study whose own cancer the terminology does not name: any
    recorded primary may be the study's own, so it is unknown, never met; with none recorded,
    absence decides as for any diagnosis."""
    name = f"{display(criterion.concept)} other than the study's own cancer"
    index = ctx.facts.conditions
    primaries = [
        item
        for item in index.find(criterion.concept or cancers.MALIGNANCY).items
        if cancers.classify(item, index.concepts_of_item(item), ()) != "secondary"
    ]
    relevant, undecided, _ = _relevant(primaries, criterion, ctx) if primaries else ([], [], [])
    if relevant or undecided:
        item = (relevant or undecided)[0]
        return Finding(
            "unknown",
            f"{describe_condition(item, ctx)} may be the study's own cancer, which the "
            "terminology does not name",
            (item.ref,),
        )
    return absent(ctx, name, "conditions", len(ctx.record.conditions))


# ---------------------------------------------------------------- subtypes read from results

_TRIPLE_NEGATIVE = "breast-cancer-triple-negative"


def _both(first: Finding, second: Finding) -> Finding:
    """all-of two findings."""
    evidence = tuple(dict.fromkeys((*first.evidence, *second.evidence)))
    for result in ("not-met", "unknown"):
        if result in (first.result, second.result):
            deciding = first if first.result == result else second
            return Finding(deciding.result, deciding.reason, evidence)
    return Finding("met", f"{first.reason}; {second.reason}", evidence)


def _triple_negative(ctx: EvalContext, name: str) -> Finding:
    """Triple-negative breast cancer from the latest ER, PR and HER2 results when no diagnosis
    says it: all three negative → met, any positive → not met, otherwise unknown."""
    cancers_found = ctx.facts.conditions.find("breast-cancer").items
    if not cancers_found:
        return absent(ctx, name, "conditions", len(ctx.record.conditions))
    statuses = {marker: receptor_status(ctx, marker) for marker in ("er", "pr", "her2")}
    positive = [(m, s) for m, s in statuses.items() if s is not None and s[0] == "positive"]
    if positive:
        marker, (_, ref) = positive[0]
        return Finding("not-met", f"{display(marker)} positive ({ref}): not {name}", (ref,))
    if all(s is not None for s in statuses.values()):
        refs = tuple(s[1] for s in statuses.values() if s is not None)
        return Finding("met", f"ER, PR and HER2 negative ({', '.join(refs)})", refs)
    missing = ", ".join(display(m) for m, s in statuses.items() if s is None)
    return Finding("unknown", f"{missing} not recorded, so {name} cannot be decided")


# ---------------------------------------------------------------- metastatic disease


def _unattributed_metastasis(ctx: EvalContext, concept: str) -> ConditionItem | None:
    """A current distant metastasis while no current cancer other than ``concept`` is recorded:
    the resolved primary has most likely recurred."""
    distant = distant_metastases(ctx)
    if not distant:
        return None
    index = ctx.facts.conditions
    for item in index.find(cancers.MALIGNANCY).items:
        if ctx.facts.is_current(item) is False:
            continue
        if cancers.classify(item, index.concepts_of_item(item), (concept,)) == "other":
            return None
    return distant[0]


def _cancers_of(criterion: Criterion) -> tuple[str, ...]:
    """The cancer a criterion is about, when it names one ("metastatic NSCLC": nsclc)."""
    concept = criterion.concept or ""
    return tuple(cancers.cancer_types((concept,)))


def metastatic_disease(ctx: EvalContext, of: tuple[str, ...] = ()) -> Finding:
    """Met by a current distant metastasis (any site but the lymph nodes), brain metastases on an
    imaging report, or a stage IV / M1 (of the cancers ``of``, when given: `stage_for`);
    not met by a recent stage 0–III with no metastasis on record; otherwise unknown."""
    distant = distant_metastases(ctx)
    choice = stage_for(ctx, of)
    stage = choice.stage
    if distant:
        item = distant[0]
        other = other_primary(ctx, of) if of else None
        if other is not None and (stage is None or stage.group != 4):
            return Finding(
                "unknown",
                f"{describe_condition(item, ctx)} may be a metastasis of "
                f"{describe_condition(other, ctx)}, another primary cancer",
                (item.ref, other.ref),
            )
        return Finding("met", f"metastatic: {describe_condition(item, ctx)}", (item.ref,))
    shown = next(
        (
            r
            for r in _brain_readings(ctx)
            if r.presence == "present" and not r.report.is_preliminary
        ),
        None,
    )
    if shown is not None:
        return Finding(
            "met", f"metastatic: brain metastases on {shown.describe}", (shown.report.ref,)
        )
    if stage is not None and stage.group == 4 and choice.doubt is None:
        return Finding("met", f"stage {stage.label} ({stage.source})", (stage.source,))
    nodal = [
        m
        for m in ctx.facts.conditions.find(cancers.METASTATIC).items
        if ctx.facts.is_current(m) is not False and m.verification_status not in UNCONFIRMED
    ]
    if nodal:
        item = nodal[0]
        return Finding(
            "unknown",
            f"{describe_condition(item, ctx)}: lymph-node or in-transit spread, regional or "
            "distant not recorded",
            (item.ref,),
        )
    if stage is not None and stage.group is not None and choice.doubt is not None:
        return Finding("unknown", f"no metastasis recorded, but {choice.doubt}", (stage.source,))
    if stage is not None and stage.group is not None:
        when = stage.day
        if when is not None and (ctx.as_of - when).days <= _RECENT_STAGE_DAYS:
            return Finding(
                "not-met",
                f"stage {stage.label} on {when} ({stage.source}) and no metastasis recorded",
                (stage.source,),
            )
        return Finding(
            "unknown",
            f"stage {stage.label} on {fmt_date(when)} ({stage.source}) is too old to rule out "
            "a later metastasis, and none is recorded",
            (stage.source,),
        )
    return Finding("unknown", "no metastasis and no stage recorded")


def _site_not_recorded(ctx: EvalContext, name: str) -> Finding:
    """Metastases at one site (liver, bone, …) that the problem list does not hold.

    Sites are often not coded — "liver metastases" may live only in an imaging report — so for
    a patient with a cancer their absence is no evidence, whichever way the criterion is asked:
    "No liver metastases" in a colorectal study's inclusions is not met by a missing entry. Not
    met only when metastatic disease is ruled out (a recent stage 0–III and no metastasis on
    record), or when the problem list holds no malignancy at all (the usual rule for an absent
    diagnosis: no cancer, no metastasis of one)."""
    ruled_out = metastatic_disease(ctx)
    if ruled_out.result == "not-met":
        return Finding("not-met", f"no {name}: {ruled_out.reason}", ruled_out.evidence)
    index = ctx.facts.conditions
    cancers_recorded = index.find(cancers.MALIGNANCY).items
    cancer = next((c for c in cancers_recorded if c.verification_status not in UNCONFIRMED), None)
    if cancer is None:
        found = absent(ctx, name, "conditions", len(ctx.record.conditions))
        if found.result == "not-met":
            return Finding("not-met", f"{found.reason}, and no malignancy recorded")
        return found
    return Finding(
        "unknown",
        f"no {name} recorded beside {describe_condition(cancer, ctx)} ({name} are often not "
        "coded: their absence from the problem list is no evidence)",
        (cancer.ref,),
    )


def _unresectable_or_metastatic(
    ctx: EvalContext, of: tuple[str, ...], item: ConditionItem, stated: str
) -> Finding:
    found = metastatic_disease(ctx, of)
    if found.result == "met":
        return Finding("met", f"{stated}; {found.reason}", (item.ref, *found.evidence))
    return Finding(
        "unknown",
        f"{stated}; no metastasis recorded and resectability is not in the record",
        (item.ref,),
    )


def _advanced(
    ctx: EvalContext, of: tuple[str, ...], item: ConditionItem, stated: str, locally: bool
) -> Finding:
    """Metastatic (or, with ``locally``, stage III or metastatic) disease of this cancer."""
    found = metastatic_disease(ctx, of)
    evidence = (item.ref, *found.evidence)
    if found.result == "met":
        return Finding("met", f"{stated}; {found.reason}", evidence)
    if not locally:
        return Finding(found.result, f"{stated}; {found.reason}", evidence)
    choice = stage_for(ctx, of)
    stage = choice.stage if choice.doubt is None else None
    if stage is not None and stage.group == 3:
        return Finding("met", f"{stated}; stage {stage.label} ({stage.source})", evidence)
    if found.result == "not-met" and stage is not None and (stage.group or 0) < 3:
        return Finding("not-met", f"{stated}; {found.reason}", evidence)
    return Finding("unknown", f"{stated}; {found.reason}", evidence)


# ---------------------------------------------------------------- treatment


def _untreated(criterion: Criterion, ctx: EvalContext, item: ConditionItem, stated: str) -> Finding:
    """Untreated unless a procedure (surgery, radiotherapy) was done for this condition; with
    "stable for ≥ N days", the treatment must be at least N days old."""
    concept = criterion.concept or ""
    treatments = [p for p in ctx.record.procedures if _treats(p, item, concept, ctx)]
    treatments.sort(key=lambda p: p.date or date.min, reverse=True)
    symptomatic = "symptomatic" in criterion.qualifiers
    if not treatments and not _treated_by_procedures(concept):
        # "Untreated hypothyroidism", "untreated hypertension": a medical disease is treated
        # with drugs, and a medication seldom says what it treats — levothyroxine taken for it
        # must not read as no treatment.
        return _untreated_by_medication(concept, ctx, item, stated)
    if not treatments:
        if symptomatic:
            return Finding(
                "unknown", f"{stated}; no treatment recorded, symptoms not recorded", (item.ref,)
            )
        return Finding("met", f"{stated}; no treatment recorded for it", (item.ref,))
    latest = treatments[0]
    treated = f"treated by {latest.code.label} on {fmt_date(latest.date)} ({latest.ref})"
    evidence = (item.ref, latest.ref)
    window = criterion.window
    if window is not None and window.high_days is not None and window.high_days < 0:
        stable_since = window_bounds(window, ctx.as_of)[1]
        assert stable_since is not None
        months = window.months[1] if window.months else None
        span = f"{-months} months" if months else f"{-window.high_days} days"
        if latest.date is not None and latest.date > stable_since:
            return Finding("met", f"{stated}; {treated}, less than {span} ago", evidence)
        undated = next((p for p in treatments if p.date is None), None)
        if undated is not None:
            # An undated treatment may be the recent one: whether the condition has been
            # stable for the span cannot be told (an export that drops dates proves nothing).
            return Finding(
                "unknown",
                f"{stated}; treated by {undated.code.label} on an unknown date "
                f"({undated.ref}): whether less than {span} ago cannot be told",
                (item.ref, undated.ref),
            )
    return Finding("not-met", f"{stated}; {treated}", evidence)


def _treated_by_procedures(concept: str) -> bool:
    """Brain metastases and cancers: their treatment (resection, radiotherapy) is a Procedure."""
    if concept == "brain-metastases":
        return True
    return cancers.MALIGNANCY in terminology.terminology().with_ancestors({concept})


def _untreated_by_medication(
    concept: str, ctx: EvalContext, item: ConditionItem, stated: str
) -> Finding:
    """A current medication given for the condition treats it (`not-met`); without one the
    record cannot say: medications seldom name what they treat."""
    for use in ctx.record.medications:
        cites = any(concept in diagnosis_concepts(reason) for reason in use.reasons)
        if cites and use.is_current(ctx.as_of):
            return Finding(
                "not-met",
                f"{stated}; treated with {use.medication.label} ({use.ref})",
                (item.ref, use.ref),
            )
    return Finding(
        "unknown",
        f"{stated}; whether it is treated is not recorded (medications seldom say what they treat)",
        (item.ref,),
    )


def _treats(procedure: ProcedureItem, item: ConditionItem, concept: str, ctx: EvalContext) -> bool:
    """Done for this condition: it names it as its reason, or (brain metastases) it is a
    CNS-directed treatment — radiosurgery, brain radiotherapy, resection — whatever it cites."""
    if item.ref in procedure.reason_refs:
        return True
    if any(concept in diagnosis_concepts(r) for r in procedure.reasons):
        return True
    if procedure.status not in (None, "completed", "in-progress"):
        return False
    concepts = ctx.facts.procedures.concepts_of_item(procedure)
    if concept in concepts:
        return True
    return concept == "brain-metastases" and "cns-directed-therapy" in concepts


def _procedure_for(ctx: EvalContext, concept: str, criterion: Criterion) -> Finding | None:
    """A transplant recorded as the procedure rather than as a status code. A criterion on one
    graft source ("prior allogeneic stem cell transplant") asks which graft the procedure was:
    an autologous transplant does not meet it, one that does not say answers `unknown`."""
    done = [
        p
        for p in ctx.facts.procedures.find(concept).items
        if p.status in (None, "completed", "in-progress")
    ]
    if criterion.window is not None:
        done = [
            p
            for p in done
            if overlaps_window(p.date, p.end or p.date, criterion.window, ctx.as_of) is not False
        ]
    if not done:
        return None
    procedure = done[0]
    sources = set(criterion.qualifiers) & {"allogeneic", "autologous"}
    if sources and concept == "stem-cell-transplant":
        wanted = "allogeneic" if "allogeneic" in sources else "autologous"
        decided = _by_graft_source(
            wanted, [(p.ref, " ".join(p.code.texts), graft_source(p.code)) for p in done], ""
        )
        if decided is not None:
            return decided
        return Finding(
            "unknown",
            f"{procedure.code.label} on {fmt_date(procedure.date)} ({procedure.ref}): whether "
            f"the graft was {wanted} is not recorded",
            (procedure.ref,),
        )
    return Finding(
        "met",
        f"{procedure.code.label} on {fmt_date(procedure.date)} ({procedure.ref})",
        (procedure.ref,),
    )


# ---------------------------------------------------------------- brain metastases

_BRAIN = "brain-metastases"
# Conditions problem lists often leave out: absent, they are unknown, not not-met.
_OFTEN_UNCODED = frozenset({"icd10cm:E80.4"})
BRAIN_IMAGING_FRESH_DAYS = 90
"""A brain imaging report decides "no brain metastases", or their course (progressing, stable),
only when it is at most this old; an older one is reported but decides nothing."""
_DONE = (None, "completed", "in-progress")


def _brain_readings(ctx: EvalContext) -> list[BrainReading]:
    """Every imaging report that says something about brain metastases, newest first."""
    found: list[BrainReading] | None = ctx.facts.memo.get("brain-readings")
    if found is None:
        found = [
            reading
            for report in ctx.record.imaging_reports
            if (reading := read_brain_findings(report)) is not None
        ]
        ctx.facts.memo["brain-readings"] = found
    return found


def _fresh(reading: BrainReading, ctx: EvalContext) -> bool:
    day = reading.report.date
    return day is not None and 0 <= (ctx.as_of - day).days <= BRAIN_IMAGING_FRESH_DAYS


def _cns_treatments(ctx: EvalContext) -> list[ProcedureItem]:
    """Procedures directed at brain metastases (radiosurgery, brain radiotherapy, resection),
    newest first."""
    index = ctx.facts.procedures
    done = [
        p
        for p in index.find("cns-directed-therapy").items
        if p.status in _DONE and p.date is not None
    ]
    done += [p for p in index.find(_BRAIN).items if p.status in _DONE and p not in done]
    done.sort(key=lambda p: p.date or date.min, reverse=True)
    return done


def _steroid_note(ctx: EvalContext) -> str:
    """Current dexamethasone / systemic corticosteroid use: noted, never deciding alone."""
    for item in ctx.facts.medications.find("systemic-corticosteroid").items:
        if item.is_current(ctx.as_of):
            return f"; on {item.medication.label} ({item.ref})"
    return ""


def _imaging_rules_out(
    ctx: EvalContext, readings: list[BrainReading], conditions: list[ConditionItem]
) -> BrainReading | None:
    """The newest brain report, when it rules brain metastases out: a final brain study no
    older than `BRAIN_IMAGING_FRESH_DAYS` that finds none, with no current confirmed brain
    metastasis, no brain-metastasis entry or CNS-directed treatment dated after it and no
    earlier report or treatment that showed them (treated metastases may have resolved)."""
    final = [r for r in readings if not r.report.is_preliminary]
    if not final or final[0].presence != "absent" or not _fresh(final[0], ctx):
        return None
    newest = final[0]
    day = newest.report.date
    for item in conditions:
        if item.verification_status in UNCONFIRMED:
            continue
        if ctx.facts.is_current(item) is not False:
            return None
        when = item.date
        if when is None or day is None or when >= day:
            return None
    if any(r.presence in ("present", "uncertain") for r in final[1:]):
        return None
    if _cns_treatments(ctx):
        return None
    return newest


def _brain_metastases(criterion: Criterion, ctx: EvalContext) -> Finding:
    """Brain metastases from the problem list and from brain imaging reports.

    Present: a confirmed diagnosis or a final report that shows them. Absent: the newest brain
    study, final and recent, finds none and nothing says otherwise (`_imaging_rules_out`).
    Neither: an exclusion ("known brain metastases") keeps the usual rule, absence from a
    recorded problem list is ``not-met``; a criterion that requires them stays ``unknown``
    (brain metastases are often not coded). Qualifiers (active, progressing, uncontrolled,
    treated and stable) read the course from the newest recent brain report.
    """
    name = display(_BRAIN)
    matches = ctx.facts.conditions.find(_BRAIN)
    readings = _brain_readings(ctx)
    final = [r for r in readings if not r.report.is_preliminary]
    confirmed = [c for c in matches.items if c.verification_status not in UNCONFIRMED]
    ruled_out = _imaging_rules_out(ctx, readings, list(matches.items))
    if ruled_out is not None:
        return Finding("not-met", f"no {name}: {ruled_out.describe}", (ruled_out.report.ref,))
    shown = next((r for r in final if r.presence == "present"), None)
    if matches.items and (confirmed or shown is None):
        found = _with_qualifiers(criterion, ctx, matches, name)
        if not criterion.qualifiers or found.result == "not-met" or not confirmed:
            return _with_imaging_note(found, readings, ctx)
        return _brain_course(criterion, ctx, found, final, confirmed[0])
    if shown is not None:
        stated = f"{name} shown by {shown.describe}"
        found = Finding("met", stated, (shown.report.ref,))
        if not criterion.qualifiers:
            return found
        return _brain_course(criterion, ctx, found, final, None)
    unsure = readings[0] if readings else None
    if unsure is not None and (unsure.presence == "uncertain" or unsure.report.is_preliminary):
        return Finding("unknown", f"{name} not confirmed: {unsure.describe}", (unsure.report.ref,))
    count = len(ctx.record.conditions)
    if ctx.excluding:
        return _with_imaging_note(absent(ctx, name, "conditions", count), readings, ctx)
    return _with_imaging_note(
        Finding(
            "unknown",
            f"no {name} recorded, and no recent brain imaging rules them out (brain metastases "
            "are often not coded, so their absence from the problem list is no evidence)",
        ),
        readings,
        ctx,
    )


def _with_imaging_note(found: Finding, readings: list[BrainReading], ctx: EvalContext) -> Finding:
    """Name a brain report that was read but could not decide (stale, preliminary)."""
    if not readings or found.result == "met":
        return found
    newest = readings[0]
    why = "preliminary" if newest.report.is_preliminary else "older than "
    if not newest.report.is_preliminary:
        if _fresh(newest, ctx):
            return found
        why += f"{BRAIN_IMAGING_FRESH_DAYS} days"
    return Finding(
        found.result,
        f"{found.reason}; brain imaging {newest.describe} is {why}, so it decides nothing",
        (*found.evidence, newest.report.ref),
    )


def _brain_course(
    criterion: Criterion,
    ctx: EvalContext,
    found: Finding,
    final: list[BrainReading],
    item: ConditionItem | None,
) -> Finding:
    """A qualifier of present brain metastases, from the newest final brain report."""
    qualifiers = set(criterion.qualifiers)
    newest = next((r for r in final if r.presence in ("present", "absent", "uncertain")), None)
    treatments = _cns_treatments(ctx)
    note = _steroid_note(ctx)
    course = newest.course if newest is not None and _fresh(newest, ctx) else None
    if newest is not None and newest.presence != "present":
        course = None
    evidence = found.evidence
    if newest is not None:
        evidence = tuple(dict.fromkeys((*evidence, newest.report.ref)))
    report = newest.describe if newest is not None else ""
    day = newest.report.date if newest is not None else None
    treated_before = [p for p in treatments if day is None or (p.date and p.date <= day)]
    treated = bool(treated_before) or bool(newest is not None and newest.treated)
    treated_since = [p for p in treatments if day is not None and p.date and p.date > day]
    progressing = course == "progressing" or (course == "new" and treated)
    steady = course in ("stable", "improving")
    if _PROGRESSED_AFTER in qualifiers:
        return _progressed_after_treatment(ctx, found, final, treatments, note)
    if "untreated" in qualifiers or "symptomatic" in qualifiers:
        if item is not None:
            return _plain_or(found, evidence, note)
        if "symptomatic" in qualifiers:
            return Finding("unknown", f"{found.reason}; symptoms not recorded", evidence)
        if treatments or treated:
            what = treatments[0].ref if treatments else "the report"
            return Finding("not-met", f"{found.reason}; treated ({what})", evidence)
        return Finding("met", f"{found.reason}; no treatment recorded for it", evidence)
    if treated_since and (progressing or course == "new"):
        latest = treated_since[0]
        return Finding(
            "unknown",
            f"{found.reason}; {report}, then {latest.code.label} on {fmt_date(latest.date)} "
            f"({latest.ref}): the course since is not recorded{note}",
            (*evidence, latest.ref),
        )
    stated = _first_clause(found.reason)
    if "treated" in qualifiers:
        if progressing or course == "new":
            return Finding("not-met", f"{stated}; not stable: {report}{note}", evidence)
        return _plain_or(found, evidence, note)
    if qualifiers & {"active", "uncontrolled", "progressive"}:
        # New lesions make metastases active; uncontrolled or progressing only after treatment.
        if progressing or (course == "new" and "active" in qualifiers):
            return Finding("met", f"{stated}; {report}{note}", evidence)
        if steady and (treated or "progressive" in qualifiers):
            return Finding("not-met", f"{stated}; {report}{note}", evidence)
        if "active" in qualifiers and found.result == "met":
            return Finding(found.result, f"{found.reason}{note}", evidence)
        why = f"; the newest brain imaging, {report}, does not decide" if report else ""
        if newest is not None and not _fresh(newest, ctx):
            days = BRAIN_IMAGING_FRESH_DAYS
            why = f"; the newest brain imaging, {report}, is older than {days} days"
        if not why:
            return _plain_or(found, evidence, note)
        return Finding("unknown", f"{stated}{why}{note}", evidence)
    return _plain_or(found, evidence, note)


_PROGRESSED_AFTER = "progressed-after-treatment"
_PROGRESSED_COURSES = ("progressing", "new")


def _progressed_after_treatment(
    ctx: EvalContext,
    found: Finding,
    final: list[BrainReading],
    treatments: list[ProcedureItem],
    note: str,
) -> Finding:
    """Brain metastases that progressed after a CNS-directed treatment (radiosurgery, brain
    radiotherapy, resection). Met: a final report shows progression (or new lesions) dated after
    such a treatment, or progression of a lesion it calls treated. Not met: known metastases and
    no CNS-directed treatment in a record that lists procedures (untreated); or the newest final
    report, recent, after the latest treatment, shows them stable or responding and no report
    since a treatment showed progression. Else unknown."""
    if found.result != "met":
        return found
    stated = _first_clause(found.reason)
    for reading in final:
        day = reading.report.date
        if reading.presence != "present" or reading.course not in _PROGRESSED_COURSES:
            continue
        before = [p for p in treatments if day is not None and p.date and p.date < day]
        if before:
            latest = before[0]
            return Finding(
                "met",
                f"{stated}; {reading.describe}, after {latest.code.label} on "
                f"{fmt_date(latest.date)} ({latest.ref}){note}",
                (*found.evidence, reading.report.ref, latest.ref),
            )
        if reading.treated and reading.course == "progressing":
            return Finding(
                "met",
                f"{stated}; a treated lesion progressing: {reading.describe}{note}",
                (*found.evidence, reading.report.ref),
            )
    treated_by_report = any(r.treated for r in final)
    if not treatments and not treated_by_report:
        count = len(ctx.record.procedures)
        if count and ctx.policy.absence_is_evidence:
            return Finding(
                "not-met",
                f"{stated}; no CNS-directed treatment (radiosurgery, brain radiotherapy, "
                f"resection) among the {count} recorded procedures{note}",
                found.evidence,
            )
        return Finding(
            "unknown", f"{stated}; no CNS-directed treatment recorded{note}", found.evidence
        )
    newest = next((r for r in final if r.presence in ("present", "absent", "uncertain")), None)
    if treatments and newest is not None and _fresh(newest, ctx):
        latest = treatments[0]
        day = newest.report.date
        if (
            newest.presence == "present"
            and newest.course in ("stable", "improving")
            and day is not None
            and latest.date is not None
            and latest.date < day
        ):
            return Finding(
                "not-met",
                f"{stated}; {latest.code.label} on {fmt_date(latest.date)} ({latest.ref}), "
                f"since then {newest.describe}: no progression recorded after it{note}",
                (*found.evidence, newest.report.ref, latest.ref),
            )
    return Finding(
        "unknown",
        f"{stated}; progression after CNS-directed treatment is not recorded{note}",
        found.evidence,
    )


def _plain_or(found: Finding, evidence: tuple[str, ...], note: str) -> Finding:
    return Finding(found.result, f"{found.reason}{note}", evidence)


def _first_clause(reason: str) -> str:
    """The diagnosis part of a reason, without its "whether … is not recorded" tail."""
    return reason.split("; whether")[0]
