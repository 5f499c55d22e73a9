"""UCUM unit conversion for the quantities criteria compare (labs, vital signs, doses, ages).

Only conversions that hold for every analyte are here (mass, volume, count per volume, pounds
and kilograms); the molar ↔ mass conversions depend on the analyte and are given per LOINC code
and per criterion concept (a molar mass, exact). HbA1c in mmol/mol (IFCC) and in % (NGSP) are
related by the IFCC–NGSP master equation and Celsius and Fahrenheit by theirs, the two
conversions that are not a factor. Anything else — an analyte without a known molar mass
(triglycerides), a unit not listed — is ``None``: the caller answers "unknown", never a guess.
"""

from __future__ import annotations

# Factor to a base unit per dimension; units in the same dimension convert by ratio.
_FACTORS: dict[str, tuple[str, float]] = {
    # mass concentration, base g/L
    "g/L": ("mass/vol", 1.0),
    "g/dL": ("mass/vol", 10.0),
    "mg/dL": ("mass/vol", 0.01),
    "mg/L": ("mass/vol", 0.001),
    "ug/dL": ("mass/vol", 1e-5),
    "ng/dL": ("mass/vol", 1e-8),
    "ug/L": ("mass/vol", 1e-6),
    "ng/mL": ("mass/vol", 1e-6),
    "ng/L": ("mass/vol", 1e-9),
    "pg/mL": ("mass/vol", 1e-9),
    # molar concentration, base mol/L
    "mol/L": ("mol/vol", 1.0),
    "mmol/L": ("mol/vol", 1e-3),
    "umol/L": ("mol/vol", 1e-6),
    "nmol/L": ("mol/vol", 1e-9),
    "pmol/L": ("mol/vol", 1e-12),
    # counts per volume, base 10*9/L (= 10*3/uL)
    "10*9/L": ("count/vol", 1.0),
    "10*3/uL": ("count/vol", 1.0),
    "10^9/L": ("count/vol", 1.0),
    "10*3/mm3": ("count/vol", 1.0),
    "K/uL": ("count/vol", 1.0),
    "/uL": ("count/vol", 1e-3),
    "/mm3": ("count/vol", 1e-3),
    "{cells}/uL": ("count/vol", 1e-3),
    "10*12/L": ("count/vol", 1e3),
    "10*6/uL": ("count/vol", 1e3),
    # catalytic activity, base U/L
    "U/L": ("activity/vol", 1.0),
    "[IU]/L": ("activity/vol", 1.0),
    "IU/L": ("activity/vol", 1.0),
    # flow, base mL/min
    "mL/min": ("flow", 1.0),
    "mL/min/{1.73_m2}": ("flow", 1.0),
    "mL/min/1.73m2": ("flow", 1.0),
    # body mass index, base kg/m2
    "kg/m2": ("mass/area", 1.0),
    "kg/m^2": ("mass/area", 1.0),
    "kg/m²": ("mass/area", 1.0),
    # durations measured in seconds (QTc, aPTT), base ms
    "ms": ("duration", 1.0),
    "s": ("duration", 1000.0),
    # international units per volume (TSH), base m[IU]/L
    "m[IU]/L": ("intl/vol", 1.0),
    "mIU/L": ("intl/vol", 1.0),
    "u[IU]/mL": ("intl/vol", 1.0),
    "uIU/mL": ("intl/vol", 1.0),
    # fraction, base %
    "%": ("fraction", 1.0),
    "1": ("fraction", 100.0),
    "L/L": ("fraction", 100.0),
    # time, base day
    "d": ("time", 1.0),
    "wk": ("time", 7.0),
    "mo": ("time", 30.4375),
    "a": ("time", 365.25),
    # mass per day (doses), base mg/d
    "mg/d": ("dose/day", 1.0),
    "mg/(24.h)": ("dose/day", 1.0),
    "g/d": ("dose/day", 1000.0),
    "g/(24.h)": ("dose/day", 1000.0),
    # plain mass, base mg
    "mg": ("mass", 1.0),
    "g": ("mass", 1000.0),
    "ug": ("mass", 0.001),
    "kg": ("mass", 1e6),
    "[lb_av]": ("mass", 453592.37),
    # blood pressure, base mm[Hg]
    "mm[Hg]": ("pressure", 1.0),
    "kPa": ("pressure", 7.50062),
    # rates (heart rate), base /min
    "/min": ("rate", 1.0),
    "{beats}/min": ("rate", 1.0),
    "{breaths}/min": ("rate", 1.0),
    # urine albumin/creatinine ratio, base mg/g
    "mg/g": ("mass ratio", 1.0),
    "ug/mg": ("mass ratio", 1.0),
    "g/g": ("mass ratio", 1000.0),
    "mg/mg": ("mass ratio", 1000.0),
    # HbA1c in IFCC units (affine to %: `_HBA1C`)
    "mmol/mol": ("ifcc", 1.0),
    # length (body height), base cm
    "cm": ("length", 1.0),
    "m": ("length", 100.0),
    "mm": ("length", 0.1),
    "[in_i]": ("length", 2.54),
    "[ft_i]": ("length", 30.48),
    # viral copies per volume (HIV-1 RNA), base {copies}/mL
    "{copies}/mL": ("copies/vol", 1.0),
    "1/mL": ("copies/vol", 1.0),
}

