"""ClinicalTrials.gov API v2 study → FHIR R5 resources.

`map_study` turns one study object into a ResearchStudy, its protocol (PlanDefinition), its
eligibility criteria (EvidenceVariable, built by `fhirtrial.eligibility`), the sponsoring
Organizations and the site Locations, all with stable ids and relative references between them.
The field-by-field mapping is documented in docs/ctgov-mapping.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fhir.resources import get_fhir_model_class
from pydantic import ValidationError

from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.mappers import ids
from fhirtrial.mappers.context import MappingContext
from fhirtrial.mappers.locations import location_resources
from fhirtrial.mappers.organizations import organization_resources
from fhirtrial.mappers.plan_definition import plan_definition
from fhirtrial.mappers.record import dig
from fhirtrial.mappers.record_shape import conform_record
from fhirtrial.mappers.research_study import research_study


@dataclass(frozen=True)
class MappedStudy:
    nct_id: str
    # ResearchStudy first, then PlanDefinition, EvidenceVariable, Organization(s), Location(s).
    resources: list[dict[str, Any]]
    # e.g. unknown enum values carried as text.
    warnings: list[str]


class StudyMappingError(ValueError):
    """A CT.gov record that cannot be mapped (no usable NCT id, not a study object, ...)."""

    def __init__(self, message: str, nct_id: str | None = None) -> None:
        super().__init__(f"{nct_id}: {message}" if nct_id else message)
        self.nct_id = nct_id


def _nct_id(study: object) -> str:
    if not isinstance(study, dict):
        raise StudyMappingError(
            f"expected a ClinicalTrials.gov study object, got {type(study).__name__}"
        )
    if not isinstance(study.get("protocolSection"), dict):
        nct_id = dig(study, "protocolSection", "identificationModule", "nctId")
        raise StudyMappingError(
            "not a ClinicalTrials.gov API v2 study: no protocolSection",
            nct_id if isinstance(nct_id, str) else None,
        )
    nct_id = dig(study, "protocolSection", "identificationModule", "nctId")
    if nct_id is None:
        raise StudyMappingError(
            "the study has no NCT number (protocolSection.identificationModule.nctId)"
        )
    if not ids.is_nct_id(nct_id):
        raise StudyMappingError(
            f"protocolSection.identificationModule.nctId {nct_id!r} is not an NCT number "
            "(NCT followed by 8 digits)"
        )
    return nct_id


def _evidence_variable(study: dict[str, Any], nct_id: str) -> dict[str, Any]:
    return build_evidence_variable(
        study,
        evidence_variable_id=ids.evidence_variable_id(nct_id),
        study_reference=ids.reference("ResearchStudy", ids.research_study_id(nct_id)),
    )


def map_study(study: dict[str, Any]) -> MappedStudy:
    """Map one CT.gov API v2 study object; raises StudyMappingError if it has no NCT id."""
    nct_id = _nct_id(study)
    ctx = MappingContext(nct_id)
    study, problems = conform_record(study)
    for problem in problems:
        ctx.warn(problem)
    protocol = plan_definition(study, ctx)
    locations = location_resources(study, ctx)
    organizations = organization_resources(study, ctx)
    study_resource = research_study(
        study,
        ctx,
        plan_definition_id=protocol["id"],
        location_ids=[location["id"] for location in locations],
    )
    resources = [
        study_resource,
        protocol,
        _evidence_variable(study, nct_id),
        *organizations,
        *locations,
    ]
    return MappedStudy(nct_id=nct_id, resources=resources, warnings=list(ctx.warnings))


def validate_mapped(mapped: MappedStudy) -> None:
    """Validate every resource with fhir.resources R5; StudyMappingError names the first bad one."""
    for resource in mapped.resources:
        model = get_fhir_model_class(resource["resourceType"])
        try:
            model.model_validate(resource)
        except ValidationError as error:
            raise StudyMappingError(
                f"mapped {resource['resourceType']}/{resource.get('id')} is not valid FHIR R5: "
                f"{error}",
                mapped.nct_id,
            ) from error
