"""Allergies to named substances and current use of medication classes.

- Allergy ("Known hypersensitivity to iodinated contrast", "Allergy to penicillin", "Soy allergy",
  "Hypersensitivity for soya, eggs or peanuts"): `Kind.ALLERGY`, one leaf per substance the text
  names (an any-of for a list). Substances are those of the table below (foods: "Food
  allergies/intolerances" is an allergy to any food, `food`), every single drug of
  terminology/drug_names.json ("allergy to ceftriaxone or cefotaxime") and the brand names of
  medications.json read as their generic drug ("Pitocin®" → oxytocin); "another" / "other"
  before a class ("or to another cephalosporin") is that class. A list with any other item
  ("allergy to vancomycin or ascorbic acid"), the study drug, "severe" / "anaphylaxis" leave
  words over and the bullet stays text. "Or (to) any of the excipients" after a list, "any
  ingredient of" before it, or a contraindication or a reaction not said to be allergic beside
  the allergy ("contraindication or allergy to ibuprofen", "allergy, or significant reaction
  to") is a TEXT member of the any-of: which excipients a product has, or what contraindicates
  it, is not in a record.
- Intolerance ("morphine intolerance", "allergy or intolerance to X"): the same leaves, with the
  qualifier ``intolerance``: a recorded intolerance meets them as an allergy does.
- Current medication ("Current use of anticoagulants", "Patients on immunosuppressive therapy",
  "Using insulin", "Concurrent use of strong inhibitors or inducers of CYP3A4", "chronic systemic
  corticosteroids"): `Kind.MEDICATION`, the concept a class of `terminology/medications.json` (or
  systemic corticosteroids of therapies.json; "corticosteroids" without a route too, with the
  qualifier ``any-route``: `rules.corticosteroid_words`), or a single drug of drug_names.json
  where words say it is used now ("currently taking spironolactone", "patients on digoxin",
  "pregabalin use", "currently prescribed edoxaban", "co-treatment with metoclopramide", and the
  everyday phrasings of `rules.drug_use_phrasing`: "receiving metformin", "under treatment with
  levothyroxine", "tamoxifen therapy", "aspirin within 7 days before randomization", "type 2
  diabetes on metformin"); a window the text gives ("within 14 days prior to dosing") is attached
  by the compiler. Words that make the use past ("prior", "history", "have received", "used")
  before the class or drug leave the bullet to the prior-therapy rules or to text, unless a window
  of enrolment follows ("Patients who have used antibiotics in the last 6 months": a use
  overlapping those 6 months). Started, changed, planned or needed uses never compile.
- "Other" / "another" before a class ("Treatment with other antidiabetics"): members other than
  one the text or the study names elsewhere: all-of(class, TEXT), never the whole class; after
  an item of the list ("aspirin or other NSAIDs") the list holds that item too: the class.
  Single drugs listed after a class ("Use of NSAIDs or aspirin") share its use.
- Around a class: examples that are all its members ("anticoagulants (e.g., warfarin,
  apixaban)") leave the class; an exception naming only what lies outside it ("anticoagulants
  (except for antiplatelet agents)") too. Any other example or exception is left over, and the
  bullet stays text (or `rules.example_lists` reads the examples).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import (
    any_medication,
    corticosteroid_words,
    drug_use_phrasing,
    medication_groups,
    use_duration,
)
from fhirtrial.eligibility.rules.base import (
    WINDOW_LAST,
    WINDOW_WITHIN,
    Match,
    Triggers,
    remember_recent,
)

# ---------------------------------------------------------------- allergy

# "NSAIDs", "non-steroidal anti-inflammatory drugs", "non steroidal anti inflammatory drugs",
# "Non-steroid anti-inflammatory (NSAIDs)": the adjective alone only with the abbreviation.
_NSAID = (
    r"nsaids?|non[- ]?steroid(?:al)? anti[- ]?inflammatory(?: (?:drugs?|agents?|medications?"
    r"|medicines?)(?: \(nsaids?\))?| \(nsaids?\))"
)
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
    ("nsaid", _NSAID),
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
        r"(?: media| medium| materials?| agents?| dyes?)?|iodine (?:contrast|dyes?)",
    ),
    (
        "gadolinium-contrast",
        r"gadolinium(?:[- ](?:based|containing))?(?: contrast(?: media| medium| materials?"
        r"| agents?| dyes?)?)?",
    ),
    (
        "contrast-agent",
        r"(?:intravenous |iv )?(?:contrast|radiocontrast)(?: media| medium| materials?| agents?"
        r"| dyes?)?",
    ),
    (
        "sulfonamide",
        r"sulfa(?: drugs?| antibiotics?)?|sulpha|sulfonamides?(?: antibiotics?)?"
        r"|sulphonamides?",
    ),
    ("iodine", r"iodine|iodides?|(?:sodium|potassium) iodide"),
    ("povidone-iodine", r"povidone[- ]iodine|betadine|iodopovidone"),
    ("prostaglandin-analogue", r"prostaglandins?(?: analog(?:ue)?s?)?"),
    ("latex", r"latex"),
    ("peanut", r"peanuts?(?: products?)?"),
    ("egg", r"eggs?(?: products?)?"),
    ("soy", r"(?:soya?|soybeans?)(?: products?)?"),
    ("milk", r"(?:cow'?s )?milk(?: products?| proteins?)?|dairy(?: products?)?"),
    ("sesame-oil", r"sesame oil"),
    ("sesame", r"sesame(?: seeds?)?"),
    ("shellfish", r"shell ?fish|crustaceans?"),
    ("fish", r"fish"),
    ("tree-nut", r"tree ?nuts?"),
    ("wheat", r"wheat(?: flour| proteins?)?"),
    ("nickel", r"nickel"),
    ("adhesive", r"(?:medical |surgical )?(?:adhesive(?: tapes?)?|adhesives|tapes?)"),
    # Any food: what a record's food allergies are, whichever food they name.
    ("food", r"(?:any )?foods?"),
    ("warfarin", r"warfarin"),
    ("heparin", r"heparin"),
    # Classes of medications.json.
    ("antibiotic", r"antibiotics?"),
    ("beta-blocker", r"(?:beta|β)[- ]?blockers?"),
    ("statin", r"statins?"),
    ("benzodiazepine", r"benzodiazepines?"),
    ("antiplatelet", r"anti-?platelet (?:agents?|drugs?|medications?)"),
    (
        "glp-1-receptor-agonist",
        r"(?:glp-?1|glucagon[- ]like peptide[- ]1(?: \(glp-?1\))?) (?:receptor )?"
        r"(?:agonists?|analogues?|analogs?)",
    ),
)
_SUBSTANCE_BY_NAME = tuple(
    (concept, re.compile(rf"(?:{pattern})(?![\w-])")) for concept, pattern in _SUBSTANCES
)
_ALLERGY_WORD = (
    r"(?:allerg(?:y|ies)|hypersensitivit(?:y|ies)|allergic reactions?|hypersensitivity reactions?"
    r"|intoleran(?:ce|ces|cy))"
)
# "allergy to", "hypersensitivity or allergy to", "allergy/intolerance to", "allergic to",
# "hypersensitive for", "allergic history of"; with a contraindication or a reaction not said to
# be allergic ("contraindication or allergy to ibuprofen", "hypersensitivity, allergy, or
# significant reaction to") the allergy is one sufficient part and the rest stays a TEXT member.
_NOT_ALLERGY_WORD = (
    r"(?:other )?contraindications?|(?:significant|serious|adverse) (?:drug )?reactions?"
)
_LEAD_WORD = (
    rf"(?:(?:documented |previous |prior )?{_ALLERGY_WORD}|allergic history|{_NOT_ALLERGY_WORD})"
)
# "Hypersensitivity (including anaphylaxis) to": a note that widens, never narrows, the allergy.
_INCLUDING = r"(?: \(including (?:anaphylaxis|anaphylactic reactions?)\))?"
_LEAD = re.compile(
    rf"(?<![\w-])(?:{_LEAD_WORD}(?:(?:(?:,| or|, or| and/or)(?: an?)? | ?/ ?){_LEAD_WORD})*"
    rf"{_INCLUDING}"
    r"|(?:allergic|hypersensitive|intolerant)(?: (?:or|and/or) (?:allergic|hypersensitive"
    r"|intolerant))?) (?:to|for|against|towards|of) (?:the )?(?:use of )?"
    # The route a drug is given by: an allergy to it is one to the drug.
    r"(?:(?:iv|intravenous|oral) (?=[a-z]))?"
)
_NOT_ALLERGY = re.compile(_NOT_ALLERGY_WORD)
# "(to) any ingredient of Pitocin": the drug, or an excipient of the product (a TEXT member).
_INGREDIENT_OF = re.compile(
    r"(?:any (?:of )?(?:the )?|one of the )?(?:ingredients?|components?|constituents?)"
    r" (?:of|in) (?:the )?"
)
# Between two listed substances.
_SEPARATOR = re.compile(
    r"(?:,? (?:or|and/or|and) (?:to )?|, (?:to )?|/|,)(?:(?:any )?(?:an)?other )?"
)
# "Soy allergy", "Vancomycin or tobramycin allergy", "Food allergies/intolerances": the list before
# the allergy word.
_TRAILING = re.compile(rf" {_ALLERGY_WORD}(?:(?: ?/ ?| or | and/or ){_ALLERGY_WORD})*(?![\w-])")
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
        ingredient = _INGREDIENT_OF.match(text, lead.end())
        listed = _substance_list(text, ingredient.end() if ingredient else lead.end())
        if listed is not None:
            concepts, end = listed
            intolerance = "intoleran" in words
            excipients = _EXCIPIENTS.match(text, end)
            if excipients is not None:
                end = excipients.end()
            rest = (
                excipients is not None or ingredient is not None or bool(_NOT_ALLERGY.search(words))
            )
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
    for concept, pattern in (*_SUBSTANCE_BY_NAME, *_CLASS_SUBSTANCES):
        match = pattern.match(text, position)
        if match is not None and (best is None or match.end() > best[1]):
            best = (concept, match.end())
    drug = terminology.terminology().drug_at(text, position) or _brand_at(text, position)
    if drug is not None and (best is None or drug[1] > best[1]):
        best = drug
    return best


# What may follow a brand name: "Pitocin®".
_BRAND_MARK = re.compile(r"(?:®|™|\(r\))?")


def _brand_at(text: str, position: int) -> tuple[str, int] | None:
    """The generic drug a brand name at ``position`` stands for ("pitocin" → oxytocin), and
    where the name (with its ® mark) ends; None unless the generic is one known substance."""
    name = _WORD_AT.match(text, position)
    if name is None or (position > 0 and text[position - 1].isalnum()):
        return None
    generic = terminology.terminology().brand_names.get(name[0])
    if generic is None:
        return None
    concept = _generic_concept(generic)
    if concept is None:
        return None
    return concept, _BRAND_MARK.match(text, name.end()).end()  # type: ignore[union-attr]


_WORD_AT = re.compile(r"[a-z]+(?![\w-])")


@cache
def _generic_concept(generic: str) -> str | None:
    """The substance a generic name is, when the whole name is one ("tranexamic acid")."""
    found = _substance_at(generic, 0)
    return found[0] if found is not None and found[1] == len(generic) else None


def _substance_list(text: str, position: int) -> tuple[list[str], int] | None:
    """The substances listed from ``position`` on ("soya, eggs or peanuts"), and where the
    list ends; None when the first item is not a known substance."""
    first = _named_substance_at(text, position)
    if first is None:
        return None
    concepts, end = [first[0]], first[1]
    while separator := _SEPARATOR.match(text, end):
        item = _named_substance_at(text, separator.end())
        if item is None:
            break
        concepts.append(item[0])
        end = item[1]
    return concepts, end


# "chlorhexidine gluconate", "morphine sulfate": the salt a drug is given as is the drug.
_SALT = re.compile(
    r" (?:hydrochloride|hcl|gluconate|sulfate|sulphate|sodium|citrate|acetate|phosphate|tartrate"
    r"|besylate|maleate|mesylate|succinate|fumarate)(?![\w-])"
)


def _named_substance_at(text: str, position: int) -> tuple[str, int] | None:
    """A substance at ``position`` with its salt and another name of it in brackets
    ("acetaminophen (paracetamol)", "ondansetron (Zofran®)")."""
    found = _substance_at(text, position)
    if found is None:
        return None
    concept, end = found
    if salt := _SALT.match(text, end):
        end = salt.end()
    if text.startswith(" (", end):
        other = _substance_at(text, end + 2)
        if (
            other is not None
            and text.startswith(")", other[1])
            and _same_substance(concept, other[0])
        ):
            end = other[1] + 1
    return concept, end


def _same_substance(concept: str, other: str) -> bool:
    if concept == other:
        return True
    vocabulary = terminology.terminology()
    return other in vocabulary.concept(concept).synonyms or concept in (
        vocabulary.concept(other).synonyms
    )


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
    # A single drug drug_names.json lacks (its source lists it under no one-word name).
    (
        ("mycophenolate",),
        (),
        r"mycophenol(?:ate(?: mofetil| sodium)?|ic acid)(?: \((?:mmf|mpa)\))?|cellcept|myfortic",
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
        r"(?:(?:chronic|long[- ]term|daily|regular|prolonged|continuous)"
        r"(?: (?:use|usage|intake|administration) of)? (?:systemic |oral )?|systemic |oral )"
        r"(?:cortico-?steroids?|glucocorticoids?|steroids?)"
        r"(?: (?:therapy|treatment|medications?|drugs?))?",
    ),
    # "Use of corticosteroids", "steroids within 2 weeks": any route named, systemic read.
    (("systemic-corticosteroid",), (corticosteroid_words.ANY_ROUTE,), corticosteroid_words.PATTERN),
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
        r"proton[- ]pump inhibitors?(?: \(ppis?\))?|ppis?",
    ),
    (
        ("glp-1-receptor-agonist",),
        (),
        r"(?:glp-?1|glucagon[- ]like peptide[- ]1(?: \(glp-?1\))?) ?(?:receptor )?"
        r"(?:agonists?|analogues?|analogs?|ras?)(?: \(glp-?1 ?ras?\))?",
    ),
    (("sglt2-inhibitor",), (), r"sglt-?2 inhibitors?|sglt-?2is?"),
    (
        ("opioid",),
        (),
        rf"opioid (?:pain )?medications?|opioid analgesics?|opioids?{_KIND_WORDS}|opiates?",
    ),
    (("nsaid",), (), _NSAID),
    (
        ("antiepileptic",),
        (),
        r"anti-?epileptics?(?: (?:medications?|drugs?|agents?|therapy|treatment))?"
        r"|anti-?convulsants?(?: (?:medications?|drugs?|agents?|therapy))?"
        r"|anti-?seizure (?:medications?|drugs?)",
    ),
    (
        ("vitamin-k-antagonist",),
        (),
        rf"vitamin k antagonists?{_KIND_WORDS}(?: \(vkas?\))?|vkas?",
    ),
    (
        ("doac",),
        (),
        r"(?:direct|novel|new|non-vitamin k(?: antagonist)?) oral anti-?coagulants?"
        r"(?: \((?:doacs?|noacs?)\))?|doacs?|noacs?",
    ),
    (
        ("antipsychotic",),
        (),
        rf"anti-?psychotics?{_KIND_WORDS}|neuroleptics?{_KIND_WORDS}",
    ),
    (
        ("ssri",),
        (),
        r"(?:selective serotonin|serotonin[- ]selective) re-?uptake inhibitors?(?: \(ssris?\))?"
        r"|ssris?",
    ),
    (
        ("snri",),
        (),
        r"serotonin[- ](?:and )?(?:nor-?epinephrine|noradrenaline) re-?uptake inhibitors?"
        r"(?: \(snris?\))?|snris?",
    ),
    (
        ("maoi",),
        (),
        rf"(?:mono-?amine oxidase|mao) inhibitors?{_KIND_WORDS}(?: \(maois?\))?|maois?",
    ),
    (
        ("tricyclic-antidepressant",),
        (),
        rf"tricyclic anti-?depressants?{_KIND_WORDS}(?: \(tcas?\))?|tricyclics",
    ),
    (
        ("psychostimulant",),
        (),
        rf"psycho-?stimulants?{_KIND_WORDS}|stimulant (?:medications?|drugs?)",
    ),
    (
        ("antihistamine",),
        (),
        rf"(?:h1[- ])?anti-?histamines?{_KIND_WORDS}",
    ),
    (
        ("aromatase-inhibitor",),
        (),
        rf"aromatase inhibitors?{_KIND_WORDS}(?: \(ais?\))?",
    ),
    (
        ("hormonal-contraceptive",),
        (),
        r"(?:any (?:form|type|kind) of )?hormonal (?:contracepti(?:ves?|on)|birth control)"
        r"(?: (?:methods?|pills?|medications?))?|(?:oral )?contraceptive pills?(?: \(ocps?\))?"
        r"|oral contraceptives?(?: \(ocs?\))?|birth control pills?",
    ),
    (
        ("antiretroviral",),
        (),
        r"(?:(?:highly active|combination|combined) )?anti-?retroviral (?:therapy|treatment"
        r"|drugs?|medications?|agents?|regimens?)(?: \((?:haart|cart|art)\))?"
        r"|anti-?retrovirals|haart",
    ),
    (
        ("antifungal",),
        (),
        rf"(?:systemic )?anti-?fungals?{_KIND_WORDS}|(?:systemic )?anti-?mycotics?{_KIND_WORDS}",
    ),
    (
        ("tnf-inhibitor",),
        (),
        r"(?:anti-?tnf|tnf)(?:[- ]?(?:alpha|α|a))?[- ](?:inhibitors?|blockers?|antagonists?)"
        rf"{_KIND_WORDS}|anti-?tnf(?:[- ]?(?:alpha|α))?{_KIND_WORDS}"
        r"|tumou?r necrosis factor(?:[- ]?(?:alpha|α))? (?:inhibitors?|blockers?|antagonists?)",
    ),
    (("bisphosphonate",), (), rf"bisphosphonates?{_KIND_WORDS}"),
    (
        ("ace-inhibitor",),
        (),
        r"(?:angiotensin[- ]converting[- ]enzyme|ace)[- ]inhibitors?(?: \((?:ace-?is?|acei)\))?"
        rf"{_KIND_WORDS}|ace-?is?|acei",
    ),
    (
        ("angiotensin-receptor-blocker",),
        (),
        r"angiotensin(?: ii)?[- ]receptor (?:blockers?|antagonists?)(?: \(arbs?\))?"
        rf"{_KIND_WORDS}|arbs?{_KIND_WORDS}",
    ),
    (
        ("antihypertensive",),
        (),
        rf"anti-?hypertensives?{_KIND_WORDS}|(?:blood pressure|bp)[- ]lowering"
        r" (?:medications?|drugs?|agents?|therapy)",
    ),
    (("sulfonylurea",), (), rf"sul(?:f|ph)onylureas?{_KIND_WORDS}"),
    (
        ("dpp-4-inhibitor",),
        (),
        r"(?:dpp-?(?:4|iv)|dipeptidyl peptidase[- ](?:4|iv)) inhibitors?|gliptins",
    ),
    (
        ("antidiabetic",),
        (),
        r"(?<!oral )(?:anti-?diabetic (?:medications?|drugs?|agents?|therapy|treatment)"
        r"|anti-?diabetics|(?:blood )?glucose[- ]lowering (?:medications?|drugs?|agents?"
        r"|therapy)|diabetes medications?"
        # "Hypoglycaemic therapy", "hypoglycemic agents": glucose-lowering drugs ("oral
        # hypoglycemic agents" leave insulin out: no class says so).
        r"|hypoglyc(?:a)?emic (?:medications?|drugs?|agents?|therapy|treatment))",
    ),
    (("probiotic",), (), rf"probiotics?{_KIND_WORDS}(?: products?| supplements?)?"),
    (("antiarrhythmic",), (), rf"anti-?arrhythmics?{_KIND_WORDS}"),
    (("antiviral",), (), rf"(?:systemic )?anti-?virals?{_KIND_WORDS}"),
    (
        ("h2-receptor-antagonist",),
        (),
        r"(?:h2|histamine[- ]2)(?:-|-? )(?:receptor )?(?:antagonists?|blockers?)(?: \(h2ras?\))?"
        r"|h2ras?",
    ),
    *medication_groups.CLASSES,
)
# Words before a class that say it is used now ("current use of", "taking", "patients on"),
# kept in the match because they are not filler elsewhere.
_USE_BEFORE = re.compile(
    r"(?:(?:current|concurrent|concomitant|ongoing|chronic|regular|long-term|daily) )*"
    r"(?:use|usage|intake|administration|consumption) of (?:an? |any |the )?$"
    r"|(?:currently |regularly |concurrently |presently )?(?:taking|using|takes|take|uses"
    r"|use|receiving) (?:an? |any )?$"
    r"|(?:(?:current|concurrent|concomitant|ongoing|chronic|regular|long-term) )+"
    r"(?:(?:treatment|therapy) with (?:an? |any )?)?$"
)
# A use said in the past tense ("have used", "received", "receipt of"): a use at some time,
# which says something a record decides only with the window that follows (`_window_follows`).
_PAST_USE_BEFORE = re.compile(
    r"(?:(?:have|has|had|having) )?(?:been )?(?:used|taken|received|consumed|exposed to)"
    r" (?:an? |any |the )?$|(?:receipt of|exposure to) (?:an? |any |the )?$"
    # "Previously medicated with opioids", "have been treated with antibiotics within 2 weeks":
    # a use at some time. A bare "treated with" is not past ("atrial fibrillation treated with
    # anticoagulants", "currently being treated with").
    r"|(?:(?:have|has|had|having) (?:been )?(?:previously )?|been (?:previously )?|previously )"
    r"(?:treated|medicated) with (?:an? |any )?$"
)
# "… use", "… on a regular basis", "… for anticoagulation" (the purpose the class already says).
_USE_AFTER = re.compile(
    r"(?: (?:use|usage|users?|intake)(?![\w-]))?(?: on a (?:regular|daily) basis(?![\w-]))?"
    r"(?: for anti-?coagulation(?![\w-]))?"
)
# Words that make the use past: the bullet is about current use only with a window after the
# class ("history of antibiotic use in the past month": a use within that month).
_PAST = re.compile(
    r"\b(?:prior|previous|previously|history|past|ever|never|had|former|formerly|recent|recently"
    r"|received|used|taken|consumed|exposed|exposure|receipt)\b"
)
# Words that make the use something else than a use (planned, needed, stopped, started or
# changed, a contraindication, a use to come or one that may be: "patients who will be receiving
# warfarin", "may be taking"): never a use, window or not.
_NOT_A_USE = re.compile(
    r"\b(?:discontinued|stopped|planned|planning|plan|intend|intends|expected|expectation"
    r"|anticipated|need|needs|indicated|indication|candidate|contraindications?|before"
    r"|preoperative|postoperative|initiat\w*|start\w*|new|newly|chang\w*|switch\w*"
    r"|will|would|shall|may|might|going to)\b"
)
# A window right after the class (and its "use"): "… in the past 6 months", "(within 4 weeks)".
_WINDOW_GAP = re.compile(r",? \(?")
# A window counted from another moment than enrolment ("within 30 days prior to surgery"): the
# window is not one of enrolment, so the past use stays text.
_OTHER_MOMENT = re.compile(
    r"surg|operat|procedure|delivery|admission|transplant|diagnos|onset|injury|stroke|cpb"
    r"|bypass|birth|hospital"
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
# Classes an allergy may name too ("Allergy to ACE inhibitors", "hypersensitivity to SSRIs"): their
# patterns without the use words.
_ALLERGY_CLASSES = frozenset(
    {
        "ace-inhibitor",
        "angiotensin-receptor-blocker",
        "ssri",
        "snri",
        "tricyclic-antidepressant",
        "maoi",
        "antipsychotic",
        "antihistamine",
        "bisphosphonate",
        "sulfonylurea",
        "dpp-4-inhibitor",
        "tnf-inhibitor",
        "doac",
        "vitamin-k-antagonist",
        "h2-receptor-antagonist",
        "aromatase-inhibitor",
        "diuretic",
        "proton-pump-inhibitor",
        "calcium-channel-blocker",
        "mycophenolate",
        # "Hypersensitivity to antiepileptic drugs", "allergy to insulin" (issue 13, session 11).
        "antiepileptic",
        "insulin",
    }
)
_CLASS_SUBSTANCES = tuple(
    (concepts[0], re.compile(rf"(?:{pattern})(?![\w-])"))
    for concepts, _qualifiers, pattern in _CLASSES
    if concepts[0] in _ALLERGY_CLASSES
)
# Substrings every match of a class contains (its prefilter). Only the classes whose triggers
# are in the text are searched: the patterns have no literal prefix, so each search tries every
# position of the text.
_CLASS_TRIGGERS: dict[str, tuple[str, ...]] = {
    "anticoagulant": ("coagula",),
    "oral-anticoagulant": ("coagula",),
    "warfarin": ("warfarin", "coumadin"),
    "heparin": ("heparin",),
    "immunosuppressant": ("immuno",),
    "mycophenolate": ("mycophenol", "cellcept", "myfortic"),
    "insulin": ("insulin",),
    "strong-cyp3a4-inhibitor": ("cyp",),
    "strong-cyp3a4-inducer": ("cyp",),
    "systemic-corticosteroid": ("steroid", "glucocortic"),
    "antibiotic": ("antibiotic",),
    "beta-blocker": ("blocker",),
    "calcium-channel-blocker": ("blocker",),
    "statin": ("statin", "hmg"),
    "benzodiazepine": ("benzodiazepin",),
    "antidepressant": ("depress",),
    "antiplatelet": ("platelet",),
    "diuretic": ("diuretic",),
    "proton-pump-inhibitor": ("proton", "ppi"),
    "glp-1-receptor-agonist": ("glp", "glucagon"),
    "sglt2-inhibitor": ("sglt",),
    "opioid": ("opi",),
    "nsaid": ("nsaid", "inflammatory"),
    "antiepileptic": ("epilep", "convuls", "seizure"),
    "vitamin-k-antagonist": ("vitamin k", "vka"),
    "doac": ("oac", "oral anti"),
    "antipsychotic": ("psychot", "neurolept"),
    "ssri": ("ssri", "serotonin"),
    "snri": ("snri", "serotonin"),
    "maoi": ("mao", "monoamine"),
    "tricyclic-antidepressant": ("tricyclic",),
    "psychostimulant": ("stimulant",),
    "antihistamine": ("histamin",),
    "aromatase-inhibitor": ("aromatase",),
    "hormonal-contraceptive": ("contracept", "birth control"),
    "antiretroviral": ("retrovir", "haart"),
    "antifungal": ("fungal", "mycotic"),
    "tnf-inhibitor": ("tnf", "necrosis"),
    "bisphosphonate": ("bisphosph",),
    "ace-inhibitor": ("ace", "angiotensin"),
    "angiotensin-receptor-blocker": ("arb", "angiotensin"),
    "antihypertensive": ("hypertensive", "lowering"),
    "sulfonylurea": ("ulfonyl", "ulphonyl"),
    "dpp-4-inhibitor": ("dpp", "dipeptidyl", "gliptin"),
    "antidiabetic": ("diabet", "lowering", "hypoglyc"),
    "h2-receptor-antagonist": ("h2", "histamine"),
    "probiotic": ("probiotic",),
    "antiarrhythmic": ("arrhythmic",),
    "antiviral": ("viral",),
    **medication_groups.TRIGGERS,
}
# (triggers, concepts, qualifiers, pattern); a class without triggers fails here, at import.
_GATED_CLASSES = tuple(
    (_CLASS_TRIGGERS[concepts[0]], concepts, qualifiers, pattern)
    for concepts, qualifiers, pattern in _CLASS_PATTERNS
)
# Which class triggers a text holds: one (shared) scan, instead of a `has_any` per class.
_CLASS_TRIGGER_SCAN = Triggers(t for triggers in _CLASS_TRIGGERS.values() for t in triggers)
# Each trigger → the positions in `_GATED_CLASSES` of the classes it stands for.
_CLASSES_OF = {
    trigger: tuple(i for i, (triggers, *_) in enumerate(_GATED_CLASSES) if trigger in triggers)
    for triggers, *_ in _GATED_CLASSES
    for trigger in triggers
}
_GatedClass = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], re.Pattern[str]]


@lru_cache(maxsize=4)
def _classes_in(text: str) -> tuple[_GatedClass, ...]:
    """The classes (of `_GATED_CLASSES`, in order) at least one of whose triggers the text holds:
    the others cannot be named there. A look-up per trigger found instead of a set test per
    class (59); class_at asks again of the same text (the last few answers are kept)."""
    present = _CLASS_TRIGGER_SCAN.found_in(text)
    return tuple(_GATED_CLASSES[i] for i in sorted({i for t in present for i in _CLASSES_OF[t]}))


# "Currently taking spironolactone", "current use of metformin or glibenclamide", "concomitant
# treatment with tacrolimus": a single drug (terminology/drug_names.json) after words that say it
# is used now; the drug alone says nothing of use.
_DRUG_USE_LEAD = re.compile(
    r"(?<![\w-])(?:(?:(?:current|concurrent|concomitant|ongoing|chronic|regular|long-term|daily)"
    r" )?(?:use|usage|intake|administration) of"
    r"|(?:current|concurrent|concomitant|ongoing|chronic|long-term) (?:treatment|therapy) with"
    r"|(?:currently |regularly |concurrently |presently )?(?:taking|using|treated with"
    r"|receiving treatment with|on treatment with|on therapy with)"
    # "Currently prescribed edoxaban", "Co-treatment with metoclopramide": a use now.
    r"|currently prescribed|co-?treatment with"
    r"|concomitant|concurrent) (?:an? |the )?"
)
# "concomitant ciclosporin or rifampicin therapy": what the drugs are given as.
_DRUG_THERAPY = re.compile(r" (?:therapy|treatment)(?![\w-])")
# "Patients on methotrexate": "on" only at the start or after one of these words, never after a
# verb ("progressed on", "based on").
_ON_AFTER = frozenset(
    {"", "patients", "subjects", "participants", "those", "currently", "are", "is"}
)
_ARTICLE = re.compile(r"(?:an? |the )?")
# "Received leuprolide within 3 months", "have taken metformin in the past 3 months": a past use,
# read only with the window after it.
_DRUG_PAST_LEAD = re.compile(
    r"(?<![\w-])(?:(?:(?:have|has|had|having) )?(?:been )?(?:used|taken|received)"
    r"|receipt of|exposure to) (?:an? |any |the )?"
)
_DRUG_SEPARATOR = re.compile(r",? (?:or|and/or) |, |/")
_AND_FOLLOWS = re.compile(r",? and ")


@remember_recent(8)
def find_medications(text: str) -> list[Match]:
    """Current uses of classes and drugs; "chronic", "daily" … qualify them (`use_duration`)."""
    found = _find_medications(text) + any_medication.find_any_medication(text)
    qualified = [use_duration.lasting(text, use_duration.qualify(text, match)) for match in found]
    return use_duration.carry_back(text, qualified) if len(qualified) > 1 else qualified


def _find_medications(text: str) -> list[Match]:
    found = _drug_uses(text)
    for _triggers, concepts, qualifiers, pattern in _classes_in(text):
        for match in pattern.finditer(text):
            before = text[: match.start()]
            clause = before[max(before.rfind(c) for c in ";.") + 1 :]
            if _NOT_A_USE.search(clause):
                continue
            if qualifiers[:1] == (
                corticosteroid_words.ANY_ROUTE,
            ) and not corticosteroid_words.is_a_use(clause, text[match.end() :]):
                continue
            start, end = match.start(), match.end()
            if after := _USE_AFTER.match(text, end):
                end = after.end()
            end = _examples_end(text, end, concepts)
            end = _exception_end(text, end, concepts)
            other = _OTHER_BEFORE.search(before) if "other" in before else None
            if other is not None:
                before = before[: other.start()]
                start = other.start()
            past = _PAST_USE_BEFORE.search(before)
            if (past or _PAST.search(clause)) and not _window_follows(text, end):
                continue
            if use := past or _USE_BEFORE.search(before):
                start = use.start()
            criterion = _medication_criterion(concepts, qualifiers)
            if other is not None and not _LISTED_BEFORE.search(before):
                criterion = _other_than(criterion, text[other.start() : end])
            found.append(Match(criterion, start, end))
            found.extend(_drugs_after(text, end))
    return found


# "Treatment with other antidiabetics", "current use of another beta blocker", "other concurrent
# systemic corticosteroids": members of the class other than one the text (or the study) names
# elsewhere. Read as the class, it would rule out the patients on that one; all-of(class, TEXT)
# is met by none and not met by a patient on no member.
_OTHER_BEFORE = re.compile(
    r"(?<![\w-])(?:any )?(?:other|another)(?: (?:concurrent|concomitant|current|ongoing))? $"
)


# "Aspirin or other NSAIDs": other than the item just listed, which the list holds too: the
# whole class.
_LISTED_BEFORE = re.compile(r"[a-z0-9)],? (?:or|and/or) $")


def _other_than(criterion: Criterion, words: str) -> Criterion:
    return Criterion(
        Kind.COMBINATION,
        children=(criterion, Criterion(Kind.TEXT, source_text=words)),
        combination="all-of",
    )


# "Use of NSAIDs or aspirin", "current use of anticoagulants, aspirin or clopidogrel": single
# drugs listed after a class share its use (and its window: the assembly gives it to the whole
# list). Only alternatives ("or", commas, "/"): "anticoagulants and aspirin" may mean both.
_LIST_SEPARATOR = re.compile(r",? (?:or|and/or) |, ?| ?/ ?")


def _drugs_after(text: str, end: int) -> list[Match]:
    found: list[Match] = []
    vocabulary = terminology.terminology()
    while separator := _LIST_SEPARATOR.match(text, end):
        drug = vocabulary.drug_at(text, separator.end())
        if drug is None or drug[0] in _SUBSTANCES_OF_ABUSE:
            break
        end = drug[1]
        if therapy := _DRUG_THERAPY.match(text, end):
            end = therapy.end()
        found.append(Match(_medication_criterion((drug[0],), ()), separator.end(), end))
    if _AND_FOLLOWS.match(text, end):
        return []  # "anticoagulants, aspirin and clopidogrel": maybe all of them
    return found


def _window_follows(text: str, end: int) -> bool:
    """Whether a window of enrolment follows the class ("… in the past 6 months")."""
    gap = _WINDOW_GAP.match(text, end)
    position = gap.end() if gap else end
    window = WINDOW_WITHIN.match(text, position) or WINDOW_LAST.match(text, position)
    return window is not None and _OTHER_MOMENT.search(window[0]) is None


# "(e.g. warfarin, apixaban)", "such as phenelzine", "(acyclovir, valacyclovir)": examples of
# the class. When every example
# is a member of it, the class is what the text names; otherwise the examples stay to be read
# as what they are (`rules.example_lists`).
_EXAMPLES = re.compile(
    r" ?(?:(?P<paren>\()(?:(?:e\.?g\.?|for example|such as|including)[.,:]* )?"
    r"|(?:e\.?g\.?|for example|such as|including)[.,:]* )"
)
_EXAMPLES_END = re.compile(r"(?:,? etc\.?|\.\.\.|…)?")


def _examples_end(text: str, end: int, concepts: tuple[str, ...]) -> int:
    lead = _EXAMPLES.match(text, end)
    if lead is None or len(concepts) != 1:
        return end
    vocabulary = terminology.terminology()
    position = lead.end()
    while True:
        item = _item_at(text, position)
        if item is None or concepts[0] not in vocabulary.with_ancestors({item[0]}) | (
            _named(text[position : item[1]])
        ):
            return end
        position = item[1]
        separator = _EXCEPTION_SEPARATOR.match(text, position)
        if separator is None or _item_at(text, separator.end()) is None:
            break
        position = separator.end()
    position = _EXAMPLES_END.match(text, position).end()  # type: ignore[union-attr]
    if lead["paren"]:
        if not text.startswith(")", position):
            return end
        position += 1
    return position


@cache
def _named(name: str) -> frozenset[str]:
    """The concepts a drug or class name names (the synonym scan is slow: names repeat)."""
    return terminology.terminology().concepts_for_text(name)


# "(except for antiplatelet agents)", "other than aspirin", "(excluding aspirin)": an exception
# that names only classes or drugs outside the class leaves the class as it is; any other
# exception stays in the text (and the bullet with it).
_EXCEPTION = re.compile(
    r",? ?\(?(?:except(?: for)?|excluding|other than|with the exception of|but not) (?:the )?"
)
_EXCEPTION_SEPARATOR = re.compile(r",? (?:or|and|and/or|nor) |, |/")


def _exception_end(text: str, end: int, concepts: tuple[str, ...]) -> int:
    lead = _EXCEPTION.match(text, end)
    if lead is None:
        return end
    position = lead.end()
    while True:
        item = _item_at(text, position)
        if item is None or not all(_disjoint(c, item[0]) for c in concepts):
            return end
        position = item[1]
        separator = _EXCEPTION_SEPARATOR.match(text, position)
        if separator is None or _item_at(text, separator.end()) is None:
            break
        position = separator.end()
    if lead[0].endswith("(") or "(" in lead[0]:
        if not text.startswith(")", position):
            return end
        position += 1
    return position


def _item_at(text: str, position: int) -> tuple[str, int] | None:
    """The class or single drug named at ``position`` (one concept), and where it ends."""
    best: tuple[str, int] | None = None
    for concepts, _qualifiers, pattern in _CLASS_PATTERNS:
        match = pattern.match(text, position)
        if match is not None and len(concepts) == 1 and (best is None or match.end() > best[1]):
            best = (concepts[0], match.end())
    drug = terminology.terminology().drug_at(text, position)
    if drug is not None and (best is None or drug[1] > best[1]):
        best = drug
    return best


@cache
def _disjoint(concept_id: str, other: str) -> bool:
    """Whether no drug is both of ``concept_id`` and of ``other`` as far as the terminology
    tells: neither includes the other, no name of one names the other, no class code holds
    the other's."""
    vocabulary = terminology.terminology()
    if other == concept_id or other in vocabulary.ancestors(concept_id):
        return False
    if concept_id in vocabulary.ancestors(other):
        return False
    for first, second in ((concept_id, other), (other, concept_id)):
        names = (first, *vocabulary.concept(first).synonyms)
        if any(second in _named(name) for name in names):
            return False
    codes = [
        (coding.system, coding.code.rstrip("*"))
        for coding in vocabulary.concept(concept_id).codings
    ]
    return not any(
        system == coding.system
        and (code.startswith(coding.code.rstrip("*")) or coding.code.startswith(code))
        for coding in vocabulary.concept(other).codings
        for system, code in codes
    )


