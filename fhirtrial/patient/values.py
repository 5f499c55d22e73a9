"""Typed values read from FHIR datatypes in patient data (R4 and R5 share these shapes).

Every reader here is tolerant: a malformed value becomes ``None`` and the caller decides whether
that deserves a warning. Nothing here raises on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, Final, NamedTuple

from fhirtrial.lru import LRU

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
CVX = "http://hl7.org/fhir/sid/cvx"
UCUM = "http://unitsofmeasure.org"

# EHR exports often name a code system by its HL7 OID or with small spelling variants; the index
# must see one spelling per system or a lookup by the canonical URI silently misses.
_SYSTEM_ALIASES = {
    "urn:oid:2.16.840.1.113883.6.96": SNOMED,
    "http://snomed.info/sct/": SNOMED,
    "https://snomed.info/sct": SNOMED,
    "urn:oid:2.16.840.1.113883.6.1": LOINC,
    "https://loinc.org": LOINC,
    "http://loinc.org/": LOINC,
    "urn:oid:2.16.840.1.113883.6.88": RXNORM,
    "http://www.nlm.nih.gov/research/umls/rxnorm/": RXNORM,
    "https://www.nlm.nih.gov/research/umls/rxnorm": RXNORM,
    "urn:oid:2.16.840.1.113883.6.90": ICD10CM,
    "http://hl7.org/fhir/sid/icd-10-cm/": ICD10CM,
    "urn:oid:2.16.840.1.113883.12.292": CVX,
    "http://unitsofmeasure.org/": UCUM,
}

Code = tuple[str, str]
"""A ``(system, code)`` pair, the key of every code index."""


def normalize_system(system: Any) -> str | None:
    if not isinstance(system, str) or not system:
        return None
    return _SYSTEM_ALIASES.get(system, system)


class Coding(NamedTuple):
    system: str | None
    code: str | None
    display: str | None = None

    @property
    def key(self) -> Code | None:
        if self.system and self.code:
            return (self.system, self.code)
        return None


class Concept(NamedTuple):
    """A CodeableConcept: its codings (systems normalized) and its text."""

    codings: tuple[Coding, ...] = ()
    text: str | None = None

    @property
    def keys(self) -> tuple[Code, ...]:
        return tuple(c.key for c in self.codings if c.key is not None)

    @property
    def texts(self) -> tuple[str, ...]:
        """Its words: the text, then each coding's display (the empty ones left out)."""
        return tuple(t for t in (self.text, *(c.display for c in self.codings)) if t)

    @property
    def label(self) -> str:
        """A short human name: the text, else the first display, else the first code."""
        if self.text:
            return self.text
        for coding in self.codings:
            if coding.display:
                return coding.display
        for coding in self.codings:
            if coding.code:
                return coding.code
        return "(no code)"

    def has_code(self, system: str, code: str) -> bool:
        return any(c.system == system and c.code == code for c in self.codings)

    def codes_in(self, system: str) -> tuple[str, ...]:
        return tuple(c.code for c in self.codings if c.system == system and c.code)


EMPTY_CONCEPT = Concept()


class Quantity(NamedTuple):
    value: float | None
    unit: str | None = None
    system: str | None = None
    code: str | None = None
    comparator: str | None = None

    @property
    def ucum(self) -> str | None:
        """The UCUM unit code when the quantity declares one (else ``None``)."""
        return self.code if self.system == UCUM and self.code else None

    @property
    def label(self) -> str:
        number = "?" if self.value is None else f"{self.value:g}"
        unit = self.unit or self.code or ""
        return f"{self.comparator or ''}{number} {unit}".strip()


@dataclass(frozen=True, slots=True)
class Range:
    low: Quantity | None
    high: Quantity | None

    @property
    def label(self) -> str:
        low = self.low.label if self.low else "…"
        high = self.high.label if self.high else "…"
        return f"{low} – {high}"


@dataclass(frozen=True, slots=True)
class Ratio:
    numerator: Quantity | None
    denominator: Quantity | None

    @property
    def label(self) -> str:
        num = self.numerator.label if self.numerator else "?"
        den = self.denominator.label if self.denominator else "?"
        return f"{num} : {den}"


