"""Typed criterion model: what one eligibility criterion means, independent of FHIR JSON.

`compiler` produces these from text, `fhir_writer` turns them into EvidenceVariable
characteristics and `fhir_reader` turns characteristics back into them (the evaluator's view).
The FHIR shape of every kind is documented in docs/eligibility-model.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

Comparator = Literal["<", "<=", ">", ">=", "="]
CombinationCode = Literal["all-of", "any-of", "at-least", "at-most"]


class Kind(StrEnum):
    """What a criterion is about. The code of the criterion-kind CodeSystem (same spelling)."""

    AGE = "age"
    SEX = "sex"
    HEALTHY_VOLUNTEER = "healthy-volunteer"
    CONDITION = "condition"  # diagnosis, histology, comorbidity, infection, transplant, ...
    STAGE = "stage"
    PERFORMANCE_STATUS = "performance-status"  # concept: ecog | karnofsky
    PRIOR_THERAPY = "prior-therapy"  # drug class / regimen / cell therapy; counts, windows
    PROCEDURE = "procedure"  # surgery, radiotherapy (Procedure resources); windows
    BIOMARKER = "biomarker"
    LAB = "lab"
    CORTICOSTEROID_DOSE = "corticosteroid-dose"  # prednisone-equivalent mg/day
    PREGNANCY = "pregnancy"
    BREASTFEEDING = "breastfeeding"
    VACCINE = "vaccine"  # live / attenuated vaccine
    MEDICATION = "medication"  # current use of a drug or class (window: use during it)
    ALLERGY = "allergy"  # allergy / hypersensitivity to a substance or class
    LIFE_EXPECTANCY = "life-expectancy"
    SMOKING = "smoking"  # current-smoker | ever-smoker (a window: smoked at some time in it)
    COMBINATION = "combination"  # all-of / any-of / at-least of `children`
    TEXT = "text"  # not computable: kept verbatim, needs manual review


# Events a time window is measured from (our CodeSystem `criterion-event`).
EVENT_ENROLLMENT = "enrollment"  # study start for the patient (consent / first dose / LD start)
EVENT_LAST_DOSE = "last-dose"  # last dose of the therapy the criterion is about


@dataclass(frozen=True, slots=True)
class Coding:
    system: str
    code: str
    display: str | None = None


@dataclass(frozen=True, slots=True)
class Window:
    """When the fact must have happened, in days relative to `event` (negative = before).

    "within 28 days prior to enrollment" → Window(-28, 0); "≥ 14 days before" → Window(None, -14);
    "progressed within 12 weeks after the last dose" → Window(0, 84, EVENT_LAST_DOSE).
    """

    low_days: int | None
    high_days: int | None
    event: str = EVENT_ENROLLMENT
    # The bounds in calendar months when the text wrote them in months or years ("within the
    # past 12 months" → (-12, 0)): the evaluator counts these by the calendar, and the days above
    # are their mean lengths (a month 30.4375 days, a year 365.25), for the notation. Part of
    # equality: 12 calendar months and 365 days begin on different days (from 2028-02-29).
    months: tuple[int | None, int | None] | None = None


@dataclass(frozen=True, slots=True)
class Count:
    """How many instances (e.g. prior lines of therapy): min and/or max, inclusive."""

    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class Criterion:
    """One computable criterion (or a combination of them).

    - kind / concept: what is tested; `concept` is a terminology concept id (see
      `terminology.codings(concept)`), e.g. "melanoma-cutaneous", "anti-pd-1-pd-l1", "ecog".
    - comparator / value / high / unit: a quantity test (`value` .. `high` for a range;
      unit is UCUM, e.g. "a", "mg/d", "10*9/L"); `uln_multiple`: value is a multiple of the
      upper limit of normal.
    - value_concept: a coded value, e.g. "positive", "negative", "v600" for biomarkers,
      "female" for sex, a stage group ("stage-3c") — see docs.
    - window / count: time window and instance count.
    - qualifiers: e.g. ("symptomatic", "untreated"), ("active",), ("allogeneic",).
    - negated: within a combination, the member must NOT hold (FHIR `exclude` on a member).
    - children / combination / threshold: for Kind.COMBINATION.
    """

    kind: Kind
    concept: str | None = None
    comparator: Comparator | None = None
    value: float | None = None
    high: float | None = None
    unit: str | None = None
    uln_multiple: bool = False
    value_concept: str | None = None
    window: Window | None = None
    count: Count | None = None
    qualifiers: tuple[str, ...] = ()
    negated: bool = False
    children: tuple[Criterion, ...] = ()
    combination: CombinationCode | None = None
    threshold: int | None = None
    cohort: str | None = None  # cohort label ("Cohort 1") or comparison group linkId ("arm-1")
    # Concepts that do not count ("another primary malignancy": the study's own diagnoses).
    other_than: tuple[str, ...] = ()
    # The cancers a stage criterion stages ("stage IIIB or IV NSCLC": nsclc), so the stage of
    # another cancer on the record does not decide it (`stage_ties`).
    stage_of: tuple[str, ...] = ()
    source_text: str | None = field(default=None, compare=False)  # the words it came from

    @property
    def computable(self) -> bool:
        if self.kind is Kind.TEXT:
            return False
        if self.kind is Kind.COMBINATION:
            return any(child.computable for child in self.children)
        return True


def evolve(criterion: Criterion, **changes: object) -> Criterion:
    """`dataclasses.replace` for a `Criterion`, about seven times faster (the compiler makes
    hundreds of changed copies a bullet list): the fields are copied as they are, with no
    `__init__` to run, and ``changes`` (field names) set on the copy."""
    copy = object.__new__(Criterion)
    fields = copy.__dict__
    fields.update(criterion.__dict__)
    fields.update(changes)
    return copy


@dataclass
class CompiledNode:
    """An outline node with its meaning: what `evidence_variable` writes as a characteristic."""

    link_id: str
    text: str
    exclude: bool
    criterion: Criterion | None  # None: not understood → text only, manual review
    cohort: str | None = None  # cohort label from the outline ("Cohort 1")
    needs_review: bool = False  # text the compiler could not (fully) turn into a definition
    combination: CombinationCode = "all-of"
    threshold: int | None = None
    children: list[CompiledNode] = field(default_factory=list)
