"""The normalized, immutable items of a patient record, one class per clinical category.

Each item carries ``ref`` ("Condition/abc"), the id by which evaluation results cite it. The
version differences between R4 and R5 are resolved by the readers; items have one shape.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from fhirtrial.patient.values import EMPTY_CONCEPT, Concept, Quantity, Range, Ratio

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

ObservationValue = Quantity | Concept | Range | Ratio | str | bool | int | date
"""``Observation.value[x]``: note that ``bool`` is tested before ``int`` by careful callers."""

ACTIVE_CLINICAL_STATUSES = frozenset({"active", "recurrence", "relapse"})
INACTIVE_CLINICAL_STATUSES = frozenset({"inactive", "remission", "resolved"})

_Frozen = TypeVar("_Frozen", bound="DataclassInstance")


def _fast_init(cls: type[_Frozen]) -> type[_Frozen]:
    """Give a frozen, slotted dataclass an ``__init__`` that fills its slots directly.

    The ``__init__`` dataclasses writes for a frozen class calls ``object.__setattr__`` once per
    field, which makes building an item several times slower than through the slots' own setters
    (bench/README.md); a bundle holds hundreds of items. Same signature; the instances stay
    immutable.
    """
    names = [f.name for f in dataclasses.fields(cls)]
    for f in dataclasses.fields(cls):
        if not f.init or f.default is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: only plain required fields are supported")
    if hasattr(cls, "__post_init__") or "__dict__" in dir(cls):
        raise TypeError(f"{cls.__name__} must be slotted and have no __post_init__")
    setters: dict[str, Any] = {f"_set_{name}": getattr(cls, name).__set__ for name in names}
    body = "".join(f"    _set_{name}(self, {name})\n" for name in names)
    source = f"def __init__(self, {', '.join(names)}):\n{body}"
    exec(source, setters)
    init = setters["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = dict(cls.__init__.__annotations__)
    cls.__init__ = init  # type: ignore[method-assign]  # replacing __init__ is the point
    return cls


@_fast_init
@dataclass(frozen=True, slots=True)
class PatientInfo:
    id: str
    ref: str
    birth_date: date | None
    # The last day a partial birthDate ("2019", "2019-04") may stand for; birth_date otherwise.
    birth_date_latest: date | None
    gender: str | None
    birth_sex: str | None
    """"female" / "male" from US Core's birth-sex or sex extension; None when not recorded."""
    deceased: bool | None
    deceased_date: date | None
    postal_codes: tuple[str, ...]

    @property
    def sex(self) -> str | None:
        """ "female" / "male" when the administrative gender says so and no recorded sex
        contradicts it; None otherwise (a trans woman recorded female with a birth sex of male
        is neither for a criterion on sex)."""
        if self.gender not in ("female", "male"):
            return None
        if self.birth_sex is not None and self.birth_sex != self.gender:
            return None
        return self.gender

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@_fast_init
@dataclass(frozen=True, slots=True)
class StageInfo:
    """A cancer stage from ``Condition.stage`` or an mCODE stage-group Observation."""

    summary: Concept
    type: Concept | None
    date: date | None
    source_ref: str
    condition_ref: str | None


@_fast_init
@dataclass(frozen=True, slots=True)
class ConditionItem:
    ref: str
    code: Concept
    clinical_status: str | None
    verification_status: str | None
    onset: date | None
    # The last day a partial onset ("2026", "2026-05", an onset age) may stand for, the
    # evaluation day at the latest; ``onset`` for a full date.
    onset_latest: date | None
    abatement: date | None
    recorded: date | None
    body_sites: tuple[Concept, ...]
    categories: tuple[Concept, ...]
    stages: tuple[StageInfo, ...]

    @property
    def is_active(self) -> bool | None:
        """True/False from the clinical status; an abatement date alone means not active.

        ``None`` when the record does not say (R4 allows a missing clinicalStatus).
        """
        if self.clinical_status in ACTIVE_CLINICAL_STATUSES:
            return True
        if self.clinical_status in INACTIVE_CLINICAL_STATUSES:
            return False
        if self.abatement is not None:
            return False
        return None

    @property
    def date(self) -> date | None:
        return self.onset or self.recorded


@_fast_init
@dataclass(frozen=True, slots=True)
class ReferenceRange:
    low: Quantity | None
    high: Quantity | None
    type: Concept | None
    text: str | None


@_fast_init
@dataclass(frozen=True, slots=True)
class ObservationComponent:
    code: Concept
    value: ObservationValue | None
    data_absent_reason: Concept | None
    reference_ranges: tuple[ReferenceRange, ...]


@_fast_init
@dataclass(frozen=True, slots=True)
class ObservationItem:
    ref: str
    code: Concept
    status: str | None
    date: date | None
    # `datetime.date`: in the class body the field above shadows the name `date`.
    end_date: datetime.date | None
    issued: datetime.date | None
    value: ObservationValue | None
    data_absent_reason: Concept | None
    interpretations: tuple[Concept, ...]
    reference_ranges: tuple[ReferenceRange, ...]
    components: tuple[ObservationComponent, ...]
    categories: tuple[Concept, ...]
    body_site: Concept | None
    method: Concept | None
    focus: tuple[str, ...]

    def component(self, system: str, code: str) -> ObservationComponent | None:
        for component in self.components:
            if component.code.has_code(system, code):
                return component
        return None


