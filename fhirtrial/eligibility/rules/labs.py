"""Laboratory thresholds (LOINC): counts, chemistry, × ULN, LVEF."""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import CombinationCode, Criterion, Kind
from fhirtrial.eligibility.rules.base import CMP, NUMBER, Match, comparator, has_any, to_number

_LAB_NAMES: tuple[tuple[str, str], ...] = (
    ("anc", r"absolute neutrophil(?:ic)? count(?: \(anc\))?|\banc\b|neutrophil count|neutrophils"),
    ("platelets", r"platelets? count|platelets"),
    ("hemoglobin", r"ha?emoglobin(?: level)?|\bhgb\b"),
    ("wbc", r"white blood cell count(?: \(wbc\))?|\bwbc\b|leukocytes"),
    (
        "creatinine-clearance",
        r"(?:measured |calculated |estimated )?creat(?:inine|ine) clearance(?: \(crcl\))?"
        r"(?: \(cockcroft[- ]and[- ]gault\)| \(cockcroft-gault\))?|\bcrcl\b",
    ),
    ("creatinine", r"(?:serum )?creatinine(?! clearance)"),
    ("bilirubin", r"(?:serum )?(?:total )?(?:serum )?bilirubin(?:\.total)?"),
    ("alkaline-phosphatase", r"alkaline phosphatase"),
    (
        "ast",
        r"aspartate (?:amino ?transferase|aminotransferase)(?: \((?:ast"
        r"|asat)\))?(?: \(sgot\))?|\bast\b(?: \(sgot\))?|\basat\b|\bsgot\b",
    ),
    (
        "alt",
        r"alanine (?:amino ?transferase|aminotransferase)(?: \((?:alt"
        r"|alat)\))?(?: \(sgpt\))?|\balt\b(?: \(sgpt\))?|\balat\b|\bsgpt\b",
    ),
    ("lvef", r"left ventricular ejection fraction(?: \(lvef\))?|\blvef\b"),
    ("lymphocytes", r"(?:absolute )?lymphocyte count(?: \(alc\))?|\balc\b|lymphocytes"),
    ("inr", r"international normali[sz]ed ratio(?: \(inr\))?|\binr\b"),
    (
        "aptt",
        r"(?:activated )?partial thromboplastin time(?: \(a?ptt\))?|\ba?ptt\b",
    ),
    ("lipase", r"(?:serum )?lipase"),
    ("amylase", r"(?:serum )?amylase"),
    ("hba1c", r"ha?emoglobin a1c(?: \(hba1c\))?|\bhba1c\b|glycated ha?emoglobin(?: \(hba1c\))?"),
    ("glucose", r"(?<!fasting )(?:serum |plasma |blood )?glucose(?! tolerance)"),
    ("albumin", r"(?:serum )?albumin(?! ?(?:/|to|creatinine))"),
    ("potassium", r"(?:serum )?potassium"),
    ("sodium", r"(?:serum )?sodium"),
    ("calcium", r"(?:serum )?(?:corrected )?calcium"),
    ("magnesium", r"(?:serum )?magnesium"),
    ("tsh", r"thyroid[- ]stimulating hormone(?: \(tsh\))?|\btsh\b"),
    (
        "egfr-lab",
        r"(?:estimated )?glomerular filtration rate(?: \((?:e?gfr)\))?|\begfr\b|\bgfr\b",
    ),
    ("bmi", r"body mass index(?: \(bmi\))?|\bbmi\b"),
    # QTc only: QTcF (Fridericia) is another measurement, with codes of its own.
    ("qtc", r"\bqtc\b(?: interval)?|corrected qt interval(?: \(qtc\))?"),
)
_ULN = (
    r"(?P<uln>(?:x|times)?\s*(?:the\s*)?(?:institutional |upper )*(?:upper limit of (?:the )?"
    r"(?:institutional )?normal(?: range)?|upper limit normal|uln|iuln)(?: \((?:uln|iuln)\))?"
    r"(?: \(upper limit for normal\))?(?: for the (?:reference )?lab)?(?: for the reference lab)?)"
)
_UNIT = (
    r"(?P<unit>x\s*10\^?9\s*/\s*l|x\s*109/l|x\s*10\^?3\s*/\s*(?:ul|µl|mcl|mm3|mm\^3)|"
    r"/\s*(?:mcl|µl|ul|microl|mm3|mm\^3|mm\(3\)|l)|cells/(?:mm3|mm\^3|ul|µl|mcl)|g/dl|g/l|mg/dl|"
    r"µmol/l|umol/l|mmol/l|meq/l|ml/min(?:/1\.73 ?m(?:2|\^2|²))?|ml/minute(?:/1\.73 ?m2)?|ml min|%|"
    r"k/ul|kg/m(?:2|\^2|²)|msec|ms|seconds|sec|s|u/l|iu/l|miu/l|µiu/ml|uiu/ml)?(?![\w/])"
)
_LINK = r"(?:\s*(?:must be|must|of|is|level|count|:)?\s*)"
_VALUE = rf"{CMP}\s*{NUMBER}\s*(?:{_ULN}|{_UNIT})"
_AST = r"(?:aspartate amino ?transferase|ast|sgot|asat)(?: \((?:ast|sgot|ast or sgot)\))?"
_ALT = r"(?:alanine amino ?transferase|alt|sgpt|alat)(?: \((?:alt|sgpt|alt or sgpt)\))?"
_AST_ALT = re.compile(
    rf"\b(?:{_AST}\s*(?:/|and|or|and/or)\s*{_ALT}|{_ALT}\s*(?:/|and|or|and/or)\s*{_AST}){_LINK}"
    rf"(?:{CMP}\s*{NUMBER}\s*(?:{_ULN}|{_UNIT}))"
)
_PATTERNS = tuple(
    (concept, re.compile(rf"(?P<name>{names}){_LINK}{_VALUE}")) for concept, names in _LAB_NAMES
)
# Cheap pre-check: only texts naming a lab are scanned with the full patterns. Names found
# anywhere are a substring test; the regex (it tries every position) has the ones that must
# stand alone.
_LAB_STEMS = (
    *("neutrophil", "platelet", "moglobin", "white blood", "leukocyte", "creatin", "bilirubin"),
    *("phosphatase", "aminotransferase", "amino transferase", "sgot", "sgpt", "ejection fraction"),
    *("lymphocyte", "thromboplastin", "lipase", "amylase", "a1c", "glycated", "glucose", "albumin"),
    *("potassium", "sodium", "calcium", "magnesium", "thyroid stimulating", "thyroid-stimulating"),
    *("glomerular", "body mass"),
)
_LAB_WORD = re.compile(
    r"\b(?:anc|hgb|wbc|ast|alt|asat|alat|lvef|crcl|alc|inr|tsh|bmi)\b|ptt\b|gfr\b|\bqtc"
)
_ULN_ONLY = tuple(
    (
        concept,
        re.compile(
            rf"(?P<name>{names}){_LINK}{CMP}\s*(?:the )?(?:institutional )?"
            rf"(?:upper limit of (?:the )?(?:institutional )?normal|uln)\b"
        ),
    )
    for concept, names in _LAB_NAMES
)
# Substrings every match of a lab's names contains (the prefilter before its patterns).
_NAME_TRIGGERS: dict[str, tuple[str, ...]] = {
    "anc": ("neutrophil", "anc"),
    "platelets": ("platelet",),
    "hemoglobin": ("moglobin", "hgb"),
    "wbc": ("white blood", "wbc", "leukocytes"),
    "creatinine-clearance": ("clearance", "crcl"),
    "creatinine": ("creatinine",),
    "bilirubin": ("bilirubin",),
    "alkaline-phosphatase": ("alkaline phosphatase",),
    "ast": ("aspartate", "ast", "asat", "sgot"),
    "alt": ("alanine", "alt", "alat", "sgpt"),
    "lvef": ("ejection fraction", "lvef"),
    "lymphocytes": ("lymphocyte", "alc"),
    "inr": ("normali", "inr"),
    "aptt": ("thromboplastin", "ptt"),
    "lipase": ("lipase",),
    "amylase": ("amylase",),
    "hba1c": ("a1c", "glycated"),
    "glucose": ("glucose",),
    "albumin": ("albumin",),
    "potassium": ("potassium",),
    "sodium": ("sodium",),
    "calcium": ("calcium",),
    "magnesium": ("magnesium",),
    "tsh": ("tsh", "thyroid"),
    "egfr-lab": ("glomerular", "gfr"),
    "bmi": ("bmi", "body mass"),
    "qtc": ("qtc", "corrected qt"),
}
_CELLS_PER_UL = {
    "/mcl",
    "/µl",
    "/ul",
    "/microl",
    "/mm3",
    "/mm^3",
    "/mm(3)",
    "cells/mm3",
    "cells/mm^3",
    "cells/ul",
    "cells/µl",
    "cells/mcl",
}
# mmol/L per mg/dL (10 / molar mass) for the chemistry protocols write in either unit.
_MG_DL_PER_MMOL_L = {"glucose": 18.016, "calcium": 4.008, "magnesium": 2.431}


