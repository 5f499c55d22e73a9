"""R5 ⇄ R4 conversion (fhirtrial/versions) without HTTP: every R4 resource emitted validates with
fhir.resources' R4B models (R4B's ResearchStudy and ResearchSubject are R4's), and R5 → R4 → R5
gives back what it started from."""

import copy
import json
from pathlib import Path

import pytest
from fhir.resources import get_fhir_model_class
from fhir.resources.R4B import get_fhir_model_class as r4_model

from fhirtrial.mappers.ctgov import map_study
from fhirtrial.versions.convert import NotConvertible, from_r4, to_r4
from fhirtrial.versions.cross_version import R5_EXTENSION

SEEDS = Path(__file__).parents[2] / "fhirtrial" / "data" / "seeds"
SUBJECT_STATE = "http://terminology.hl7.org/CodeSystem/research-subject-state"


def seed_studies() -> list[dict]:
    studies = []
    for path in sorted(SEEDS.glob("NCT*.json")):
        resources = map_study(json.loads(path.read_text())).resources
        studies += [r for r in resources if r["resourceType"] == "ResearchStudy"]
    return studies


def breast_cancer_studies() -> list[dict]:
    """The 35 real CT.gov records of the matching tests, mapped."""
    path = Path(__file__).parents[1] / "data" / "ctgov" / "breast-cancer-studies.ndjson"
    studies = []
    for line in path.read_text().splitlines():
        if line.strip():
            resources = map_study(json.loads(line)).resources
            studies += [r for r in resources if r["resourceType"] == "ResearchStudy"]
    return studies


def assert_valid_r4(resource: dict) -> None:
    r4_model(resource["resourceType"]).model_validate(resource)


def urls(resource: dict) -> list[str]:
    return [e["url"] for e in resource.get("extension", [])]


@pytest.mark.parametrize("study", seed_studies(), ids=lambda s: s["id"])
def test_seed_study_round_trips_through_r4_without_loss(study):
    original = copy.deepcopy(study)
    r4 = to_r4(study)
    assert_valid_r4(r4)
    assert from_r4(r4) == original
    assert study == original  # the R5 resource is not modified in place


def test_every_mapped_breast_cancer_study_round_trips_through_valid_r4():
    studies = breast_cancer_studies()
    assert len(studies) == 35
    for study in studies:
        r4 = to_r4(study)
        assert_valid_r4(r4)
        assert from_r4(r4) == study, study["id"]


@pytest.mark.parametrize("study", seed_studies(), ids=lambda s: s["id"])
def test_seed_study_in_r4_carries_what_r4_readers_need(study):
    r4 = to_r4(study)
    assert r4["status"] == "active"  # recruiting, R5-only, is R4's active
    assert r4["title"] == study["title"]
    assert r4["location"] == study["region"]
    assert r4["sponsor"]["reference"].startswith("Organization/")
    groups = study.get("comparisonGroup", [])
    assert [arm["name"] for arm in r4.get("arm", [])] == [g["name"] for g in groups]
    linkids = [e["valueId"] for arm in r4.get("arm", []) for e in arm["extension"]]
    assert linkids == [g["linkId"] for g in groups]
    # R5-only elements travel in HL7's cross-version extensions, not dropped.
    for element in ("url", "status", "progressStatus", "recruitment", "studyDesign"):
        assert f"{R5_EXTENSION}ResearchStudy.{element}" in urls(r4)
    recruitment = next(e for e in r4["extension"] if e["url"].endswith("ResearchStudy.recruitment"))
    eligibility = next(e for e in recruitment["extension"] if e["url"] == "eligibility")
    assert eligibility["valueReference"] == study["recruitment"]["eligibility"]


def test_related_artifacts_stay_native_only_when_all_fit_r4():
    study = {
        "resourceType": "ResearchStudy",
        "status": "active",
        "relatedArtifact": [{"type": "documentation", "label": "Protocol"}],
    }
    r4 = to_r4(study)
    assert r4["relatedArtifact"] == study["relatedArtifact"]
    study["relatedArtifact"].insert(0, {"type": "transforms", "label": "CT.gov record"})
    r4 = to_r4(study)
    assert_valid_r4(r4)
    assert "relatedArtifact" not in r4
    assert urls(r4).count(f"{R5_EXTENSION}ResearchStudy.relatedArtifact") == 2
    assert from_r4(r4) == study


