"""Criteria answered by the patient's history: therapies, corticosteroids, vaccines, pregnancy
and breastfeeding. Diagnoses are in `diagnoses`, counting lines of therapy in `therapy_lines`.

Status rules: entered-in-error / refuted records never reach here (the record reader drops
them); resolved or inactive conditions count only for "history" criteria and windows they
overlap; provisional / differential diagnoses never make a criterion met (at most unknown);
stopped and completed medications count as prior therapy, never as current use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.evaluation import chemotherapy
from fhirtrial.eligibility.evaluation.context import (
    EvalContext,
    absent,
    by_text_note,
    describe_window,
    display,
    fmt_date,
    in_window,
    overlaps_window,
    period_overlaps_window,
    span_in_window,
    window_bounds,
)
from fhirtrial.eligibility.evaluation.diagnoses import describe_condition
from fhirtrial.eligibility.evaluation.facts import (
    UNCONFIRMED,
    concepts_of,
    drug_names,
    names_no_drug,
    unidentified_drugs,
)
from fhirtrial.eligibility.evaluation.measures import required, satisfies
from fhirtrial.eligibility.evaluation.pregnancy_end import pregnancy_end
from fhirtrial.eligibility.evaluation.pregnancy_window import pregnancy_in_window
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.evaluation.therapy_lines import evaluate_therapy_lines
from fhirtrial.eligibility.model import EVENT_ENROLLMENT, EVENT_LAST_DOSE, Criterion, Window
from fhirtrial.patient.items import ConditionItem, MedicationItem, ObservationItem
from fhirtrial.patient.values import CVX, LOINC, SNOMED, Concept

# ---------------------------------------------------------------- therapies


def _therapy_uses(ctx: EvalContext, concept: str) -> tuple[list[MedicationItem], bool]:
    matches = ctx.facts.medications.find_all(concept)
    uses = [
        m
        for m in matches.items
        if m.state != "planned" and (m.start or m.authored or ctx.as_of) <= ctx.as_of
    ]
    uses.sort(key=lambda m: m.start or m.authored or date.min)
    return uses, matches.by_text


def _course(use: MedicationItem) -> str:
    start = use.start or use.authored
    end = use.end if use.state in ("stopped", "completed") else None
    span = f"from {fmt_date(start)}" + (f" to {end}" if end else "")
    if use.state == "active" and use.end is None:
        span += ", ongoing"
    return f"{use.medication.label} {span} ({use.ref})"


@dataclass(frozen=True)
class _Event:
    """A therapy recorded other than as a medication: a Procedure (a TIL or CAR-T infusion, a
    transplant) or a "personal history of" / status diagnosis (Z92.85-, Z94.84)."""

    ref: str
    label: str
    start: date | None
    end: date | None
    explicit: bool = False
    """A code that says what was given (ICD-10-CM Z92.21 "personal history of antineoplastic
    chemotherapy"), not only that something was administered."""


_DONE = (None, "completed", "in-progress")


def _therapy_events(ctx: EvalContext, concept: str) -> list[_Event]:
    events = [
        _Event(p.ref, p.code.label, p.date, p.end or p.date)
        for p in ctx.facts.procedures.find(concept).items
        if p.status in _DONE
    ]
    for item in ctx.facts.conditions.find(concept).items:
        if item.verification_status in UNCONFIRMED:
            continue
        start = item.onset or item.recorded
        explicit = chemotherapy.explicit_code(item.code)
        events.append(
            _Event(item.ref, item.code.label, item.onset, item.abatement or start, explicit)
        )
    return events


def _chemotherapy_doubts(
    uses: list[MedicationItem], events: list[_Event], ctx: EvalContext
) -> tuple[list[MedicationItem], list[_Event], list[tuple[str, str]]]:
    """The uses and events that count as chemotherapy, and (ref, why) for those that may not
    (`evaluation.chemotherapy`)."""
    counted: list[MedicationItem] = []
    doubts: list[tuple[str, str]] = []
    for use in uses:
        why = chemotherapy.doubt(use, ctx)
        if why is None:
            counted.append(use)
        else:
            doubts.append((use.ref, why))
    if chemotherapy.has_cancer(ctx):
        return counted, events, doubts
    kept = [e for e in events if e.explicit]
    doubts += [(e.ref, f"{e.label} with no cancer on record") for e in events if not e.explicit]
    return counted, kept, doubts


def _may_count_as_chemotherapy(ctx: EvalContext) -> Finding | None:
    """No chemotherapy, but an antibody-drug conjugate or an unclassified antineoplastic some
    protocols count as one."""
    for other in chemotherapy.MAY_COUNT:
        used, _ = _therapy_uses(ctx, other)
        if used:
            return Finding(
                "unknown",
                f"no cytotoxic chemotherapy, but {_course(used[-1])} ({display(other)}) may count "
                "as one",
                (used[-1].ref,),
            )
    return None


_ANTICANCER = "systemic-anticancer-therapy"


def _anticancer(concept: str) -> bool:
    return concept == _ANTICANCER or _ANTICANCER in terminology.terminology().ancestors(concept)


def _any_anticancer_therapy(ctx: EvalContext) -> bool:
    """Whether the record holds any systemic anticancer therapy (a use or a recorded course)."""
    key = "any-anticancer-therapy"
    found: bool | None = ctx.facts.memo.get(key)
    if found is None:
        uses, _ = _therapy_uses(ctx, _ANTICANCER)
        found = bool(uses or _therapy_events(ctx, _ANTICANCER))
        ctx.facts.memo[key] = found
    return found


def _unsaid_kind(ctx: EvalContext, concept: str) -> Finding | None:
    """A recorded course of a family ``concept`` belongs to that names none of the family's
    kinds may be this kind: Z92.21 "personal history of antineoplastic chemotherapy" for an
    anthracycline, "cell therapy" or a stem cell transplant for CAR-T (a TIL infusion names its
    kind, and is no CAR-T). Procedures and diagnoses only: a medication names its drug."""
    term = terminology.terminology()
    for family in sorted(term.ancestors(concept)):
        kinds = frozenset(term.concept(family).includes)
        if not kinds:
            continue
        procedures = ctx.facts.procedures
        for procedure in procedures.find(family).items:
            if procedure.status in _DONE and not procedures.concepts_of_item(procedure) & kinds:
                return _may_be(concept, family, procedure.code.label, procedure.ref)
        conditions = ctx.facts.conditions
        for item in conditions.find(family).items:
            if item.verification_status in UNCONFIRMED:
                continue
            if not conditions.concepts_of_item(item) & kinds:
                return _may_be(concept, family, item.code.label, item.ref)
    return None


def _may_be(concept: str, family: str, label: str, ref: str) -> Finding:
    return Finding(
        "unknown",
        f"no {display(concept)} recorded, but {label} ({ref}) is {display(family)} that does not "
        "say which kind",
        (ref,),
    )


def evaluate_prior_therapy(criterion: Criterion, ctx: EvalContext) -> Finding:
    concept = criterion.concept or ""
    name = display(concept)
    uses, by_text = _therapy_uses(ctx, concept)
    note = by_text_note(by_text)
    if criterion.count is not None:
        return evaluate_therapy_lines(criterion, ctx, uses, name, note)
    events = _therapy_events(ctx, concept)
    doubts: list[tuple[str, str]] = []
    if concept in (chemotherapy.CONCEPT, _ANTICANCER):
        # Prior anticancer therapy named by its umbrella words (`rules.anticancer_therapy`) has
        # the doubts of chemotherapy: weekly methotrexate for arthritis, or cyclophosphamide
        # with no cancer on record, may be no cancer treatment at all.
        uses, events, doubts = _chemotherapy_doubts(uses, events, ctx)
        if doubts and not uses and not events:
            what = (
                "chemotherapy for cancer"
                if concept == chemotherapy.CONCEPT
                else "a cancer treatment"
            )
            return Finding(
                "unknown",
                f"{name}: {doubts[0][1]} ({doubts[0][0]}) may not be {what}",
                tuple(ref for ref, _ in doubts[:3]),
            )
        if concept == chemotherapy.CONCEPT and not uses and not events:
            related = _may_count_as_chemotherapy(ctx)
            if related is not None:
                return related
    if not uses and not events:
        unnamed = [
            u
            for u in ctx.record.medications
            if u.state != "planned"
            and names_no_drug(u)
            and (u.start or u.authored or ctx.as_of) <= ctx.as_of
        ]
        if unnamed:
            return Finding(
                "unknown",
                f"no {name} among the named medications, but {unnamed[0].ref} does not say "
                "which drug it is",
                (unnamed[0].ref,),
            )
        unidentified = _unidentified_course(None, ctx)
        if unidentified is not None:
            return _may_be_unidentified(name, unidentified)
        unsaid = _unsaid_kind(ctx, concept)
        if unsaid is not None:
            return unsaid
        if (
            _anticancer(concept)
            and chemotherapy.has_cancer(ctx)
            and not _any_anticancer_therapy(ctx)
        ):
            # For a patient with a cancer on record, the category a class of cancer drugs is
            # absent from is the cancer treatment history: a medication list of metformin and
            # lisinopril is not one, and treatment given elsewhere is often missing from a
            # hospital's export. (Without a cancer, no anticancer therapy is expected.)
            return Finding(
                "unknown",
                f"no {name} recorded, and no anticancer therapy at all among the "
                f"{len(ctx.record.medications)} recorded medications: the treatment history "
                "may be kept elsewhere",
            )
        recorded = len(ctx.record.medications) + len(ctx.record.procedures)
        return absent(ctx, name, "medications and procedures", recorded)
    window = criterion.window
    if "progressed" in criterion.qualifiers and uses:
        found = _progression_on(uses, window, ctx)
        if found is not None:
            return Finding("met", f"{name}: {found[0]}{note}", found[1])
    if window is not None and window.event == EVENT_LAST_DOSE:
        last = max(uses, key=lambda m: m.last_known_date or date.min) if uses else None
        last_day = last.last_known_date if last else None
        what = "progression" if "progressed" in criterion.qualifiers else "the event"
        return Finding(
            "unknown",
            f"{name}: last dose {fmt_date(last_day)} ({last.ref if last else events[0].ref}); "
            f"{what} {describe_window(window)} is not recorded in a computable form{note}",
            tuple(u.ref for u in uses[-3:]),
        )
    if window is not None:
        placed = [(u, _course_in_window(u, window, ctx)) for u in uses]
        recent = [u for u, inside in placed if inside]
        # A course dated by a month or a year whose span the window cuts: it may be inside.
        unplaced = [u for u, inside in placed if inside is None and _partly_dated(u, ctx)]
        recent_events = [
            e for e in events if overlaps_window(e.start, e.end, window, ctx.as_of) is not False
        ]
        undated = [e for e in recent_events if e.start is None and e.end is None]
        recent_events = [e for e in recent_events if e not in undated]
        if not recent and not recent_events:
            if unplaced:
                return Finding(
                    "unknown",
                    f"{name}: {_course(unplaced[0])}, dated by a month or a year only — "
                    f"whether {describe_window(window)} cannot be told",
                    (unplaced[0].ref,),
                )
            if undated:
                return Finding(
                    "unknown",
                    f"{name}: {undated[0].label} ({undated[0].ref}) on an unknown date — "
                    f"required {describe_window(window)}",
                    (undated[0].ref,),
                )
            if doubts:
                return Finding(
                    "unknown",
                    f"no {name} {describe_window(window)}, but {doubts[0][1]} "
                    f"({doubts[0][0]}) may be",
                    (doubts[0][0],),
                )
            unidentified = _unidentified_course(window, ctx)
            if unidentified is not None:
                return _may_be_unidentified(f"{name} {describe_window(window)}", unidentified)
            latest = uses[-1] if uses else None
            last_course = f"; last {_course(latest)}" if latest else ""
            return Finding(
                "not-met",
                f"no {name} {describe_window(window)}{last_course}{note}",
                (latest.ref,) if latest else (),
            )
        uses, events = recent, recent_events
    described = [_course(u) for u in uses[-3:]] + [
        f"{e.label} on {fmt_date(e.start)} ({e.ref})" for e in events[:2]
    ]
    courses = "; ".join(described)
    evidence = tuple(u.ref for u in uses[-3:]) + tuple(e.ref for e in events[:2])
    if "adjuvant" in criterion.qualifiers:
        return Finding(
            "unknown", f"{name}: {courses}; adjuvant setting not recorded{note}", evidence
        )
    if "progressed" in criterion.qualifiers:
        return Finding(
            "unknown", f"{name}: {courses}; progression on it is not recorded{note}", evidence
        )
    return Finding("met", f"{name}: {courses}{note}", evidence)


# mCODE CancerDiseaseStatus: LOINC 97509-4 "Cancer disease progression" (STU2+), 88040-1
# "Response to cancer treatment" (STU1); value SNOMED CT 271299001 "Patient's condition worsened".
_DISEASE_STATUS_CODES = frozenset({(LOINC, "97509-4"), (LOINC, "88040-1")})
_WORSENED = (SNOMED, "271299001")


def _progression_on(
    uses: list[MedicationItem], window: Window | None, ctx: EvalContext
) -> tuple[str, tuple[str, ...]] | None:
    """A recorded progression (disease status "worsened") during or after the therapy; with a
    last-dose window, within it after the last dose. None when no such record."""
    progressions = [
        (o.date, o)
        for o in ctx.record.observations
        if o.date is not None
        and o.date <= ctx.as_of
        and any(key in _DISEASE_STATUS_CODES for key in o.code.keys)
        and isinstance(o.value, Concept)
        and _WORSENED in o.value.keys
    ]
    if not progressions:
        return None
    started = [u for u in uses if (u.start or u.authored) is not None]
    if not started:
        return None
    first_start = min(u.start or u.authored or date.max for u in started)
    if window is not None and window.event == EVENT_LAST_DOSE:
        last = max(started, key=lambda m: m.last_known_date or date.min)
        last_day = last.last_known_date
        if last_day is None:
            return None
        low, high = window_bounds(window, last_day)
        hits = [
            (day, o)
            for day, o in progressions
            if day >= first_start and (low is None or day >= low) and (high is None or day <= high)
        ]
        if not hits:
            return None
        day, hit = hits[0]
        return (
            f"progression on {fmt_date(day)} ({hit.ref}), "
            f"{(day - last_day).days} days after the last dose on "
            f"{fmt_date(last_day)} ({last.ref})",
            (hit.ref, last.ref),
        )
    after = [o for day, o in progressions if day >= first_start]
    if not after:
        return None
    first = min(started, key=lambda m: m.start or m.authored or date.max)
    return (
        f"progression on {fmt_date(after[0].date)} ({after[0].ref}) after {_course(first)}",
        (after[0].ref, first.ref),
    )


# ---------------------------------------------------------------- corticosteroids

# A sig as prescribers write it: "Take 1 tablet (4 mg total) by mouth 2 (two) times daily".
_DOSE_MG = re.compile(r"(\d+(?:\.\d+)?)\s*mg\b(?!\s*/)", re.IGNORECASE)
_UNITS = re.compile(
    r"\b(?:take|give|use)\s+(\d+(?:\.\d+)?|one|two|three|four|half|1/2)\s*(?:\(\w+\)\s*)?"
    r"(?:tab|tablet|cap|capsule|pill)s?\b",
    re.IGNORECASE,
)
_WORD_NUMBERS = {"one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "half": 0.5, "1/2": 0.5}
_FREQUENCIES = (
    (
        re.compile(
            r"\b(?:four|4)\s*(?:\(four\)\s*)?times\b|\bqid\b|\b(?:q\.?|every)\s*6\s*h", re.I
        ),
        4.0,
    ),
    (
        re.compile(
            r"\b(?:three|3)\s*(?:\(three\)\s*)?times\b|\btid\b|\b(?:q\.?|every)\s*8\s*h", re.I
        ),
        3.0,
    ),
    (
        re.compile(
            r"\btwice\b|\b(?:two|2)\s*(?:\(two\)\s*)?times\b|\bb\.?i\.?d\b|\b(?:q\.?|every)\s*12\s*h",
            re.I,
        ),
        2.0,
    ),
    (re.compile(r"\bevery other day\b|\bqod\b", re.I), 0.5),
    (
        re.compile(
            r"\b(?:once|one time|1 time)\b|\bdaily\b|\bevery (?:day|morning|evening)\b|\bqd\b"
            r"|\bnightly\b|\bat bedtime\b|\b(?:q\.?|every)\s*24\s*h|\bq\s*am\b",
            re.I,
        ),
        1.0,
    ),
)


def doses_per_day_in(text: str) -> float | None:
    """Doses a day from a written sig ("twice daily", "BID", "every 8 hours")."""
    for pattern, per_day in _FREQUENCIES:
        if pattern.search(text):
            return per_day
    return None


def units_in(text: str) -> float | None:
    """Tablets per dose from a written sig ("Take 2 tablets")."""
    found = _UNITS.search(text)
    if found is None:
        return None
    word = found[1].lower()
    return _WORD_NUMBERS.get(word) or float(word)


_STRENGTH_MG = re.compile(r"(\d+(?:\.\d+)?)\s*MG(?![/\w])", re.IGNORECASE)
_NOT_SYSTEMIC = re.compile(
    r"\b(topical|cream|ointment|lotion|ophthalmic|otic|nasal|inhal\w*|rectal|gel)\b", re.I
)


def evaluate_corticosteroid_dose(criterion: Criterion, ctx: EvalContext) -> Finding:
    """Current systemic corticosteroids, in prednisone-equivalent mg per day. One drug recorded
    several times (the order and the medication list) counts once, at its latest computable
    dose; a dose that cannot be computed leaves the answer open unless the others already
    exceed the limit."""
    concept = criterion.concept or "systemic-corticosteroid"
    matches = ctx.facts.medications.find_all(concept)
    current = [
        m
        for m in matches.items
        if m.is_current(ctx.as_of) is not False and not _NOT_SYSTEMIC.search(m.medication.label)
    ]
    if not current:
        return absent(
            ctx, "current systemic corticosteroid", "medications", len(ctx.record.medications)
        )
    by_drug: dict[str, list[MedicationItem]] = {}
    for use in current:
        key = ",".join(sorted(drug_names(use.medication))) or use.medication.label.lower()
        by_drug.setdefault(key, []).append(use)
    total = 0.0
    parts: list[str] = []
    evidence: list[str] = []
    missing: MedicationItem | None = None
    for uses in by_drug.values():
        uses.sort(key=lambda u: u.start or u.authored or date.min, reverse=True)
        dosed = [(u, d) for u in uses if (d := _prednisone_mg_per_day(u)) is not None]
        if not dosed:
            missing = missing or uses[0]
            evidence.append(uses[0].ref)
            continue
        use, daily = dosed[0]
        total += daily
        evidence.append(use.ref)
        parts.append(f"{use.medication.label} ≈ {daily:g} mg/d prednisone ({use.ref})")
    stated = f"{'; '.join(parts)} — required {required(criterion)}"
    if missing is not None:
        if parts and satisfies(total, criterion) and criterion.comparator in (">", ">="):
            return Finding("met", stated, tuple(evidence))
        return Finding(
            "unknown",
            f"{_course(missing)}: daily dose not recorded — required {required(criterion)}",
            tuple(evidence),
        )
    return Finding("met" if satisfies(total, criterion) else "not-met", stated, tuple(evidence))


# A sig that does not say the dose taken each day: a range ("Take 1-2 tablets (10-20 mg
# total)"), a taper ("4 tabs daily x3 days, then 3 tabs…") or a dose as needed ("every 6 hours
# as needed for nausea": the most allowed, not what is taken).
_NO_DAILY_DOSE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:-|–|to|or)\s*\d+(?:\.\d+)?\s*(?:\(\w+\)\s*)?"
    r"(?:tab|tablet|cap|capsule|pill|mg)s?\b"
    r"|\bthen\b|\btaper\w*|\bas needed\b|\bprn\b|\bif needed\b",
    re.IGNORECASE,
)


