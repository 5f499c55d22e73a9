"""ResearchStudy elements carry the record's own values (checked against the record itself)."""

from __future__ import annotations

import copy
from functools import cache

import pytest

from fhirtrial.mappers.ctgov import MappedStudy, map_study
from tests.mappers.mapper_helpers import (
    SEED_IDS,
    by_type,
    codes,
    load_ctgov_records,
    load_seed,
    module,
    nct_id_of,
)

RECORDS = load_ctgov_records() + [load_seed(nct_id) for nct_id in SEED_IDS]
RECORD_BY_ID = {nct_id_of(record): record for record in RECORDS}

OUR_CS = "https://fhirtrial.org/fhir/CodeSystem"
OVERALL_STATUS_CS = f"{OUR_CS}/ctgov-overall-status"
MILESTONE_CS = f"{OUR_CS}/ctgov-milestone"
HL7_STATUS = "http://hl7.org/fhir/research-study-status"
HL7_ARM_TYPE = "http://hl7.org/fhir/research-study-arm-type"
HL7_OBJECTIVE = "http://hl7.org/fhir/research-study-objective-type"
HL7_PHASE = "http://hl7.org/fhir/research-study-phase"
HL7_PARTY_ROLE = "http://hl7.org/fhir/research-study-party-role"
HL7_CLASSIFIER = "http://hl7.org/fhir/research-study-classifiers"
MESH = "http://id.nlm.nih.gov/mesh"
TIME_FRAME = "https://fhirtrial.org/fhir/StructureDefinition/outcome-measure-time-frame"


@cache
def mapped(nct_id: str) -> MappedStudy:
    return map_study(copy.deepcopy(RECORD_BY_ID[nct_id]))


def study_of(nct_id: str) -> dict:
    return mapped(nct_id).resources[0]


all_studies = pytest.mark.parametrize("nct_id", list(RECORD_BY_ID))


@all_studies
def test_identifiers_titles_and_labels(nct_id):
    identification = module(RECORD_BY_ID[nct_id], "identificationModule")
    study = study_of(nct_id)
    official = study["identifier"][0]
    assert official == {"use": "official", "system": "https://clinicaltrials.gov", "value": nct_id}
    values = [identifier["value"] for identifier in study["identifier"]]
    assert identification["orgStudyIdInfo"]["id"] in values
    for secondary in identification.get("secondaryIdInfos", []):
        assert secondary["id"] in values
    for alias in identification.get("nctIdAliases", []):
        assert {"use": "old", "system": "https://clinicaltrials.gov", "value": alias} in (
            study["identifier"]
        )
    assert study["title"] == identification["briefTitle"]
    labels = {label["type"]["coding"][0]["code"]: label["value"] for label in study["label"]}
    assert labels["official"] == identification["officialTitle"]
    assert labels.get("acronym") == identification.get("acronym")


@all_studies
def test_overall_status_is_a_progress_state_in_hl7_and_ctgov_codes(nct_id):
    status = module(RECORD_BY_ID[nct_id], "statusModule")["overallStatus"]
    study = study_of(nct_id)
    assert study["status"] == "active"
    current = study["progressStatus"][0]["state"]
    assert codes(current, OVERALL_STATUS_CS) == [status]
    if status != "UNKNOWN":
        assert len(codes(current, HL7_STATUS)) == 1


@all_studies
def test_dated_milestones_keep_their_actual_or_estimated_flag(nct_id):
    status_module = module(RECORD_BY_ID[nct_id], "statusModule")
    milestones = {
        codes(entry["state"], MILESTONE_CS)[0]: entry
        for entry in study_of(nct_id)["progressStatus"]
        if codes(entry["state"], MILESTONE_CS)
    }
    for code, key in (
        ("study-start", "startDateStruct"),
        ("primary-completion", "primaryCompletionDateStruct"),
        ("study-completion", "completionDateStruct"),
        ("study-first-posted", "studyFirstPostDateStruct"),
        ("last-update-posted", "lastUpdatePostDateStruct"),
    ):
        struct = status_module.get(key)
        if struct is None:
            assert code not in milestones
            continue
        entry = milestones[code]
        assert entry["period"]["start"] == struct["date"]
        if "type" in struct:
            assert entry["actual"] is (struct["type"] == "ACTUAL")
        else:
            assert "actual" not in entry


