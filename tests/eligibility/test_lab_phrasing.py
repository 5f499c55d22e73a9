"""Labs and vital signs as real studies phrase them: the vital signs EHRs send (oxygen
saturation, temperature, height) and the labs beside them (haematocrit, ferritin, bicarbonate,
prothrombin time), how a value was measured ("by CKD-EPI", "by pulse oximetry on room air", "by
echocardiogram or MUGA scan", "on a complete blood count", "based on medical history"), BMI
written loosely ("19<BMI<30", "BMI (30 - 40)", "equal or greater than 35"), the value before
the name ("< 50 kg or > 100 kg in weight"), counts with their thousands written the European way
("100.000/µL", "1 500/mm³") or with no unit, a bound per sex in brackets, and the disorder a
value defines introduced by "with" — and records in the units EHRs send meet them, fail them, or
leave them unknown."""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from tests.eligibility.ehr_records import LOINC, observation, patient, record, result_of
from tests.eligibility.signature import signature

PLT = "10*3/uL"


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        # Vital signs and labs the rules did not know.
        (
            "Oxygen saturation <90% by pulse oximetry",
            True,
            "lab:oxygen-saturation:<90%",
        ),
        ("SpO2 ≥ 92% on room air", False, "lab:oxygen-saturation:>=92%"),
        ("Temperature <38°C", False, "lab:body-temperature:<38Cel"),
        ("Body temperature ≥ 100.4 °F", True, "lab:body-temperature:>=100.4[degF]"),
        (
            "Height < 150 or > 180 cm",
            True,
            "any-of(lab:body-height:<150cm, lab:body-height:>180cm)",
        ),
        ("Patients with a hematocrit lower than 35%.", True, "lab:hematocrit:<35%"),
        ("serum ferritin ≥100 ng/mL", False, "lab:ferritin:>=100ng/mL"),
        ("Bicarbonate ≥ 27 mmol/L", False, "lab:bicarbonate:>=27mmol/L"),
        ("prothrombin time > 15 seconds", True, "lab:prothrombin-time:>15s"),
        ("Fever (temperature > 38.0 C)", True, "lab:body-temperature:>38Cel"),
        ("Hypoxemia (SpO2 < 90% on room air)", True, "lab:oxygen-saturation:<90%"),
        (
            "Respiratory rate > 20 breaths/min or partial pressure of carbon dioxide (CO2) < 32"
            " mmHg",
            False,
            "any-of(lab:respiratory-rate:>20/min, lab:paco2:<32mm[Hg])",
        ),
        (
            "Partial pressure of arterial carbon dioxide (PaCO2) ≤ 45 mmHg;",
            False,
            "lab:paco2:<=45mm[Hg]",
        ),
        ("PaO2 < 8 kPa", True, "lab:pao2:<8kPa"),
        ("Hypoxemia (PaO2 < 60 mmHg)", True, "lab:pao2:<60mm[Hg]"),
        # Another measurement than the one named, or no measurement at all: stays text.
        ("PaO2/FiO2 < 200 mmHg", True, None),
        ("Patients who underwent HCT > 30 days prior", True, None),
        ("Height > 2 cm lesion", True, None),
        ("Oral temperature > 38 degrees Celsius", True, None),
        ("Prothrombin time activity < 40%", True, None),
        ("Sodium bicarbonate > 20 mmol/L", True, None),
        ("Total IgG level < 6g/L at Screening.", True, "lab:igg:<6g/L"),
        ("Hyperuricemic (uric acid >= 5.5 mg/dL)", False, "lab:uric-acid:>=5.5mg/dL"),
        ("Serum urate > 360 µmol/L", False, "lab:uric-acid:>360umol/L"),
        ("Natremia > 155 mmol/L", False, "lab:sodium:>155mmol/L"),
        ("Fasting serum total cholesterol > 260 mg/dL", True, "lab:total-cholesterol:>260mg/dL"),
        ("Serum TG: >150 mg/dl", False, "lab:triglycerides:>150mg/dL"),
        # How the value was measured adds nothing a result does not say.
        ("eGFR ≥ 60 mL/min/1.73m2 by CKD-EPI", False, "lab:egfr-lab:>=60mL/min/{1.73_m2}"),
        (
            "Estimated GFR <45 mL/min (as judged by the Chronic Kidney Disease Epidemiology"
            " Collaboration (CKD-EPI) equation",
            False,
            "lab:egfr-lab:<45mL/min/{1.73_m2}",
        ),
        (
            "Creatinine clearance ≥ 60 mL/min (Cockcroft-Gault)",
            False,
            "lab:creatinine-clearance:>=60mL/min",
        ),
        # A Cockcroft-Gault "GFR" is a creatinine clearance: not read as an eGFR.
        (
            "Glomerular filtration rate (GFR) ≤ 50 ml/min (estimated by the Cockcroft and Gault"
            " formula)",
            True,
            None,
        ),
        ("eGFR (CKD-EPI) ≥ 60 mL/min/1.73 m2", False, "lab:egfr-lab:>=60mL/min/{1.73_m2}"),
        ("LVEF by echocardiogram ≥ 50%", False, "lab:lvef:>=50%"),
        ("LVEF (as measured by echocardiogram or MUGA) ≥ 50%", False, "lab:lvef:>=50%"),
        ("Bicarbonate - Concentration ≥ 27 mmol/L", False, "lab:bicarbonate:>=27mmol/L"),
        (
            "Left ventricular ejection fraction ≥ 50% by echocardiogram or MUGA scan",
            False,
            "lab:lvef:>=50%",
        ),
        (
            "Platelet count below 50,000 per ul on baseline complete blood count (CBC).",
            True,
            f"lab:platelets:<50{PLT}",
        ),
        (
            "Renal insufficiency (Creatinine ≥ 1.5mg /dL) (based on medical history)",
            True,
            "lab:creatinine:>=1.5mg/dL",
        ),
        (
            "creatinine value greater than or equal to 1.3 mg/dL (via clinical record within the"
            " past 6 months)",
            True,
            "lab:creatinine:>=1.3mg/dL:w-183,0,enrollment",
        ),
        (
            "Hemoglobin ≥ 9 g/dL (obtained within 14 days before registration)",
            False,
            "lab:hemoglobin:>=9g/dL:w-14,0,enrollment",
        ),
        ("Hemoglobin ≥ 9 g/dL (transfusion allowed)", False, "lab:hemoglobin:>=9g/dL"),
        ("Temperature on admission < 30 °C", False, "lab:body-temperature:<30Cel"),
        ("SBP > 145 mmHg at most recent clinic visit", False, "lab:systolic-bp:>145mm[Hg]"),
        ("Hemoglobin ≥ 9 g/dL without transfusion within 2 weeks", False, None),
        # BMI and weight written loosely; every bound kept.
        ("19<BMI<30", False, "all-of(lab:bmi:>19kg/m2, lab:bmi:<30kg/m2)"),
        ("Body mass index (BMI) >18 <28", False, "all-of(lab:bmi:>18kg/m2, lab:bmi:<28kg/m2)"),
        ("BMI <20 >35", True, None),
        ("Body mass index (30 - 40)", False, "all-of(lab:bmi:>=30kg/m2, lab:bmi:<=40kg/m2)"),
        (
            "Subjects with BodyMass Index (BMI) within the range of 18.5-35 inclusive",
            False,
            "all-of(lab:bmi:>=18.5kg/m2, lab:bmi:<=35kg/m2)",
        ),
        (
            "Body mass index (BMI) of 25-40 kilograms per square meter (kg/m²), inclusive",
            False,
            "all-of(lab:bmi:>=25kg/m2, lab:bmi:<=40kg/m2)",
        ),
        ("Body mass index (BMI) equal or greater than 35 kg/m2.", False, "lab:bmi:>=35kg/m2"),
        (
            "Those who have a body mass index(BMI) of less than 18.5 kg / m2 or greater than 35"
            " kg / m2 at the screening",
            True,
            "any-of(lab:bmi:<18.5kg/m2, lab:bmi:>35kg/m2)",
        ),
        (
            "less than 50kg or over 100kg in weight",
            True,
            "any-of(lab:body-weight:<50kg, lab:body-weight:>100kg)",
        ),
        (
            "Subjects weighing between 50kg (inclusive) and 90kg (exclusive)",
            False,
            "all-of(lab:body-weight:>=50kg, lab:body-weight:<90kg)",
        ),
        ("Have a body weight of <150 kilograms (kg)", False, "lab:body-weight:<150kg"),
        ("Heart rate > 90 beats/minute (min)", False, "lab:heart-rate:>90/min"),
        ("HbA1c ≥5.7% or higher", False, "lab:hba1c:>=5.7%"),
        ("HbA1c ≥ 8% or less", True, None),
        # Thousands written the European way, or with a space; a glued comparator.
        ("Platelets ≥ 100.000/µL", False, f"lab:platelets:>=100{PLT}"),
        ("Neutrophils ≥ 1.500/mm3", False, f"lab:anc:>=1.5{PLT}"),
        ("Absolute neutrophil count ≥ 1 500/mm³", False, f"lab:anc:>=1.5{PLT}"),
        (
            "Haemoglobin equal to or greater than100 g/L at enrolment.",
            False,
            "lab:hemoglobin:>=10g/dL",
        ),
        # A word before the name that says what the bound says; against it, no reading.
        ("Elevated INR > 1.5", True, "lab:inr:>1.5"),
        ("Low platelet count < 100,000/mm3", True, f"lab:platelets:<100{PLT}"),
        ("Low platelet count > 100,000/mm3", True, None),
        # Units as protocols type them.
        ("Platelets ≥ 100 G/L", False, f"lab:platelets:>=100{PLT}"),
        ("Neutrophils ≥ 1.5 x 10E9/L", False, f"lab:anc:>=1.5{PLT}"),
        ("WBC ≥ 3 x 10(9)/L", False, f"lab:wbc:>=3{PLT}"),
        ("Platelets ≥ 100 x 10³/µL", False, f"lab:platelets:>=100{PLT}"),
        ("Creatinine ≤ 133 micromol/L", False, "lab:creatinine:<=133umol/L"),
        ("ALT ≤ 2.5-fold ULN", False, "lab:alt:<=2.5xULN"),
        ("eGFR ≥ 60 mL/min per 1.73 m2", False, "lab:egfr-lab:>=60mL/min/{1.73_m2}"),
        ("Creatinine clearance > 50 ml/mn", False, "lab:creatinine-clearance:>50mL/min"),
        ("Calcium (corrected) ≤ 12 mg/dL", False, "lab:calcium:<=12mg/dL"),
        ("Hb ≥ 6.2 mmol/L", False, "lab:hemoglobin:>=6.2mmol/L"),
        # A count or a haemoglobin without its unit, read in the one unit its size allows.
        (
            "Patients with coagulopathy with an elevated INR ≥1.5, or platelets <50",
            True,
            f"any-of(lab:inr:>=1.5, lab:platelets:<50{PLT})",
        ),
        ("Thrombocytopenia (<100,000 platelets/microL)", False, f"lab:platelets:<100{PLT}"),
        ("ANC < 1000", True, f"lab:anc:<1{PLT}"),
        ("Hb <8.0", True, "lab:hemoglobin:<8g/dL"),
        ("WBC < 50", True, None),
        # A bound per sex, the sex in brackets.
        (
            "QTc values >440 ms (men) and >450 ms (women)",
            True,
            "any-of(all-of(sex:male, lab:qtc:>440ms), all-of(sex:female, lab:qtc:>450ms))",
        ),
        # AST/ALT with one bound: both under an upper bound; either over a lower one (what
        # excludes) unless "and" says both.
        (
            "AST/ALT ≤ 3 × ULN (≤ 5 × ULN in case of liver metastases)",
            False,
            "any-of(all-of(lab:ast:<=3xULN, lab:alt:<=3xULN), all-of(condition:liver-metastases,"
            " all-of(lab:ast:<=5xULN, lab:alt:<=5xULN)))",
        ),
        ("ALT or AST > 2.5 x ULN", True, "any-of(lab:ast:>2.5xULN, lab:alt:>2.5xULN)"),
        (
            "AST/ALT > 3 × ULN (> 5 × ULN with liver metastases)",
            True,
            "any-of(all-of(NOT condition:liver-metastases, any-of(lab:ast:>3xULN, lab:alt:>3xULN)),"
            " any-of(lab:ast:>5xULN, lab:alt:>5xULN))",
        ),
        ("AST and ALT > 3 × ULN", True, "all-of(lab:ast:>3xULN, lab:alt:>3xULN)"),
        (
            "aspartate aminotransferase (AST) or alanine aminotransferase (ALT) more than twice the"
            " highest reference value",
            True,
            "any-of(lab:ast:>2xULN, lab:alt:>2xULN)",
        ),
        # Two labs named together before one multiple of the ULN.
        (
            "Amylase and lipase ≤ 1.5 × ULN",
            False,
            "all-of(lab:amylase:<=1.5xULN, lab:lipase:<=1.5xULN)",
        ),
        (
            "Serum amylase or lipase > 2 × ULN",
            True,
            "any-of(lab:amylase:>2xULN, lab:lipase:>2xULN)",
        ),
        (
            "AST(SGOT)/ALT(SGPT) ≤ 3 × institutional ULN",
            False,
            "all-of(lab:ast:<=3xULN, lab:alt:<=3xULN)",
        ),
        (
            "Bilirubin, AST and ALT ≤ 2 × ULN",
            False,
            "all-of(lab:bilirubin:<=2xULN, lab:ast:<=2xULN, lab:alt:<=2xULN)",
        ),
        # Cardiac markers: BNP and NT-proBNP in pg/mL (= ng/L); troponins only as ULN multiples.
        ("NT-proBNP > 400 pg/mL", True, "lab:nt-probnp:>400pg/mL"),
        ("B-type natriuretic peptide ≥ 35 ng/L", False, "lab:bnp:>=35pg/mL"),
        ("Troponin T > 2 × ULN", True, "lab:troponin-t:>2xULN"),
        ("Troponin I > 0.04 ng/mL", True, None),
        ("High-sensitivity troponin I > 2 × ULN", True, None),
        # A wider bound for a subgroup, however it is worded.
        (
            "Total bilirubin ≤ 1.5 mg/dL (except patients with Gilbert syndrome, who can have total"
            " bilirubin < 3.0 mg/dL)",
            False,
            "any-of(lab:bilirubin:<=1.5mg/dL, all-of(condition:icd10cm:E80.4,"
            " lab:bilirubin:<3mg/dL))",
        ),
        (
            "Hemoglobin ≥ 9.0 g/dL (may be transfused to reach this level)",
            False,
            "lab:hemoglobin:>=9g/dL",
        ),
        (
            "Measured or calculated creatinine clearance ≥ 45 mL/min",
            False,
            "lab:creatinine-clearance:>=45mL/min",
        ),
        (
            "Estimated GFR (eGFR) ≥ 60 mL/min/1.73 m2 using the MDRD equation",
            False,
            "lab:egfr-lab:>=60mL/min/{1.73_m2}",
        ),
        # A disorder the value alone defines, introduced by "with"; not one that is a diagnosis.
        ("Obese patients with body mass index ≥ 40.", True, "lab:bmi:>=40kg/m2"),
        ("Systemic inflammation (C-reactive protein ≥ 5 mg/dL);", True, "lab:crp:>=5mg/dL"),
        (
            "Normal blood pressure <140/90 mmHg",
            False,
            "all-of(lab:systolic-bp:<140mm[Hg], lab:diastolic-bp:<90mm[Hg])",
        ),
        (
            "Diagnosed with severe kidney dysfunction (defined by plasma creatinine clearance <30"
            " mL/min)",
            False,
            "lab:creatinine-clearance:<30mL/min",
        ),
        ("Verified anaemia with hemoglobin level below 9.0 gr/dl.", True, "lab:hemoglobin:<9g/dL"),
        (
            "Chronic kidney disease with a Glomerular Filtration Rate < 50ml/min",
            True,
            "all-of(condition:chronic-kidney-disease, lab:egfr-lab:<50mL/min/{1.73_m2})",
        ),
    ],
)
def test_lab_phrasings_compile_to_the_expected_criterion(text, exclusion, expected):
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}


