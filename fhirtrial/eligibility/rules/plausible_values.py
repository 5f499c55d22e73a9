"""Thresholds no measured value lies near: a unit slip, not a criterion.

"Hemoglobin < 8 g/l" read as written is 0.8 g/dL: no living patient is below it, so the
exclusion never excludes, and "Hemoglobin ≥ 9 g/L" as an inclusion lets every patient through —
the writer meant g/dL, or 80 g/L, and which one the text does not say. "Platelets ≥ 100/µL",
"Creatinine > 1.5 µmol/L", "HbA1c > 48 %" are the same slip with other units. A threshold in the
canonical unit outside what a laboratory ever reports for the analyte is left unread (the bullet
stays text, or its other parts are read), never compiled to a criterion that means something the
text cannot mean.

The ranges are generous on purpose (reportable extremes, not reference intervals): a threshold
inside them is read as written.
"""

from __future__ import annotations

# (concept, canonical unit) → (lowest, highest) threshold a criterion can sensibly name.
_RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("hemoglobin", "g/dL"): (2.0, 25.0),
    ("hematocrit", "%"): (10.0, 75.0),
    ("platelets", "10*3/uL"): (1.0, 2000.0),
    ("anc", "10*3/uL"): (0.01, 100.0),
    ("wbc", "10*3/uL"): (0.1, 500.0),
    ("lymphocytes", "10*3/uL"): (0.01, 500.0),
    ("creatinine", "mg/dL"): (0.1, 25.0),
    ("creatinine", "umol/L"): (8.0, 2200.0),
    ("bilirubin", "mg/dL"): (0.1, 60.0),
    ("bilirubin", "umol/L"): (1.0, 1000.0),
    ("albumin", "g/dL"): (0.5, 7.0),
    ("hba1c", "%"): (3.0, 25.0),
    ("hba1c", "mmol/mol"): (9.0, 250.0),
    ("glucose", "mg/dL"): (10.0, 2000.0),
    ("glucose", "mmol/L"): (0.5, 110.0),
    ("fasting-glucose", "mg/dL"): (10.0, 2000.0),
    ("fasting-glucose", "mmol/L"): (0.5, 110.0),
    ("potassium", "mmol/L"): (1.0, 12.0),
    ("sodium", "mmol/L"): (90.0, 200.0),
    ("lvef", "%"): (5.0, 90.0),
    ("qtc", "ms"): (250.0, 800.0),
    ("qtcf", "ms"): (250.0, 800.0),
    ("waist-circumference", "cm"): (40.0, 250.0),
    ("waist-circumference", "[in_i]"): (16.0, 100.0),
}


def plausible(concept: str, value: float, unit: str) -> bool:
    """Whether a threshold of ``value`` ``unit`` for ``concept`` can be a measured value (an
    analyte without a range here is taken as written)."""
    bounds = _RANGES.get((concept, unit))
    return bounds is None or bounds[0] <= value <= bounds[1]
