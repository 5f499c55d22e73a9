"""Current medication classes (`Kind.MEDICATION`) and allergies (`Kind.ALLERGY`).

Current medication: "Patients on anticoagulants", "Using insulin", "strong CYP3A4 inhibitors
within 14 days prior to dosing". Without a window, a use counts when it is current on the
evaluation day (`MedicationItem.is_current`: active / on-hold within its period; stopped and
completed uses only until their end date). With a window, a use counts when its span overlaps
the window. A use qualified `long-term` ("chronic use of steroids") is `met` only by a current
use that began at least 90 days before, one qualified ``lasting-<days>d`` ("on metformin for at
least 3 months") only by a use that has lasted that many days (from its recorded start to its
end or the evaluation day); a shorter current use is `unknown`. Prior therapy
(`Kind.PRIOR_THERAPY`) asks the other question — any use ever, before
the evaluation day — and is evaluated in `clinical`.

Allergy: an AllergyIntolerance (the record reader has dropped refuted and entered-in-error ones)
whose substance is the criterion's, a member of its class, or a class that contains it (the class
itself: an allergy to another member, cefazolin for penicillin, is not one to the substance).
`food` is any food: an entry of category food, or one naming a food allergen. The
absence rule is the one every category follows (docs/eligibility-evaluation.md, "Evidence
policy"): no matching entry in a record that lists at least one allergy is `not-met`; a record
without any AllergyIntolerance is `unknown`; an explicit "no known allergies" entry (SNOMED CT
716186003, "NKA", "No known drug allergies" for drug substances, "No known food allergies"
for foods) is `not-met`.

Intolerance (qualifier ``intolerance``: "morphine intolerance", "allergy or intolerance to X"): a
recorded intolerance meets it as an allergy does, but its absence is `unknown`: side effects a
patient did not tolerate are seldom entered as AllergyIntolerance, so neither an allergy list
without it nor "no known allergies" rules one out.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.evaluation import chemotherapy, steroid_routes
from fhirtrial.eligibility.evaluation.any_medication import evaluate_any_medication
from fhirtrial.eligibility.evaluation.context import (
    EvalContext,
    absent,
    by_text_note,
    describe_window,
    display,
    fmt_date,
    overlaps_window,
    period_overlaps_window,
)
from fhirtrial.eligibility.evaluation.facts import names_no_drug, unidentified_drugs
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.model import Criterion
from fhirtrial.eligibility.rules import medication_groups, use_duration
from fhirtrial.eligibility.rules.any_medication import CONCEPT as ANY_MEDICATION
from fhirtrial.eligibility.rules.corticosteroid_words import ANY_ROUTE
from fhirtrial.patient.items import AllergyItem, MedicationItem

# ---------------------------------------------------------------- current medication

# Products that carry a class member but are not a use of the class: topical / inhaled /
# ophthalmic forms (tacrolimus ointment, cyclosporine eye drops, ketoconazole shampoo) and
# heparin line flushes.
_NOT_SYSTEMIC = re.compile(
    r"\b(?:topical|cream|ointment|lotion|shampoo|ophthalmic|eye drops?|otic|nasal|inhal\w*"
    r"|rectal|gel|vaginal)\b",
    re.IGNORECASE,
)
_FLUSH = re.compile(r"\b(?:flush|lock)\b", re.IGNORECASE)
# Classes whose every form is a use: insulin, and hormonal contraception (a vaginal ring or a
# patch acts on the whole body as a pill does).
_SYSTEMIC_ONLY_EXEMPT = frozenset({"insulin", "hormonal-contraceptive"})
_ANTICOAGULANTS = frozenset(
    {"anticoagulant", "oral-anticoagulant", "heparin", "warfarin", "vitamin-k-antagonist", "doac"}
)
# Classes whose criteria may mean more than the class lists: a current use of these makes a
# missing class member `unknown`, never `not-met` ("immunosuppressive therapy" may count
# corticosteroids or chemotherapy).
_MAY_ALSO_COUNT = {
    "immunosuppressant": ("systemic-corticosteroid", "cytotoxic-chemotherapy"),
    **medication_groups.MAY_ALSO_COUNT,
}


def _counts(concept: str, use: MedicationItem) -> bool:
    label = use.medication.label
    if concept not in _SYSTEMIC_ONLY_EXEMPT and _NOT_SYSTEMIC.search(label):
        return False
    return not (concept in _ANTICOAGULANTS and _FLUSH.search(label))


def _current(use: MedicationItem, criterion: Criterion, ctx: EvalContext) -> bool | None:
    """Whether the use falls in the criterion's time: current on the day, or overlapping the
    window (None: the record cannot say)."""
    as_of = ctx.as_of
    if _unreconciled(use, ctx):
        return None
    window = criterion.window
    if window is None:
        now = use.is_current(as_of)
        span = ctx.record.partial_ends.get(use.ref)
        if span is not None and use.end == span[1] and now is not None:
            # Ended in a month or a year today falls in: on it, or maybe before.
            return now if replace(use, end=span[0]).is_current(as_of) == now else None
        return now
    start = use.start or use.authored
    if use.state in ("stopped", "completed"):
        end = use.end or start
    elif use.state in ("active", "on-hold"):
        end = use.end
    else:  # unknown status: an open end says nothing about the window
        end = use.end
        if end is None:
            return None if overlaps_window(start, None, window, as_of) is not False else False
    return period_overlaps_window(use.ref, start, end, window, ctx)


# "Chronic opioid use", "daily use of benzodiazepines" (`rules.use_duration`): a use counts
# when it started at least this long before the evaluation day and is not taken as needed.
_DURATION_QUALIFIERS = frozenset({"long-term", "regular"})
_LASTING_DAYS = 90
_AS_NEEDED = re.compile(r"\b(?:as needed|prn|when needed|if needed)\b", re.IGNORECASE)


def _needed_days(criterion: Criterion) -> int | None:
    """How long a use must have lasted: ``lasting-<days>d`` ("for at least 3 months"), or
    `_LASTING_DAYS` for a long-term or regular use; None when the criterion asks no duration."""
    days = use_duration.lasting_days(criterion.qualifiers)
    if _DURATION_QUALIFIERS.intersection(criterion.qualifiers):
        return max(days or 0, _LASTING_DAYS)
    return days


def _lasting(use: MedicationItem, criterion: Criterion, ctx: EvalContext) -> bool:
    """Whether the use has lasted the days the criterion asks (from its recorded start to its
    end, or to the evaluation day) and is not taken as needed."""
    start = use.start or use.authored
    needed = _needed_days(criterion) or 0
    end = min(use.end, ctx.as_of) if use.end is not None else ctx.as_of
    if start is None or (end - start).days < needed:
        return False
    return not (use.dosage_text and _AS_NEEDED.search(use.dosage_text))


def _unreconciled(use: MedicationItem, ctx: EvalContext) -> bool:
    """An "active" use with no end that nothing has dated for longer than the policy allows
    (`medication_fresh_days`): EHR medication lists keep orders "active" long after the patient
    stopped, so such an entry says nothing about today — neither use nor its absence."""
    if use.state not in ("active", "on-hold") or use.end is not None:
        return False
    last = use.start or use.authored
    return last is not None and (ctx.as_of - last).days > ctx.policy.medication_fresh_days


def _span(use: MedicationItem) -> str:
    start = use.start or use.authored
    text = f"{use.medication.label} from {fmt_date(start)}"
    if use.end is not None:
        text += f" to {use.end}"
    elif use.state in ("active", "on-hold"):
        text += ", ongoing"
    return f"{text} ({use.state}, {use.ref})"


def _chemotherapy_doubtful(
    uses: list[MedicationItem], criterion: Criterion, ctx: EvalContext
) -> Finding | None:
    """ "Currently receiving chemotherapy": `unknown` when the only current use may not be
    chemotherapy for cancer (weekly methotrexate, cyclophosphamide for lupus), or when no use is
    current but one was given or a chemotherapy administration recorded within
    `chemotherapy.BETWEEN_CYCLES_DAYS` (the patient may be between cycles). None: the ordinary
    rules decide."""
    counted = [u for u in uses if chemotherapy.doubt(u, ctx) is None]
    if any(_current(u, criterion, ctx) is True for u in counted):
        return None
    for use in uses:
        why = chemotherapy.doubt(use, ctx)
        if why is not None and _current(use, criterion, ctx) is not False:
            return Finding(
                "unknown",
                f"{_span(use)}: {why} — may not be chemotherapy for cancer",
                (use.ref,),
            )
    if criterion.window is not None:
        return None
    as_of = ctx.as_of
    recent = [u for u in counted if chemotherapy.recent(u.last_known_date, as_of)]
    events = [
        p
        for p in ctx.facts.procedures.find(chemotherapy.CONCEPT).items
        if chemotherapy.recent(p.end or p.date, as_of)
    ]
    if recent or events:
        ref = recent[-1].ref if recent else events[0].ref
        what = _span(recent[-1]) if recent else f"{events[0].code.label} ({ref})"
        return Finding(
            "unknown",
            f"{what}: given within {chemotherapy.BETWEEN_CYCLES_DAYS} days — the patient may be "
            "between cycles",
            (ref,),
        )
    return None


def evaluate_medication(criterion: Criterion, ctx: EvalContext) -> Finding:
    concept = criterion.concept or ""
    if concept == ANY_MEDICATION:
        return evaluate_any_medication(criterion, ctx, _current, _lasting, _span, _needed_days)
    name = display(concept)
    when = describe_window(criterion.window) or "currently"
    matches = ctx.facts.medications.find_all(concept)
    uses = [m for m in matches.items if m.state != "planned" and _counts(concept, m)]
    note = by_text_note(matches.by_text)
    if concept == chemotherapy.CONCEPT:
        doubtful = _chemotherapy_doubtful(uses, criterion, ctx)
        if doubtful is not None:
            return doubtful
    current = [u for u in uses if _current(u, criterion, ctx) is True]
    if current and "therapeutic" in criterion.qualifiers:
        oral = [
            u for u in current if "oral-anticoagulant" in ctx.facts.medications.concepts_of_item(u)
        ]
        if not oral:
            return Finding(
                "unknown",
                f"{name} {when}: {_span(current[0])}; whether the dose is therapeutic or "
                f"prophylactic is not computed{note}",
                tuple(u.ref for u in current[:3]),
            )
        current = oral
    needed = _needed_days(criterion)
    if current and needed is not None:
        lasting = [u for u in current if _lasting(u, criterion, ctx)]
        if not lasting:
            return Finding(
                "unknown",
                f"{name} {when}: {_span(current[0])}; whether it has been taken regularly for "
                f"{needed} days or more is not recorded{note}",
                tuple(u.ref for u in current[:3]),
            )
        current = lasting
    if current:
        described = "; ".join(_span(u) for u in current[:3])
        return Finding(
            "met", f"{name} {when}: {described}{note}", tuple(u.ref for u in current[:3])
        )
    undecided = [u for u in uses if _current(u, criterion, ctx) is None]
    if undecided:
        stale = (
            f" (not renewed or confirmed for over {ctx.policy.medication_fresh_days} days)"
            if _unreconciled(undecided[0], ctx)
            else ""
        )
        return Finding(
            "unknown",
            f"{name}: {_span(undecided[0])}{stale} — cannot tell whether it is taken {when}{note}",
            (undecided[0].ref,),
        )
    if ANY_ROUTE in criterion.qualifiers:
        route = steroid_routes.other_route_use(
            list(ctx.record.medications), lambda u: _current(u, criterion, ctx)
        )
        if route is not None:
            return Finding(
                "unknown",
                f"no systemic {name} {when}, but {_span(route)}: the criterion names no route, "
                "so whether an inhaled or topical one counts is not said",
                (route.ref,),
            )
    for other in _MAY_ALSO_COUNT.get(concept, ()):
        related = [
            u
            for u in ctx.facts.medications.find_all(other).items
            if _counts(concept, u) and _current(u, criterion, ctx) is True
        ]
        if related:
            return Finding(
                "unknown",
                f"no {name} {when}, but {_span(related[0])} ({display(other)}) may count as one",
                (related[0].ref,),
            )
    unnamed = [
        u
        for u in ctx.record.medications
        if u.state != "planned" and names_no_drug(u) and _current(u, criterion, ctx) is not False
    ]
    if unnamed:
        return Finding(
            "unknown",
            f"no {name} {when} among the named medications, but {unnamed[0].ref} does not say "
            "which drug it is",
            (unnamed[0].ref,),
        )
    if not ctx.excluding:
        # A required drug: an unidentified one may be it (an exclusion's absence stays not-met).
        maybe = [
            u
            for u in unidentified_drugs(ctx.record.medications, ctx.facts.medications)
            if _current(u, criterion, ctx) is not False
        ]
        if maybe:
            return Finding(
                "unknown",
                f"no {name} {when} among the medications identified, but {_span(maybe[0])} "
                "is a drug the shipped terminology does not know (a brand or a local code)",
                (maybe[0].ref,),
            )
    found = absent(ctx, f"{name} {when}", "medications", len(ctx.record.medications))
    if found.result == "not-met" and uses:
        latest = max(uses, key=lambda u: u.last_known_date or date.min)
        return Finding("not-met", f"{found.reason}; last {_span(latest)}{note}", (latest.ref,))
    return found


# ---------------------------------------------------------------- allergies

_NOT_CONFIRMED = frozenset({"unconfirmed", "presumed", "provisional", "differential"})


def _no_known_allergy(item: AllergyItem) -> str | None:
    """ "all" for a "no known allergies" entry, "medication" for "no known drug allergies",
    "food" for "no known food allergies", "other" for any other "no known … allergies" (it
    rules nothing out), None for an allergy."""
    settings = terminology.terminology().no_known_allergy
    codes = {(c["system"], c["code"]) for c in settings.get("codes", ())}
    texts = item.code.texts
    drug_only = [re.compile(p, re.IGNORECASE) for p in settings.get("drugOnlyPatterns", ())]
    if any(p.search(t) for p in drug_only for t in texts):
        return "medication"
    food_only = [re.compile(p, re.IGNORECASE) for p in settings.get("foodOnlyPatterns", ())]
    if any(p.search(t) for p in food_only for t in texts):
        return "food"
    # "No known latex allergy": no allergy, but which ones it rules out is not read.
    other = [re.compile(p, re.IGNORECASE) for p in settings.get("otherPatterns", ())]
    if any(p.search(t) for p in other for t in texts):
        return "other"
    if any(key in codes for key in item.code.keys):
        return "all"
    patterns = [re.compile(p, re.IGNORECASE) for p in settings.get("patterns", ())]
    if any(p.search(t) for p in patterns for t in texts):
        return "all"
    return None


def _allergy_entries(ctx: EvalContext) -> tuple[list[AllergyItem], list[tuple[AllergyItem, str]]]:
    """The record's allergies and its "no known allergies" entries (computed once per record)."""
    memo = ctx.facts.memo.get("allergy-entries")
    if memo is None:
        real: list[AllergyItem] = []
        none: list[tuple[AllergyItem, str]] = []
        for item in ctx.record.allergies:
            scope = _no_known_allergy(item)
            if scope is None:
                real.append(item)
            elif item.is_active is not False:
                none.append((item, scope))
        memo = ctx.facts.memo["allergy-entries"] = (real, none)
    return memo


