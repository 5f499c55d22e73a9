"""The shipped seed trials say what their ClinicalTrials.gov pages say, in API v2 shape.

Each fact is read back from the page text (tests/data/seeds/*.txt) where the page states it
plainly, so a wrong transcription fails here rather than in a coordinator's hands.
"""

import json
import re
from collections.abc import Iterator
from datetime import datetime
from importlib.resources import files
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import zipcodes
from fhir.resources import get_fhir_model_class

DATA = Path(__file__).resolve().parent.parent / "data"
TRIAL = "NCT05361174"
EXPANDED_ACCESS = "NCT05398640"
SEEDS = (TRIAL, EXPANDED_ACCESS)

# Fields that only expanded-access records carry, so the interventional sample records lack them.
EXPANDED_ACCESS_ONLY_FIELDS = {
    "protocolSection.designModule.expandedAccessTypes.individual",
    "protocolSection.designModule.expandedAccessTypes.intermediate",
    "protocolSection.designModule.expandedAccessTypes.treatment",
}

STATE_CODES = {
    "Arizona": "AZ",
    "California": "CA",
    "Florida": "FL",
    "Kansas": "KS",
    "Kentucky": "KY",
    "Missouri": "MO",
    "New York": "NY",
    "Ohio": "OH",
    "Tennessee": "TN",
    "Wisconsin": "WI",
}


def load_seed(nct_id: str) -> dict[str, Any]:
    resource = files("fhirtrial.data").joinpath("seeds", f"{nct_id}.json")
    return json.loads(resource.read_text(encoding="utf-8"))


def page_lines(nct_id: str) -> list[str]:
    return (DATA / "seeds" / f"{nct_id}.txt").read_text(encoding="utf-8").splitlines()


def page_cell(nct_id: str, label: str) -> str:
    """The value of a `Label : | value |` row of the page."""
    pattern = re.compile(rf"^{re.escape(label)}\s*:?\s*\|\s*(.*?)\s*\|?$")
    for line in page_lines(nct_id):
        match = pattern.match(line)
        if match:
            return match.group(1)
    raise LookupError(f"{label!r} not on the page of {nct_id}")


def page_date(text: str) -> str:
    """'July 20, 2022' -> '2022-07-20'; 'June 2025' -> '2025-06' (the API's partial dates)."""
    for page_format, api_format in (("%B %d, %Y", "%Y-%m-%d"), ("%B %Y", "%Y-%m")):
        try:
            return datetime.strptime(text, page_format).strftime(api_format)
        except ValueError:
            continue
    raise ValueError(text)


def real_records() -> list[dict[str, Any]]:
    ctgov = DATA / "ctgov"
    records = [json.loads(line) for line in (ctgov / "breast-cancer-studies.ndjson").open()]
    records.append(json.loads((ctgov / "NCT02513394.json").read_text()))
    return records


