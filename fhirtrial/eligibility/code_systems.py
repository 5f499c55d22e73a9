"""Our eligibility code systems as FHIR R5 CodeSystem resources, generated from their sources
(the criterion model and the packaged terminology) so they cannot drift from what we emit."""

from typing import Any

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.fhir_writer import CONCEPT_SYSTEM, EVENT_SYSTEM, KIND_SYSTEM
from fhirtrial.eligibility.model import EVENT_ENROLLMENT, EVENT_LAST_DOSE, Kind


def code_system_resources() -> list[dict[str, Any]]:
    vocabulary = terminology.terminology()
    concepts = vocabulary.concepts
    # The ICD-10-CM diagnoses (`icd10cm:G35`) and the drugs named by criteria are concepts
    # too, made on demand.
    made = vocabulary.made_on_demand()
    return [
        _code_system(
            "criterion-kind",
            KIND_SYSTEM,
            "What an eligibility criterion is about.",
            [(kind.value, kind.value.replace("-", " ")) for kind in Kind],
        ),
        _code_system(
            "criterion-event",
            EVENT_SYSTEM,
            "Events an eligibility time window is measured from.",
            [
                (EVENT_ENROLLMENT, "Enrollment (consent, first dose or start of conditioning)"),
                (EVENT_LAST_DOSE, "Last dose of the therapy the criterion is about"),
            ],
        ),
        _code_system(
            "criterion-concept",
            CONCEPT_SYSTEM,
            "Clinical concepts of the packaged eligibility terminology; each maps to codes in "
            "SNOMED CT, ICD-10-CM, MeSH, LOINC, RxNorm and ATC (see the terminology data files); "
            "'icd10cm:<code>' is the diagnosis an ICD-10-CM title names, with the code's whole "
            "subtree; a drug's name (drug_names.json) is that drug.",
            [(c.id, c.display) for c in sorted(concepts.values(), key=lambda c: c.id)] + made,
        ),
    ]


def _code_system(
    code_id: str, url: str, description: str, codes: list[tuple[str, str]]
) -> dict[str, Any]:
    return {
        "resourceType": "CodeSystem",
        "id": code_id,
        "url": url,
        "name": "".join(part.title() for part in code_id.split("-")),
        "title": code_id.replace("-", " ").capitalize(),
        "status": "active",
        "experimental": False,
        "publisher": "fhirtrial",
        "description": description,
        "caseSensitive": True,
        "content": "complete",
        "count": len(codes),
        "concept": [{"code": code, "display": display} for code, display in codes],
    }
