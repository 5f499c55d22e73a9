"""A current use of any medication, named without a class: "Taking prescribed medication",
"Ongoing use of prescription medication", "Patients currently taking any medications", "Use
of medications", "Regular medication use" (`Kind.MEDICATION`, concept
``prescription-medication``; `evaluation.any_medication` decides it).

Read only when the use is the whole bullet: "taking medication" followed by anything ("…
that may affect the outcome", "… for depression", "… (except contraception)", "… other than
metformin") names a narrower set of drugs, which a reading of any medication would widen; and
before it only who takes it ("Patients who are …", "Volunteers …") may stand, never a verb that
makes it something else ("unable to stop taking medication", "willing to avoid"). "Drugs" alone
is not read ("use of drugs" is as often a substance use), only "prescribed / prescription
drugs". "Regular", "daily", "chronic" narrow the use (`rules.use_duration`).
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match

CONCEPT = "prescription-medication"

_WHO = (
    r"(?:(?:patients?|subjects?|participants?|volunteers?|individuals?|persons?|people|those"
    r"|anyone|women|men|adults?)(?: who (?:are|is|were))? )?"
)
_LEAD = (
    r"(?:(?:currently|regularly|presently|chronically) )?(?:taking|using|receiving|on)"
    r"|(?:(?:current|ongoing|regular|chronic|daily|long-term) )*(?:use|usage|intake) of"
)
_KIND = r"(?:(?:prescribed|prescription|regular|chronic|daily|long-term|current) )?"
_NAME = (
    r"(?:medications?|medicines?|pharmacological treatments?|pharmacotherapy"
    r"|(?:(?<=prescribed )|(?<=prescription ))drugs?)"
)
_USE_AFTER = r"(?: (?:use|usage|intake))?"
# The whole bullet, after any negator the assembly reads ("No …", "Not …").
_WHOLE = re.compile(
    rf"^(?:(?:no|not|without) )?(?P<use>{_WHO}(?:(?:{_LEAD}) (?:any )?{_KIND}{_NAME}"
    rf"|(?:current |regular |chronic |daily )?(?:prescribed|prescription) (?:medications?"
    rf"|drugs?)|regular medications?){_USE_AFTER})\s*[.;]?$"
)
# Every match holds one of these (a cheap test before the regex).
_GATE = ("medic", "pharmac", "drug")


def find_any_medication(text: str) -> list[Match]:
    if len(text) > 90 or not any(word in text for word in _GATE):
        return []
    whole = _WHOLE.match(text)
    if whole is None:
        return []
    criterion = Criterion(Kind.MEDICATION, concept=CONCEPT, source_text="any medication")
    return [Match(criterion, whole.start("use"), whole.end("use"))]
