"""Code systems and the tables that turn ClinicalTrials.gov enums into FHIR codes.

Every CT.gov enum value is carried in a code system of ours
(`https://fhirtrial.org/fhir/CodeSystem/ctgov-<enum>`, code = the CT.gov value), next to the
HL7 R5 code where HL7 defines an equivalent one. A value missing from these tables (CT.gov adds
new ones over time) becomes text plus a warning, never an invented code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from fhirtrial.mappers.context import MappingContext

FHIRTRIAL_BASE = "https://fhirtrial.org/fhir"
FHIRTRIAL_CODE_SYSTEM = f"{FHIRTRIAL_BASE}/CodeSystem"
FHIRTRIAL_EXTENSION = f"{FHIRTRIAL_BASE}/StructureDefinition"

NCT_IDENTIFIER_SYSTEM = "https://clinicaltrials.gov"  # as in HL7's R5 ct.gov example
MESH_SYSTEM = "http://id.nlm.nih.gov/mesh"
ISO_COUNTRY_SYSTEM = "urn:iso:std:iso:3166"

RESEARCH_STUDY_STATUS = "http://hl7.org/fhir/research-study-status"
RESEARCH_STUDY_PHASE = "http://hl7.org/fhir/research-study-phase"
RESEARCH_STUDY_PRIMARY_PURPOSE = "http://hl7.org/fhir/research-study-prim-purp-type"
RESEARCH_STUDY_PARTY_ROLE = "http://hl7.org/fhir/research-study-party-role"
RESEARCH_STUDY_ARM_TYPE = "http://hl7.org/fhir/research-study-arm-type"
RESEARCH_STUDY_OBJECTIVE_TYPE = "http://hl7.org/fhir/research-study-objective-type"
RESEARCH_STUDY_CLASSIFIERS = "http://hl7.org/fhir/research-study-classifiers"
STUDY_DESIGN = "http://hl7.org/fhir/study-design"
TITLE_TYPE = "http://hl7.org/fhir/title-type"
PLAN_DEFINITION_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"

OUTCOME_TIME_FRAME_EXTENSION = f"{FHIRTRIAL_EXTENSION}/outcome-measure-time-frame"
INTERVENTION_OTHER_NAME_EXTENSION = f"{FHIRTRIAL_EXTENSION}/intervention-other-name"


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    result = {"system": system, "code": code}
    if display:
        result["display"] = display
    return result


@dataclass(frozen=True)
class CtgovEnum:
    """One CT.gov enum, its code system of ours and optional equivalent HL7 codings."""

    name: str
    field_path: str
    displays: Mapping[str, str]
    hl7: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    description: str | None = None

    @property
    def system(self) -> str:
        return f"{FHIRTRIAL_CODE_SYSTEM}/ctgov-{self.name}"

    def knows(self, value: object) -> TypeGuard[str]:
        """Whether ``value`` is one of the enum's values (so a string), e.g. read from JSON."""
        return value in self.displays

    def own_coding(self, value: str) -> dict[str, Any]:
        return coding(self.system, value, self.displays[value])

    def concept(
        self, value: str, ctx: MappingContext, *, label: str | None = None
    ) -> dict[str, Any]:
        """CodeableConcept for `value`: HL7 coding (if any) + ours; unknown → text + warning."""
        if not self.knows(value):
            ctx.warn_unknown(self.field_path, value)
            return {"text": f"{label}: {value}" if label else value}
        codings = [self.hl7[value]] if value in self.hl7 else []
        codings.append(self.own_coding(value))
        display = self.displays[value]
        return {"coding": codings, "text": f"{label}: {display}" if label else display}


def _hl7_status(code: str, display: str) -> dict[str, Any]:
    return coding(RESEARCH_STUDY_STATUS, code, display)


