"""Read a patient's FHIR Bundle (R4 or R5, as EHRs and Synthea export it) into a `PatientRecord`.

The record is immutable and built once per request; criteria are then evaluated against its
code indexes (``(system, code) -> items``), newest first, without walking the bundle again.

Tolerance rules (each repair is reported in ``PatientRecord.issues``):

- unknown resource types are counted in ``resource_counts`` and otherwise ignored;
- a missing element becomes ``None``; an unreadable or impossible date (after ``as_of``, before
  birth) becomes ``None`` with a warning;
- entered-in-error / refuted / not-done / cancelled resources are left out: they do not describe
  something that happened to the patient;
- a resource whose subject/patient points to another patient is refused (an ``error`` issue) and
  left out; one without a subject is kept, with a warning, as the bundle's only patient's;
- a duplicated resource (same type and id) is read once.

A bundle without a Patient, or with more than one, raises `PatientRecordError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, TypeVar

from fhirtrial.patient.items import (
    AllergyItem,
    ConditionItem,
    ImagingReport,
    ImmunizationItem,
    MedicationItem,
    ObservationComponent,
    ObservationItem,
    PatientInfo,
    ProcedureItem,
    RecordIssue,
    StageInfo,
)
from fhirtrial.patient.readers import (
    ReadContext,
    imaging_report_from_observation,
    is_stage_observation,
    read_allergy,
    read_condition,
    read_imaging_report,
    read_immunization,
    read_medication_use,
    read_observation,
    read_procedure,
    report_result_refs,
    stage_from_observation,
)
from fhirtrial.patient.values import Code, Concept, parse_fhir_date


class PatientRecordError(ValueError):
    """The input cannot be read as one patient's record (no or several Patients, not a Bundle)."""


Item = TypeVar("Item")

