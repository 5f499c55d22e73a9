"""A revision of an operation ("surgical plan for revision of hip replacement", "revision
arthroplasty", "gastric sleeve revision surgery", "revision of cesarean section scar"): the
revision, planned or done, is the reader's, but it presupposes the operation it revises, which a
record shows — all-of(that operation, TEXT). No such operation on record rules the bullet out;
one on record leaves the revision to a reader. A revision of something without a concept
("revision rotator cuff", "revision surgeries") is not read.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match

_JOINT = r"(?:arthroplast(?:y|ies)|replacements?|prosthes[ie]s)"
_OPERATIONS = {
    "hip-replacement": rf"hip {_JOINT}",
    "knee-replacement": rf"knee {_JOINT}",
    "shoulder-replacement": rf"shoulder {_JOINT}",
    # An arthroplasty revised is a replaced joint (an implant in place, Z96.6-).
    "joint-replacement": r"(?:joint )?arthroplast(?:y|ies)|joint replacements?",
    "bariatric-surgery": (
        r"bariatric (?:surgery|procedures?|operations?)|gastric (?:sleeve|bypass|band(?:ing)?)"
        r"|sleeve gastrectom(?:y|ies)"
    ),
    "cesarean-section": (
        r"c(?:a)?esarean(?: sections?| deliver(?:y|ies))?(?: scars?)?|c-section scars?"
    ),
}
_NAMES = "|".join(f"(?P<{c.replace('-', '_')}>{p})" for c, p in _OPERATIONS.items())
# Right after "revision" only a joint ("revision total knee arthroplasty"): "revision bariatric
# surgery" is left as the kind of bariatric surgery it names (`rules.procedures`).
_JOINTS = "|".join(
    f"(?P<r_{c.replace('-', '_')}>{p})" for c, p in _OPERATIONS.items() if c.endswith("replacement")
)
_KIND = r"(?:(?:total|partial|primary|anatomic|reverse|unicompartmental|failed|previous|prior) )?"
# The plan or the operation now ("surgical plan for", "undergoing") is part of the text member.
_LEAD = (
    r"(?:(?:(?:a |the )?(?:surgical )?plan(?:ned)? (?:for )?|scheduled for |undergoing"
    r" |candidates? for |who (?:undergo|are undergoing|will undergo) )(?:an? |the )?)?"
)
_REVISION = re.compile(
    rf"(?<![\w-]){_LEAD}(?:revision(?: surgery| surgeries| procedures?)? (?:of|for)"
    rf" (?:an? |the |their )?{_KIND}(?:{_NAMES})"
    rf"|revision {_KIND}(?:{_JOINTS})"
    rf"|(?:{_NAMES.replace('?P<', '?P<a_')}) revisions?(?: surgery| surgeries| procedures?)?)"
    r"(?![\w-])"
)
TRIGGERS = ("revision",)


def find_revisions(text: str) -> list[Match]:
    found: list[Match] = []
    for match in _REVISION.finditer(text):
        group = next(k for k, v in match.groupdict().items() if v)
        concept = group.removeprefix("r_").removeprefix("a_").replace("_", "-")
        revised = Criterion(Kind.PROCEDURE, concept=concept)
        which = Criterion(Kind.TEXT, source_text=match[0])
        both = Criterion(Kind.COMBINATION, children=(revised, which), combination="all-of")
        found.append(Match(both, match.start(), match.end()))
    return found
