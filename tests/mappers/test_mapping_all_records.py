"""Every real CT.gov record maps to valid, linked FHIR R5 resources with stable ids."""

from __future__ import annotations

import copy
import hashlib
from functools import cache

import pytest
from fhir.resources import get_fhir_model_class

from fhirtrial.mappers.ctgov import MappedStudy, map_study, validate_mapped
from tests.mappers.mapper_helpers import (
    SEED_IDS,
    by_type,
    load_ctgov_records,
    load_seed,
    module,
    nct_id_of,
    walk_references,
)

RECORDS = load_ctgov_records() + [load_seed(nct_id) for nct_id in SEED_IDS]
RECORD_BY_ID = {nct_id_of(record): record for record in RECORDS}
TYPE_ORDER = ["ResearchStudy", "PlanDefinition", "EvidenceVariable", "Organization", "Location"]


@cache
def mapped(nct_id: str) -> MappedStudy:
    return map_study(copy.deepcopy(RECORD_BY_ID[nct_id]))


all_studies = pytest.mark.parametrize("nct_id", list(RECORD_BY_ID))


def test_the_corpus_is_the_36_records_plus_the_two_seeds():
    assert len(RECORD_BY_ID) == 38
    assert "NCT02513394" in RECORD_BY_ID


@all_studies
def test_every_resource_validates_as_fhir_r5(nct_id):
    for resource in mapped(nct_id).resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    validate_mapped(mapped(nct_id))


@all_studies
def test_resources_come_in_the_documented_order_without_meta(nct_id):
    resources = mapped(nct_id).resources
    types = [r["resourceType"] for r in resources]
    assert types[:3] == ["ResearchStudy", "PlanDefinition", "EvidenceVariable"]
    assert types == sorted(types, key=TYPE_ORDER.index)
    assert all("meta" not in r for r in resources)


@all_studies
def test_ids_derive_from_the_nct_number(nct_id):
    study, protocol, eligibility = mapped(nct_id).resources[:3]
    assert study["id"] == nct_id
    assert protocol["id"] == f"{nct_id}-protocol"
    assert eligibility["id"] == f"{nct_id}-eligibility"
    assert protocol["url"] == f"https://fhirtrial.org/fhir/PlanDefinition/{nct_id}-protocol"
    assert eligibility["url"] == (
        f"https://fhirtrial.org/fhir/EvidenceVariable/{nct_id}-eligibility"
    )
    assert {"system": "https://clinicaltrials.gov", "value": nct_id}.items() <= (
        protocol["identifier"][0].items()
    )


@all_studies
def test_location_ids_hash_facility_city_zip_and_country(nct_id):
    sites = module(RECORD_BY_ID[nct_id], "contactsLocationsModule").get("locations", [])
    expected = []
    for site in sites:
        key = "|".join(site.get(k, "") for k in ("facility", "city", "zip", "country"))
        location_id = f"{nct_id}-site-{hashlib.sha1(key.encode()).hexdigest()[:10]}"
        if location_id not in expected:
            expected.append(location_id)
    locations = by_type(mapped(nct_id).resources, "Location")
    assert [location["id"] for location in locations] == expected


@all_studies
def test_organization_ids_hash_the_normalized_name(nct_id):
    sponsor = module(RECORD_BY_ID[nct_id], "sponsorCollaboratorsModule")["leadSponsor"]["name"]
    key = " ".join(sponsor.split()).casefold()
    expected_id = f"org-{hashlib.sha1(key.encode()).hexdigest()[:16]}"
    organizations = {o["id"]: o for o in by_type(mapped(nct_id).resources, "Organization")}
    assert organizations[expected_id]["name"] == sponsor


@all_studies
def test_every_reference_resolves_within_the_mapped_set(nct_id):
    resources = mapped(nct_id).resources
    present = {f"{r['resourceType']}/{r['id']}" for r in resources}
    for resource in resources:
        contained = {f"#{c['id']}" for c in resource.get("contained", [])}
        for reference in walk_references(resource):
            if reference.startswith("#"):
                assert reference in contained, reference
            else:
                assert reference in present, f"{resource['id']} → {reference}"


@all_studies
def test_research_study_points_at_its_protocol_eligibility_and_sites(nct_id):
    resources = mapped(nct_id).resources
    study = resources[0]
    assert study["protocol"] == [{"reference": f"PlanDefinition/{nct_id}-protocol"}]
    assert study["recruitment"]["eligibility"]["reference"] == (
        f"EvidenceVariable/{nct_id}-eligibility"
    )
    site_refs = [site["reference"] for site in study.get("site", [])]
    assert site_refs == [f"Location/{loc['id']}" for loc in by_type(resources, "Location")]


def test_mapping_twice_gives_identical_resources():
    record = RECORD_BY_ID["NCT02513394"]
    first = map_study(copy.deepcopy(record))
    second = map_study(copy.deepcopy(record))
    assert first.resources == second.resources


def test_mapping_leaves_the_input_record_unchanged():
    record = copy.deepcopy(RECORD_BY_ID["NCT05361174"])
    before = copy.deepcopy(record)
    map_study(record)
    assert record == before


def test_a_sponsor_shared_by_studies_is_one_organization_across_them():
    sponsor_ids: dict[str, set[str]] = {}
    for nct_id in RECORD_BY_ID:
        for organization in by_type(mapped(nct_id).resources, "Organization"):
            sponsor_ids.setdefault(organization["id"], set()).add(nct_id)
    # The two seeds share their sponsor, Iovance.
    shared = [ids for ids in sponsor_ids.values() if set(SEED_IDS) <= ids]
    assert shared
    study_a = copy.deepcopy(RECORD_BY_ID["NCT05361174"])
    study_a["protocolSection"]["sponsorCollaboratorsModule"]["leadSponsor"]["name"] = (
        "  iovance   BIOTHERAPEUTICS, Inc. "
    )
    renamed = by_type(map_study(study_a).resources, "Organization")
    original = by_type(mapped("NCT05361174").resources, "Organization")
    assert [o["id"] for o in renamed] == [o["id"] for o in original]


def test_real_records_map_without_warnings():
    noisy = {nct_id: mapped(nct_id).warnings for nct_id in RECORD_BY_ID if mapped(nct_id).warnings}
    assert noisy == {}