# BMI as criteria write it: ranges ("BMI 18-30 kg/m2", "between 18.5 and 25"), two bounds
# ("BMI <20 or >35 kg/m2", ">=18,5 and <=27,5"), decimal commas, and the unit spelled loosely.
_BMI_NAME = r"(?:(?:calculated )?body mass index(?: \(bmi\)| \[bmi\])?|(?:calculated )?bmi)"
_BMI_NUM = r"\d{1,2}(?:[.,]\d{1,2})?(?![\d,.]\d)"
_BMI_UNIT = r"(?:\s*kg(?:m)?\s*(?:/|\.)?\s*m(?:2|\^2|²))?"
_BMI_RANGE = re.compile(
    rf"{_BMI_NAME}\s*(?::|=|of|is|between|from|range|in the range of|\s)*\s*"
    rf"(?P<low>{_BMI_NUM}){_BMI_UNIT}\s*(?:-|to|and|~)\s*(?P<high>{_BMI_NUM}){_BMI_UNIT}"
    r"(?:\s*\(inclusive\))?(?![\w.,]*\s*(?:th|st|nd|rd)? ?percentile)"
)
_BMI_BOUNDS = re.compile(
    rf"{_BMI_NAME}\s*(?::|=|of|is|\s)*\s*(?P<cmp1><=|>=|<|>)\s*(?P<n1>{_BMI_NUM}){_BMI_UNIT}"
    rf"(?:\s*(?P<conj>and|or|,)\s*(?P<cmp2><=|>=|<|>)\s*(?P<n2>{_BMI_NUM}){_BMI_UNIT})?"
    r"(?![\w.,]*\s*(?:th|st|nd|rd)? ?percentile)"
)


