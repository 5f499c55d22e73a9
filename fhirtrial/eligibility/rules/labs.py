"""Laboratory thresholds and vital signs (LOINC): counts, chemistry, × ULN, LVEF, blood
pressure, heart rate, body weight.

A measurement is read from its name: the words after it ("level", "concentration of", ":")
and then one value expression — a bound ("≥ 1,500/µL", "< 3 × ULN"), a range ("between 9 and 13
g/dL", "5.7 - 6.4%"), two bounds ("< 110 or > 180 mmHg", "≥ 8.0% and ≤ 12.0%") or "7.0% or
more". Units are converted to the lab's canonical unit only where the factor is exact (a count
per µL and per L, g/L and g/dL, pounds and kilograms); a unit the rules do not know leaves the
text unread. The time the value was taken ("at screening", "baseline", "preoperative") adds
nothing a record decides and is read with it; a parenthesised restatement in another unit
("HbA1c > 47 mmol/mol (> 6.4%)") must agree with the first reading.

A word naming the disorder a threshold defines ("Renal insufficiency (GFR < 30 mL/min)",
"Adequate renal function: creatinine ≤ 1.5 mg/dL", "uncontrolled hypertension (systolic > 160
or diastolic > 100 mmHg)") is read as that threshold: the label is matched with the criterion of
the first measurement it introduces, which the compiler then merges with it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from fhirtrial.eligibility.model import CombinationCode, Comparator, Criterion, Kind, evolve
from fhirtrial.eligibility.rules.base import (
    Match,
    Triggers,
    has_any,
    remember_recent,
)
from fhirtrial.eligibility.rules.measure_labels import label_start, negated_before
from fhirtrial.eligibility.rules.plausible_values import plausible

_MICRO = "[µμu]"
_CARDIAC_IMAGING = (
    r"(?:(?:2d |transthoracic )?echocardiogra(?:m|phy)(?: \((?:echo|tte)\))?|echo|tte"
    r"|(?:multi-?gated|multiple gated) acquisition(?: \(muga\))?(?: scan)?|muga(?: scan)?"
    r"|cardiac (?:mri|magnetic resonance imaging))"
)
_CARDIAC_IMAGINGS = rf"{_CARDIAC_IMAGING}(?:(?:,? or |/|,? and/or |, ){_CARDIAC_IMAGING})*"
# How an eGFR or an LVEF was measured, between its name and its value ("eGFR (CKD-EPI) ≥ 60",
# "LVEF by echocardiogram ≥ 50%"): the result's code already says it.
_EGFR_METHOD = (
    r"(?:\s*\((?:ckd-?epi|mdrd)(?: 20[0-2]\d)?(?: equation| formula)?\)"
    r"|\s*\(?(?:calculated |estimated )?(?:by|using|per) (?:the )?(?:ckd-?epi|mdrd)"
    r"(?: equation| formula)?\)?)?"
)
_LVEF_METHOD = (
    rf"(?:\s*\(?(?:as )?(?:measured |assessed |determined )?(?:by|on|via) (?:an? )?"
    rf"{_CARDIAC_IMAGINGS}\)?)?"
)
_LAB_NAMES: tuple[tuple[str, str], ...] = (
    (
        "anc",
        r"absolute neutrophil(?:ic)? count(?: \(anc\))?|\banc\b|neutrophil count|neutrophils"
        r"|absolute neutrophils",
    ),
    ("platelets", r"platelets? counts?(?: \(plt\))?|platelets|\bplt\b"),
    (
        "hemoglobin",
        r"(?<!glycated )(?<!glycosylated )(?<!glycolated )"
        r"(?:(?:serum |blood )?ha?emoglobin(?: level)?(?: \((?:hb|hgb)\))?(?: hb)?|\bhgb\b"
        r"|\bhb\b)",
    ),
    (
        "wbc",
        r"white blood cells?(?: count)? ?(?:\(wbc\))?(?: count)?|\bwbc\b(?: count)?|leukocytes",
    ),
    (
        "creatinine-clearance",
        r"(?:(?:measured|calculated|estimated)(?: or (?:measured|calculated|estimated))? )?"
        r"(?:plasma )?creat(?:inine|ine) clearance"
        r"(?: \[crcl\]| \(crcl\))?(?: \(cockc?roft[- ]and[- ]gault\)| \(cockc?roft-gault\)"
        r"| \(cockc?roft ?& ?gault\))?|(?:calculated |estimated )?\bcrcl\b"
        r"(?: \(cockc?roft(?: ?& ?| and |-)gault\))?",
    ),
    ("creatinine", r"(?:serum )?creatinine(?! clearance| phosphokinase| kinase)|\bs?cr\b"),
    ("bilirubin", r"(?:serum )?(?:total )?(?:serum )?bilirubin(?:\.total)?"),
    ("alkaline-phosphatase", r"alkaline phosphatase(?: \(alp\))?|\balp\b"),
    (
        "ast",
        r"aspartate (?:amino ?transferase|aminotransferase|transaminase) ?(?:\((?:ast"
        r"|asat)\))?(?: \(sgot\))?|\bast\b(?: \(sgot\))?|\basat\b|\bsgot\b",
    ),
    (
        "alt",
        r"alanine (?:amino ?transferase|aminotransferase|transaminase) ?(?:\((?:alt"
        r"|alat)\))?(?: \(sgpt\))?|\balt\b(?: \(sgpt\))?|\balat\b|\bsgpt\b",
    ),
    (
        "lvef",
        rf"(?:(?:left ventricular |cardiac )?ejection fraction(?: \((?:lvef|ef)\))?|\blvef\b)"
        rf"{_LVEF_METHOD}",
    ),
    ("lymphocytes", r"(?:absolute )?lymphocyte count(?: \(alc\))?|\balc\b|lymphocytes"),
    ("inr", r"international normali[sz]ed ratio(?: \(inr\))?|\binr\b"),
    (
        "aptt",
        r"(?:activated )?partial thromboplastin time(?: \(a?ptt\))?|\ba?ptt\b",
    ),
    ("lipase", r"(?:serum )?lipase"),
    ("amylase", r"(?:serum )?amylase"),
    (
        "hba1c",
        r"(?:ha?emoglobin a ?1 ?c|glyc(?:osyl|ol)?ated ha?emoglobin(?: a1c)?)(?: levels?)?"
        r"(?: \((?:hb)?a1c\))?"
        r"|\bhba1c\b|\ba1c\b",
    ),
    (
        "fasting-glucose",
        r"fasting (?:serum |plasma |blood )?glucose(?: concentration| level)?"
        r"(?: \((?:fpg|fbg)\))?|\bfpg\b|\bfbg\b",
    ),
    (
        "glucose",
        r"(?<!fasting )(?<!hour )(?<!load )(?:random )?(?:serum |plasma |blood )?glucose"
        r"(?! tolerance| load| monitor| solution|-6)(?: concentration)?",
    ),
    ("albumin", r"(?:serum )?albumin(?! ?(?:/|to|creatinine))"),
    ("potassium", r"(?:serum )?potassium|(?<![\w-])kala?emia"),
    (
        "sodium",
        r"(?:serum )?sodium(?! phosphate| chloride| bicarbonate| valproate)|(?<![\w-])natra?emia",
    ),
    (
        "calcium",
        r"(?:corrected )?(?:serum )?(?:corrected )?calcium(?: \(corrected\))?(?! channel)",
    ),
    ("magnesium", r"(?:serum )?magnesium(?! oxide| sulfate| sulphate)"),
    ("tsh", r"(?:serum )?(?:thyroid[- ]stimulating hormone(?: \(tsh\))?|\btsh\b)"),
    (
        "egfr-lab",
        rf"(?:(?:estimated? )?glomerular filtrat(?:ion|e) rate(?: \((?:e?gfr)\))?|\begfr\b"
        rf"|(?:estimated )?\bgfr\b(?: \(e?gfr\))?){_EGFR_METHOD}",
    ),
    ("bmi", r"body mass index(?: \(bmi\))?|\bbmi\b"),
    # QTc only: QTcF (Fridericia) is another measurement, with codes of its own.
    ("qtc", r"\bqtc\b(?: interval)?(?! ?f)|corrected qt interval(?: \(qtc\))?(?! ?f)"),
    # QTcF has no LOINC code we are sure of: read from records by its words (observations.json).
    (
        "qtcf",
        r"\bqtc ?f\b(?: interval)?|\bqtc(?: interval)? \(fridericia(?:'s)?(?: formula)?\)"
        r"|\bqtc(?: interval)? (?:corrected )?(?:by|using|per) fridericia(?:'s)?"
        r"(?: formula| correction| method)?|fridericia[- ]corrected qtc?(?: interval)?",
    ),
    ("total-cholesterol", r"(?:fasting )?(?:serum )?total cholesterol(?: level)?"),
    (
        "ldl-cholesterol",
        r"(?:fasting )?(?:serum )?(?:low[- ]density lipoprotein(?: cholesterol)?"
        r"(?: \(ldl(?:-c)?\))?|\bldl(?:-c)?\b(?: cholesterol)?|cholesterol[- ]ldl"
        r"|cholesterol level ldl)",
    ),
    (
        "hdl-cholesterol",
        r"(?<!non-)(?<!non )(?:fasting )?(?:serum )?(?:high[- ]density lipoprotein"
        r"(?: cholesterol)?(?: \(hdl(?:-c)?\))?|\bhdl(?:-c)?\b(?: cholesterol)?)",
    ),
    ("triglycerides", r"(?:fasting )?(?:serum )?(?:triglycerides?|\btg\b)(?: \(tg\))?"),
    (
        "non-hdl-cholesterol",
        r"(?:serum )?(?:non[- ]?hdl(?:[- ]c\b|[- ]cholesterol)?(?: \(non[- ]?hdl(?:[- ]c)?\))?"
        r"|non[- ]high[- ]density lipoprotein(?: cholesterol)?|cholesterol non[- ]?hdl)",
    ),
    # Lipoprotein(a) by mass or by moles: the two are never converted (no fixed molar mass).
    (
        "lipoprotein-a",
        r"(?:serum )?(?:lipoprotein ?\(a\)(?: \[lp\(a\)\]| \(lp\(a\)\))?|lipoprotein a\b"
        r"(?: \(lp\(a\)\))?|\blp\(a\))",
    ),
    # High-sensitivity CRP is another assay (LOINC 30522-7), read apart.
    (
        "crp",
        r"(?<!sensitivity )(?<!sensitive )(?<!hs-)(?<!hs )(?:c[- ]reactive protein"
        r"(?: \(crp\))?|\bcrp\b)",
    ),
    (
        "hs-crp",
        r"(?:high[- ]sensitivity|highly sensitive|hs-?) ?c[- ]reactive protein(?: \(hs-?crp\))?"
        r"|\bhs-?crp\b",
    ),
    (
        "cd4",
        r"(?:cluster of differentiation 4 \(cd4\)|\bcd4\+?)(?: t[- ]cells?| lymphocytes?| cells?)?"
        r"(?: counts?)?",
    ),
    # Vital signs (LOINC vital-signs codes). The organ a pressure is measured in must not be
    # another one's: `_OTHER_PRESSURE` is checked before these names.
    (
        "systolic-bp",
        r"(?:systolic (?:blood |arterial )?(?:pressure|bp)(?: \(sbp\))?|\bsbp\b"
        r"|blood pressure,? systolic|systolic\b(?! (?:dysfunction|function|excursion|heart)))",
    ),
    (
        "diastolic-bp",
        r"(?:diastolic (?:blood |arterial )?(?:pressure|bp)(?: \(dbp\))?|\bdbp\b"
        r"|blood pressure,? diastolic|diastolic\b(?! (?:dysfunction|function|septal|heart)))",
    ),
    ("heart-rate", r"(?:heart rate|pulse rate)(?: \((?:hr|pr)\))?|\bhr\b"),
    (
        "body-weight",
        r"(?:(?:total |current )?body weight|(?<!fetal )(?<!ideal )(?<!birth )\bweight\b"
        r"(?![- ](?:loss|gain|change|stable|fluctuation|for|bearing|based))|weighing)",
    ),
    # Pulse oximetry or an arterial gas: the two LOINC vital-signs codes.
    (
        "oxygen-saturation",
        r"(?:(?:peripheral |arterial |blood )?(?:oxygen|o2) saturation(?: \((?:spo2|sao2)\))?"
        r"|\bspo2\b|\bsao2\b)(?:\s*(?:\(|\[)?(?:measured )?by pulse oximetry(?:\)|\])?)?",
    ),
    # Body temperature only: an oral, axillary or rectal one is another LOINC code.
    (
        "body-temperature",
        r"(?<!oral )(?<!axillary )(?<!rectal )(?<!tympanic )(?<!core )(?<!skin )(?<!room )"
        r"(?:body )?temperature"
        # "Fever > 38.5 °C": the word for a raised temperature, with the bound it names.
        r"|\bfever\b(?=\s*(?:of\s*)?(?:>=|>)\s*\d)",
    ),
    ("waist-circumference", r"waist circumference(?: \(wc\))?|\bwaist\b(?=\s*(?:<=|>=|<|>))"),
    ("body-height", r"(?<!fundal )(?<!uterine )(?<!for-)(?<!heel )(?:body )?height\b"),
    # "HCT" alone is as often a haematopoietic cell transplant: only with a percentage.
    (
        "hematocrit",
        r"ha?ematocrit(?: \(hct\))?|\bhct\b(?=\s*(?:[:=]|of|is|level|value)?\s*(?:<=|>=|<|>)\s*"
        r"\d+(?:[.,]\d+)?\s*%)",
    ),
    ("ferritin", r"(?:serum )?ferritin"),
    # Tumour markers in serum. "AFP" alone is also acute flaccid paralysis: only before a bound.
    (
        "afp",
        r"(?:serum )?(?:alpha[- ]?(?:1[- ])?feto[- ]?protein(?: \(afp\))?"
        r"|\bafp\b(?=\s*(?:levels? |values? |concentrations? )?(?:of )?(?:<=|>=|<|>)))",
    ),
    # Reproductive hormones. "LH" and "E2" alone name other things too: only before a bound.
    ("fsh", r"(?:serum )?(?:follicle[- ]stimulating hormone(?: \(fsh\))?|\bfsh\b)"),
    (
        "lh",
        r"(?:serum )?(?:luteini[sz]ing hormone(?: \(lh\))?"
        r"|\blh\b(?=\s*(?:levels? )?(?:of )?(?:<=|>=|<|>)))",
    ),
    (
        "estradiol",
        r"(?:serum )?(?:o?estradiol(?: \(e2\))?|\be2\b(?=\s*(?:levels? )?(?:of )?(?:<=|>=|<|>)))",
    ),
    ("prolactin", r"(?:serum )?prolactin(?: \(prl\))?"),
    ("amh", r"(?:serum )?(?:anti[- ]?m[uü]ll?erian hormone(?: \(amh\))?|\bamh\b)"),
    ("cea", r"(?:serum )?(?:carcino[- ]?embryonic antigen(?: \(cea\))?|\bcea\b)"),
    ("ca-125", r"(?:serum )?(?:cancer antigen|\bca)[- ]?125\b(?: \(ca[- ]?125\))?"),
    (
        "ca-19-9",
        r"(?:serum )?(?:cancer antigen|carbohydrate antigen|\bca)[- ]?19[- .]9\b"
        r"(?: \(ca[- ]?19[- .]9\))?",
    ),
    # HIV-1 RNA in copies per mL: a viral load not named HIV's (HBV, HCV, CMV) is another test,
    # and one in log10 or IU another unit, both left unread.
    (
        "hiv-viral-load",
        r"(?:(?:plasma|serum) )?(?:hiv(?:[- ]?1)? (?:rna )?viral load|hiv(?:[- ]?1)? rna"
        r"(?: levels?)?|viral load of hiv(?:[- ]?1)?)(?: \((?:vl|hiv vl)\))?",
    ),
    ("bicarbonate", r"(?<!sodium )(?:serum )?bicarbonate(?: \(hco3-?\))?|\bhco3\b"),
    ("igg", r"(?:total |serum )*(?:igg|immunoglobulin g)(?: \(igg\))?(?![\w-])"),
    ("uric-acid", r"(?:serum )?(?:uric acid|urate)(?! lowering| crystal| stone)"),
    # Troponins only as multiples of the ULN: an absolute bound belongs to one assay.
    (
        "troponin-i",
        r"(?<!sensitivity )(?<!hs-)(?<!hs )(?:cardiac )?troponin[- ]?i\b(?: \(c?tni\))?|\bc?tni\b",
    ),
    (
        "troponin-t",
        r"(?<!sensitivity )(?<!hs-)(?<!hs )(?:cardiac )?troponin[- ]?t\b(?: \(c?tnt\))?|\bc?tnt\b",
    ),
    (
        "nt-probnp",
        r"n[- ]?terminal pro[- ]?(?:b[- ]type|brain) natriuretic peptide(?: \(nt-?pro-?bnp\))?"
        r"|\bnt-?pro-?bnp\b",
    ),
    ("bnp", r"(?<!pro)(?<!pro-)(?:b[- ]type|brain) natriuretic peptide(?: \(bnp\))?|\bbnp\b"),
    ("respiratory-rate", r"(?:respiratory|respiration|breathing) rate(?: \(rr\))?"),
    # Arterial gases (the ratio to FiO2 is another measurement).
    (
        "paco2",
        r"(?:partial pressure of (?:arterial )?carbon dioxide(?: in arterial blood)?"
        r"|arterial (?:carbon dioxide|co2) (?:partial pressure|tension))(?: \((?:pa)?co2\))?"
        r"|\bpaco2\b",
    ),
    (
        "pao2",
        r"(?:(?:partial pressure of (?:arterial )?oxygen(?: in arterial blood)?|arterial oxygen"
        r" (?:partial pressure|tension))(?: \(pao2\))?|\bpao2\b)(?!\s*(?:/|:|to|-)\s*fio2)",
    ),
    # Total PSA: its kinetics (doubling time, velocity, nadir) are other measurements.
    (
        "psa",
        r"(?:(?:serum|total) )*(?:prostate[- ]specific antigen(?: \(psa\))?|\bpsa\b)"
        r"(?! (?:doubling|velocity|kinetics|nadir|density|progression|response|decline))",
    ),
    # Total testosterone: free testosterone is another measurement, and the drug is no value.
    # "Castrate level(s) of testosterone (< 50 ng/dL)": the words say what the bound says.
    (
        "testosterone",
        r"(?:castrat(?:e|ion)[- ](?:levels?|range) of )?(?<!free )(?:(?:serum|total) )*"
        r"testosterone(?! (?:free|replacement))(?: (?:at|in the) castrat(?:e|ion)[- ]"
        r"(?:levels?|range))?",
    ),
    (
        "lactate",
        r"(?<!ringer's )(?<!ringer )(?:(?:serum|blood|plasma|arterial) )?lactate\b"
        r"(?! dehydrogenase)",
    ),
    (
        "ldh",
        r"(?:serum )?lactate dehydrogenase(?: \(ldh\))?|\bldh\b",
    ),
    # "Creatinine phosphokinase" is how protocols often misname it.
    (
        "creatine-kinase",
        r"(?:creatine|creatinine) (?:phospho)?kinase(?: \((?:ck|cpk)\))?|\bcpk\b"
        r"|\bck\b(?=\s*(?:levels? )?(?:<=|>=|<|>))",
    ),
    ("birth-weight", r"birth ?weight(?: \(bw\))?"),
    # Protein excreted in 24 hours: read only in a unit per day (`_AS_WRITTEN`).
    (
        "urine-protein-24h",
        r"(?:24[- ]?h(?:ours?|r)? )?(?:urine|urinary) protein(?: excretion)?|proteinuria",
    ),
    (
        "uacr",
        r"(?:(?:spot )?(?:urine|urinary) )?(?:micro)?albumin[- ]?(?:to[- ]|/ ?|: ?)?creatinine"
        r" ratio(?: \(u?acr\))?|\buacr\b",
    ),
    (
        "vitamin-d",
        r"(?:(?:serum|plasma|total) )*(?:25[- ]?\(?oh\)?[- ]?(?:vitamin[- ]?)?d3?"
        r"|25[- ]hydroxy[- ]?(?:vitamin[- ]?)?d3?|vitamin d3?(?: \(25[- ]?\(?oh\)?[- ]?d3?\))?)\b",
    ),
    ("vitamin-b12", r"(?:serum )?(?:vitamin b ?12|cobalamin)\b"),
    (
        "upcr",
        r"(?:(?:spot )?(?:urine|urinary) )?protein[- ]?(?:to[- ]|/ ?|: ?)?creatinine ratio"
        r"(?: \(u?pcr\))?|\bu?pcr\b(?=\s*(?:<=|>=|<|>))",
    ),
    ("free-t4", r"(?:serum )?free (?:t4|thyroxine)(?: \(f?t4\))?|\bft4\b"),
    ("fibrinogen", r"(?:(?:plasma|serum) )?fibrinogen\b"),
    ("phosphate", r"(?:(?:serum|plasma) )?(?:inorganic )?(?:phosphate|phosphorus)\b"),
    ("cortisol", r"(?:(?:serum|plasma|morning|am) )*cortisol\b"),
    # FEV1 as a percentage of the predicted value only (`_PREDICTED` must follow the value): in
    # litres it is another code, and the FEV1/FVC ratio another measurement; before or after a
    # bronchodilator other codes again.
    (
        "fev1-predicted",
        r"(?<!bronchodilator )(?<!bd )(?<!ppo )(?:forced expiratory volume in (?:1|one) second"
        r"(?: \(fev1\))?|\bfev1\b)(?!\s*(?:/|to fvc|%\s*fvc))",
    ),
    # The FEV1/FVC ratio (a fraction, written 0.70 or 70%); before or after a bronchodilator it
    # is another measurement, left unread.
    (
        "fev1-fvc-ratio",
        r"(?<!bronchodilator )(?<!bd )(?:(?:forced expiratory volume in (?:1|one) second"
        r"(?: \(fev1\))?|\bfev1\b) ?(?:/|to) ?(?:forced vital capacity(?: \(fvc\))?|fvc\b)"
        r"(?: ratio)?|\bfev1:fvc\b(?: ratio)?|tiffeneau(?:-pinelli)? index)",
    ),
    # PT in seconds: its activity (%) and its ratio (INR) are other measurements.
    (
        "prothrombin-time",
        r"prothrombin time(?: \(pt\))?(?! activity| international| ratio| \(?inr| index)",
    ),
)
# Names of pressures measured elsewhere than the arm (pulmonary artery, intracranial, eye...).
_OTHER_PRESSURE = re.compile(
    r"(?:pulmonary|intracranial|intra-?ocular|portal|ventricular|venous|wedge|artery|atrial"
    r"|abpm|24-h|ambulatory|mean|orthostatic|postural|\bpa|\brv)\W*(?:\w+\W+){0,2}$"
)
_VITALS = frozenset(
    {
        *("systolic-bp", "diastolic-bp", "heart-rate", "body-weight"),
        *("oxygen-saturation", "body-temperature", "body-height", "respiratory-rate"),
        *("paco2", "pao2"),
    }
)
_NAMES = {concept: re.compile(names) for concept, names in _LAB_NAMES}
# Substrings every match of a lab's names contains (the prefilter before its patterns).
_NAME_TRIGGERS: dict[str, tuple[str, ...]] = {
    "anc": ("neutrophil", "anc"),
    "platelets": ("platelet", "plt"),
    "hemoglobin": ("moglobin", "hgb", "hb"),
    "wbc": ("white blood", "wbc", "leukocytes"),
    "creatinine-clearance": ("clearance", "crcl"),
    "creatinine": ("creatinine", "cr"),
    "bilirubin": ("bilirubin",),
    "alkaline-phosphatase": ("alkaline phosphatase", "alp"),
    "ast": ("aspartate", "ast", "asat", "sgot"),
    "alt": ("alanine", "alt", "alat", "sgpt"),
    "lvef": ("ejection fraction", "lvef"),
    "lymphocytes": ("lymphocyte", "alc"),
    "inr": ("normali", "inr"),
    "aptt": ("thromboplastin", "ptt"),
    "lipase": ("lipase",),
    "amylase": ("amylase",),
    "hba1c": ("a1c", "a 1 c", "glycated", "glycosylated", "glycolated"),
    "fasting-glucose": ("fasting", "fpg", "fbg"),
    "glucose": ("glucose",),
    "albumin": ("albumin",),
    "potassium": ("potassium", "kalemia", "kalaemia"),
    "sodium": ("sodium", "natremia", "natraemia"),
    "calcium": ("calcium",),
    "magnesium": ("magnesium",),
    "tsh": ("tsh", "thyroid"),
    "egfr-lab": ("glomerular", "gfr"),
    "bmi": ("bmi", "body mass"),
    "qtc": ("qtc", "corrected qt"),
    "qtcf": ("qtc", "fridericia"),
    "waist-circumference": ("waist",),
    "hiv-viral-load": ("hiv",),
    "total-cholesterol": ("cholesterol",),
    "ldl-cholesterol": ("ldl", "low density", "low-density"),
    "hdl-cholesterol": ("hdl", "high density", "high-density"),
    "triglycerides": ("triglycerid", "tg"),
    "non-hdl-cholesterol": ("non-hdl", "non hdl", "nonhdl", "non-high", "non high"),
    "lipoprotein-a": ("lipoprotein (a)", "lipoprotein(a)", "lipoprotein a", "lp(a)"),
    "igg": ("igg", "immunoglobulin g"),
    "respiratory-rate": ("respiratory rate", "respiration rate", "breathing rate"),
    "paco2": ("paco2", "carbon dioxide", "co2 "),
    "pao2": (
        "pao2",
        "partial pressure of oxygen",
        "partial pressure of arterial oxygen",
        "oxygen ",
    ),
    "troponin-i": ("troponin", "tni"),
    "troponin-t": ("troponin", "tnt"),
    "nt-probnp": ("probnp", "natriuretic"),
    "bnp": ("bnp", "natriuretic"),
    "uric-acid": ("uric acid", "urate"),
    "crp": ("reactive protein", "crp"),
    "hs-crp": ("hs", "sensitiv"),
    "cd4": ("cd4",),
    "systolic-bp": ("systolic", "sbp"),
    "diastolic-bp": ("diastolic", "dbp"),
    "heart-rate": ("heart rate", "pulse rate", "hr"),
    "body-weight": ("weight", "weighing"),
    "oxygen-saturation": ("saturation", "spo2", "sao2"),
    "body-temperature": ("temperature", "fever"),
    "body-height": ("height",),
    "hematocrit": ("matocrit", "hct"),
    "ferritin": ("ferritin",),
    "afp": ("fetoprotein", "feto-protein", "afp"),
    "cea": ("carcinoembryonic", "carcino-embryonic", "cea"),
    "fsh": ("follicle", "fsh"),
    "lh": ("luteini", "lh"),
    "estradiol": ("estradiol", "e2"),
    "prolactin": ("prolactin",),
    "amh": ("llerian", "amh"),
    "ca-125": ("125",),
    "ca-19-9": ("19-9", "19 9", "19.9"),
    "bicarbonate": ("bicarbonate", "hco3"),
    "prothrombin-time": ("prothrombin",),
    "psa": ("psa", "prostate specific", "prostate-specific"),
    "testosterone": ("testosterone",),
    "lactate": ("lactate",),
    "ldh": ("lactate dehydrogenase", "ldh"),
    "creatine-kinase": (
        "creatine kinase",
        "creatinine kinase",
        "phosphokinase",
        "cpk",
        " ck",
        "(ck",
    ),
    "birth-weight": ("birth weight", "birthweight"),
    "fev1-predicted": ("fev1", "forced expiratory"),
    "fev1-fvc-ratio": ("fvc", "forced vital", "tiffeneau"),
    "urine-protein-24h": ("urine protein", "urinary protein", "proteinuria"),
    "uacr": ("creatinine ratio", "uacr"),
    "upcr": ("creatinine ratio", "upcr", "pcr"),
    "vitamin-d": ("vitamin d", "25-oh", "25oh", "25(oh)", "25-(oh)", "25 oh", "hydroxyvitamin"),
    "vitamin-b12": ("b12", "b 12", "cobalamin"),
    "free-t4": ("free t4", "free thyroxine", "ft4"),
    "fibrinogen": ("fibrinogen",),
    "phosphate": ("phosph",),
    "cortisol": ("cortisol",),
}
_TRIGGER_WORDS = tuple(
    sorted(
        {t for triggers in _NAME_TRIGGERS.values() for t in triggers}
        | {"bp", "blood pressure", "mmhg", "mm hg", "transaminase"}
    )
)
_ANY_TRIGGER_WORD = Triggers(_TRIGGER_WORDS)  # one scan: `has_any` tests 160 words
# Which names a text may hold: one scan for the triggers there, instead of a `has_any` per name.
_NAME_TRIGGER_SCAN = Triggers(t for triggers in _NAME_TRIGGERS.values() for t in triggers)
# Each trigger → the positions in `_NAME_TRIGGERS` of the names it stands for (a look-up per
# trigger found instead of a set test per name: ~5 % of the lab finder's time).
_NAMES_OF = {
    trigger: tuple(i for i, triggers in enumerate(_NAME_TRIGGERS.values()) if trigger in triggers)
    for triggers in _NAME_TRIGGERS.values()
    for trigger in triggers
}
_NAME_CONCEPTS = tuple(_NAME_TRIGGERS)
# Comparators as normalize() leaves them, and the words and signs it does not replace.
_CMP_WORDS: dict[str, Comparator] = {
    "<=": "<=",
    ">=": ">=",
    "<": "<",
    ">": ">",
    "=": "=",
    "≦": "<=",
    "≧": ">=",
    "＜": "<",
    "＞": ">",
    "superior to": ">",
    "inferior to": "<",
    "greater that": ">",
    "less that": "<",
    "more then": ">",
    "exceeds": ">",
    "exceed": ">",
    "equal or greater than": ">=",
    "equal or more than": ">=",
    "greater or equal to": ">=",
    "equal or less than": "<=",
    "less or equal to": "<=",
    # What normalize() leaves of "equal (to) or greater than" and of a comparator glued to its
    # number ("greater than100").
    "equal or >": ">=",
    "equal to or >": ">=",
    "equal or <": "<=",
    "equal to or <": "<=",
    "equal to or greater than": ">=",
    "equal to or less than": "<=",
    "greater than": ">",
    "less than": "<",
}
_CMP = "|".join(re.escape(w) for w in sorted(_CMP_WORDS, key=len, reverse=True))
# Thousands separated by a comma, or by a space before a count's unit ("100 000/µL"); a decimal
# comma; a decimal point (which `_lab` reads as a thousands separator in a count per µL).
_NUM = (
    r"\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?: \d{3})+(?=\s*(?:/|cells|per |platelets))"
    r"|\d+,\d{1,2}(?![\d,])|\d+(?:\.\d+)?|\.\d+"
)
_MLMIN = (
    r"ml\s*/\s*m(?:in(?:ute)?|n)(?:\s*(?:/|per)\s*1[.,]73\s*(?:m(?:2|\^2|²)?|sq\.? ?m))?"
    r"|ml per min(?:ute)?(?: per 1\.73 ?m(?:2|\^2|²))?"
    r"|milliliters per minute(?: per 1\.73 (?:meters squared|square meters?)"
    r"(?: of body surface area)?)?(?: \(ml/min/1\.73 ?m(?:2|\^2|²)\))?|ml min"
)
# "10^9", "10E9", "10*9", "10(9)", "10³": a power of ten as protocols type it.
_POWER = r"(?:\^|e|\*{1,2}|\()?\s*"
# A concentration or a pressure in words ("9 grams per deciliter", "1.5 mg per dL", "133
# micromoles per liter", "140 millimeters of mercury"): the same unit, spelled out
# (`_unit_key` writes it in symbols). Before "grams": that alone would end the unit.
_WORDED_UNIT = (
    r"(?:grams?|g|milligrams?|mg)\s*(?:/|per)\s*(?:dl|decilit(?:er|re)s?)"
    rf"|(?:micromol(?:e|es)?|{_MICRO}mol|millimol(?:e|es)?|mmol)\s*(?:/|per)\s*(?:l|lit(?:er|re)s?)"
    r"|millimet(?:er|re)s? of mercury"
)
_WORDED_UNIT_KEY = {
    r"grams?(?=/)": "g",
    r"milligrams?(?=/)": "mg",
    r"micromol(?:e|es)?(?=/)": "µmol",
    r"millimol(?:e|es)?(?=/)": "mmol",
    r"decilit(?:er|re)s?$": "dl",
    r"lit(?:er|re)s?$": "l",
    r"millimet(?:er|re)s?ofmercury$": "mmhg",
}
_WORDED_KEY = re.compile("|".join(f"(?P<w{i}>{k})" for i, k in enumerate(_WORDED_UNIT_KEY)))
_WORDED_VALUES = tuple(_WORDED_UNIT_KEY.values())
_WORDED_UNIT_RE = re.compile(_WORDED_UNIT)
_UNIT_ALTERNATIVES = (
    rf"x\s*10\s*{_POWER}9\)?\s*/\s*l|x\s*109\s*/\s*l|x\s*10\s*{_POWER}[3³]\)?\s*/\s*(?:{_MICRO}l"
    rf"|mcl|mm3|mm\^3|mm³)|10\^9\s*/\s*l|10\^3\s*/\s*{_MICRO}l"
    rf"|cells\s*/\s*(?:mm3|mm\^3|mm³|{_MICRO}l|mcl)"
    rf"|/\s*(?:mcl|{_MICRO}l|microl(?:iter|itre)?|mm3|mm\^3|mm\(3\)|mm³|l)|/\s*㎕|㎕"
    rf"|per\s+(?:{_MICRO}l|mm3|mm³|microl(?:iter|itre)?)"
    rf"|g\s*/\s*dl|gm\s*/\s*dl|gr\s*/\s*dl|gm?\s*%|g\s*/\s*l|mg\s*/\s*dl|mg\s*/\s*l"
    rf"|(?:{_MICRO}|micro)mol\s*/\s*l|mmol\s*/\s*mol|mmol\s*/\s*l|meq\s*/\s*l|{_MLMIN}"
    rf"|%|k/{_MICRO}l|kg\s*/\s*m(?:2|\^2|²)|msec|ms|seconds|sec|s|u/l|iu/l|miu/l"
    rf"|{_MICRO}iu/ml|mm\s*(?:of\s*)?hg|kpa|beats?\s*(?:/|per)\s*min(?:ute)?|bpm"
    rf"|breaths?\s*(?:/|per)\s*min(?:ute)?|/\s*min"
    rf"|kilograms?|kg|lbs?\.?|pounds"
    rf"|[°º]\s*c|℃|degrees?\s*(?:celsius|centigrade|c)|[°º]\s*f|℉|degrees?\s*(?:fahrenheit|f)"
    rf"|cm|centimet(?:er|re)s?|inch(?:es)?|ng\s*/\s*ml|{_MICRO}g\s*/\s*l|pg\s*/\s*ml|ng\s*/\s*l"
    rf"|ng\s*/\s*dl|nmol\s*/\s*l|pmol\s*/\s*l|(?:{_MICRO}|mc)g\s*/\s*dl|mg\s*/\s*m?g|g\s*/\s*g"
    rf"|mu\s*/\s*l|{_MICRO}u\s*/\s*ml|(?:copies|cp)\s*(?:/|per)\s*ml"
    rf"|k?u\s*/\s*ml|ku\s*/\s*l|miu\s*/\s*ml"
    rf"|m?g\s*(?:/|per)\s*(?:24\s*-?\s*h(?:ours?|rs?|r)?|day|d)|{_WORDED_UNIT}|grams?|g|c"
)


def _unit(name: str) -> str:
    return rf"(?P<{name}>{_UNIT_ALTERNATIVES})(?![\w/])"


_ULN_WORDS = (
    r"(?:the\s*)?(?:institutional |upper )*(?:upper limits? of (?:the )?(?:institutional )?"
    r"normal(?: range| value| limit)?|upper (?:limit )?normal(?: value| limit)?|upper normal limit"
    r"|maximum normal value|highest reference value|upper (?:limit of (?:the )?)?reference"
    r" (?:range|value|limit)|uln|iuln)(?: \((?:uln|iuln)\))?(?: \(upper limit for normal\))?"
    r"(?: for the (?:reference )?lab)?"
)
_ULN = rf"(?P<uln>(?:x|times|-?\s*fold)?\s*{_ULN_WORDS})"
# Words between a lab's name and its value.
_LINK = re.compile(
    r"(?:\s*(?:must be|should be|must|with (?:an? )?(?:values?|levels?)|levels?|concentrations?"
    r"|values?|measurement|results?"
    r"|count|of|is|are|at screening|at baseline|(?:on|at) admission)\b|\s*[:=]|\s*\(\s*\)"
    r"|\s+-(?=\s))*\s*"
)
# A bare number followed by a time unit is a duration ("HCT > 30 days prior"), never a value.
_NOT_A_DURATION = r"(?!\s*(?:days?|weeks?|months?|years?|hours?|hrs?)\b)"
_SINGLE = re.compile(
    rf"(?P<cmp>{_CMP})\s*(?P<num>{_NUM})\s*(?:{_ULN}|{_unit('unit')}|(?![\w/]){_NOT_A_DURATION})"
)
_ULN_ONLY = re.compile(rf"(?P<cmp>{_CMP})\s*{_ULN_WORDS}(?!\w)")
# "9 g/dL or more", "2.5 × ULN or higher"; "or above" / "or below" as normalize() leaves them
# ("or >", "or <"), never a second bound ("9 or > 16 g/dL", "9 g/dL or < LLN").
_OR_MORE = re.compile(
    rf"(?P<num>{_NUM})\s*(?:{_ULN}|{_unit('unit')})?\s*or (?:(?P<dir>more|higher|greater|above"
    r"|over|less|lower|below)\b|(?P<sign>[<>])(?!\s*=?\s*(?:[\d.(]|i?uln|lln|upper|lower|the"
    r"|normal|institutional)))"
)
_RANGE = re.compile(
    rf"(?:between |from |in the range of |within the range of |within |range )?(?P<low>{_NUM})"
    rf"\s*(?:{_unit('u1')})?(?:\s*\((?P<lend>inclusive|exclusive)\))?\s*(?:-|to|and|~|～)\s*"
    rf"(?P<hcmp><=|<)?\s*(?P<high>{_NUM})\s*(?:{_unit('u2')})?"
    r"(?:\s*\((?P<hend>inclusive|exclusive|inclusive of limits|both inclusive|inclusive of both"
    r"|limits included)\)|,? (?:both )?inclusive)?"
)
_BOUNDS = re.compile(
    rf"(?P<cmp1>{_CMP})\s*(?P<n1>{_NUM})\s*(?:{_unit('u1')})?\s*(?P<conj>and/or|and|or|,)\s*"
    rf"(?P<cmp2>{_CMP})\s*(?P<n2>{_NUM})\s*(?:{_unit('u2')})?(?![\w/])"
)
# A value restated in another unit: "HbA1c > 47 mmol/mol (> 6.4%)", "≤ 11% (97 mmol/mol)".
_RESTATED = re.compile(
    rf"\s*\((?:or |i\.?e\.? )?(?P<cmp>{_CMP})?\s*(?P<num>{_NUM})\s*{_unit('unit')}\s*\)"
)
# When the value was taken: adds nothing a record decides.
_CONTEXT_BEFORE = re.compile(
    r"\b(?:pre-?operative|baseline|base line|screening|admission|current|resting|sitting|seated"
    r"|supine|office)\s*$"
    # "levels of potassium > 5.5", "patients whose weight is < 50 kg": the name said again.
    r"|(?:\b(?:(?:serum|plasma|blood) )?(?:levels?|concentrations?|values?) of (?:the )?"
    r"|\b(?:patients|subjects|participants|those|anyone|individuals) whose )$"
)
_MEASURED = re.compile(
    r"\s*(?:measured|obtained|drawn|taken|documented|determined)"
    r"(?=\s+(?:within|in the (?:last|past)|at|during|on|prior|before)\b)"
)
_CONTEXT_AFTER = re.compile(
    r"\s*\(?\s*(?:(?:at|during|on) (?:the )?(?:time of )?(?:the )?(?:screening|baseline"
    r"|enrol?ment|inclusion|randomi[sz]ation|admission|visit 1|day 1)(?: visits?| phase"
    r"| period)?|at rest|while seated|in (?:a )?sitting position"
    # "at most recent visit" as normalize() leaves it ("at most" is a comparator elsewhere)
    r"|(?:at (?:the )?(?:last|latest)|<= recent) (?:clinic |office |study )?visit)\s*\)?"
)
# A pair of pressures ("BP > 140/90 mmHg", "systolic/diastolic blood pressure < 140/90").
_BP_NAME = (
    r"(?:(?:resting |sitting |seated |supine |office )?"
    r"(?:systolic/diastolic |systolic and diastolic )?"
    r"(?:blood pressure|\bbp\b)(?: \(bp\))?)"
)
_BP_PAIR = re.compile(
    rf"(?:{_BP_NAME}(?:\s*(?:of|is|:))?\s*)?(?P<cmp>{_CMP})?\s*(?P<sys>\d{{2,3}})\s*/\s*"
    rf"(?P<dia>\d{{2,3}})\s*(?P<unit>mm\s*(?:of\s*)?hg)?"
    r"(?:\s*or (?P<dir>more|higher|greater|above))?"
    r"(?![\w/])"
)
# "≥ 140 mmHg systolic and/or ≥ 90 mmHg diastolic": the value before the name.
_BP_VALUE_FIRST = re.compile(
    rf"(?P<cmp>{_CMP})\s*(?P<num>\d{{2,3}})\s*mm\s*(?:of\s*)?hg\s*(?P<which>systolic|diastolic)\b"
)


@dataclass(frozen=True, slots=True)
class _Read:
    criterion: Criterion
    end: int


# BMI as criteria write it: ranges ("BMI 18-30 kg/m2", "between 18.5 and 25"), two bounds
# ("BMI <20 or >35 kg/m2", ">=18,5 and <=27,5"), decimal commas, and the unit spelled loosely.
_BMI_NAME = (
    r"(?:(?:calculated )?body ?mass index(?: ?\(bmi\)| ?\[bmi\])?|(?:calculated )?bmi(?![\w-]))"
)
_BMI_NUM = r"\d{1,2}(?:[.,]\d{1,2})?(?![\d,.]\d)"
# BMI has one unit, so any spelling of kg/m² names it: "kg∙m-2", "kg m-2", "kg/meter square",
# "kg/m sq", "kg/sq m", "kg per square meter" as well as "kg/m2".
_BMI_UNIT = (
    r"(?:\s*kg(?:m)?\s*(?:/|\.)?\s*m(?:2|\^2|²)|\s*kilograms? per (?:square met(?:er|re)"
    r"|met(?:er|re)s? squared)(?: \(kg/m(?:2|\^2|²)\))?"
    r"|\s*kg\s*[.∙·*/]?\s*m\s*-\s*2(?!\d)"
    r"|\s*kg\s*/\s*(?:met(?:er|re)s?\s*(?:squared?|sq\b)|m\s*sq\b|sq\.?\s*m(?:et(?:er|re)s?)?\b"
    r"|square\s*met(?:er|re)s?)"
    r"|\s*kgs?\s*per\s*(?:square\s*met(?:er|re)s?|sq\.?\s*m\b|m(?:2|\^2|²)))?"
)
_BMI_RANGE = re.compile(
    rf"{_BMI_NAME}\s*(?::|=|of|is|between|from|range|(?:in|within) the range(?: of)?|within"
    rf"|\s)*\s*(?P<open>\(\s*)?(?P<low>{_BMI_NUM}){_BMI_UNIT}\s*(?:-|to|and|~)\s*"
    rf"(?P<high>{_BMI_NUM}){_BMI_UNIT}(?(open)\s*\))"
    r"(?:\s*\(inclusive\)|,? inclusive)?(?![\w.,]*\s*(?:th|st|nd|rd)? ?percentile)"
)
_BMI_BOUNDS = re.compile(
    rf"{_BMI_NAME}\s*(?::|=|of|is|\s)*\s*(?P<cmp1>{_CMP})\s*(?P<n1>{_BMI_NUM}){_BMI_UNIT}"
    rf"(?:\s*(?P<conj>and|or|,)?\s*(?P<cmp2>{_CMP})\s*(?P<n2>{_BMI_NUM}){_BMI_UNIT})?"
    r"(?![\w.,]*\s*(?:th|st|nd|rd)? ?percentile)"
)
# "19 < BMI < 30": the name between its bounds.
_BMI_BETWEEN = re.compile(
    rf"(?<![\w.,])(?P<low>{_BMI_NUM})\s*(?P<cmp1><=|<)\s*{_BMI_NAME}\s*(?P<cmp2><=|<)\s*"
    rf"(?P<high>{_BMI_NUM}){_BMI_UNIT}"
)


# How a BMI is calculated, after its bound: "(BMI=weight in kg / [height in meters]2)",
# "(calculated as weight/height²)", "(Body Mass Index [BMI] [kg/m2] = Body weight [kg] Height2
# [m2])". Its only number is the square; it says what every BMI on record is.
_BMI_FORMULA = re.compile(
    r"\s*\(\s*(?:(?:bmi|body mass index)\s*(?:\[(?:bmi|kg/m2)\]\s*)*=\s*"
    r"|(?:calculated|defined) as\s*)?(?:the )?(?:body )?weight"
    r"\s*(?:\[kg\]|\(kg\)|in (?:kg|kilograms?))?"
    r"\s*(?:/|÷|divided by)?\s*(?:\[|\(|the square of )?\s*(?:body )?height\s*(?:2|²)?"
    r"\s*(?:\[m2?\]|\(m\)|in (?:m|met(?:er|re)s?))?\s*[\])]?\s*(?:2|²|\^2| squared)?\s*\)"
)


def _bmi_number(text: str) -> float:
    return float(text.replace(",", "."))


def _bmi(symbol: str, value: float) -> Criterion:
    return Criterion(
        Kind.LAB, concept="bmi", comparator=_CMP_WORDS[symbol], value=value, unit="kg/m2"
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
        # (no BMI is both): either. Without a word between them, only a range is read.
        directions = {(c.comparator or "")[:1]: c.value or 0.0 for c in (first, second)}
        if len(directions) < 2:
            continue
        outward = directions["<"] <= directions[">"]
        if match["conj"] is None and outward:
            continue
        code: CombinationCode = "any-of" if match["conj"] == "or" or outward else "all-of"
        both = Criterion(Kind.COMBINATION, children=(first, second), combination=code)
        found.append(Match(both, match.start(), match.end()))
    for match in _BMI_BETWEEN.finditer(text):
        low, high = _bmi_number(match["low"]), _bmi_number(match["high"])
        if low < high:
            above = _bmi(">" if match["cmp1"] == "<" else ">=", low)
            both = Criterion(
                Kind.COMBINATION, children=(above, _bmi(match["cmp2"], high)), combination="all-of"
            )
            found.append(Match(both, match.start(), match.end()))
    if "height" in text:
        for read in found:
            if formula := _BMI_FORMULA.match(text, read.end):
                read.end = formula.end()
    return [_with_context(text, match) for match in found]


_AST_NAMES = (
    r"(?:aspartate (?:amino ?transferase|transaminase)|ast|sgot|asat)"
    r"(?: ?\((?:ast|sgot|ast or sgot)\))?"
)
_ALT_NAMES = (
    r"(?:alanine (?:amino ?transferase|transaminase)|alt|sgpt|alat)"
    r"(?: ?\((?:alt|sgpt|alt or sgpt)\))?"
)
_AST_ALT = re.compile(
    rf"\b(?:{_AST_NAMES}\s*(?P<join>/|and/or|and|or|,)\s*{_ALT_NAMES}"
    rf"|{_ALT_NAMES}\s*(?P<join2>/|and/or|and|or|,)\s*{_AST_NAMES}"
    r"|(?:serum |liver )?transaminases?(?: \((?:ast/alt|alt/ast|sgot/sgpt"
    r"|ast and alt|alt and ast)\))?)(?: levels?)?"
)
_CELLS_PER_UL = frozenset(
    {"/mcl", "/µl", "/microl", "/microliter", "/microlitre", "/mm3", "/mm^3", "/mm(3)"}
)
_COUNTS = frozenset({"anc", "platelets", "wbc", "lymphocytes", "cd4"})
# mg/dL per mmol/L (10 × molar mass in g/mol / 100) for the chemistry protocols write in either
# unit; cholesterol (386.65 g/mol) is what the LDL and HDL fractions are measured as. A bound is
# kept in the unit the text gives (the evaluation converts results by the molar mass); these
# only compare a value restated in the other unit.
_MG_DL_PER_MMOL_L = {
    "glucose": 18.016,
    "fasting-glucose": 18.016,
    "calcium": 4.008,
    "magnesium": 2.431,
    "total-cholesterol": 38.665,
    "ldl-cholesterol": 38.665,
    "hdl-cholesterol": 38.665,
    "non-hdl-cholesterol": 38.665,
}
# Only to check a restatement: triglycerides' 88.57 is a convention, never applied to a bound.
_RESTATEMENT_MG_DL_PER_MMOL_L = {**_MG_DL_PER_MMOL_L, "triglycerides": 88.57}
# umol/L per mg/dL (10,000 / molar mass): creatinine 113.12 g/mol, bilirubin 584.66 g/mol.
_UMOL_L_PER_MG_DL = {"creatinine": 88.40, "bilirubin": 17.10}
_LB = 0.45359237  # kg per pound (avoirdupois), exact
_NG_DL_PER_NMOL_L_TESTOSTERONE = 28.842  # 288.42 g/mol


_PER_DAY_KEY = re.compile(r"(m?g)(?:/|per)(?:24-?h\w*|day|d)")
_POWER_KEY = re.compile(r"10(?:e|\*\*?|\(|\^)?([39³])\)?")


def _unit_key(unit: str | None) -> str:
    """A unit as written, in one spelling: no spaces, micro sign, common aliases."""
    if not unit:
        return ""
    key = unit.replace(" ", "").replace("μ", "µ").rstrip(".")
    if ("per" in key or "lit" in key or "mercury" in key) and _WORDED_UNIT_RE.fullmatch(unit):
        key = key.replace("per", "/")
        key = _WORDED_KEY.sub(lambda m: _WORDED_VALUES[int(str(m.lastgroup)[1:])], key)
    key = key.replace("㎕", "/µl").replace("//", "/").replace("mm³", "mm3")
    if key.startswith("per"):
        key = "/" + key[3:]
    if key.startswith("cells/"):
        key = key[5:]
    key = re.sub(r"(?<=[/k])ul$", "µl", key)
    key = _POWER_KEY.sub(lambda m: f"10^{'3' if m[1] in '3³' else '9'}", key)
    if key.startswith("ml/mn"):
        key = "ml/min" + key[5:]
    aliases = {
        "gm/dl": "g/dl",
        "gr/dl": "g/dl",
        "g%": "g/dl",
        "gm%": "g/dl",
        "10^9/l": "x10^9/l",
        "x109/l": "x10^9/l",
        "x109/L": "x10^9/l",
        "10^3/µl": "x10^3/µl",
        "umol/l": "µmol/l",
        "micromol/l": "µmol/l",
        "uiu/ml": "µiu/ml",
        "kilograms": "kg",
        "kilogram": "kg",
        "lbs": "lb",
        "pounds": "lb",
        "bpm": "/min",
        "beats/min": "/min",
        "beats/minute": "/min",
        "beatspermin": "/min",
        "beatsperminute": "/min",
        "beat/min": "/min",
        "breaths/min": "/min",
        "breaths/minute": "/min",
        "breathspermin": "/min",
        "breathsperminute": "/min",
        "breath/min": "/min",
        "℃": "°c",
        "º c": "°c",
        "ºc": "°c",
        "℉": "°f",
        "ºf": "°f",
        "µg/l": "ng/ml",
        "grams": "g",
        "gram": "g",
        "mcg/dl": "µg/dl",
        "ug/dl": "µg/dl",
        "copiesperml": "copies/ml",
        "cp/ml": "copies/ml",
        "cpperml": "copies/ml",
        "mmofhg": "mmhg",  # "140 mm of Hg"
    }
    if per_day := _PER_DAY_KEY.fullmatch(key):
        return f"{per_day[1]}/24h"
    if key == "c":
        return "°c"
    if key.startswith("degree"):
        return "°f" if key.endswith(("f", "fahrenheit")) else "°c"
    if key.startswith("centimet"):
        return "cm"
    return aliases.get(key, key)


_POINT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _number(text: str) -> float:
    if re.fullmatch(r"\d+,\d{1,2}", text):
        return float(text.replace(",", "."))  # a decimal comma ("7,8 mmol/l")
    return float(text.replace(",", "").replace(" ", ""))


def _canonical(concept: str, value: float, unit: str) -> tuple[float, str] | None:
    """Value in the canonical unit of the lab, or None when the unit is missing or unknown."""
    if concept in _COUNTS:
        if unit == "":
            return _bare_count(concept, value)
        if unit in _CELLS_PER_UL:
            return round(value / 1000, 6), "10*3/uL"
        if re.fullmatch(r"x10\^?9/l|x10\^?3/(?:µl|mcl|mm3|mm\^3)|k/µl|g/l", unit):
            return value, "10*3/uL"
        return None
    if concept == "hemoglobin":
        # A bare number: g/dL up to 25, g/L from 30 (no haemoglobin lies in both).
        if unit == "g/dl" or (unit == "" and 3 <= value <= 25):
            return value, "g/dL"
        if unit == "g/l" or (unit == "" and 30 <= value <= 250):
            return value / 10, "g/dL"
        if unit == "mg/dl":
            return value, "mg/dL"  # as written (protocols sometimes mean g/dL)
        if unit == "mmol/l":
            return value, "mmol/L"  # as Dutch laboratories report it
        return None
    if concept in _UMOL_L_PER_MG_DL:
        if unit == "mg/dl":
            return value, "mg/dL"
        if unit == "µmol/l":
            return value, "umol/L"
        return None
    if concept == "creatinine-clearance":
        if unit.startswith(("ml/min", "mlmin", "mlpermin", "milliliters")):
            return value, "mL/min"
        return None
    if concept == "lvef":
        return (value, "%") if unit in ("%", "") else None
    if concept in _VITALS:
        return _canonical_vital(concept, value, unit)
    return _canonical_chemistry(concept, value, unit)


def _bare_count(concept: str, value: float) -> tuple[float, str] | None:
    """A count written without its unit, in the one unit its size allows: a platelet count of
    100 is 100 × 10^9/L and one of 100,000 is per µL; a neutrophil count of 1.5 is 10^9/L and
    one of 1,500 per µL; a CD4 count is per µL. A size that fits neither stays unread."""
    if concept == "platelets":
        if value >= 1000:
            return round(value / 1000, 6), "10*3/uL"
        return (value, "10*3/uL") if 10 <= value < 1000 else None
    if concept == "cd4":
        return (round(value / 1000, 6), "10*3/uL") if value >= 20 else None
    if value >= 100:
        return round(value / 1000, 6), "10*3/uL"
    return (value, "10*3/uL") if 0.1 <= value < 30 else None


def _canonical_vital(concept: str, value: float, unit: str) -> tuple[float, str] | None:
    if concept == "respiratory-rate":
        return (value, "/min") if unit == "/min" else None
    if concept in ("paco2", "pao2"):
        return {"mmhg": (value, "mm[Hg]"), "kpa": (value, "kPa")}.get(unit)
    if concept == "oxygen-saturation":
        return (value, "%") if unit in ("%", "") and 50 <= value <= 100 else None
    if concept == "body-temperature":
        # A bare number is a Celsius one only where no Fahrenheit body temperature lies.
        if unit == "°c" or (unit == "" and 30 <= value <= 45):
            return value, "Cel"
        return (value, "[degF]") if unit == "°f" else None
    if concept == "body-height":
        # A person's height, not a lesion's: 40-250 cm, 16-100 in.
        if unit == "cm" and 40 <= value <= 250:
            return value, "cm"
        return (value, "[in_i]") if unit in ("inch", "inches") and 16 <= value <= 100 else None
    if concept in ("systolic-bp", "diastolic-bp"):
        return (value, "mm[Hg]") if unit in ("mmhg", "") else None  # one unit
    if concept == "heart-rate":
        # A unit is required: a bare "HR" is as often a hazard ratio or hormone receptor.
        return (value, "/min") if unit == "/min" else None
    if unit == "kg":
        return value, "kg"
    if unit == "g" and value >= 300:  # a newborn's weight in grams
        return value, "g"
    return (value, "[lb_av]") if unit == "lb" else None


# Units a lab is read in, as written (UCUM): the evaluation converts a result to them. Any other
# unit — one that cannot be right for the analyte ("PSA 2.5-10 mg/dL") — leaves the text unread.
_U_PER_L = {"u/l": "U/L", "iu/l": "U/L"}
_AS_WRITTEN: dict[str, dict[str, str]] = {
    "psa": {"ng/ml": "ng/mL"},
    "testosterone": {"ng/dl": "ng/dL", "nmol/l": "nmol/L"},
    "lactate": {"mmol/l": "mmol/L", "meq/l": "mmol/L"},
    "ldh": _U_PER_L,
    "creatine-kinase": _U_PER_L,
    "birth-weight": {"g": "g", "kg": "kg"},
    "fev1-predicted": {"%": "%"},
    "urine-protein-24h": {"g/24h": "g/(24.h)", "mg/24h": "mg/(24.h)"},
    "uacr": {"mg/g": "mg/g"},
    "upcr": {"g/g": "g/g", "mg/mg": "mg/mg", "mg/g": "mg/g"},
    "vitamin-d": {"ng/ml": "ng/mL", "nmol/l": "nmol/L"},
    "vitamin-b12": {"pg/ml": "pg/mL", "ng/l": "pg/mL"},
    "free-t4": {"ng/dl": "ng/dL", "pmol/l": "pmol/L"},
    "fibrinogen": {"mg/dl": "mg/dL", "g/l": "g/L"},
    "phosphate": {"mg/dl": "mg/dL", "mmol/l": "mmol/L"},
    "cortisol": {"µg/dl": "ug/dL", "nmol/l": "nmol/L"},
    "hs-crp": {"mg/l": "mg/L", "mg/dl": "mg/dL"},
    "waist-circumference": {"cm": "cm", "inch": "[in_i]", "inches": "[in_i]"},
    "hiv-viral-load": {"copies/ml": "{copies}/mL"},
    # ng/mL and µg/L are one unit; AFP in IU/mL has no exact factor and stays unread.
    "afp": {"ng/ml": "ng/mL"},
    "cea": {"ng/ml": "ng/mL"},
    # mIU/mL and IU/L are one unit; estradiol and AMH in pmol/L are read as written.
    "fsh": {"miu/ml": "m[IU]/mL", "iu/l": "m[IU]/mL"},
    "lh": {"miu/ml": "m[IU]/mL", "iu/l": "m[IU]/mL"},
    "estradiol": {"pg/ml": "pg/mL", "ng/l": "pg/mL", "pmol/l": "pmol/L"},
    "prolactin": {"ng/ml": "ng/mL"},
    "lipoprotein-a": {"mg/dl": "mg/dL", "nmol/l": "nmol/L"},
    "amh": {"ng/ml": "ng/mL", "pmol/l": "pmol/L"},
    "ca-125": {"u/ml": "U/mL", "ku/l": "U/mL"},
    "ca-19-9": {"u/ml": "U/mL", "ku/l": "U/mL"},
}


def _canonical_chemistry(concept: str, value: float, unit: str) -> tuple[float, str] | None:
    if concept == "fev1-fvc-ratio":
        # A fraction: 0.70 and 70% are one bound; a number between 1 and 20 is neither.
        if unit == "" and 0 < value <= 1:
            return round(value * 100, 6), "%"
        return (value, "%") if unit in ("%", "") and 20 <= value <= 100 else None
    if concept == "egfr-lab":
        if unit == "":
            return value, "mL/min/{1.73_m2}"  # "eGFR >= 60": eGFR has one unit
        if unit.startswith(("ml/min", "mlmin", "mlpermin", "milliliters")):
            return value, "mL/min/{1.73_m2}"
        return None
    if concept == "inr":
        return (value, "") if unit == "" else None
    if concept == "hematocrit":
        # A volume percentage; a bare number between 10 and 70 can be nothing else.
        return (value, "%") if unit == "%" or (unit == "" and 10 <= value <= 70) else None
    if concept == "igg":
        return {"g/l": (value, "g/L"), "mg/dl": (value, "mg/dL")}.get(unit)
    if concept == "uric-acid":
        return {"mg/dl": (value, "mg/dL"), "µmol/l": (value, "umol/L")}.get(unit)
    if concept in ("bnp", "nt-probnp"):
        return (value, "pg/mL") if unit in ("pg/ml", "ng/l") else None
    if concept in _AS_WRITTEN:
        canonical_unit = _AS_WRITTEN[concept].get(unit)
        return None if canonical_unit is None else (value, canonical_unit)
    if concept == "ferritin":
        return (value, "ng/mL") if unit == "ng/ml" else None
    if concept == "bicarbonate":
        return (value, "mmol/L") if unit in ("mmol/l", "meq/l") else None
    if concept == "prothrombin-time":
        return (value, "s") if unit in ("s", "sec", "seconds") else None
    if concept == "bmi":
        return (value, "kg/m2") if unit == "" or unit.startswith("kg/m") else None
    if concept in ("qtc", "qtcf"):
        return (value, "ms") if unit in ("ms", "msec") else None
    if concept == "aptt":
        return (value, "s") if unit in ("s", "sec", "seconds") else None
    if concept == "hba1c":
        if unit == "%" or (unit == "" and value <= 20):  # below 20 only a percentage
            return value, "%"
        return (value, "mmol/mol") if unit == "mmol/mol" else None
    if concept in ("potassium", "sodium"):
        return (value, "mmol/L") if unit in ("mmol/l", "meq/l") else None
    if concept in ("lipase", "amylase", "ast", "alt", "alkaline-phosphatase"):
        return (value, "U/L") if unit in ("u/l", "iu/l") else None
    if concept == "tsh":
        # mU/L and µU/mL: how TSH's international units are often written.
        return (value, "m[IU]/L") if unit in ("miu/l", "µiu/ml", "mu/l", "µu/ml") else None
    if concept == "albumin":
        if unit == "g/dl":
            return value, "g/dL"
        return (value / 10, "g/dL") if unit == "g/l" else None
    if concept == "crp":
        return {"mg/l": (value, "mg/L"), "mg/dl": (value, "mg/dL")}.get(unit)
    if concept == "triglycerides":
        return {"mg/dl": (value, "mg/dL"), "mmol/l": (value, "mmol/L")}.get(unit)
    if concept in _MG_DL_PER_MMOL_L:
        return {"mg/dl": (value, "mg/dL"), "mmol/l": (value, "mmol/L")}.get(unit)
    return None


def _lab(concept: str, symbol: str, number: str, unit: str | None) -> Criterion | None:
    key = _unit_key(unit)
    value = _number(number)
    if concept in _COUNTS and key in _CELLS_PER_UL and _POINT_THOUSANDS.fullmatch(number):
        value = float(number.replace(".", ""))  # "100.000/µL": no count per µL has decimals
    converted = _canonical(concept, value, key)
    if converted is None:
        return None
    value, canonical_unit = converted
    if not plausible(concept, value, canonical_unit):
        return None  # "Hemoglobin < 8 g/l": a unit slip (rules.plausible_values)
    return Criterion(
        Kind.LAB,
        concept=concept,
        comparator=_CMP_WORDS[symbol],
        value=value,
        unit=canonical_unit,
    )


def _uln(concept: str, symbol: str, multiple: float) -> Criterion:
    return Criterion(
        Kind.LAB,
        concept=concept,
        comparator=_CMP_WORDS[symbol],
        value=multiple,
        uln_multiple=True,
    )


def _both(first: Criterion, second: Criterion, conjunction: str) -> Criterion | None:
    """Two bounds on one measurement: a range when both can hold, else either."""
    low = next((c.value for c in (first, second) if (c.comparator or "")[:1] == ">"), None)
    high = next((c.value for c in (first, second) if (c.comparator or "")[:1] == "<"), None)
    if low is None or high is None or first.unit != second.unit:
        return None  # "≥ 1.5 and ≥ 1.4 mg/dL" (in men and in women): not one measurement
    outward = high <= low
    code: CombinationCode = "any-of" if conjunction in ("or", "and/or") or outward else "all-of"
    return Criterion(Kind.COMBINATION, children=(first, second), combination=code)


# A multiple of the ULN in words: "> twice the upper limit of normal", "< three times the ULN".
_TIMES = {"twice": 2.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0}
_WORD_ULN = re.compile(
    rf"(?P<cmp>{_CMP})\s*(?P<times>twice|(?:two|three|four|five) times)\s*{_ULN_WORDS}(?!\w)"
)


def _read_single(concept: str, text: str, pos: int) -> _Read | None:
    match = _SINGLE.match(text, pos)
    if match is None:
        if words := _WORD_ULN.match(text, pos):
            multiple = _TIMES[words["times"].split()[0]]
            return _Read(_uln(concept, words["cmp"], multiple), words.end())
        only = _ULN_ONLY.match(text, pos)
        if only is None:
            return None
        return _Read(_uln(concept, only["cmp"], 1.0), only.end())
    if match["uln"]:
        return _Read(_uln(concept, match["cmp"], _number(match["num"])), match.end())
    criterion = _lab(concept, match["cmp"], match["num"], match["unit"])
    if criterion is None:
        return None
    end = match.end()
    if restated := _RESTATED.match(text, end):
        if not _agrees(concept, criterion, restated):
            return None
        criterion = _in_recorded_unit(concept, criterion, restated)
        end = restated.end()
    if match["unit"] and (gloss := _UNIT_GLOSS.match(text, end)):
        end = gloss.end()
    if (said_again := _SAID_AGAIN.match(text, end)) and (
        (said_again["dir"] in _MORE) == ((criterion.comparator or "")[:1] == ">")
    ):
        end = said_again.end()
    return _Read(criterion, end)


# A unit spelled out and then abbreviated: "< 150 kilograms (kg)", "> 90 beats/minute (min)".
_UNIT_GLOSS = re.compile(r"\s*\((?:kg|cm|min|bpm|mmhg|mm hg)\)")
# "≥ 5.7% or higher": the bound said twice, the same way.
_MORE = frozenset({"more", "higher", "greater", "above", "over"})
_SAID_AGAIN = re.compile(r"\s*or (?P<dir>more|higher|greater|above|over|less|lower|below)\b")


# The unit records hold a measurement in, where criteria also write another: HbA1c is reported
# as an NGSP percentage ("HbA1c above 48 mmol/mol (or 6.5%)" is one threshold, read as 6.5%, so
# that no conversion moves a result near it to the other side).
_RECORDED_UNIT = {"hba1c": "%"}


def _in_recorded_unit(concept: str, criterion: Criterion, restated: re.Match[str]) -> Criterion:
    """The agreeing restatement when it is in the unit records hold and the first reading not."""
    recorded = _RECORDED_UNIT.get(concept)
    if recorded is None or criterion.unit == recorded:
        return criterion
    other = _lab(
        concept, restated["cmp"] or criterion.comparator or "=", restated["num"], restated["unit"]
    )
    return other if other is not None and other.unit == recorded else criterion


def _agrees(concept: str, criterion: Criterion, restated: re.Match[str]) -> bool:
    """A value restated in another unit says the same (within 5%)."""
    other = _lab(
        concept, restated["cmp"] or criterion.comparator or "=", restated["num"], restated["unit"]
    )
    if other is None or other.comparator != criterion.comparator or not criterion.value:
        return False
    a, b = _in_common_unit(concept, criterion), _in_common_unit(concept, other)
    return a is not None and b is not None and abs(a - b) <= 0.05 * max(abs(a), abs(b))


def _in_common_unit(concept: str, criterion: Criterion) -> float | None:
    value, unit = criterion.value, criterion.unit
    if value is None:
        return None
    if unit == "umol/L" and concept in _UMOL_L_PER_MG_DL:
        return value / _UMOL_L_PER_MG_DL[concept]
    if unit == "mmol/mol":  # HbA1c, IFCC → NGSP master equation
        return 0.09148 * value + 2.152
    if unit == "[lb_av]":
        return value * _LB
    if unit == "mmol/L" and concept in _RESTATEMENT_MG_DL_PER_MMOL_L:
        return value * _RESTATEMENT_MG_DL_PER_MMOL_L[concept]
    if unit == "nmol/L" and concept == "testosterone":
        return value * _NG_DL_PER_NMOL_L_TESTOSTERONE
    return value


def _read_range(concept: str, text: str, pos: int) -> _Read | None:
    match = _RANGE.match(text, pos)
    if match is None:
        return None
    unit = match["u2"] or match["u1"]
    if match["u1"] and match["u2"] and _unit_key(match["u1"]) != _unit_key(match["u2"]):
        return None
    if match["hcmp"] and match["hend"]:
        return None
    low = _lab(concept, ">" if match["lend"] == "exclusive" else ">=", match["low"], unit)
    high_cmp = "<" if match["hend"] == "exclusive" else match["hcmp"] or "<="
    high = _lab(concept, high_cmp, match["high"], unit)
    if low is None or high is None or (low.value or 0) >= (high.value or 0):
        return None
    both = Criterion(Kind.COMBINATION, children=(low, high), combination="all-of")
    end = match.end()
    # "HbA1c 7.0–10.5% (53–91 mmol/mol)": the range restated in another unit must agree.
    if (restated := _RESTATED_RANGE.match(text, end)) is not None:
        again = _read_range(concept, text, restated.start("range"))
        if (
            again is None
            or text[again.end : restated.end("range")].strip()
            or not all(
                _same_value(concept, a, b)
                for a, b in zip(both.children, again.criterion.children, strict=True)
            )
        ):
            return None
        end = restated.end()
    return _Read(both, end)


_RESTATED_RANGE = re.compile(rf"\s*\((?P<range>(?:{_NUM})\s*(?:-|to)\s*(?:{_NUM})\s*[^)]*)\)")


def _same_value(concept: str, first: Criterion, second: Criterion) -> bool:
    a, b = _in_common_unit(concept, first), _in_common_unit(concept, second)
    return a is not None and b is not None and abs(a - b) <= 0.05 * max(abs(a), abs(b))


def _read_bounds(concept: str, text: str, pos: int) -> _Read | None:
    match = _BOUNDS.match(text, pos)
    if match is None:
        return None
    first_unit, second_unit = match["u1"] or match["u2"], match["u2"] or match["u1"]
    first = _lab(concept, match["cmp1"], match["n1"], first_unit)
    second = _lab(concept, match["cmp2"], match["n2"], second_unit)
    if first is None or second is None:
        return None
    both = _both(first, second, match["conj"])
    return None if both is None else _Read(both, match.end())


def _read_or_more(concept: str, text: str, pos: int) -> _Read | None:
    match = _OR_MORE.match(text, pos)
    if match is None:
        return None
    more = match["dir"] in ("more", "higher", "greater", "above", "over") or match["sign"] == ">"
    symbol = ">=" if more else "<="
    if match["uln"]:
        criterion: Criterion | None = _uln(concept, symbol, _number(match["num"]))
    else:
        criterion = _lab(concept, symbol, match["num"], match["unit"])
    return None if criterion is None else _Read(criterion, match.end())


# "Hematocrit outside the normal range (35-50%)": either bound crossed.
_OUTSIDE = re.compile(
    r"(?:outside|out of)(?: of)? (?:the )?(?:(?:normal|reference|following) )?(?:range|limits?)?"
    r"\s*(?:of\s*)?(?:\(\s*)?"
)


def _read_outside(concept: str, text: str, pos: int) -> _Read | None:
    outside = _OUTSIDE.match(text, pos)
    if outside is None:
        return None
    inside = _read_range(concept, text, outside.end())
    if inside is None:
        return None
    end = inside.end
    if outside.group(0).rstrip().endswith("("):
        closed = _CLOSE.match(text, end)
        if closed is None:
            return None
        end = closed.end()
    low, high = inside.criterion.children
    below = replace(low, comparator="<" if low.comparator == ">=" else "<=")
    above = replace(high, comparator=">" if high.comparator == "<=" else ">=")
    either = Criterion(Kind.COMBINATION, children=(below, above), combination="any-of")
    return _Read(either, end)


_READERS = (_read_outside, _read_bounds, _read_range, _read_single, _read_or_more)


# A wider bound for a subgroup: "ALT ≤ 2.5 × ULN (≤ 5 × ULN in patients with liver metastases)",
# "bilirubin ≤ 1.5 × ULN (≤ 3 × ULN for patients with Gilbert's syndrome)", "ALT ≤ 3 × ULN or
# ≤ 5 × ULN if liver metastases are present", "(if liver metastases are present, ≤ 5 × ULN)".
# An upper bound reads any-of(bound, all-of(subgroup, wider bound)); a lower one (what an
# exclusion states: "ALT > 3 × ULN (> 5 × ULN with liver metastases)") its negation,
# any-of(all-of(NOT subgroup, bound), wider bound). Only subgroups with a concept of their own.
_SUBGROUPS = (
    ("liver-metastases", r"(?:liver|hepatic) metasta(?:sis|ses)|liver mets"),
    ("icd10cm:E80.4", r"gilbert'?s?(?: syndrome| disease)?"),
)
_SUBGROUP = (
    r"(?:known |documented |confirmed )?(?:(?P<liver>"
    + _SUBGROUPS[0][1]
    + r")|(?P<gilbert>"
    + _SUBGROUPS[1][1]
    + r"))(?: (?:is|are) present)?"
)
_WHO = (
    r"(?:(?:in|for) (?:the )?(?:patients|subjects|participants|those|cases|individuals)"
    r" (?:with|who have) |in the presence of |in case of |with |if (?:the )?(?:patient has |"
    # "(≤ 5 × ULN for liver metastases)": the subgroup named by its finding alone.
    r"there (?:is|are) )?|for )"
)
_ALT_VALUE = rf"(?P<cmp>{_CMP})\s*(?P<num>{_NUM})\s*(?:{_ULN}|{_unit('unit')})"
_ALTERNATIVES = (
    re.compile(
        rf"\s*(?:(?P<open>\(\s*)(?:or\s+)?|,?\s*or\s+){_ALT_VALUE}\s*,?\s*{_WHO}{_SUBGROUP}"
        r"\s*(?(open)\))"
    ),
    re.compile(rf"\s*\(\s*{_WHO}{_SUBGROUP}\s*,?\s*{_ALT_VALUE}\s*\)"),
    # "(except patients with Gilbert syndrome, who can have total bilirubin < 3.0 mg/dL)"
    re.compile(
        rf"\s*(?:(?P<open>\(\s*)|,\s*)(?:except|unless|but) (?:in |for )?(?:patients|subjects"
        rf"|participants|those|individuals) with {_SUBGROUP}\s*,?\s*(?:(?:who|which) (?:can |may "
        r"|must |should )?(?:have )?|in which case |where |:\s*)?(?:an? )?"
        r"(?:(?:total |serum |direct )*(?:bilirubin|ast|alt|transaminases?)(?: levels?)?"
        r" (?:of |is |must be |should be )?)?"
        rf"{_ALT_VALUE}\s*(?(open)\))"
    ),
)


def _widened(bound: Criterion, wider: Criterion) -> Criterion | None:
    """``bound`` (one measurement, or several with one value: "AST and ALT") with the
    wider value; None unless the comparator and unit agree and the value is wider."""
    if bound.kind is Kind.COMBINATION:
        if bound.combination not in ("all-of", "any-of"):
            return None
        children = [_widened(child, wider) for child in bound.children]
        if any(child is None for child in children):
            return None
        return replace(bound, children=tuple(c for c in children if c is not None))
    if (
        bound.kind is not Kind.LAB
        or (bound.comparator or "")[:1] != (wider.comparator or "")[:1]
        or bound.uln_multiple != wider.uln_multiple
        or bound.unit != wider.unit
        or bound.value is None
        or wider.value is None
        or wider.value <= bound.value
    ):
        return None
    return replace(bound, comparator=wider.comparator, value=wider.value)


def _with_alternative(text: str, match: Match) -> Match | None:
    """The measurement with a wider bound for a subgroup right after it, when there is one."""
    found = next(
        (m for pattern in _ALTERNATIVES if (m := pattern.match(text, match.end)) is not None), None
    )
    if found is None:
        return None
    concept = next(iter(_concepts(match.criterion)))
    if found["uln"] is not None:
        wider: Criterion | None = _uln(concept, found["cmp"], _number(found["num"]))
    else:
        wider = _lab(concept, found["cmp"], found["num"], found["unit"])
    widened = None if wider is None else _widened(match.criterion, wider)
    if wider is None or widened is None:
        return None
    subgroup = Criterion(
        Kind.CONDITION, concept=_SUBGROUPS[0][0] if found["liver"] else _SUBGROUPS[1][0]
    )
    both: tuple[Criterion, Criterion]
    if (wider.comparator or "")[:1] == "<":
        both = (match.criterion, _all_of(subgroup, widened))
    else:
        both = (_all_of(replace(subgroup, negated=True), match.criterion), widened)
    either = Criterion(Kind.COMBINATION, children=both, combination="any-of")
    return Match(either, match.start, found.end())


def _all_of(first: Criterion, second: Criterion) -> Criterion:
    return Criterion(Kind.COMBINATION, children=(first, second), combination="all-of")


# A bound for each sex: "QTc > 450 ms for men or > 470 ms for women", "hemoglobin ≥ 12 g/dL for
# women and ≥ 13 g/dL for men", "creatinine ≥ 1.5 and ≥ 1.4 mg/dL in males and females
# respectively": any-of(all-of(sex, its bound), all-of(other sex, its bound)) — the same reading
# in an inclusion (the patient meets the bound of their sex) and an exclusion (the patient has
# the value that excludes their sex). An unknown sex leaves both parts, and so the whole, unknown.
_SEX_WORD = r"(?P<{}>men|males?|women|females?)(?: (?:patients|subjects|participants))?"
_FOR_SEX = re.compile(
    r"\s*,?\s*(?:(?:for|in|among) (?:the )?|(?P<bracket>[(\[])\s*)"
    + _SEX_WORD.format("sex")
    + r"\b(?(bracket)\s*[)\]])"
)
# "…, < 13 g/dL for men", "… (women) / > 1.5 mg/dL (men)", "… in males and …".
_SEX_SEPARATOR = re.compile(r"\s*(?:,|;|/)?\s*(?:and|or)?\s*")
_RESPECTIVELY = re.compile(
    r"\s*(?:for|in) (?:the )?"
    + _SEX_WORD.format("first")
    + r" and (?:the )?"
    + _SEX_WORD.format("second")
    + r",? respectively\b"
)


def _sex(word: str) -> str:
    return "female" if word.startswith(("wom", "fem")) else "male"


def _for_sex(sex: str, bound: Criterion) -> Criterion:
    return Criterion(
        Kind.COMBINATION,
        children=(Criterion(Kind.SEX, value_concept=sex), bound),
        combination="all-of",
    )


def _by_sex(first: tuple[str, Criterion], second: tuple[str, Criterion]) -> Criterion | None:
    """Two bounds of one measurement, one per sex; None unless the sexes differ and the bounds
    point the same way (a lower bound for one sex and an upper for the other is no reading)."""
    (sex1, bound1), (sex2, bound2) = first, second
    same_way = (bound1.comparator or "")[:1] == (bound2.comparator or "")[:1]
    if sex1 == sex2 or not same_way or bound1.unit != bound2.unit:
        return None
    return Criterion(
        Kind.COMBINATION,
        children=(_for_sex(sex1, bound1), _for_sex(sex2, bound2)),
        combination="any-of",
    )


# The sex before its bound: "Hemoglobin: men < 13 g/dL, women < 12 g/dL".
_SEX_FIRST = re.compile(
    r"\s*(?:(?:for|in) (?:the )?)?" + _SEX_WORD.format("sex") + r"\b\s*(?::|,|-)?\s*"
)


def _read_sex_first(concept: str, text: str, pos: int) -> _Read | None:
    first_sex = _SEX_FIRST.match(text, pos)
    one = None if first_sex is None else _SINGLE.match(text, first_sex.end())
    if first_sex is None or one is None or one["uln"]:
        return None
    separator = _SEX_SEPARATOR.match(text, one.end())
    second_sex = _SEX_FIRST.match(text, separator.end() if separator else one.end())
    two = None if second_sex is None else _SINGLE.match(text, second_sex.end())
    if second_sex is None or two is None or two["uln"]:
        return None
    bound1 = _lab(concept, one["cmp"], one["num"], one["unit"] or two["unit"])
    bound2 = _lab(concept, two["cmp"], two["num"], two["unit"] or one["unit"])
    if bound1 is None or bound2 is None:
        return None
    read = _by_sex((_sex(first_sex["sex"]), bound1), (_sex(second_sex["sex"]), bound2))
    return None if read is None else _Read(read, two.end())


def _read_by_sex(concept: str, text: str, pos: int) -> _Read | None:
    link = _LINK.match(text, pos)
    pos = link.end() if link else pos
    if sex_first := _read_sex_first(concept, text, pos):
        return sex_first
    if both := _BOUNDS.match(text, pos):
        respectively = _RESPECTIVELY.match(text, both.end())
        if respectively is None or both["conj"] not in ("and", ","):
            return None
        unit = both["u1"] or both["u2"]
        first = _lab(concept, both["cmp1"], both["n1"], both["u1"] or unit)
        second = _lab(concept, both["cmp2"], both["n2"], both["u2"] or unit)
        if first is None or second is None:
            return None
        sexes = (_sex(respectively["first"]), _sex(respectively["second"]))
        read = _by_sex((sexes[0], first), (sexes[1], second))
        return None if read is None else _Read(read, respectively.end())
    one = _SINGLE.match(text, pos)
    first_sex = None if one is None or one["uln"] else _FOR_SEX.match(text, one.end())
    if one is None or first_sex is None:
        return None
    separator = _SEX_SEPARATOR.match(text, first_sex.end())
    two = _SINGLE.match(text, separator.end() if separator else first_sex.end())
    second_sex = None if two is None or two["uln"] else _FOR_SEX.match(text, two.end())
    if two is None or second_sex is None:
        return None
    # "HDL < 50 in females, < 40 mg/dL in males": one unit for both.
    bound1 = _lab(concept, one["cmp"], one["num"], one["unit"] or two["unit"])
    bound2 = _lab(concept, two["cmp"], two["num"], two["unit"] or one["unit"])
    if bound1 is None or bound2 is None:
        return None
    read = _by_sex((_sex(first_sex["sex"]), bound1), (_sex(second_sex["sex"]), bound2))
    return None if read is None else _Read(read, second_sex.end())


def _read_value(concept: str, text: str, pos: int) -> _Read | None:
    read = _read_any_value(concept, text, pos)
    if read is None or concept != "fev1-predicted":
        return read
    predicted = _PREDICTED.match(text, read.end)
    return None if predicted is None else _Read(read.criterion, predicted.end())


# "FEV1 < 50% predicted", "FEV1 ≥ 70% of the predicted value", "< 80% pred."
_PREDICTED = re.compile(
    r"\s*(?:of )?(?:the )?(?:predicted|pred\b\.?|pred\b)(?: (?:value|normal))?(?![\w-])"
)


def _read_any_value(concept: str, text: str, pos: int) -> _Read | None:
    link = _LINK.match(text, pos)
    pos = link.end() if link else pos
    # "serum creatinine (> 2.0 mg/dL)": the value alone in parentheses after the name.
    opened = _OPEN.match(text, pos)
    for reader in _READERS:
        read = reader(concept, text, opened.end() if opened else pos)
        if read is None:
            continue
        if opened is None:
            return read
        closed = _CLOSE.match(text, read.end)
        return None if closed is None else _Read(read.criterion, closed.end())
    return None


_OPEN = re.compile(r"\(\s*")
_CLOSE = re.compile(r"\s*\)")


def _bp_pair(text: str) -> list[Match]:
    found = []
    for match in _BP_PAIR.finditer(text):
        named = match.group(0)[:1].isalpha()
        if not named and not match["unit"]:
            continue  # "140/90" alone may be anything but a pressure
        symbol = match["cmp"] or (">=" if match["dir"] else None)
        if symbol is None or (match["cmp"] and match["dir"]):
            continue
        if _OTHER_PRESSURE.search(text, max(0, match.start() - 40), match.start()):
            continue
        systolic = _lab("systolic-bp", symbol, match["sys"], "mmhg")
        diastolic = _lab("diastolic-bp", symbol, match["dia"], "mmhg")
        if systolic is None or diastolic is None:
            continue
        # "BP > 140/90": raised when either is; "BP < 140/90": controlled when both are.
        code: CombinationCode = "any-of" if _CMP_WORDS[symbol][:1] == ">" else "all-of"
        both = Criterion(Kind.COMBINATION, children=(systolic, diastolic), combination=code)
        found.append(Match(both, match.start(), match.end()))
    for match in _BP_VALUE_FIRST.finditer(text):
        concept = "systolic-bp" if match["which"] == "systolic" else "diastolic-bp"
        criterion = _lab(concept, match["cmp"], match["num"], "mmhg")
        if criterion is not None:
            found.append(Match(criterion, match.start(), match.end()))
    return found


# The value before the name: "< 50 kg or > 100 kg in weight", "under 20 kg of body weight",
# "a minimum body weight of 40 kg", "(< 100,000 platelets/µL)".
_WEIGHT_UNIT = r"(?:kilograms?|kg|lbs?\.?|pounds)"
_VALUE_BEFORE_NAME = (
    (
        "body-weight",
        re.compile(
            rf"(?P<cmp1>{_CMP})\s*(?P<n1>{_NUM})\s*(?P<u1>{_WEIGHT_UNIT})?"
            rf"(?:\s*(?P<conj>and|or)\s*(?P<cmp2>{_CMP})\s*(?P<n2>{_NUM}))?\s*(?P<u2>{_WEIGHT_UNIT})"
            r"\s*(?:of|in) (?:total )?(?:body )?weight\b"
        ),
    ),
    (
        "platelets",
        re.compile(
            rf"(?P<cmp1>{_CMP})\s*(?P<n1>{_NUM})\s*platelets\s*(?P<u2>/\s*(?:{_MICRO}l|mcl|mm3"
            r"|mm\^3|mm³|microl(?:iter|itre)?))(?![\w/])"
        ),
    ),
)
_NAME_THEN_OF = re.compile(
    rf"(?P<cmp1>{_CMP})\s*(?:total )?body weight of\s*(?P<n1>{_NUM})\s*(?P<u2>{_WEIGHT_UNIT})"
    r"(?![\w/])"
)


def _value_before_name(text: str) -> list[Match]:
    found = []
    patterns = [*_VALUE_BEFORE_NAME, ("body-weight", _NAME_THEN_OF)]
    for concept, pattern in patterns:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            unit = groups["u2"]
            first = _lab(concept, match["cmp1"], match["n1"], groups.get("u1") or unit)
            if first is None:
                continue
            criterion: Criterion | None = first
            if groups.get("cmp2"):
                second = _lab(concept, match["cmp2"], match["n2"], unit)
                criterion = None if second is None else _both(first, second, match["conj"])
            if criterion is not None:
                found.append(Match(criterion, match.start(), match.end()))
    return found


# Words naming what a threshold defines, with the measurements that may define it. Qualifiers
# before them ("uncontrolled", "severe", "adequate") are part of the label.
_LABEL_QUALIFIERS = (
    r"(?:(?:adequate|normal|impaired|abnormal|reduced|decreased|poor|severe|moderate|mild"
    r"|significant|clinically significant|known|documented|uncontrolled|poorly controlled"
    r"|persistent|persistent and uncontrolled|chronic|acute|progressive|pre-?operative|verified"
    r"|resting|preserved|conserved|elevated|inadequate|baseline|evidence of|sufficient|good)\s+)*"
)
_RENAL = frozenset({"creatinine", "creatinine-clearance", "egfr-lab"})
_LIVER = frozenset({"bilirubin", "ast", "alt", "alkaline-phosphatase", "albumin", "inr"})
_BLOOD = frozenset({"anc", "platelets", "hemoglobin", "wbc", "lymphocytes"})
_GLYCAEMIA = frozenset({"glucose", "fasting-glucose", "hba1c"})
_BP = frozenset({"systolic-bp", "diastolic-bp"})
_LABELS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        r"(?:renal|kidney) (?:functions?|insufficiency|failure|impairment|dysfunction|disease"
        r"|abnormality)|chronic kidney disease(?: \(ckd\))?(?: stage (?:>=|<=|>|<)?\s*"
        r"(?:[1-5]|iv|v|i{1,3})[ab]?)?|ckd(?: stage (?:>=|<=|>|<)?\s*[1-5][ab]?)?|uremia",
        _RENAL,
    ),
    (
        r"(?:hepatic|liver) (?:functions?|dysfunction|impairment|insufficiency)"
        r"|liver (?:enzymes|function tests?)",
        _LIVER,
    ),
    (
        r"(?:bone marrow|ha?ematolog(?:ic|ical)) (?:functions?|reserve|values|parameters"
        r"|status)|ha?ematolog(?:ic|ical) function",
        _BLOOD,
    ),
    (r"ana?emia", frozenset({"hemoglobin"})),
    (r"thrombocytopenia", frozenset({"platelets"})),
    (r"neutropenia", frozenset({"anc"})),
    (r"leu[ck]openia", frozenset({"wbc"})),
    (r"lymphopenia", frozenset({"lymphocytes"})),
    (r"cytopenias?", _BLOOD),
    (r"coagulopathy|coagulation disorder", frozenset({"inr", "aptt", "platelets"})),
    (r"hyperkala?emia|hypokala?emia", frozenset({"potassium"})),
    (r"hyponatra?emia|hypernatra?emia", frozenset({"sodium"})),
    (r"hypercalca?emia|hypocalca?emia", frozenset({"calcium"})),
    (r"hypomagnesa?emia", frozenset({"magnesium"})),
    (
        r"hypoglyca?emia|hyperglyca?emia|diabetes(?: mellitus)?|pre-?diabet(?:es|ic)"
        r"|glyca?emic control",
        _GLYCAEMIA,
    ),
    (
        r"(?:morbid |severe )?obes(?:e|ity)|non-?obese|overweight|underweight|malnourished",
        frozenset({"bmi"}),
    ),
    (
        r"(?:arterial )?hypertension|high blood pressure|hypotension|blood pressure control"
        r"|blood pressure elevation",
        _BP,
    ),
    (r"bradycardia|tachycardia", frozenset({"heart-rate"})),
    (r"immunosuppression", frozenset({"anc", "wbc", "lymphocytes", "cd4"})),
    (r"qtc? prolongation|prolonged qtc?", frozenset({"qtc"})),
    (
        r"(?:cardiac|left ventricular(?: systolic)?) (?:functions?|dysfunction)",
        frozenset({"lvef"}),
    ),
    (r"hypertriglyceridemia", frozenset({"triglycerides"})),
    (r"fever|pyrexia", frozenset({"body-temperature"})),
    (r"hypox(?:a?emia|ia)|desaturation", frozenset({"oxygen-saturation", "pao2"})),
    (r"hyperuric(?:a?emia|a?emic)", frozenset({"uric-acid"})),
    (r"(?:systemic )?inflammation", frozenset({"crp"})),
    (r"normal blood pressure|normal", _BP),
    (r"hypercholesterola?emia", frozenset({"total-cholesterol", "ldl-cholesterol"})),
)
_LABEL_OPENER = (
    r"(?:\s*\(\s*|\s*:\s*|\s*[,(]?\s*(?:(?:as )?(?:defined|evidenced|indicated|determined|shown"
    r"|confirmed) (?:as|by|with)|that is|i\.?e\.?,?)\s*\(?\s*|\s+)(?:(?:an?|the)\s+)?"
)
# "Anaemia with haemoglobin < 9 g/dL", "obese patients with BMI ≥ 40": a disorder that the value
# alone defines may also be followed by "with". Not one that takes more than a value (chronic
# kidney disease with eGFR < 50 is a diagnosis as well).
_WITH_OPENER = (
    r"\s+(?:(?:patients|subjects|participants) )?with\s+(?:an?\s+(?:elevated\s+|low\s+|high\s+)?"
    r"|the\s+)?"
)
_MORE_THAN_A_VALUE = (_RENAL, _LIVER, _GLYCAEMIA, _BP)


def _label_pattern(label: str, concepts: frozenset[str]) -> re.Pattern[str]:
    with_ = not (concepts in _MORE_THAN_A_VALUE or concepts & {"lvef", "qtc", "cd4"})
    opener = f"(?:{_LABEL_OPENER}|{_WITH_OPENER})" if with_ else _LABEL_OPENER
    return re.compile(rf"(?<![\w-]){_LABEL_QUALIFIERS}(?:{label}){opener}$")


_LABEL_PATTERNS = tuple((_label_pattern(label, concepts), concepts) for label, concepts in _LABELS)


def _concepts(criterion: Criterion) -> set[str]:
    """The measurements a reading is made of (the sex a bound applies to is none)."""
    if criterion.kind is Kind.COMBINATION:
        return {c for child in criterion.children for c in _concepts(child)}
    return set() if criterion.kind is Kind.SEX else {criterion.concept or ""}


def _labels(text: str, found: list[Match]) -> list[Match]:
    """The label before a measurement that defines it, matched with that measurement's
    criterion (the compiler reads the two, side by side, as one)."""
    labels = []
    for match in found:
        named = _concepts(match.criterion)
        for pattern, concepts in _LABEL_PATTERNS:
            if not named <= concepts:
                continue
            start = label_start(text, match.start, pattern, 120)
            if start is None:
                continue
            if negated_before(text, start):
                break
            labels.append(Match(match.criterion, start, match.start))
            disease = _DISEASE_NAMED.search(text, start, match.start)
            if disease is None:
                break
            value, end = match.criterion, match.end
            if not _LABEL_CLOSED.match(text, end):
                # "Hypertension (systolic ≥ 140 or diastolic ≥ 90 mmHg)": both values define
                # the disease, which is read with either of them.
                second = _label_alternative(text, found, match)
                if second is None:
                    break
                value = Criterion(
                    Kind.COMBINATION, children=(value, second.criterion), combination="any-of"
                )
                end = second.end
            # "Uncontrolled hypertension (systolic > 160 mmHg)" is the disease with that
            # value, not one high reading in anyone: the longer match is read. Without a word
            # of control or degree before the disease, the value defines it ("Hypertension
            # (SBP > 140 or DBP > 90)", "Diabetes defined as HbA1c > 6.5%"): how it was
            # diagnosed, which a treated patient's value need not meet today
            # (`evaluation.value_defined`).
            if not _CONTROL_OR_DEGREE.search(text, _clause_start(text, start), disease.start()):
                value = _as_defining(value)
            both = Criterion(
                Kind.COMBINATION,
                children=(
                    Criterion(Kind.CONDITION, concept=_DISEASES[disease.lastgroup or ""]),
                    value,
                ),
                combination="all-of",
            )
            labels.append(Match(both, start, end))
            break
    return labels


# The word joining a label's two values: "systolic ≥ 140 (mmHg) and/or diastolic ≥ 90".
_VALUE_OR = re.compile(r"\s*(?:mm ?(?:of )?hg\s*)?,?\s*(?:and/or|or)\s+")


def _label_alternative(text: str, found: list[Match], first: Match) -> Match | None:
    """The value right after `first`, joined to it by "or" and closing the label."""
    joined = _VALUE_OR.match(text, first.end)
    if joined is None:
        return None
    for other in found:
        if other.start == joined.end() and _LABEL_CLOSED.match(text, other.end):
            return other
    return None


# A word before a labelled disease that makes its value a requirement, not its definition.
_CONTROL_OR_DEGREE = re.compile(
    r"\b(?:uncontrolled|controlled|poorly|persistent|severe|moderate|mild|elevated|inadequate"
    r"|resistant|refractory|stage|grade|significant|decompensated)\b"
)
# The qualifier of a value that defines the disease beside it (`_labels`).
DEFINING = "defining"


def _clause_start(text: str, start: int) -> int:
    """Where the clause holding the label starts: words before the label's own qualifiers
    ("resistant", "refractory hypertension (…)") belong to it too."""
    return max(text.rfind(mark, 0, start) for mark in (",", ";", ":", ".", "(")) + 1


def _as_defining(value: Criterion) -> Criterion:
    """The value's measurement leaves marked as defining the disease beside them."""
    if value.kind is Kind.COMBINATION:
        return evolve(value, children=tuple(_as_defining(c) for c in value.children))
    return evolve(value, qualifiers=(*value.qualifiers, DEFINING))