def field_paths(value: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from field_paths(child, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for child in value:
            yield from field_paths(child, prefix)
    else:
        yield prefix


def page_criteria(nct_id: str) -> list[str]:
    """Headings and bullet texts of the page's criteria, in order.

    The page renders an item that owns a sub-list as a bare "-" line followed by its text.
    """
    lines = page_lines(nct_id)
    start = lines.index("Inclusion Criteria:")
    items: list[str] = []
    bare_bullet = False
    for line in lines[start:]:
        if not line.strip():
            break
        if line == "-":
            bare_bullet = True
            continue
        if line.startswith("- "):
            items.append(line[2:])
        else:
            assert bare_bullet or line.endswith("Criteria:"), line
            items.append(line)
        bare_bullet = False
    return items


def record_criteria(study: dict[str, Any]) -> list[str]:
    text = study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    return [re.sub(r"^\s*\* ", "", line) for line in text.splitlines() if line.strip()]


def criterion_depth(study: dict[str, Any], starts_with: str) -> int:
    text = study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    (line,) = [ln for ln in text.splitlines() if ln.lstrip(" *").startswith(starts_with)]
    return (len(line) - len(line.lstrip(" "))) // 2


def page_sites(nct_id: str) -> list[dict[str, str]]:
    lines = page_lines(nct_id)
    address = re.compile(r"^(?P<city>[^,|]+), (?P<state>[^,|]+), United States, (?P<zip>\d{5})")
    sites = []
    for previous, line in pairwise(lines):
        match = address.match(line)
        if match:
            facility, status = (cell.strip() for cell in previous.split("|")[:2])
            sites.append({"facility": facility, "status": status, **match.groupdict()})
    return sites


def page_outcomes(nct_id: str) -> list[dict[str, str]]:
    outcome = re.compile(
        r"^- (?P<measure>.+?) \[ Time Frame: (?P<timeFrame>.+?) \](?P<description>.+)$"
    )
    return [m.groupdict() for line in page_lines(nct_id) if (m := outcome.match(line))]


def page_rows_after(nct_id: str, marker: str, count: int) -> list[str]:
    """`count` table rows after the line starting with marker, without their trailing '|'."""
    lines = page_lines(nct_id)
    start = next(i for i, line in enumerate(lines) if line.startswith(marker))
    return [line.rstrip(" |") for line in lines[start + 1 : start + 1 + count]]


def zip_centroid(city: str, state: str, zip_code: str) -> dict[str, float] | None:
    for entry in zipcodes.matching(zip_code):
        cities = {c.lower() for c in [entry["city"], *entry.get("acceptable_cities", [])]}
        if entry["state"] == STATE_CODES[state] and city.lower() in cities:
            return {"lat": float(entry["lat"]), "lon": float(entry["long"])}
    return None


# --- shape ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("nct_id", SEEDS)
def test_seed_ships_in_the_package_as_an_api_v2_study(nct_id: str) -> None:
    study = load_seed(nct_id)

    assert set(study) <= {
        "protocolSection",
        "resultsSection",
        "annotationSection",
        "documentSection",
        "derivedSection",
        "hasResults",
    }
    assert study["protocolSection"]["identificationModule"]["nctId"] == nct_id
    assert study["hasResults"] is False


@pytest.mark.parametrize("nct_id", SEEDS)
def test_every_field_is_one_real_api_v2_records_use(nct_id: str) -> None:
    known = {path for record in real_records() for path in field_paths(record)}

    unknown = set(field_paths(load_seed(nct_id))) - known - EXPANDED_ACCESS_ONLY_FIELDS

    assert unknown == set()


@pytest.mark.parametrize("nct_id", SEEDS)
def test_enum_values_are_spelled_as_real_records_spell_them(nct_id: str) -> None:
    records = real_records()
    protocol = load_seed(nct_id)["protocolSection"]
    used = {
        "status": {r["protocolSection"]["statusModule"]["overallStatus"] for r in records},
        "intervention": {
            i["type"]
            for r in records
            for i in r["protocolSection"]
            .get("armsInterventionsModule", {})
            .get("interventions", [])
        },
    }

    # AVAILABLE (expanded access) and BIOLOGICAL occur in no breast-cancer sample record.
    assert protocol["statusModule"]["overallStatus"] in used["status"] | {"AVAILABLE"}
    for intervention in protocol["armsInterventionsModule"]["interventions"]:
        assert intervention["type"] in used["intervention"] | {"BIOLOGICAL"}
    for site in protocol["contactsLocationsModule"]["locations"]:
        assert site["status"] == site["status"].upper().replace(" ", "_")


# --- identification, status, dates ---------------------------------------------------------------


@pytest.mark.parametrize("nct_id", SEEDS)
def test_titles_and_ids_match_the_page(nct_id: str) -> None:
    identification = load_seed(nct_id)["protocolSection"]["identificationModule"]
    lines = page_lines(nct_id)

    assert identification["briefTitle"] == lines[0]
    assert identification["officialTitle"] == page_cell(nct_id, "Official Title:")
    other_ids = lines[lines.index("Other Study ID Numbers: |") + 1].rstrip(" |")
    assert identification["orgStudyIdInfo"] == {"id": other_ids}


@pytest.mark.parametrize(
    ("nct_id", "status"), [(TRIAL, "RECRUITING"), (EXPANDED_ACCESS, "AVAILABLE")]
)
def test_overall_status_is_the_page_status(nct_id: str, status: str) -> None:
    lines = page_lines(nct_id)
    label = next(i for i, line in enumerate(lines) if line.endswith("Status :"))

    assert lines[label + 1].upper() == status
    assert load_seed(nct_id)["protocolSection"]["statusModule"]["overallStatus"] == status


@pytest.mark.parametrize("nct_id", SEEDS)
def test_posting_and_verification_dates_match_the_page(nct_id: str) -> None:
    status = load_seed(nct_id)["protocolSection"]["statusModule"]
    first_posted = page_cell(nct_id, "First Posted:").removesuffix(" Key Record Dates")

    # The page does not say whether these posting dates are actual or estimated: no type.
    assert status["studyFirstPostDateStruct"] == {"date": page_date(first_posted)}
    assert status["lastUpdatePostDateStruct"] == {
        "date": page_date(page_cell(nct_id, "Last Update Posted:"))
    }
    assert status["statusVerifiedDate"] == page_date(page_cell(nct_id, "Last Verified:"))


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Study Start Date", "startDateStruct"),
        ("Primary Completion Date", "primaryCompletionDateStruct"),
        ("Study Completion Date", "completionDateStruct"),
    ],
)
def test_study_dates_keep_the_page_actual_or_estimated(label: str, field: str) -> None:
    (line,) = [ln for ln in page_lines(TRIAL) if f" {label} :" in ln]
    kind, _, value = line.partition(f" {label} :")

    expected = {"date": page_date(value.strip(" |")), "type": kind.upper()}
    assert load_seed(TRIAL)["protocolSection"]["statusModule"][field] == expected