# Every match of `_DRUG_USE_LEAD` holds one ("with" alone is in too many texts).
_USE_WORDS = Triggers(
    (
        *("use of", "usage of", "intake of", "administration of", "taking", "using"),
        *("treated with", "treatment with", "therapy with", "concomitant", "concurrent"),
        "currently prescribed",
    )
)
_TRAILING_WORDS = Triggers((" use", " usage", " intake"))
_PAST_WORDS = Triggers(("used", "taken", "received", "receipt", "exposure"))
# Whether a single drug's use may be said at all (`_drug_uses`).
_DRUG_GATE = Triggers(
    (
        *("use", "usage", "intake", "administration", "taking", "using", "with", "concomitant"),
        *("concurrent", "taken", "received", "receipt", "exposure", "prescribed"),
    )
)


def _on_leads(text: str) -> list[tuple[int, int]]:
    """(start, end) of each "on " that may say a drug is taken ("patients on digoxin")."""
    leads: list[tuple[int, int]] = []
    position = text.find("on ")
    while position != -1:
        if position == 0 or text[position - 1] == " ":
            previous = text[:position].rstrip().rsplit(" ", 1)[-1]
            if previous in _ON_AFTER or previous in drug_use_phrasing.ON_AFTER:
                leads.append((position, _ARTICLE.match(text, position + 3).end()))  # type: ignore[union-attr]
        position = text.find("on ", position + 3)
    return leads


