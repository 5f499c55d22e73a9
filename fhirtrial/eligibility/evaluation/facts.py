"""A patient record seen through the criterion terminology: concept id → the patient's items.

Codes are matched across systems through the packaged terminology (`concepts_for`): a SNOMED CT
diagnosis and an ICD-10-CM one land on the same concept, and so does an ICD-10-CM descendant of
a class code (`C43*`). An item whose codes name no known concept falls back to its text (the
display or CodeableConcept.text, then member ingredient names for drugs); such matches are kept
apart so that a reason can say the match was made by name.

Built once per record and cached (the record is immutable), so a `$match` over many studies
pays for it once.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Generic, Literal, TypeVar

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.evaluation.analyte_forms import without_other_forms
from fhirtrial.eligibility.evaluation.diagnosis_groups import Placed, Reading, place
from fhirtrial.eligibility.evaluation.specimens import names_other_specimen, of_other_specimen
from fhirtrial.lru import LRU
from fhirtrial.patient.items import (
    AllergyItem,
    ConditionItem,
    ImmunizationItem,
    MedicationItem,
    ObservationItem,
    ProcedureItem,
)
from fhirtrial.patient.record import PatientRecord
from fhirtrial.patient.values import ICD10CM, LOINC, Concept

Item = TypeVar("Item")

UNCONFIRMED = frozenset({"provisional", "differential", "unconfirmed"})
"""Verification statuses that never make a diagnosis criterion met (at most unknown)."""

_CODE_CACHE: LRU[tuple[str, str], frozenset[str]] = LRU(100_000)
_TEXT_CACHE: LRU[str, frozenset[str]] = LRU(100_000)


def concepts_of_code(system: str, code: str) -> frozenset[str]:
    key = (system, code)
    found = _CODE_CACHE.get(key)
    if found is None:
        found = terminology.concepts_for(system, code)
        _CODE_CACHE.put(key, found)
    return found


def concepts_of_text(text: str) -> frozenset[str]:
    return _text_concepts(_TEXT_CACHE, terminology.concepts_for_text, text)


def observation_text_concepts(text: str) -> frozenset[str]:
    """Concepts a result's name gives; a result of urine, CSF or another fluid is not the blood
    value of its analyte (`specimens`), nor is another form, a ratio or a share of it ("Bilirubin,
    Direct", "Calcium, Ionized", "NEUTROPHILS %": `analyte_forms`)."""
    found = concepts_of_text(text)
    if found and names_other_specimen(text):
        found = of_other_specimen(found)
    return without_other_forms(text, found)


def _text_concepts(
    cache: LRU[str, frozenset[str]], lookup: Callable[[str], frozenset[str]], text: str
) -> frozenset[str]:
    """The concepts ``lookup`` finds in a text, with the drugs named by a member ingredient and
    the single drugs it names (drug_names.json), by a brand name too ("PITOCIN" → oxytocin)."""
    found = cache.get(text)
    if found is None:
        apart = combination_apart(text)
        generic = terminology.terminology().with_generic_names(apart)
        found = lookup(apart) | _member_names_in(apart) | terminology.drugs_in_text(generic)
        cache.put(text, found)
    return found


_HYPHENATED = re.compile(r"(?<![\w-])([a-z]{3,})-([a-z]{3,})(?![\w-])", re.IGNORECASE)


# Words a drug name is hyphenated with that are no second drug ("heparin-induced").
_NOT_A_DRUG_WORDING = (
    "free induced related associated resistant sensitive containing based naive "
    "refractory dependent like exposed intolerant allergic release acting coated treated "
    "pretreated eluting bound specific derived sparing only alone responsive unresponsive "
    "exacerbated mediated sensitivity allergy intolerance type class"
)
_NOT_A_DRUG = frozenset(_NOT_A_DRUG_WORDING.split())


def combination_apart(text: str) -> str:
    """A combination product's ingredients apart: "HYDROcodone-acetaminophen" is
    "HYDROcodone / acetaminophen", each a member of its class. A hyphen is split when it joins
    a drug name to another drug name, or to a word that is no qualifier ("sacubitril-valsartan";
    "heparin-induced", "aspirin-free" and "extended-release" stay one word)."""
    if "-" not in text:
        return text
    return _HYPHENATED.sub(_apart_if_two_drugs, text)


def _apart_if_two_drugs(match: re.Match[str]) -> str:
    first, second = match[1], match[2]
    known = (_is_drug_name(first), _is_drug_name(second))
    if all(known) or (any(known) and not {first.lower(), second.lower()} & _NOT_A_DRUG):
        return f"{first} / {second}"
    return match[0]


@cache
def _is_drug_name(word: str) -> bool:
    lowered = word.lower()
    return lowered in _member_display_words() or bool(terminology.drugs_in_text(lowered))


@cache
def _member_display_words() -> frozenset[str]:
    return frozenset(
        m.display.lower()
        for c in terminology.terminology().concepts.values()
        for m in c.members
        if m.display and " " not in m.display
    )


def concepts_of(concept: Concept) -> frozenset[str]:
    found: set[str] = set()
    for system, code in concept.keys:
        found |= concepts_of_code(system, code)
    return frozenset(found)


@cache
def _member_name_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Ingredient / vaccine names of class members: "Pembrolizumab 25 MG/ML" names its class."""
    patterns = []
    for concept in terminology.terminology().concepts.values():
        for member in concept.members:
            if member.display and len(member.display) > 3:
                name = re.escape(member.display.lower())
                patterns.append((re.compile(rf"(?<![\w-]){name}(?![\w-])"), concept.id))
    return tuple(patterns)


def _member_names_in(text: str) -> frozenset[str]:
    lowered = terminology.terminology().with_generic_names(text)
    found = {cid for pattern, cid in _member_name_patterns() if pattern.search(lowered)}
    return terminology.terminology().with_ancestors(found) if found else frozenset()


@cache
def _drug_name_pattern() -> re.Pattern[str]:
    """Every single drug name the therapy value set knows (member ingredients, generic names)."""
    vocabulary = terminology.terminology()
    names = {
        m.display.lower()
        for c in vocabulary.concepts.values()
        for m in c.members
        if m.display and len(m.display) > 3
    }
    names |= {
        synonym.lower()
        for c in vocabulary.concepts.values()
        if c.value_set == "therapies"
        for synonym in c.synonyms
        if " " not in synonym and len(synonym) >= 6 and "-" not in synonym[:3]
    }
    for generic in vocabulary.brand_names.values():
        names |= {word for word in generic.split() if len(word) >= 6}
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ordered)) + r")(?![\w-])")


def drug_names(concept: Concept) -> frozenset[str]:
    """The generic drug names a medication's codes' displays and text name (brands read as their
    generics): what tells two records of one drug apart from two drugs."""
    found: set[str] = set()
    for text in concept.texts:
        lowered = terminology.terminology().with_generic_names(text)
        found |= {m[1] for m in _drug_name_pattern().finditer(lowered)}
    return frozenset(found)


def names_no_drug(use: MedicationItem) -> bool:
    """A medication use whose drug the record does not say: an order pointing to a Medication
    not in the bundle, with no display (a search without `_include`, a partial export)."""
    return not any(
        c.text or any(x.code or x.display for x in c.codings) for c in use.all_concepts()
    )


def unidentified_drugs(
    uses: Iterable[MedicationItem], index: ConceptIndex[MedicationItem]
) -> list[MedicationItem]:
    """Non-planned uses of a drug no code or word of the shipped terminology names ("Sinemet 25
    mg-100 mg oral tablet" with a branded RxNorm code): any required drug may be one of them."""
    return [u for u in uses if u.state != "planned" and not index.concepts_of_item(u)]


@dataclass(frozen=True, slots=True)
class Matches(Generic[Item]):
    items: tuple[Item, ...]
    by_text: bool
    """True when no item matched by code: every item was found by its name only."""

    def __bool__(self) -> bool:
        return bool(self.items)


TextUse = Literal["fallback", "union", "uncoded"]
"""How an index uses an item's text besides its codes:

- ``fallback``: text matches of a concept count only when no item is coded with it;
- ``union``: coded and text matches together (diagnoses and procedures, whose codes are often
  coarser than their words: ICD-10-CM C34.11 says lung, the text says adenocarcinoma);
- ``uncoded``: together, but an item with a LOINC code is only what its code says (a LOINC-coded
  "Hemoglobin A1c" is not a hemoglobin result, a flowsheet row named "ECOG" is an ECOG).
"""


class ConceptIndex(Generic[Item]):
    """Items of one category by concept id, found by their codes and by their words."""

    def __init__(
        self,
        items: Iterable[Item],
        concepts: Callable[[Item], Iterable[Concept]],
        *,
        text_use: TextUse = "fallback",
        text_concepts: Callable[[str], frozenset[str]] | None = None,
    ) -> None:
        self.items: tuple[Item, ...] = tuple(items)
        self._text_use = text_use
        self._position = {id(item): n for n, item in enumerate(self.items)}
        self._coded: dict[str, list[Item]] = {}
        self._text: dict[str, list[Item]] = {}
        self._of_item: dict[int, frozenset[str]] = {}
        read_text = text_concepts or concepts_of_text
        for item in self.items:
            item_concepts = tuple(concepts(item))
            coded: set[str] = set()
            for concept in item_concepts:
                coded |= concepts_of(concept)
            for concept_id in coded:
                self._coded.setdefault(concept_id, []).append(item)
            self._of_item[id(item)] = frozenset(coded)
            if text_use == "uncoded" and any(
                c.system == LOINC and c.code for concept in item_concepts for c in concept.codings
            ):
                continue
            texts = {t for c in item_concepts for t in c.texts}
            by_text: set[str] = set()
            for text in texts:
                by_text |= read_text(text)
            for concept_id in by_text - coded:
                self._text.setdefault(concept_id, []).append(item)
            self._of_item[id(item)] = frozenset(coded | by_text)

    def find(self, concept_id: str) -> Matches[Item]:
        coded = self._coded.get(concept_id, [])
        if self._text_use == "fallback":
            if coded:
                return Matches(tuple(coded), by_text=False)
            return Matches(tuple(self._text.get(concept_id, ())), by_text=True)
        return self.find_all(concept_id)

    def find_all(self, concept_id: str) -> Matches[Item]:
        """Coded and text matches together, in the record's order (newest first where the
        record sorts its items)."""
        coded = self._coded.get(concept_id, [])
        text = self._text.get(concept_id, [])
        if not text:
            return Matches(tuple(coded), by_text=False)
        merged = sorted({id(i): i for i in (*coded, *text)}.values(), key=self._order)
        return Matches(tuple(merged), by_text=not coded)

    def concepts_of_item(self, item: Item) -> frozenset[str]:
        """Every concept the item was indexed under, by code or by text."""
        return self._of_item.get(id(item), frozenset())

    def _order(self, item: Item) -> int:
        return self._position[id(item)]

    def __len__(self) -> int:
        return len(self.items)


# ---------------------------------------------------------------- diagnoses as EHRs write them

# "Family history of melanoma" is about a relative; "rule out", "screening for" and "risk of"
# name what the patient may not have. Such an entry names no diagnosis of the patient's.
# Entries that name a disease the patient does not have: a relative's, a screening, a
# suspicion ruled out, and protection against it ("Need for hepatitis B vaccination", "Hepatitis
# B immune", "HIV pre-exposure prophylaxis", "Elevated blood-pressure reading, without
# diagnosis of hypertension").
_NOT_THE_PATIENTS = re.compile(
    r"\bfamily (?:history|hx)\b|\bfh of\b|\brule[- ]out\b|\br/o\b|\bscreening\b"
    r"|\b(?:at )?risk (?:of|for)\b|\bexposure to\b|\bcontact with\b|\bsuspected\b"
    r"|\bno evidence of\b|\bnegative for\b|\bruled out\b|\bconcern for\b"
    r"|\bvaccin\w*|\bimmuni[sz]\w*|\bimmune(?: to\b|\s*$)|\bimmunity\b|\bneed for\b"
    r"|\bprophyla\w*|\bpre-?exposure\b|\bprep\b|\bwithout (?:a )?(?:diagnosis|dx|history) of\b"
    r"|\b(?:hiv|hbv|hcv|hepatitis [a-e]|tb|tuberculosis|covid(?:-19)?)[- ]negative\b"
    r"|\b(?:evaluation|eval|work-?up|referral|candidate|wait-?listed|listed) for\b"
    r"|\btransplant (?:evaluation|work-?up|candidate|candidacy|list\w*)\b",
    re.IGNORECASE,
)
# "Personal history of malignant neoplasm of prostate", "History of melanoma", "s/p kidney
# transplant": a past condition, whatever its clinicalStatus says.
_HISTORY_WORDS = re.compile(r"\b(?:history of|hx of|h/o)\b", re.IGNORECASE)
_NOT_THE_PATIENTS_CODES = (
    *("Z80", "Z81", "Z82", "Z83", "Z84", "Z13", "Z12", "Z11", "Z03", "Z20"),
    *("Z23", "Z28", "Z29", "Z71", "Z77", "R03.0"),  # immunization, prophylaxis, counselling
)
_HISTORY_CODES = ("Z85", "Z86", "Z87", "Z92", "Z98")


def condition_text_concepts(text: str) -> frozenset[str]:
    """Concepts a diagnosis's words name (record patterns included), nothing for an entry about
    someone else or something ruled out, no malignancy for a neoplasm the words call benign or
    in situ ("Benign neoplasm of right breast" is no breast cancer)."""
    if _NOT_THE_PATIENTS.search(text):
        return frozenset()
    found = concepts_of_record_text(text)
    if found:
        found = _as_coded(found)
    if found and _NOT_MALIGNANT.search(text):
        return found - _malignancies()
    return found


def _as_coded(found: frozenset[str]) -> frozenset[str]:
    """Words that are the ICD-10-CM title of one code ("Bipolar II disorder (HCC)": F31.81)
    name what the code names: an entry exported with its words only reads as the coded one."""
    titles = [c[8:] for c in found if c.startswith("icd10cm:") and "+" not in c]
    if not titles:
        return found
    return found.union(*(concepts_of_code(ICD10CM, code) for code in titles))


# A neoplasm the words say is not (or not yet) a malignancy. ICD-10-CM codes benign (D10–D36)
# and in-situ (D00–D09) neoplasms apart, but an entry's words reach the cancer patterns
# ("neoplasm … breast") all the same.
_NOT_MALIGNANT = re.compile(r"\bbenign\b|\bnon-?malignant\b|\bin[- ]situ\b", re.IGNORECASE)
# A neoplasm of uncertain or unspecified behaviour (ICD-10-CM D37–D49): it may be a cancer.
_BEHAVIOUR_UNSAID = re.compile(r"\b(?:uncertain|unspecified|unknown) behaviou?r\b", re.I)
# The block also holds diagnoses that are definite, not awaiting a behaviour: polycythemia vera
# (D45), the myelodysplastic syndromes (D46), chronic myeloproliferative disease (D47.1),
# essential thrombocythemia (D47.3) and osteomyelofibrosis (D47.4). Read as provisional, an
# ICD-coded MDS never met an MDS inclusion (a study hidden as "possible") nor an MDS exclusion.
_BEHAVIOUR_UNSAID_CODES = re.compile(r"^D(?:3[7-9]|4[0-4]|47(?!\.?[134])|4[89])", re.IGNORECASE)


@cache
def _malignancies() -> frozenset[str]:
    """Every concept below `malignant-neoplasm` (the metastases and the root included)."""
    vocabulary = terminology.terminology()
    root = "malignant-neoplasm"
    return frozenset(c for c in vocabulary.concepts if c == root or root in vocabulary.ancestors(c))


def behaviour_unsaid(item: ConditionItem) -> bool:
    """A neoplasm recorded with its behaviour uncertain or unspecified (D37–D49, or its words):
    a cancer it may be, not one it is."""
    codes = item.code.codes_in(ICD10CM)
    if codes and all(_BEHAVIOUR_UNSAID_CODES.match(code.strip()) for code in codes):
        return True
    return any(_BEHAVIOUR_UNSAID.search(text) for text in item.code.texts)


# A procedure entry about a procedure not done: its evaluation, referral, planning, a device
# check ("Kidney transplant evaluation", "Pacemaker interrogation", "Hysterectomy consult").
_NOT_DONE = re.compile(
    r"\b(?:evaluation|eval|work-?up|referral|referred|consult\w*|assessment|screening"
    r"|candidacy|candidate|listing|wait-?list\w*|planning|planned|scheduled|interrogation"
    r"|check|counsel\w*|education)\b",
    re.IGNORECASE,
)
# A device taken out: the removal is an operation, but the patient no longer has the device.
_DEVICE_TAKEN_OUT = re.compile(
    r"\b(?:removal|removed|explant\w*|extraction|extracted|deactivat\w*)\b", re.IGNORECASE
)
_DEVICES = frozenset(
    {"pacemaker", "implantable-cardioverter-defibrillator", "cochlear-implant", "hearing-aid"}
    | {"neurostimulator", "ventricular-assist-device"}
)


def procedure_text_concepts(text: str) -> frozenset[str]:
    """Concepts a procedure entry's words name: none for a procedure not done, no device for a
    device taken out."""
    if _NOT_DONE.search(text):
        return frozenset()
    found = concepts_of_record_text(text)
    return found - _DEVICES if _DEVICE_TAKEN_OUT.search(text) else found


def concepts_of_record_text(text: str) -> frozenset[str]:
    return _text_concepts(_RECORD_TEXT_CACHE, terminology.concepts_for_record_text, text)


_RECORD_TEXT_CACHE: LRU[str, frozenset[str]] = LRU(100_000)


def is_about_someone_else(item: ConditionItem) -> bool:
    """A family-history, screening or ruled-out entry (by ICD-10-CM Z code or by its words)."""
    codes = item.code.codes_in(ICD10CM)
    if codes and all(code.upper().startswith(_NOT_THE_PATIENTS_CODES) for code in codes):
        return True
    return any(_NOT_THE_PATIENTS.search(text) for text in item.code.texts)


def is_history_entry(item: ConditionItem) -> bool:
    """A "personal history of" entry: the condition is past, whatever the status says."""
    if any(code.upper().startswith(_HISTORY_CODES) for code in item.code.codes_in(ICD10CM)):
        return True
    return any(_HISTORY_WORDS.search(text) for text in item.code.texts)


def condition_concepts(item: ConditionItem) -> frozenset[str]:
    """Every concept a recorded diagnosis stands for, by its codes and by its words (the
    prefilter keys and the evaluator must read a diagnosis the same way)."""
    if is_about_someone_else(item):
        return frozenset()
    found = set(concepts_of(item.code))
    for text in item.code.texts:
        found |= condition_text_concepts(text)
    return frozenset(found)


def diagnosis_concepts(concept: Concept) -> frozenset[str]:
    """Concepts of a CodeableConcept naming a diagnosis (a procedure's reason), codes and words."""
    found = set(concepts_of(concept))
    for text in concept.texts:
        found |= condition_text_concepts(text)
    return frozenset(found)


class PatientFacts:
    def __init__(self, record: PatientRecord) -> None:
        self.record = record
        own_conditions = [
            replace(c, verification_status="provisional")
            if c.verification_status in (None, "confirmed") and behaviour_unsaid(c)
            else c
            for c in record.conditions
            if not is_about_someone_else(c)
        ]
        self.conditions: ConceptIndex[ConditionItem] = ConceptIndex(
            own_conditions,
            lambda c: (c.code,),
            text_use="union",
            text_concepts=condition_text_concepts,
        )
        self.past_conditions = frozenset(c.ref for c in own_conditions if is_history_entry(c))
        self.superseded: dict[str, ConditionItem] = superseded_entries(own_conditions)
        """Entries current by their status but dated before the same diagnosis was recorded
        resolved, by ref → the resolved entry."""
        self.observations: ConceptIndex[ObservationItem] = ConceptIndex(
            record.observations,
            lambda o: (o.code,),
            text_use="uncoded",
            text_concepts=observation_text_concepts,
        )
        self.medications: ConceptIndex[MedicationItem] = ConceptIndex(
            record.medications, MedicationItem.all_concepts
        )
        self.procedures: ConceptIndex[ProcedureItem] = ConceptIndex(
            record.procedures,
            lambda p: (p.code,),
            text_use="union",
            text_concepts=procedure_text_concepts,
        )
        self.immunizations: ConceptIndex[ImmunizationItem] = ConceptIndex(
            record.immunizations, lambda i: (i.vaccine,)
        )
        self.allergies: ConceptIndex[AllergyItem] = ConceptIndex(
            record.allergies, lambda a: (a.code,)
        )
        self.memo: dict[str, Any] = {}
        """Facts the evaluators derive once per record (the current stage, …)."""

    def group_members(
        self, group: str, reading: Reading
    ) -> tuple[tuple[ConditionItem, Placed], ...]:
        """The recorded diagnoses in a group's core or periphery (`diagnosis_groups.place`),
        in the record's order; worked out once per group."""
        key = f"group:{group}"
        placed: list[tuple[ConditionItem, Placed]] | None = self.memo.get(key)
        if placed is None:
            index = self.conditions
            placed = []
            for item in index.items:
                found = place(group, item, index.concepts_of_item(item), concepts_of(item.code))
                if found is not None:
                    placed.append((item, found))
            self.memo[key] = placed
        return tuple((item, p) for item, p in placed if p.reading == reading)

    def is_current(self, item: ConditionItem) -> bool | None:
        """True / False from the clinical status (a history entry, or one superseded by a later
        resolution of the same diagnosis, is never current); None when the record does not
        say."""
        if item.ref in self.past_conditions or item.ref in self.superseded:
            return False
        return item.is_active


def _same_diagnosis_keys(item: ConditionItem) -> set[tuple[str, str]]:
    """What makes two entries one diagnosis: the same code (any system, dots and case aside) or
    the same words."""
    keys = {
        (coding.system, coding.code.replace(".", "").upper())
        for coding in item.code.codings
        if coding.system and coding.code
    }
    if item.code.text:
        keys.add(("text", " ".join(item.code.text.lower().split())))
    return keys


def superseded_entries(items: Iterable[ConditionItem]) -> dict[str, ConditionItem]:
    """Entries that are current by their status (active, or no status) but dated (onset and
    recording) on or before the abatement date of a resolved entry of the same diagnosis
    (`_same_diagnosis_keys`): an encounter diagnosis of 2018, or a stale duplicate on the
    problem list, when the problem list says the condition resolved in 2019. A recurrence or
    relapse, and an entry dated or recorded after the resolution, are not superseded."""
    items = tuple(items)
    resolved = [
        (item, _same_diagnosis_keys(item))
        for item in items
        if item.abatement is not None and item.is_active is False
    ]
    if not resolved:
        return {}
    found: dict[str, ConditionItem] = {}
    for item in items:
        # The last day the entry says the condition was there: an active entry recorded after
        # the resolution (a new episode with its first onset) is not superseded.
        days = [d for d in (item.onset_latest or item.onset, item.recorded) if d is not None]
        if item.is_active is False or not days:
            continue
        day = max(days)
        if item.clinical_status in ("recurrence", "relapse"):
            continue
        keys = _same_diagnosis_keys(item)
        for other, other_keys in resolved:
            assert other.abatement is not None
            if other is not item and day <= other.abatement and keys & other_keys:
                found[item.ref] = other
                break
    return found


_FACTS: LRU[int, tuple[weakref.ref[PatientRecord], PatientFacts]] = LRU(64)


def facts_for(record: PatientRecord) -> PatientFacts:
    """The (cached) concept view of a record."""
    entry = _FACTS.get(id(record))
    if entry is not None and entry[0]() is record:
        return entry[1]
    facts = PatientFacts(record)
    _FACTS.put(id(record), (weakref.ref(record), facts))
    return facts