# Allergen concepts that stand for a whole AllergyIntolerance category ("food allergies"): met by
# any entry of that category, or one naming an allergen of it.
_ANY_OF_CATEGORY = frozenset({"food"})


def _of_category(item: AllergyItem, category: str, ctx: EvalContext) -> bool:
    if category in item.categories:
        return True
    named = ctx.facts.allergies.concepts_of_item(item)
    return any(terminology.concept(c).category == category for c in named)


def _names_only_the_class(item: AllergyItem, ancestor: str, ctx: EvalContext) -> bool:
    """Whether an entry found under a class names the class itself, not one of its members: none
    of its concepts lies below the class, and it names no single drug."""
    vocabulary = terminology.terminology()
    for concept_id in ctx.facts.allergies.concepts_of_item(item):
        if concept_id == ancestor or concept_id in vocabulary.ancestors(ancestor):
            continue
        if ancestor in vocabulary.ancestors(concept_id):
            return False
        if vocabulary.concept(concept_id).value_set == "drugs":
            return False
    return True


def _describe_allergy(item: AllergyItem) -> str:
    details = [item.code.label]
    if item.criticality:
        details.append(f"criticality {item.criticality}")
    if item.reactions:
        details.append("reaction " + ", ".join(r.label for r in item.reactions[:2]))
    when = item.onset or item.recorded
    recorded = f", recorded {when}" if when else ""
    return f"{'; '.join(details)}{recorded} ({item.ref})"