# "Pregabalin use within 2 weeks", "amiodarone usage": a single drug named before its use.
_TRAILING_USE = re.compile(r" (?:use|usage|intake)(?![\w-])(?! disorder)")
_USE_ADJECTIVES = re.compile(
    r"(?<![\w-])(?:(?:current|concurrent|concomitant|ongoing|chronic|regular|long-term|daily) )+$"
)
# Drugs whose "use" is mostly a substance use, a diagnosis or text, not a medication.
_SUBSTANCES_OF_ABUSE = frozenset(
    {"methamphetamine", "amphetamine", "ketamine", "psilocybin", "cocaine", "heroin", "cannabis"}
)


def _trailing_uses(text: str) -> list[Match]:
    found: list[Match] = []
    vocabulary = terminology.terminology()
    for use in _TRAILING_USE.finditer(text):
        words = text[: use.start()].rsplit(" ", 2)
        for count in (2, 1):
            start = use.start() - len(" ".join(words[-count:]))
            if start < 0 or (start and text[start - 1] != " "):
                continue
            drug = vocabulary.drug_at(text, start)
            if drug is None or drug[1] != use.start() or drug[0] in _SUBSTANCES_OF_ABUSE:
                continue
            before = text[:start]
            clause = before[max(before.rfind(c) for c in ";.") + 1 :]
            if _NOT_A_USE.search(clause) or (
                _PAST.search(clause) and not _window_follows(text, use.end())
            ):
                break
            if adjectives := _USE_ADJECTIVES.search(before):
                start = adjectives.start()
            criterion = _medication_criterion((drug[0],), ())
            found.append(Match(criterion, start, use.end()))
            break
    return found


