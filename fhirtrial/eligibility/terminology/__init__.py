"""Packaged terminology: concept id → codings across code systems, and the reverse lookups.

Data files (one value set each, with `sources` naming code system versions) live next to this
module: conditions, therapies, observations, stages, biomarkers, medications (classes of current
medication), allergens (substances of allergy criteria), tobacco (smoking status answers).
Nothing is fetched at run time.

- `codings(concept)`: the codings that define a concept (written into FHIR).
- `members(concept)`: member codes of a class (RxNorm ingredients of a drug class, CVX vaccines).
- `concepts_for(system, code)`: every concept a patient's code satisfies, including ancestors
  (`includes`), ICD-10-CM / ATC descendants (codes written `C43*`) and class membership.
- `concepts_for_text(text)`: synonym matching (criteria text, study conditions).
- `concepts_for_record_text(text)`: synonyms plus the record-only `patterns` (regular
  expressions for how EHRs word a diagnosis: "Secondary malignant neoplasm of liver",
  "Adenocarcinoma of right upper lobe of lung"), for the displays and texts of patient data.

Besides the hand-made concepts, every diagnosis title of `icd10cm_titles.json` (generated from
the ICD-10-CM release by tools/build_icd10cm_titles.py) is a concept of its own, `icd10cm:G35`
("Multiple sclerosis"): the code's whole ICD-10-CM subtree, or a record whose words are exactly
the title. These are made on demand (`Terminology.concept`), never listed in `concepts`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fhirtrial.eligibility.model import Coding

_DATA_DIR = Path(__file__).parent
_VALUE_SET_FILES = (
    "conditions",
    "therapies",
    "observations",
    "stages",
    "biomarkers",
    "medications",
    "allergens",
    "procedures",
    "tobacco",
)
AJCC_SYSTEM = "http://cancerstaging.org"
RXNORM_SYSTEM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10_WHO_SYSTEM = "http://hl7.org/fhir/sid/icd-10"
# WHO ICD-10 and ICD-10-CM agree on the categories of these chapters (neoplasms, infections),
# so a WHO code there is looked up as ICD-10-CM; elsewhere the two differ and it is not.
_WHO_AS_CM = re.compile(r"^[ABCD]")
# The four-letter suffix FDA gives biologics ("trastuzumab-anns", "deruxtecan-nxki").
# and the "fam-" / "ado-" prefixes that tell conjugates apart from their antibody.
_FDA_SUFFIX = re.compile(
    r"(?<=[a-z]{5})-(?!pugh\b)[a-z]{4}(?![\w-])|(?<![\w-])(?:fam|ado)-(?=[a-z])"
)  # ("child-pugh" is a score, not a biologic with its suffix)
_ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"}
ICD_TITLE_PREFIX = "icd10cm:"
"""Concept ids of ICD-10-CM diagnosis titles: ``icd10cm:`` and the dotted code."""
_ICD_TITLES_FILE = "icd10cm_titles.json"
# How a record's display may end besides the title ("Multiple sclerosis (disorder)").
_SEMANTIC_TAG = re.compile(r"\s*\((?:disorder|finding|diagnosis)\)\s*$")
_APOSTROPHE_S = re.compile(r"'s\b|'")
# ICD-10-CM encloses nonessential modifiers in parentheses and synonyms or explanations in
# brackets: "Obstructive sleep apnea (adult) (pediatric)" names obstructive sleep apnea.
_NONESSENTIAL = re.compile(r"\s+(?:\([^()]*\)|\[[^\[\]]*\])")


@dataclass(frozen=True)
class Concept:
    id: str
    value_set: str
    display: str
    codings: tuple[Coding, ...]
    members: tuple[Coding, ...]
    includes: tuple[str, ...]
    synonyms: tuple[str, ...]
    unit: str | None
    patterns: tuple[str, ...] = ()
    """Regular expressions (case-insensitive) matched against patient-record text only."""
    category: str | None = None
    """For allergens: the AllergyIntolerance category (medication, food, environment, biologic)."""
    whole_text: bool = False
    """Patterns see the whole text; otherwise the sites a metastasis went to are cut out first
    ("Metastatic melanoma to lung" is melanoma, not lung cancer)."""


def title_key(title: str) -> str:
    """An ICD-10-CM title or a text as compared with titles: lower case, single spaces, without
    apostrophes and possessive 's ("Parkinson's disease" and "Parkinson disease" are one)."""
    lowered = title.lower().replace("\u2019", "'")
    if "'" in lowered:
        lowered = _APOSTROPHE_S.sub("", lowered)
    return " ".join(lowered.split())