def test_trial_started_2022_07_20_and_completes_june_2027_estimated() -> None:
    status = load_seed(TRIAL)["protocolSection"]["statusModule"]

    assert status["startDateStruct"] == {"date": "2022-07-20", "type": "ACTUAL"}
    assert status["completionDateStruct"] == {"date": "2027-06", "type": "ESTIMATED"}


# --- conditions, keywords, MeSH ------------------------------------------------------------------


@pytest.mark.parametrize("nct_id", SEEDS)
def test_conditions_are_the_page_conditions(nct_id: str) -> None:
    lines = page_lines(nct_id)
    row = lines[lines.index(next(ln for ln in lines if ln.startswith("Condition or disease"))) + 2]
    conditions = load_seed(nct_id)["protocolSection"]["conditionsModule"]["conditions"]

    assert " ".join(conditions) == row.split(" | ")[0]
    assert all("Melanoma" in c or "Lung Cancer" in c for c in conditions)


@pytest.mark.parametrize(
    ("nct_id", "marker"),
    [(TRIAL, "Studies a U.S. FDA-regulated Device"), (EXPANDED_ACCESS, "Last Verified:")],
)
def test_keywords_are_every_page_keyword_in_order(nct_id: str, marker: str) -> None:
    keywords = load_seed(nct_id)["protocolSection"]["conditionsModule"]["keywords"]

    # The page runs keywords together with spaces; joined back they must give the same words.
    assert " ".join(keywords) == " ".join(page_rows_after(nct_id, marker, 2))


@pytest.mark.parametrize(
    ("nct_id", "marker", "direct_terms"),
    [
        (
            TRIAL,
            "Studies a U.S. FDA-regulated Device",
            ["Lung Neoplasms", "Carcinoma, Non-Small-Cell Lung", "Melanoma"],
        ),
        (EXPANDED_ACCESS, "Last Verified:", ["Melanoma"]),
    ],
)
def test_condition_mesh_terms_are_the_page_mesh_terms(
    nct_id: str, marker: str, direct_terms: list[str]
) -> None:
    browse = load_seed(nct_id)["derivedSection"]["conditionBrowseModule"]
    terms = [m["term"] for m in browse["meshes"] + browse["ancestors"]]

    assert [m["term"] for m in browse["meshes"]] == direct_terms
    # Rows 3 and 4 after the marker are the page's "relevant MeSH terms" columns.
    assert " ".join(terms) == " ".join(page_rows_after(nct_id, marker, 4)[2:])


