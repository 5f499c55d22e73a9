"""Impairment of the kidneys' or the liver's function named as a class: "renal impairment",
"renal dysfunction", "impaired renal function", "hepatic impairment",
"liver dysfunction", "hepatic or renal impairment".

Each is a group of `terminology/diagnosis_groups.json` (`renal-impairment`, `hepatic-impairment`),
decided by a core (`evaluation.diagnosis_groups`): acute kidney failure, CKD stage 3 to 5,
end-stage renal disease and dialysis make renal impairment present, CKD of stage 1, 2 or unstated
and a kidney transplant leave it unknown, a glomerulonephritis or a kidney stone is none; hepatic
failure, hepatic encephalopathy and hepatorenal syndrome make hepatic impairment present, any
other liver disease (cirrhosis included: its Child-Pugh class is not recorded) leaves it unknown.
"Kidney disease", "liver disease" (any disease of the organ) and "hepatic insufficiency" (hepatic
failure) are hand-made concepts of their own (`rules.conditions`).

"Renal insufficiency" ("kidney insufficiency") is kidney failure to some readers and any reduced
function to others: it is a group of its own, `renal-insufficiency`, whose core is what both
readings call so (acute kidney failure, CKD stage 5 and end-stage renal disease, unspecified
kidney failure, dialysis) and whose periphery is where they part (CKD of stage 1 to 4 or
unstated, a kidney transplant): those leave it unknown. In a list of organs sharing the noun
("History of renal or hepatic insufficiency", "Severe liver or renal insufficiency") the liver's
insufficiency is hepatic failure (`liver-failure`); a list without the kidney is left to the
other readers. "Chronic renal insufficiency" stays text: "chronic" is no qualifier, and neither
chronic kidney disease (stage 1 and unstated CKD are no insufficiency to the failure reading) nor
this group (acute kidney failure is not chronic) is what it names.

Read as the other groups are (`rules.diagnosis_groups`): the judgement words before the name are
its qualifiers ("severe", "clinically significant"); a name followed by what defines it — a
parenthesis, "defined as", "with", "such as", a stage or a number ("renal dysfunction
(creatinine > 1.5 mg/dL)", "severe renal impairment defined as eGFR < 30") — is left to the
measurement readers or to the text, since the definition, not a diagnosis, is what the study
asks; a name joined by a slash is not read. Any other word before the name ("moderate", "mild",
"chronic", "progressive") stays over for the residual check: "moderate renal impairment" is a
band of a measured GFR no problem list carries. In a list of organs ("hepatic or renal
impairment", "cardiac, hepatic or renal dysfunction") each named organ is its group and another
organ a text member; organs joined by a bare "and" ("hepatic and renal impairment": both, or
either?) are not read.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match, has_any
from fhirtrial.eligibility.rules.diagnosis_groups import (
    _DEFINED_AFTER,
    _group,
    _slashed,
    qualifiers_before,
)

RENAL_IMPAIRMENT = "renal-impairment"
HEPATIC_IMPAIRMENT = "hepatic-impairment"
RENAL_INSUFFICIENCY = "renal-insufficiency"
LIVER_FAILURE = "liver-failure"
_ORGANS = {
    "renal": RENAL_IMPAIRMENT,
    "kidney": RENAL_IMPAIRMENT,
    "hepatic": HEPATIC_IMPAIRMENT,
    "liver": HEPATIC_IMPAIRMENT,
}
# Organs whose impairment no group names: a text member in a list beside a named one.
_OTHER_ORGANS = (
    "cardiac|heart|cardiovascular|cardiopulmonary|pulmonary|respiratory|lung|bone marrow"
    "|hematologic|haematologic|hematological|haematological|neurologic|neurological"
)
# The nouns each group is named with. "Insufficiency" is none: "renal insufficiency" is a group of
# its own (kidney failure to some readers, any reduced function to others) and "hepatic
# insufficiency" hepatic failure (a hand-made concept), below.
_INSUFFICIENCY = {
    "renal": RENAL_INSUFFICIENCY,
    "kidney": RENAL_INSUFFICIENCY,
    "hepatic": LIVER_FAILURE,
    "liver": LIVER_FAILURE,
}
_NOUNS = {
    RENAL_IMPAIRMENT: frozenset({"impairment", "dysfunction"}),
    HEPATIC_IMPAIRMENT: frozenset({"impairment", "dysfunction"}),
}
_ORGAN = rf"renal|kidney|hepatic|liver|{_OTHER_ORGANS}"
_SEPARATOR = r"(?:,? or |,? and/or |, | ?/ ?)"
_NAME = re.compile(
    rf"(?<![\w-])(?P<list>(?:{_ORGAN})(?:{_SEPARATOR}(?:{_ORGAN}))*)"
    r" (?P<noun>impairment|dysfunction|insufficiency)(?![\w-])"
    r"|(?<![\w-])(?:impaired|reduced|decreased) (?P<function>(?:renal|kidney|hepatic|liver)"
    rf"(?:{_SEPARATOR}(?:renal|kidney|hepatic|liver))*) functions?(?![\w-])"
)
# What defines the name after it: the definition (a measurement, a stage, a treatment) is what
# the study asks, not a diagnosis.
_DEFINITION_AFTER = re.compile(
    r"\s*(?:[\[(:=<>≤≥-]|(?:as )?defined\b|as (?:evidenced|indicated|measured|determined|shown)\b"
    r"|with\b|by\b|according\b|based\b|due\b|secondary\b|requiring\b|on\b|stage\b|grade\b"
    r"|class\b|child|that\b|which\b|where\b|in\b|of\b|at\b)"
)
_CLAUSE_END = re.compile(r"[;,]|\. ")
# A measurement named after the name ("Liver dysfunction, Child-Pugh B or worse", "renal
# insufficiency, creatinine over twice the upper limit"): it grades or defines the impairment.
_MEASURE_AFTER = re.compile(
    r"(?<!\w)(?:child|pugh|meld|gfr|egfr|crcl|creatinine|clearance|bilirubin|albumin|inr"
    r"|ast|alt|uln|transaminases?|ckd|dialysis)(?!\w)"
)
_DIGIT = re.compile(r"\d")
_TRIGGERS = ("impair", "dysfunction", "insufficiency", "function")


def find_organ_impairments(text: str) -> list[Match]:
    if not has_any(text, _TRIGGERS) or not has_any(text, ("renal", "kidney", "hepatic", "liver")):
        return []
    found: list[Match] = []
    for match in _NAME.finditer(text):
        concepts = _concepts(match)
        if not concepts or _defined(text, match) or _slashed(text, match):
            continue
        start, qualifiers, alternatives = qualifiers_before(text, match.start())
        children = [
            _group(c, qualifiers, alternatives)
            if c is not None
            else Criterion(Kind.TEXT, source_text=match.group())
            for c in concepts
        ]
        criterion = (
            children[0]
            if len(children) == 1
            else Criterion(Kind.COMBINATION, children=tuple(children), combination="any-of")
        )
        found.append(Match(criterion, start, match.end()))
    return found


def _concepts(match: re.Match[str]) -> list[str | None]:
    """The groups a name spells, in order, None for an organ no group names (one text member
    for them all); none when no organ of the list is a group's or its noun does not fit."""
    organs = re.findall(rf"(?<![\w-])(?:{_ORGAN})(?![\w-])", match["function"] or match["list"])
    if match["function"]:
        return list(dict.fromkeys(_ORGANS[organ] for organ in organs))
    if match["noun"] == "insufficiency":
        # Only where the kidney is named: "hepatic insufficiency" alone is read by
        # `rules.conditions`, another organ's insufficiency alone by nobody.
        insufficient = [_INSUFFICIENCY.get(organ) for organ in organs]
        if RENAL_INSUFFICIENCY not in insufficient:
            return []
        return list(dict.fromkeys(insufficient))
    concepts = [_ORGANS.get(organ) for organ in organs]
    named = [c for c in concepts if c is not None]
    if not named or any(match["noun"] not in _NOUNS[c] for c in named):
        return []
    return list(dict.fromkeys(concepts))


def _defined(text: str, match: re.Match[str]) -> bool:
    """Whether what follows the name defines it: a parenthesis, "such as", "defined as", "with",
    a stage, a number before the clause ends, or a measurement named anywhere after it."""
    end = match.end()
    if _DEFINED_AFTER.match(text, end) or _DEFINITION_AFTER.match(text, end):
        return True
    if _MEASURE_AFTER.search(text, end):
        return True
    clause_end = _CLAUSE_END.search(text, end)
    return bool(_DIGIT.search(text, end, clause_end.start() if clause_end else len(text)))