def title_name(title: str) -> str:
    """The name an ICD-10-CM title gives a diagnosis: its words without the parenthesized
    nonessential modifiers and bracketed synonyms, as `title_key` compares them."""
    return title_key(_NONESSENTIAL.sub("", title))


class Terminology:
    def __init__(
        self, documents: dict[str, dict[str, Any]], icd_titles: dict[str, str] | None = None
    ) -> None:
        self.icd_titles: dict[str, str] = dict(icd_titles or {})
        """ICD-10-CM code → official title of the diagnosis titles (`icd10cm:` concepts)."""
        self._icd_by_key = {title_key(title): code for code, title in self.icd_titles.items()}
        self._icd_by_key.update(
            {title_name(title): code for code, title in self.icd_titles.items()}
        )
        self._icd_concepts: dict[str, Concept] = {}
        self.sources: dict[str, dict[str, str]] = {}
        self.concepts: dict[str, Concept] = {}
        self.prednisone_factors: dict[str, float] = {}
        self.brand_names: dict[str, str] = {}
        self.no_known_allergy: dict[str, Any] = {}
        """How a record says it has no allergy: codes, and patterns for its words (allergens)."""
        for name, document in documents.items():
            self.no_known_allergy.update(document.get("noKnownAllergy", {}))
            self.brand_names.update(document.get("brandNames", {}))
            self.sources[name] = document.get("sources", {})
            for concept_id, raw in document["concepts"].items():
                self.concepts[concept_id] = _concept(concept_id, name, raw)
            factors = document.get("prednisoneEquivalence", {}).get("factors", {})
            self.prednisone_factors.update({code: float(f) for code, f in factors.items()})
        self._parents = self._index_parents()
        self._ancestors: dict[str, frozenset[str]] = {}
        self._exact: dict[tuple[str, str], set[str]] = {}
        self._prefix: dict[tuple[str, str], set[str]] = {}
        for concept in self.concepts.values():
            for coding in (*concept.codings, *concept.members):
                if coding.code.endswith("*"):
                    key = (coding.system, _normalize_code(coding.system, coding.code[:-1]))
                    self._prefix.setdefault(key, set()).add(concept.id)
                else:
                    key = (coding.system, _normalize_code(coding.system, coding.code))
                    self._exact.setdefault(key, set()).add(concept.id)
        self._synonyms = self._compile_synonyms()
        self._brands = (
            re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, self.brand_names)) + r")(?![\w-])")
            if self.brand_names
            else None
        )
        self._patterns = [
            (re.compile(pattern, re.IGNORECASE), concept.id, concept.whole_text)
            for concept in self.concepts.values()
            for pattern in concept.patterns
        ]

    def _index_parents(self) -> dict[str, set[str]]:
        parents: dict[str, set[str]] = {}
        for concept in self.concepts.values():
            for child in concept.includes:
                parents.setdefault(child, set()).add(concept.id)
        return parents

    def _compile_synonyms(self) -> list[tuple[re.Pattern[str], str]]:
        pairs = [
            (synonym.lower(), concept.id)
            for concept in self.concepts.values()
            for synonym in concept.synonyms
        ]
        pairs.sort(key=lambda pair: -len(pair[0]))
        return [(re.compile(rf"(?<![\w-]){re.escape(s)}(?![\w-])"), cid) for s, cid in pairs]

    def with_ancestors(self, concept_ids: set[str]) -> frozenset[str]:
        result = set(concept_ids)
        stack = list(concept_ids)
        while stack:
            for parent in self._parents.get(stack.pop(), ()):
                if parent not in result:
                    result.add(parent)
                    stack.append(parent)
        return frozenset(result)

    def concept(self, concept_id: str) -> Concept:
        """A hand-made concept, or the concept of an ICD-10-CM diagnosis title (`icd10cm:G35`);
        KeyError for anything else."""
        found = self.concepts.get(concept_id)
        if found is not None:
            return found
        found = self._icd_concepts.get(concept_id)
        if found is None:
            code = concept_id[len(ICD_TITLE_PREFIX) :]
            if not concept_id.startswith(ICD_TITLE_PREFIX) or code not in self.icd_titles:
                raise KeyError(concept_id)
            title = self.icd_titles[code]
            found = self._icd_concepts[concept_id] = Concept(
                id=concept_id,
                value_set="conditions",
                display=title,
                codings=(Coding(ICD10CM_SYSTEM, f"{code}*", title),),
                members=(),
                includes=(),
                synonyms=(title,),
                unit=None,
            )
        return found

    def icd_title_code(self, text: str) -> str | None:
        """The ICD-10-CM code whose diagnosis title ``text`` is (apostrophes, case and a SNOMED
        CT semantic tag aside), or None."""
        return self._icd_by_key.get(title_key(_SEMANTIC_TAG.sub("", text)))

    def concepts_for(self, system: str, code: str) -> frozenset[str]:
        if system == ICD10_WHO_SYSTEM and _WHO_AS_CM.match(code.strip().upper()):
            system = ICD10CM_SYSTEM
        normalized = _normalize_code(system, code)
        found = set(self._exact.get((system, normalized), ()))
        for end in range(1, len(normalized) + 1):
            found.update(self._prefix.get((system, normalized[:end]), ()))
            if system == ICD10CM_SYSTEM and end >= 3 and normalized[:end] in self.icd_titles:
                found.add(ICD_TITLE_PREFIX + normalized[:end])
        return self.with_ancestors(found)

    def concepts_for_text(self, text: str) -> frozenset[str]:
        lowered = self.with_generic_names(text)
        found = {concept_id for pattern, concept_id in self._synonyms if pattern.search(lowered)}
        return self.with_ancestors(found)

    def concepts_for_record_text(self, text: str) -> frozenset[str]:
        found = set(self.concepts_for_text(text))
        if (code := self.icd_title_code(text)) is not None:
            found.add(ICD_TITLE_PREFIX + code)
        if not _IN_SITU.search(text):
            primary = _without_secondary_sites(text)
            found |= {
                concept_id
                for pattern, concept_id, whole in self._patterns
                if pattern.search(text if whole else primary)
            }
        return self.with_ancestors(found)

    def with_generic_names(self, text: str) -> str:
        """The text lower-cased, without biologics' FDA suffixes, and with the generic name after
        each brand name it uses ("KEYTRUDA 100 MG" → "keytruda 100 mg pembrolizumab")."""
        lowered = _FDA_SUFFIX.sub("", text.lower())
        if self._brands is None:
            return lowered
        generics = [self.brand_names[m[1]] for m in self._brands.finditer(lowered)]
        return f"{lowered} {' '.join(generics)}" if generics else lowered

    def ancestors(self, concept_id: str) -> frozenset[str]:
        """Every concept that includes this one, directly or not (the concept itself excluded)."""
        found = self._ancestors.get(concept_id)
        if found is None:
            found = self._ancestors[concept_id] = self.with_ancestors({concept_id}) - {concept_id}
        return found

    def is_root(self, concept_id: str) -> bool:
        """A concept no other concept includes (e.g. `malignant-neoplasm`)."""
        return not self._parents.get(concept_id)