def _drug_uses(text: str) -> list[Match]:
    vocabulary = terminology.terminology()
    on = _on_leads(text) + drug_use_phrasing.leads(text)
    opening = drug_use_phrasing.opening_drug_position(text)
    if (opener := vocabulary.drug_at(text, opening)) and opener[0] not in _SUBSTANCES_OF_ABUSE:
        on.append((opening, opening))  # "Metformin therapy", "aspirin within 7 days …"
    if not on and not _DRUG_GATE.any_in(text):
        return []
    found: list[Match] = _trailing_uses(text) if _TRAILING_WORDS.any_in(text) else []
    leads = (
        [(lead.start(), lead.end()) for lead in _DRUG_USE_LEAD.finditer(text)]
        if _USE_WORDS.any_in(text)
        else []
    )
    past = (
        [(lead.start(), lead.end()) for lead in _DRUG_PAST_LEAD.finditer(text)]
        if _PAST_WORDS.any_in(text)
        else []
    )
    for start, lead_end in sorted(leads + past + on):
        before = text[:start]
        clause = before[max(before.rfind(c) for c in ";.") + 1 :]
        if _NOT_A_USE.search(clause):
            continue
        said_past = (start, lead_end) in past or _PAST.search(clause) is not None
        drug = vocabulary.drug_at(text, lead_end)
        if drug is None:
            continue
        concepts, end = [drug[0]], _salt_end(text, drug[1])
        alternatives = False
        while separator := _DRUG_SEPARATOR.match(text, end):
            item = vocabulary.drug_at(text, separator.end())
            if item is None:
                break
            concepts.append(item[0])
            alternatives = alternatives or separator.group(0) != ", "
            end = _salt_end(text, item[1])
        if (tail := _DRUG_SEPARATOR.match(text, end)) and tail[0] != ", ":
            # "aspirin, clopidogrel or anticoagulants": a class ends the list of alternatives
            alternatives = alternatives or class_at(text, tail.end()) is not None
        if len(concepts) > 1 and (not alternatives or _AND_FOLLOWS.match(text, end)):
            continue  # "taking aspirin, clopidogrel and statin": all of them, not any
        if start == lead_end == opening:
            # A drug opening the bullet: a use only with its therapy word or a window after it,
            # or after the class that ends its list ("aspirin or NSAIDs within 7 days": the
            # class's own match reads it, and the window goes to the whole list).
            last = end
            if tail is not None and tail[0] != ", " and (named := class_at(text, tail.end())):
                last = named[1]
            use_end = drug_use_phrasing.opening_use_end(text, last)
            if use_end is None or not (use_end[1] or _window_follows(text, use_end[0])):
                continue
            if last == end:
                end = use_end[0]
            start = drug_use_phrasing.opening_start(text)
        elif therapy := _DRUG_THERAPY.match(text, end):
            end = therapy.end()
        end = drug_use_phrasing.any_reason_end(text, end)
        if said_past and not _window_follows(text, end):
            continue  # a use at some time: prior therapy, not a use now
        criterion = _medication_criterion(tuple(dict.fromkeys(concepts)), ())
        found.append(Match(criterion, start, end))
    return found