def read_coding(raw: Any) -> Coding | None:
    if raw.__class__ is not dict:
        return None
    system = raw.get("system")
    code = raw.get("code")
    display = raw.get("display")
    return Coding(
        _SYSTEM_ALIASES.get(system, system) if system.__class__ is str and system else None,
        code.strip() or None if code.__class__ is str else None,
        display if display.__class__ is str and display else None,
    )


def read_concept(raw: Any) -> Concept | None:
    """A CodeableConcept, or ``None`` when the element is absent or not an object."""
    # The hot path of reading a bundle (a few thousand calls per patient): kept inline.
    if raw.__class__ is not dict:
        return None
    codings = raw.get("coding")
    items: tuple[Coding, ...] = ()
    if codings.__class__ is list:
        items = tuple(c for c in map(read_coding, codings) if c is not None)
    text = raw.get("text")
    return Concept(items, text if text.__class__ is str and text else None)


def read_concepts(raw: Any) -> tuple[Concept, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(c for c in (read_concept(x) for x in raw) if c is not None)


class ConceptReader:
    """`read_concept` for one bundle, sharing one `Concept` between equal CodeableConcepts.

    An EHR or Synthea bundle repeats the same few hundred codings thousands of times, so most
    concepts are found in the cache after a few dict lookups instead of being rebuilt. The key
    holds the raw ``text`` and ``(system, code, display)`` of every Coding object; equal keys
    always read to equal concepts (a value that is not a string reads as ``None`` whatever it
    is), and a cache miss is read by `read_concept` itself. Make one per bundle read: the cache
    is not bounded.
    """

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, ...], Concept | None] = {}

    def concept(self, raw: Any) -> Concept | None:
        if raw.__class__ is not dict:
            return None
        codings = raw.get("coding")
        if codings.__class__ is not list:
            key: tuple[Any, ...] = (raw.get("text"),)
        elif len(codings) == 1 and (coding := codings[0]).__class__ is dict:
            get = coding.get
            key = (raw.get("text"), get("system"), get("code"), get("display"))
        else:
            key = (raw.get("text"),)
            for coding in codings:
                if coding.__class__ is dict:
                    key += (coding.get("system"), coding.get("code"), coding.get("display"))
        try:
            found = self._cache.get(key)
        except TypeError:  # an unhashable value (a list or object where a string belongs)
            return read_concept(raw)
        if found is None:
            found = self._cache[key] = read_concept(raw)
        return found

    def concepts(self, raw: Any) -> tuple[Concept, ...]:
        """`read_concepts`, cached."""
        if not isinstance(raw, list):
            return ()
        if len(raw) == 1:  # the common case, without a generator
            concept = self.concept(raw[0])
            return () if concept is None else (concept,)
        return tuple(c for c in map(self.concept, raw) if c is not None)

    def status_code(self, raw: Any) -> str | None:
        """`status_code`, cached."""
        if isinstance(raw, str):
            return _status_word(raw) or raw or None
        return _status_of(self.concept(raw))


def concept_from_coding(raw: Any) -> Concept | None:
    """R4 uses a bare Coding in a few places (e.g. ``Immunization.vaccineCode`` is not one)."""
    coding = read_coding(raw)
    return Concept(codings=(coding,)) if coding is not None else None


_COMPARATORS = frozenset({"<", "<=", ">=", ">", "ad"})


def read_quantity(raw: Any) -> Quantity | None:
    if not isinstance(raw, dict):
        return None
    get = raw.get
    value = get("value")
    if value.__class__ is not float and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        value = _number_from_text(value)
    unit = get("unit")
    system = get("system")
    code = get("code")
    comparator = get("comparator")
    return Quantity(
        # An integer stays one: it tells the precision the value was reported to (133 umol/L
        # is 132.5-133.5, 133.0 is 132.95-133.05; `evaluation/rounding.py`).
        value if value.__class__ is int or value is None else float(value),
        unit if isinstance(unit, str) and unit else None,
        _SYSTEM_ALIASES.get(system, system) if isinstance(system, str) and system else None,
        code if isinstance(code, str) and code else None,
        comparator if comparator.__class__ is str and comparator in _COMPARATORS else None,
    )