def test_focus_by_reference_objectives_and_exposures_round_trip():
    study = {
        "resourceType": "ResearchStudy",
        "status": "draft",
        "name": "x",
        "focus": [{"concept": {"text": "drug"}}, {"reference": {"reference": "Medication/m"}}],
        "objective": [{"name": "Primary", "description": "Safety"}],
        "comparisonGroup": [{"name": "A", "intendedExposure": [{"reference": "Group/g"}]}],
    }
    r4 = to_r4(study)
    assert_valid_r4(r4)
    assert r4["status"] == "in-review"  # no progress state: by the publication status
    assert "focus" not in r4
    assert from_r4(r4) == study


def test_research_subject_from_match_round_trips_and_says_its_state_in_r4():
    subject = {
        "resourceType": "ResearchSubject",
        "id": "s1",
        "extension": [
            {"url": "https://fhirtrial.org/fhir/StructureDefinition/x", "valueInteger": 1}
        ],
        "status": "active",
        "progress": [
            {
                "type": {"coding": [{"code": "Enrollment"}]},
                "subjectState": {
                    "coding": [{"system": SUBJECT_STATE, "code": "potential-candidate"}]
                },
            }
        ],
        "study": {"reference": "ResearchStudy/NCT05361174"},
        "subject": {"identifier": {"system": "urn:mrn", "value": "1"}, "display": "Jane"},
        "assignedComparisonGroup": "arm-1",
        "consent": [{"reference": "Consent/a"}, {"reference": "Consent/b"}],
    }
    r4 = to_r4(subject)
    assert_valid_r4(r4)
    assert r4["status"] == "potential-candidate"
    assert r4["individual"] == subject["subject"]
    assert "subject" not in r4 and "progress" not in r4
    assert from_r4(r4) == subject


def test_an_r4_research_subject_becomes_valid_r5_with_its_state_as_progress():
    r4 = {
        "resourceType": "ResearchSubject",
        "status": "on-study",
        "study": {"reference": "ResearchStudy/NCT05361174"},
        "individual": {"reference": "Patient/p1"},
        "assignedArm": "Cohort 1",
        "consent": {"reference": "Consent/c"},
    }
    r5 = from_r4(r4)
    get_fhir_model_class("ResearchSubject").model_validate(r5)
    assert r5["subject"] == {"reference": "Patient/p1"}
    assert r5["status"] == "active"
    assert r5["progress"][0]["subjectState"]["coding"][0] == {
        "system": SUBJECT_STATE,
        "code": "on-study",
    }
    assert r5["consent"] == [{"reference": "Consent/c"}]
    assert r5["extension"] == [
        {
            "url": "http://hl7.org/fhir/4.0/StructureDefinition/extension-ResearchSubject.assignedArm",
            "valueString": "Cohort 1",
        }
    ]
    assert to_r4(r5) == {**r4, "extension": to_r4(r5)["extension"]}
    assert {e["url"].rsplit(".", 1)[1] for e in to_r4(r5)["extension"]} == {"status", "progress"}


def test_a_changed_r4_status_is_kept_as_a_new_progress_entry():
    r4 = to_r4(
        {
            "resourceType": "ResearchSubject",
            "status": "active",
            "progress": [
                {"subjectState": {"coding": [{"system": SUBJECT_STATE, "code": "eligible"}]}}
            ],
            "study": {"reference": "ResearchStudy/s"},
            "subject": {"reference": "Patient/p"},
        }
    )
    r4["status"] = "on-study"
    states = [p["subjectState"]["coding"][0]["code"] for p in from_r4(r4)["progress"]]
    assert states == ["eligible", "on-study"]


@pytest.mark.parametrize(
    ("resource", "names"),
    [
        ({"resourceType": "Patient"}, "Patient is served in FHIR R5 only"),
        (
            {
                "resourceType": "ResearchSubject",
                "status": "active",
                "study": {"reference": "ResearchStudy/s"},
                "subject": {"reference": "Group/g"},
            },
            "R4's individual is a Patient only",
        ),
        (
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": [{"resource": {"resourceType": "Location"}}],
            },
            "Location is served in FHIR R5 only",
        ),
    ],
)
def test_what_r4_cannot_carry_is_refused_by_name(resource, names):
    with pytest.raises(NotConvertible, match=names):
        to_r4(resource)


def test_a_searchset_converts_each_entry():
    study = seed_studies()[0]
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 1,
        "entry": [
            {
                "fullUrl": "http://x/ResearchStudy/1",
                "resource": study,
                "search": {"mode": "match", "score": 0.5},
            }
        ],
    }
    r4 = to_r4(bundle)
    assert_valid_r4(r4)
    assert r4["entry"][0]["resource"] == to_r4(study)
    assert r4["entry"][0]["search"] == {"mode": "match", "score": 0.5}
    assert from_r4(r4) == bundle