def _salt_end(text: str, end: int) -> int:
    """Where the salt a drug is named with ends ("metformin hydrochloride"): the drug."""
    salt = _SALT.match(text, end) if text.startswith(" ", end) else None
    return salt.end() if salt is not None else end


def _medication_criterion(concepts: tuple[str, ...], qualifiers: tuple[str, ...]) -> Criterion:
    leaves = tuple(
        Criterion(Kind.MEDICATION, concept=concept, qualifiers=qualifiers, source_text=concept)
        for concept in concepts
    )
    if len(leaves) == 1:
        return leaves[0]
    return Criterion(Kind.COMBINATION, children=leaves, combination="any-of")


def class_at(text: str, position: int) -> tuple[tuple[str, ...], int] | None:
    """The medication class named at ``position`` (its concepts), and where its name ends; the
    longest name when several start there."""
    best: tuple[tuple[str, ...], int] | None = None
    for _triggers, concepts, _qualifiers, pattern in _classes_in(text):
        match = pattern.match(text, position)
        if match is not None and (best is None or match.end() > best[1]):
            best = (concepts, match.end())
    return best


def window_follows(text: str, end: int) -> bool:
    """Whether a window of enrolment follows what ends at ``end`` ("… in the past 6 months")."""
    return _window_follows(text, end)


def counts_from_enrolment(window: str) -> bool:
    """Whether a window's words count it from enrolment, not from another moment ("within 30
    days prior to surgery", "in the 3 months prior to delivery")."""
    return _OTHER_MOMENT.search(window) is None


def is_a_use(clause: str) -> bool:
    """Whether the words before a use leave it a use (not planned, needed, stopped, changed)."""
    return _NOT_A_USE.search(clause) is None


def says_past(clause: str) -> bool:
    """Whether the words before a use make it a past one ("prior", "history", "received")."""
    return _PAST.search(clause) is not None


def may_name_a_class(text: str) -> bool:
    """Whether the text holds a word every class name contains one of (a cheap prefilter; the
    scan is shared, `base.triggers_in`)."""
    return _CLASS_TRIGGER_SCAN.any_in(text)
