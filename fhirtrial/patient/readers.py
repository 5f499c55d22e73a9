"""One reader per clinical resource type: a FHIR R4 or R5 resource dict → a normalized item.

A reader returns ``None`` when the resource does not describe something that happened to the
patient (entered in error, refuted, not done, cancelled), and reports what it had to repair
through ``ReadContext.warn``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fhirtrial.patient.items import (
    EMPTY_CONCEPT,
    AllergyItem,
    ConditionItem,
    ImagingReport,
    ImmunizationItem,
    MedicationItem,
    MedicationState,
    ObservationComponent,
    ObservationItem,
    ObservationValue,
    ProcedureItem,
    RecordIssue,
    ReferenceRange,
    StageInfo,
)
from fhirtrial.patient.values import (
    LOINC,
    SNOMED,
    Concept,
    ConceptReader,
    Quantity,
    first_text,
    parse_fhir_date,
    read_period,
    read_quantity,
    read_range,
    read_ratio,
)

# mCODE TNM stage group observation codes (LOINC stage group clinical/pathology/other, SNOMED
# TNM stage grouping and its clinical/pathologic children).
STAGE_GROUP_CODES = frozenset(
    {
        (LOINC, "21908-9"),
        (LOINC, "21902-2"),
        (LOINC, "21914-7"),
        (SNOMED, "399390009"),
        (SNOMED, "399537006"),
        (SNOMED, "399588009"),
    }
)

# A clock skew or time zone may put a same-day record a little after "today".
_FUTURE_SLACK = timedelta(days=1)


def _span_elements(prefix: str) -> tuple[str, str, str]:
    return prefix + "DateTime", prefix + "Instant", prefix + "Period"


# Built once rather than per resource.
_SPAN_ELEMENTS = {
    prefix: _span_elements(prefix)
    for prefix in ("effective", "performed", "occurrence", "occurence")
}


@dataclass
class ReadContext:
    as_of: date
    birth_date: date | None
    resolve: Callable[[str, dict[str, Any] | None], dict[str, Any] | None]
    issues: list[RecordIssue] = field(default_factory=list)
    concepts: ConceptReader = field(default_factory=ConceptReader)
    """Reads the CodeableConcepts of this one bundle (equal ones share one `Concept`)."""
    latest: date = field(init=False)
    """The last day an event may have happened on: ``as_of`` plus a day of slack."""
    partial_dates: dict[str, tuple[date, date]] = field(default_factory=dict)
    """Events (procedures, vaccinations, medication courses) dated only by a year or a month,
    by ref: (first, last day) the date stands for. Such an event is read as undated; the
    evaluators that can decide on a span read it from here (`PatientRecord.partial_dates`)."""
    partial_ends: dict[str, tuple[date, date]] = field(default_factory=dict)
    """Periods whose end names only a year or a month, by ref: (first, last day) the end
    stands for. The item ends on the last one (it was over by then); the evaluators that ask
    whether it reached into a window read both (`PatientRecord.partial_ends`)."""

    def __post_init__(self) -> None:
        self.latest = self.as_of + _FUTURE_SLACK

    def warn(self, ref: str | None, message: str) -> None:
        self.issues.append(RecordIssue("warning", ref, message))

    def event_date(self, raw: Any, ref: str, element: str, *, end: bool = False) -> date | None:
        """A date of something that already happened: unreadable or impossible → ``None``."""
        day = self.plan_date(raw, ref, element, end=end)
        if day is None:
            return None
        if day > self.latest:
            self.warn(ref, f"{element} {raw} lies after the evaluation date {self.as_of}; ignored")
            return None
        if self.birth_date is not None and day < self.birth_date:
            self.warn(ref, f"{element} {raw} lies before the birth date {self.birth_date}; ignored")
            return None
        return day

    def plan_date(self, raw: Any, ref: str, element: str, *, end: bool = False) -> date | None:
        """A date that may be in the future (a planned medication end), but is still checked."""
        if raw is None:
            return None
        day = parse_fhir_date(raw, end=end)
        if day is None:
            self.warn(ref, f"{element} {raw!r} is not a valid FHIR date; ignored")
        return day

    def exact_span(
        self, resource: dict[str, Any], prefix: str, ref: str
    ) -> tuple[date | None, date | None]:
        """`event_span`, with a date or a start dated only by a year or a month ("2026",
        "2026-05") read as undated: its first day is not the day the event happened (a
        vaccination "in 2026" read as 1 January was no vaccination in the last 28 days). The
        span it stands for is kept in `partial_dates`. An end so dated is its last day, both
        days kept in `partial_ends`."""
        start, end = self.event_span(resource, prefix, ref)
        if start is None and end is None:
            return start, end
        date_time, instant, period_name = _SPAN_ELEMENTS.get(prefix) or _span_elements(prefix)
        raw = resource.get(date_time)
        period = resource.get(period_name)
        if raw is None and resource.get(instant) is None and isinstance(period, dict):
            raw_start, raw_end = period.get("start"), period.get("end")
        else:
            raw_start, raw_end = raw, None
        return self.exact_dates(ref, start, raw_start, end, raw_end)

    def exact_dates(
        self, ref: str, start: date | None, raw_start: Any, end: date | None, raw_end: Any
    ) -> tuple[date | None, date | None]:
        """(start, end) with the partial ones set apart (`exact_span`)."""
        first_partial = start is not None and is_partial_date(raw_start)
        last_partial = end is not None and is_partial_date(raw_end)
        if not first_partial and not last_partial:
            return start, end
        if first_partial:
            assert start is not None
            last = parse_fhir_date(str(raw_start).strip(), end=True) or start
            if end is not None:
                last = max(last, end)
            self.partial_dates.setdefault(ref, (start, min(last, self.as_of)))
            self.warn(ref, f"date {raw_start} names no day; read as undated")
            start = None
        if last_partial:
            # "Until 2026-11": over by 30 November, from 1 November on. Read as no end it made
            # a course that ended last month a current one.
            assert end is not None
            first_day = parse_fhir_date(str(raw_end).strip()) or end
            self.partial_ends.setdefault(ref, (min(first_day, end), end))
        return start, end

    def event_span(
        self, resource: dict[str, Any], prefix: str, ref: str
    ) -> tuple[date | None, date | None]:
        """``<prefix>DateTime`` / ``<prefix>Period`` / ``<prefix>Instant`` → (start, end)."""
        date_time, instant, period_name = _SPAN_ELEMENTS.get(prefix) or _span_elements(prefix)
        raw = resource.get(date_time)
        if raw is not None:
            return self.event_date(raw, ref, date_time), None
        raw = resource.get(instant)
        if raw is not None:
            return self.event_date(raw, ref, instant), None
        period = resource.get(period_name)
        if isinstance(period, dict):
            start = self.event_date(period.get("start"), ref, prefix + "Period.start")
            end = self.plan_date(period.get("end"), ref, prefix + "Period.end", end=True)
            if start is not None and end is not None and end < start:
                self.warn(ref, f"{prefix}Period ends before it starts; end ignored")
                end = None
            return start, end
        return None, None


def is_partial_date(raw: Any) -> bool:
    """A FHIR date or dateTime of a year or a month only ("2026", "2026-05")."""
    return isinstance(raw, str) and len(raw.strip()) in (4, 7)


def _ref_of(resource: dict[str, Any]) -> str:
    return f"{resource.get('resourceType')}/{resource.get('id') or '?'}"


# ---------------------------------------------------------------- Condition


def read_condition(
    resource: dict[str, Any], ref: str, ctx: ReadContext, stages: tuple[StageInfo, ...]
) -> ConditionItem | None:
    verification = ctx.concepts.status_code(resource.get("verificationStatus"))
    if verification in ("entered-in-error", "refuted"):
        return None
    code = ctx.concepts.concept(resource.get("code"))
    if code is None:
        ctx.warn(ref, "Condition has no code")
        code = EMPTY_CONCEPT
    onset, onset_latest = _condition_date_span(resource, "onset", ref, ctx)
    abatement = _condition_date(resource, "abatement", ref, ctx)
    if onset is not None and abatement is not None and abatement < onset:
        ctx.warn(ref, "abatement precedes onset; abatement ignored")
        abatement = None
    clinical_status = ctx.concepts.status_code(resource.get("clinicalStatus"))
    if clinical_status is None and (abatement is not None or _abated_undated(resource)):
        # R4 con-4: an abated condition's clinicalStatus is inactive, resolved or remission.
        ctx.warn(ref, "no clinicalStatus on an abated Condition; read as inactive")
        clinical_status = "inactive"
    return ConditionItem(
        ref=ref,
        code=code,
        clinical_status=clinical_status,
        verification_status=verification,
        onset=onset,
        onset_latest=onset_latest,
        abatement=abatement,
        recorded=ctx.event_date(resource.get("recordedDate"), ref, "recordedDate"),
        body_sites=ctx.concepts.concepts(resource.get("bodySite")),
        categories=ctx.concepts.concepts(resource.get("category")),
        stages=(*_condition_stages(resource, ref, ctx), *stages),
    )


def _condition_date_span(
    resource: dict[str, Any], prefix: str, ref: str, ctx: ReadContext
) -> tuple[date | None, date | None]:
    """(first, last day) the date may stand for: a partial dateTime ("2026", "2026-05") and an
    age span their whole year or month, up to the evaluation day; a full date is one day."""
    first = _condition_date(resource, prefix, ref, ctx)
    if first is None:
        return None, None
    last = first
    raw = resource.get(prefix + "DateTime")
    written = resource.get(prefix + "String")
    if isinstance(raw, str) and len(raw.strip()) < 10:
        last = parse_fhir_date(raw.strip(), end=True) or first
    elif isinstance(written, str) and not any(
        prefix + kind in resource for kind in ("DateTime", "Period", "Age", "Range")
    ):
        last = string_date(written, end=True) or first
    elif raw is None and prefix + "Period" not in resource and ctx.birth_date is not None:
        years = _age_years(resource.get(prefix + "Age"))
        if years is not None:
            last = _on_birthday(ctx.birth_date, years + 1) - timedelta(days=1)
    return first, max(first, min(last, ctx.as_of))


def _condition_date(
    resource: dict[str, Any], prefix: str, ref: str, ctx: ReadContext
) -> date | None:
    raw = resource.get(prefix + "DateTime")
    if raw is not None:
        return ctx.event_date(raw, ref, prefix + "DateTime")
    period = resource.get(prefix + "Period")
    if isinstance(period, dict):
        return ctx.event_date(period.get("start"), ref, prefix + "Period.start")
    years = _age_years(resource.get(prefix + "Age"))
    if years is None:
        range_ = resource.get(prefix + "Range")  # an age range: its low bound
        years = _age_years(range_.get("low")) if isinstance(range_, dict) else None
    if years is not None and ctx.birth_date is not None:
        return _on_birthday(ctx.birth_date, years)
    written = resource.get(prefix + "String")
    if isinstance(written, str) and (day := string_date(written)) is not None:
        return ctx.event_date(day.isoformat(), ref, prefix + "String")
    return None


_US_DATE = re.compile(r"^\s*(\d{1,2})/(?:(\d{1,2})/)?((?:19|20)\d{2})\s*$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def string_date(text: str, *, end: bool = False) -> date | None:
    """The day an onset/abatement written as a string stands for: a FHIR date ("2019-06"),
    a US date ("06/2019", "6/12/2019"), or the only year the words name ("resolved in 2019");
    partial ones at their first day (the last with ``end``). None when it names no date."""
    text = text.strip()
    day = parse_fhir_date(text, end=end)
    if day is not None:
        return day
    if match := _US_DATE.match(text):
        month, day_of_month, year = match.groups()
        if day_of_month:
            day = parse_fhir_date(f"{year}-{int(month):02d}-{int(day_of_month):02d}")
        else:
            day = parse_fhir_date(f"{year}-{int(month):02d}", end=end)
        if day is not None:
            return day
    years = set(_YEAR.findall(text))
    if len(years) == 1:
        return parse_fhir_date(years.pop(), end=end)
    return None


def _abated_undated(resource: dict[str, Any]) -> bool:
    """The Condition says it abated without a date: ``abatementBoolean`` true, or an
    ``abatementString`` that names no date ("in childhood")."""
    if resource.get("abatementBoolean") is True:
        return True
    written = resource.get("abatementString")
    return isinstance(written, str) and bool(written.strip()) and string_date(written) is None


def _age_years(age: Any) -> int | None:
    """Completed years of an onset/abatement Age (UCUM ``a`` or no code), else None."""
    if not isinstance(age, dict):
        return None
    quantity = read_quantity(age)
    if quantity is None or quantity.value is None or quantity.code not in (None, "a"):
        return None
    return int(quantity.value)


def _on_birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # born on 29 February
        return born.replace(year=born.year + years, day=28)


def _condition_stages(resource: dict[str, Any], ref: str, ctx: ReadContext) -> list[StageInfo]:
    stages = resource.get("stage")
    if isinstance(stages, dict):  # STU3 had a single stage
        stages = [stages]
    if not isinstance(stages, list):
        return []
    result = []
    for stage in stages:
        if not isinstance(stage, dict):
            continue
        summary = ctx.concepts.concept(stage.get("summary"))
        if summary is None:
            continue
        result.append(
            StageInfo(
                summary=summary,
                type=ctx.concepts.concept(stage.get("type")),
                date=None,
                source_ref=ref,
                condition_ref=ref,
            )
        )
    return result


def stage_from_observation(item: ObservationItem, condition_ref: str | None) -> StageInfo | None:
    if not isinstance(item.value, Concept):
        return None
    return StageInfo(
        summary=item.value,
        type=item.code,
        date=item.date,
        source_ref=item.ref,
        condition_ref=condition_ref,
    )


# The names of those codes as an export writes them without the code ("Stage group.clinical
# Cancer", "TNM stage grouping", "AJCC stage group"): a staging Observation coded only locally
# or sent as text is still one.
_STAGE_GROUP_WORDS = re.compile(
    r"\W*(?:(?:ajcc|tnm|cancer|clinical|pathologic(?:al)?)\s+)*stage\s+group(?:ing)?\b"
    r"|\W*tnm\s+stage\b",
    re.I,
)


def is_stage_observation(item: ObservationItem) -> bool:
    # Asked of every Observation of a bundle: plain loops, the words only when they hold
    # "stage".
    code = item.code
    for coding in code.codings:
        if (coding.system, coding.code) in STAGE_GROUP_CODES:
            return True
    text = code.text
    if text and ("tage" in text or "TAGE" in text) and _STAGE_GROUP_WORDS.match(text):
        return True
    for coding in code.codings:
        name = coding.display
        if name and ("tage" in name or "TAGE" in name) and _STAGE_GROUP_WORDS.match(name):
            return True
    return False


# ---------------------------------------------------------------- Observation

_EXCLUDED_OBSERVATION_STATUSES = frozenset({"entered-in-error", "cancelled"})


def read_observation(
    resource: dict[str, Any], ref: str, ctx: ReadContext
) -> ObservationItem | None:
    # The hot path of reading a bundle (most resources are Observations): the elements most
    # Observations lack are tested before calling their reader.
    get = resource.get
    status = get("status")
    if not isinstance(status, str):
        status = None
    elif status in _EXCLUDED_OBSERVATION_STATUSES:
        return None
    concept = ctx.concepts.concept
    code = concept(get("code"))
    if code is None:
        ctx.warn(ref, "Observation has no code")
        code = EMPTY_CONCEPT
    start, end = ctx.event_span(resource, "effective", ref)
    issued = get("issued")
    if issued is not None:
        issued = ctx.event_date(issued, ref, "issued")
    data_absent_reason = get("dataAbsentReason")
    interpretations = get("interpretation")
    reference_ranges = get("referenceRange")
    components = get("component")
    body_site = get("bodySite")
    method = get("method")
    focus = get("focus")
    return ObservationItem(
        ref=ref,
        code=code,
        status=status,
        date=start or end,
        end_date=end,
        issued=issued,
        value=read_value(resource, ref, ctx),
        data_absent_reason=None if data_absent_reason is None else concept(data_absent_reason),
        interpretations=() if interpretations is None else ctx.concepts.concepts(interpretations),
        reference_ranges=()
        if reference_ranges is None
        else _reference_ranges(reference_ranges, ctx.concepts),
        components=() if components is None else _components(components, ref, ctx),
        categories=ctx.concepts.concepts(get("category")),
        body_site=None if body_site is None else concept(body_site),
        method=None if method is None else concept(method),
        focus=tuple(
            f["reference"]
            for f in focus
            if isinstance(f, dict) and isinstance(f.get("reference"), str)
        )
        if isinstance(focus, list)
        else (),
    )


def read_value(element: dict[str, Any], ref: str, ctx: ReadContext) -> ObservationValue | None:
    """``value[x]`` of an Observation or component, in the types R4 and R5 allow."""
    if "valueQuantity" in element:
        quantity = read_quantity(element["valueQuantity"])
        if quantity is None or quantity.value is None:
            ctx.warn(ref, "valueQuantity has no numeric value")
            return None
        return quantity
    if "valueCodeableConcept" in element:
        return ctx.concepts.concept(element["valueCodeableConcept"])
    if "valueString" in element:
        value = element["valueString"]
        return value if isinstance(value, str) else None
    if "valueBoolean" in element:
        value = element["valueBoolean"]
        return value if isinstance(value, bool) else None
    if "valueInteger" in element:
        value = element["valueInteger"]
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        ctx.warn(ref, f"valueInteger {value!r} is not an integer")
        return None
    if "valueRange" in element:
        return read_range(element["valueRange"])
    if "valueRatio" in element:
        return read_ratio(element["valueRatio"])
    if "valueDateTime" in element:
        return parse_fhir_date(element["valueDateTime"])
    return None


def _reference_ranges(raw: Any, concepts: ConceptReader) -> tuple[ReferenceRange, ...]:
    if not isinstance(raw, list):
        return ()
    ranges = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        text = item.get("text")
        ranges.append(
            ReferenceRange(
                low=read_quantity(item.get("low")),
                high=read_quantity(item.get("high")),
                type=concepts.concept(item.get("type")),
                text=text if isinstance(text, str) else None,
            )
        )
    return tuple(ranges)


def _components(raw: Any, ref: str, ctx: ReadContext) -> tuple[ObservationComponent, ...]:
    if not isinstance(raw, list):
        return ()
    concept = ctx.concepts.concept
    components = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        components.append(
            ObservationComponent(
                code=concept(item.get("code")) or EMPTY_CONCEPT,
                value=read_value(item, ref, ctx),
                data_absent_reason=concept(item.get("dataAbsentReason")),
                reference_ranges=_reference_ranges(item.get("referenceRange"), ctx.concepts),
            )
        )
    return tuple(components)


# ---------------------------------------------------------------- Medications

# R4 MedicationStatement / MedicationRequest / MedicationAdministration statuses and R5's
# additions ("ended" on MedicationRequest; "recorded"/"draft" on MedicationStatement, where R5
# moved taken / not taken / stopped to ``adherence``).
_MEDICATION_STATES: dict[str, MedicationState | None] = {
    "active": "active",
    "in-progress": "active",
    "completed": "completed",
    "ended": "completed",
    "stopped": "stopped",
    "on-hold": "on-hold",
    "intended": "planned",
    "draft": "planned",
    "preparation": "planned",
    "unknown": "unknown",
    "recorded": "unknown",
    "entered-in-error": None,
    "not-taken": None,
    "not-done": None,
    "cancelled": None,
}

_R5_ADHERENCE_STATES: dict[str, MedicationState | None] = {
    "taking": "active",
    "taking-as-directed": "active",
    "taking-not-as-directed": "active",
    "on-hold": "on-hold",
    "on-hold-as-directed": "on-hold",
    "on-hold-not-as-directed": "on-hold",
    "stopped": "stopped",
    "stopped-as-directed": "stopped",
    "stopped-not-as-directed": "stopped",
    "not-taking": None,
    "unknown": "unknown",
}

_PLANNING_INTENTS = frozenset({"proposal", "plan"})

# MedicationDispense: only a fill handed over is a use; one being prepared or on hold is not
# yet, one cancelled or declined never.
_DISPENSE_STATES: dict[str, MedicationState | None] = {
    "completed": "completed",
    "stopped": "stopped",
    "unknown": "unknown",
    "preparation": "planned",
    "in-progress": "planned",
    "on-hold": "planned",
    "cancelled": None,
    "declined": None,
    "entered-in-error": None,
}


def read_medication_use(
    resource: dict[str, Any], ref: str, ctx: ReadContext
) -> MedicationItem | None:
    kind = resource["resourceType"]
    if kind == "MedicationRequest" and resource.get("doNotPerform") is True:
        return None  # "Do not give warfarin": an order that keeps the patient off the drug
    status = resource.get("status") if isinstance(resource.get("status"), str) else None
    states = _DISPENSE_STATES if kind == "MedicationDispense" else _MEDICATION_STATES
    state = states.get(status or "unknown", "unknown")
    if state is None:
        return None
    if kind == "MedicationStatement" and "adherence" in resource:
        adherence = ctx.concepts.status_code((resource.get("adherence") or {}).get("code"))
        if adherence in _R5_ADHERENCE_STATES:
            state = _R5_ADHERENCE_STATES[adherence]
            if state is None:
                return None
    intent = resource.get("intent") if isinstance(resource.get("intent"), str) else None
    if kind == "MedicationRequest" and intent in _PLANNING_INTENTS and state == "active":
        state = "planned"

    medication, medication_ref, ingredients = _medication_concept(resource, ref, ctx)
    start, end, authored = _medication_dates(resource, kind, ref, ctx)
    return MedicationItem(
        ref=ref,
        source=kind,
        medication=medication,
        medication_ref=medication_ref,
        ingredients=ingredients,
        status=status,
        state=state,
        intent=intent,
        start=start,
        end=end,
        authored=authored,
        dose=_medication_dose(resource, kind),
        doses_per_day=_doses_per_day(resource, kind),
        dosage_text=_dosage_text(resource, kind),
        reasons=(
            *ctx.concepts.concepts(resource.get("reasonCode")),
            *_reason_concepts(resource.get("reason"), ctx.concepts),
        ),
    )


def _medication_concept(
    resource: dict[str, Any], ref: str, ctx: ReadContext
) -> tuple[Concept, str | None, tuple[Concept, ...]]:
    """R4 ``medicationCodeableConcept``/``medicationReference``; R5 ``medication`` (a
    CodeableReference with ``concept`` and/or ``reference``)."""
    concept = ctx.concepts.concept(resource.get("medicationCodeableConcept"))
    reference = resource.get("medicationReference")
    r5 = resource.get("medication")
    if isinstance(r5, dict):
        concept = concept or ctx.concepts.concept(r5.get("concept"))
        reference = reference or r5.get("reference")
    if concept is not None and concept.codings:
        return concept, None, ()
    if isinstance(reference, dict) and isinstance(reference.get("reference"), str):
        target_ref = reference["reference"]
        medication = ctx.resolve(target_ref, resource)
        if medication is not None and medication.get("resourceType") == "Medication":
            code = ctx.concepts.concept(medication.get("code")) or EMPTY_CONCEPT
            return code, _ref_of(medication), _ingredients(medication, ctx.concepts)
        ctx.warn(ref, f"medication reference {target_ref} is not in the bundle")
        display = reference.get("display")
        return Concept(text=display if isinstance(display, str) else None), target_ref, ()
    if concept is not None:
        return concept, None, ()
    ctx.warn(ref, "medication has neither a code nor a reference")
    return EMPTY_CONCEPT, None, ()


def _ingredients(medication: dict[str, Any], concepts: ConceptReader) -> tuple[Concept, ...]:
    items = medication.get("ingredient")
    if not isinstance(items, list):
        return ()
    result = []
    for item in items:
        if not isinstance(item, dict):
            continue
        # R4 itemCodeableConcept; R5 item is a CodeableReference.
        concept = concepts.concept(item.get("itemCodeableConcept"))
        if concept is None and isinstance(item.get("item"), dict):
            concept = concepts.concept(item["item"].get("concept"))
        if concept is not None:
            result.append(concept)
    return tuple(result)


def _medication_dates(
    resource: dict[str, Any], kind: str, ref: str, ctx: ReadContext
) -> tuple[date | None, date | None, date | None]:
    authored = None
    if kind == "MedicationStatement":
        start, end = ctx.exact_span(resource, "effective", ref)
        if start is None and end is None and ref not in ctx.partial_dates:
            raw = resource.get("dateAsserted")
            asserted = ctx.event_date(raw, ref, "dateAsserted")
            start, _ = ctx.exact_dates(ref, asserted, raw, None, None)
    elif kind == "MedicationAdministration":
        start, end = ctx.exact_span(resource, "effective", ref)
        if start is None and end is None and ref not in ctx.partial_dates:
            # R5 spells it "occurence"; accept the correct spelling too.
            start, end = ctx.exact_span(resource, "occurence", ref)
        if start is None and end is None and ref not in ctx.partial_dates:
            start, end = ctx.exact_span(resource, "occurrence", ref)
    elif kind == "MedicationDispense":
        start, end = _dispense_span(resource, ref, ctx)
    else:
        raw = resource.get("authoredOn")
        authored = ctx.plan_date(raw, ref, "authoredOn")
        if authored is not None and is_partial_date(raw):
            authored = None
        start, end = _request_period(resource, ref, ctx)
    if start is not None and end is not None and end < start:
        ctx.warn(ref, "medication period ends before it starts; end ignored")
        end = None
    return start, end, authored


def _dispense_span(
    resource: dict[str, Any], ref: str, ctx: ReadContext
) -> tuple[date | None, date | None]:
    """From the day the fill was handed over (else prepared) to the last day it supplies."""
    start = ctx.event_date(resource.get("whenHandedOver"), ref, "whenHandedOver")
    if start is None:
        start = ctx.event_date(resource.get("whenPrepared"), ref, "whenPrepared")
    supply = read_quantity(resource.get("daysSupply"))
    if start is None or supply is None or supply.value is None or supply.value < 1:
        return start, start
    if (supply.code or supply.unit or "d").lower() not in ("d", "day", "days"):
        return start, start
    return start, start + timedelta(days=int(supply.value) - 1)


def _request_period(
    resource: dict[str, Any], ref: str, ctx: ReadContext
) -> tuple[date | None, date | None]:
    def exact(raw: Any) -> tuple[date | None, date | None] | None:
        period = read_period(raw)
        if period is None or not (period.start or period.end):
            return None
        return ctx.exact_dates(ref, period.start, raw.get("start"), period.end, raw.get("end"))

    found = exact(resource.get("effectiveDosePeriod"))  # R5
    if found is not None:
        return found
    for dosage in _list(resource.get("dosageInstruction")):
        repeat = (dosage.get("timing") or {}).get("repeat") if isinstance(dosage, dict) else None
        found = exact(repeat.get("boundsPeriod")) if isinstance(repeat, dict) else None
        if found is not None:
            return found
    validity = (resource.get("dispenseRequest") or {}).get("validityPeriod")
    read = read_period(validity)
    if read is not None and read.start and isinstance(validity, dict):
        return ctx.exact_dates(
            ref, read.start, validity.get("start"), read.end, validity.get("end")
        )
    raw = resource.get("authoredOn")
    authored = parse_fhir_date(raw)
    return ctx.exact_dates(ref, authored, raw, None, None)


def _medication_dose(resource: dict[str, Any], kind: str) -> Quantity | None:
    if kind == "MedicationAdministration":
        dosage = resource.get("dosage")
        return read_quantity(dosage.get("dose")) if isinstance(dosage, dict) else None
    dosages = _list(
        resource.get("dosage" if kind == "MedicationStatement" else "dosageInstruction")
    )
    for dosage in dosages:
        if not isinstance(dosage, dict):
            continue
        for dose_and_rate in _list(dosage.get("doseAndRate")):
            if isinstance(dose_and_rate, dict):
                quantity = read_quantity(dose_and_rate.get("doseQuantity"))
                if quantity is not None:
                    return quantity
    return None


def _dosage_text(resource: dict[str, Any], kind: str) -> str | None:
    if kind == "MedicationAdministration":
        dosage = resource.get("dosage")
        text = dosage.get("text") if isinstance(dosage, dict) else None
        return text if isinstance(text, str) and text.strip() else None
    dosages = _list(
        resource.get("dosage" if kind == "MedicationStatement" else "dosageInstruction")
    )
    for dosage in dosages:
        if not isinstance(dosage, dict):
            continue
        for element in ("text", "patientInstruction"):
            text = dosage.get(element)
            if isinstance(text, str) and text.strip():
                return text.strip()
    return None


_PERIOD_IN_DAYS = {"s": 1 / 86400, "min": 1 / 1440, "h": 1 / 24, "d": 1.0, "wk": 7.0, "mo": 30.4375}


def _doses_per_day(resource: dict[str, Any], kind: str) -> float | None:
    if kind == "MedicationAdministration":
        return None
    dosages = _list(
        resource.get("dosage" if kind == "MedicationStatement" else "dosageInstruction")
    )
    for dosage in dosages:
        timing = dosage.get("timing") if isinstance(dosage, dict) else None
        repeat = timing.get("repeat") if isinstance(timing, dict) else None
        if not isinstance(repeat, dict):
            continue
        frequency, period = repeat.get("frequency", 1), repeat.get("period")
        unit = repeat.get("periodUnit")
        days = _PERIOD_IN_DAYS.get(unit) if isinstance(unit, str) else None
        if (
            isinstance(frequency, int | float)
            and isinstance(period, int | float)
            and days
            and period > 0
        ):
            return frequency / (period * days)
    return None


def _reason_refs(resource: dict[str, Any], ctx: ReadContext) -> tuple[str, ...]:
    """Reason references as ``Type/id`` when the target is in the bundle (urn:uuid resolved)."""
    refs = [
        r.get("reference") for r in _list(resource.get("reasonReference")) if isinstance(r, dict)
    ]
    for reason in _list(resource.get("reason")):  # R5 CodeableReference
        if isinstance(reason, dict) and isinstance(reason.get("reference"), dict):
            refs.append(reason["reference"].get("reference"))
    result = []
    for ref in refs:
        if isinstance(ref, str):
            target = ctx.resolve(ref, resource)
            result.append(_ref_of(target) if target is not None else ref)
    return tuple(result)


def _reason_concepts(raw: Any, concepts: ConceptReader) -> tuple[Concept, ...]:
    """R5 ``reason`` is a list of CodeableReference."""
    return tuple(
        c
        for c in (concepts.concept(r.get("concept")) for r in _list(raw) if isinstance(r, dict))
        if c is not None
    )


def _list(raw: Any) -> list[Any]:
    return raw if isinstance(raw, list) else []


# ---------------------------------------------------------------- Procedure, Immunization, Allergy

_EXCLUDED_PROCEDURE_STATUSES = frozenset({"entered-in-error", "not-done"})


def read_procedure(resource: dict[str, Any], ref: str, ctx: ReadContext) -> ProcedureItem | None:
    status = resource.get("status") if isinstance(resource.get("status"), str) else None
    if status in _EXCLUDED_PROCEDURE_STATUSES:
        return None
    code = ctx.concepts.concept(resource.get("code"))
    if code is None:
        ctx.warn(ref, "Procedure has no code")
        code = EMPTY_CONCEPT
    # R4 performed[x]; R5 occurrence[x].
    start, end = ctx.exact_span(resource, "performed", ref)
    if start is None and end is None and ref not in ctx.partial_dates:
        start, end = ctx.exact_span(resource, "occurrence", ref)
    return ProcedureItem(
        ref=ref,
        code=code,
        status=status,
        start=start,
        end=end,
        body_sites=ctx.concepts.concepts(resource.get("bodySite")),
        reasons=(
            *ctx.concepts.concepts(resource.get("reasonCode")),
            *_reason_concepts(resource.get("reason"), ctx.concepts),
        ),
        reason_refs=_reason_refs(resource, ctx),
    )


def read_immunization(
    resource: dict[str, Any], ref: str, ctx: ReadContext
) -> ImmunizationItem | None:
    status = resource.get("status") if isinstance(resource.get("status"), str) else None
    if status in ("not-done", "entered-in-error"):
        return None
    vaccine = ctx.concepts.concept(resource.get("vaccineCode"))
    if vaccine is None:
        ctx.warn(ref, "Immunization has no vaccineCode")
        vaccine = EMPTY_CONCEPT
    raw = resource.get("occurrenceDateTime")
    day, _ = ctx.exact_dates(ref, ctx.event_date(raw, ref, "occurrenceDateTime"), raw, None, None)
    if day is None and "occurrenceString" in resource:
        ctx.warn(ref, "occurrenceString is free text; the vaccination date is unknown")
    return ImmunizationItem(ref=ref, vaccine=vaccine, status=status, date=day)


def read_allergy(resource: dict[str, Any], ref: str, ctx: ReadContext) -> AllergyItem | None:
    verification = ctx.concepts.status_code(resource.get("verificationStatus"))
    if verification in ("entered-in-error", "refuted"):
        return None
    code = ctx.concepts.concept(resource.get("code"))
    if code is None:
        ctx.warn(ref, "AllergyIntolerance has no code")
        code = EMPTY_CONCEPT
    categories = resource.get("category")
    onset = ctx.event_date(resource.get("onsetDateTime"), ref, "onsetDateTime")
    reactions: list[Concept] = []
    for reaction in _list(resource.get("reaction")):
        if not isinstance(reaction, dict):
            continue
        for manifestation in _list(reaction.get("manifestation")):
            # R4 CodeableConcept; R5 CodeableReference.
            concept = ctx.concepts.concept(manifestation)
            if concept is not None and not concept.codings and "concept" in manifestation:
                concept = ctx.concepts.concept(manifestation["concept"])
            if concept is not None:
                reactions.append(concept)
    return AllergyItem(
        ref=ref,
        code=code,
        clinical_status=ctx.concepts.status_code(resource.get("clinicalStatus")),
        verification_status=verification,
        type=ctx.concepts.status_code(resource.get("type")),  # R4 code, R5 CodeableConcept
        categories=tuple(c for c in _list(categories) if isinstance(c, str)),
        criticality=first_text(resource.get("criticality")),
        onset=onset,
        recorded=ctx.event_date(resource.get("recordedDate"), ref, "recordedDate"),
        reactions=tuple(reactions),
    )


# ---------------------------------------------------------------- imaging reports

_V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
_OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CPT = "http://www.ama-assn.org/go/cpt"
# HL7 v2 diagnostic service sections that are imaging: radiology, CT, MR, nuclear medicine,
# radiographs, the ultrasounds, cineradiography.
_IMAGING_SECTIONS = frozenset({"RAD", "CT", "NMR", "NMS", "RX", "RUS", "VUS", "CUS", "OUS", "XRC"})
_IMAGING_CATEGORIES = frozenset(
    {
        (LOINC, "LP29684-5"),  # Radiology (US Core DiagnosticReport category)
        (LOINC, "18748-4"),  # Diagnostic imaging study
        (_OBSERVATION_CATEGORY, "imaging"),
    }
)
# Category systems whose other codes say "not imaging" (laboratory, pathology, notes, …).
_CATEGORY_SYSTEMS = frozenset({_V2_0074, _OBSERVATION_CATEGORY, LOINC})
_IMAGING_WORDS = re.compile(
    r"(?<![a-z])(?:mri|mra|mr|ct|cta|pet|spect|x-?ray|xr|radiograph\w*|radiolog\w*|ultrasound"
    r"|ultrasonograph\w*|sonogra\w*|mammogra\w*|tomograph\w*|magnetic resonance|imaging|scan"
    r"|scintigraph\w*|irm|tdm|nm)(?![a-z])"
)
_REPORT_EXCLUDED_STATUSES = frozenset({"entered-in-error", "cancelled"})
_MAX_REPORT_TEXT = 20_000
_TAG = re.compile(r"<[^>]+>")


def _is_imaging_category(categories: tuple[Concept, ...]) -> bool | None:
    """True / False when a category says whether this is imaging; None when none says."""
    decided: bool | None = None
    for category in categories:
        for coding in category.codings:
            if coding.system == _V2_0074 and coding.code in _IMAGING_SECTIONS:
                return True
            if (coding.system, coding.code) in _IMAGING_CATEGORIES:
                return True
            if coding.system in _CATEGORY_SYSTEMS and coding.code:
                decided = False
        words = " ".join(c.display or "" for c in category.codings) + " " + (category.text or "")
        if re.search(r"radiolog|imaging", words.lower()):
            return True
    return decided


def _is_imaging_code(code: Concept) -> bool:
    for coding in code.codings:
        number = coding.code
        if coding.system == CPT and number and number.isdigit() and 70010 <= int(number) <= 79999:
            return True  # the CPT radiology section
        if coding.system == LOINC and coding.code == "18748-4":
            return True
    words = " ".join(c.display or "" for c in code.codings) + " " + (code.text or "")
    return _IMAGING_WORDS.search(words.lower()) is not None


def is_imaging(categories: tuple[Concept, ...], code: Concept) -> bool:
    """An imaging study's report: by its category, else (no category says) by its code."""
    by_category = _is_imaging_category(categories)
    if by_category is not None:
        return by_category
    return _is_imaging_code(code)