def _bmi_number(text: str) -> float:
    return float(text.replace(",", "."))


def _bmi(symbol: str, value: float) -> Criterion:
    return Criterion(
        Kind.LAB, concept="bmi", comparator=comparator(symbol), value=value, unit="kg/m2"
    )


def find_bmi(text: str) -> list[Match]:
    if not has_any(text, ("bmi", "body mass")) or "percentile" in text:
        return []
    found: list[Match] = []
    for match in _BMI_RANGE.finditer(text):
        low, high = _bmi_number(match["low"]), _bmi_number(match["high"])
        if low < high:
            both = Criterion(
                Kind.COMBINATION, children=(_bmi(">=", low), _bmi("<=", high)), combination="all-of"
            )
            found.append(Match(both, match.start(), match.end()))
    for match in _BMI_BOUNDS.finditer(text):
        first = _bmi(match["cmp1"], _bmi_number(match["n1"]))
        if not match["cmp2"]:
            found.append(Match(first, match.start(), match.end()))
            continue
        second = _bmi(match["cmp2"], _bmi_number(match["n2"]))
        # "BMI >18 and <28": both hold (a range); "BMI <20 or >35", "below 20 and above 30"
        # (no BMI is both): either.
        directions = {(c.comparator or "")[:1]: c.value or 0.0 for c in (first, second)}
        if len(directions) < 2:
            continue
        outward = directions["<"] <= directions[">"]
        code: CombinationCode = "any-of" if match["conj"] == "or" or outward else "all-of"
        both = Criterion(Kind.COMBINATION, children=(first, second), combination=code)
        found.append(Match(both, match.start(), match.end()))
    return found


