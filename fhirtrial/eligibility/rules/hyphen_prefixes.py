"""A prefix written with a hyphen before a word that holds the stem: "hyper- or hypoglycemia".

"Hyper- or hypoglycemia", "intra- or postoperative bleeding", "uni- or bipolar depression",
"poly- or oligoarticular", "narrow- or closed-angle glaucoma", "intermediate- or high-risk",
"non- or Hodgkin lymphoma": the stem is written once, after the last prefix, and no finder reads
"hyper-" alone. `prefixes_written_out` writes the stem after the first prefix too
("hyperglycemia or hypoglycemia", "narrow-angle or closed-angle glaucoma", "non-hodgkin or
hodgkin lymphoma"), which is what the text means; the readers then weigh the list as written.

The stem is found only where it is plain:

- the second word is hyphenated: the stem is what follows its hyphen ("closed-angle": "angle");
- the second word opens with a known prefix: the stem is the rest ("hypoglycemia": "glycemia");
- the first word is itself a known prefix and the second has none: the first joins the second
  with its hyphen ("non-" before "hodgkin").

Otherwise ("liver- or renal disease": "liver" is no prefix, "renal" has none) the text is left
as it is. Fast: a text without "- or " or "- and " costs two substring tests.
"""

from __future__ import annotations

import re

_PREFIXES = tuple(
    sorted(
        {
            *("hyper", "hypo", "intra", "extra", "inter", "infra", "supra", "sub", "post"),
            *("pre", "peri", "para", "uni", "bi", "tri", "poly", "oligo", "mono", "multi"),
            *("endo", "exo", "baso", "spino", "squamo", "non", "anti", "retro", "trans"),
            *("hemi", "semi", "micro", "macro", "epi", "neo", "self"),
        },
        key=len,
        reverse=True,
    )
)
_SPLIT = re.compile(
    r"\b(?P<first>[a-z]{2,})- (?P<conj>or|and|and/or) (?P<second>[a-z]{2,}(?:-[a-z]{2,})?)\b"
    r"(?!-)"
)


def prefixes_written_out(normalized: str) -> str | None:
    """The text with the stem written after every hyphenated prefix whose stem is plain, or
    None when it has none."""
    if "- or " not in normalized and "- and " not in normalized:
        return None
    pieces: list[str] = []
    start = 0
    for found in _SPLIT.finditer(normalized):
        first = _with_stem(found["first"], found["second"])
        if first is None:
            continue
        pieces += [normalized[start : found.start()], f"{first} {found['conj']} {found['second']}"]
        start = found.end()
    if not pieces:
        return None
    return "".join(pieces) + normalized[start:]


def _with_stem(first: str, second: str) -> str | None:
    if "-" in second:
        return f"{first}-{second.split('-', 1)[1]}"
    prefix = next((p for p in _PREFIXES if second.startswith(p)), None)
    if prefix is not None and len(second) - len(prefix) >= 3:
        return first + second[len(prefix) :]
    if first in _PREFIXES and prefix is None:
        return f"{first}-{second}"
    return None