def _prednisone_mg_per_day(use: MedicationItem) -> float | None:
    factor = _prednisone_factor(use)
    if factor is None:
        return None
    if use.dosage_text and _NO_DAILY_DOSE.search(use.dosage_text):
        return None
    per_dose_mg = _mg_per_dose(use)
    per_day = use.doses_per_day
    if per_day is None and use.dosage_text:
        per_day = doses_per_day_in(use.dosage_text)
    if per_dose_mg is None or per_day is None:
        return None
    return round(per_dose_mg * per_day * factor, 2)


def _mg_per_dose(use: MedicationItem) -> float | None:
    dose = use.dose
    if (
        dose is not None
        and dose.value is not None
        and (dose.code or dose.unit or "").lower() == "mg"
    ):
        return dose.value
    text = use.dosage_text or ""
    written = _DOSE_MG.search(text)
    if written is not None:
        return float(written[1])
    strength = _STRENGTH_MG.search(use.medication.label)
    if strength is None:
        return None
    units = dose.value if dose is not None and dose.value is not None else units_in(text)
    return float(strength[1]) * (units if units is not None else 1.0)


def _prednisone_factor(use: MedicationItem) -> float | None:
    for concept in use.all_concepts():
        for system, code in concept.keys:
            if system == terminology.RXNORM_SYSTEM:
                factor = terminology.prednisone_equivalent_factor(code)
                if factor is not None:
                    return factor
    label = use.medication.label.lower()
    for member in terminology.members("systemic-corticosteroid"):
        if member.display and member.display.lower() in label:
            return terminology.prednisone_equivalent_factor(member.code)
    return None


