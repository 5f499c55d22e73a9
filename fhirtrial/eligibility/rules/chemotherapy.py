"""Chemotherapy named without a drug class: "Prior chemotherapy", "No prior systemic
chemotherapy", "Chemotherapy within 4 weeks prior to the first dose", "Currently receiving
chemotherapy".

"Chemotherapy" is read as cytotoxic chemotherapy (`cytotoxic-chemotherapy`, therapies.json):
not targeted therapy, immunotherapy or endocrine therapy, which oncologists and protocols name
apart ("chemotherapy, immunotherapy or targeted therapy"). The evaluator keeps the reading
safe where a record cannot tell (evaluation/chemotherapy.py): methotrexate or cyclophosphamide
given for a disease other than cancer, a low weekly dose, or a patient with no cancer on record
leave the answer unknown.

Read only where the words say when:
- a past word in the clause ("prior", "previous", "history of", "received", "treated with") or a
  window after ("… within 4 weeks prior to the first dose", attached by the assembly) → a prior
  therapy (any use up to now, or in the window);
- "currently receiving", "receiving", "undergoing", "on" just before → a current use
  (`medication` kind), "current or prior" → a prior therapy (any use up to now).
A bare "chemotherapy" (the study's own, or one that is needed, planned, refused), a kind of
chemotherapy named by a word before it ("platinum-based", "adjuvant", "induction",
"intrathecal", "high-dose", "lymphodepleting" …) or after it ("for metastatic disease", "in the
adjuvant setting", "-naive", "-induced") stays for other rules or text.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match

CONCEPT = "cytotoxic-chemotherapy"

_NAME = re.compile(
    r"(?<![\w-])(?:(?:cytotoxic|systemic) )?(?:chemotherapy|chemotherapies|chemo"
    r"|chemotherapeutic (?:agents?|drugs?|treatment))(?: (?:treatment|agents?|drugs?))?(?![\w-])"
)
# The word before the name (after any "cytotoxic"/"systemic"): only these leave the name as
# chemotherapy in general; any other ("platinum-based", "adjuvant", "induction") says a kind.
_BEFORE_OK = frozenset(
    {
        *("prior", "previous", "previously", "any", "no", "of", "with", "had", "received"),
        *("receiving", "receive", "currently", "undergoing", "on", "or", "and", "and/or"),
        *("history", "ever", "underwent", "undergone", "other", "nor", ",", "(", "past"),
        *("recent", "recently"),
    }
)
# "Previous exposure to chemotherapy".
_EXPOSED = re.compile(r"\bexposure to (?:(?:cytotoxic|systemic) )?$")
_LAST_WORD = re.compile(r"(and/or|[\w'/-]+|[,(])\s*$")
# After the name: a hyphen compound ("chemotherapy-naive", "-induced"), a setting, an
# indication or a manner that narrows it.
_AFTER_NARROWS = re.compile(
    r"[-/]|\s*\((?!\s*(?:e\.g|i\.e|such as|including)\b)|"
    r" (?:for|in|as|given|administered|with(?!in)|containing|including|except|other than"
    r"|unless|regimens?|lines?|cycles?|courses?|naive|naïve|induced|related|associated"
    r"|resistant|refractory|sensitive|intoleran\w*|is|are|was|were|will|must|should"
    r"|may|can|allowed|permitted|plus|followed)\b"
)
# "… for cancer", "for the treatment of cancer", "for cancer treatment": chemotherapy's own
# purpose, read with it (the evaluator requires a cancer use).
_FOR_CANCER = re.compile(
    r" for (?:the )?(?:treatment of )?(?:(?:a|any|their|his|her) )?(?:cancer|malignancy"
    r"|malignant disease|neoplastic disease)(?: treatment)?(?![\w-])"
)
# Words before the name that make it one needed, planned, refused or going on with something
# else — not a course given.
_NOT_GIVEN = re.compile(
    r"\b(?:requir\w*|need\w*|candidates?|scheduled|planned|planning|plan|awaiting|eligible"
    r"|ineligible|indicat\w*|will|expected|anticipated|contraindicat\w*|unfit|refus\w*|declin\w*"
    r"|suitable|amenable|waiting|consider\w*|intend\w*|referr\w*|after|post|following|during"
    r"|concurrent\w*|concomitant\w*|tolerat\w*|able|unable|fit|naive|before|prior to|except"
    r"|other than|besides|instead)\b"
)
_PAST = re.compile(
    r"\b(?:prior|previous|previously|history|had|received|treated|underwent|undergone|ever"
    r"|past|s/p|status post|recent|recently|exposure)\b"
)
_CURRENT = re.compile(
    r"(?:(?:currently|presently|actively|still) )?(?:receiving|undergoing|on)"
    r"(?: (?:active|ongoing))? $|(?:current|ongoing|active) $"
)
_CURRENT_OR_PAST = re.compile(
    r"\b(?:current|concurrent|ongoing) (?:or|and/or) (?:prior|previous)\b"
)
_LIST_GOES_ON = re.compile(r"\s*(?:,|/|(?:or|and|and/or|nor)\b)")
_WINDOW_AFTER = re.compile(
    r",? (?:with)?in (?:the )?(?:last|past|previous|preceding|\d|one|two|three|four|six)"
)


def find_chemotherapy(text: str) -> list[Match]:
    found: list[Match] = []
    if "chemo" not in text:
        return found
    for match in _NAME.finditer(text):
        before = text[: match.start()]
        last = _LAST_WORD.search(before)
        exposed = _EXPOSED.search(before)
        if last is not None and last[1] not in _BEFORE_OK and not exposed:
            continue
        start = exposed.start() if exposed else match.start()
        end = match.end()
        purpose = _FOR_CANCER.match(text, end)
        if purpose:
            end = purpose.end()
        elif _AFTER_NARROWS.match(text, end):
            continue
        clause = before[max(before.rfind(c) for c in ";:.") + 1 :]
        if _NOT_GIVEN.search(clause):
            continue
        current = _CURRENT.search(clause)
        if current and not _CURRENT_OR_PAST.search(clause):
            if _LIST_GOES_ON.match(text, end):
                # "undergoing chemotherapy, radiation therapy or targeted therapy": the other
                # finders would read the next items as given at any time, not now.
                continue
            criterion = Criterion(Kind.MEDICATION, concept=CONCEPT, source_text="chemotherapy")
            found.append(Match(criterion, len(before) - len(current[0]), end))
            continue
        if not (_PAST.search(clause) or _WINDOW_AFTER.match(text, end)):
            continue
        criterion = Criterion(Kind.PRIOR_THERAPY, concept=CONCEPT, source_text="chemotherapy")
        found.append(Match(criterion, start, end))
    return found
