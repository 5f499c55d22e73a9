"""Prior systemic anticancer therapy named by its umbrella words (`Kind.PRIOR_THERAPY`,
concept ``systemic-anticancer-therapy``: every antineoplastic, endocrine, targeted and immune
therapy of terminology/therapies.json): "Prior systemic anticancer therapy", "previous systemic
anti-cancer treatment", "received anti-cancer drugs within 4 weeks before the first dose",
"prior systemic therapy for metastatic disease".

- "Systemic anticancer / antineoplastic therapy", "anticancer / antineoplastic drugs (agents,
  medications)": the concept itself.
- "Anticancer therapy / treatment" without "systemic" takes in radiotherapy and surgery too:
  any-of(the concept, TEXT) — a drug course meets it, none leaves it unknown.
- "Systemic therapy / treatment" says cancer only when a cancer setting follows ("for metastatic
  disease", "for advanced breast cancer"): all-of(the concept, TEXT), the setting being text (a
  course given for another cancer, or before the metastases, is not one). Bare "prior systemic
  therapy" is as often a psoriasis or lupus treatment: text.

Only a use said past ("prior", "previous", "history of", "received", "treated with") or bounded
by the window the compiler attaches ("… within 4 weeks"); a current, planned, other or
investigational therapy ("receiving any other anticancer therapy", "scheduled to receive") stays
text. The evaluator doubts drugs with other uses (weekly methotrexate, cyclophosphamide without
a cancer on record) as it does for chemotherapy.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import WINDOW_LAST, WINDOW_WITHIN, Match

CONCEPT = "systemic-anticancer-therapy"
_GATE = ("cancer", "neoplastic", "systemic")
_NOUN = r"(?:therap(?:y|ies)|treatments?|regimens?)"
_DRUGS = r"(?:drugs?|agents?|medications?|medicines?)"
_ANTI = r"(?:anti-? ?cancer|anti-?neoplastic|cancer)"
_NAME = re.compile(
    rf"(?<![\w-])(?:(?P<systemic>systemic (?:{_ANTI}|oncologic(?:al)?) (?:{_NOUN}|{_DRUGS}))"
    rf"|(?P<drugs>(?:anti-? ?cancer|anti-?neoplastic) {_DRUGS})"
    rf"|(?P<wide>(?:anti-? ?cancer|anti-?neoplastic) {_NOUN})"
    rf"|(?P<bare>systemic {_NOUN}))(?![\w-])"
)
# Words before the name that make it a past use.
_PAST = re.compile(
    r"(?<![\w-])(?:prior|previous|previously|history of|received|receipt of|had|have had"
    r"|treated with|treatment with|exposure to|pretreated with)(?![\w-])"
)
# Words that make it something else than a course given (planned, current, another one).
_NOT_GIVEN = re.compile(
    r"(?<![\w-])(?:other|another|investigational|planned|plan|scheduled|will|candidate|eligible"
    r"|need|needs|requir\w*|start\w*|initiat\w*|current|currently|concurrent|concomitant"
    r"|ongoing|receiving|during|except|excluding|unless|lines?|regimens? of|fail\w*|progress\w*"
    r"|refractory|intoleran\w*|respon\w*|naive|naïve)(?![\w-])"
)
# "… for metastatic disease", "for advanced or metastatic breast cancer": a cancer setting.
_SETTING = re.compile(
    r" for (?:the |an? |their |his |her )?(?:[\w/-]+ ){0,5}?(?:disease|cancer|carcinoma"
    r"|malignan\w*|tumou?rs?|neoplasms?|lymphoma|leukemia|leukaemia|melanoma|sarcoma|myeloma"
    r"|nsclc|sclc|crc|mcrpc|crpc|mbc|hcc|rcc)(?![\w-])"
)
_SETTING_WORDS = re.compile(
    r"metasta|advanced|recurren|unresectable|cancer|carcinoma|malignan|tumou?r|neoplasm"
    r"|lymphoma|leuk|melanoma|sarcoma|myeloma|nsclc|sclc|crc|crpc|mbc|hcc|rcc"
)
# What may follow the name (or its setting): the end of the clause, or a window.
_TAIL = re.compile(r"(?=\s*$|[.;,)]|\s*\(|\s+(?:with)?in\s|\s+during the (?:past|last|previous))")


def find_anticancer_therapy(text: str) -> list[Match]:
    if not any(word in text for word in _GATE):
        return []
    found: list[Match] = []
    for name in _NAME.finditer(text):
        before = text[: name.start()]
        clause = before[max(before.rfind(c) for c in ";.:") + 1 :]
        if _NOT_GIVEN.search(clause):
            continue
        end = name.end()
        setting = _SETTING.match(text, end)
        if setting is not None and not _SETTING_WORDS.search(setting[0]):
            setting = None
        if name["bare"] and setting is None:
            continue  # "prior systemic therapy": psoriasis, lupus … as often as cancer
        if setting is not None:
            if name["wide"]:
                continue  # "anticancer therapy for MBC": its radiotherapy too, in that setting
            end = setting.end()
        if _TAIL.match(text, end) is None:
            continue  # "… for lichen sclerosus", "… and radiotherapy": more than it says
        windowed = _window_after(text, end)
        past = _PAST.search(clause)
        if past is None and not windowed:
            continue
        leaf = Criterion(Kind.PRIOR_THERAPY, concept=CONCEPT, source_text=name[0])
        if setting is not None:
            criterion = _combine("all-of", leaf, "the setting it was given in")
        elif name["wide"]:
            criterion = _combine("any-of", leaf, "radiotherapy or surgery against the cancer")
        else:
            criterion = leaf
        found.append(Match(criterion, past.start() if past else name.start(), end))
    return found


def _combine(code: str, leaf: Criterion, what: str) -> Criterion:
    return Criterion(
        Kind.COMBINATION,
        children=(leaf, Criterion(Kind.TEXT, source_text=what)),
        combination="all-of" if code == "all-of" else "any-of",
    )


def _window_after(text: str, end: int) -> bool:
    gap = re.compile(r",? \(?").match(text, end)
    position = gap.end() if gap else end
    return bool(WINDOW_WITHIN.match(text, position) or WINDOW_LAST.match(text, position))