@pytest.mark.parametrize("nct_id", SEEDS)
def test_mesh_ids_agree_with_real_api_records(nct_id: str) -> None:
    def short(mesh_id: str) -> str:  # NCT02513394.json spells D009371 as D000009371
        return re.sub(r"^D0{0,3}(\d{6})$", r"D\1", mesh_id)

    real = {
        m["term"]: short(m["id"])
        for record in real_records()
        for module in record.get("derivedSection", {}).values()
        if isinstance(module, dict)
        for key in ("meshes", "ancestors")
        for m in module.get(key, [])
    }
    browse = load_seed(nct_id)["derivedSection"]["conditionBrowseModule"]

    for mesh in browse["meshes"] + browse["ancestors"]:
        assert real[mesh["term"]] == mesh["id"], mesh


# --- design --------------------------------------------------------------------------------------


def test_trial_enrolls_53_participants_estimated() -> None:
    design = load_seed(TRIAL)["protocolSection"]["designModule"]
    count = int(page_cell(TRIAL, "Estimated Enrollment").split()[0])

    assert count == 53
    assert design["enrollmentInfo"] == {"count": count, "type": "ESTIMATED"}


def test_trial_is_phase_1_and_phase_2_interventional() -> None:
    design = load_seed(TRIAL)["protocolSection"]["designModule"]

    assert "Phase 1 Phase 2" in page_lines(TRIAL)[page_lines(TRIAL).index("---|---|---|") + 1]
    assert design["studyType"] == "INTERVENTIONAL"
    assert design["phases"] == ["PHASE1", "PHASE2"]


def test_trial_design_is_non_randomized_parallel_open_label_treatment() -> None:
    design_info = load_seed(TRIAL)["protocolSection"]["designModule"]["designInfo"]

    assert page_cell(TRIAL, "Allocation:") == "Non-Randomized"
    assert page_cell(TRIAL, "Masking:") == "None (Open Label)"
    assert page_cell(TRIAL, "Intervention Model:") == "Parallel Assignment"
    assert page_cell(TRIAL, "Primary Purpose:") == "Treatment"
    assert design_info == {
        "allocation": "NON_RANDOMIZED",
        "interventionModel": "PARALLEL",
        "primaryPurpose": "TREATMENT",
        "maskingInfo": {"masking": "NONE"},
    }


def test_expanded_access_record_has_its_access_types_and_no_trial_design() -> None:
    design = load_seed(EXPANDED_ACCESS)["protocolSection"]["designModule"]

    assert page_cell(EXPANDED_ACCESS, "Study Type :") == "Expanded Access"
    assert page_cell(EXPANDED_ACCESS, "Expanded Access Type :") == (
        "Intermediate-size Population, Treatment IND/Protocol"
    )
    assert design["studyType"] == "EXPANDED_ACCESS"
    assert design["expandedAccessTypes"] == {"intermediate": True, "treatment": True}
    assert not {"phases", "enrollmentInfo", "designInfo"} & set(design)


# --- arms and interventions ----------------------------------------------------------------------


def test_trial_has_two_experimental_cohorts_both_given_iov_4001() -> None:
    arms = load_seed(TRIAL)["protocolSection"]["armsInterventionsModule"]["armGroups"]

    assert [(a["label"], a["type"]) for a in arms] == [
        ("Cohort 1", "EXPERIMENTAL"),
        ("Cohort 2", "EXPERIMENTAL"),
    ]
    assert "melanoma" in arms[0]["description"]
    assert "non-small-cell lung cancer" in arms[1]["description"]
    assert all(a["interventionNames"] == ["Biological: IOV-4001"] for a in arms)
    for arm in arms:
        assert f"Experimental: {arm['label']}" in page_lines(TRIAL)


def test_trial_protocol_gives_lymphodepletion_then_iov_4001_then_il_2() -> None:
    (intervention,) = load_seed(TRIAL)["protocolSection"]["armsInterventionsModule"][
        "interventions"
    ]
    protocol = intervention["description"]

    assert (intervention["type"], intervention["name"]) == ("BIOLOGICAL", "IOV-4001")
    assert intervention["armGroupLabels"] == ["Cohort 1", "Cohort 2"]
    assert page_lines(TRIAL).count(f"{protocol} |") == 2  # once under each cohort
    assert protocol.index("cyclophosphamide and fludarabine") < protocol.index(
        "infused with IOV-4001"
    )
    assert protocol.index("infused with IOV-4001") < protocol.index("followed by IL-2")