def read_imaging_report(
    resource: dict[str, Any], ref: str, ctx: ReadContext
) -> ImagingReport | None:
    """A DiagnosticReport of an imaging study (R4 or R5); ``None`` for any other report (labs,
    pathology, notes) and for entered-in-error / cancelled ones."""
    status = resource.get("status")
    if not isinstance(status, str):
        status = None
    elif status in _REPORT_EXCLUDED_STATUSES:
        return None
    categories = ctx.concepts.concepts(resource.get("category"))
    code = ctx.concepts.concept(resource.get("code"))
    if code is None:
        code = EMPTY_CONCEPT
    if not is_imaging(categories, code):
        return None
    start, end = ctx.event_span(resource, "effective", ref)
    issued = resource.get("issued")
    issued = ctx.event_date(issued, ref, "issued") if issued is not None else None
    conclusion = resource.get("conclusion")
    conclusion = conclusion.strip() or None if isinstance(conclusion, str) else None
    texts = [
        *_presented_texts(resource.get("presentedForm"), ref, ctx),
        *_note_texts(resource.get("note")),
        *_result_texts(resource, ctx),
    ]
    text = "\n".join(texts)[:_MAX_REPORT_TEXT] if texts else None
    if status is None:
        ctx.warn(ref, "DiagnosticReport has no status; read as final")
    return ImagingReport(
        ref=ref,
        source="DiagnosticReport",
        code=code,
        status=status,
        date=start or end or issued,
        issued=issued,
        categories=categories,
        conclusion=conclusion,
        conclusion_codes=ctx.concepts.concepts(resource.get("conclusionCode")),
        text=text,
    )