# ---------------------------------------------------------------- vaccines, pregnancy


# CVX "unspecified formulation" codes of vaccines that exist live and inactivated: influenza
# (88), zoster (188), typhoid (91), cholera (26), adenovirus (82), poliovirus (89).
_FORMULATION_UNSAID = frozenset({"88", "188", "91", "26", "82", "89"})


def _partial_in_window(ctx: EvalContext, ref: str, window: Window | None) -> bool | None:
    """Whether an item dated by a year or a month only lies in the window (None: its span
    does not say, or it has no date at all)."""
    span = ctx.record.partial_dates.get(ref)
    return span_in_window(*span, window, ctx.as_of) if span else None


def _course_in_window(use: MedicationItem, window: Window, ctx: EvalContext) -> bool | None:
    """Whether a drug course overlaps the window (None: the record cannot say). A course dated
    by a year or a month only is placed by the span of days its dates stand for."""
    start = use.start or use.authored
    end = use.last_known_date
    if start is None and end is None:
        return _partial_in_window(ctx, use.ref, window)
    return period_overlaps_window(use.ref, start, end, window, ctx)


def _unidentified_course(window: Window | None, ctx: EvalContext) -> MedicationItem | None:
    """For a required prior therapy (not an exclusion's): a course, begun by the evaluation day
    and possibly in ``window`` (any time without one), of a drug the terminology cannot name —
    it may be the therapy asked for, even beside an identified course given before the window."""
    if ctx.excluding:
        return None
    for use in unidentified_drugs(ctx.record.medications, ctx.facts.medications):
        if (use.start or use.authored or ctx.as_of) <= ctx.as_of and (
            window is None or _course_in_window(use, window, ctx) is not False
        ):
            return use
    return None


