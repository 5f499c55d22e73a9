"""Organization resources for a study's sponsor, collaborators and registering organization."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fhirtrial.mappers import ids
from fhirtrial.mappers.codes import AGENCY_CLASS, GOVERNMENT_AGENCY_CLASSES, GOVERNMENT_ORGANIZATION
from fhirtrial.mappers.context import MappingContext
from fhirtrial.mappers.record import dig, items, section, text


@dataclass(frozen=True)
class OrganizationRef:
    id: str
    name: str
    agency_class: str | None

    @property
    def reference(self) -> dict[str, Any]:
        return {"reference": ids.reference("Organization", self.id), "display": self.name}


def _organization_ref(entry: object) -> OrganizationRef | None:
    name = text(dig(entry, "name")) or text(dig(entry, "fullName"))
    if name is None:
        return None
    return OrganizationRef(ids.organization_id(name), name, text(dig(entry, "class")))


def lead_sponsor(study: dict[str, Any]) -> OrganizationRef | None:
    return _organization_ref(section(study, "sponsorCollaboratorsModule").get("leadSponsor"))


def collaborators(study: dict[str, Any]) -> list[OrganizationRef]:
    found = (
        _organization_ref(entry)
        for entry in items(section(study, "sponsorCollaboratorsModule"), "collaborators")
    )
    return [ref for ref in found if ref is not None]


def registering_organization(study: dict[str, Any]) -> OrganizationRef | None:
    """The organization that registered the study (and assigned its org study id)."""
    return _organization_ref(section(study, "identificationModule").get("organization"))


def organization_resource(ref: OrganizationRef, ctx: MappingContext) -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": "Organization", "id": ref.id, "active": True}
    if ref.agency_class:
        concept = AGENCY_CLASS.concept(ref.agency_class, ctx)
        if ref.agency_class in GOVERNMENT_AGENCY_CLASSES:
            concept["coding"].insert(0, GOVERNMENT_ORGANIZATION)
        resource["type"] = [concept]
    resource["name"] = ref.name
    return resource


def organization_resources(study: dict[str, Any], ctx: MappingContext) -> list[dict[str, Any]]:
    """One Organization per distinct name among lead sponsor, collaborators and registrant."""
    refs = [lead_sponsor(study), *collaborators(study), registering_organization(study)]
    resources: dict[str, dict[str, Any]] = {}
    for ref in refs:
        if ref is not None and ref.id not in resources:
            resources[ref.id] = organization_resource(ref, ctx)
    return list(resources.values())