def imaging_report_from_observation(item: ObservationItem) -> ImagingReport | None:
    """An imaging Observation whose value is text (some EHRs send the impression this way)."""
    if not isinstance(item.value, str) or not item.value.strip():
        return None
    if not is_imaging(item.categories, item.code):
        return None
    return ImagingReport(
        ref=item.ref,
        source="Observation",
        code=item.code,
        status=item.status,
        date=item.date or item.issued,
        issued=item.issued,
        categories=item.categories,
        conclusion=item.value.strip(),
        conclusion_codes=(),
        text=None,
    )


def report_result_refs(resource: dict[str, Any]) -> tuple[str, ...]:
    """The ``result`` references of a DiagnosticReport, as written."""
    return tuple(
        r["reference"]
        for r in _list(resource.get("result"))
        if isinstance(r, dict) and isinstance(r.get("reference"), str)
    )


def _presented_texts(raw: Any, ref: str, ctx: ReadContext) -> list[str]:
    """The text of ``presentedForm`` attachments that carry plain text or HTML inline."""
    texts = []
    for attachment in _list(raw):
        if not isinstance(attachment, dict) or not isinstance(attachment.get("data"), str):
            continue
        content_type = attachment.get("contentType")
        kind = content_type.split(";")[0].strip().lower() if isinstance(content_type, str) else ""
        if kind not in ("", "text/plain", "text/html", "application/xhtml+xml"):
            continue  # PDF, RTF, images: not read
        try:
            data = base64.b64decode(attachment["data"], validate=False)
        except (binascii.Error, ValueError):
            ctx.warn(ref, "presentedForm data is not valid base64; ignored")
            continue
        text = data[: _MAX_REPORT_TEXT * 4].decode("utf-8", errors="replace")
        if kind != "text/plain" and "<" in text:
            text = _TAG.sub(" ", text)
        if text.strip():
            texts.append(text.strip())
    return texts


def _note_texts(raw: Any) -> list[str]:
    """R5 ``DiagnosticReport.note`` (Annotation) texts."""
    return [
        n["text"].strip()
        for n in _list(raw)
        if isinstance(n, dict) and isinstance(n.get("text"), str) and n["text"].strip()
    ]


def _result_texts(resource: dict[str, Any], ctx: ReadContext) -> list[str]:
    """Text values of the report's ``result`` Observations found in the bundle."""
    texts = []
    for reference in report_result_refs(resource):
        target = ctx.resolve(reference, resource)
        if target is None or target.get("resourceType") != "Observation":
            continue
        if target.get("status") in _EXCLUDED_OBSERVATION_STATUSES:
            continue
        value = target.get("valueString")
        if isinstance(value, str) and value.strip():
            texts.append(value.strip())
    return texts


__all__ = [
    "CPT",
    "STAGE_GROUP_CODES",
    "ReadContext",
    "imaging_report_from_observation",
    "is_imaging",
    "is_stage_observation",
    "read_allergy",
    "read_condition",
    "read_imaging_report",
    "read_immunization",
    "read_medication_use",
    "read_observation",
    "read_procedure",
    "report_result_refs",
    "stage_from_observation",
]