def _may_be_unidentified(what: str, use: MedicationItem) -> Finding:
    return Finding(
        "unknown",
        f"no {what} among the medications identified, but {_course(use)} is a drug the "
        "shipped terminology does not know (a brand or a local code)",
        (use.ref,),
    )


def _partly_dated(use: MedicationItem, ctx: EvalContext) -> bool:
    return use.ref in ctx.record.partial_dates or use.ref in ctx.record.partial_ends


def evaluate_vaccine(criterion: Criterion, ctx: EvalContext) -> Finding:
    concept = criterion.concept or "live-vaccine"
    name = display(concept)
    matches = ctx.facts.immunizations.find(concept)
    window = criterion.window
    hits = [i for i in matches.items if in_window(i.date, window, ctx.as_of)]
    if hits:
        item = hits[0]
        return Finding(
            "met",
            f"{item.vaccine.label} on {fmt_date(item.date)} ({item.ref}) {describe_window(window)}"
            f"{by_text_note(matches.by_text)}",
            (item.ref,),
        )
    undated = [
        i
        for i in matches.items
        if i.date is None and _partial_in_window(ctx, i.ref, window) is not False
    ]
    if undated:
        item = undated[0]
        span = ctx.record.partial_dates.get(item.ref)
        when = f"between {span[0]} and {span[1]}" if span else "on an unknown date"
        return Finding("unknown", f"{item.vaccine.label} {when}", (item.ref,))
    if concept == "live-vaccine":
        unsaid = [
            i
            for i in ctx.record.immunizations
            if any(c.system == CVX and c.code in _FORMULATION_UNSAID for c in i.vaccine.codings)
            and in_window(i.date, window, ctx.as_of)
        ]
        if unsaid:
            item = unsaid[0]
            return Finding(
                "unknown",
                f"{item.vaccine.label} on {fmt_date(item.date)} ({item.ref}) "
                f"{describe_window(window)}: whether it was the live vaccine is not recorded",
                (item.ref,),
            )
    found = absent(
        ctx,
        f"{name} {describe_window(window)}".strip(),
        "immunizations",
        len(ctx.record.immunizations),
    )
    if found.result == "not-met" and matches.items:
        latest = max(matches.items, key=lambda i: i.date or date.min)
        return Finding(
            "not-met",
            f"{found.reason}; last {latest.vaccine.label} on {latest.date}",
            (latest.ref,),
        )
    return found