# Diagnoses a label may name (by group name) that a record holds apart from the value defining
# them: read with the value (`_labels`).
_DISEASE_NAMED = re.compile(
    r"\b(?:(?P<hypertension>(?:arterial )?hypertension)|(?P<diabetes>diabetes(?: mellitus)?)"
    r"|(?P<ckd>chronic kidney disease|ckd))\b"
)
# The value is all the label's parenthesis or clause says ("… (systolic > 160 or diastolic >
# 100)" names two values: the reading of one alone would be wrong).
_LABEL_CLOSED = re.compile(r"\s*[)\]]?\s*(?:[.;,]|$)")
_DISEASES = {
    "hypertension": "hypertension",
    "diabetes": "diabetes-mellitus",
    "ckd": "chronic-kidney-disease",
}


# How a value was measured, by the measurements it may follow: the method that LOINC code
# names ("eGFR ≥ 60 by CKD-EPI", "SpO2 < 90% by pulse oximetry on room air") or where the
# value is read ("on a complete blood count", "per medical records"), all of which the record's
# result already is. A Cockcroft-Gault "GFR" is a creatinine clearance: not read as an eGFR.
_HOW = (
    r"\s*[(\[]?\s*,?\s*(?:(?:as )?(?:calculated |estimated |measured |assessed |determined "
    r"|judged |evaluated )?(?:by|using|with|per|on|via|according to) (?:the |an? )?)?"
)
_METHODS: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = (
    (
        frozenset({"egfr-lab"}),
        re.compile(
            _HOW + r"(?:(?:ckd-?epi|mdrd"
            r"|modification of diet in renal disease(?: \(mdrd\))?|chronic kidney disease "
            r"epidemiology collaboration(?: \(ckd-?epi\))?)(?: (?:study )?(?:equation|formula))?)"
            r"\s*[)\]]?"
        ),
    ),
    (
        frozenset({"creatinine-clearance"}),
        re.compile(
            _HOW + r"cockc?roft(?:[- ]and[- ]|-| ?& ?)"
            r"gault(?: (?:equation|formula|method))?\s*[)\]]?"
        ),
    ),
    (
        frozenset({"lvef"}),
        re.compile(_HOW + _CARDIAC_IMAGINGS + r"\s*[)\]]?"),
    ),
    (
        frozenset({"oxygen-saturation"}),
        re.compile(
            r"(?:\s*[(\[]?\s*,?\s*(?:(?:measured )?by pulse oximetry|(?:at rest )?(?:on|at|in|while"
            r" breathing(?: in)?|breathing) (?:room|ambient) air)\s*[)\]]?)+"
        ),
    ),
    (
        frozenset({"anc", "platelets", "hemoglobin", "wbc", "lymphocytes", "hematocrit"}),
        re.compile(
            r"\s*[(\[]?\s*(?:(?:on|from|by) (?:an? |the )?(?:baseline |screening )?)?(?:complete"
            r" blood count|cbc)(?: \(cbc\))?\s*[)\]]?"
        ),
    ),
)
# "Hemoglobin ≥ 9 g/dL (transfusion allowed)": the value decides, however it was reached.
_TRANSFUSION_ALLOWED = re.compile(
    r"\s*[(\[,;]?\s*(?:(?:red (?:blood )?cell |blood )?transfusions? (?:is |are )?(?:allowed"
    r"|permitted|acceptable)|(?:with or without|regardless of) (?:prior )?transfusions?"
    r"|(?:patients )?may (?:have been |be )transfused"
    r"(?: to (?:reach|achieve|meet) this (?:level|value|threshold))?)"
    r"\s*[)\]]?"
)
_WHERE = re.compile(
    r"(?:\s*[)\]])?\s*[(\[]?\s*,?\s*(?:based on|per|according to|via|from|as documented in)"
    r" (?:the )?"
    r"(?:patient'?s )?(?:medical (?:history|records?)|clinic(?:al)? records?"
    r"|laboratory (?:tests?|results?)|lab (?:tests?|results?))"
    r"(?=\s*[)\].,;]|\s+within\b|$)\s*[)\]]?"
)