@all_studies
def test_overall_study_period_spans_start_to_completion(nct_id):
    status_module = module(RECORD_BY_ID[nct_id], "statusModule")
    study = study_of(nct_id)
    overall = [
        entry
        for entry in study["progressStatus"]
        if codes(entry["state"], HL7_STATUS) == ["overall-study"]
    ]
    start = status_module.get("startDateStruct", {}).get("date")
    end = status_module.get("completionDateStruct", {}).get("date")
    if not start and not end:
        assert overall == []
        return
    (entry,) = overall
    assert entry["period"].get("start") == start
    assert entry["period"].get("end") == end
    assert study["period"] == entry["period"]


@all_studies
def test_enrollment_is_actual_or_target_number(nct_id):
    enrollment = module(RECORD_BY_ID[nct_id], "designModule").get("enrollmentInfo")
    recruitment = study_of(nct_id)["recruitment"]
    if enrollment is None:
        assert "actualNumber" not in recruitment and "targetNumber" not in recruitment
    elif enrollment["type"] == "ACTUAL":
        assert recruitment["actualNumber"] == enrollment["count"]
        assert "targetNumber" not in recruitment
    else:
        assert recruitment["targetNumber"] == enrollment["count"]
        assert "actualNumber" not in recruitment


@all_studies
def test_each_arm_is_a_comparison_group_linked_by_position(nct_id):
    arms = module(RECORD_BY_ID[nct_id], "armsInterventionsModule").get("armGroups", [])
    groups = study_of(nct_id).get("comparisonGroup", [])
    assert [group["linkId"] for group in groups] == [f"arm-{i + 1}" for i in range(len(arms))]
    assert [group["name"] for group in groups] == [arm["label"] for arm in arms]
    for arm, group in zip(arms, groups, strict=True):
        assert group.get("description") == arm.get("description")
        if "type" in arm:
            expected = arm["type"].lower().replace("_", "-")
            hl7 = "other-arm-type" if expected == "other" else expected
            assert codes(group["type"], HL7_ARM_TYPE) == [hl7]


@all_studies
def test_outcome_measures_keep_kind_description_and_time_frame(nct_id):
    outcomes = module(RECORD_BY_ID[nct_id], "outcomesModule")
    expected = [
        (kind, outcome)
        for key, kind in (
            ("primaryOutcomes", "primary"),
            ("secondaryOutcomes", "secondary"),
            ("otherOutcomes", "exploratory"),
        )
        for outcome in outcomes.get(key, [])
    ]
    measures = study_of(nct_id).get("outcomeMeasure", [])
    assert len(measures) == len(expected)
    for (kind, outcome), measure in zip(expected, measures, strict=True):
        assert measure["name"] == outcome["measure"].strip()
        assert codes(measure["type"][0], HL7_OBJECTIVE) == [kind]
        assert measure.get("description") == ((outcome.get("description") or "").strip() or None)
        time_frames = [
            e["valueString"] for e in measure.get("extension", []) if e["url"] == TIME_FRAME
        ]
        assert time_frames == ([outcome["timeFrame"].strip()] if outcome.get("timeFrame") else [])


@all_studies
def test_conditions_keep_text_and_gain_mesh_codings(nct_id):
    record = RECORD_BY_ID[nct_id]
    conditions = study_of(nct_id).get("condition", [])
    texts = [concept["text"] for concept in conditions]
    for condition in module(record, "conditionsModule").get("conditions", []):
        assert condition in texts
    meshes = record.get("derivedSection", {}).get("conditionBrowseModule", {}).get("meshes", [])
    mesh_codes = {code for concept in conditions for code in codes(concept, MESH)}
    for mesh in meshes:
        term_concepts = [c for c in conditions if c["text"].casefold() == mesh["term"].casefold()]
        assert term_concepts, mesh["term"]
    # Padded CT.gov ids in the old six-digit range come back as real MeSH ids.
    for mesh in meshes:
        number = int(mesh["id"][1:])
        if number < 65000:
            assert f"{mesh['id'][0]}{number:06d}" in mesh_codes


@all_studies
def test_keywords_and_regions(nct_id):
    record = RECORD_BY_ID[nct_id]
    study = study_of(nct_id)
    keywords = module(record, "conditionsModule").get("keywords", [])
    assert [k["text"] for k in study.get("keyword", [])] == [k.strip() for k in keywords]
    countries = []
    for site in module(record, "contactsLocationsModule").get("locations", []):
        if site.get("country") and site["country"] not in countries:
            countries.append(site["country"])
    assert [region["text"] for region in study.get("region", [])] == countries


