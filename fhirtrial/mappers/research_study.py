"""The ResearchStudy resource for one CT.gov record (see docs/ctgov-mapping.md)."""

from __future__ import annotations

from typing import Any

from fhirtrial.mappers import ids
from fhirtrial.mappers.codes import (
    ARM_GROUP_TYPE,
    NCT_IDENTIFIER_SYSTEM,
    OUTCOME_TIME_FRAME_EXTENSION,
    OUTCOME_TYPE,
    REFERENCE_TYPE,
    SECONDARY_ID_TYPE,
    TITLE_TYPE_ACRONYM,
    TITLE_TYPE_OFFICIAL,
    TITLE_TYPE_SHORT,
)
from fhirtrial.mappers.context import MappingContext
from fhirtrial.mappers.countries import country_concept
from fhirtrial.mappers.mesh import concepts_with_mesh
from fhirtrial.mappers.organizations import registering_organization
from fhirtrial.mappers.plan_definition import arm_link_id, arms, interventions
from fhirtrial.mappers.record import derived, dig, items, section, text
from fhirtrial.mappers.study_design import classifiers, phase, primary_purpose, study_design
from fhirtrial.mappers.study_parties import associated_parties, central_contacts
from fhirtrial.mappers.study_status import (
    last_known_status,
    progress_status,
    research_study_status,
)


def _identifiers(study: dict[str, Any], ctx: MappingContext) -> list[dict[str, Any]]:
    identification = section(study, "identificationModule")
    result = [{"use": "official", "system": NCT_IDENTIFIER_SYSTEM, "value": ctx.nct_id}]
    for alias in items(identification, "nctIdAliases"):
        if alias := text(alias):
            result.append({"use": "old", "system": NCT_IDENTIFIER_SYSTEM, "value": alias})
    if org_study_id := text(dig(identification, "orgStudyIdInfo", "id")):
        identifier: dict[str, Any] = {
            "use": "usual",
            "type": {"text": "Organization's unique protocol ID"},
            "value": org_study_id,
        }
        if organization := registering_organization(study):
            identifier["assigner"] = organization.reference
        result.append(identifier)
    for secondary in items(identification, "secondaryIdInfos"):
        if value := text(dig(secondary, "id")):
            result.append(_secondary_identifier(secondary, value, ctx))
    return result


def _secondary_identifier(
    secondary: dict[str, Any], value: str, ctx: MappingContext
) -> dict[str, Any]:
    identifier: dict[str, Any] = {"use": "secondary"}
    if id_type := text(secondary.get("type")):
        identifier["type"] = SECONDARY_ID_TYPE.concept(id_type, ctx)
    identifier["value"] = value
    if domain := text(secondary.get("domain")):
        identifier["assigner"] = {"display": domain}
    return identifier


def _labels(identification: dict[str, Any]) -> list[dict[str, Any]]:
    labels = []
    for title_type, key in (
        (TITLE_TYPE_SHORT, "briefTitle"),
        (TITLE_TYPE_OFFICIAL, "officialTitle"),
        (TITLE_TYPE_ACRONYM, "acronym"),
    ):
        if value := text(identification.get(key)):
            labels.append({"type": {"coding": [title_type]}, "value": value})
    return labels


def _focus(study: dict[str, Any]) -> list[dict[str, Any]]:
    names = [name for item in interventions(study) if (name := text(item.get("name")))]
    browse = derived(study, "interventionBrowseModule")
    return [{"concept": concept} for concept in concepts_with_mesh(names, browse)]


def _recruitment(study: dict[str, Any], ctx: MappingContext) -> dict[str, Any]:
    recruitment: dict[str, Any] = {}
    enrollment = section(study, "designModule").get("enrollmentInfo") or {}
    count = enrollment.get("count")
    if isinstance(count, int) and count >= 0:
        key = "actualNumber" if enrollment.get("type") == "ACTUAL" else "targetNumber"
        recruitment[key] = count
    recruitment["eligibility"] = {
        "reference": ids.reference("EvidenceVariable", ids.evidence_variable_id(ctx.nct_id)),
        "display": f"Eligibility criteria of {ctx.nct_id}",
    }
    return recruitment


def _comparison_groups(study: dict[str, Any], ctx: MappingContext) -> list[dict[str, Any]]:
    groups = []
    for index, arm in enumerate(arms(study)):
        group: dict[str, Any] = {
            "linkId": arm_link_id(index),
            "name": text(arm.get("label")) or f"Arm {index + 1}",
        }
        if arm_type := text(arm.get("type")):
            group["type"] = ARM_GROUP_TYPE.concept(arm_type, ctx)
        if description := text(arm.get("description")):
            group["description"] = description
        groups.append(group)
    return groups


def _outcome_measures(study: dict[str, Any]) -> list[dict[str, Any]]:
    module = section(study, "outcomesModule")
    measures = []
    for key, outcome_type in OUTCOME_TYPE.items():
        for outcome in items(module, key):
            name = text(dig(outcome, "measure"))
            if name is None:
                continue
            measure: dict[str, Any] = {}
            if time_frame := text(outcome.get("timeFrame")):
                measure["extension"] = [
                    {"url": OUTCOME_TIME_FRAME_EXTENSION, "valueString": time_frame}
                ]
            measure["name"] = name
            measure["type"] = [{"coding": [outcome_type]}]
            if description := text(outcome.get("description")):
                measure["description"] = description
            measures.append(measure)
    return measures


