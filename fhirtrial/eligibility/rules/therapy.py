"""Prior therapy by class (RxNorm / ATC), lines of therapy, cell therapy, steroids, vaccines,
life expectancy.

A single drug of terminology/drug_names.json is a prior therapy where words say it was given
before ("prior treatment with rituximab", "previously treated with ibrutinib or acalabrutinib",
"current or prior use of methotrexate": any use up to now).
"""

from __future__ import annotations

import re

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import EVENT_LAST_DOSE, Count, Criterion, Kind, evolve
from fhirtrial.eligibility.rules.base import (
    CMP,
    NUMBER,
    Match,
    Triggers,
    comparator,
    remember_recent,
    threshold_matches,
    window_of,
    word_number,
)

_CLASSES: tuple[tuple[tuple[str, ...], str], ...] = (
    # One class or the other (any-of): "a BRAF inhibitor with or without a MEK inhibitor", as
    # the lifileucel label says; patients treated before combinations had a BRAF one alone.
    # "BRAF and MEK inhibitors" may name the combination as well: it stays text.
    (("braf-inhibitor", "mek-inhibitor"), r"braf/mek inhibitors?"),
    (
        ("anti-pd-1-pd-l1",),
        r"(?:anti-)?pd-1/ ?(?:anti-)?pd-l1(?: blocking)?(?: antibody| antibodies| inhibitors?)?"
        r"|anti-pd-(?:l)?1(?: blocking)?(?: antibody| antibodies| therapy)?"
        r"|pd-(?:l)?1 (?:blocking antibody|inhibitors?)",
    ),
    (("anti-ctla-4",), r"anti-ctla-?4(?: antibody| antibodies| therapy)?|ipilimumab"),
    (("braf-inhibitor",), r"braf inhibitors?"),
    (("mek-inhibitor",), r"mek inhibitors?"),
    (
        ("platinum-chemotherapy",),
        r"platinum[- ]doublet(?: chemotherapy)?|platinum[- ]based (?:chemotherapy|therapy|doublet)"
        r"|platin-based chemotherapy|platinum chemotherapy",
    ),
    (("egfr-inhibitor",), r"egfr (?:tkis?|tyrosine kinase inhibitors?|inhibitors?)"),
    (("alk-inhibitor",), r"alk (?:tkis?|inhibitors?)"),
    (("targeted-therapy",), r"targeted therap(?:y|ies)"),
    (("anthracycline",), r"anthracyclines?(?:[- ]based (?:chemotherapy|therapy|regimens?))?"),
    (("taxane",), r"taxanes?(?:[- ]based (?:chemotherapy|therapy|regimens?))?"),
    (("cdk4-6-inhibitor",), r"cdk ?4/6 ?(?:inhibitors?|i)"),
    (
        ("cell-therapy",),
        r"(?:prior )?(?:adoptive )?cell transfer therapy(?: including til and car-t therapies)?"
        r"|any form of cell therapy(?: involving prior conditioning"
        r" chemotherapy)?|cell therapy",
    ),
    # CAR-T is one kind of cell therapy: a TIL infusion or a stem cell transplant is not one.
    (("car-t-cell-therapy",), r"car-t(?: cell)? therapy"),
)
# Substrings every match of a class pattern contains (the prefilter before its regex), in
# `_CLASSES` order.
_CLASS_TRIGGERS: tuple[tuple[str, ...], ...] = (
    ("braf",),
    ("pd-",),
    ("ctla", "ipilimumab"),
    ("braf",),
    ("mek",),
    ("platin",),
    ("egfr",),
    ("alk",),
    ("targeted",),
    ("anthracycl",),
    ("taxane",),
    ("cdk",),
    ("cell",),
    ("car-t",),
)
_CLASS_PATTERNS = tuple(
    (concepts, re.compile(rf"(?<![\w-])(?:{p})(?![\w-])")) for concepts, p in _CLASSES
)
# The triggers of every class (the shared scan, `base.triggers_in`), and each trigger → the
# positions of its classes in `_CLASS_PATTERNS`: no substring test per class.
_CLASS_WORDS = Triggers(word for triggers in _CLASS_TRIGGERS for word in triggers)
_CLASSES_OF = {
    word: tuple(index for index, triggers in enumerate(_CLASS_TRIGGERS) if word in triggers)
    for triggers in _CLASS_TRIGGERS
    for word in triggers
}
# "… in an adjuvant setting" / "in the (neo)adjuvant setting" / "in neo/adjuvant therapy" after a
# class (or a list of classes joined by "and"): the therapy was given before or after curative
# surgery. The qualifier makes a recorded course `unknown` (the setting is not computable) while
# no course at all stays `not-met`.
_SETTING = re.compile(
    r" (?:in|as|during) (?:an? |the )?(?:neo/adjuvant|\(neo\) ?adjuvant|neoadjuvant/adjuvant"
    r"|neoadjuvant (?:or|and/or) adjuvant|adjuvant|neoadjuvant)(?: setting| therapy| treatment)?"
)
_AND_A = re.compile(r"\s*(?:,|,? and|,? plus)\s*(?:an? |both )?")
_PROGRESSED = re.compile(
    r"(?:have |has )?progressed (?:on|during/after|during or after|after|following|on or after)\s*$"
)
_LAST_DOSE = re.compile(
    r"(?:(?:have |has )?progressed )?within (?P<n>\d+) (?P<unit>day|week"
    r"|month)s? (?:of|after|from) "
    r"(?:the )?last dose of (?:an? )?$"
)
# Words before a drug class that make it a use now ("currently receiving", "on", "undergoing")
# and words that make it any use before ("prior", "received", "history of").
_NOW = re.compile(
    r"\b(?:currently|current|receiving|undergoing|ongoing|on-going|concurrent|concomitant"
    r"|active|actively|presently|still|continuing|under)\b|(?:^|\s)on\s+(?:\w+\s+)?$"
)
_PAST = re.compile(
    r"\b(?:prior|previous|previously|history|received|had|treated|exposure|exposed|ever"
    r"|before|past|former|pretreated|pre-treated|naive|failed|progressed|after|following)\b"
)
_LINES = re.compile(
    rf"(?:{CMP}\s*)?(?P<n>\d+)(?:\s*(?:-|to)\s*(?P<n2>\d+))? (?:prior )?lines? of (?:prior )?"
    r"(?:systemic )?(?:therapy|treatment|anti-?cancer therapy)(?! for)"
)
# "No more than one prior chemotherapeutic regimen in the metastatic setting", "<= 2 prior lines
# of chemotherapy for metastatic disease": chemotherapy lines counted from the date metastatic
# disease was first recorded (qualifier ``metastatic-setting``). Only an upper bound: a line given
# before the metastasis was recorded never counts against the patient.
METASTATIC_SETTING = "metastatic-setting"
_CHEMO_IN_METASTATIC_SETTING = re.compile(
    r"(?:<=|(?P<fewer>fewer than|less than|<))\s*(?P<n>\d|one|two|three|four|five) (?:prior )?"
    r"(?:(?:lines?|regimens?) of (?:prior )?(?:cytotoxic )?chemotherapy|(?:cytotoxic )?"
    r"(?:chemotherapy|chemotherapeutic|chemotherapies)(?: regimens?| lines?)?)"
    r" (?:in the metastatic setting|for metastatic disease|for advanced disease"
    r"|for advanced (?:or|and/or) metastatic disease)"
)
_TARGETED_COUNT = re.compile(rf"{CMP}\s*(?P<n>\d+) (?:prior )?targeted therap(?:y|ies)")
_STEROID = re.compile(
    r"(?:chronic )?(?:systemic )?(?:steroid|corticosteroid)s?(?: therapy"
    rf"| treatment)?(?: of)?\s*{CMP}\s*"
    rf"{NUMBER}\s*mg(?:/| per | a )?(?:day|d"
    r"|daily)(?: (?:of )?prednisone(?: or (?:another|an|other) "
    r"(?:steroid )?equivalent(?: dose)?| or equivalent| equivalent)?)?"
)
_VACCINE = re.compile(
    r"(?:a )?(?:live(?:,| or| and/or)? (?:or )?(?:attenuated )?|live-virus |live attenuated )"
    r"(?:vaccines?|vaccinations?)(?: \(e\.g\., flumist\))?"
)
_LIFE_EXPECTANCY = re.compile(
    rf"(?:estimated )?life expectancy(?: of)?\s*(?:{CMP}\s*)?(?P<n>\d+) "
    r"(?P<unit>week|month|year)s?(?: or more)?"
)
_UNITS = {"week": "wk", "month": "mo", "year": "a"}
_DRUG_COURSE = re.compile(
    r"(?<![\w-])(?:(?:(?:current|concurrent|ongoing) or )?(?:prior|previous)(?: or (?:current"
    r"|concurrent|ongoing))? (?:treatment|therapy|use|exposure|administration) (?:with|of|to)"
    r"|previously (?:treated|exposed) (?:with|to)|history of (?:treatment with|use of)"
    r"|(?:prior|previous) exposure to) (?:an? |any |the )?"
)
_DRUG_SEPARATOR = re.compile(r",? (?:or|and/or) |, |/")