@all_studies
def test_sites_carry_name_address_and_position(nct_id):
    record = RECORD_BY_ID[nct_id]
    locations = {
        loc["name"] + "|" + loc["address"].get("postalCode", ""): loc
        for loc in by_type(mapped(nct_id).resources, "Location")
    }
    for site in module(record, "contactsLocationsModule").get("locations", []):
        location = locations[site["facility"] + "|" + site.get("zip", "")]
        assert location["address"]["city"] == site["city"]
        assert location["address"]["country"] == site["country"]
        if "geoPoint" in site:
            assert location["position"] == {
                "latitude": site["geoPoint"]["lat"],
                "longitude": site["geoPoint"]["lon"],
            }
        if site.get("status") == "RECRUITING":
            assert location["status"] == "active"
            assert codes(location["characteristic"][0], OVERALL_STATUS_CS) == ["RECRUITING"]


@all_studies
def test_sponsor_collaborators_and_officials_are_associated_parties(nct_id):
    record = RECORD_BY_ID[nct_id]
    sponsors = module(record, "sponsorCollaboratorsModule")
    parties = study_of(nct_id)["associatedParty"]
    by_role: dict[str, list[dict]] = {}
    for party in parties:
        for code in codes(party["role"], HL7_PARTY_ROLE):
            by_role.setdefault(code, []).append(party)
    (lead,) = by_role["lead-sponsor"]
    assert lead["name"] == sponsors["leadSponsor"]["name"]
    assert lead["party"]["reference"].startswith("Organization/org-")
    collaborator_names = [c["name"] for c in sponsors.get("collaborators", [])]
    assert [p["name"] for p in by_role.get("collaborator", [])] == collaborator_names
    officials = module(record, "contactsLocationsModule").get("overallOfficials", [])
    official_names = [p.get("name") for p in parties if "party" in p and "display" in p["party"]]
    for official in officials:
        assert official["name"] in official_names
    if sponsors["responsibleParty"]["type"] == "PRINCIPAL_INVESTIGATOR":
        (investigator,) = [
            p
            for p in by_role.get("primary-investigator", [])
            if p.get("name") == sponsors["responsibleParty"].get("investigatorFullName")
            and any("Responsible party" in c.get("text", "") for c in p.get("classifier", []))
        ]
        assert (
            investigator["party"]["display"]
            == (sponsors["responsibleParty"]["investigatorAffiliation"])
        )


@all_studies
def test_fda_flags_and_why_stopped(nct_id):
    record = RECORD_BY_ID[nct_id]
    oversight = module(record, "oversightModule")
    study = study_of(nct_id)
    classifier_codes = {
        c for concept in study.get("classifier", []) for c in codes(concept, HL7_CLASSIFIER)
    }
    assert ("fda-regulated-drug" in classifier_codes) is bool(oversight.get("isFdaRegulatedDrug"))
    assert ("fda-regulated-device" in classifier_codes) is bool(
        oversight.get("isFdaRegulatedDevice")
    )
    why = module(record, "statusModule").get("whyStopped")
    assert study.get("whyStopped") == ({"text": why.strip()} if why else None)


@all_studies
def test_phase_uses_the_combined_hl7_code(nct_id):
    phases = module(RECORD_BY_ID[nct_id], "designModule").get("phases", [])
    phase = study_of(nct_id).get("phase")
    if not phases:
        assert phase is None
        return
    expected = {
        ("NA",): "n-a",
        ("EARLY_PHASE1",): "early-phase-1",
        ("PHASE1",): "phase-1",
        ("PHASE1", "PHASE2"): "phase-1-phase-2",
        ("PHASE2",): "phase-2",
        ("PHASE2", "PHASE3"): "phase-2-phase-3",
        ("PHASE3",): "phase-3",
        ("PHASE4",): "phase-4",
    }[tuple(phases)]
    assert codes(phase, HL7_PHASE) == [expected]


@all_studies
def test_source_record_is_a_related_artifact(nct_id):
    artifacts = study_of(nct_id)["relatedArtifact"]
    transforms = [a for a in artifacts if a["type"] == "transforms"]
    assert transforms[0]["document"]["url"] == f"https://clinicaltrials.gov/api/v2/studies/{nct_id}"
    references = module(RECORD_BY_ID[nct_id], "referencesModule").get("references", [])
    citations = [a for a in artifacts if a["type"] == "citation"]
    assert len(citations) == len(references)
    for reference, citation in zip(references, citations, strict=True):
        if "pmid" in reference:
            assert citation["document"]["url"].endswith(f"/{reference['pmid']}/")


def test_large_record_keeps_all_its_distinct_sites():
    record = RECORD_BY_ID["NCT02513394"]
    sites = module(record, "contactsLocationsModule")["locations"]
    distinct = {(s["facility"], s["city"], s.get("zip"), s["country"]) for s in sites}
    assert len(by_type(mapped("NCT02513394").resources, "Location")) == len(distinct)
    assert len(study_of("NCT02513394")["site"]) == len(distinct)