# g/L per mol/L for analytes reported in either (molar mass): creatinine, bilirubin.
_MOLAR_MASS = {
    "2160-0": 113.12,  # creatinine
    "1975-2": 584.66,  # total bilirubin
    "2345-7": 180.16,  # glucose, serum or plasma
    "2339-0": 180.16,  # glucose, blood
    "17861-6": 40.078,  # calcium
    "19123-9": 24.305,  # magnesium
    "1558-6": 180.16,  # fasting glucose
    "2093-3": 386.65,  # cholesterol
    "2089-1": 386.65,  # cholesterol in LDL
    "13457-7": 386.65,
    "18262-6": 386.65,
    "2085-9": 386.65,  # cholesterol in HDL
    "43396-1": 386.65,  # cholesterol non HDL
    "3084-1": 168.11,  # urate
    "2986-8": 288.42,  # testosterone
    "2524-7": 90.08,  # lactate, serum or plasma
    "32693-4": 90.08,  # lactate, blood
    "1989-3": 400.64,  # 25-hydroxyvitamin D (as D3, the laboratories' factor)
    "3024-7": 776.87,  # free thyroxine
    "2777-1": 30.974,  # phosphate, as phosphorus
    "2143-6": 362.46,  # cortisol
}
# The same by criterion concept: a result found by its words (a local code) still converts.
_CONCEPT_MOLAR_MASS = {
    "creatinine": 113.12,
    "bilirubin": 584.66,
    "glucose": 180.16,
    "fasting-glucose": 180.16,
    "calcium": 40.078,
    "magnesium": 24.305,
    "total-cholesterol": 386.65,
    "ldl-cholesterol": 386.65,
    "hdl-cholesterol": 386.65,
    "non-hdl-cholesterol": 386.65,
    "uric-acid": 168.11,
    "testosterone": 288.42,
    "lactate": 90.08,
    "vitamin-d": 400.64,
    "free-t4": 776.87,
    "phosphate": 30.974,
    "cortisol": 362.46,
}
# HbA1c: NGSP % = 0.09148 × IFCC mmol/mol + 2.152 (IFCC–NGSP master equation).
_HBA1C_CODES = frozenset({"4548-4", "17856-6", "59261-8"})