# Used for overallStatus, lastKnownStatus and each location's status.
OVERALL_STATUS = CtgovEnum(
    name="overall-status",
    field_path="statusModule.overallStatus",
    displays={
        "NOT_YET_RECRUITING": "Not yet recruiting",
        "RECRUITING": "Recruiting",
        "ENROLLING_BY_INVITATION": "Enrolling by invitation",
        "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
        "SUSPENDED": "Suspended",
        "TERMINATED": "Terminated",
        "COMPLETED": "Completed",
        "WITHDRAWN": "Withdrawn",
        "UNKNOWN": "Unknown status",
        "AVAILABLE": "Available",
        "NO_LONGER_AVAILABLE": "No longer available",
        "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available",
        "APPROVED_FOR_MARKETING": "Approved for marketing",
        "WITHHELD": "Withheld",
    },
    # UNKNOWN, APPROVED_FOR_MARKETING and WITHHELD have no HL7 equivalent.
    hl7={
        "NOT_YET_RECRUITING": _hl7_status("not-yet-recruiting", "Not yet recruiting"),
        "RECRUITING": _hl7_status("recruiting", "Recruiting"),
        "ENROLLING_BY_INVITATION": _hl7_status(
            "enrolling-by-invitation", "Enrolling by invitation"
        ),
        "ACTIVE_NOT_RECRUITING": _hl7_status("active-but-not-recruiting", "Active, not recruiting"),
        "SUSPENDED": _hl7_status("temporarily-closed-to-accrual", "Temporarily Closed to Accrual"),
        "TERMINATED": _hl7_status("terminated", "Terminated"),
        "COMPLETED": _hl7_status("completed", "Completed"),
        "WITHDRAWN": _hl7_status("withdrawn", "Withdrawn"),
        "AVAILABLE": _hl7_status("active", "Active"),
        "NO_LONGER_AVAILABLE": _hl7_status("closed-to-accrual", "Closed to Accrual"),
        "TEMPORARILY_NOT_AVAILABLE": _hl7_status(
            "temporarily-closed-to-accrual", "Temporarily Closed to Accrual"
        ),
    },
)
OVERALL_STUDY_STATE = _hl7_status("overall-study", "Overall study")

OPEN_STATUSES = frozenset(
    {"NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING"}
    | {"AVAILABLE"}
)
PAUSED_STATUSES = frozenset({"SUSPENDED", "TEMPORARILY_NOT_AVAILABLE"})
CLOSED_STATUSES = frozenset(
    {"COMPLETED", "TERMINATED", "WITHDRAWN", "NO_LONGER_AVAILABLE", "APPROVED_FOR_MARKETING"}
)

STUDY_TYPE = CtgovEnum(
    name="study-type",
    field_path="designModule.studyType",
    displays={
        "INTERVENTIONAL": "Interventional",
        "OBSERVATIONAL": "Observational",
        "EXPANDED_ACCESS": "Expanded Access",
    },
    hl7={
        "INTERVENTIONAL": coding(STUDY_DESIGN, "SEVCO:01001", "Interventional research"),
        "OBSERVATIONAL": coding(STUDY_DESIGN, "SEVCO:01002", "Observational research"),
        "EXPANDED_ACCESS": coding(STUDY_DESIGN, "SEVCO:01038", "Expanded Access study"),
    },
)

PHASE = CtgovEnum(
    name="phase",
    field_path="designModule.phases",
    displays={
        "NA": "Not Applicable",
        "EARLY_PHASE1": "Early Phase 1",
        "PHASE1": "Phase 1",
        "PHASE2": "Phase 2",
        "PHASE3": "Phase 3",
        "PHASE4": "Phase 4",
    },
)