@remember_recent(8)
def find_therapies(text: str) -> list[Match]:
    found: list[Match] = []
    named = sorted({index for word in _CLASS_WORDS.found_in(text) for index in _CLASSES_OF[word]})
    for concepts, pattern in (_CLASS_PATTERNS[index] for index in named):
        for match in pattern.finditer(text):
            before = text[: match.start()]
            qualifiers: tuple[str, ...] = ()
            window = None
            start = match.start()
            if dose := _LAST_DOSE.search(before):
                n = int(dose["n"])
                window = window_of((0, "day"), (n, dose["unit"]), EVENT_LAST_DOSE)
                qualifiers = ("progressed",)
                start = dose.start()
            elif progressed := _PROGRESSED.search(before):
                qualifiers = ("progressed",)
                start = progressed.start()
            children = tuple(
                Criterion(
                    Kind.PRIOR_THERAPY,
                    concept=c,
                    qualifiers=qualifiers,
                    window=window,
                    source_text=c,
                )
                for c in concepts
            )
            criterion = (
                children[0]
                if len(children) == 1
                else Criterion(Kind.COMBINATION, children=children, combination="any-of")
            )
            if not qualifiers and _NOW.search(before) and not _PAST.search(before):
                # "Currently receiving anti-PD-1 therapy": a use now, not any use ever (a course
                # of 2019 is not one). Whether a recorded course goes on is the reader's: a
                # patient never given the class does not meet it; one given it is unknown.
                now = Criterion(Kind.TEXT, source_text=match.group(0))
                criterion = Criterion(
                    Kind.COMBINATION, children=(criterion, now), combination="all-of"
                )
            found.append(Match(criterion, start, match.end()))
    if "adjuvant" in text and found:
        found = _in_setting(text, found)
    if "line" in text:
        found.extend(_lines(text))
    if "targeted" in text:
        found.extend(_targeted_count(text))
    if "chemothera" in text and ("metasta" in text or "advanced" in text):
        found.extend(_chemotherapy_in_metastatic_setting(text))
    if "steroid" in text:
        found.extend(_steroid(text))
    if "vaccin" in text:
        found.extend(
            Match(Criterion(Kind.VACCINE, concept="live-vaccine"), m.start(), m.end())
            for m in _VACCINE.finditer(text)
        )
    if "life expectancy" in text:
        found.extend(_life_expectancy(text))
    if "prior" in text or "previous" in text or "history" in text:
        found.extend(_drug_courses(text))
    return found


