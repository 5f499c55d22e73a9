"""A criterion followed by its exceptions: all-of(criterion, TEXT).

"Neurological condition other than writer's cramp", "Pulmonary disease other than asthma",
"Any other malignancies within the past 5 years except curatively treated non-melanoma skin
cancer or in situ carcinoma of cervix uteri", "Use of antibiotics within 4 weeks (Except for
antimalarial prophylaxis)": the words before the exception read in full; the exception only
takes some of those patients out. Whoever the bullet names has what the head reads, so the
bullet means all-of(head, TEXT): not met when the record lacks the head, unknown otherwise —
never met. As an exclusion it excludes nobody; as an inclusion it fails only a patient without
the head at all.

That holds only while everything after the exception word belongs to the exception. The reading
refuses when it may not: a new sentence or a ";" after it, and an "or" that starts another
alternative ("… other than skin cancer or evidence of active cancer which would require …": a
patient without a malignancy may still be excluded). An "or" between the excepted names ("except
non-melanoma skin cancer or in situ carcinoma") is part of the exception. A negation in the head
refuses too: "No malignancy (except non-melanoma skin cancer)" narrowed is a wider inclusion.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion
from fhirtrial.eligibility.rules.narrowing_words import affirmed, kind_of

_EXCEPTION = re.compile(
    r"\s*[,(\-–]?\s*\b(?:other than|except(?:ion)?(?: for| of| that)?|excluding|with the exception"
    r" of|apart from|aside from|but not|not including)\b"
)
_TRIGGERS = ("other than", "except", "excluding", "apart from", "aside from", "but not")
_NEW_SENTENCE = re.compile(r"[;]|\.\s+\S|:\s*\S")
# An "or" that starts another alternative rather than naming one more exception.
_ANOTHER_ALTERNATIVE = re.compile(
    r"(?:,\s*|\)\s*)(?:or|and/or)\b"
    r"|\b(?:or|and/or) (?:any |an? |the )?(?:evidence|history|active|current|known|prior|previous"
    r"|presence|signs?|symptoms?|patients?|subjects?|participants?|those|who|use|treatment"
    r"|requiring|requires?|need|needs|has|have|had|is|are|was|were|with|on|receiving|received"
    r"|planned|scheduled|suspected|diagnos\w*|other|another|ongoing)\b"
)
_NEGATION = re.compile(r"(?<![\w-])(?:no|not|non|without|never|free|negative|neither|nor|none)\b")


def with_exceptions(
    normalized: str, text: str, read: Callable[[str], Criterion | None]
) -> Criterion | None:
    """all-of(the head read in full, TEXT) for "head other than / except …", or None.

    ``read`` reads a normalized text in full (the bullet's own list: inclusion or exclusion)."""
    if not any(word in normalized for word in _TRIGGERS):
        return None
    match = _EXCEPTION.search(normalized)
    if match is None or match.start() == 0:
        return None
    head, tail = normalized[: match.start()], normalized[match.end() :]
    if _NEW_SENTENCE.search(tail.rstrip(" .;,")) or _ANOTHER_ALTERNATIVE.search(tail):
        return None
    if _NEGATION.search(head) or "-free" in head:
        return None
    reading = read(head.strip(" ,;:-("))
    if reading is None or not affirmed(reading):
        return None
    return kind_of(reading, text)
