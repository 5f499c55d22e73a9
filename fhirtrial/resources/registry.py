"""The resource-type registry: which types the server serves and how each can be searched.

Routes, MongoDB indexes and the CapabilityStatement are all generated from this one table.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

HL7_SP = "http://hl7.org/fhir/SearchParameter/"
OUR_SP = "https://fhirtrial.org/fhir/SearchParameter/"


@dataclass(frozen=True)
class SearchParameter:
    name: str
    type: str
    # Dotted element paths inside the resource, e.g. "subject" or "progressStatus.state".
    paths: tuple[str, ...]
    description: str
    definition: str
    # For reference parameters: which resource types the reference may point to.
    targets: tuple[str, ...] = ()
    # A stored document's own field that holds the value (the version's lastUpdated, "lu"),
    # instead of values extracted at write time.
    stored_at: str = ""

    @property
    def field(self) -> str:
        """The MongoDB field holding the values extracted at write time."""
        return self.stored_at or f"s.{self.name}"


@dataclass(frozen=True)
class ResourceType:
    name: str
    search_params: dict[str, SearchParameter] = field(default_factory=dict)
    profile: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "profile", f"http://hl7.org/fhir/StructureDefinition/{self.name}")


def _std(
    resource: str,
    name: str,
    type_: str,
    paths: str,
    description: str,
    targets: Iterable[str] = (),
) -> SearchParameter:
    return SearchParameter(
        name=name,
        type=type_,
        paths=tuple(p.strip() for p in paths.split("|")),
        description=description,
        definition=f"{HL7_SP}{resource}-{name}",
        targets=tuple(targets),
    )


def _ours(resource: str, name: str, type_: str, paths: str, description: str) -> SearchParameter:
    return SearchParameter(
        name=name,
        type=type_,
        paths=tuple(p.strip() for p in paths.split("|")),
        description=description,
        definition=f"{OUR_SP}{resource}-{name}",
    )


def _identifier(resource: str) -> SearchParameter:
    return _std(resource, "identifier", "token", "identifier", f"An identifier of the {resource}")


def _type(name: str, *params: SearchParameter) -> ResourceType:
    return ResourceType(name=name, search_params={p.name: p for p in params})


# Definitional resources the server publishes about itself (see fhirtrial.publication).
CONFORMANCE_TYPES = (
    "CodeSystem",
    "ValueSet",
    "StructureDefinition",
    "SearchParameter",
    "OperationDefinition",
)

_RS = "ResearchStudy"
_AE = "AuditEvent"
_AGENT_TARGETS = (
    "CareTeam",
    "Device",
    "Group",
    "HealthcareService",
    "Organization",
    "Patient",
    "Practitioner",
    "PractitionerRole",
    "RelatedPerson",
)
_PD = "PlanDefinition"
_EV = "EvidenceVariable"
_SUB = "Subscription"
_TOPIC = "SubscriptionTopic"

RESOURCE_TYPES: dict[str, ResourceType] = {
    t.name: t
    for t in (
        _type(
            _RS,
            _identifier(_RS),
            _std(_RS, "status", "token", "status", "active | retired | ..."),
            _std(_RS, "title", "string", "title", "Name for this study"),
            _std(_RS, "condition", "token", "condition", "Condition being studied"),
            _std(_RS, "keyword", "token", "keyword", "Used to search for the study"),
            _std(_RS, "phase", "token", "phase", "The stage in the progression of a study"),
            _std(_RS, "region", "token", "region", "Geographic area for the study"),
            _std(_RS, "classifier", "token", "classifier", "Classification for the study"),
            _std(_RS, "study-design", "token", "studyDesign", "Study design"),
            _std(_RS, "date", "date", "period", "When the study began and ended"),
            _std(
                _RS, "protocol", "reference", "protocol", "Steps followed in executing study", [_PD]
            ),
            _std(
                _RS,
                "site",
                "reference",
                "site",
                "Facility where study activities are conducted",
                ["Location", _RS, "Organization"],
            ),
            _std(
                _RS,
                "eligibility",
                "reference",
                "recruitment.eligibility",
                "Inclusion and exclusion criteria",
                [_EV, "Group"],
            ),
            _ours(
                _RS,
                "recruitment-status",
                "token",
                "progressStatus.state",
                "Overall and recruitment state of the study (ClinicalTrials.gov overall status "
                "codes and HL7 research-study-status codes)",
            ),
        ),
        _type(
            "ResearchSubject",
            _identifier("ResearchSubject"),
            _std(
                "ResearchSubject", "study", "reference", "study", "Study subject is part of", [_RS]
            ),
            _std(
                "ResearchSubject",
                "subject",
                "reference",
                "subject",
                "Who or what is part of study",
                [
                    "Patient",
                    "Group",
                    "Specimen",
                    "Device",
                    "Medication",
                    "Substance",
                    "BiologicallyDerivedProduct",
                ],
            ),
            _std(
                "ResearchSubject",
                "patient",
                "reference",
                "subject",
                "Who or what is part of study",
                ["Patient"],
            ),
            _std(
                "ResearchSubject", "status", "token", "status", "draft | active | retired | unknown"
            ),
            _std(
                "ResearchSubject",
                "subject_state",
                "token",
                "progress.subjectState",
                "candidate | eligible | follow-up | ineligible | ...",
            ),
        ),
        _type(
            _PD,
            _identifier(_PD),
            _std(_PD, "title", "string", "title", "The human-friendly name of the plan definition"),
            _std(
                _PD,
                "name",
                "string",
                "name",
                "Computationally friendly name of the plan definition",
            ),
            _std(_PD, "status", "token", "status", "The current status of the plan definition"),
            _std(_PD, "url", "uri", "url", "The uri that identifies the plan definition"),
            _std(_PD, "version", "token", "version", "The business version of the plan definition"),
            _std(
                _PD,
                "type",
                "token",
                "type",
                "The type of artifact the plan (e.g. clinical-protocol)",
            ),
        ),
        _type(
            _EV,
            _identifier(_EV),
            _std(
                _EV, "title", "string", "title", "The human-friendly name of the evidence variable"
            ),
            _std(
                _EV,
                "name",
                "string",
                "name",
                "Computationally friendly name of the evidence variable",
            ),
            _std(_EV, "status", "token", "status", "The current status of the evidence variable"),
            _std(_EV, "url", "uri", "url", "The uri that identifies the evidence variable"),
            _std(
                _EV, "version", "token", "version", "The business version of the evidence variable"
            ),
        ),
        _type(
            "Group",
            _identifier("Group"),
            _std("Group", "type", "token", "type", "The type of resources the group contains"),
            _std("Group", "code", "token", "code", "The kind of resources contained"),
            _std("Group", "name", "string", "name", "A portion of the Group's name"),
            _std(
                "Group",
                "member",
                "reference",
                "member.entity",
                "Reference to the group member",
                ["Patient", "Practitioner", "Group", "Organization"],
            ),
        ),
        _type(
            "Location",
            _identifier("Location"),
            _std(
                "Location",
                "name",
                "string",
                "name | alias",
                "A portion of the location's name or alias",
            ),
            _std(
                "Location",
                "status",
                "token",
                "status",
                "Searches for locations with a specific kind of status",
            ),
            _std(
                "Location",
                "address",
                "string",
                "address",
                "A (part of the) address of the location",
            ),
            _std(
                "Location",
                "address-city",
                "string",
                "address.city",
                "A city specified in an address",
            ),
            _std(
                "Location",
                "address-state",
                "string",
                "address.state",
                "A state specified in an address",
            ),
            _std(
                "Location",
                "address-postalcode",
                "string",
                "address.postalCode",
                "A postal code specified in an address",
            ),
            _std(
                "Location",
                "address-country",
                "string",
                "address.country",
                "A country specified in an address",
            ),
            _std(
                "Location",
                "organization",
                "reference",
                "managingOrganization",
                "Searches for locations that are managed by the provided organization",
                ["Organization"],
            ),
            _std(
                "Location",
                "near",
                "special",
                "position",
                "Locations within a distance of latitude|longitude|distance|units (WGS84; "
                "units km or [mi_i], km if omitted; 50 km if no distance); `_sort=near` orders "
                "by distance",
            ),
        ),
        _type(
            "Organization",
            _identifier("Organization"),
            _std(
                "Organization",
                "name",
                "string",
                "name | alias",
                "A portion of the organization's name or alias",
            ),
            _std("Organization", "type", "token", "type", "A code for the type of organization"),
            _std("Organization", "active", "token", "active", "Is the Organization record active"),
        ),
        _type(
            "Practitioner",
            _identifier("Practitioner"),
            _std(
                "Practitioner", "name", "string", "name", "A portion of either family or given name"
            ),
            _std("Practitioner", "family", "string", "name.family", "A portion of the family name"),
            _std("Practitioner", "given", "string", "name.given", "A portion of the given name"),
            _std(
                "Practitioner",
                "active",
                "token",
                "active",
                "Whether the practitioner record is active",
            ),
        ),
        _type(
            "Patient",
            _identifier("Patient"),
            _std(
                "Patient",
                "name",
                "string",
                "name",
                "A portion of either family or given name of the patient",
            ),
            _std(
                "Patient",
                "family",
                "string",
                "name.family",
                "A portion of the family name of the patient",
            ),
            _std(
                "Patient",
                "given",
                "string",
                "name.given",
                "A portion of the given name of the patient",
            ),
            _std("Patient", "birthdate", "date", "birthDate", "The patient's date of birth"),
            _std("Patient", "gender", "token", "gender", "Gender of the patient"),
            _std("Patient", "active", "token", "active", "Whether the patient record is active"),
            _std(
                "Patient",
                "address-postalcode",
                "string",
                "address.postalCode",
                "A postalCode specified in an address",
            ),
        ),
        _type(
            _AE,
            _std(_AE, "action", "token", "action", "Type of action performed during the event"),
            _std(
                _AE,
                "agent",
                "reference",
                "agent.who",
                "Identifier of who (the client, the user); `agent:identifier=system|value`",
                _AGENT_TARGETS,
            ),
            _std(_AE, "code", "token", "code", "More specific code for the event"),
            # `recorded` is the moment the event was stored (fhirtrial.audit.log), its
            # lastUpdated: searched and sorted on that indexed field, with no keys to write.
            replace(
                _std(_AE, "date", "date", "recorded", "Time when the event was recorded"),
                stored_at="lu",
            ),
            _std(_AE, "entity", "reference", "entity.what", "Specific instance of resource"),
            _std(_AE, "outcome", "token", "outcome.code", "Whether the event succeeded or failed"),
            _std(
                _AE,
                "patient",
                "reference",
                "patient",
                "Where the activity involved patient data",
                ["Patient"],
            ),
        ),
        _type(
            _SUB,
            _identifier(_SUB),
            _std(_SUB, "status", "token", "status", "The current state of the subscription"),
            _std(_SUB, "topic", "uri", "topic", "The topic of the subscription"),
            _std(_SUB, "type", "token", "channelType", "The type of channel for the notifications"),
            _std(_SUB, "url", "uri", "endpoint", "The uri that will receive the notifications"),
            _std(_SUB, "name", "string", "name", "A tag to be associated with the subscription"),
            _ours(
                _SUB,
                "filter-patient",
                "token",
                "filterBy.value",
                "A filter value of the subscription, e.g. Patient/[id] (the patient compartment "
                "of a patient-level token)",
            ),
        ),
        _type(
            _TOPIC,
            _identifier(_TOPIC),
            _std(_TOPIC, "url", "uri", "url", "Logical canonical URL to reference this topic"),
            _std(_TOPIC, "status", "token", "status", "draft | active | retired | unknown"),
            _std(_TOPIC, "title", "string", "title", "Name for this SubscriptionTopic (human)"),
            _std(_TOPIC, "version", "token", "version", "Business version of SubscriptionTopic"),
        ),
        *(
            _type(
                name,
                _std(name, "url", "uri", "url", f"The uri that identifies the {name}"),
                _std(
                    name, "name", "string", "name", f"Computationally friendly name of the {name}"
                ),
                _std(name, "status", "token", "status", f"The current status of the {name}"),
                _std(name, "version", "token", "version", f"The business version of the {name}"),
            )
            for name in CONFORMANCE_TYPES
        ),
    )
}

# Types the server writes itself (fhirtrial.audit, the SubscriptionTopic it ships): clients may
# read and search them, never create, update or delete them.
READ_ONLY_TYPES = frozenset({_AE, _TOPIC})

# Parameters every type supports; handled by the store itself rather than extracted values.
COMMON_SEARCH_PARAMS = {
    "_id": SearchParameter(
        "_id", "token", ("id",), "Logical id of this artifact", f"{HL7_SP}Resource-id"
    ),
    "_lastUpdated": SearchParameter(
        "_lastUpdated",
        "date",
        ("meta.lastUpdated",),
        "When the resource version last changed",
        f"{HL7_SP}Resource-lastUpdated",
        stored_at="lu",
    ),
}

# Result-control parameters (not filters).
CONTROL_PARAMS = frozenset(
    {
        "_count",
        "_offset",
        "_after",
        "_sort",
        "_total",
        "_summary",
        "_elements",
        "_format",
        "_pretty",
        "_include",
        "_revinclude",
    }
)


def resource_type(name: str) -> ResourceType | None:
    return RESOURCE_TYPES.get(name)