def _number_from_text(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def read_range(raw: Any) -> Range | None:
    if not isinstance(raw, dict):
        return None
    low, high = read_quantity(raw.get("low")), read_quantity(raw.get("high"))
    if low is None and high is None:
        return None
    return Range(low=low, high=high)


def read_ratio(raw: Any) -> Ratio | None:
    if not isinstance(raw, dict):
        return None
    return Ratio(read_quantity(raw.get("numerator")), read_quantity(raw.get("denominator")))


_DATE_CACHE: LRU[tuple[str, bool], date | None] = LRU(50_000)


def parse_fhir_date(value: Any, *, end: bool = False) -> date | None:
    """The calendar day of a FHIR ``date``/``dateTime``/``instant`` string, or ``None``.

    Partial dates stand for their whole span: ``"2019-04"`` is 1 April 2019, or 30 April with
    ``end=True``. A dateTime keeps its local calendar day (the offset is not applied), which is
    how a clinician reads it. Malformed or impossible dates (``2019-02-30``) return ``None``.
    """
    if not isinstance(value, str):
        return None
    key = (value, end)
    cached = _DATE_CACHE.get(key, _MISSING)
    if cached is not _MISSING:
        return cached
    result = _parse_date(value.strip(), end)
    _DATE_CACHE.put(key, result)
    return result


class _Missing(Enum):
    MISSING = 0


# An enum member rather than object(), so that `is not _MISSING` narrows the cached value's type.
_MISSING: Final = _Missing.MISSING


def _parse_date(text: str, end: bool) -> date | None:
    try:
        if len(text) >= 10:
            if len(text) > 10 and text[10] != "T":
                return None
            return date.fromisoformat(text[:10])
        if len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:7])
            first = date(year, month, 1)  # raises on month 13 with ``end`` too
            if not end:
                return first
            next_month = date(year + month // 12, month % 12 + 1, 1)
            return date.fromordinal(next_month.toordinal() - 1)
        if len(text) == 4 and text.isdigit():
            return date(int(text), 12, 31) if end else date(int(text), 1, 1)
    except ValueError:
        return None
    return None


@dataclass(frozen=True, slots=True)
class Period:
    start: date | None
    end: date | None


def read_period(raw: Any) -> Period | None:
    if not isinstance(raw, dict):
        return None
    return Period(parse_fhir_date(raw.get("start")), parse_fhir_date(raw.get("end"), end=True))


def first_text(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str) and value:
            return value
    return None


def status_code(raw: Any) -> str | None:
    """A status that is a ``code`` in one version and a CodeableConcept in another."""
    if isinstance(raw, str):
        return _status_word(raw) or raw or None
    return _status_of(read_concept(raw))


# The codes of the status value sets read through `status_code`: Condition and
# AllergyIntolerance clinical / verification status, AllergyIntolerance type, R5
# MedicationStatement adherence.
_STATUS_CODES = frozenset(
    {"active", "recurrence", "relapse", "inactive", "remission", "resolved"}
    | {"unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"}
    | {"presumed", "allergy", "intolerance", "unknown", "not-taking", "stopped", "on-hold"}
    | {"taking", "taking-as-directed", "taking-not-as-directed", "on-hold-as-directed"}
    | {"on-hold-not-as-directed", "stopped-as-directed", "stopped-not-as-directed"}
)
_HL7_SYSTEMS = ("http://terminology.hl7.org/CodeSystem/", "http://hl7.org/fhir/")


def _status_word(text: str | None) -> str | None:
    """A status code however an export spells it ("Entered in Error", "Active")."""
    if not text:
        return None
    word = "-".join(text.strip().lower().replace("_", " ").split())
    return word if word in _STATUS_CODES else None


def _status_of(concept: Concept | None) -> str | None:
    """The status code: the HL7 coding's, else any coding's code or display, or the text, that
    spells a status (an EHR's own status coding — Epic "1" / "Active" — may come first); else the
    first code or the text, as written."""
    if concept is None:
        return None
    for coding in concept.codings:
        if coding.code and (coding.system or "").startswith(_HL7_SYSTEMS):
            return _status_word(coding.code) or coding.code
    for text in (*(t for c in concept.codings for t in (c.code, c.display)), concept.text):
        if word := _status_word(text):
            return word
    for coding in concept.codings:
        if coding.code:
            return coding.code
    return concept.text
