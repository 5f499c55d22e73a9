"""Allergies to named substances and current use of medication classes.

- Allergy ("Known hypersensitivity to iodinated contrast", "Allergy to penicillin", "Soy allergy",
  "Hypersensitivity for soya, eggs or peanuts"): `Kind.ALLERGY`, one leaf per substance the text
  names (an any-of for a list). Substances are those of the table below and every single drug
  of terminology/drug_names.json ("allergy to ceftriaxone or cefotaxime"); "another" / "other"
  before a class ("or to another cephalosporin") is that class. A list with any other item
  ("allergy to vancomycin or ascorbic acid"), the study drug, "severe" / "anaphylaxis" leave
  words over and the bullet stays text. "Or (to) any of the excipients" after a list, or a
  contraindication beside the allergy ("contraindication or allergy to ibuprofen"), is a TEXT
  member of the any-of: which excipients a product has, or what contraindicates it, is not in a
  record.
- Intolerance ("morphine intolerance", "allergy or intolerance to X"): the same leaves, with the
  qualifier ``intolerance``: a recorded intolerance meets them as an allergy does.
- Current medication ("Current use of anticoagulants", "Patients on immunosuppressive therapy",
  "Using insulin", "Concurrent use of strong inhibitors or inducers of CYP3A4", "chronic systemic
  corticosteroids"): `Kind.MEDICATION`, the concept a class of `terminology/medications.json`
  (or systemic corticosteroids of therapies.json), or a single drug of drug_names.json where
  words say it is used now ("currently taking spironolactone"); a window the text gives
  ("within 14 days prior to dosing") is attached by the compiler. Words that make the use past
  ("prior", "history", "previous") before the class leave the bullet to the prior-therapy rules
  or to text.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match, any_substring

# ---------------------------------------------------------------- allergy

# Substances as criteria name them → allergen concept (terminology/allergens.json, or a drug
# concept of medications.json).
_SUBSTANCES: tuple[tuple[str, str], ...] = (
    ("penicillin", r"penicillins?(?: antibiotics?)?"),
    ("cephalosporin", r"cephalosporins?(?: antibiotics?)?"),
    ("beta-lactam", r"(?:beta|β)[- ]?lactams?(?: antibiotics?)?"),
    (
        "local-anesthetic",
        r"local (?:anesthetics?|anaesthetics?|anesthetic agents?|anaesthetic agents?"
        r"|anesthesia|anaesthesia)",
    ),
    ("lidocaine", r"lidocaine|lignocaine|xylocaine"),
    (
        "nsaid",
        r"nsaids?|non-?steroidal anti-?inflammatory (?:drugs?|agents?|medications?)"
        r"(?: \(nsaids?\))?",
    ),
    ("ibuprofen", r"ibuprofen"),
    ("aspirin", r"aspirin|acetylsalicylic acid(?: \(asa\))?"),
    ("opioid", r"opioids?(?: (?:pain )?medications?| analgesics?)?|opiates?"),
    ("morphine", r"morphine"),
    ("vancomycin", r"vancomycin"),
    ("propofol", r"propofol"),
    ("metformin", r"metformin"),
    ("misoprostol", r"misoprostol"),
    ("tranexamic-acid", r"tranexamic acid(?: \(txa\))?|txa"),
    (
        "platinum-compound",
        r"platinum(?:[- ](?:based|containing))? (?:compounds?|agents?|drugs?|salts?"
        r"|chemotherapy)|platinum",
    ),
    (
        "iodinated-contrast",
        r"(?:iodinated|iodine[- ]based|iodine[- ]containing) (?:contrast|radiocontrast)"
        r"(?: media| medium| materials?| agents?| dyes?)?",
    ),
    ("latex", r"latex"),
    ("peanut", r"peanuts?"),
    ("egg", r"eggs?"),
    ("soy", r"soya?|soybeans?"),
    ("milk", r"(?:cow'?s )?milk(?: products?| proteins?)?|dairy(?: products?)?"),
    ("warfarin", r"warfarin"),
    ("heparin", r"heparin"),
    # Classes of medications.json.
    ("antibiotic", r"antibiotics?"),
    ("beta-blocker", r"(?:beta|β)[- ]?blockers?"),
    ("statin", r"statins?"),
    ("benzodiazepine", r"benzodiazepines?"),
    ("antiplatelet", r"anti-?platelet (?:agents?|drugs?|medications?)"),
    ("glp-1-receptor-agonist", r"glp-?1 (?:receptor )?(?:agonists?|analogues?|analogs?)"),
)
_SUBSTANCE_BY_NAME = tuple(
    (concept, re.compile(rf"(?:{pattern})(?![\w-])")) for concept, pattern in _SUBSTANCES
)
_ALLERGY_WORD = (
    r"(?:allerg(?:y|ies)|hypersensitivit(?:y|ies)|allergic reactions?|hypersensitivity reactions?"
    r"|intoleran(?:ce|ces|cy))"
)
# "allergy to", "hypersensitivity or allergy to", "allergic to", "hypersensitive for"; with a
# contraindication ("contraindication or allergy to ibuprofen") the allergy is one sufficient
# part and the rest stays a TEXT member.
_LEAD_WORD = rf"(?:{_ALLERGY_WORD}|(?:other )?contraindications?)"
_LEAD = re.compile(
    rf"(?<![\w-])(?:{_LEAD_WORD}(?:(?:,| or|, or| and/or|/)(?: an?)? {_LEAD_WORD})*"
    r"|(?:allergic|hypersensitive|intolerant)(?: (?:or|and/or) (?:allergic|hypersensitive"
    r"|intolerant))?) (?:to|for|against|towards|of) (?:the )?(?:use of )?"
)
# Between two listed substances.
_SEPARATOR = re.compile(
    r"(?:,? (?:or|and/or|and) (?:to )?|, (?:to )?|/|,)(?:(?:any )?(?:an)?other )?"
)
# "Soy allergy", "Vancomycin or tobramycin allergy": the list before the allergy word.
_TRAILING = re.compile(rf" {_ALLERGY_WORD}(?![\w-])")
# "… or (to) any of the excipients (of these drugs)": what a product contains besides the drug is
# not in a record, so it stays a TEXT member of the any-of.
_EXCIPIENTS = re.compile(
    r",?(?: (?:or|and/or|and))?,? (?:to )?(?:any (?:of )?)?(?:the |its |their |other |one of "
    r"(?:the |its |their )?)*(?:other )?(?:excipients?|components?|ingredients?|inactive "
    r"ingredients?|constituents?)(?: (?:of|in) (?:the |these |this |its |their |any |commercial )*"
    r"(?:drugs?|products?|medications?|medicines?|formulations?|preparations?|regimens?"
    r"|specialities concerned|specialties concerned)(?: thereof)?(?: \([^()]{1,40}\))?)?(?![\w-])"
)


def find_allergies(text: str) -> list[Match]:
    if "allerg" not in text and "hypersensitiv" not in text and "intoleran" not in text:
        return []
    found: list[Match] = []
    for lead in _LEAD.finditer(text):
        words = lead[0]
        if "allerg" not in words and "hypersensitiv" not in words and "intoleran" not in words:
            continue
        listed = _substance_list(text, lead.end())
        if listed is not None:
            concepts, end = listed
            intolerance = "intoleran" in words
            excipients = _EXCIPIENTS.match(text, end)
            if excipients is not None:
                end = excipients.end()
            rest = excipients is not None or "contraindicat" in words
            criterion = _allergy_criterion(concepts, intolerance, rest)
            found.append(Match(criterion, lead.start(), end))
    for trailing in _TRAILING.finditer(text):
        start = _list_before(text, trailing.start())
        if start is not None:
            concepts, begin = start
            intolerance = "intoleran" in trailing[0]
            criterion = _allergy_criterion(concepts, intolerance, False)
            found.append(Match(criterion, begin, trailing.end()))
    return found


def _substance_at(text: str, position: int) -> tuple[str, int] | None:
    best: tuple[str, int] | None = None
    for concept, pattern in _SUBSTANCE_BY_NAME:
        match = pattern.match(text, position)
        if match is not None and (best is None or match.end() > best[1]):
            best = (concept, match.end())
    drug = terminology.terminology().drug_at(text, position)
    if drug is not None and (best is None or drug[1] > best[1]):
        best = drug
    return best


def _substance_list(text: str, position: int) -> tuple[list[str], int] | None:
    """The substances listed from ``position`` on ("soya, eggs or peanuts"), and where the
    list ends; None when the first item is not a known substance."""
    first = _substance_at(text, position)
    if first is None:
        return None
    concepts, end = [first[0]], first[1]
    while separator := _SEPARATOR.match(text, end):
        item = _substance_at(text, separator.end())
        if item is None:
            break
        concepts.append(item[0])
        end = item[1]
    return concepts, end


def _list_before(text: str, end: int) -> tuple[list[str], int] | None:
    """The substances listed right before ``end`` ("vancomycin or tobramycin"), read from the
    start of the clause; None unless every word between is a substance or a separator."""
    clause_start = max(text.rfind(c, 0, end) for c in ",;.:(") + 1
    start = clause_start
    while start < end and text[start] == " ":
        start += 1
    for begin in range(start, end):
        if begin > start and text[begin - 1] not in " ":
            continue
        listed = _substance_list(text, begin)
        if listed is not None and listed[1] == end:
            return listed[0], begin
    return None


def _allergy_criterion(concepts: list[str], intolerance: bool, rest: bool) -> Criterion:
    """Allergy leaves (an any-of for a list), with a TEXT member when the text also names what a
    record does not hold (excipients, contraindications)."""
    qualifiers = ("intolerance",) if intolerance else ()
    leaves = tuple(
        Criterion(Kind.ALLERGY, concept=concept, qualifiers=qualifiers, source_text=concept)
        for concept in dict.fromkeys(concepts)
    )
    if rest:
        leaves = (*leaves, Criterion(Kind.TEXT, source_text="excipients or contraindications"))
    if len(leaves) == 1:
        return leaves[0]
    return Criterion(Kind.COMBINATION, children=leaves, combination="any-of")


# ---------------------------------------------------------------- current medication

_CYP = r"cyp ?3a(?:4(?:/5(?:/7)?)?)?"
_KIND_WORDS = r"(?: (?:medications?|drugs?|agents?|therap(?:y|ies)|treatments?|regimens?))?"
# (concepts, qualifiers, pattern): a class as criteria name it.
_CLASSES: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (
        ("anticoagulant",),
        ("therapeutic",),
        r"(?:therapeutic|full|full-dose|therapeutic-dose) anti-?coagulation"
        rf"(?: (?:therapy|treatment))?|therapeutic anti-?coagulants?{_KIND_WORDS}",
    ),
    (("oral-anticoagulant",), (), rf"oral anti-?coagula(?:nts?|tion){_KIND_WORDS}"),
    (
        ("anticoagulant",),
        (),
        rf"anti-?coagulants?{_KIND_WORDS}|anti-?coagulation(?: (?:therapy|treatment))?"
        r"|anticoagulative medications?|anti-?coagulant medications?",
    ),
    (("warfarin",), (), r"warfarin(?: \(coumadin\))?|coumadin"),
    (("heparin",), (), r"(?:unfractionated )?heparin(?: therapy| treatment)?"),
    (
        ("immunosuppressant",),
        (),
        r"(?:systemic )?immuno-?suppressive (?:medications?|drugs?|agents?|therap(?:y|ies)"
        r"|treatments?|regimens?)|immuno-?suppressants?(?: (?:medications?|drugs?|agents?"
        r"|therapy))?|immunosuppressors?",
    ),
    (("insulin",), (), r"insulin(?: therapy| treatment)?"),
    (
        ("strong-cyp3a4-inhibitor", "strong-cyp3a4-inducer"),
        (),
        rf"strong (?:{_CYP} )?(?:inhibitors? (?:or|and/or|and) (?:strong )?inducers?"
        rf"|inducers? (?:or|and/or|and) (?:strong )?inhibitors?) of {_CYP}"
        rf"|strong {_CYP} (?:inhibitors? (?:or|and/or|and) (?:strong )?(?:{_CYP} )?inducers?"
        rf"|inducers? (?:or|and/or|and) (?:strong )?(?:{_CYP} )?inhibitors?)",
    ),
    (
        ("strong-cyp3a4-inhibitor",),
        (),
        rf"strong {_CYP} inhibitors?|strong inhibitors? of {_CYP}",
    ),
    (
        ("strong-cyp3a4-inducer",),
        (),
        rf"strong {_CYP} inducers?|strong inducers? of {_CYP}",
    ),
    (
        ("systemic-corticosteroid",),
        (),
        # Only with a word that says systemic or long-term use: a bare "steroids" may be
        # topical or inhaled ones, which the class leaves out.
        r"(?:(?:chronic|long-term|daily|regular|prolonged) (?:systemic |oral )?|systemic |oral )"
        r"(?:cortico-?steroids?|glucocorticoids?|steroids?)"
        r"(?: (?:therapy|treatment|medications?|drugs?))?",
    ),
    (("antibiotic",), (), rf"(?:systemic |oral |intravenous |iv )?antibiotics?{_KIND_WORDS}"),
    (("beta-blocker",), (), rf"(?:beta|β)[- ]?blockers?{_KIND_WORDS}|beta[- ]adrenergic blockers?"),
    (
        ("calcium-channel-blocker",),
        (),
        rf"calcium[- ]channel blockers?{_KIND_WORDS}(?: \(ccbs?\))?",
    ),
    (("statin",), (), rf"statins?{_KIND_WORDS}|hmg[- ]coa reductase inhibitors?"),
    (("benzodiazepine",), (), rf"benzodiazepines?{_KIND_WORDS}"),
    (
        ("antidepressant",),
        (),
        rf"anti-?depressants?{_KIND_WORDS}|antidepressive (?:drugs?|medications?|agents?)",
    ),
    (
        ("antiplatelet",),
        (),
        rf"anti-?platelets?{_KIND_WORDS}|platelet aggregation inhibitors?",
    ),
    (("diuretic",), (), rf"diuretics?{_KIND_WORDS}"),
    (
        ("proton-pump-inhibitor",),
        (),
        r"proton[- ]pump inhibitors?(?: \(ppis?\))?",
    ),
    (
        ("glp-1-receptor-agonist",),
        (),
        r"glp-?1 (?:receptor )?(?:agonists?|analogues?|analogs?|ras?)",
    ),
    (("sglt2-inhibitor",), (), r"sglt-?2 inhibitors?|sglt-?2is?"),
    (("opioid",), (), rf"opioids?{_KIND_WORDS}|opioid (?:pain )?medications?|opiates?"),
    (
        ("nsaid",),
        (),
        r"nsaids?|non-?steroidal anti-?inflammatory (?:drugs?|agents?|medications?)"
        r"(?: \(nsaids?\))?",
    ),
    (
        ("antiepileptic",),
        (),
        r"anti-?epileptics?(?: (?:medications?|drugs?|agents?|therapy|treatment))?"
        r"|anti-?convulsants?(?: (?:medications?|drugs?|agents?|therapy))?"
        r"|anti-?seizure (?:medications?|drugs?)",
    ),
)
# Words before a class that say it is used now ("current use of", "taking", "patients on"),
# kept in the match because they are not filler elsewhere.
_USE_BEFORE = re.compile(
    r"(?:(?:current|concurrent|concomitant|ongoing|chronic|regular|long-term|daily) )?"
    r"(?:use|usage|intake|administration) of (?:an? |the )?$"
    r"|(?:currently |regularly |concurrently |presently )?(?:taking|using|takes|take|uses"
    r"|use) (?:an? )?$"
    r"|(?:current|concurrent|concomitant|ongoing|chronic|long-term) $"
)
_USE_AFTER = re.compile(r" (?:use|usage|users?|intake)(?![\w-])")
# Words that make the use past or hypothetical: the bullet is not about current use.
_NOT_CURRENT = re.compile(
    r"\b(?:prior|previous|previously|history|past|ever|had|former|formerly|discontinued"
    r"|stopped|planned|planning|plan|intend|intends|expected|expectation|anticipated|need"
    r"|needs|indicated|indication|candidate|contraindications?|recent|recently|before"
    r"|preoperative|postoperative)\b"
)
# A class named for what it causes or how it is resisted, not for its use ("opioid dependence",
# "antibiotic resistance", "benzodiazepine withdrawal"): a diagnosis, or text.
_NOT_USE_AFTER = (
    r"(?! (?:dependence|dependency|addiction|abuse|misuse|use disorder|withdrawal|overdose"
    r"|resistan\w*|prophylaxis|naive|naïve|tolerant|induced|associated|related|stewardship"
    r"|prescri\w*|receptor))"
)
_CLASS_PATTERNS = tuple(
    (
        concepts,
        qualifiers,
        re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-]){_NOT_USE_AFTER}"),
    )
    for concepts, qualifiers, pattern in _CLASSES
)
_MEDICATION_TRIGGERS = any_substring(
    (
        "coagula",
        "warfarin",
        "coumadin",
        "heparin",
        "immuno",
        "insulin",
        "cyp",
        "epilep",
        "convuls",
        "seizure",
        "steroid",
        "glucocortic",
        "antibiotic",
        "blocker",
        "statin",
        "hmg",
        "benzodiazepin",
        "depress",
        "platelet",
        "diuretic",
        "proton",
        "glp",
        "sglt",
        "opi",
        "nsaid",
        "inflammatory",
    )
)
# "Currently taking spironolactone", "current use of metformin or glibenclamide", "concomitant
# treatment with tacrolimus": a single drug (terminology/drug_names.json) after words that say it
# is used now; the drug alone says nothing of use.
_DRUG_USE_LEAD = re.compile(
    r"(?<![\w-])(?:(?:(?:current|concurrent|concomitant|ongoing|chronic|regular|long-term|daily)"
    r" )?(?:use|usage|intake|administration) of"
    r"|(?:current|concurrent|concomitant|ongoing|chronic|long-term) (?:treatment|therapy) with"
    r"|(?:currently |regularly |concurrently |presently )?(?:taking|using|treated with"
    r"|receiving treatment with|on treatment with|on therapy with)) (?:an? |the )?"
)
_DRUG_SEPARATOR = re.compile(r",? (?:or|and/or) |, |/")
_AND_FOLLOWS = re.compile(r",? and ")


def find_medications(text: str) -> list[Match]:
    found = _drug_uses(text) if _USE_WORDS.search(text) else []
    if _MEDICATION_TRIGGERS.search(text) is None:
        return found
    for concepts, qualifiers, pattern in _CLASS_PATTERNS:
        for match in pattern.finditer(text):
            before = text[: match.start()]
            clause = before[max(before.rfind(c) for c in ";.") + 1 :]
            if _NOT_CURRENT.search(clause):
                continue
            start, end = match.start(), match.end()
            if use := _USE_BEFORE.search(before):
                start = use.start()
            if after := _USE_AFTER.match(text, end):
                end = after.end()
            found.append(Match(_medication_criterion(concepts, qualifiers), start, end))
    return found


_USE_WORDS = any_substring(("use", "usage", "intake", "administration", "taking", "using", "with"))


def _drug_uses(text: str) -> list[Match]:
    found: list[Match] = []
    vocabulary = terminology.terminology()
    for lead in _DRUG_USE_LEAD.finditer(text):
        before = text[: lead.start()]
        clause = before[max(before.rfind(c) for c in ";.") + 1 :]
        if _NOT_CURRENT.search(clause):
            continue
        drug = vocabulary.drug_at(text, lead.end())
        if drug is None:
            continue
        concepts, end = [drug[0]], drug[1]
        alternatives = False
        while separator := _DRUG_SEPARATOR.match(text, end):
            item = vocabulary.drug_at(text, separator.end())
            if item is None:
                break
            concepts.append(item[0])
            alternatives = alternatives or separator.group(0) != ", "
            end = item[1]
        if len(concepts) > 1 and (not alternatives or _AND_FOLLOWS.match(text, end)):
            continue  # "taking aspirin, clopidogrel and statin": all of them, not any
        criterion = _medication_criterion(tuple(dict.fromkeys(concepts)), ())
        found.append(Match(criterion, lead.start(), end))
    return found


def _medication_criterion(concepts: tuple[str, ...], qualifiers: tuple[str, ...]) -> Criterion:
    leaves = tuple(
        Criterion(Kind.MEDICATION, concept=concept, qualifiers=qualifiers, source_text=concept)
        for concept in concepts
    )
    if len(leaves) == 1:
        return leaves[0]
    return Criterion(Kind.COMBINATION, children=leaves, combination="any-of")