# "Elevated INR > 1.5", "increased fasting glucose from 6.1 to 7.0 mmol/L", "low platelet count
# < 100": the word says what the bound says (a range fits either); against it, no reading.
_DIRECTION_BEFORE = re.compile(
    r"\b(?:(?P<up>elevated|increased|raised|high)|(?P<down>decreased|reduced|low))\s+$"
)


def _directions(criterion: Criterion) -> set[str]:
    if criterion.kind is Kind.COMBINATION:
        return {d for child in criterion.children for d in _directions(child)}
    return {(criterion.comparator or "")[:1]} if criterion.kind is Kind.LAB else set()


def _with_direction_word(text: str, match: Match) -> int:
    """Where the match starts with a word before it that agrees with its bound."""
    word = _DIRECTION_BEFORE.search(text, max(0, match.start - 12), match.start)
    if word is None:
        return match.start
    directions = _directions(match.criterion)
    agrees = directions == {">", "<"} or directions == {">" if word["up"] else "<"}
    return word.start() if agrees else match.start


def _with_context(text: str, match: Match) -> Match:
    """The match with the words saying when and how the value was taken."""
    start, end = match.start, match.end
    if before := _CONTEXT_BEFORE.search(text, max(0, start - 28), start):
        start = before.start()
    start = _with_direction_word(text, Match(match.criterion, start, end))
    if taken := _MEASURED.match(text, end):
        end = taken.end()  # "> 9% measured | within 3 months": the window is read next
    if after := _CONTEXT_AFTER.match(text, end):
        end = after.end()
    if end < len(text) and has_any(text[end:], _HOW_TRIGGERS):
        concepts = _concepts(match.criterion)
        for measured, method in _METHODS:
            if concepts <= measured and (how := method.match(text, end)):
                end = how.end()
                break
        if where := _WHERE.match(text, end):
            end = where.end()
    if (
        "transfus" in text
        and _concepts(match.criterion) <= _BLOOD
        and (allowed := _TRANSFUSION_ALLOWED.match(text, end))
    ):
        end = allowed.end()
    return Match(match.criterion, start, end)