MedicationSource = Literal[
    "MedicationStatement", "MedicationRequest", "MedicationAdministration", "MedicationDispense"
]
MedicationState = Literal["active", "completed", "stopped", "on-hold", "planned", "unknown"]


@_fast_init
@dataclass(frozen=True, slots=True)
class MedicationItem:
    """One medication use, whatever resource recorded it.

    ``state`` folds the statuses of the three resources in R4 and R5 into one vocabulary;
    ``status`` keeps the recorded code. ``start``/``end`` come from the effective period (or
    dateTime), the dosage timing bounds or ``authoredOn``; ``end`` may lie in the future for a
    planned course.
    """

    ref: str
    source: MedicationSource
    medication: Concept
    medication_ref: str | None
    ingredients: tuple[Concept, ...]
    status: str | None
    state: MedicationState
    intent: str | None
    start: date | None
    end: date | None
    authored: date | None
    dose: Quantity | None
    doses_per_day: float | None
    """From the dosage timing (``frequency`` per ``period`` ``periodUnit``), when stated."""
    dosage_text: str | None
    """The dosage as written ("Take 1 tablet by mouth twice daily"): EHRs often code no more."""
    reasons: tuple[Concept, ...]

    @property
    def last_known_date(self) -> date | None:
        return self.end or self.start or self.authored

    def is_current(self, day: date) -> bool | None:
        """Whether the patient is on this medication on ``day`` (``None``: the record can't say)."""
        if self.state in ("stopped", "completed"):
            return self.end is not None and self.end >= day
        if self.state == "planned":
            return False
        if self.end is not None and self.end < day:
            return False
        if self.start is not None and self.start > day:
            return False
        if self.state in ("active", "on-hold"):
            return True
        return None

    def all_concepts(self) -> tuple[Concept, ...]:
        return (self.medication, *self.ingredients)


@_fast_init
@dataclass(frozen=True, slots=True)
class ProcedureItem:
    ref: str
    code: Concept
    status: str | None
    start: date | None
    end: date | None
    body_sites: tuple[Concept, ...]
    reasons: tuple[Concept, ...]
    reason_refs: tuple[str, ...]
    """References the procedure was done for (R4 ``reasonReference``, R5 ``reason.reference``)."""

    @property
    def date(self) -> date | None:
        return self.start or self.end


@_fast_init
@dataclass(frozen=True, slots=True)
class ImmunizationItem:
    ref: str
    vaccine: Concept
    status: str | None
    date: date | None


@_fast_init
@dataclass(frozen=True, slots=True)
class AllergyItem:
    ref: str
    code: Concept
    clinical_status: str | None
    verification_status: str | None
    type: str | None
    categories: tuple[str, ...]
    criticality: str | None
    onset: date | None
    recorded: date | None
    reactions: tuple[Concept, ...]

    @property
    def is_active(self) -> bool | None:
        if self.clinical_status == "active":
            return True
        if self.clinical_status in ("inactive", "resolved"):
            return False
        return None


ImagingSource = Literal["DiagnosticReport", "Observation"]

PRELIMINARY_REPORT_STATUSES = frozenset({"registered", "partial", "preliminary", "modified"})
"""Report statuses whose content is not final (R4 and R5; R5 added ``modified``)."""


@_fast_init
@dataclass(frozen=True, slots=True)
class ImagingReport:
    """One imaging study's report: a radiology ``DiagnosticReport``, or an imaging
    ``Observation`` whose value is the impression text.

    ``conclusion`` is what the radiologist concluded (``DiagnosticReport.conclusion``, the
    Observation's text value); ``text`` the rest of the report that says something — the
    ``presentedForm`` text, R5 ``note``, the text values of the ``result`` Observations — and is
    ``None`` when there is none. Entered-in-error and cancelled reports are not read; preliminary
    ones are kept with their status (`is_preliminary`).
    """

    ref: str
    source: ImagingSource
    code: Concept
    status: str | None
    date: date | None
    """When the study was done (``effective[x]``), else when it was reported (``issued``)."""
    # `datetime.date`: in the class body the field above shadows the name `date`.
    issued: datetime.date | None
    categories: tuple[Concept, ...]
    conclusion: str | None
    conclusion_codes: tuple[Concept, ...]
    text: str | None

    @property
    def is_preliminary(self) -> bool:
        return self.status in PRELIMINARY_REPORT_STATUSES


@_fast_init
@dataclass(frozen=True, slots=True)
class RecordIssue:
    """Something in the bundle the reader had to work around (``warning``) or refuse (``error``)."""

    severity: Literal["warning", "error"]
    ref: str | None
    message: str


__all__ = [
    "EMPTY_CONCEPT",
    "PRELIMINARY_REPORT_STATUSES",
    "AllergyItem",
    "ConditionItem",
    "ImagingReport",
    "ImagingSource",
    "ImmunizationItem",
    "MedicationItem",
    "ObservationComponent",
    "ObservationItem",
    "ObservationValue",
    "PatientInfo",
    "ProcedureItem",
    "RecordIssue",
    "ReferenceRange",
    "StageInfo",
]