def _concept(concept_id: str, value_set: str, raw: dict[str, Any]) -> Concept:
    return Concept(
        id=concept_id,
        value_set=value_set,
        display=raw.get("display", concept_id),
        codings=tuple(Coding(c["system"], c["code"], c.get("display")) for c in raw["codings"]),
        members=tuple(
            Coding(c["system"], c["code"], c.get("display")) for c in raw.get("members", [])
        ),
        includes=tuple(raw.get("includes", ())),
        synonyms=tuple(raw.get("synonyms", ())),
        unit=raw.get("unit"),
        patterns=tuple(raw.get("patterns", ())),
        whole_text=bool(raw.get("patternsOnWholeText", False)),
        category=raw.get("category"),
    )


# Carcinoma in situ is not a malignancy in the sense of eligibility criteria (nor melanoma in
# situ a melanoma to treat): no record pattern applies to it.
_IN_SITU = re.compile(r"\bin[- ]situ\b|\b(?:DCIS|LCIS)\b", re.IGNORECASE)
_SECONDARY_WORD = re.compile(r"\b(?:secondary|metasta\w*|mets)\b", re.IGNORECASE)
_SITE_CONNECTOR = re.compile(r"\b(?:to|of|in|involving|within)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;()\[\]]")


def _without_secondary_sites(text: str) -> str:
    """Cut "to lung" out of "Metastatic melanoma to lung", "of liver" out of "Secondary malignant
    neoplasm of liver": the words naming where a metastasis is, up to the end of the clause."""
    match = _SECONDARY_WORD.search(text)
    while match is not None:
        connector = _SITE_CONNECTOR.search(text, match.end(), match.end() + 60)
        if connector is None:
            match = _SECONDARY_WORD.search(text, match.end())
            continue
        end = _CLAUSE_END.search(text, connector.end())
        stop = end.start() if end else len(text)
        text = text[: connector.start()] + text[stop:]
        match = _SECONDARY_WORD.search(text, connector.start())
    return text