def _drug_courses(text: str) -> list[Match]:
    found: list[Match] = []
    vocabulary = terminology.terminology()
    for lead in _DRUG_COURSE.finditer(text):
        drug = vocabulary.drug_at(text, lead.end())
        if drug is None:
            continue
        concepts, end = [drug[0]], drug[1]
        while separator := _DRUG_SEPARATOR.match(text, end):
            item = vocabulary.drug_at(text, separator.end())
            if item is None:
                break
            concepts.append(item[0])
            end = item[1]
        leaves = tuple(
            Criterion(Kind.PRIOR_THERAPY, concept=c, source_text=c) for c in dict.fromkeys(concepts)
        )
        criterion = (
            leaves[0]
            if len(leaves) == 1
            else Criterion(Kind.COMBINATION, children=leaves, combination="any-of")
        )
        found.append(Match(criterion, lead.start(), end))
    return found


def _in_setting(text: str, found: list[Match]) -> list[Match]:
    """Qualify "adjuvant" the classes a setting phrase follows: "an anthracycline and a taxane in
    an adjuvant setting" qualifies both."""
    ordered = sorted(found, key=lambda m: m.start)
    qualified: dict[int, Match] = {}
    follows = False
    for index in range(len(ordered) - 1, -1, -1):
        match = ordered[index]
        setting = _SETTING.match(text, match.end)
        nxt = ordered[index + 1] if index + 1 < len(ordered) else None
        joined = (
            follows and nxt is not None and _AND_A.fullmatch(text, match.end, nxt.start) is not None
        )
        if not (setting or joined) or match.criterion.kind is not Kind.PRIOR_THERAPY:
            follows = False
            continue
        criterion = evolve(match.criterion, qualifiers=(*match.criterion.qualifiers, "adjuvant"))
        qualified[index] = Match(criterion, match.start, setting.end() if setting else match.end)
        follows = True
    return [qualified.get(i, m) for i, m in enumerate(ordered)]