def _result(code: tuple[str, str, str] | str, value: float, unit: str, day: str = "2026-11-20"):
    return observation(code, day, valueQuantity=_quantity(value, unit))


SPO2 = (LOINC, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry")
TEMPERATURE = (LOINC, "8310-5", "Body temperature")
HEIGHT = (LOINC, "8302-2", "Body height")
HEMATOCRIT = (LOINC, "4544-3", "Hematocrit [Volume Fraction] of Blood by Automated count")
EGFR_CKD_EPI = (
    LOINC,
    "88294-4",
    "Glomerular filtration rate/1.73 sq M.predicted among non-blacks [Volume Rate/Area] in"
    " Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)",
)
CRCL_CG = (LOINC, "35591-7", "Creatinine renal clearance predicted by Cockcroft-Gault formula")
PLATELETS = (LOINC, "777-3", "Platelets [#/volume] in Blood by Automated count")
URATE = (LOINC, "3084-1", "Urate [Mass/volume] in Serum or Plasma")
HEMOGLOBIN = (LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood")
PAO2 = (LOINC, "2703-7", "Oxygen [Partial pressure] in Arterial blood")
NT_PROBNP = (
    LOINC,
    "33762-6",
    "Natriuretic peptide.B prohormone N-Terminal [Mass/volume] in Serum or Plasma",
)


def _evaluated(text: str, *resources: dict, exclusion: bool = True) -> str:
    criterion = compile_criterion(text, exclusion=exclusion)
    assert criterion is not None
    return result_of(criterion, record(patient(), *resources))


@pytest.mark.parametrize(
    ("text", "exclusion", "resources", "result"),
    [
        # Pulse oximetry as the vital-signs profile sends it.
        ("Oxygen saturation <90% by pulse oximetry", True, (_result(SPO2, 88, "%"),), "met"),
        ("Oxygen saturation <90% by pulse oximetry", True, (_result(SPO2, 96, "%"),), "not-met"),
        ("Oxygen saturation <90% by pulse oximetry", True, (), "unknown"),
        # Fahrenheit results against a Celsius bound: 100.9 °F = 38.3 °C, 98.6 °F = 37 °C.
        ("Temperature <38°C", False, (_result(TEMPERATURE, 98.6, "[degF]"),), "met"),
        ("Temperature <38°C", False, (_result(TEMPERATURE, 100.9, "[degF]"),), "not-met"),
        ("Temperature <38°C", False, (_result(TEMPERATURE, 37.2, "Cel"),), "met"),
        # Height in inches against centimetres: 72 in = 182.9 cm, 66 in = 167.6 cm.
        ("Height < 150 or > 180 cm", True, (_result(HEIGHT, 72, "[in_i]"),), "met"),
        ("Height < 150 or > 180 cm", True, (_result(HEIGHT, 66, "[in_i]"),), "not-met"),
        ("Height < 150 or > 180 cm", True, (), "unknown"),
        # Haematocrit as a fraction (L/L) or a percentage.
        (
            "Patients with a hematocrit lower than 35%.",
            True,
            (_result(HEMATOCRIT, 0.31, "L/L"),),
            "met",
        ),
        (
            "Patients with a hematocrit lower than 35%.",
            True,
            (_result(HEMATOCRIT, 41, "%"),),
            "not-met",
        ),
        # The eGFR and creatinine clearance codes EHRs send (CKD-EPI, Cockcroft-Gault).
        (
            "eGFR ≥ 60 mL/min/1.73m2 by CKD-EPI",
            False,
            (_result(EGFR_CKD_EPI, 72, "mL/min/{1.73_m2}"),),
            "met",
        ),
        (
            "eGFR ≥ 60 mL/min/1.73m2 by CKD-EPI",
            False,
            (_result(EGFR_CKD_EPI, 48, "mL/min/{1.73_m2}"),),
            "not-met",
        ),
        # A creatinine clearance is no eGFR: the eGFR stays unknown.
        ("eGFR ≥ 60 mL/min/1.73m2 by CKD-EPI", False, (_result(CRCL_CG, 72, "mL/min"),), "unknown"),
        (
            "Creatinine clearance ≥ 60 mL/min (Cockcroft-Gault)",
            False,
            (_result(CRCL_CG, 55, "mL/min"),),
            "not-met",
        ),
        # Urate in µmol/L against mg/dL (168.11 g/mol): 7.0 mg/dL = 416 µmol/L.
        ("Serum urate > 360 µmol/L", False, (_result(URATE, 7.0, "mg/dL"),), "met"),
        ("Serum urate > 360 µmol/L", False, (_result(URATE, 5.0, "mg/dL"),), "not-met"),
        # Haemoglobin in mmol/L (Dutch laboratories) meets results in mmol/L; against g/dL no
        # conversion is taken for granted.
        ("Hb ≥ 6.2 mmol/L", False, (_result(HEMOGLOBIN, 7.1, "mmol/L"),), "met"),
        ("Hb ≥ 6.2 mmol/L", False, (_result(HEMOGLOBIN, 5.4, "mmol/L"),), "not-met"),
        ("Hb ≥ 6.2 mmol/L", False, (_result(HEMOGLOBIN, 11.0, "g/dL"),), "unknown"),
        # PaO2 in kPa against mmHg results (1 kPa = 7.5 mmHg): 55 mmHg = 7.3 kPa.
        ("PaO2 < 8 kPa", True, (_result(PAO2, 55, "mm[Hg]"),), "met"),
        ("PaO2 < 8 kPa", True, (_result(PAO2, 85, "mm[Hg]"),), "not-met"),
        # NT-proBNP sent in ng/L (= pg/mL).
        ("NT-proBNP > 400 pg/mL", True, (_result(NT_PROBNP, 950, "ng/L"),), "met"),
        ("NT-proBNP > 400 pg/mL", True, (_result(NT_PROBNP, 120, "ng/L"),), "not-met"),
        # A platelet count written "100.000/µL" against results per µL and per 10^9/L.
        ("Platelets ≥ 100.000/µL", False, (_result(PLATELETS, 150000, "/uL"),), "met"),
        ("Platelets ≥ 100.000/µL", False, (_result(PLATELETS, 85, "10*9/L"),), "not-met"),
    ],
)
def test_records_in_ehr_units_meet_the_new_phrasings(text, exclusion, resources, result):
    assert _evaluated(text, *resources, exclusion=exclusion) == result