_SPELLINGS = {
    "mg/dl": "mg/dL",
    "g/dl": "g/dL",
    "umol/l": "umol/L",
    "µmol/L": "umol/L",
    "x10^9/L": "10*9/L",
    "x10E3/uL": "10*3/uL",
    "10^3/uL": "10*3/uL",
    "mmHg": "mm[Hg]",
    "mm Hg": "mm[Hg]",
    "beats/min": "/min",
    "bpm": "/min",
    "lb": "[lb_av]",
    "lbs": "[lb_av]",
    "g/24h": "g/(24.h)",
    "g/24 h": "g/(24.h)",
    "mg/24h": "mg/(24.h)",
    "mg/24 h": "mg/(24.h)",
    "[lb_us]": "[lb_av]",
    # grams per litre in lower case only: "G/L" is giga per litre in French laboratories
    # (10*9/L, a count), grams per litre elsewhere.
    "g/l": "g/L",
    "in": "[in_i]",
    "[in_us]": "[in_i]",
    "°C": "Cel",
    "degC": "Cel",
    "C": "Cel",
    "°F": "[degF]",
    "degF": "[degF]",
    "F": "[degF]",
}
# Unit spellings of US laboratory systems (Epic, Cerner, Quest, LabCorp result feeds), matched
# without regard to case once the exact spellings above missed. Only spellings with one meaning:
# "G/L" (giga per litre in French laboratories, grams per litre elsewhere) is not here.
_LAB_SPELLINGS = {
    # thousands per microlitre = 10*9/L
    **dict.fromkeys(
        (
            "k/ul",
            "k/mcl",
            "k/µl",
            "k/mm3",
            "k/cumm",
            "k/cu mm",
            "thou/ul",
            "thou/mcl",
            "thou/mm3",
            "thous/ul",
            "x10(3)/ul",
            "x10(3)/mcl",
            "x10e3/mcl",
            "x10^3/ul",
            "x10^3/mcl",
            "x10*3/ul",
            "x 10^3/ul",
            "x 10e3/ul",
            "x10 3/ul",
            "10(3)/ul",
            "10e3/ul",
            "10^3/mcl",
            "10*3/mcl",
            "10*3/µl",
            "10^3/µl",
            "10^3/mm3",
            "x10^9/l",
            "x10*9/l",
            "x10e9/l",
            "10e9/l",
            "x 10^9/l",
            "10^9/l",
            "10*9/l",
        ),
        "10*3/uL",
    ),
    # millions per microlitre = 10*12/L
    **dict.fromkeys(
        (
            "m/ul",
            "m/mcl",
            "mil/ul",
            "mil/mcl",
            "mill/ul",
            "mill/mcl",
            "x10(6)/ul",
            "x10(6)/mcl",
            "x10e6/ul",
            "x10^6/ul",
            "10^6/ul",
            "10*6/ul",
            "x10e12/l",
            "x10^12/l",
            "10^12/l",
            "10*12/l",
        ),
        "10*6/uL",
    ),
    # cells per microlitre
    **dict.fromkeys(
        (
            "cells/ul",
            "cells/mcl",
            "cells/µl",
            "cells/mm3",
            "cells/cumm",
            "/mcl",
            "/µl",
            "/cumm",
            "/cu mm",
            "{cells}/ul",
            "/ul",
            "/mm3",
        ),
        "/uL",
    ),
    **dict.fromkeys(("g/dl", "gm/dl", "gr/dl", "grams/dl"), "g/dL"),
    **dict.fromkeys(("mg/dl",), "mg/dL"),
    **dict.fromkeys(("gm/l", "gr/l", "grams/l"), "g/L"),
    **dict.fromkeys(("kg", "kgs", "kilogram", "kilograms"), "kg"),
    **dict.fromkeys(("kg/m2", "kg/m^2", "kg/m²", "kg/sq m", "kg/m*2"), "kg/m2"),
    **dict.fromkeys(("mcg/dl", "µg/dl", "ug/dl"), "ug/dL"),
    **dict.fromkeys(("mcg/l", "µg/l", "ug/l"), "ug/L"),
    **dict.fromkeys(("umol/l", "µmol/l", "mcmol/l", "micromol/l", "micromoles/l"), "umol/L"),
    **dict.fromkeys(("mmol/l",), "mmol/L"),
    **dict.fromkeys(("u/l", "iu/l", "units/l", "unit/l"), "U/L"),
    # Units of the criteria that name them only (CA-125, FSH): the same unit in other spellings,
    # never converted to another (an enzyme's "U/mL", a TSH's "mIU/mL" are most often slips).
    **dict.fromkeys(("u/ml", "units/ml", "unit/ml", "ku/l"), "U/mL"),
    **dict.fromkeys(
        (
            "ml/min/1.73 m2",
            "ml/min/1.73m^2",
            "ml/min/1.73 m^2",
            "ml/min/1.73m*2",
            "ml/min/1.73m²",
            "ml/min/1.73 m²",
            "ml/min/1.73m2",
            "ml/min/{1.73_m2}",
            "ml/min/bsa",
            "ml/min/1.73sqm",
            "ml/min/1.73 sq m",
        ),
        "mL/min/{1.73_m2}",
    ),
    **dict.fromkeys(("ml/min",), "mL/min"),
    **dict.fromkeys(("sec", "secs", "seconds"), "s"),
    **dict.fromkeys(("msec", "millisec"), "ms"),
    **dict.fromkeys(("µiu/ml", "uiu/ml", "micro iu/ml"), "uIU/mL"),
    **dict.fromkeys(("miu/l",), "mIU/L"),
    **dict.fromkeys(("miu/ml", "m[iu]/ml"), "m[IU]/mL"),
    **dict.fromkeys(("copies/ml", "cp/ml", "copies per ml", "{copies}/ml"), "{copies}/mL"),
}