_HOW_TRIGGERS = (
    *("by ", "using", "with ", "per ", "according", " air", "via ", "from ", "document"),
    *("based", "blood count", "cbc", "echo", "muga", "mri", "magnetic", "cockcroft", "ckd", "mdrd"),
)
_ASCII_DIGIT = re.compile(r"[0-9]")


def _has_digit(text: str) -> bool:
    """`any(c.isdigit() for c in text)` without a Python step per character (it ran on every
    bullet): an ASCII digit answers at once, and an ASCII text has no other digits."""
    if _ASCII_DIGIT.search(text) is not None:
        return True
    return not text.isascii() and any(char.isdigit() for char in text)


_JOINED = re.compile(r"\s*(?P<join>/|and/or|and|or|,)\s*(?:serum )?")


def _pair(first: Criterion, second: Criterion, join: str | None) -> Criterion:
    """Two measurements with one bound ("AST/ALT ≤ 3 × ULN"): an upper bound holds for both;
    a lower one ("AST/ALT > 3 × ULN", "transaminases > 3 × ULN": what excludes, the negation
    of the first) for either — unless "and" says both."""
    either = (first.comparator or "")[:1] == ">" and join != "and"
    code: CombinationCode = "any-of" if either else "all-of"
    return Criterion(Kind.COMBINATION, children=(first, second), combination=code)


