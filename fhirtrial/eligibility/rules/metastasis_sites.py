"""Metastases named by the site they went to: "bone metastases", "metastatic disease to the
liver", "liver or lung metastases", "distant metastases".

Each site is a concept below `metastatic-disease` (terminology/conditions.json: ICD-10-CM C77,
C78, C79 codes and the SNOMED CT codes published IG value sets use). The names are read only as
a site followed by a metastasis noun ("bone metastases", "osseous mets", "liver metastatic
disease"), "metastatic bone disease", or a metastasis noun with "to / in / of / involving" before
the site ("metastases to the bone(s)", "metastatic disease in the liver"). A site the table has
no concept for ("visceral", "soft tissue", "pelvic lymph node") leaves its word over, so the
bullet stays text or keeps a text member. A list of sites sharing the noun with "or" ("liver or
lung metastases", "bone, liver, or brain mets") is any-of its sites; one joined by "and" says
neither "both" nor "either" plainly and is not read (as `conditions._organ_lists`).

"Distant metastases" ("presence of distant metastasis", "without distant metastatic disease")
is `metastatic-disease`, whose evaluation counts only metastases beyond the lymph nodes.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match, any_of_conditions

# (concept, site words as criteria write them, substrings every name holds).
SITES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("bone-marrow-metastases", r"bone marrow", ("bone marrow",)),
    ("bone-metastases", r"bones?|osseous|skeletal|bony", ("bone", "osseous", "skeletal", "bony")),
    ("liver-metastases", r"liver|hepatic", ("liver", "hepatic")),
    ("lung-metastases", r"lungs?|pulmonary", ("lung", "pulmonary")),
    ("pleural-metastases", r"pleural?", ("pleura",)),
    ("peritoneal-metastases", r"peritoneal|peritoneum", ("periton",)),
    ("adrenal-metastases", r"adrenal(?: glands?)?|adrenals", ("adrenal",)),
    ("skin-metastases", r"skin|cutaneous", ("skin", "cutaneous")),
    (
        "lymph-node-metastases",
        r"lymph[- ]nodes?|lymph[- ]node|nodal",
        ("lymph", "nodal"),
    ),
)
SITE_CONCEPTS = frozenset(concept for concept, _, _ in SITES)
_NOUN_AFTER = (
    r"(?:metastas[ie]s|metastatic (?:disease|lesions?|deposits?|involvement|spread)|mets"
    r"|secondaries)"
)
_NOUN_BEFORE = (
    r"(?:metastas[ie]s|metastatic (?:disease|lesions?|deposits?|spread)|mets|secondaries)"
    r" (?:to|in|of|involving|within) (?:the )?"
)


# "Metastasis of lung cancer to the brain": the site of the primary, not of a metastasis.
_NOT_PRIMARY = (
    r"(?! marrow| (?:cancers?|carcinomas?|adenocarcinomas?|tumou?rs?|neoplasms?|malignanc\w*"
    r"|primary|origin)\b)"
)


def site_names(site: str) -> str:
    """The names of the metastases at one site, as a `conditions._CONDITIONS` pattern."""
    return (
        rf"(?:{site}) {_NOUN_AFTER}|metastatic (?:{site}) (?:disease|lesions?)"
        rf"|{_NOUN_BEFORE}(?:{site}){_NOT_PRIMARY}"
    )


SITE_NAMES: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
    (concept, site_names(site), triggers) for concept, site, triggers in SITES
)
# "(M1)", "(M0)" after it only restate the M category of the same words.
DISTANT = (
    r"(?:distant (?:metastas[ie]s|metastatic disease|mets|spread)|metastatic disease)"
    r"(?: \(m[01][a-c]?\))?"
)
DISTANT_TRIGGERS = ("distant", "metastatic disease")

# A list of sites sharing the noun: "liver or lung metastases", "bone, liver, or brain mets".
# Brain metastases have a concept of their own (`brain-metastases`); "brain or leptomeningeal"
# names that concept (C79.3: brain and cerebral meninges).
_BRAIN = "brain-metastases"
# Meningeal metastases alone are narrower than the brain concept: read only beside the brain.
_MENINGEAL = "meningeal"
_LIST_SITES = (
    *((concept, site) for concept, site, _ in SITES),
    (_BRAIN, r"brain|cns|central nervous system|cerebral"),
    (_MENINGEAL, r"(?:lepto)?meningeal"),
)
_ANY_SITE = "|".join(f"(?:{site})" for _, site in _LIST_SITES)
_SEPARATOR = r"(?:,? (?:and/or|or|and) |, |/)"
_SITE_LIST = re.compile(
    rf"(?<![\w-])(?P<sites>(?:(?:{_ANY_SITE}){_SEPARATOR})+(?:{_ANY_SITE}))"
    rf" (?P<noun>{_NOUN_AFTER})(?![\w-])"
)
_SITE_OF = [(concept, re.compile(rf"(?:{site})$")) for concept, site in _LIST_SITES]
_SPLIT = re.compile(_SEPARATOR)
LIST_TRIGGERS = ("metasta", "mets", "secondaries")


def site_lists(text: str) -> list[Match]:
    """any-of the sites of an "or" list sharing one metastasis noun."""
    found: list[Match] = []
    for match in _SITE_LIST.finditer(text):
        listed = match["sites"]
        if " and " in listed.replace(" and/or ", " "):
            continue
        concepts = []
        for part in _SPLIT.split(listed):
            concept = next((c for c, site in _SITE_OF if site.fullmatch(part)), None)
            if concept is None:
                break
            concepts.append(concept)
        else:
            if _MENINGEAL in concepts and _BRAIN not in concepts:
                continue
            criterion = any_of_conditions(_BRAIN if c == _MENINGEAL else c for c in concepts)
            found.append(Match(criterion, match.start(), match.end()))
    return found


# "Multiple bone metastases", "solitary liver metastasis": how many, which no diagnosis code
# states: all-of(site, TEXT), the count left for review.
_COUNT = r"(?:multiple|numerous|extensive|widespread|diffuse|solitary|single|isolated|oligo-?)"
_COUNTED = [
    (concept, re.compile(rf"(?<![\w-]){_COUNT} (?:{names})(?![\w-])"))
    for concept, names, _ in SITE_NAMES
]
COUNT_TRIGGERS = ("multiple", "numerous", "extensive", "widespread", "diffuse", "solitary")
COUNT_TRIGGERS_MORE = ("single", "isolated", "oligo")


def counted_sites(text: str) -> list[Match]:
    """all-of(site, TEXT) for a site's metastases with a count before them."""
    found: list[Match] = []
    for concept, pattern in _COUNTED:
        for match in pattern.finditer(text):
            children = (
                Criterion(Kind.CONDITION, concept=concept),
                Criterion(Kind.TEXT, source_text=match.group(0)),
            )
            criterion = Criterion(Kind.COMBINATION, children=children, combination="all-of")
            found.append(Match(criterion, match.start(), match.end()))
    return found