def _lines(text: str) -> list[Match]:
    found: list[Match] = []
    for match in _LINES.finditer(text):
        n = int(match["n"])
        count = Count(n, int(match["n2"])) if match["n2"] else _count(match["cmp"] or "=", n)
        criterion = Criterion(
            Kind.PRIOR_THERAPY, concept="systemic-anticancer-therapy", count=count
        )
        found.append(Match(criterion, match.start(), match.end()))
    return found


def _targeted_count(text: str) -> list[Match]:
    found: list[Match] = []
    for match in _TARGETED_COUNT.finditer(text):
        before = text[: match.start()]
        progressed = _PROGRESSED.search(before)
        criterion = Criterion(
            Kind.PRIOR_THERAPY,
            concept="targeted-therapy",
            count=_count(match["cmp"], int(match["n"])),
            qualifiers=("progressed",) if progressed else (),
        )
        found.append(
            Match(criterion, progressed.start() if progressed else match.start(), match.end())
        )
    return found


def _chemotherapy_in_metastatic_setting(text: str) -> list[Match]:
    found: list[Match] = []
    for match in _CHEMO_IN_METASTATIC_SETTING.finditer(text):
        n = word_number(match["n"])
        if n is None:
            continue
        criterion = Criterion(
            Kind.PRIOR_THERAPY,
            concept="cytotoxic-chemotherapy",
            count=Count(None, n - 1 if match["fewer"] else n),
            qualifiers=(METASTATIC_SETTING,),
        )
        found.append(Match(criterion, match.start(), match.end()))
    return found


def _steroid(text: str) -> list[Match]:
    return threshold_matches(
        _STEROID, text, Kind.CORTICOSTEROID_DOSE, "systemic-corticosteroid", "mg/d"
    )


def _life_expectancy(text: str) -> list[Match]:
    found: list[Match] = []
    for match in _LIFE_EXPECTANCY.finditer(text):
        criterion = Criterion(
            Kind.LIFE_EXPECTANCY,
            concept="life-expectancy",
            comparator=comparator(match["cmp"] or ">="),
            value=float(match["n"]),
            unit=_UNITS[match["unit"]],
        )
        found.append(Match(criterion, match.start(), match.end()))
    return found


def _count(symbol: str, n: int) -> Count:
    return {
        "<=": Count(None, n),
        "<": Count(None, n - 1),
        ">=": Count(n, None),
        ">": Count(n + 1, None),
        "=": Count(n, n),
    }[symbol]
