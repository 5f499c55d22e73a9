"""Building the match-index entry of one study from its ResearchStudy, EvidenceVariable and
Locations."""

from __future__ import annotations

import hashlib
from typing import Any, TypedDict

import orjson

from fhirtrial.matching import keys as match_keys
from fhirtrial.matching.study_facets import condition_terms, open_site, phase_keys, status_keys


class IndexEntry(TypedDict):
    """One study's document in `_match_index` and in the mirror. Entries written by earlier
    versions may lack the later fields (title, groups, cond_*): readers use `.get` for those."""

    _id: str  # the ResearchStudy id
    # The versions the entry was built from: study, criteria (EvidenceVariable), sites.
    rs_v: int
    ev: str | None
    ev_v: int | None
    loc_ids: list[str]
    loc_v: dict[str, int]
    title: str | None
    status: list[str]  # CT.gov overallStatus keys
    phase: list[str]  # HL7 research-study-phase codes
    dx: list[str]  # diagnosis concept keys, or "*" (see keys.py)
    age_lo: float
    age_hi: float
    sex: str
    sites: list[list[float]]  # [lat, lon] of the open sites
    groups: list[dict[str, Any]]  # comparisonGroup: linkId, name, description
    cond_text: list[str]
    cond_codes: list[str]  # "system|code"
    cond_concepts: list[str]
    sig: str  # criteria signature: equal signatures evaluate alike


def evidence_variable_id(study: dict[str, Any]) -> str | None:
    reference = ((study.get("recruitment") or {}).get("eligibility") or {}).get("reference")
    if isinstance(reference, str) and reference.startswith("EvidenceVariable/"):
        return reference.split("/", 1)[1]
    return None


def location_ids(study: dict[str, Any]) -> list[str]:
    ids = []
    for site in study.get("site") or ():
        reference = site.get("reference") if isinstance(site, dict) else None
        if isinstance(reference, str) and reference.startswith("Location/"):
            ids.append(reference.split("/", 1)[1])
    return ids


def criteria_signature(
    evidence_variable: dict[str, Any] | None, groups: list[dict[str, Any]]
) -> str:
    """Equal signatures evaluate alike: characteristics without their verbatim text, plus the
    comparison groups the evaluator reads."""
    characteristics = _without_descriptions((evidence_variable or {}).get("characteristic"))
    content = orjson.dumps([characteristics, groups], option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(content, digest_size=12).hexdigest()


def _without_descriptions(node: object) -> object:
    if isinstance(node, dict):
        return {k: _without_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [_without_descriptions(v) for v in node]
    return node


def index_document(
    study: dict[str, Any],
    version: int,
    evidence: tuple[dict[str, Any], int] | None,
    locations: dict[str, tuple[dict[str, Any], int]],
) -> IndexEntry:
    """The index entry of one study; `locations` maps Location id → (resource, version)."""
    groups = [
        {k: g[k] for k in ("linkId", "name", "description") if k in g}
        for g in study.get("comparisonGroup") or ()
        if isinstance(g, dict)
    ]
    evidence_variable = evidence[0] if evidence else None
    criteria = match_keys.criteria_keys(evidence_variable, groups)
    sites = []
    for location, _ in locations.values():
        position = location.get("position") or {}
        latitude, longitude = position.get("latitude"), position.get("longitude")
        if (
            isinstance(latitude, int | float)
            and isinstance(longitude, int | float)
            and open_site(location)
        ):
            sites.append([float(latitude), float(longitude)])
    texts, codes, concepts = condition_terms(study)
    return {
        "_id": study["id"],
        "rs_v": version,
        "ev": evidence_variable_id(study),
        "ev_v": evidence[1] if evidence else None,
        "loc_ids": location_ids(study),
        "loc_v": {rid: v for rid, (_, v) in locations.items()},
        "title": study.get("title"),
        "status": status_keys(study),
        "phase": phase_keys(study),
        "dx": list(criteria.diagnoses),
        "age_lo": criteria.min_age,
        "age_hi": criteria.max_age,
        "sex": criteria.sex,
        "sites": sites,
        "groups": groups,
        "cond_text": texts,
        "cond_codes": codes,
        "cond_concepts": concepts,
        "sig": criteria_signature(evidence_variable, groups),
    }