def _named_together(text: str, names: list[tuple[int, int, str]]) -> list[Match]:
    """Two labs named side by side before one multiple of the ULN ("amylase and lipase ≤ 1.5 ×
    ULN"); only a ULN multiple, which means the same for any two labs."""
    found = []
    for (start, end, first), (next_start, next_end, second) in itertools.pairwise(names):
        joined = _JOINED.match(text, end)
        if first == second or {first, second} == {"ast", "alt"} or joined is None:
            continue
        read = _read_value(second, text, next_end)
        if (
            joined.end() != next_start
            or read is None
            or read.criterion.kind is not Kind.LAB
            or not read.criterion.uln_multiple
        ):
            continue
        both = _pair(replace(read.criterion, concept=first), read.criterion, joined["join"])
        found.append(Match(both, start, read.end))
    return found


# Between the names of a list: "AST, ALT, and alkaline phosphatase", "AST/ALT or bilirubin".
_LISTED = re.compile(r"\s*(?P<join>,\s*(?:and/or|and|or)|/|and/or|and|or|,)\s*(?:serum |total )?")


def _named_in_a_list(text: str, names: list[tuple[int, int, str]]) -> list[Match]:
    """Three or more labs listed before one multiple of the ULN ("AST, ALT and alkaline
    phosphatase ≤ 2.5 × ULN"): an upper bound holds for all; a lower one excludes on any, unless
    the list ends with "and"."""
    found = []
    for i, (start, end, first) in enumerate(names):
        run, joins = [first], []
        last_end = end
        for next_start, next_end, concept in names[i + 1 :]:
            listed = _LISTED.match(text, last_end)
            if listed is None or listed.end() != next_start or concept in run:
                break
            run.append(concept)
            joins.append(listed["join"])
            last_end = next_end
        if len(run) < 3:
            continue
        read = _read_value(run[-1], text, last_end)
        if read is None or read.criterion.kind is not Kind.LAB or not read.criterion.uln_multiple:
            continue
        bound = read.criterion
        last_join = joins[-1].lstrip(", ").strip() or ","
        either = (bound.comparator or "")[:1] == ">" and last_join != "and"
        code: CombinationCode = "any-of" if either else "all-of"
        children = tuple(replace(bound, concept=concept) for concept in run)
        found.append(
            Match(Criterion(Kind.COMBINATION, children=children, combination=code), start, read.end)
        )
    return found