def _period(status_module: dict[str, Any]) -> dict[str, Any] | None:
    start = text(dig(status_module, "startDateStruct", "date"))
    end = text(dig(status_module, "completionDateStruct", "date"))
    period = {key: value for key, value in (("start", start), ("end", end)) if value}
    return period or None


def _regions(study: dict[str, Any]) -> list[dict[str, Any]]:
    countries: list[str] = []
    for site in items(section(study, "contactsLocationsModule"), "locations"):
        country = text(dig(site, "country"))
        if country and country not in countries:
            countries.append(country)
    return [country_concept(country) for country in countries]


def _related_artifacts(study: dict[str, Any], ctx: MappingContext) -> list[dict[str, Any]]:
    nct_id = ctx.nct_id
    artifacts = [
        {
            "type": "transforms",
            "label": "ClinicalTrials.gov API v2 record",
            "document": {"contentType": "application/json", "url": ids.ctgov_api_record(nct_id)},
        },
        {
            "type": "documentation",
            "label": "ClinicalTrials.gov study page",
            "document": {"contentType": "text/html", "url": ids.ctgov_study_page(nct_id)},
        },
    ]
    references = section(study, "referencesModule")
    for reference in items(references, "references"):
        artifacts.extend(_citation(reference, ctx))
    for link in items(references, "seeAlsoLinks"):
        if url := text(dig(link, "url")):
            artifact = {"type": "documentation", "document": {"url": url}}
            if label := text(link.get("label")):
                artifact["label"] = label
            artifacts.append(artifact)
    for document in items(study.get("documentSection"), "largeDocumentModule", "largeDocs"):
        if filename := text(dig(document, "filename")):
            artifacts.append(
                {
                    "type": "documentation",
                    "label": text(document.get("label")) or filename,
                    "document": {
                        "contentType": "application/pdf",
                        "url": f"https://cdn.clinicaltrials.gov/large-docs/"
                        f"{nct_id[-2:]}/{nct_id}/{filename}",
                    },
                }
            )
    return artifacts


def _citation(reference: object, ctx: MappingContext) -> list[dict[str, Any]]:
    citation = text(dig(reference, "citation"))
    pmid = text(dig(reference, "pmid"))
    if not citation and not pmid:
        return []
    artifact: dict[str, Any] = {"type": "citation"}
    if reference_type := text(dig(reference, "type")):
        artifact["classifier"] = [REFERENCE_TYPE.concept(reference_type, ctx)]
    if citation:
        artifact["citation"] = citation
    if pmid:
        artifact["document"] = {"url": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"}
    return [artifact]


def _classifiers(study: dict[str, Any], ctx: MappingContext) -> list[dict[str, Any]]:
    concepts = classifiers(study)
    if last_known := last_known_status(study, ctx):
        concepts.append(last_known)
    return concepts


def research_study(
    study: dict[str, Any],
    ctx: MappingContext,
    *,
    plan_definition_id: str,
    location_ids: list[str],
) -> dict[str, Any]:
    nct_id = ctx.nct_id
    identification = section(study, "identificationModule")
    status_module = section(study, "statusModule")
    description = section(study, "descriptionModule")
    conditions = section(study, "conditionsModule")
    contacts = central_contacts(study)

    resource: dict[str, Any] = {
        "resourceType": "ResearchStudy",
        "id": ids.research_study_id(nct_id),
    }
    if contacts:
        resource["contained"] = [practitioner for _, practitioner in contacts]
    resource["url"] = ids.canonical_url("ResearchStudy", nct_id)
    resource["identifier"] = _identifiers(study, ctx)
    resource["name"] = nct_id
    title = text(identification.get("briefTitle")) or text(identification.get("officialTitle"))
    if title:
        resource["title"] = title
    optional: dict[str, Any] = {
        "label": _labels(identification),
        "protocol": [{"reference": ids.reference("PlanDefinition", plan_definition_id)}],
        "relatedArtifact": _related_artifacts(study, ctx),
        "date": text(dig(status_module, "lastUpdatePostDateStruct", "date")),
        "status": research_study_status(study),
        "primaryPurposeType": primary_purpose(study, ctx),
        "phase": phase(study, ctx),
        "studyDesign": study_design(study, ctx),
        "focus": _focus(study),
        "condition": concepts_with_mesh(
            [value for value in items(conditions, "conditions") if text(value)],
            derived(study, "conditionBrowseModule"),
        ),
        "keyword": [
            {"text": keyword.strip()} for keyword in items(conditions, "keywords") if text(keyword)
        ],
        "region": _regions(study),
        "descriptionSummary": text(description.get("briefSummary")),
        "description": text(description.get("detailedDescription")),
        "period": _period(status_module),
        "site": [{"reference": ids.reference("Location", site)} for site in location_ids],
        "classifier": _classifiers(study, ctx),
        "associatedParty": associated_parties(study, contacts, ctx),
        "progressStatus": progress_status(study, ctx),
        "whyStopped": ({"text": why} if (why := text(status_module.get("whyStopped"))) else None),
        "recruitment": _recruitment(study, ctx),
        "comparisonGroup": _comparison_groups(study, ctx),
        "outcomeMeasure": _outcome_measures(study),
    }
    resource.update({key: value for key, value in optional.items() if value})
    return resource
