"""ResearchStudy.associatedParty: sponsor, collaborators, responsible party, officials, contacts.

Sponsors and collaborators reference shared Organization resources. People have no resource of
their own; central contacts, whose phone and e-mail matter to patients, are contained
Practitioners so that their telecom survives.
"""

from __future__ import annotations

from typing import Any

from fhirtrial.mappers.codes import (
    AGENCY_CLASS,
    OFFICIAL_ROLE,
    PARTY_ROLE_COLLABORATOR,
    PARTY_ROLE_LEAD_SPONSOR,
    PARTY_ROLE_RECRUITMENT_CONTACT,
    RESPONSIBLE_PARTY_ROLE,
    RESPONSIBLE_PARTY_TYPE,
)
from fhirtrial.mappers.context import MappingContext
from fhirtrial.mappers.organizations import OrganizationRef, collaborators, lead_sponsor
from fhirtrial.mappers.record import dig, items, section, text
from fhirtrial.mappers.telecom import contact_telecom


def _organization_party(
    ref: OrganizationRef,
    role: dict[str, Any],
    ctx: MappingContext,
    extra: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    party: dict[str, Any] = {"name": ref.name, "role": {"coding": [role]}, "party": ref.reference}
    classifier = []
    if ref.agency_class:
        classifier.append(AGENCY_CLASS.concept(ref.agency_class, ctx))
    classifier.extend(extra or [])
    if classifier:
        party["classifier"] = classifier
    return party


def _responsible_party_marker(party_type: str, ctx: MappingContext) -> dict[str, Any]:
    concept = RESPONSIBLE_PARTY_TYPE.concept(party_type, ctx)
    concept["text"] = f"Responsible party: {concept['text']}"
    return concept


def _sponsor_parties(study: dict[str, Any], ctx: MappingContext) -> list[dict[str, Any]]:
    responsible = section(study, "sponsorCollaboratorsModule").get("responsibleParty") or {}
    party_type = text(dig(responsible, "type"))
    parties = []
    sponsor = lead_sponsor(study)
    if sponsor is not None:
        marker = [_responsible_party_marker(party_type, ctx)] if party_type == "SPONSOR" else None
        parties.append(_organization_party(sponsor, PARTY_ROLE_LEAD_SPONSOR, ctx, marker))
    parties.extend(
        _organization_party(ref, PARTY_ROLE_COLLABORATOR, ctx) for ref in collaborators(study)
    )
    return parties


def _responsible_investigator(study: dict[str, Any], ctx: MappingContext) -> dict[str, Any] | None:
    responsible = section(study, "sponsorCollaboratorsModule").get("responsibleParty") or {}
    party_type = text(responsible.get("type"))
    if party_type is None or party_type == "SPONSOR":
        return None
    name = text(responsible.get("investigatorFullName")) or text(responsible.get("oldNameTitle"))
    marker = _responsible_party_marker(party_type, ctx)
    role = RESPONSIBLE_PARTY_ROLE.get(party_type)
    party: dict[str, Any] = {"role": {"coding": [role]} if role else {"text": marker["text"]}}
    if name:
        party["name"] = name
    classifier = [marker]
    if title := text(responsible.get("investigatorTitle")):
        classifier.append({"text": title})
    party["classifier"] = classifier
    if affiliation := text(responsible.get("investigatorAffiliation")) or text(
        responsible.get("oldOrganization")
    ):
        party["party"] = {"display": affiliation}
    return party


def _officials(study: dict[str, Any], ctx: MappingContext) -> list[dict[str, Any]]:
    parties = []
    for official in items(section(study, "contactsLocationsModule"), "overallOfficials"):
        name = text(dig(official, "name"))
        role = text(dig(official, "role"))
        if not name and not role:
            continue
        party: dict[str, Any] = {}
        if name:
            party["name"] = name
        party["role"] = OFFICIAL_ROLE.concept(role, ctx) if role else {"text": "Study official"}
        if affiliation := text(dig(official, "affiliation")):
            party["party"] = {"display": affiliation}
        parties.append(party)
    return parties


def central_contacts(study: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(contained id, Practitioner) per central contact with a name, phone or e-mail."""
    contacts = []
    for index, person in enumerate(
        items(section(study, "contactsLocationsModule"), "centralContacts"), start=1
    ):
        name = text(dig(person, "name"))
        telecom = contact_telecom(person)
        if not name and not telecom:
            continue
        contained_id = f"central-contact-{index}"
        practitioner: dict[str, Any] = {"resourceType": "Practitioner", "id": contained_id}
        if name:
            practitioner["name"] = [{"text": name}]
        if telecom:
            practitioner["telecom"] = telecom
        contacts.append((contained_id, practitioner))
    return contacts


def _contact_parties(contacts: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    parties = []
    for contained_id, practitioner in contacts:
        name = dig(practitioner, "name")
        party: dict[str, Any] = {}
        if name:
            party["name"] = name[0]["text"]
        party["role"] = {"coding": [PARTY_ROLE_RECRUITMENT_CONTACT]}
        party["party"] = {"reference": f"#{contained_id}"}
        parties.append(party)
    return parties


def associated_parties(
    study: dict[str, Any], contacts: list[tuple[str, dict[str, Any]]], ctx: MappingContext
) -> list[dict[str, Any]]:
    parties = _sponsor_parties(study, ctx)
    if investigator := _responsible_investigator(study, ctx):
        parties.append(investigator)
    parties.extend(_officials(study, ctx))
    parties.extend(_contact_parties(contacts))
    return parties
