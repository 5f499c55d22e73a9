"""Posting `$match` to a test server and reading its answers."""

from dataclasses import dataclass

import httpx

from fhirtrial.matching.assessment import ASSESSMENT_URL
from tests.helpers import FHIR_JSON, assert_valid_fhir

MATCH = "/ResearchStudy/$match"


@dataclass
class Assessed:
    study: str
    verdict: str
    search_score: float
    score: float | None
    criteria: dict[str, str]
    reasons: dict[str, str]
    cohorts: list[str]
    distance: float | None
    subject: dict
    resource: dict


def read_matches(answer: dict) -> dict[str, Assessed]:
    """ResearchSubject entries by study id, in the Bundle's order; every resource validated."""
    assert answer["resourceType"] == "Bundle" and answer["type"] == "searchset"
    assert_valid_fhir(answer)
    out = {}
    for entry in answer.get("entry", []):
        resource = entry["resource"]
        if entry["search"]["mode"] != "match":
            continue
        assert resource["resourceType"] == "ResearchSubject"
        extension = next(e for e in resource["extension"] if e["url"] == ASSESSMENT_URL)
        parts = extension["extension"]
        criteria, reasons, cohorts, score, distance = {}, {}, [], None, None
        for part in parts:
            if part["url"] == "criterion":
                values = {p["url"]: p for p in part["extension"]}
                link_id = values["linkId"]["valueString"]
                criteria[link_id] = values["result"]["valueCode"]
                reasons[link_id] = values.get("reason", {}).get("valueString", "")
            elif part["url"] == "cohort":
                values = {p["url"]: p for p in part["extension"]}
                cohorts.append(values["linkId"]["valueString"])
            elif part["url"] == "score":
                score = part["valueDecimal"]
            elif part["url"] == "distance":
                distance = part["valueQuantity"]["value"]
        study = resource["study"]["reference"].split("/")[1]
        out[study] = Assessed(
            study=study,
            verdict=resource["progress"][0]["subjectState"]["coding"][0]["code"],
            search_score=entry["search"]["score"],
            score=score,
            criteria=criteria,
            reasons=reasons,
            cohorts=cohorts,
            distance=distance,
            subject=resource["subject"],
            resource=resource,
        )
    return out


def included_studies(answer: dict) -> list[str]:
    return [
        e["resource"]["id"] for e in answer.get("entry", []) if e["search"]["mode"] == "include"
    ]


async def post_match(client: httpx.AsyncClient, body: dict, **kw) -> httpx.Response:
    return await client.post(MATCH, json=body, headers=FHIR_JSON, **kw)


async def match_ok(client: httpx.AsyncClient, body: dict) -> dict:
    response = await post_match(client, body)
    assert response.status_code == 200, response.text
    return response.json()