def evaluate_allergy(criterion: Criterion, ctx: EvalContext) -> Finding:
    concept = criterion.concept or ""
    name = display(concept)
    real, no_known = _allergy_entries(ctx)
    index = ctx.facts.allergies
    matches = index.find(concept)
    items = list(matches.items)
    by_text = matches.by_text
    if concept in _ANY_OF_CATEGORY:
        items += [i for i in real if i not in items and _of_category(i, concept, ctx)]
    # An allergy recorded to a class that contains the substance ("Beta-lactam antibiotics" for
    # a penicillin criterion) is an allergy to it; one to another member of that class
    # ("Cefazolin", "Meropenem" for penicillin) is not.
    broader = terminology.terminology().ancestors(concept)
    for ancestor in sorted(broader):
        for item in index.find(ancestor).items:
            if item not in items and _names_only_the_class(item, ancestor, ctx):
                items.append(item)
    items = [i for i in items if i in real]
    note = by_text_note(by_text and bool(items))
    intolerance = "intolerance" in criterion.qualifiers
    certain = [
        i
        for i in items
        if i.is_active is not False
        and i.verification_status not in _NOT_CONFIRMED
        and (intolerance or i.type != "intolerance")
    ]
    if certain:
        item = certain[0]
        status = "" if item.clinical_status else " [status not recorded]"
        return Finding(
            "met",
            f"allergy to {name}: {_describe_allergy(item)}{status}{note}",
            tuple(i.ref for i in certain[:3]),
        )
    if items:
        item = items[0]
        why = (
            f"{item.clinical_status}"
            if item.is_active is False
            else "an intolerance, not an allergy"
            if item.type == "intolerance"
            else f"{item.verification_status}"
        )
        return Finding(
            "unknown",
            f"allergy to {name}: {_describe_allergy(item)} is {why}{note}",
            (item.ref,),
        )
    if intolerance:
        return Finding(
            "unknown",
            f"no allergy or intolerance to {name} recorded; intolerances are seldom recorded",
        )
    category = terminology.concept(concept).category or "medication"
    ruling_out = [item for item, scope in no_known if scope == "all" or scope == category]
    if real:
        found = absent(ctx, f"allergy to {name}", "allergies", len(real))
        if found.result == "not-met" or not ruling_out:
            return found
    if ruling_out:
        item = ruling_out[0]
        return Finding(
            "not-met", f"{item.code.label} ({item.ref}): no allergy to {name}", (item.ref,)
        )
    return Finding(
        "unknown", f"no allergy list in the record, so an allergy to {name} cannot be ruled out"
    )