# CT.gov lists a combined phase as two values; HL7 has one code for each combination it allows.
HL7_PHASE: Mapping[tuple[str, ...], dict[str, Any]] = {
    ("NA",): coding(RESEARCH_STUDY_PHASE, "n-a", "N/A"),
    ("EARLY_PHASE1",): coding(RESEARCH_STUDY_PHASE, "early-phase-1", "Early Phase 1"),
    ("PHASE1",): coding(RESEARCH_STUDY_PHASE, "phase-1", "Phase 1"),
    ("PHASE1", "PHASE2"): coding(RESEARCH_STUDY_PHASE, "phase-1-phase-2", "Phase 1/Phase 2"),
    ("PHASE2",): coding(RESEARCH_STUDY_PHASE, "phase-2", "Phase 2"),
    ("PHASE2", "PHASE3"): coding(RESEARCH_STUDY_PHASE, "phase-2-phase-3", "Phase 2/Phase 3"),
    ("PHASE3",): coding(RESEARCH_STUDY_PHASE, "phase-3", "Phase 3"),
    ("PHASE4",): coding(RESEARCH_STUDY_PHASE, "phase-4", "Phase 4"),
}

ALLOCATION = CtgovEnum(
    name="allocation",
    field_path="designModule.designInfo.allocation",
    displays={"RANDOMIZED": "Randomized", "NON_RANDOMIZED": "Non-Randomized", "NA": "N/A"},
    hl7={
        "RANDOMIZED": coding(STUDY_DESIGN, "SEVCO:01003", "randomized assignment"),
        "NON_RANDOMIZED": coding(STUDY_DESIGN, "SEVCO:01005", "Non-randomized assignment"),
    },
)

INTERVENTION_MODEL = CtgovEnum(
    name="intervention-model",
    field_path="designModule.designInfo.interventionModel",
    displays={
        "SINGLE_GROUP": "Single Group Assignment",
        "PARALLEL": "Parallel Assignment",
        "CROSSOVER": "Crossover Assignment",
        "FACTORIAL": "Factorial Assignment",
        "SEQUENTIAL": "Sequential Assignment",
    },
    hl7={
        "PARALLEL": coding(STUDY_DESIGN, "SEVCO:01011", "Parallel cohort design"),
        "CROSSOVER": coding(STUDY_DESIGN, "SEVCO:01012", "Crossover cohort design"),
    },
)

OBSERVATIONAL_MODEL = CtgovEnum(
    name="observational-model",
    field_path="designModule.designInfo.observationalModel",
    displays={
        "COHORT": "Cohort",
        "CASE_CONTROL": "Case-Control",
        "CASE_ONLY": "Case-Only",
        "CASE_CROSSOVER": "Case-Crossover",
        "ECOLOGIC_OR_COMMUNITY": "Ecologic or Community",
        "FAMILY_BASED": "Family-Based",
        "DEFINED_POPULATION": "Defined Population",
        "NATURAL_HISTORY": "Natural History",
        "OTHER": "Other",
    },
    hl7={
        "CASE_CONTROL": coding(STUDY_DESIGN, "SEVCO:01013", "Case control design"),
        "FAMILY_BASED": coding(STUDY_DESIGN, "SEVCO:01020", "Family study design"),
        "ECOLOGIC_OR_COMMUNITY": coding(STUDY_DESIGN, "SEVCO:01044", "Ecological design"),
    },
)

TIME_PERSPECTIVE = CtgovEnum(
    name="time-perspective",
    field_path="designModule.designInfo.timePerspective",
    displays={
        "RETROSPECTIVE": "Retrospective",
        "PROSPECTIVE": "Prospective",
        "CROSS_SECTIONAL": "Cross-Sectional",
        "OTHER": "Other",
    },
    hl7={
        "CROSS_SECTIONAL": coding(STUDY_DESIGN, "SEVCO:01027", "Cross sectional data collection"),
    },
)

MASKING = CtgovEnum(
    name="masking",
    field_path="designModule.designInfo.maskingInfo.masking",
    displays={
        "NONE": "None (Open Label)",
        "SINGLE": "Single",
        "DOUBLE": "Double",
        "TRIPLE": "Triple",
        "QUADRUPLE": "Quadruple",
    },
)