def _agrees_with_name(name: str, criterion: Criterion) -> bool:
    """A name that says the direction ("castrate levels of testosterone") with a bound that
    says the same."""
    return "castrat" not in name or _directions(criterion) == {"<"}


# A name followed by another name of the same lab in brackets ("HbA1c (glycated haemoglobin)",
# "ANC (absolute neutrophil count)"): the brackets only spell the abbreviation out.
_RESTATED_NAME = re.compile(r" ?\(([a-z][a-z0-9 -]{1,58})\)")


def _restated_name_end(concept: str, text: str, end: int) -> int:
    """Where the value may start after a name: past a bracket that names the same lab again."""
    if "(" not in text[end : end + 2]:
        return end
    restated = _RESTATED_NAME.match(text, end)
    if restated is None or _NAMES[concept].fullmatch(restated[1]) is None:
        return end
    return restated.end()


@remember_recent(8)
def find_labs(text: str) -> list[Match]:
    found: list[Match] = []
    if "bmi" in text or "body mass" in text:
        found.extend(find_bmi(text))
    numbers = _has_digit(text) or has_any(
        text, ("uln", "upper limit", "reference", " times", "twice")
    )
    if not numbers or not _ANY_TRIGGER_WORD.any_in(text):
        return found
    present = _NAME_TRIGGER_SCAN.found_in(text)
    named = [_NAME_CONCEPTS[i] for i in sorted({i for word in present for i in _NAMES_OF[word]})]
    measured: list[Match] = []
    sexed = has_any(text, ("men", "male"))
    names: list[tuple[int, int, str]] = []
    for concept in named:
        for name in _NAMES[concept].finditer(text):
            if concept in _BP and _OTHER_PRESSURE.search(
                text, max(0, name.start() - 40), name.start()
            ):
                continue
            names.append((name.start(), name.end(), concept))
            end = _restated_name_end(concept, text, name.end())
            # The longer reading first: a label before the name takes the first one's criterion.
            if sexed and (by_sex := _read_by_sex(concept, text, end)) is not None:
                measured.append(Match(by_sex.criterion, name.start(), by_sex.end))
            read = _read_value(concept, text, end)
            if read is not None and _agrees_with_name(name.group(0), read.criterion):
                measured.append(Match(read.criterion, name.start(), read.end))
    if len(names) > 1 and ("uln" in text or "upper" in text):
        measured.extend(_named_together(text, sorted(names)))
        if len(names) > 2:
            measured.extend(_named_in_a_list(text, sorted(names)))
    if ("ast" in named and "alt" in named) or "transaminase" in text:
        for pair in _AST_ALT.finditer(text):
            read = _read_value("ast", text, pair.end())
            if read is None or read.criterion.kind is Kind.COMBINATION:
                continue
            ast = read.criterion
            alt = Criterion(
                Kind.LAB,
                concept="alt",
                comparator=ast.comparator,
                value=ast.value,
                unit=ast.unit,
                uln_multiple=ast.uln_multiple,
            )
            both = _pair(ast, alt, pair["join"] or pair["join2"])
            measured.append(Match(both, pair.start(), read.end))
    if ("body-weight" in named or "platelets" in named) and has_any(text, (" of", " in", "/")):
        measured.extend(_value_before_name(text))
    if (
        "systolic-bp" in named
        or "diastolic-bp" in named
        or "bp" in text
        or "blood pressure" in text
    ):
        measured.extend(_bp_pair(text))
    if has_any(text, ("metasta", "mets", "gilbert")):
        # The longer reading first: a label before the name takes the first one's criterion.
        alternatives = [(_with_alternative(text, match), match) for match in measured]
        measured = [m for alt, match in alternatives for m in (alt, match) if m is not None]
    measured = [_with_context(text, match) for match in measured]
    found.extend(measured)
    found.extend(_labels(text, measured))
    return found
