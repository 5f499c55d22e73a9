"""Real records for the eligibility tests: the CT.gov API v2 records and the two seed pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
SEED_IDS = ("NCT05361174", "NCT05398640")


def ctgov_records() -> list[dict]:
    folder = DATA / "ctgov"
    records = [
        json.loads(line)
        for line in (folder / "breast-cancer-studies.ndjson").read_text().splitlines()
        if line.strip()
    ]
    records.append(json.loads((folder / "NCT02513394.json").read_text()))
    return records


def seed_page(nct_id: str) -> str:
    return (DATA / "seeds" / f"{nct_id}.txt").read_text(encoding="utf-8")


def seed_criteria_text(nct_id: str) -> str:
    """The eligibility block of a published CT.gov page (from "Inclusion Criteria:" on)."""
    page = seed_page(nct_id)
    start = page.index("Inclusion Criteria:")
    end = page.index("To learn more about this study", start)
    return page[start:end]


def seed_page_bullets(nct_id: str) -> list[str]:
    """Every bullet of the page's criteria: "- text", or "-" with the text on the next line."""
    lines = seed_criteria_text(nct_id).splitlines()
    bullets = []
    for index, line in enumerate(lines):
        if line.startswith("- "):
            bullets.append(line[2:].strip())
        elif line.strip() == "-":
            bullets.append(lines[index + 1].strip())
    return bullets


def seed_study(nct_id: str) -> dict:
    """A CT.gov API v2 shaped study for a seed page (criteria, ages, arms as published)."""
    page = seed_page(nct_id)
    arms = [
        {"label": match[1].strip(), "type": "EXPERIMENTAL"}
        for match in re.finditer(r"^Experimental: (.+)$", page, re.MULTILINE)
    ]
    minimum = re.search(r"Ages Eligible for Study: \| (\d+) Years and older", page)
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": page.splitlines()[0]},
            "eligibilityModule": {
                "eligibilityCriteria": seed_criteria_text(nct_id),
                "minimumAge": f"{minimum[1]} Years" if minimum else None,
                "sex": "ALL",
                "healthyVolunteers": "Accepts Healthy Volunteers: | No" in page,
            }
            | (
                {}
                if "Accepts Healthy Volunteers: | No" not in page
                else {"healthyVolunteers": False}
            ),
            "armsInterventionsModule": {"armGroups": arms},
        }
    }