def _normalize_code(system: str, code: str) -> str:
    """AJCC stage codes come as "c3C", "IIIC", "pIV", "4": compare them as roman upper case.
    ICD-10-CM codes come dotted ("C78.7") or not ("C787"): compare them dotted, upper case."""
    if system == ICD10CM_SYSTEM:
        stripped = code.strip().upper()
        if len(stripped) > 3 and "." not in stripped:
            stripped = f"{stripped[:3]}.{stripped[3:]}"
        return stripped
    if system != AJCC_SYSTEM:
        return code
    stripped = code.strip()
    if len(stripped) > 1 and stripped[0] in "cpyr" and not stripped[1].islower():
        stripped = stripped[1:]
    stripped = stripped.upper()
    if stripped[:1] in _ROMAN:
        stripped = _ROMAN[stripped[0]] + stripped[1:]
    return stripped


@cache
def terminology() -> Terminology:
    documents = {
        name: json.loads((_DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
        for name in _VALUE_SET_FILES
    }
    titles = json.loads((_DATA_DIR / _ICD_TITLES_FILE).read_text(encoding="utf-8"))
    return Terminology(documents, titles["titles"])


def concept(concept_id: str) -> Concept:
    return terminology().concept(concept_id)


def codings(concept_id: str) -> tuple[Coding, ...]:
    """Codings that define the concept; class codes written `L01FF*` are returned as `L01FF`."""
    return tuple(
        Coding(c.system, c.code.rstrip("*"), c.display) for c in concept(concept_id).codings
    )


def members(concept_id: str) -> tuple[Coding, ...]:
    return concept(concept_id).members


def concepts_for(system: str, code: str) -> frozenset[str]:
    return terminology().concepts_for(system, code)


def concepts_for_text(text: str) -> frozenset[str]:
    return terminology().concepts_for_text(text)


def concepts_for_record_text(text: str) -> frozenset[str]:
    return terminology().concepts_for_record_text(text)


def prednisone_equivalent_factor(rxnorm_ingredient: str) -> float | None:
    """mg prednisone per mg of the ingredient (None when the ingredient is not a glucocorticoid)."""
    return terminology().prednisone_factors.get(rxnorm_ingredient)


def canonical_unit(concept_id: str) -> str | None:
    return concept(concept_id).unit


def sources() -> dict[str, dict[str, str]]:
    """Value set name → {code system URI: source and version}."""
    return terminology().sources