WHO_MASKED = CtgovEnum(
    name="who-masked",
    field_path="designModule.designInfo.maskingInfo.whoMasked",
    displays={
        "PARTICIPANT": "Participant",
        "CARE_PROVIDER": "Care Provider",
        "INVESTIGATOR": "Investigator",
        "OUTCOMES_ASSESSOR": "Outcomes Assessor",
    },
    hl7={
        "PARTICIPANT": coding(STUDY_DESIGN, "SEVCO:01060", "Blinding of study participants"),
        "CARE_PROVIDER": coding(STUDY_DESIGN, "SEVCO:01061", "Blinding of intervention providers"),
        "OUTCOMES_ASSESSOR": coding(STUDY_DESIGN, "SEVCO:01062", "Blinding of outcome assessors"),
    },
)

PRIMARY_PURPOSE = CtgovEnum(
    name="primary-purpose",
    field_path="designModule.designInfo.primaryPurpose",
    displays={
        "TREATMENT": "Treatment",
        "PREVENTION": "Prevention",
        "DIAGNOSTIC": "Diagnostic",
        "ECT": "Educational/Counseling/Training",
        "SUPPORTIVE_CARE": "Supportive Care",
        "SCREENING": "Screening",
        "HEALTH_SERVICES_RESEARCH": "Health Services Research",
        "BASIC_SCIENCE": "Basic Science",
        "DEVICE_FEASIBILITY": "Device Feasibility",
        "OTHER": "Other",
    },
    hl7={
        code: coding(RESEARCH_STUDY_PRIMARY_PURPOSE, hl7_code, display)
        for code, hl7_code, display in [
            ("TREATMENT", "treatment", "Treatment"),
            ("PREVENTION", "prevention", "Prevention"),
            ("DIAGNOSTIC", "diagnostic", "Diagnostic"),
            ("SUPPORTIVE_CARE", "supportive-care", "Supportive Care"),
            ("SCREENING", "screening", "Screening"),
            ("HEALTH_SERVICES_RESEARCH", "health-services-research", "Health Services Research"),
            ("BASIC_SCIENCE", "basic-science", "Basic Science"),
            ("DEVICE_FEASIBILITY", "device-feasibility", "Device Feasibility"),
        ]
    },
)

ARM_GROUP_TYPE = CtgovEnum(
    name="arm-group-type",
    field_path="armsInterventionsModule.armGroups.type",
    displays={
        "EXPERIMENTAL": "Experimental",
        "ACTIVE_COMPARATOR": "Active Comparator",
        "PLACEBO_COMPARATOR": "Placebo Comparator",
        "SHAM_COMPARATOR": "Sham Comparator",
        "NO_INTERVENTION": "No Intervention",
        "OTHER": "Other",
    },
    hl7={
        code: coding(RESEARCH_STUDY_ARM_TYPE, hl7_code, display)
        for code, hl7_code, display in [
            ("EXPERIMENTAL", "experimental", "Experimental"),
            ("ACTIVE_COMPARATOR", "active-comparator", "Active Comparator"),
            ("PLACEBO_COMPARATOR", "placebo-comparator", "Placebo Comparator"),
            ("SHAM_COMPARATOR", "sham-comparator", "Sham Comparator"),
            ("NO_INTERVENTION", "no-intervention", "No Intervention"),
            ("OTHER", "other-arm-type", "Other Arm Type"),
        ]
    },
)

INTERVENTION_TYPE = CtgovEnum(
    name="intervention-type",
    field_path="armsInterventionsModule.interventions.type",
    displays={
        "BEHAVIORAL": "Behavioral",
        "BIOLOGICAL": "Biological",
        "COMBINATION_PRODUCT": "Combination Product",
        "DEVICE": "Device",
        "DIAGNOSTIC_TEST": "Diagnostic Test",
        "DIETARY_SUPPLEMENT": "Dietary Supplement",
        "DRUG": "Drug",
        "GENETIC": "Genetic",
        "PROCEDURE": "Procedure",
        "RADIATION": "Radiation",
        "OTHER": "Other",
    },
)