def test_expanded_access_gives_lifileucel_then_high_dose_il_2() -> None:
    (intervention,) = load_seed(EXPANDED_ACCESS)["protocolSection"]["armsInterventionsModule"][
        "interventions"
    ]

    assert (intervention["type"], intervention["name"]) == ("BIOLOGICAL", "Lifileucel")
    assert intervention["otherNames"] == ["LN-144"]
    assert f"{intervention['description']}Other Name: LN-144" in page_lines(EXPANDED_ACCESS)
    assert intervention["description"].endswith("followed by a short course of high-dose IL-2.")


# --- outcomes ------------------------------------------------------------------------------------


def test_trial_outcomes_are_every_page_outcome_with_its_time_frame() -> None:
    outcomes = load_seed(TRIAL)["protocolSection"]["outcomesModule"]

    assert outcomes["primaryOutcomes"] + outcomes["secondaryOutcomes"] == page_outcomes(TRIAL)
    assert [o["measure"] for o in outcomes["primaryOutcomes"]] == [
        "Phase I: Safety of IOV-4001",
        "Phase 2: Objective Response Rate (ORR)",
    ]
    assert len(outcomes["secondaryOutcomes"]) == 7


# --- eligibility ---------------------------------------------------------------------------------


@pytest.mark.parametrize("nct_id", SEEDS)
def test_eligibility_text_holds_every_page_criterion_verbatim_in_order(nct_id: str) -> None:
    assert record_criteria(load_seed(nct_id)) == page_criteria(nct_id)