def find_labs(text: str) -> list[Match]:
    found: list[Match] = []
    if "bmi" in text or "body mass" in text:
        found.extend(find_bmi(text))
    # Every lab pattern ends in a comparator and a value; most texts have no comparator at all.
    if "<" not in text and ">" not in text and "=" not in text:
        return found
    if not has_any(text, _LAB_STEMS) and not _LAB_WORD.search(text):
        return found
    named = [concept for concept, triggers in _NAME_TRIGGERS.items() if has_any(text, triggers)]
    if "ast" in named and "alt" in named:
        for match in _AST_ALT.finditer(text):
            ast, alt = _criterion("ast", match), _criterion("alt", match)
            if ast is not None and alt is not None:
                both = Criterion(Kind.COMBINATION, children=(ast, alt), combination="all-of")
                found.append(Match(both, match.start(), match.end()))
    for concept, pattern in _PATTERNS:
        if concept not in named:
            continue
        for match in pattern.finditer(text):
            criterion = _criterion(concept, match)
            if criterion is not None:
                found.append(Match(criterion, match.start(), match.end()))
    if not has_any(text, ("uln", "upper limit of")):
        return found
    for concept, pattern in _ULN_ONLY:
        if concept not in named:
            continue
        for match in pattern.finditer(text):
            criterion = Criterion(
                Kind.LAB,
                concept=concept,
                comparator=comparator(match["cmp"]),
                value=1.0,
                uln_multiple=True,
            )
            found.append(Match(criterion, match.start(), match.end()))
    return found


def _criterion(concept: str, match: re.Match[str]) -> Criterion | None:
    value = to_number(match["num"])
    symbol = comparator(match["cmp"])
    if match["uln"]:
        return Criterion(
            Kind.LAB, concept=concept, comparator=symbol, value=value, uln_multiple=True
        )
    unit = (match["unit"] or "").replace(" ", "")
    converted = _canonical(concept, value, unit)
    if converted is None:
        return None
    value, canonical_unit = converted
    return Criterion(Kind.LAB, concept=concept, comparator=symbol, value=value, unit=canonical_unit)


def _canonical(concept: str, value: float, unit: str) -> tuple[float, str] | None:
    """Value in the canonical unit of the lab, or None when the unit is missing or unknown."""
    if concept in ("anc", "platelets", "wbc", "lymphocytes"):
        if unit in _CELLS_PER_UL:
            return round(value / 1000, 6), "10*3/uL"
        if re.fullmatch(r"x10\^?9/l|x109/l|x10\^?3/(?:ul|µl|mcl|mm3|mm\^3)|k/ul", unit):
            return value, "10*3/uL"
        return None
    if concept == "hemoglobin":
        if unit == "g/dl":
            return value, "g/dL"
        if unit == "g/l":
            return value / 10, "g/dL"
        if unit == "mg/dl":
            return value, "mg/dL"  # as written (protocols sometimes mean g/dL)
        return None
    if concept in ("creatinine", "bilirubin"):
        if unit == "mg/dl":
            return value, "mg/dL"
        if unit in ("µmol/l", "umol/l"):
            return value, "umol/L"
        return None
    if concept == "creatinine-clearance":
        if unit.startswith(("ml/min", "mlmin")) or unit == "ml/minute":
            return value, "mL/min"
        return None
    if concept == "lvef":
        return (value, "%") if unit in ("%", "") else None
    return _canonical_chemistry(concept, value, unit)


def _canonical_chemistry(concept: str, value: float, unit: str) -> tuple[float, str] | None:
    if concept == "creatinine-clearance" or concept == "egfr-lab":
        if concept == "egfr-lab" and unit == "":
            return value, "mL/min/{1.73_m2}"  # "eGFR >= 60": eGFR has one unit
        if unit.startswith(("ml/min", "mlmin")):
            return value, "mL/min/{1.73_m2}" if concept == "egfr-lab" else "mL/min"
        return None
    if concept == "inr":
        return (value, "") if unit == "" else None
    if concept == "bmi":
        return (value, "kg/m2") if unit == "" or unit.startswith("kg/m") else None
    if concept == "qtc":
        return (value, "ms") if unit in ("ms", "msec") else None
    if concept == "aptt":
        return (value, "s") if unit in ("s", "sec", "seconds") else None
    if concept == "hba1c":
        return (value, "%") if unit == "%" else None
    if concept in ("potassium", "sodium"):
        return (value, "mmol/L") if unit in ("mmol/l", "meq/l") else None
    if concept in ("lipase", "amylase"):
        return (value, "U/L") if unit in ("u/l", "iu/l") else None
    if concept == "tsh":
        return (value, "m[IU]/L") if unit in ("miu/l", "µiu/ml", "uiu/ml") else None
    if concept == "albumin":
        if unit == "g/dl":
            return value, "g/dL"
        return (value / 10, "g/dL") if unit == "g/l" else None
    if concept in _MG_DL_PER_MMOL_L:
        if unit == "mg/dl":
            return value, "mg/dL"
        if unit == "mmol/l":
            return round(value * _MG_DL_PER_MMOL_L[concept], 1), "mg/dL"
        return None
    return None