_MEDICATION_TYPES = (
    "MedicationStatement",
    "MedicationRequest",
    "MedicationAdministration",
    "MedicationDispense",
)
_SUBJECT_ELEMENT = {
    "Condition": "subject",
    "Observation": "subject",
    "DiagnosticReport": "subject",
    "Procedure": "subject",
    "MedicationStatement": "subject",
    "MedicationRequest": "subject",
    "MedicationAdministration": "subject",
    "MedicationDispense": "subject",
    "Immunization": "patient",
    "AllergyIntolerance": "patient",
}
_EMPTY: Mapping[Any, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True, weakref_slot=True)
class PatientRecord:
    patient: PatientInfo
    as_of: date
    conditions: tuple[ConditionItem, ...]
    observations: tuple[ObservationItem, ...]
    """Newest first (undated last), so the first match of a code is the latest value."""
    medications: tuple[MedicationItem, ...]
    procedures: tuple[ProcedureItem, ...]
    immunizations: tuple[ImmunizationItem, ...]
    allergies: tuple[AllergyItem, ...]
    stages: tuple[StageInfo, ...]
    imaging_reports: tuple[ImagingReport, ...]
    """Imaging study reports (radiology DiagnosticReports, imaging Observations with a text
    value), newest first (undated last)."""
    issues: tuple[RecordIssue, ...]
    resource_counts: Mapping[str, int]
    """Resources per type as found in the bundle, including types the reader ignores."""
    condition_index: Mapping[Code, tuple[ConditionItem, ...]]
    observation_index: Mapping[Code, tuple[ObservationItem, ...]]
    component_index: Mapping[Code, tuple[tuple[ObservationItem, ObservationComponent], ...]]
    medication_index: Mapping[Code, tuple[MedicationItem, ...]]
    procedure_index: Mapping[Code, tuple[ProcedureItem, ...]]
    immunization_index: Mapping[Code, tuple[ImmunizationItem, ...]]
    allergy_index: Mapping[Code, tuple[AllergyItem, ...]]
    partial_dates: Mapping[str, tuple[date, date]]
    """Procedures, vaccinations and medication courses dated only by a year or a month, by
    ref: the (first, last) day the date stands for. The item itself is undated."""
    partial_ends: Mapping[str, tuple[date, date]]
    """Periods whose end names only a year or a month, by ref: the (first, last) day the end
    stands for. The item ends on the last one."""

    @property
    def errors(self) -> tuple[RecordIssue, ...]:
        return tuple(i for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> tuple[RecordIssue, ...]:
        return tuple(i for i in self.issues if i.severity == "warning")

    def has_any(self, resource_type: str) -> bool:
        return self.resource_counts.get(resource_type, 0) > 0


def read_patient_bundle(bundle: dict[str, Any], *, as_of: date | None = None) -> PatientRecord:
    """Read one patient's Bundle (collection/transaction/batch/searchset/document; R4 or R5)."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise PatientRecordError("expected a FHIR Bundle (a JSON object with resourceType Bundle)")
    entries = bundle.get("entry")
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise PatientRecordError("Bundle.entry must be a list")
    day = as_of or date.today()
    issues: list[RecordIssue] = []
    resources, counts, lookup = _collect(entries, issues)
    patient_resource, patient_keys = _the_patient(resources, lookup)
    patient = _read_patient(patient_resource, patient_keys, day, issues)

    def resolve(reference: str, source: dict[str, Any] | None) -> dict[str, Any] | None:
        return _resolve(reference, source, lookup)

    ctx = ReadContext(as_of=day, birth_date=patient.birth_date, resolve=resolve, issues=issues)
    subject_check = _SubjectCheck(patient_resource, patient_keys, lookup, ctx)
    by_type: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for resource, ref in resources:
        kind = resource["resourceType"]
        element = _SUBJECT_ELEMENT.get(kind)
        if element is None or not subject_check.belongs(resource, element, ref):
            continue
        by_type.setdefault(kind, []).append((resource, ref))

    observations = _read_all(by_type.get("Observation", ()), read_observation, ctx)
    observations.sort(key=_newest_first)
    stages, stages_by_condition = _stages(observations, by_type.get("Condition", ()), lookup)
    conditions = [
        item
        for resource, ref in by_type.get("Condition", ())
        if (item := read_condition(resource, ref, ctx, stages_by_condition.get(ref, ())))
        is not None
    ]
    medications = [
        use
        for kind in _MEDICATION_TYPES
        for resource, ref in by_type.get(kind, ())
        if (use := read_medication_use(resource, ref, ctx)) is not None
    ]
    procedures = _read_all(by_type.get("Procedure", ()), read_procedure, ctx)
    immunizations = _read_all(by_type.get("Immunization", ()), read_immunization, ctx)
    allergies = _read_all(by_type.get("AllergyIntolerance", ()), read_allergy, ctx)
    condition_stages = [s for c in conditions for s in c.stages if s.source_ref == c.ref]
    imaging_reports = _imaging_reports(by_type, observations, lookup, ctx)

    return PatientRecord(
        patient=patient,
        as_of=day,
        conditions=tuple(conditions),
        observations=tuple(observations),
        medications=tuple(medications),
        procedures=tuple(procedures),
        immunizations=tuple(immunizations),
        allergies=tuple(allergies),
        stages=(*condition_stages, *stages),
        imaging_reports=imaging_reports,
        issues=tuple(issues),
        resource_counts=MappingProxyType(counts),
        condition_index=_index(conditions, lambda c: (c.code,)),
        observation_index=_index(observations, lambda o: (o.code,)),
        component_index=_component_index(observations),
        medication_index=_index(medications, MedicationItem.all_concepts),
        procedure_index=_index(procedures, lambda p: (p.code,)),
        immunization_index=_index(immunizations, lambda i: (i.vaccine,)),
        allergy_index=_index(allergies, lambda a: (a.code,)),
        partial_dates=MappingProxyType(ctx.partial_dates) if ctx.partial_dates else _EMPTY,
        partial_ends=MappingProxyType(ctx.partial_ends) if ctx.partial_ends else _EMPTY,
    )


# ---------------------------------------------------------------- bundle walking


def _collect(
    entries: list[Any], issues: list[RecordIssue]
) -> tuple[list[tuple[dict[str, Any], str]], dict[str, int], dict[str, dict[str, Any]]]:
    """Resources with their citation ref, counts per type, and a reference → resource lookup."""
    resources: list[tuple[dict[str, Any], str]] = []
    counts: dict[str, int] = {}
    lookup: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict):
            issues.append(RecordIssue("warning", None, f"entry {position} is not an object"))
            continue
        resource = entry.get("resource")
        request = entry.get("request")
        if isinstance(request, dict) and request.get("method") == "DELETE":
            continue
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if not isinstance(resource, dict) or not isinstance(kind, str):
            if resource is not None:
                issues.append(RecordIssue("warning", None, f"entry {position} has no resourceType"))
            continue
        resource_id = resource.get("id")
        full_url = entry.get("fullUrl")
        if not isinstance(full_url, str):
            full_url = None
        if not (resource_id and isinstance(resource_id, str)):
            resource_id = None
        ref = entry_ref(entry, position)
        counts[kind] = counts.get(kind, 0) + 1
        if ref in seen:
            counts[kind] -= 1
            issues.append(RecordIssue("warning", ref, "duplicate entry; the first one is used"))
            continue
        seen.add(ref)
        resources.append((resource, ref))
        if resource_id:
            lookup.setdefault(ref, resource)
        if full_url:
            lookup.setdefault(full_url, resource)
    return resources, counts, lookup


def entry_ref(entry: dict[str, Any], position: int) -> str:
    """How issues cite the resource of a Bundle entry: Type/id, else its fullUrl, else
    Type/#position."""
    resource = entry["resource"]
    kind, resource_id, full_url = resource["resourceType"], resource.get("id"), entry.get("fullUrl")
    if resource_id and isinstance(resource_id, str):
        return f"{kind}/{resource_id}"
    return full_url if isinstance(full_url, str) and full_url else f"{kind}/#{position}"


def _the_patient(
    resources: list[tuple[dict[str, Any], str]], lookup: Mapping[str, dict[str, Any]]
) -> tuple[dict[str, Any], frozenset[str]]:
    patients = [(r, ref) for r, ref in resources if r["resourceType"] == "Patient"]
    if not patients:
        raise PatientRecordError("the Bundle holds no Patient resource; one is required")
    if len(patients) > 1:
        refs = ", ".join(ref for _, ref in patients)
        raise PatientRecordError(
            f"the Bundle holds {len(patients)} Patient resources ({refs}); "
            "a patient record must describe exactly one patient"
        )
    resource, ref = patients[0]
    keys = {ref} | {key for key, value in lookup.items() if value is resource}
    return resource, frozenset(keys)


def _resolve(
    reference: str, source: dict[str, Any] | None, lookup: Mapping[str, dict[str, Any]]
) -> dict[str, Any] | None:
    if reference.startswith("#"):
        for contained in (source or {}).get("contained") or ():
            if isinstance(contained, dict) and contained.get("id") == reference[1:]:
                return contained
        return None
    found = lookup.get(reference)
    if found is not None:
        return found
    relative = _relative_reference(reference)
    return lookup.get(relative) if relative else None


def _relative_reference(reference: str) -> str | None:
    """``http://host/fhir/Patient/1/_history/2`` → ``Patient/1``."""
    if reference.startswith("urn:"):
        return None
    parts = [p for p in reference.split("?")[0].split("/") if p]
    if len(parts) >= 4 and parts[-2] == "_history":
        parts = parts[:-2]
    if len(parts) >= 2:
        return f"{parts[-2]}/{parts[-1]}"
    return None


class _SubjectCheck:
    """Decides whether a resource's subject/patient is this bundle's Patient."""

    def __init__(
        self,
        patient: dict[str, Any],
        keys: frozenset[str],
        lookup: Mapping[str, dict[str, Any]],
        ctx: ReadContext,
    ) -> None:
        self._patient = patient
        self._keys = keys
        self._lookup = lookup
        self._ctx = ctx
        self._identifiers = {
            (i.get("system"), i.get("value"))
            for i in patient.get("identifier") or ()
            if isinstance(i, dict) and i.get("value")
        }

    def belongs(self, resource: dict[str, Any], element: str, ref: str) -> bool:
        subject = resource.get(element)
        if not isinstance(subject, dict):
            self._ctx.warn(ref, f"no {element}; assumed to be the bundle's patient")
            return True
        reference = subject.get("reference")
        if isinstance(reference, str) and reference:
            if reference in self._keys or _relative_reference(reference) in self._keys:
                return True
            if self._lookup.get(reference) is self._patient:
                return True
            self._refuse(ref, f"{element} {reference} is not this bundle's Patient")
            return False
        identifier = subject.get("identifier")
        if isinstance(identifier, dict) and identifier.get("value"):
            if (identifier.get("system"), identifier.get("value")) in self._identifiers:
                return True
            self._refuse(ref, f"{element} identifier {identifier.get('value')} is another patient")
            return False
        self._ctx.warn(ref, f"{element} has no reference; assumed to be the bundle's patient")
        return True

    def _refuse(self, ref: str, message: str) -> None:
        self._ctx.issues.append(RecordIssue("error", ref, f"{message}; resource left out"))


# ---------------------------------------------------------------- Patient


def _read_patient(
    resource: dict[str, Any], keys: frozenset[str], as_of: date, issues: list[RecordIssue]
) -> PatientInfo:
    resource_id = resource.get("id") if isinstance(resource.get("id"), str) else None
    ref = f"Patient/{resource_id}" if resource_id else min(keys)
    birth_date = birth_date_latest = None
    raw_birth = resource.get("birthDate")
    if raw_birth is not None:
        birth_date = parse_fhir_date(raw_birth)
        if birth_date is None:
            issues.append(RecordIssue("warning", ref, f"birthDate {raw_birth!r} is not a date"))
        elif birth_date > as_of:
            issues.append(RecordIssue("warning", ref, f"birthDate {raw_birth} is in the future"))
            birth_date = None
        else:
            birth_date_latest = min(parse_fhir_date(raw_birth, end=True) or birth_date, as_of)
    deceased: bool | None = None
    deceased_date = None
    if isinstance(resource.get("deceasedBoolean"), bool):
        deceased = resource["deceasedBoolean"]
    elif resource.get("deceasedDateTime") is not None:
        deceased = True
        deceased_date = parse_fhir_date(resource["deceasedDateTime"])
        if deceased_date is None:
            issues.append(RecordIssue("warning", ref, "deceasedDateTime is not a date"))
    postal_codes = tuple(
        a["postalCode"].strip()
        for a in resource.get("address") or ()
        if isinstance(a, dict) and isinstance(a.get("postalCode"), str) and a["postalCode"].strip()
    )
    gender = resource.get("gender")
    return PatientInfo(
        id=resource_id or ref,
        ref=ref,
        birth_date=birth_date,
        birth_date_latest=birth_date_latest,
        gender=gender if isinstance(gender, str) else None,
        birth_sex=_birth_sex(resource),
        deceased=deceased,
        deceased_date=deceased_date,
        postal_codes=postal_codes,
    )


_BIRTH_SEX_EXTENSIONS = (
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex",
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-sex",
)
# us-core-birthsex codes (F, M) and US Core sex (SNOMED CT 248152002 female, 248153007 male).
_SEX_CODES = {"F": "female", "M": "male", "248152002": "female", "248153007": "male"}


def _birth_sex(resource: dict[str, Any]) -> str | None:
    """The sex US Core's birth-sex (or sex) extension records, as "female" / "male"."""
    for extension in resource.get("extension") or ():
        if not isinstance(extension, dict) or extension.get("url") not in _BIRTH_SEX_EXTENSIONS:
            continue
        code = extension.get("valueCode")
        if code is None and isinstance(extension.get("valueCoding"), dict):
            code = extension["valueCoding"].get("code")
        if isinstance(code, str) and code.strip() in _SEX_CODES:
            return _SEX_CODES[code.strip()]
    return None


# ---------------------------------------------------------------- items and indexes


def _read_all(
    pairs: Iterable[tuple[dict[str, Any], str]],
    reader: Callable[[dict[str, Any], str, ReadContext], Item | None],
    ctx: ReadContext,
) -> list[Item]:
    return [item for resource, ref in pairs if (item := reader(resource, ref, ctx)) is not None]


def _newest_first(item: ObservationItem | ImagingReport) -> tuple[bool, int]:
    day = item.date or item.issued
    return (day is None, -(day.toordinal() if day else 0))


def _imaging_reports(
    by_type: Mapping[str, list[tuple[dict[str, Any], str]]],
    observations: list[ObservationItem],
    lookup: Mapping[str, dict[str, Any]],
    ctx: ReadContext,
) -> tuple[ImagingReport, ...]:
    """Imaging DiagnosticReports, and imaging Observations with a text value that no report
    already holds as a ``result``."""
    reports: list[ImagingReport] = []
    held: set[str] = set()
    for resource, ref in by_type.get("DiagnosticReport", ()):
        report = read_imaging_report(resource, ref, ctx)
        if report is None:
            continue
        reports.append(report)
        for reference in report_result_refs(resource):
            target = _resolve(reference, resource, lookup)
            if target is not None:
                held.add(f"Observation/{target.get('id')}")
                held.add(reference)
    for item in observations:
        if item.value.__class__ is str and item.ref not in held:
            report = imaging_report_from_observation(item)
            if report is not None:
                reports.append(report)
    if not reports:
        return ()
    reports.sort(key=_newest_first)
    return tuple(reports)


def _stages(
    observations: list[ObservationItem],
    conditions: Iterable[tuple[dict[str, Any], str]],
    lookup: Mapping[str, dict[str, Any]],
) -> tuple[list[StageInfo], dict[str, tuple[StageInfo, ...]]]:
    """Stage-group Observations, each tied to its Condition by ``focus`` or by the Condition's
    ``stage.assessment``."""
    assessed: dict[str, str] = {}
    condition_refs: dict[int, str] = {}
    for resource, ref in conditions:
        condition_refs[id(resource)] = ref
        for stage in _list(resource.get("stage")):
            if not isinstance(stage, dict):
                continue
            for assessment in _list(stage.get("assessment")):
                target = assessment.get("reference") if isinstance(assessment, dict) else None
                observation = lookup.get(target) if isinstance(target, str) else None
                if observation is not None:
                    assessed[f"Observation/{observation.get('id')}"] = ref
    stages: list[StageInfo] = []
    by_condition: dict[str, list[StageInfo]] = {}
    for item in observations:
        if not is_stage_observation(item):
            continue
        condition_ref = assessed.get(item.ref)
        for focus in item.focus:
            target = lookup.get(focus) or lookup.get(_relative_reference(focus) or "")
            if target is not None and id(target) in condition_refs:
                condition_ref = condition_refs[id(target)]
                break
        stage = stage_from_observation(item, condition_ref)
        if stage is None:
            continue
        stages.append(stage)
        if condition_ref is not None:
            by_condition.setdefault(condition_ref, []).append(stage)
    return stages, {ref: tuple(items) for ref, items in by_condition.items()}


def _index(
    items: Iterable[Item], concepts_of: Callable[[Item], Iterable[Concept]]
) -> Mapping[Code, tuple[Item, ...]]:
    index: dict[Code, list[Item]] = {}
    for item in items:
        # Concept.keys, without building a tuple per concept: (system, code) when both are set.
        keys = {
            (coding.system, coding.code)
            for concept in concepts_of(item)
            for coding in concept.codings
            if coding.system and coding.code
        }
        for key in keys:
            index.setdefault(key, []).append(item)
    if not index:
        return _EMPTY
    return MappingProxyType({key: tuple(values) for key, values in index.items()})


def _component_index(
    observations: Iterable[ObservationItem],
) -> Mapping[Code, tuple[tuple[ObservationItem, ObservationComponent], ...]]:
    index: dict[Code, list[tuple[ObservationItem, ObservationComponent]]] = {}
    for item in observations:
        for component in item.components:
            for key in component.code.keys:
                index.setdefault(key, []).append((item, component))
    return MappingProxyType({key: tuple(values) for key, values in index.items()})


__all__ = ["PatientRecord", "PatientRecordError", "read_patient_bundle"]


def _list(value: Any) -> list[Any]:
    """A repeating element as a list: anything else (a malformed export) holds no items."""
    return value if isinstance(value, list) else []