def evaluate_pregnancy(criterion: Criterion, ctx: EvalContext) -> Finding:
    now = _female_state(criterion, ctx, "pregnancy", "pregnant", "pregnancy")
    if criterion.window is None:
        return now
    # "Pregnant within the last 2 years": any pregnancy in the window (`pregnancy_window`).
    return pregnancy_in_window(criterion.window, ctx, now)


def evaluate_breastfeeding(criterion: Criterion, ctx: EvalContext) -> Finding:
    return _female_state(criterion, ctx, "breastfeeding", "breastfeeding", "breastfeeding")


_STATUS_OBSERVATIONS = {
    "pregnancy": ("pregnancy-status", "pregnancy-test"),
    "breastfeeding": ("breastfeeding-status",),
}
_SAYS_NO = re.compile(
    r"\bnot\b|^\s*no\b|\bnever\b|\bnegative\b|\bstopped\b|\bweaned\b|\bformerly\b", re.I
)
_SAYS_YES = {
    "pregnancy": re.compile(r"^\s*(?:yes|pregnant|positive)\b|\bcurrently pregnant\b", re.I),
    "breastfeeding": re.compile(
        r"^\s*yes\b|\b(?:currently\s+)?(?:breast-?\s?feeding|lactating|nursing)\b", re.I
    ),
}


