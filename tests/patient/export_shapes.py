"""Export-shape transforms of a patient Bundle: the same facts written the other ways Epic,
Cerner and other EHRs write them (`EQUIVALENT`), or with some information lost on the way
(`LOSING`).

Each transform takes a Bundle (a dict, never changed) and returns a new one, or ``None`` when
nothing in the bundle has the shape it rewrites. `tests/patient/shape_probe.py` applies them to
every development panel patient and compares every criterion's result with the untransformed
record's; `test_export_shapes.py` keeps the differences from coming back.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Bundle = dict[str, Any]
Resource = dict[str, Any]

UCUM = "http://unitsofmeasure.org"
EPIC_LOCAL = "urn:oid:1.2.840.114350.1.13.0.1.7.2.696784"
CERNER_LOCAL = "https://fhir.cerner.com/ec2458f2-1e24-41c8-b71b-0e701af7583d/codeSet/72"
_MEDICATION_USES = (
    "MedicationStatement",
    "MedicationRequest",
    "MedicationAdministration",
    "MedicationDispense",
)
_CLINICAL = (
    "Condition",
    "Observation",
    "Procedure",
    "Immunization",
    "AllergyIntolerance",
    "DiagnosticReport",
    *_MEDICATION_USES,
)
# dateTime elements whose date-only values an EHR may send as a local time with an offset.
_DATE_TIMES = (
    "onsetDateTime",
    "abatementDateTime",
    "recordedDate",
    "effectiveDateTime",
    "performedDateTime",
    "occurrenceDateTime",
    "occurenceDateTime",
    "authoredOn",
    "dateAsserted",
    "whenHandedOver",
)
_PERIODS = ("effectivePeriod", "performedPeriod", "occurrencePeriod", "occurencePeriod")


@dataclass(frozen=True)
class Transform:
    name: str
    family: str  # "equivalent" or "losing"
    apply: Callable[[Bundle], Bundle | None]
    what: str


def _resources(bundle: Bundle, *kinds: str) -> Iterator[Resource]:
    for entry in bundle.get("entry") or ():
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and (not kinds or resource.get("resourceType") in kinds):
            yield resource


def _rewriting(
    kinds: tuple[str, ...], change: Callable[[Resource, Bundle], bool]
) -> Callable[[Bundle], Bundle | None]:
    """A transform that changes resources of ``kinds`` in place in a copy of the bundle;
    ``change`` says whether it changed anything."""

    def apply(bundle: Bundle) -> Bundle | None:
        new = copy.deepcopy(bundle)
        changed = False
        for resource in list(_resources(new, *kinds)):
            changed |= change(resource, new)
        return new if changed else None

    return apply


def _concepts(resource: Resource) -> Iterator[dict[str, Any]]:
    """Every CodeableConcept with a coding list anywhere in the resource (contained too)."""
    stack: list[Any] = [resource]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("coding"), list) and node["coding"]:
                yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _main_concepts(resource: Resource) -> list[dict[str, Any]]:
    """The concepts that say what the resource is about (code, medication, vaccine, value)."""
    found = []
    for name in ("code", "medicationCodeableConcept", "vaccineCode", "valueCodeableConcept"):
        if isinstance(resource.get(name), dict):
            found.append(resource[name])
    medication = resource.get("medication")
    if isinstance(medication, dict) and isinstance(medication.get("concept"), dict):
        found.append(medication["concept"])
    return [c for c in found if isinstance(c.get("coding"), list) and c["coding"]]


def _new_entry(bundle: Bundle, resource: Resource) -> None:
    entries = bundle.setdefault("entry", [])
    example = next((e for e in entries if isinstance(e, dict) and "fullUrl" in e), None)
    entry: dict[str, Any] = {"resource": resource}
    if example is not None:
        base = str(example["fullUrl"])
        if base.startswith("urn:uuid:"):
            entry["fullUrl"] = f"urn:uuid:{resource['id']}"
        else:
            entry["fullUrl"] = (
                base.rsplit("/", 2)[0] + f"/{resource['resourceType']}/{resource['id']}"
            )
    if bundle.get("type") == "searchset":
        entry["search"] = {"mode": "include"}
    entries.append(entry)


def _patient_ref(bundle: Bundle) -> dict[str, Any]:
    for resource in _resources(bundle, "Condition", "Observation"):
        subject = resource.get("subject")
        if isinstance(subject, dict):
            return copy.deepcopy(subject)
    patient = next(_resources(bundle, "Patient"))
    return {"reference": f"Patient/{patient.get('id')}"}


# ---------------------------------------------------------------- equivalent: medications


def _medication_use_concept(resource: Resource) -> dict[str, Any] | None:
    concept = resource.get("medicationCodeableConcept")
    if isinstance(concept, dict):
        return concept
    medication = resource.get("medication")
    if (
        isinstance(medication, dict)
        and isinstance(medication.get("concept"), dict)
        and "reference" not in medication
    ):
        return medication["concept"]
    return None


def _strip_medication(resource: Resource) -> None:
    resource.pop("medicationCodeableConcept", None)
    resource.pop("medication", None)


def _med_contained(resource: Resource, bundle: Bundle) -> bool:
    concept = _medication_use_concept(resource)
    if concept is None:
        return False
    _strip_medication(resource)
    resource.setdefault("contained", []).append(
        {"resourceType": "Medication", "id": "med1", "code": concept}
    )
    resource["medicationReference"] = {"reference": "#med1"}
    return True


def _medication_entry(bundle: Bundle, resource: Resource, concept: dict[str, Any]) -> str:
    number = sum(1 for _ in _resources(bundle, "Medication")) + 1
    medication_id = f"shape-med-{number}"
    _new_entry(bundle, {"resourceType": "Medication", "id": medication_id, "code": concept})
    return f"Medication/{medication_id}"


def _med_entry(resource: Resource, bundle: Bundle) -> bool:
    concept = _medication_use_concept(resource)
    if concept is None:
        return False
    _strip_medication(resource)
    reference = _medication_entry(bundle, resource, concept)
    resource["medicationReference"] = {"reference": reference, "display": _label(concept)}
    return True


def _med_r5_reference(resource: Resource, bundle: Bundle) -> bool:
    concept = _medication_use_concept(resource)
    if concept is None:
        return False
    _strip_medication(resource)
    reference = _medication_entry(bundle, resource, concept)
    resource["medication"] = {"reference": {"reference": reference}}
    return True


def _label(concept: dict[str, Any]) -> str:
    if isinstance(concept.get("text"), str):
        return str(concept["text"])
    for coding in concept.get("coding") or ():
        if isinstance(coding, dict) and isinstance(coding.get("display"), str):
            return str(coding["display"])
    return "medication"


# ---------------------------------------------------------------- equivalent: codings


def _local_coding(system: str, first: bool) -> Callable[[Resource, Bundle], bool]:
    def change(resource: Resource, bundle: Bundle) -> bool:
        changed = False
        for concept in _concepts(resource):
            codings = concept["coding"]
            display = next(
                (c["display"] for c in codings if isinstance(c, dict) and c.get("display")),
                concept.get("text") or "local",
            )
            local = {"system": system, "code": str(900000 + len(str(display))), "display": display}
            if first:
                codings.insert(0, local)
            else:
                codings.append(local)
            changed = True
        return changed

    return change


def _reorder_codings(resource: Resource, bundle: Bundle) -> bool:
    changed = False
    for concept in _concepts(resource):
        if len(concept["coding"]) > 1:
            concept["coding"].reverse()
            changed = True
    return changed


# ---------------------------------------------------------------- equivalent: resources


def _reverse_entries(bundle: Bundle) -> Bundle | None:
    new = copy.deepcopy(bundle)
    new.get("entry", []).reverse()
    return new


def _duplicates(
    kinds: tuple[str, ...], encounter_category: bool
) -> Callable[[Bundle], Bundle | None]:
    def apply(bundle: Bundle) -> Bundle | None:
        new = copy.deepcopy(bundle)
        copies = []
        for resource in _resources(new, *kinds):
            twin = copy.deepcopy(resource)
            twin["id"] = f"{resource.get('id', 'x')}-copy"[:64]
            if encounter_category:
                twin["category"] = [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                                "code": "encounter-diagnosis",
                                "display": "Encounter Diagnosis",
                            }
                        ]
                    }
                ]
            copies.append(twin)
        if not copies:
            return None
        for twin in copies:
            _new_entry(new, twin)
        return new

    return apply


def _irrelevant(bundle: Bundle) -> Bundle | None:
    new = copy.deepcopy(bundle)
    subject = _patient_ref(new)
    extra: list[Resource] = [
        {"resourceType": "Practitioner", "id": "shape-pract", "name": [{"family": "Osler"}]},
        {"resourceType": "Organization", "id": "shape-org", "name": "Mercy General"},
        {
            "resourceType": "Encounter",
            "id": "shape-enc",
            "status": "finished",
            "class": {"code": "AMB"},
            "subject": subject,
            "period": {"start": "2026-11-20T09:00:00-05:00"},
        },
        {
            "resourceType": "DocumentReference",
            "id": "shape-doc",
            "status": "current",
            "subject": subject,
            "type": {"coding": [{"system": "http://loinc.org", "code": "11506-3"}]},
            "content": [{"attachment": {"contentType": "text/plain", "data": "T2ZmaWNlIHZpc2l0"}}],
        },
        {
            "resourceType": "Provenance",
            "id": "shape-prov",
            "recorded": "2026-11-20T09:00:00-05:00",
            "target": [subject],
            "agent": [{"who": {"reference": "Practitioner/shape-pract"}}],
        },
    ]
    if any(True for _ in _resources(new, "Immunization")):
        # Only beside other immunizations: the first one would tell that the record holds
        # the category (absence then counts), which is information, not shape.
        extra.append(
            {
                "resourceType": "Immunization",
                "id": "shape-flu",
                "status": "completed",
                "patient": subject,
                "occurrenceDateTime": "2025-10-01",
                "vaccineCode": {
                    "coding": [
                        {
                            "system": "http://hl7.org/fhir/sid/cvx",
                            "code": "150",
                            "display": "Influenza, injectable, quadrivalent, preservative free",
                        }
                    ]
                },
            }
        )
    for resource in extra:
        _new_entry(new, resource)
    return new


def _contradict(resource: Resource) -> None:
    """A copy of a resource marked entered in error, saying the opposite where it can, dated
    today (so it would be the latest value if it were read)."""
    kind = resource["resourceType"]
    hl7 = "http://terminology.hl7.org/CodeSystem/"
    prefix = hl7 + ("condition" if kind == "Condition" else "allergyintolerance")
    if kind in ("Condition", "AllergyIntolerance"):
        resource["verificationStatus"] = {
            "coding": [
                {
                    "system": prefix + "-ver-status",
                    "code": "entered-in-error",
                }
            ]
        }
        resource["clinicalStatus"] = {
            "coding": [
                {
                    "system": prefix + "-clinical",
                    "code": "active",
                }
            ]
        }
        for name in ("onsetDateTime", "recordedDate"):
            resource[name] = "2026-11-30"
        resource.pop("abatementDateTime", None)
        return
    resource["status"] = "entered-in-error"
    if kind == "Observation":
        resource["effectiveDateTime"] = "2026-11-30"
        resource.pop("effectivePeriod", None)
        quantity = resource.get("valueQuantity")
        if isinstance(quantity, dict) and isinstance(quantity.get("value"), int | float):
            quantity["value"] = quantity["value"] * 10 + 7
        if isinstance(resource.get("valueString"), str):
            resource["valueString"] = (
                "Negative" if "pos" in resource["valueString"].lower() else "Positive"
            )
        if isinstance(resource.get("valueCodeableConcept"), dict):
            resource["valueCodeableConcept"] = {"text": "Positive"}
    elif kind in _MEDICATION_USES:
        for name in ("effectiveDateTime", "authoredOn", "occurrenceDateTime"):
            if name in resource:
                resource[name] = "2026-11-30"
    elif kind in ("Procedure", "Immunization"):
        for name in ("performedDateTime", "occurrenceDateTime"):
            if name in resource:
                resource[name] = "2026-11-30"


def _entered_in_error_copies(bundle: Bundle) -> Bundle | None:
    new = copy.deepcopy(bundle)
    copies = []
    for resource in _resources(new, *_CLINICAL):
        if resource["resourceType"] == "DiagnosticReport":
            continue
        twin = copy.deepcopy(resource)
        twin["id"] = f"{resource.get('id', 'x')}-eie"[:64]
        _contradict(twin)
        copies.append(twin)
    if not copies:
        return None
    for twin in copies:
        _new_entry(new, twin)
    return new


def _entered_in_error_new_kinds(bundle: Bundle) -> Bundle | None:
    """An entered-in-error resource of a category the record otherwise lacks: the record still
    holds none of that category."""
    new = copy.deepcopy(bundle)
    subject = _patient_ref(new)
    present = {r.get("resourceType") for r in _resources(new)}
    eie = {"coding": [{"code": "entered-in-error"}]}
    candidates: list[Resource] = [
        {
            "resourceType": "Condition",
            "id": "shape-eie-cond",
            "subject": subject,
            "verificationStatus": eie,
            "code": {
                "coding": [
                    {
                        "system": "http://snomed.info/sct",
                        "code": "86406008",
                        "display": "HIV infection",
                    }
                ]
            },
        },
        {
            "resourceType": "Immunization",
            "id": "shape-eie-imm",
            "status": "entered-in-error",
            "patient": subject,
            "occurrenceDateTime": "2026-11-20",
            "vaccineCode": {
                "coding": [
                    {"system": "http://hl7.org/fhir/sid/cvx", "code": "03", "display": "MMR"}
                ]
            },
        },
        {
            "resourceType": "AllergyIntolerance",
            "id": "shape-eie-allergy",
            "patient": subject,
            "verificationStatus": eie,
            "code": {
                "coding": [
                    {
                        "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                        "code": "7980",
                        "display": "Penicillin G",
                    }
                ]
            },
        },
        {
            "resourceType": "Procedure",
            "id": "shape-eie-proc",
            "status": "entered-in-error",
            "subject": subject,
            "performedDateTime": "2026-11-20",
            "code": {
                "coding": [
                    {
                        "system": "http://snomed.info/sct",
                        "code": "80146002",
                        "display": "Appendectomy",
                    }
                ]
            },
        },
        {
            "resourceType": "MedicationStatement",
            "id": "shape-eie-med",
            "status": "entered-in-error",
            "subject": subject,
            "effectiveDateTime": "2026-11-20",
            "medicationCodeableConcept": {
                "coding": [
                    {
                        "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                        "code": "11289",
                        "display": "Warfarin",
                    }
                ]
            },
        },
    ]
    added = False
    for resource in candidates:
        kind = resource["resourceType"]
        if kind == "MedicationStatement":
            if present & set(_MEDICATION_USES):
                continue
        elif kind in present:
            continue
        _new_entry(new, resource)
        added = True
    return new if added else None


def _meta_text_extensions(resource: Resource, bundle: Bundle) -> bool:
    resource["meta"] = {
        "versionId": "3",
        "lastUpdated": "2026-11-30T08:12:44.123-05:00",
        "source": "#Epic-PRD",
        "profile": [
            f"http://hl7.org/fhir/us/core/StructureDefinition/us-core-{resource['resourceType'].lower()}"
        ],
        "tag": [{"system": "urn:oid:1.2.840.114350", "code": "exported"}],
    }
    resource["text"] = {
        "status": "generated",
        "div": '<div xmlns="http://www.w3.org/1999/xhtml">Positive; stage IV; active</div>',
    }
    resource.setdefault("extension", []).append(
        {
            "url": "http://open.epic.com/FHIR/StructureDefinition/extension/internal-id",
            "valueString": "E4567",
        }
    )
    for concept in _concepts(resource):
        concept.setdefault("extension", []).append(
            {
                "url": "http://open.epic.com/FHIR/StructureDefinition/extension/codeable-concept-source",
                "valueCode": "ehr",
            }
        )
    return True


# ---------------------------------------------------------------- equivalent: dates


def _with_time(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return f"{value}T14:32:00-05:00"
    return value


def _timestamps(resource: Resource, bundle: Bundle) -> bool:
    changed = False
    for name in _DATE_TIMES:
        if name in resource and (new := _with_time(resource[name])) != resource[name]:
            resource[name] = new
            changed = True
    for name in ("onsetPeriod", "abatementPeriod", *_PERIODS, "effectiveDosePeriod"):
        period = resource.get(name)
        if isinstance(period, dict):
            for end in ("start", "end"):
                if end in period and (new := _with_time(period[end])) != period[end]:
                    period[end] = new
                    changed = True
    return changed


def _effective_period(resource: Resource, bundle: Bundle) -> bool:
    raw = resource.get("effectiveDateTime")
    if raw is None:
        return False
    del resource["effectiveDateTime"]
    if resource["resourceType"] == "Observation":
        resource["effectivePeriod"] = {"start": raw, "end": raw}
    else:  # a medication taken since then: the period stays open
        resource["effectivePeriod"] = {"start": raw}
    return True


def _onset_period(resource: Resource, bundle: Bundle) -> bool:
    changed = False
    for prefix in ("onset", "abatement"):
        raw = resource.get(prefix + "DateTime")
        if raw is None:
            continue
        del resource[prefix + "DateTime"]
        resource[prefix + "Period"] = {"start": raw}
        changed = True
    return changed


def _verification_confirmed(resource: Resource, bundle: Bundle) -> bool:
    if "verificationStatus" in resource:
        return False
    system = "condition" if resource["resourceType"] == "Condition" else "allergyintolerance"
    resource["verificationStatus"] = {
        "coding": [
            {
                "system": f"http://terminology.hl7.org/CodeSystem/{system}-ver-status",
                "code": "confirmed",
                "display": "Confirmed",
            }
        ]
    }
    return True


# ---------------------------------------------------------------- equivalent: units

# UCUM code → what EHR result feeds send for it in `unit` (one meaning each).
UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "10*3/uL": ("K/uL", "x10E3/uL", "10^3/uL", "thou/mm3", "10*3/uL", "K/mcL", "x10(3)/mcL"),
    "10*9/L": ("x10^9/L", "10^9/L", "x10E9/L", "10*9/L", "x 10^9/L", "10e9/L", "x10*9/L"),
    "10*6/uL": ("M/uL", "x10E6/uL", "10^6/uL", "mil/mcL", "M/uL", "x10(6)/mcL", "10*6/uL"),
    "10*12/L": ("x10^12/L", "10^12/L", "x10E12/L", "10*12/L", "x10^12/L", "x10*12/L", "10^12/L"),
    "/uL": ("cells/uL", "/mm3", "cells/mm3", "/mcL", "cells/mcL", "/uL", "{cells}/uL"),
    "mg/dL": ("mg/dl", "MG/DL", "mg/dL", "mg/dl", "mg/dL", "MG/DL", "mg/dl"),
    "g/dL": ("g/dl", "gm/dL", "GM/DL", "g/dL", "gm/dl", "g/dl", "G/DL"),
    "g/L": ("g/l", "gm/L", "g/L", "gm/L", "g/l", "g/L", "grams/L"),
    "U/L": ("IU/L", "units/L", "U/l", "u/L", "IU/L", "Units/L", "U/L"),
    "umol/L": ("µmol/L", "umol/l", "mcmol/L", "µmol/l", "umol/L", "micromol/L", "umol/L"),
    "mmol/L": ("mmol/l", "mMol/L", "mmol/L", "mmol/l", "mmol/L", "MMOL/L", "mmol/l"),
    "mm[Hg]": ("mmHg", "mm Hg", "mmHg", "mm[Hg]", "mmHg", "mm Hg", "MMHG"),
    "kg/m2": ("kg/m^2", "kg/m²", "kg/m2", "kg/m^2", "KG/M2", "kg/m2", "kg/m^2"),
    "mL/min/{1.73_m2}": (
        "mL/min/1.73m2",
        "mL/min/1.73 m2",
        "mL/min/1.73m^2",
        "ml/min/1.73m2",
        "mL/min/{1.73_m2}",
        "mL/min/BSA",
        "mL/min/1.73 m^2",
    ),
    "ng/mL": ("ng/ml", "NG/ML", "ng/mL", "ng/ml", "ng/mL", "ng/ml", "ng/mL"),
    "m[IU]/L": ("mIU/L", "mIU/l", "m[IU]/L", "mIU/L", "MIU/L", "mIU/L", "mIU/l"),
    "{copies}/mL": (
        "copies/mL",
        "copies/ml",
        "cp/mL",
        "{copies}/mL",
        "copies/mL",
        "cp/ml",
        "copies/mL",
    ),
    "%": ("%",) * 7,
    "kg": ("kg", "KG", "kg", "kilogram", "kg", "kg", "kg"),
}


# Spellings that do not say one thing, so no transform writes them: the reader is right to
# leave a result in them `unknown`.
NOT_EQUIVALENT: dict[str, str] = {
    "G/L": "giga per litre (10*9/L, a count) in French laboratories, grams per litre elsewhere",
    "T/L": "tera per litre (10*12/L) in European laboratories; left unread with G/L, its pair",
}


def _quantities(resource: Resource) -> Iterator[dict[str, Any]]:
    quantity = resource.get("valueQuantity")
    if isinstance(quantity, dict):
        yield quantity
    for component in resource.get("component") or ():
        if isinstance(component, dict) and isinstance(component.get("valueQuantity"), dict):
            yield component["valueQuantity"]


def _unit_spelling(index: int, keep_code: bool) -> Callable[[Resource, Bundle], bool]:
    """The UCUM-coded result's ``unit`` written the ``index``-th way its lab feed may write
    it; with ``keep_code`` the UCUM code stays, else system and code go (a unit not given)."""

    def change(resource: Resource, bundle: Bundle) -> bool:
        changed = False
        for quantity in _quantities(resource):
            spellings = UNIT_SPELLINGS.get(str(quantity.get("code")))
            if quantity.get("system") != UCUM or spellings is None:
                continue
            quantity["unit"] = spellings[index]
            if not keep_code:
                quantity.pop("system", None)
                quantity.pop("code", None)
            changed = True
        return changed

    return change


def _code_absent(resource: Resource, bundle: Bundle) -> bool:
    changed = False
    for quantity in _quantities(resource):
        if "code" in quantity and quantity.get("unit"):
            quantity.pop("code")
            quantity.pop("system", None)
            changed = True
    return changed


# ---------------------------------------------------------------- information-losing


def _text_only(resource: Resource, bundle: Bundle) -> bool:
    changed = False
    for concept in _main_concepts(resource):
        concept.setdefault("text", _label(concept))
        del concept["coding"]
        changed = True
    if resource.get("resourceType") == "Medication" and isinstance(resource.get("code"), dict):
        pass
    return changed


def _text_only_medications(resource: Resource, bundle: Bundle) -> bool:
    changed = _text_only(resource, bundle)
    for contained in resource.get("contained") or ():
        if isinstance(contained, dict):
            changed |= _text_only(contained, bundle)
    return changed


_ALL_DATES = (
    *_DATE_TIMES,
    "onsetPeriod",
    "abatementPeriod",
    "onsetString",
    "abatementString",
    "onsetAge",
    "abatementAge",
    *_PERIODS,
    "effectiveInstant",
    "issued",
    "effectiveDosePeriod",
)


def _dates_removed(resource: Resource, bundle: Bundle) -> bool:
    changed = False
    for name in _ALL_DATES:
        if name in resource:
            del resource[name]
            changed = True
    for dosage in resource.get("dosageInstruction") or ():
        repeat = (dosage.get("timing") or {}).get("repeat") if isinstance(dosage, dict) else None
        if isinstance(repeat, dict) and "boundsPeriod" in repeat:
            del repeat["boundsPeriod"]
            changed = True
    if isinstance(resource.get("dispenseRequest"), dict):
        changed |= resource["dispenseRequest"].pop("validityPeriod", None) is not None
    return changed


def _year(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 7 and value[:4].isdigit():
        return value[:4]
    return value


def _dates_to_year(resource: Resource, bundle: Bundle) -> bool:
    changed = False
    for name in _DATE_TIMES:
        if (
            name in resource
            and name not in ("issued",)
            and (new := _year(resource[name])) != resource[name]
        ):
            resource[name] = new
            changed = True
    for name in ("onsetPeriod", "abatementPeriod", *_PERIODS, "effectiveDosePeriod"):
        period = resource.get(name)
        if isinstance(period, dict):
            for end in ("start", "end"):
                if end in period and (new := _year(period[end])) != period[end]:
                    period[end] = new
                    changed = True
    resource.pop("issued", None)
    return changed


def _clinical_status_removed(resource: Resource, bundle: Bundle) -> bool:
    return resource.pop("clinicalStatus", None) is not None


def _units_removed(resource: Resource, bundle: Bundle) -> bool:
    changed = False
    for quantity in _quantities(resource):
        for name in ("unit", "code", "system"):
            changed |= quantity.pop(name, None) is not None
    return changed


# ---------------------------------------------------------------- the lists

EQUIVALENT: tuple[Transform, ...] = (
    Transform(
        "med-contained",
        "equivalent",
        _rewriting(_MEDICATION_USES, _med_contained),
        "medicationCodeableConcept → medicationReference to a contained Medication",
    ),
    Transform(
        "med-entry",
        "equivalent",
        _rewriting(_MEDICATION_USES, _med_entry),
        "medicationCodeableConcept → medicationReference to a Medication entry",
    ),
    Transform(
        "med-r5-reference",
        "equivalent",
        _rewriting(_MEDICATION_USES, _med_r5_reference),
        "medication as R5 medication.reference to a Medication entry",
    ),
    Transform(
        "epic-local-coding-last",
        "equivalent",
        _rewriting((*_CLINICAL, "Medication"), _local_coding(EPIC_LOCAL, False)),
        "an Epic urn:oid local coding after the standard ones",
    ),
    Transform(
        "epic-local-coding-first",
        "equivalent",
        _rewriting((*_CLINICAL, "Medication"), _local_coding(EPIC_LOCAL, True)),
        "an Epic urn:oid local coding before the standard ones",
    ),
    Transform(
        "cerner-local-coding",
        "equivalent",
        _rewriting((*_CLINICAL, "Medication"), _local_coding(CERNER_LOCAL, True)),
        "a Cerner codeSet coding before the standard ones",
    ),
    Transform(
        "codings-reordered",
        "equivalent",
        _rewriting((*_CLINICAL, "Medication"), _reorder_codings),
        "codings in reverse order",
    ),
    Transform(
        "entries-reversed", "equivalent", _reverse_entries, "bundle entries in reverse order"
    ),
    Transform(
        "conditions-duplicated",
        "equivalent",
        _duplicates(("Condition",), True),
        "every Condition also as an encounter-diagnosis copy",
    ),
    Transform(
        "observations-duplicated",
        "equivalent",
        _duplicates(("Observation",), False),
        "every Observation sent twice (two ids)",
    ),
    Transform(
        "medications-duplicated",
        "equivalent",
        _duplicates(_MEDICATION_USES, False),
        "every medication resource sent twice (two ids)",
    ),
    Transform(
        "irrelevant-resources",
        "equivalent",
        _irrelevant,
        "Encounter, DocumentReference, Practitioner, Organization, Provenance"
        " (and an Immunization beside others)",
    ),
    Transform(
        "entered-in-error-copies",
        "equivalent",
        _entered_in_error_copies,
        "an entered-in-error copy of each clinical resource, contradicting it, dated 2026-11-30",
    ),
    Transform(
        "entered-in-error-new-kinds",
        "equivalent",
        _entered_in_error_new_kinds,
        "an entered-in-error resource of each category the record lacks",
    ),
    Transform(
        "meta-text-extensions",
        "equivalent",
        _rewriting((), _meta_text_extensions),
        "meta, narrative text and extensions on every resource",
    ),
    Transform(
        "timestamps-with-offset",
        "equivalent",
        _rewriting(_CLINICAL, _timestamps),
        "dates as 2026-11-18T14:32:00-05:00",
    ),
    Transform(
        "effective-period",
        "equivalent",
        _rewriting(("Observation", *_MEDICATION_USES), _effective_period),
        "effectiveDateTime → effectivePeriod",
    ),
    Transform(
        "onset-period",
        "equivalent",
        _rewriting(("Condition",), _onset_period),
        "Condition onsetDateTime/abatementDateTime → onsetPeriod.start/abatementPeriod.start",
    ),
    Transform(
        "verification-confirmed",
        "equivalent",
        _rewriting(("Condition", "AllergyIntolerance"), _verification_confirmed),
        "verificationStatus confirmed where none",
    ),
    *(
        Transform(
            f"unit-spelling-{i}",
            "equivalent",
            _rewriting(("Observation",), _unit_spelling(i, True)),
            f"UCUM code kept, unit display spelling #{i}",
        )
        for i in range(7)
    ),
    *(
        Transform(
            f"unit-only-{i}",
            "equivalent",
            _rewriting(("Observation",), _unit_spelling(i, False)),
            f"no UCUM code, unit spelled the #{i} lab-feed way",
        )
        for i in range(7)
    ),
    Transform(
        "unit-code-absent",
        "equivalent",
        _rewriting(("Observation",), _code_absent),
        "valueQuantity without code and system, unit kept",
    ),
)

LOSING: tuple[Transform, ...] = (
    Transform(
        "text-only-conditions",
        "losing",
        _rewriting(("Condition",), _text_only),
        "Condition codings removed, text kept",
    ),
    Transform(
        "text-only-observations",
        "losing",
        _rewriting(("Observation",), _text_only),
        "Observation code and value codings removed, text kept",
    ),
    Transform(
        "text-only-medications",
        "losing",
        _rewriting((*_MEDICATION_USES, "Medication"), _text_only_medications),
        "medication codings removed, text kept",
    ),
    Transform(
        "text-only-procedures",
        "losing",
        _rewriting(("Procedure", "Immunization", "AllergyIntolerance"), _text_only),
        "procedure, vaccine and allergy codings removed, text kept",
    ),
    Transform(
        "dates-removed",
        "losing",
        _rewriting(_CLINICAL, _dates_removed),
        "every clinical date removed",
    ),
    Transform(
        "dates-to-year",
        "losing",
        _rewriting(_CLINICAL, _dates_to_year),
        "every clinical date reduced to its year",
    ),
    Transform(
        "clinical-status-removed",
        "losing",
        _rewriting(("Condition", "AllergyIntolerance"), _clinical_status_removed),
        "clinicalStatus removed",
    ),
    Transform(
        "units-removed",
        "losing",
        _rewriting(("Observation",), _units_removed),
        "valueQuantity units removed",
    ),
)

TRANSFORMS: tuple[Transform, ...] = EQUIVALENT + LOSING


def fingerprint(bundle: Bundle) -> str:
    return json.dumps(bundle, sort_keys=True)


def by_name(name: str) -> Transform:
    return next(t for t in TRANSFORMS if t.name == name)


def composed(names: tuple[str, ...], family: str = "equivalent") -> Transform:
    """Several transforms one after the other (each one that finds nothing to rewrite is
    skipped): one evaluation covers them all."""
    steps = [by_name(n) for n in names]

    def apply(bundle: Bundle) -> Bundle | None:
        result: Bundle | None = None
        for step in steps:
            result = step.apply(result if result is not None else bundle) or result
        return result

    return Transform("+".join(names), family, apply, "; ".join(s.what for s in steps))


# Three records per patient that hold every equivalent shape between them (a medication can be
# rewritten one way only, so each record takes one); `unit-only-N` cycles through the spellings
# by patient in the permanent test.
EQUIVALENT_GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "med-contained",
        "epic-local-coding-first",
        "entries-reversed",
        "conditions-duplicated",
        "timestamps-with-offset",
        "verification-confirmed",
        "irrelevant-resources",
    ),
    (
        "med-entry",
        "cerner-local-coding",
        "codings-reordered",
        "observations-duplicated",
        "effective-period",
        "onset-period",
        "entered-in-error-copies",
        "meta-text-extensions",
    ),
    (
        "med-r5-reference",
        "epic-local-coding-last",
        "medications-duplicated",
        "entered-in-error-new-kinds",
        "unit-code-absent",
    ),
)
