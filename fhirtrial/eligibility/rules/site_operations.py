"""Operations the vocabulary has no concept for, whose site or kind it has: the operation is read
as that concept with its name as text, all-of(concept, TEXT) — never wider than the words.

- An -ectomy / -otomy word (`rules.procedures` reads "prior septorhinoplasty" as all-of(surgery,
  TEXT)) that names its site: "previous laminectomy" / "discectomy" → `spinal-surgery`,
  "craniotomy" / "craniectomy" → `brain-surgery`, "thoracotomy" → `thoracic-surgery`,
  "hemithyroidectomy" → `thyroidectomy`.
- Names without such an ending, done before ("prior spinal fusion", "previous LASIK", "prior
  Whipple procedure", "prior VATS"): `spinal-surgery`, `eye-surgery`, `pancreatectomy`,
  `thoracic-surgery` (a lung resection is thoracic surgery). A hernia repair stays text (no
  reading beside the hernia diagnosis, tests/eligibility/test_common_diagnosis_names_frequent).

Only where words say the operation was done (a past word in the clause or a window after) and
it is not one needed or to come, as for every named operation.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match
from fhirtrial.eligibility.rules.done_procedures import done_matches

# The site concept of an -ectomy / -otomy word, by its stem.
_SITE_OF_WORD = (
    ("spinal-surgery", re.compile(r"(?:laminectom|laminotom|dis[ck]ectom|foraminotom|corpectom)")),
    ("brain-surgery", re.compile(r"(?:cranio?tom|craniectom)")),
    ("thoracic-surgery", re.compile(r"thoracotom")),
    ("thyroidectomy", re.compile(r"\bhemi-?thyroidectom")),
)

_NAMES = (
    (
        "spinal-surgery",
        r"(?:(?:lumbar|cervical|thoracic|thoracolumbar|lumbosacral|posterior|anterior) )*"
        r"(?:spinal|spine) fusions?|(?:lumbar|cervical|lumbosacral|thoracolumbar) fusions?"
        r"|(?:anterior cervical discectomy and fusion|acdf)",
    ),
    ("eye-surgery", r"lasik|lasek|photorefractive keratectom(?:y|ies)(?: \(prk\))?"),
    (
        "pancreatectomy",
        r"whipple(?:'s)? (?:procedures?|operations?|surgery)"
        r"|pancreat(?:ic)?oduodenectom(?:y|ies)(?: \(whipple(?: procedure)?\))?",
    ),
    (
        "thoracic-surgery",
        r"video-assisted thoracoscopic surgery(?: \(vats\))?|vats(?: procedures?| surgery)?"
        r"|(?:lung|pulmonary) resections?",
    ),
)
_NAME = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?P<g{n}>{pattern})" for n, (_, pattern) in enumerate(_NAMES))
    + r")(?![\w-])"
)
TRIGGERS: tuple[str, ...] = (
    *("fusion", "lasik", "lasek", "keratectom"),
    *("whipple", "pancreaticoduoden", "pancreatoduoden", "vats", "thoracoscopic", "acdf"),
    "resection",
)


def site_of_operation(words: str) -> str | None:
    """The concept an unnamed -ectomy / -otomy operation's words name, if any."""
    for concept, stem in _SITE_OF_WORD:
        if stem.search(words):
            return concept
    return None


def find_site_operations(
    text: str,
    *,
    not_done: Callable[[str, int], bool],
    done_before: Callable[[str, int, int], bool],
    lead: re.Pattern[str],
) -> list[Match]:
    found: list[Match] = []
    for match in done_matches(_NAME, text, not_done=not_done, done_before=done_before, lead=lead):
        start, end = match.span()
        group = next(int(name[1:]) for name, value in match.groupdict().items() if value)
        leaf = Criterion(Kind.PROCEDURE, concept=_NAMES[group][0])
        which = Criterion(Kind.TEXT, source_text=match[0])
        both = Criterion(Kind.COMBINATION, children=(leaf, which), combination="all-of")
        found.append(Match(both, start, end))
    return found