def _status_observations(ctx: EvalContext, concept: str) -> list[ObservationItem]:
    """Status answers and (for pregnancy) hCG tests, newest first."""
    found: dict[str, ObservationItem] = {}
    for kind in _STATUS_OBSERVATIONS.get(concept, ()):
        for item in ctx.facts.observations.find(kind).items:
            found.setdefault(item.ref, item)
    return sorted(found.values(), key=lambda o: o.date or date.min, reverse=True)


def _status_answer(item: ObservationItem, concept: str) -> bool | None:
    """Whether a status answer or a test result says yes (pregnant / breastfeeding)."""
    value = item.value
    if isinstance(value, Concept):
        coded = concepts_of(value)
        if concept in coded:
            return True
        texts = [t for t in (value.text, *(c.display for c in value.codings)) if t]
    elif isinstance(value, str):
        coded, texts = frozenset(), [value]
    elif isinstance(value, bool):
        return value
    else:
        return None
    if "negative" in coded or any(_SAYS_NO.search(t) for t in texts):
        return False
    if "positive" in coded or any(_SAYS_YES[concept].search(t) for t in texts):
        return True
    return None


def _female_state(
    criterion: Criterion, ctx: EvalContext, concept: str, word: str, noun: str
) -> Finding:
    patient = ctx.record.patient
    if patient.birth_sex == "male" or (patient.gender == "male" and patient.birth_sex is None):
        return Finding("not-applicable", f"male patient: cannot be {word}", (patient.ref,))
    recent_from = ctx.as_of - timedelta(days=ctx.policy.pregnancy_fresh_days)
    conditions = [
        c
        for c in ctx.facts.conditions.find(concept).items
        if ctx.facts.is_current(c) is not False
        and c.verification_status not in UNCONFIRMED
        and (c.abatement is None or c.abatement >= ctx.as_of)
    ]
    # A pregnancy entry left "active" years after the birth (Z33.1 of 2019, an O24 gestational
    # diabetes of 2018) is not this pregnancy: dated longer ago than a pregnancy (a nursing
    # period) lasts, it says nothing of now.
    longest = _LONGEST_DAYS[concept]
    stale = [c for c in conditions if (day := _entry_day(c)) and (ctx.as_of - day).days > longest]
    fresh = [c for c in conditions if c not in stale]
    # Evidence dated on or before a documented end of the pregnancy is about that one.
    ended = (
        pregnancy_end(ctx, list(ctx.facts.conditions.find(concept).items))
        if concept == "pregnancy"
        else None
    )
    if ended is not None:
        fresh = [c for c in fresh if (day := _entry_day(c)) is None or day > ended.day]
    answers = [
        (item, answer)
        for item in _status_observations(ctx, concept)
        if item.date is not None
        and item.date >= recent_from
        and (ended is None or item.date > ended.day)
        and (answer := _status_answer(item, concept)) is not None
    ]
    # An entry with no date at all cannot be placed within a pregnancy's span: it may be this
    # one or one long over (an export that drops dates tells nothing new), so it makes the
    # answer `unknown` unless a recent answer says yes.
    undated = [c for c in fresh if _entry_day(c) is None]
    fresh = [c for c in fresh if c not in undated]
    if undated and not fresh and not (answers and answers[0][1]):
        return Finding(
            "unknown",
            f"{word}: {describe_condition(undated[0], ctx)} — undated: whether {word} now "
            "is not recorded",
            (undated[0].ref,),
        )
    if fresh:
        condition = fresh[0]
        stated = f"{word}: {describe_condition(condition, ctx)}"
        day = _entry_day(condition)
        newer = [(i, yes) for i, yes in answers if day is not None and (i.date or day) > day]
        if newer and not newer[0][1]:
            # The newest answer, given after the entry, says no: the entry may be stale.
            item = newer[0][0]
            return Finding(
                "unknown",
                f"{stated}, but {item.code.label}: {_answer_label(item)} on {item.date} "
                f"({item.ref}): whether {word} now is not recorded",
                (condition.ref, item.ref),
            )
        return Finding("met", stated, (condition.ref,))
    if answers:
        item, answer = answers[0]
        return Finding(
            "met" if answer else "not-met",
            f"{item.code.label}: {_answer_label(item)} on {item.date} ({item.ref})",
            (item.ref,),
        )
    if ended is not None and ended.day >= recent_from:
        return Finding(
            "not-met",
            f"the pregnancy ended: {ended.label} on {ended.day} ({ended.ref})",
            (ended.ref,),
        )
    if stale:
        return Finding(
            "unknown",
            f"{describe_condition(stale[0], ctx)} — dated more than {longest} days ago: "
            f"whether {word} now is not recorded",
            (stale[0].ref,),
        )
    return Finding(
        "unknown",
        f"no {noun} status recorded in the last {ctx.policy.pregnancy_fresh_days} days",
    )


def _answer_label(item: ObservationItem) -> str:
    return item.value.label if isinstance(item.value, Concept) else str(item.value)


# How long a pregnancy (a nursing period) lasts: an entry dated longer ago is not current.
_LONGEST_DAYS = {"pregnancy": 300, "breastfeeding": 1095}


def _entry_day(item: ConditionItem) -> date | None:
    return item.onset or item.recorded


__all__ = [
    "EVENT_ENROLLMENT",
    "evaluate_breastfeeding",
    "evaluate_corticosteroid_dose",
    "evaluate_pregnancy",
    "evaluate_prior_therapy",
    "evaluate_vaccine",
]
