"""A lead-in's own requirement, without the words that announce its sub-bullets.

"Histologically confirmed breast cancer patients, fulfilling any of the following:",
"Patients with type 2 diabetes meeting all of the following:", "Heart failure with at least one
of the following:": the sub-bullets are read as the lead-in's combination (`compiler`), and the
lead-in's own words hold beside them. Read with the announcement, the own requirement was text
(the words "meeting all of the following" are no criterion) or all-of(breast cancer, TEXT), so
the whole bullet was unknown for every patient. The announcement at the end of a lead-in that
has sub-bullets is set aside before its own words are read; nothing else is.
"""

from __future__ import annotations

import re

# How every announcement ends ("… of the following criteria:"), at the end of the text.
_ENDING = (
    r"\s+of\s+the\s+following"
    r"(?:\s+(?:criteria|conditions|requirements|features|characteristics|findings|symptoms"
    r"|diagnoses|factors))?\s*:?\s*$"
)
_ANNOUNCEMENT = re.compile(
    r"[,;]?\s*(?:(?:and|or)\s+)?(?:(?:who|that|which)\s+)?(?:(?:is|are|must|should)\s+)?"
    r"(?:(?:meet(?:s|ing)?|fulfil+(?:s|ing)?|satisf(?:y|ies|ying)|ha(?:ve|s|ving)|with"
    r"|present(?:s|ing)? with|show(?:s|ing)?)\s+)?"
    r"(?:all|any|one|each|either|one or more|two or more|at least (?:one|two|three|[1-9]))"
    + _ENDING,
    re.IGNORECASE,
)
# Every match of `_ANNOUNCEMENT` ends with a match of this: a text without one has no
# announcement. Searched first, since `_ANNOUNCEMENT` tries its optional lead at every position
# of the text (~7 ms a bench pass over 37 lead-ins, 36 of which announce nothing).
_ANNOUNCEMENT_END = re.compile(_ENDING, re.IGNORECASE)


# Words before the announcement that make the sub-bullets the definition or the examples of the
# lead-in's own words ("Serious immunodeficiency, defined as one of the following:"): the own
# words are then no requirement beside them, and the lead-in is read as written.
_DEFINED_BY_THEM = re.compile(
    r"\b(?:defined|described|characteri[sz]ed|diagnosed|evidenced|manifested|as|including"
    r"|includes?|such as|namely|i\.e\.?|e\.g\.?|by)\W*$",
    re.IGNORECASE,
)


def own_words(text: str) -> str:
    """The lead-in's text without the announcement of its sub-bullets at its end."""
    if _ANNOUNCEMENT_END.search(text) is None:
        return text
    match = _ANNOUNCEMENT.search(text)
    if match is None or _DEFINED_BY_THEM.search(text, 0, match.start()):
        return text
    return text[: match.start()]
