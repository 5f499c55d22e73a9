"""Recruitment status, phase, conditions and sites of a ResearchStudy, as filterable keys.

Recruitment status keys are ClinicalTrials.gov overallStatus values (our code system
`ctgov-overall-status`), read from `progressStatus`; a study that only carries the HL7
research-study-status code gets the CT.gov values that code stands for. Request values may be
either kind, including the R4 `ResearchStudy.status` codes the CodeX matching draft uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fhirtrial.eligibility.evaluation.facts import concepts_of_code, concepts_of_text
from fhirtrial.mappers.codes import (
    OVERALL_STATUS,
    PHASE,
    RESEARCH_STUDY_PHASE,
    RESEARCH_STUDY_STATUS,
)

CTGOV_STATUS_SYSTEM = OVERALL_STATUS.system
DEFAULT_STATUSES = frozenset(
    {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE"}
)
_HL7_TO_CTGOV: dict[str, set[str]] = {}
for _value, _coding in OVERALL_STATUS.hl7.items():
    _HL7_TO_CTGOV.setdefault(_coding["code"], set()).add(_value)
# R4 ResearchStudy.status codes (used by CodeX trial-matching clients), by their R4 definitions.
_R4_STATUS_TO_CTGOV = {
    "active": {"RECRUITING", "AVAILABLE"},
    "approved": {"NOT_YET_RECRUITING"},
    "closed-to-accrual": {"ACTIVE_NOT_RECRUITING", "NO_LONGER_AVAILABLE"},
    "closed-to-accrual-and-intervention": {"ACTIVE_NOT_RECRUITING"},
    "temporarily-closed-to-accrual": {"SUSPENDED", "TEMPORARILY_NOT_AVAILABLE"},
    "temporarily-closed-to-accrual-and-intervention": {"SUSPENDED"},
    "administratively-completed": {"TERMINATED"},
    "completed": {"COMPLETED"},
    "withdrawn": {"WITHDRAWN"},
}
# Sites whose own status says they take patients (or say nothing) count for distance.
_OPEN_SITE_STATUSES = DEFAULT_STATUSES


class UnknownValue(ValueError):
    pass


def status_keys(study: dict[str, Any]) -> list[str]:
    found: set[str] = set()
    for entry in study.get("progressStatus") or ():
        state = entry.get("state") if isinstance(entry, dict) else None
        for coding in (state or {}).get("coding") or ():
            if not isinstance(coding, dict):
                continue
            code = coding.get("code")
            if coding.get("system") == CTGOV_STATUS_SYSTEM and OVERALL_STATUS.knows(code):
                return [code]
            if coding.get("system") == RESEARCH_STUDY_STATUS and code in _HL7_TO_CTGOV:
                found |= _HL7_TO_CTGOV[code]
    return sorted(found)


def parse_statuses(values: Iterable[str]) -> frozenset[str]:
    """Request values (CT.gov, HL7 R5 or R4 codes, any case) → CT.gov overallStatus values."""
    wanted: set[str] = set()
    for raw in values:
        value = raw.strip()
        lowered = value.lower()
        if lowered in _R4_STATUS_TO_CTGOV:
            wanted |= _R4_STATUS_TO_CTGOV[lowered]
        elif lowered in _HL7_TO_CTGOV:
            wanted |= _HL7_TO_CTGOV[lowered]
        elif OVERALL_STATUS.knows(value.upper().replace("-", "_")):
            wanted.add(value.upper().replace("-", "_"))
        else:
            raise UnknownValue(f"recruitmentStatus '{value}' is not a known study status")
    return frozenset(wanted)


_CTGOV_PHASE_TO_HL7 = {
    "NA": "n-a",
    "EARLY_PHASE1": "early-phase-1",
    "PHASE1": "phase-1",
    "PHASE2": "phase-2",
    "PHASE3": "phase-3",
    "PHASE4": "phase-4",
}
_HL7_PHASES = {
    "n-a",
    "early-phase-1",
    "phase-1",
    "phase-1-phase-2",
    "phase-2",
    "phase-2-phase-3",
    "phase-3",
    "phase-4",
}


def phase_keys(study: dict[str, Any]) -> list[str]:
    """HL7 research-study-phase codes; a combined phase also answers to each of its parts."""
    keys: set[str] = set()
    for coding in (study.get("phase") or {}).get("coding") or ():
        if isinstance(coding, dict) and coding.get("system") == RESEARCH_STUDY_PHASE:
            code = coding.get("code")
            if code in _HL7_PHASES:
                keys.add(code)
                if code.count("phase-") == 2:
                    first, _, second = code.partition("-phase-")
                    keys |= {first, f"phase-{second}"}
    return sorted(keys)


def parse_phases(values: Iterable[str]) -> frozenset[str]:
    wanted = set()
    for raw in values:
        value = raw.strip()
        if value.lower() in _HL7_PHASES:
            wanted.add(value.lower())
        elif PHASE.knows(value.upper()):
            wanted.add(_CTGOV_PHASE_TO_HL7[value.upper()])
        else:
            raise UnknownValue(f"phase '{value}' is not a research-study-phase code")
    return frozenset(wanted)


def condition_terms(study: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """The study's conditions and keywords: folded texts, `system|code` keys and concepts."""
    texts: list[str] = []
    codes: list[str] = []
    concepts: set[str] = set()
    for concept in [*(study.get("condition") or ()), *(study.get("keyword") or ())]:
        if not isinstance(concept, dict):
            continue
        words = [concept.get("text")]
        for coding in concept.get("coding") or ():
            if isinstance(coding, dict) and coding.get("code"):
                codes.append(f"{coding.get('system')}|{coding['code']}")
                concepts |= concepts_of_code(str(coding.get("system")), str(coding["code"]))
                words.append(coding.get("display"))
        for word in words:
            if isinstance(word, str) and word.strip():
                texts.append(word.strip().lower())
                concepts |= concepts_of_text(word)
    return sorted(set(texts)), sorted(set(codes)), sorted(concepts)


def open_site(location: dict[str, Any]) -> bool:
    statuses = [
        coding.get("code")
        for concept in location.get("characteristic") or ()
        if isinstance(concept, dict)
        for coding in concept.get("coding") or ()
        if isinstance(coding, dict) and coding.get("system") == CTGOV_STATUS_SYSTEM
    ]
    return not statuses or any(s in _OPEN_SITE_STATUSES for s in statuses)
