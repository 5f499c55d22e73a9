"""Location resources for a study's sites (contactsLocationsModule.locations)."""

from __future__ import annotations

from typing import Any

from fhirtrial.mappers import ids
from fhirtrial.mappers.codes import (
    CLOSED_STATUSES,
    OFFICIAL_ROLE,
    OPEN_STATUSES,
    OVERALL_STATUS,
    PAUSED_STATUSES,
)
from fhirtrial.mappers.context import MappingContext
from fhirtrial.mappers.record import dig, items, section, text
from fhirtrial.mappers.telecom import contact_telecom

SITE_STATUS_FIELD = "contactsLocationsModule.locations.status"


def location_operational_status(ctgov_status: str | None) -> str | None:
    """Location.status (active | suspended | inactive) for a site's CT.gov recruitment status."""
    if ctgov_status in OPEN_STATUSES:
        return "active"
    if ctgov_status in PAUSED_STATUSES:
        return "suspended"
    if ctgov_status in CLOSED_STATUSES or ctgov_status == "WITHHELD":
        return "inactive"
    return None


def _address(site: dict[str, Any]) -> dict[str, Any] | None:
    parts = {
        "city": text(site.get("city")),
        "state": text(site.get("state")),
        "postalCode": text(site.get("zip")),
        "country": text(site.get("country")),
    }
    address = {key: value for key, value in parts.items() if value}
    if not address:
        return None
    line = ", ".join(
        value
        for value in (
            address.get("city"),
            " ".join(v for v in (address.get("state"), address.get("postalCode")) if v),
            address.get("country"),
        )
        if value
    )
    return {"use": "work", "type": "physical", "text": line, **address}


def _position(site: dict[str, Any]) -> dict[str, Any] | None:
    latitude = dig(site, "geoPoint", "lat")
    longitude = dig(site, "geoPoint", "lon")
    if isinstance(latitude, int | float) and isinstance(longitude, int | float):
        return {"latitude": latitude, "longitude": longitude}
    return None


def _contacts(site: dict[str, Any], ctx: MappingContext) -> list[dict[str, Any]]:
    contacts = []
    for person in items(site, "contacts"):
        name = text(dig(person, "name"))
        telecom = contact_telecom(person)
        if not name and not telecom:
            continue
        contact: dict[str, Any] = {}
        if role := text(dig(person, "role")):
            concept = OFFICIAL_ROLE.concept(role, ctx)
            contact["purpose"] = {"text": concept["text"]}
        if name:
            contact["name"] = [{"text": name}]
        if telecom:
            contact["telecom"] = telecom
        contacts.append(contact)
    return contacts


def _site_status(
    site: dict[str, Any], overall_status: str | None, ctx: MappingContext
) -> tuple[str | None, dict[str, Any] | None]:
    """(Location.status, characteristic concept or None) for one site."""
    site_status = text(site.get("status"))
    if site_status is None:
        # CT.gov drops per-site statuses once a study closes; the overall status then applies.
        return location_operational_status(overall_status), None
    if not OVERALL_STATUS.knows(site_status):
        ctx.warn_unknown(SITE_STATUS_FIELD, site_status)
        return None, {"text": site_status}
    concept = {
        "coding": [OVERALL_STATUS.own_coding(site_status)],
        "text": f"Site recruitment status: {OVERALL_STATUS.displays[site_status]}",
    }
    return location_operational_status(site_status), concept


def location_resource(
    site: dict[str, Any], location_id: str, overall_status: str | None, ctx: MappingContext
) -> dict[str, Any]:
    facility = text(site.get("facility"))
    address = _address(site)
    name = facility or (address or {}).get("text") or "Study site"
    status, recruitment = _site_status(site, overall_status, ctx)
    resource: dict[str, Any] = {"resourceType": "Location", "id": location_id}
    if status:
        resource["status"] = status
    resource["name"] = name
    resource["mode"] = "instance"
    if contacts := _contacts(site, ctx):
        resource["contact"] = contacts
    if address:
        resource["address"] = address
    if position := _position(site):
        resource["position"] = position
    if recruitment:
        resource["characteristic"] = [recruitment]
    return resource


def location_resources(study: dict[str, Any], ctx: MappingContext) -> list[dict[str, Any]]:
    """One Location per distinct site (facility, city, zip, country), in record order."""
    overall_status = text(section(study, "statusModule").get("overallStatus"))
    resources: dict[str, dict[str, Any]] = {}
    for site in items(section(study, "contactsLocationsModule"), "locations"):
        if not isinstance(site, dict):
            continue
        location_id = ids.location_id(
            ctx.nct_id,
            text(site.get("facility")),
            text(site.get("city")),
            text(site.get("zip")),
            text(site.get("country")),
        )
        if location_id not in resources:
            resources[location_id] = location_resource(site, location_id, overall_status, ctx)
    return list(resources.values())