AGENCY_CLASS = CtgovEnum(
    name="agency-class",
    field_path="sponsorCollaboratorsModule.*.class",
    displays={
        "NIH": "NIH",
        "FED": "U.S. Federal Government",
        "OTHER_GOV": "Other Government",
        "INDIV": "Individual",
        "INDUSTRY": "Industry",
        "NETWORK": "Network",
        "AMBIG": "Ambiguous",
        "OTHER": "Other",
        "UNKNOWN": "Unknown",
    },
)
GOVERNMENT_ORGANIZATION = coding(ORGANIZATION_TYPE, "govt", "Government")
GOVERNMENT_AGENCY_CLASSES = frozenset({"NIH", "FED", "OTHER_GOV"})

RESPONSIBLE_PARTY_TYPE = CtgovEnum(
    name="responsible-party-type",
    field_path="sponsorCollaboratorsModule.responsibleParty.type",
    displays={
        "SPONSOR": "Sponsor",
        "PRINCIPAL_INVESTIGATOR": "Principal Investigator",
        "SPONSOR_INVESTIGATOR": "Sponsor-Investigator",
    },
)


def _party_role(code: str) -> dict[str, Any]:
    # The R5 code system uses the codes themselves as displays.
    return coding(RESEARCH_STUDY_PARTY_ROLE, code, code)


PARTY_ROLE_LEAD_SPONSOR = _party_role("lead-sponsor")
PARTY_ROLE_COLLABORATOR = _party_role("collaborator")
PARTY_ROLE_RECRUITMENT_CONTACT = _party_role("recruitment-contact")

RESPONSIBLE_PARTY_ROLE: Mapping[str, dict[str, Any]] = {
    "SPONSOR": _party_role("sponsor"),
    "PRINCIPAL_INVESTIGATOR": _party_role("primary-investigator"),
    "SPONSOR_INVESTIGATOR": _party_role("sponsor-investigator"),
}

OFFICIAL_ROLE = CtgovEnum(
    name="official-role",
    field_path="contactsLocationsModule.overallOfficials.role",
    displays={
        "STUDY_CHAIR": "Study Chair",
        "STUDY_DIRECTOR": "Study Director",
        "PRINCIPAL_INVESTIGATOR": "Principal Investigator",
        "SUB_INVESTIGATOR": "Sub-Investigator",
        "CONTACT": "Contact",
    },
    hl7={
        "STUDY_CHAIR": _party_role("study-chair"),
        "STUDY_DIRECTOR": _party_role("study-director"),
        "PRINCIPAL_INVESTIGATOR": _party_role("primary-investigator"),
        "SUB_INVESTIGATOR": _party_role("sub-investigator"),
        "CONTACT": _party_role("recruitment-contact"),
    },
)

OUTCOME_TYPE: Mapping[str, dict[str, Any]] = {
    "primaryOutcomes": coding(RESEARCH_STUDY_OBJECTIVE_TYPE, "primary", "Primary"),
    "secondaryOutcomes": coding(RESEARCH_STUDY_OBJECTIVE_TYPE, "secondary", "Secondary"),
    "otherOutcomes": coding(RESEARCH_STUDY_OBJECTIVE_TYPE, "exploratory", "Exploratory"),
}

FDA_REGULATED_DRUG = coding(RESEARCH_STUDY_CLASSIFIERS, "fda-regulated-drug", "FDA regulated drug")
FDA_REGULATED_DEVICE = coding(
    RESEARCH_STUDY_CLASSIFIERS, "fda-regulated-device", "FDA regulated device"
)

EXPANDED_ACCESS_TYPE = CtgovEnum(
    name="expanded-access-type",
    field_path="designModule.expandedAccessTypes",
    displays={
        "individual": "Individual Patients",
        "intermediate": "Intermediate-size Population",
        "treatment": "Treatment IND/Protocol",
    },
)