# Temperatures: °F = °C × 9/5 + 32 (no common factor).
_TEMPERATURES = frozenset({"Cel", "[degF]"})


def canonical(unit: str | None) -> str | None:
    if unit is None:
        return None
    unit = unit.strip()
    if unit in _SPELLINGS:
        return _SPELLINGS[unit]
    if unit in _FACTORS:
        return unit
    return _LAB_SPELLINGS.get(" ".join(unit.lower().split()), unit)


def convert(
    value: float,
    from_unit: str | None,
    to_unit: str | None,
    *,
    loinc: str | None = None,
    concept: str | None = None,
) -> float | None:
    """``value`` in ``to_unit``, or ``None`` when the units are unknown or incompatible.

    ``loinc`` (the result's code) or ``concept`` (the criterion's) name the analyte for the
    conversions that depend on it (molar ↔ mass, HbA1c mmol/mol ↔ %)."""
    source, target = canonical(from_unit), canonical(to_unit)
    if source == target:
        return value
    if source is None or target is None:
        return None
    if source in _TEMPERATURES and target in _TEMPERATURES:
        return value * 9 / 5 + 32 if target == "[degF]" else (value - 32) * 5 / 9
    a, b = _FACTORS.get(source), _FACTORS.get(target)
    if a is None or b is None:
        return None
    if a[0] == b[0]:
        return value * a[1] / b[1]
    if concept == "hba1c" or loinc in _HBA1C_CODES:
        if a[0] == "ifcc" and b[0] == "fraction":
            return (0.09148 * value * a[1] + 2.152) / b[1]
        if a[0] == "fraction" and b[0] == "ifcc":
            return (value * a[1] - 2.152) / 0.09148 / b[1]
        return None
    molar_mass = _MOLAR_MASS.get(loinc or "") or _CONCEPT_MOLAR_MASS.get(concept or "")
    if molar_mass is None:
        return None
    if a[0] == "mol/vol" and b[0] == "mass/vol":
        return value * a[1] * molar_mass / b[1]
    if a[0] == "mass/vol" and b[0] == "mol/vol":
        return value * a[1] / molar_mass / b[1]
    return None


def in_base_unit(value: float, unit: str | None) -> tuple[float, str] | None:
    """``value`` in the base unit of its dimension, with the dimension's name ("count/vol"):
    1,500 /uL and 1.5 10*3/uL give the same; None for a unit not known here."""
    factor = _FACTORS.get(canonical(unit) or "")
    if factor is None:
        return None
    return value * factor[1], factor[0]
