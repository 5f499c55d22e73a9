"""Which resources hold patient data, and the one patient a resource or a search concerns."""

from typing import Any

from fhirtrial.resources.extract import normalize_reference

# The served types in the patient compartment: reading them is an access to patient data.
PATIENT_TYPES = frozenset({"Patient", "ResearchSubject", "Group"})

# Search parameters naming the patient a search is about, per type.
_PATIENT_PARAMS = {
    "Patient": ("_id",),
    "ResearchSubject": ("patient", "subject"),
    "Group": ("member",),
}


def patient_of(resource: dict[str, Any]) -> str | None:
    """ "Patient/<id>" of the one patient a resource is about, None if it is not about one."""
    resource_type, rid = resource.get("resourceType"), resource.get("id")
    if resource_type == "Patient":
        return f"Patient/{rid}" if isinstance(rid, str) else None
    if resource_type == "ResearchSubject":
        return _patient_reference(resource.get("subject"))
    if resource_type == "Group":
        members = resource.get("member")
        found = {_patient_reference(m.get("entity")) for m in members or () if isinstance(m, dict)}
        return found.pop() if len(found) == 1 else None
    return None


def searched_patient(resource_type: str, params: list[tuple[str, str]]) -> str | None:
    """The one patient a search is restricted to by its parameters (`Patient?_id=1`,
    `ResearchSubject?patient=Patient/1`), None when it names none or several."""
    names = _PATIENT_PARAMS.get(resource_type, ())
    found = set()
    for name, value in params:
        if name not in names:  # with a modifier (`patient:identifier`) it names no Patient
            continue
        for one in value.split(","):
            reference = one if "/" in one else f"Patient/{one}"
            found.add(_patient_reference({"reference": reference}))
    return found.pop() if len(found) == 1 else None


def _patient_reference(reference: Any) -> str | None:
    if not isinstance(reference, dict) or not isinstance(reference.get("reference"), str):
        return None
    typed = normalize_reference(reference["reference"])
    return typed if typed is not None and typed.startswith("Patient/") else None
