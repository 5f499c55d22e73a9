"""The launch patient's compartment: what a `patient/` scope may reach.

Patient/[id] itself, the ResearchSubjects whose subject is that patient, the Groups that
hold them as a member and the Subscriptions that filter the candidates by that patient. Other
types are outside every patient's compartment, so `patient/` scopes grant nothing on them (the
public catalog is readable anyway).
"""

from typing import Any

from fhirtrial.resources.extract import normalize_reference

# Per type, the search parameter that selects one patient's resources.
SEARCH_PARAMETER = {
    "Patient": "_id",
    "ResearchSubject": "patient",
    "Group": "member",
    "Subscription": "filter-patient",
}
# The filters of the candidate topic that name a patient (resources.subscription_rules).
_PATIENT_FILTERS = ("patient", "subject")
TYPES = frozenset(SEARCH_PARAMETER)


def search_criterion(resource_type: str, patient: str) -> tuple[str, str]:
    name = SEARCH_PARAMETER[resource_type]
    return (name, patient) if name == "_id" else (name, f"Patient/{patient}")


def contains(resource: dict[str, Any], patient: str) -> bool:
    """Whether `resource` is in the compartment of Patient/`patient`."""
    kind = resource.get("resourceType")
    if kind == "Patient":
        return resource.get("id") == patient
    if kind == "ResearchSubject":
        return _refers_to(resource.get("subject"), patient)
    if kind == "Group":
        members = resource.get("member")
        return isinstance(members, list) and any(
            isinstance(m, dict) and _refers_to(m.get("entity"), patient) for m in members
        )
    if kind == "Subscription":
        # Filters are combined with AND: one naming the patient confines every event to them.
        filters = resource.get("filterBy")
        return isinstance(filters, list) and any(
            isinstance(f, dict)
            and f.get("filterParameter") in _PATIENT_FILTERS
            and f.get("value") == f"Patient/{patient}"
            for f in filters
        )
    return False


def _refers_to(reference: Any, patient: str) -> bool:
    target = reference.get("reference") if isinstance(reference, dict) else None
    return isinstance(target, str) and normalize_reference(target) == f"Patient/{patient}"