# Facts about a record that CT.gov gives as booleans; only true ones become classifiers.
STUDY_FLAG = CtgovEnum(
    name="study-flag",
    field_path="study flag",
    description="Facts that ClinicalTrials.gov records as true/false flags (true ones only).",
    displays={
        "has-results": "Results posted on ClinicalTrials.gov",
        "has-dmc": "Has a data monitoring committee",
        "us-export": "Product manufactured in and exported from the U.S.",
        "has-expanded-access": "Expanded access available for the investigational product",
    },
)

MILESTONE = CtgovEnum(
    name="milestone",
    field_path="statusModule date",
    description="The dated milestones of a ClinicalTrials.gov record (statusModule *DateStruct).",
    displays={
        "study-start": "Study start",
        "primary-completion": "Primary completion",
        "study-completion": "Study completion",
        "study-first-posted": "Study first posted",
        "results-first-posted": "Results first posted",
        "last-update-posted": "Last update posted",
    },
)

REFERENCE_TYPE = CtgovEnum(
    name="reference-type",
    field_path="referencesModule.references.type",
    displays={"BACKGROUND": "Background", "RESULT": "Result", "DERIVED": "Derived"},
)

SECONDARY_ID_TYPE = CtgovEnum(
    name="secondary-id-type",
    field_path="identificationModule.secondaryIdInfos.type",
    displays={
        "NIH": "U.S. NIH Grant/Contract",
        "FDA": "U.S. FDA Grant/Contract",
        "VA": "U.S. VA Grant/Contract",
        "CDC": "U.S. CDC Grant/Contract",
        "AHRQ": "U.S. AHRQ Grant/Contract",
        "SAMHSA": "U.S. SAMHSA Grant/Contract",
        "OTHER_GRANT": "Other Grant/Funding Number",
        "EUDRACT_NUMBER": "EudraCT Number",
        "CTIS": "EU Trial (CTIS) Number",
        "REGISTRY": "Registry Identifier",
        "OTHER": "Other Identifier",
    },
)

TITLE_TYPE_SHORT = coding(TITLE_TYPE, "short-title", "Short title")
TITLE_TYPE_OFFICIAL = coding(TITLE_TYPE, "official", "Official title")
TITLE_TYPE_ACRONYM = coding(TITLE_TYPE, "acronym", "Acronym")

CLINICAL_PROTOCOL = coding(PLAN_DEFINITION_TYPE, "clinical-protocol", "Clinical Protocol")

ALL_ENUMS: tuple[CtgovEnum, ...] = (
    OVERALL_STATUS,
    STUDY_TYPE,
    PHASE,
    ALLOCATION,
    INTERVENTION_MODEL,
    OBSERVATIONAL_MODEL,
    TIME_PERSPECTIVE,
    MASKING,
    WHO_MASKED,
    PRIMARY_PURPOSE,
    ARM_GROUP_TYPE,
    INTERVENTION_TYPE,
    AGENCY_CLASS,
    RESPONSIBLE_PARTY_TYPE,
    OFFICIAL_ROLE,
    EXPANDED_ACCESS_TYPE,
    STUDY_FLAG,
    MILESTONE,
    REFERENCE_TYPE,
    SECONDARY_ID_TYPE,
)


def code_system_resources() -> list[dict[str, Any]]:
    """Our CT.gov code systems as FHIR R5 CodeSystem resources, for publishing in conformance/."""
    return [
        {
            "resourceType": "CodeSystem",
            "id": f"ctgov-{enum.name}",
            "url": enum.system,
            "name": "Ctgov" + "".join(part.title() for part in enum.name.split("-")),
            "title": f"ClinicalTrials.gov {enum.name.replace('-', ' ')}",
            "status": "active",
            "experimental": False,
            "description": enum.description
            or f"Values of ClinicalTrials.gov API v2 `{enum.field_path}`.",
            "caseSensitive": True,
            "content": "complete",
            "count": len(enum.displays),
            "concept": [{"code": code, "display": text} for code, text in enum.displays.items()],
        }
        for enum in ALL_ENUMS
    ]