@pytest.mark.parametrize("nct_id", SEEDS)
def test_eligibility_text_uses_the_api_markdown_bullets(nct_id: str) -> None:
    text = load_seed(nct_id)["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]

    assert text.startswith("Inclusion Criteria:\n\n* ")
    assert "\n\nExclusion Criteria:\n\n* " in text
    for line in text.splitlines():
        assert not line or line.endswith("Criteria:") or re.match(r"^(  )*\* \S", line), line


def test_trial_prior_therapy_options_nest_under_their_cohort() -> None:
    study = load_seed(TRIAL)

    assert criterion_depth(study, "Participants who have received the following") == 0
    assert criterion_depth(study, "Cohort 2 (NSCLC)") == 1
    assert criterion_depth(study, "those with oncogene-driven tumors") == 2
    assert criterion_depth(study, "platinum doublet chemotherapy") == 3
    assert criterion_depth(study, "Participants who have an Eastern Cooperative") == 0


@pytest.mark.parametrize(("nct_id", "healthy"), [(TRIAL, False), (EXPANDED_ACCESS, None)])
def test_age_sex_and_healthy_volunteers_match_the_page(nct_id: str, healthy: bool | None) -> None:
    eligibility = load_seed(nct_id)["protocolSection"]["eligibilityModule"]

    assert (
        page_cell(nct_id, "Ages Eligible for Study:") == "18 Years and older (Adult, Older Adult)"
    )
    assert page_cell(nct_id, "Sexes Eligible for Study:") == "All"
    assert eligibility["minimumAge"] == "18 Years"
    assert "maximumAge" not in eligibility
    assert eligibility["sex"] == "ALL"
    assert eligibility["stdAges"] == ["ADULT", "OLDER_ADULT"]
    assert eligibility.get("healthyVolunteers") is healthy


# --- sites, contacts, sponsor --------------------------------------------------------------------


@pytest.mark.parametrize(("nct_id", "site_count"), [(TRIAL, 7), (EXPANDED_ACCESS, 6)])
def test_sites_are_the_page_sites_with_address_and_status(nct_id: str, site_count: int) -> None:
    locations = load_seed(nct_id)["protocolSection"]["contactsLocationsModule"]["locations"]
    sites = page_sites(nct_id)

    assert len(sites) == len(locations) == site_count
    for site, location in zip(sites, locations, strict=True):
        assert location["facility"] == site["facility"]
        assert location["status"] == site["status"].upper()
        assert (location["city"], location["state"], location["zip"]) == (
            site["city"],
            site["state"],
            site["zip"],
        )
        assert location["country"] == "United States"


@pytest.mark.parametrize("nct_id", SEEDS)
def test_site_geopoints_are_zip_centroids_only_where_the_zip_is_in_the_city(nct_id: str) -> None:
    locations = load_seed(nct_id)["protocolSection"]["contactsLocationsModule"]["locations"]

    for location in locations:
        centroid = zip_centroid(location["city"], location["state"], location["zip"])
        assert location.get("geoPoint") == centroid, location["facility"]


def test_trial_site_whose_zip_lies_in_another_city_has_no_geopoint() -> None:
    locations = load_seed(TRIAL)["protocolSection"]["contactsLocationsModule"]["locations"]
    (orlando,) = [loc for loc in locations if loc["city"] == "Orlando"]

    # The page gives Orlando with ZIP 32610, a Gainesville ZIP: no point rather than a wrong one.
    assert orlando["zip"] == "32610"
    assert "geoPoint" not in orlando
    assert sum("geoPoint" in loc for loc in locations) == 6


@pytest.mark.parametrize("nct_id", SEEDS)
def test_central_contact_matches_the_page(nct_id: str) -> None:
    (contact,) = load_seed(nct_id)["protocolSection"]["contactsLocationsModule"]["centralContacts"]
    (line,) = [ln for ln in page_lines(nct_id) if ln.startswith("Contact: ")]
    name, phone, email = (cell.strip() for cell in line.removeprefix("Contact: ").split("|")[:3])

    assert contact == {"name": name, "role": "CONTACT", "phone": phone, "email": email}


def test_trial_study_director_and_fda_oversight_match_the_page() -> None:
    protocol = load_seed(TRIAL)["protocolSection"]

    assert protocol["contactsLocationsModule"]["overallOfficials"] == [
        {
            "name": "Iovance Biotherapeutics Study Team",
            "affiliation": "Iovance Biotherapeutics",
            "role": "STUDY_DIRECTOR",
        }
    ]
    assert page_cell(TRIAL, "Studies a U.S. FDA-regulated Drug Product:") == "Yes"
    assert protocol["oversightModule"] == {
        "isFdaRegulatedDrug": True,
        "isFdaRegulatedDevice": False,
    }


@pytest.mark.parametrize("nct_id", SEEDS)
def test_sponsor_is_the_responsible_party_on_the_page(nct_id: str) -> None:
    sponsors = load_seed(nct_id)["protocolSection"]["sponsorCollaboratorsModule"]

    assert sponsors["leadSponsor"]["name"] == page_cell(nct_id, "Responsible Party:")
    assert sponsors["responsibleParty"] == {"type": "SPONSOR"}


# --- the seeds through the CT.gov mapper ----------------------------------------------------------


def mapped_resources(nct_id: str) -> list[dict[str, Any]]:
    # Imported here so a broken mapper fails these tests only, not the transcription checks.
    from fhirtrial.mappers.ctgov import map_study

    return map_study(load_seed(nct_id)).resources


def plan_actions(actions: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for action in actions:
        yield action
        yield from plan_actions(action.get("action", []))


@pytest.mark.parametrize("nct_id", SEEDS)
def test_seed_maps_to_valid_fhir_r5_resources(nct_id: str) -> None:
    resources = mapped_resources(nct_id)

    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    kinds = [r["resourceType"] for r in resources]
    assert kinds[:3] == ["ResearchStudy", "PlanDefinition", "EvidenceVariable"]
    assert kinds.count("Location") == len(page_sites(nct_id))


def test_trial_cohorts_become_comparison_groups() -> None:
    research_study = mapped_resources(TRIAL)[0]

    assert [g["name"] for g in research_study["comparisonGroup"]] == ["Cohort 1", "Cohort 2"]
    assert research_study["recruitment"]["targetNumber"] == 53


def test_trial_protocol_has_an_il_2_step_in_each_cohort() -> None:
    plan = mapped_resources(TRIAL)[1]

    for arm in plan["action"]:
        steps = [a.get("title", "") for a in plan_actions(arm.get("action", []))]
        assert any("IL-2" in title for title in steps), arm["title"]


def test_expanded_access_types_reach_the_research_study() -> None:
    research_study = mapped_resources(EXPANDED_ACCESS)[0]
    texts = [c.get("text", "") for c in research_study.get("classifier", [])]

    assert any("Intermediate-size Population" in t for t in texts)
    assert any("Treatment IND/Protocol" in t for t in texts)
    assert "comparisonGroup" not in research_study
