"""Diagnoses and conditions (SNOMED CT / ICD-10-CM / MeSH), stage, biomarkers, pregnancy."""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import CombinationCode, Criterion, Kind, Window, evolve
from fhirtrial.eligibility.rules.base import (
    WINDOW_LAST,
    WINDOW_LAST_WORDS,
    WINDOW_UNITS,
    WINDOW_WITHIN,
    Match,
    Triggers,
    any_of_conditions,
    has_any,
    is_untimed_acute,
    modifier_matches,
    remember_recent,
    window_before,
    window_of,
    word_number,
)
from fhirtrial.eligibility.rules.cancer_names import (
    CANCER_NAMES,
    CANCER_TYPES,
    NOT_AFTER_REGIONAL_SITE,
    SOLID_NAME_STARTS,
)
from fhirtrial.eligibility.rules.listed_names import listed_names
from fhirtrial.eligibility.rules.mental_states import asked_about_now
from fhirtrial.eligibility.rules.metastasis_sites import (
    COUNT_TRIGGERS,
    COUNT_TRIGGERS_MORE,
    DISTANT,
    DISTANT_TRIGGERS,
    LIST_TRIGGERS,
    SITE_CONCEPTS,
    SITE_NAMES,
    counted_sites,
    site_lists,
)
from fhirtrial.eligibility.rules.pregnancy_phrasing import pregnancy_phrasings

_QUALIFIER_WORDS = (
    r"moderate(?: to | or |-to-|-|/)severe"
    r"|symptomatic|untreated|(?:actively )?progressing|active|uncontrolled|progressive"
    r"|allogen(?:e)?ic"
    r"|autologous|poorly controlled|inadequately controlled|current|ongoing"
    r"|clinically (?:significant|relevant|important)|significant|serious|life[- ]threatening"
    r"|severe|unstable|decompensated"
)
_QUALIFIERS = rf"(?P<quals>(?:(?:{_QUALIFIER_WORDS})(?:,? and/or |,? or |,? and |, | ))*)"
# A name the text defines by a measurement in parentheses ("thrombocytopenia (platelets < 50)"):
# the lab finder reads the measurement; the name is not a diagnosis of its own.
_DEFINED_BY_VALUE = r"(?! ?\([^)]*[<>≤≥=])"
# The people an adjectival name describes ("hypertensive patients", "type 2 diabetic subjects"):
# only before one is the adjective the diagnosis ("hypertensive crisis", "hypertensive
# retinopathy" are others).
_PERSONS = (
    r"(?= (?:patients?|subjects?|participants?|adults|individuals|persons|people|volunteers)\b)"
)
# An adjective joined to another before a head that is not a person ("diabetic or hypertensive
# retinopathy", "diabetic and/or ischemic ulcers"): the adjective names a kind of the head.
_NOT_SHARING_A_HEAD = (
    r"(?!(?:,? (?:or|and|and/or) |/)[a-z-]+ "
    r"(?!(?:patients?|subjects?|participants?|adults|individuals|persons|people|volunteers)\b)"
    r"[a-z])"
)
# Substance use disorders as criteria name them (`substance-use-disorder`, `alcohol-use-disorder`):
# "drug abuse", "chemical dependency" (the addiction-medicine name of a substance dependence),
# "ETOH abuse", "drug or alcohol dependency", "dependance" (a common misspelling), "substance
# abuse or dependence disorder", "drug and alcohol abuse" (one disorder of either substance,
# never "only both"), and the people who have one: "substance abusers", "alcohol abuser",
# "alcoholics" (not "Alcoholics Anonymous", a programme). A drug alone ("drug abuse", "drug
# dependence", "drug addiction", "drug use disorder") is `drug-use-disorder`, alcohol left out
# (ICD-10-CM indexes "Abuse, drug" under F19.1, "Abuse, alcohol" under F10.1); the new forms of
# drugs alone ("drug dependency", "drug addicts") are read only beside alcohol ("Drug addicts or
# alcoholics", "alcohol and drug dependency"), as before. Not "users" ("injection drug users"
# use; no disorder is said) nor "polysubstance" (F19 holds single other substances too).
_SUBSTANCES = r"(?:substance|chemical)"
_ALCOHOL = r"(?:alcohol|etoh)"
_USE_NOUN = r"(?:abuse|dependence|dependance|dependency|addiction)"
_USE_DISORDER = rf"(?:(?:abuse|dependence|dependency|use) disorders?|{_USE_NOUN})"
# The names a drug alone had before (`_DRUG_ALONE`): "drug abuse", "drug use disorder".
_DRUG_DISORDER = r"(?:(?:abuse|dependence|use) disorders?|abuse|dependence|addiction)"
_SECOND_NOUN = rf"(?:(?: ?/ ?| or | and/or | and ){_USE_NOUN}(?: disorders?)?)?"
_SUBSTANCE_JOIN = r"(?:,| or| and/or| and|/) ?"
_ALCOHOL_FIRST = rf"{_ALCOHOL}(?:ic)?{_SUBSTANCE_JOIN}"
_ALCOHOL_AFTER = rf"(?:{_SUBSTANCE_JOIN}{_ALCOHOL} {_USE_NOUN})"
# Alone, "alcohol dependency" is the common name of F10.2 (`icd10cm_common_names.json`), narrower
# than the concept: not read here.
_ALCOHOL_DISORDER = r"(?:(?:abuse|dependence|use) disorders?|abuse|dependence|dependance|addiction)"
_USERS = r"(?:abusers?|addicts?)"
_ALCOHOL_USERS = rf"(?:alcoholics|alcohol {_USERS})"
_SUBSTANCE_USE_DISORDER = (
    rf"(?:(?:{_ALCOHOL_FIRST}|drug{_SUBSTANCE_JOIN}))?{_SUBSTANCES} {_USE_DISORDER}{_SECOND_NOUN}"
    rf"{_ALCOHOL_AFTER}?"
    rf"|{_ALCOHOL_FIRST}drug {_USE_DISORDER}{_SECOND_NOUN}"
    rf"|drug {_USE_DISORDER}{_SECOND_NOUN}{_ALCOHOL_AFTER}"
    rf"|(?:{_SUBSTANCES}|drug){_SUBSTANCE_JOIN}{_ALCOHOL} {_USE_DISORDER}{_SECOND_NOUN}"
    rf"|{_SUBSTANCES} {_USERS}"
    rf"|{_ALCOHOL_USERS}{_SUBSTANCE_JOIN}drug {_USERS}"
)
# Drugs alone (`drug-use-disorder`), where no alcohol joins them (the patterns above read those).
_DRUG_USE_DISORDER = (
    rf"drug {_DRUG_DISORDER}{_SECOND_NOUN}(?!{_ALCOHOL_AFTER})"
    rf"|drug {_USERS}(?={_SUBSTANCE_JOIN}{_ALCOHOL_USERS})"
)
# (concept, pattern); longer, more specific phrases first.
_CONDITIONS: tuple[tuple[str, str], ...] = (
    (
        "melanoma-uveal-ocular",
        r"melanoma of (?:the )?uveal/ocular origin|melanoma of uveal or ocular origin|"
        r"uveal/ocular melanoma|uveal melanoma|ocular melanoma",
    ),
    (
        "solid-organ-transplant-except-kidney",
        r"(?:solid )?organ allograft,? except kidney transplant"
        r"|non-?(?:renal|kidney) (?:solid )?organ (?:transplant(?:ation)?|allograft)s?",
    ),
    (
        "solid-organ-transplant",
        r"(?:solid[- ])?organ (?:transplant|transplantation|allograft)s?",
    ),
    (
        "malignant-neoplasm-other",
        r"(?:another|other|second|additional) (?:active )?(?:primary )?"
        r"(?:invasive )?(?:malignanc(?:y|ies)|cancers?|malignant (?:diseases?|tumou?rs?))"
        r"|prior malignancy|prior malignancies",
    ),
    *((concept, names) for concept, names, _ in SITE_NAMES),
    (
        "brain-metastases",
        r"brain metastas[ie]s|brain mets|(?:cns|central nervous system) metastas[ie]s"
        r"(?: \(cns\))?|central nervous system \(cns\) metastas[ie]s",
    ),
    (
        "primary-immunodeficiency",
        r"(?:any form of )?primary immunodeficiency|primary immune deficiency",
    ),
    (
        "nsclc",
        r"non-small[- ]cell lung (?:cancer|carcinoma)|non small cell lung cancer|nsclc"
        r"(?: \[nsclc\]| \(nsclc\))?",
    ),
    ("breast-cancer-triple-negative", r"triple[- ]negative breast (?:cancer|carcinoma)"),
    (
        "breast-cancer",
        r"(?:invasive )?breast (?:cancer|carcinoma|adenocarcinoma)|"
        r"(?:invasive )?adenocarcinoma of the breast|carcinoma of the breast",
    ),
    *((concept, names) for concept, names, _ in CANCER_NAMES),
    ("melanoma", r"melanoma"),
    ("metastatic-disease", DISTANT),
    (
        "malignant-neoplasm",
        r"(?:solid tumou?r )?malignanc(?:y|ies)|malignant (?:neoplasm|tumou?r|disease)s?"
        # "Neoplastic disease", "neoplasia": cancer as criteria use the words; not a kind the
        # words before name ("benign", "intraepithelial", "multiple endocrine" neoplasia).
        # (The lookaheads first: the lookbehinds would otherwise run at every position.)
        r"|(?=neoplas)(?<!benign )(?<!intraepithelial )(?<!endocrine )(?<!premalignant )"
        r"(?<!pre-malignant )"
        r"(?:neoplastic (?:disease|condition)s?|neoplasias?(?: diseases?)?)"
        # "cancer" alone, not a site's ("ovarian cancer": a cancer type no concept may name yet)
        # nor an institution's or a programme's ("Cancer Centre", "cancer screening").
        r"|(?=cancer)(?:^|(?<=[,;:/(])|(?<=[,;:/(] )|(?<=\bof )|(?<=\bwith )|(?<=\bany )"
        r"|(?<=\bactive )"
        r"|(?<=\bcurrent )|(?<=\bprior )|(?<=\bknown )|(?<=\bor )|(?<=\band )|(?<=\bno ))"
        r"cancers?(?![- ](?:cent(?:er|re)s?|institutes?|assessment|screening|survivors?|clinics?"
        r"|programs?|programmes?|care|registry|research|related|prevention|risk)\b)",
    ),
    (
        "hiv",
        r"human immunodeficiency virus \(hiv\)(?: infection)?"
        r"|human immunodeficiency virus(?: infection)?|"
        r"hiv(?: infection)?",
    ),
    (
        "hbv",
        r"(?:chronic )?(?:hepatitis b virus \(hbv\)(?: infection)?"
        r"|hepatitis b(?: virus)?(?: infection)?|hbv(?: infection)?)",
    ),
    (
        "hcv",
        r"(?:chronic )?(?:hepatitis c virus \(hcv\)(?: infection)?"
        r"|hepatitis c(?: virus)?(?: infection)?|hcv(?: infection)?)",
    ),
    ("syphilis", r"syphilis(?: assay)?"),
    # Comorbidities (ICD-10-CM classes in terminology/conditions.json).
    (
        "diabetes-mellitus-any-type",
        r"type (?:1|i) (?:or|and/or|and) (?:type )?(?:2|ii) diabetes(?: mellitus)?"
        r"|diabetes(?: mellitus)?,? (?:\()?type (?:1|i) (?:or|and/or|and) (?:type )?(?:2|ii)\)?",
    ),
    (
        "diabetes-type-1",
        r"type[ -](?:1|i|one)[ -]?diabetes(?: mellitus)?(?: \(t1dm?\))?"
        r"|diabetes mellitus,? type (?:1|i)|diabetes type (?:1|i)"
        r"|insulin[- ]dependent diabetes(?: mellitus)?(?: \(iddm\))?|t1dm?"
        r"|type (?:1|i) dm|type (?:1|i) diabetic" + _PERSONS,
    ),
    (
        "diabetes-type-2",
        r"type[ -](?:2|ii|two)[ -]?diabetes(?: mellitus)?(?: \(t2dm?\))?"
        r"|diabetes mellitus,? type (?:2|ii)|diabetes type (?:2|ii)"
        r"|non[- ]insulin[- ]dependent diabetes(?: mellitus)?|t2dm?"
        r"|type (?:2|ii) dm|type (?:2|ii) diabetic" + _PERSONS,
    ),
    (
        "diabetes-mellitus",
        # "DM" alone too, but not dermatomyositis beside polymyositis ("DM/PM", "PM or DM").
        # "Diabetic or hypertensive retinopathy": the adjective shares the head after the
        # other adjective; read alone it would exclude every patient with diabetes.
        r"diabetes mellitus(?: \(dm\))?|diabetes|diabetics|diabetic" + _NOT_SHARING_A_HEAD + r"|"
        r"(?<!pm/)(?<!pm or )(?<!pm, )(?<!pm and )dm(?! ?(?:/|or|and|,) ?pm\b)",
    ),
    (
        "hypertension",
        r"(?:arterial |systemic )?hypertension(?: \(htn\))?|high blood pressure|htn"
        r"|hypertensive" + _PERSONS,
    ),
    (
        "heart-failure",
        r"(?:congestive |chronic )?(?:heart|cardiac) failure(?: \((?:chf|hf)\))?|chf",
    ),
    (
        "myocardial-infarction",
        # "MI" alone too, but not miles ("walk 1 mi").
        r"(?:acute )?myocardial infarctions?(?: \(a?mi\))?|heart attacks?|(?<!\d )(?<!\d)mi",
    ),
    ("stroke-ischemic", r"(?:acute )?isch(?:a)?emic strokes?"),
    ("stroke-hemorrhagic", r"(?:acute )?ha?emorrhagic strokes?"),
    (
        "stroke",
        r"(?:acute )?(?:strokes?(?: \(cva\))?|cerebrovascular accidents?(?: \(cva\))?|cva)",
    ),
    (
        "transient-ischemic-attack",
        r"(?:acute )?(?:transient isch(?:a)?emic attacks?(?: \(tias?\))?|tias?)",
    ),
    ("cerebrovascular-disease", r"cerebrovascular (?:disease|disorder)s?"),
    (
        "epilepsy",
        r"epilepsy|seizure disorders?|epileptic seizures?|convulsive disorders?",
    ),
    ("seizure", r"seizures?|convulsions?"),
    ("alzheimer-disease", r"alzheimer'?s disease|alzheimer disease"),
    ("dementia", r"dementia"),
    (
        "inflammatory-bowel-disease",
        # IBD is chronic by definition: "chronic" adds nothing.
        r"(?:chronic )?inflammatory bowel diseases?(?: \(ibd\))?|ibd",
    ),
    ("crohn-disease", r"crohn'?s disease|crohn disease|crohn'?s"),
    ("ulcerative-colitis", r"ulcerative colitis"),
    ("asthma", r"(?:bronchial )?asthma"),
    (
        "copd",
        r"chronic obstructive (?:pulmonary|lung) (?:disease|disorder)(?: \(copd\))?|copd",
    ),
    (
        "liver-cirrhosis",
        r"(?:liver |hepatic )?cirrhosis(?: of (?:the )?liver)?",
    ),
    ("tuberculosis", r"tuberculosis(?: \(tb\))?|tb"),
    (
        "interstitial-lung-disease",
        r"(?:\(?non-?infectious\)? )?(?:interstitial lung diseases?(?: \(ild\))?|ild)",
    ),
    ("pneumonitis", r"(?:\(?non-?infectious\)? )?pneumonitis"),
    ("unstable-angina", r"unstable angina(?: pectoris)?"),
    ("angina", r"angina(?: pectoris)?"),
    (
        "atrial-fibrillation",
        # "AF" alone is atrial fibrillation in criteria (every use in the development texts).
        # Not flutter: "atrial fibrillation or flutter" is two items (I48.3, I48.4, I48.92 are
        # flutter, which an exclusion of atrial fibrillation does not exclude).
        r"atrial fibrillation(?: \(af\)| \(afib\))?|af|a-?fib",
    ),
    (
        "chronic-kidney-disease",
        # Not end-stage renal disease: a narrower class (N18.6), read as its ICD-10-CM title.
        # Not "chronic renal insufficiency": CKD of stage 1 or unstated is no insufficiency to
        # the readers who take it for kidney failure (`rules.organ_impairment`).
        r"(?:chronic kidney disease(?: \(ckd\))?|ckd|chronic renal disease)(?! ?\(?stage)",
    ),
    # Not "acute" / "chronic" / "decompensated" / "benign" liver disease: those words stay over.
    ("liver-failure", r"(?:liver|hepatic) (?:failure|insufficiency)"),
    ("liver-disease", r"(?:liver|hepatic) diseases?"),
    # ICD-10-CM's kidney blocks (N00-N19, N25-N28 but ureter and acquired cysts; Q61): not
    # "polycystic" / "end-stage" / "hereditary" kidney disease, those words stay over.
    ("kidney-disease", r"(?:kidney|renal) diseases?"),
    # "chronic renal failure" is chronic kidney disease from stage 3 (`_condition`): stages 1
    # and 2 (normal or mildly reduced function) are no renal failure.
    ("kidney-failure", r"(?<!acute )(?:chronic )?(?:renal|kidney) failure"),
    ("autoimmune-disease", r"auto-?immune (?:diseases?|disorders?)(?: \(aid\))?"),
    # Cardiovascular.
    (
        "arrhythmia",
        r"(?:cardiac |heart )?(?:arrhythmias?|dysrhythmias?)(?: \((?:arrhythmias?)\))?",
    ),
    (
        "coronary-artery-disease",
        r"coronary (?:artery|heart) diseases?(?: \((?:cad|chd)\))?"
        r"|isch(?:a)?emic heart diseases?(?: \(ihd\))?"
        # "CAD" alone, but not computer-aided detection ("CAD system", "CAD software").
        r"|cad(?! (?:system|software|tool|device|detection|algorithm)s?\b)",
    ),
    ("acute-coronary-syndrome", r"acute coronary syndromes?(?: \(acs\))?"),
    (
        "valvular-heart-disease",
        r"(?:valvular heart|heart valve|cardiac valv(?:e|ular)) (?:diseases?|disorders?)",
    ),
    ("cardiomyopathy", r"cardiomyopath(?:y|ies)"),
    ("pulmonary-hypertension", r"pulmonary (?:arterial )?hypertension(?: \(pah?\))?"),
    (
        "venous-thromboembolism",
        r"(?:acute )?(?:venous thromboembolism(?: \(vte\))?"
        r"|venous thromboembolic (?:diseases?|events?)|vte)",
    ),
    (
        "deep-vein-thrombosis",
        r"(?:acute )?(?:deep ve(?:in|nous) thrombos[ie]s(?: \(dvt\))?|dvt)",
    ),
    (
        "pulmonary-embolism",
        # "PE" only beside "DVT" ("DVT/PE", "DVT or PE"): alone it is also physical examination
        # or pre-eclampsia.
        r"(?:acute )?pulmonary emboli(?:sm|sms)?(?: \(pe\))?"
        r"|(?<=dvt/)pe|(?<=dvt or )pe|(?<=dvt and/or )pe|pe(?=/dvt\b)",
    ),
    (
        "peripheral-arterial-disease",
        r"peripheral (?:vascular|arterial|artery) (?:occlusive )?diseases?(?: \((?:pvd|pad)\))?",
    ),
    # Blood.
    ("bleeding-disorder", r"bleeding (?:disorders?|diathes[ie]s)|ha?emorrhagic diathes[ie]s"),
    # Hemophilia and von Willebrand disease are kinds of coagulopathy, not names of it: read as
    # coagulopathy, "hemophilia" excluded a patient with any coagulation defect (D65-D68).
    ("hemophilia", r"(?:acquired )?ha?emophilia(?! [abc]\b)"),  # "Hemophilia A": one type
    ("von-willebrand-disease", r"von willebrand'?s? (?:disease|disorder)(?: \(vwd\))?"),
    ("coagulopathy", r"coagulopath(?:y|ies)|coagulation (?:disorders?|defects?)"),
    # Immune, endocrine, neurological.
    ("rheumatoid-arthritis", r"rheumatoid arthritis(?: \(ra\))?"),
    (
        "systemic-lupus-erythematosus",
        r"systemic lupus erythematos(?:us|is)(?: \(sle\))?|sle(?! stud)",
    ),
    ("multiple-sclerosis", r"multiple sclerosis(?: \(ms\))?"),
    ("celiac-disease", r"c(?:o)?eliac disease"),
    ("thyroid-disease", r"thyroid (?:diseases?|disorders?|dysfunction)"),
    ("hypothyroidism", r"hypothyroidism"),
    ("hyperthyroidism", r"hyperthyroidism|thyrotoxicosis"),
    ("parkinson-disease", r"parkinson'?s disease|parkinson disease"),
    (
        "obstructive-sleep-apnea",
        r"obstructive sleep apn(?:o)?ea(?: syndrome)?(?: \(osa\))?|osa",
    ),
    ("sleep-apnea", r"sleep apn(?:o)?ea(?: syndrome)?"),
    (
        "peripheral-neuropathy",
        # Not "diabetic neuropathy": read as any neuropathy it would exclude chemotherapy's.
        # "Neuropathy" alone: the Alphabetic Index's G62.9; other kinds named before it are not.
        r"peripheral (?:poly)?neuropath(?:y|ies)|polyneuropath(?:y|ies)"
        r"|(?<!optic )(?<!autonomic )(?<!diabetic )(?<!cranial )(?<!ischemic )(?<!ischaemic )"
        r"(?<!compressive )(?<!entrapment )(?<!focal )(?<!-)neuropath(?:y|ies)",
    ),
    ("cystic-fibrosis", r"cystic fibrosis(?: \(cf\))?"),
    (
        "atrial-flutter",
        r"atrial flutter|(?<=fibrillation or )(?:atrial )?flutter|(?<=fibrillation/)flutter"
        r"|(?<=af or )(?:atrial )?flutter|(?<=af/)flutter",
    ),
    ("sickle-cell-disease", r"sickle[- ]cell diseases?"),
    # Not an anemia the text defines by a haemoglobin value: the lab finder reads that.
    (
        "anemia",
        r"(?<!sickle cell )(?<!sickle-cell )an(?:a)?emias?(?!:? ?(?:ha?emoglobin|hg?b)\b)"
        + _DEFINED_BY_VALUE,
    ),
    ("thrombocytopenia", r"thrombocytopenias?" + _DEFINED_BY_VALUE),
    ("dyslipidemia", r"(?:dyslipid(?:a)?emias?|hyperlipid(?:a)?emias?)" + _DEFINED_BY_VALUE),
    # Not the virus: "human immunodeficiency virus", "acquired immunodeficiency syndrome".
    (
        "immunodeficiency",
        r"(?<!acquired )(?<!primary )(?<!congenital )"
        r"(?:immunodeficienc(?:y|ies)|immune deficienc(?:y|ies))"
        r"(?! virus| syndrome| \(hiv| \(aids)" + _DEFINED_BY_VALUE,
    ),
    ("aortic-aneurysm", r"aortic aneurysms?"),
    # Not "TBI" alone: total body irradiation in transplant studies.
    ("traumatic-brain-injury", r"traumatic brain injur(?:y|ies)(?: \(tbi\))?"),
    (
        "proliferative-diabetic-retinopathy",
        r"(?<!non )proliferative diabetic retinopathy(?: \(pdr\))?",
    ),
    (
        "peptic-ulcer",
        r"peptic ulcers?(?: disease)?|gastric or duodenal ulcers?|(?:gastric|duodenal) ulcers?",
    ),
    ("osteoporosis", r"osteoporosis"),
    # Psychiatric diagnoses (named ones only: "psychiatric illness" stays text).
    ("schizoaffective-disorder", r"schizoaffective disorders?"),
    ("schizophrenia", r"schizophrenia"),
    # DSM-5's "schizophrenia spectrum and other psychotic disorders" is F20-F29, as named.
    (
        "psychotic-disorder",
        r"schizophrenia[- ]spectrum(?: and other psychotic)? disorders?|psychotic disorders?"
        r"|psychos[ie]s",
    ),
    ("bipolar-disorder", r"bipolar (?:affective )?disorders?"),
    (
        "major-depressive-disorder",
        r"major depressive disorders?(?: \(mdd\))?|major depression|mdd",
    ),
    (
        "substance-use-disorder",
        _SUBSTANCE_USE_DISORDER,
    ),
    ("drug-use-disorder", _DRUG_USE_DISORDER),
    (
        "alcohol-use-disorder",
        rf"{_ALCOHOL}(?:ic)? {_ALCOHOL_DISORDER}{_SECOND_NOUN}|alcoholism"
        rf"|alcohol {_USERS}|alcoholics(?! anonymous)",
    ),
    # Depression as a diagnosis: not "respiratory/CNS/marrow depression" nor an ECG's
    # "ST depression" (fixed-width look-behinds, one per word).
    (
        "depression",
        r"(?<!respiratory )(?<!marrow )(?<!st )(?<!st-segment )(?<!segment )(?<!cns )"
        r"(?<!ventricular )(?<!myocardial )(?<!postpartum )(?<!post-partum )(?<!perinatal )"
        r"(?:depression|depressive disorders?)" + _DEFINED_BY_VALUE,
    ),
    # "Anxiety" alone: "Anxiety NOS", an inclusion term of F41.9.
    ("anxiety-disorder", r"anxiety(?: disorders?)?" + _DEFINED_BY_VALUE),
    ("personality-disorder", r"personality disorders?"),
    ("intellectual-disability", r"intellectual disabilit(?:y|ies)|mental retardation"),
    ("morbid-obesity", r"morbid(?:ly)? obes(?:ity|e)|severe obesity"),
    ("obesity", r"obesity"),
    # Infections.
    # Not "septic shock": narrower than sepsis, and an exclusion of it is not one of sepsis.
    ("sepsis", r"sepsis|septic(?:a)?emia"),
    ("pneumonia", r"pneumonia"),
    (
        "urinary-tract-infection",
        r"urinary tract infections?(?: \(utis?\))?|pyelonephritis|uti'?s?",
    ),
    (
        "tuberculosis-latent",
        r"latent (?:tuberculosis|tb)(?: \(tb\))?(?: infection)?(?: \(ltbi\))?|ltbi",
    ),
    ("viral-hepatitis", r"viral hepatitis"),
    (
        "infection",
        r"infections?(?! (?:with|by|due to|caused by) )"
        r"(?: \((?:(?:viral|bacterial|fungal)"
        r"(?:,? (?:and/or|or|and) |, |/| ))*(?:viral|bacterial|fungal)(?: infections?)?\))?"
        r"|infectious diseases?",
    ),
    # Transplant status, by organ ("prior kidney transplant", "liver transplantation").
    ("kidney-transplant", r"(?:kidney|renal) (?:transplant(?:ation)?|allograft)s?"),
    ("liver-transplant", r"(?:liver|hepatic) (?:transplant(?:ation)?|allograft)s?"),
    ("heart-transplant", r"(?:heart|cardiac) (?:transplant(?:ation)?|allograft)s?"),
    ("lung-transplant", r"lung (?:transplant(?:ation)?|allograft)s?"),
    (
        "stem-cell-transplant",
        r"(?:(?:ha?ematopoietic|ha?ematopoetic) )?(?:stem[- ]cell|bone marrow|progenitor cell)"
        r" transplant(?:ation)?s?(?: \((?:allo-?|auto-?)?(?:h?sct|bmt|hct)\))?"
        r"|ha?ematopoietic cell transplant(?:ation)?s?(?: \((?:allo-?|auto-?)?hct\))?"
        r"|(?:allo|auto)-?(?:h?sct|hct)|hsct|bmt",
    ),
)
# Substrings every match of a concept's names contains (the prefilter before its regex).
_CONDITION_TRIGGERS: dict[str, tuple[str, ...]] = {
    "melanoma-uveal-ocular": ("uveal", "ocular"),
    "solid-organ-transplant-except-kidney": (
        "except kidney",
        "non-renal",
        "nonrenal",
        "non-kidney",
    ),
    "solid-organ-transplant": ("organ ",),
    "malignant-neoplasm-other": ("malignan", "cancer"),
    "brain-metastases": ("brain met", "metastas"),
    "primary-immunodeficiency": ("primary immun",),
    "nsclc": ("lung", "nsclc"),
    "breast-cancer-triple-negative": ("breast",),
    "breast-cancer": ("breast",),
    **{concept: triggers for concept, _, triggers in CANCER_NAMES},
    "melanoma": ("melanoma",),
    **{concept: triggers for concept, _, triggers in SITE_NAMES},
    "metastatic-disease": DISTANT_TRIGGERS,
    "malignant-neoplasm": ("malignan", "cancer", "neoplas"),
    "hiv": ("hiv", "human immunodeficiency virus"),
    "hbv": ("hbv", "hepatitis b"),
    "hcv": ("hcv", "hepatitis c"),
    "syphilis": ("syphilis",),
    "diabetes-mellitus-any-type": ("diabet",),
    "diabetes-type-1": ("diabet", "t1d", " dm"),
    "diabetes-type-2": ("diabet", "t2d", " dm"),
    "diabetes-mellitus": ("diabet", "dm"),
    "hypertension": ("hypertension", "high blood pressure", "htn", "hypertensive"),
    "heart-failure": ("failure", "chf"),
    "myocardial-infarction": ("myocardial infarction", "heart attack", "mi"),
    "stroke-ischemic": ("stroke",),
    "stroke-hemorrhagic": ("stroke",),
    "stroke": ("stroke", "cerebrovascular accident", "cva"),
    "transient-ischemic-attack": ("transient isch", "tia"),
    "cerebrovascular-disease": ("cerebrovascular d",),
    "epilepsy": ("epilep", "seizure disorder", "convulsive"),
    "seizure": ("seizure", "convulsion"),
    "alzheimer-disease": ("alzheimer",),
    "dementia": ("dementia",),
    "inflammatory-bowel-disease": ("inflammatory bowel", "ibd"),
    "crohn-disease": ("crohn",),
    "ulcerative-colitis": ("ulcerative colitis",),
    "asthma": ("asthma",),
    "copd": ("chronic obstructive", "copd"),
    "liver-cirrhosis": ("cirrhosis",),
    "tuberculosis": ("tuberculosis", "tb"),
    "interstitial-lung-disease": ("interstitial lung", "ild"),
    "pneumonitis": ("pneumonitis",),
    "unstable-angina": ("unstable angina",),
    "angina": ("angina",),
    "atrial-fibrillation": ("atrial fibrillation", " af", "afib", "a-fib"),
    "chronic-kidney-disease": ("kidney disease", "ckd", "renal disease", "esrd", "insufficiency"),
    "liver-failure": ("liver failure", "hepatic failure", "insufficiency"),
    "liver-disease": ("liver disease", "hepatic disease"),
    "kidney-disease": ("kidney disease", "renal disease"),
    "kidney-failure": ("renal failure", "kidney failure"),
    "autoimmune-disease": ("immune dis",),
    "arrhythmia": ("rhythmia",),
    "coronary-artery-disease": ("coronary", "heart disease", "cad"),
    "acute-coronary-syndrome": ("coronary syndrome",),
    "valvular-heart-disease": ("valv",),
    "cardiomyopathy": ("cardiomyopath",),
    "pulmonary-hypertension": ("pulmonary",),
    "venous-thromboembolism": ("thromboemboli", "vte"),
    "deep-vein-thrombosis": ("thrombos", "dvt"),
    "pulmonary-embolism": ("pulmonary embol", "dvt"),
    "peripheral-arterial-disease": ("peripheral",),
    "bleeding-disorder": ("diathes", "bleeding dis"),
    "hemophilia": ("mophilia",),
    "von-willebrand-disease": ("willebrand",),
    "coagulopathy": ("coagul",),
    "rheumatoid-arthritis": ("rheumatoid",),
    "systemic-lupus-erythematosus": ("lupus", "sle"),
    "multiple-sclerosis": ("multiple sclerosis",),
    "celiac-disease": ("eliac",),
    "thyroid-disease": ("thyroid",),
    "hypothyroidism": ("hypothyroid",),
    "hyperthyroidism": ("hyperthyroid", "thyrotox"),
    "parkinson-disease": ("parkinson",),
    "obstructive-sleep-apnea": ("sleep apn", "osa"),
    "sleep-apnea": ("sleep apn",),
    "peripheral-neuropathy": ("neuropath",),
    "cystic-fibrosis": ("cystic fibrosis",),
    "osteoporosis": ("osteoporosis",),
    "schizoaffective-disorder": ("schizoaffective",),
    "schizophrenia": ("schizophrenia",),
    "psychotic-disorder": (
        "psychotic",
        "psychos",
        "schizophrenia spectrum",
        "schizophrenia-spectrum",
    ),
    "bipolar-disorder": ("bipolar",),
    "major-depressive-disorder": ("major depress", "mdd"),
    "substance-use-disorder": (
        "substance",
        "drug abuse",
        "drug dep",
        "drug addict",
        "drug use",
        "drug or",
        "drug and",
        "drug/",
        "chemical",
    ),
    "drug-use-disorder": ("drug abuse", "drug dep", "drug addict", "drug use"),
    "alcohol-use-disorder": ("alcohol", "etoh"),
    "depression": ("depressi",),
    "anxiety-disorder": ("anxiety",),
    "personality-disorder": ("personality dis",),
    "intellectual-disability": ("intellectual disab", "mental retard"),
    "atrial-flutter": ("atrial flutter", "flutter"),
    "sickle-cell-disease": ("sickle",),
    "anemia": ("anemia", "anaemia"),
    "thrombocytopenia": ("thrombocytopeni",),
    "dyslipidemia": ("lipidemia", "lipidaemia"),
    "immunodeficiency": ("immunodeficienc", "immune deficienc"),
    "aortic-aneurysm": ("aortic aneurysm",),
    "traumatic-brain-injury": ("traumatic brain injur",),
    "proliferative-diabetic-retinopathy": ("proliferative diabetic retinopathy",),
    "peptic-ulcer": ("peptic ulcer", "gastric ulcer", "duodenal ulcer", "gastric or duodenal"),
    "morbid-obesity": ("obes",),
    "obesity": ("obesity",),
    "sepsis": ("sepsis", "septic"),
    "pneumonia": ("pneumonia",),
    "urinary-tract-infection": ("urinary tract", "pyelonephritis", "uti"),
    "tuberculosis-latent": ("latent", "ltbi"),
    "viral-hepatitis": ("viral hepatitis",),
    "infection": ("infect",),
    "kidney-transplant": ("transplant", "allograft"),
    "liver-transplant": ("transplant", "allograft"),
    "heart-transplant": ("transplant", "allograft"),
    "lung-transplant": ("transplant", "allograft"),
    "stem-cell-transplant": ("transplant", "sct", "-hct", "bmt"),
}
# "Organ transplant recipient": the patient who received it.
_RECIPIENT = r"(?: recipients?)?"
_CONDITION_PATTERNS = tuple(
    (
        concept,
        re.compile(
            rf"(?<![\w-])(?P<name>{names})"
            rf"{_RECIPIENT if concept.endswith('-transplant') else ''}(?![\w-])"
        ),
        _CONDITION_TRIGGERS[concept],
    )
    for concept, names in _CONDITIONS
)
# The names conditions.json lists that no pattern above spells ("lung cancer", "systemic lupus"),
# for the concepts read above and the lung cancer the cancer rules know (`_NAMED_CANCERS`).
_CONDITION_PATTERNS += listed_names(
    {concept for concept, _, _ in _CONDITION_PATTERNS} | {"lung-cancer"},
    lambda _, name: any(p.fullmatch(name) for _, p, _ in _CONDITION_PATTERNS),
)
# Words the finder tests besides the concepts' triggers (each phrase it reads contains one).
_OTHER_WORDS = ("hepatitis b", "viral load", "unless", "progression", "unresectable", "metastatic")
# Most texts name no condition: one scan tells which triggers (so which concepts) are there.
_TRIGGERS = Triggers(
    [*(t for _, _, triggers in _CONDITION_PATTERNS for t in triggers), *_OTHER_WORDS]
)
# Each trigger → the positions in `_CONDITION_PATTERNS` of the concepts it stands for.
_CONCEPTS_OF = {
    word: tuple(i for i, (_, _, triggers) in enumerate(_CONDITION_PATTERNS) if word in triggers)
    for _, _, triggers in _CONDITION_PATTERNS
    for word in triggers
}
# Qualifiers are read backwards from a found name (much faster than a leading optional group).
# (At a word's start: "recurrent" and "concurrent" end in "current", no qualifier of their own.)
_QUALIFIERS_BEFORE = re.compile(
    rf"(?<![\w-])(?P<quals>(?:(?:{_QUALIFIER_WORDS})(?:,? and/or |,? or |,? and |, | ))+)$"
)
# What the text before a name ends with when `_QUALIFIERS_BEFORE` can match there: the last word
# of a qualifier and a separator.
_QUALIFIER_ENDINGS = tuple(
    f"{word}{separator}"
    for word in (
        *("symptomatic", "untreated", "progressing", "active", "controlled"),
        *("progressive", "allogeneic", "allogenic", "autologous", "current", "ongoing"),
        *("significant", "relevant", "important", "serious", "threatening", "severe"),
        *("unstable", "decompensated"),
    )
    for separator in (" and/or ", ", and/or ", " or ", ", or ", " and ", ", and ", ", ", " ")
)
# The kinds of infection named before the word ("bacterial, viral or fungal infection").
_INFECTION_KINDS_BEFORE = re.compile(
    r"(?:(?:acute|systemic|bacterial|viral|fungal|invasive fungal)"
    r"(?:,? (?:and/or|or|and) |, | |/))+$"
)
# "Current" reads as a qualifier ("has current ILD/pneumonitis", "current seizures": a resolved
# entry does not meet it), never after "or" ("history of or current pneumonitis": either will
# do).
_ALTERNATIVE_BEFORE = re.compile(r"\b(?:or|and/or|and)\s*$")
# "Surgery for the current malignancy": the study's own one, not a requirement that it be active.
_DEFINITE_BEFORE = re.compile(r"\b(?:the|this|that|their|his|her|its)\s*$")
# "Currently experiencing", "current diagnosis of", "currently suffering from" right before a
# name: the condition now, as "current" before it says.
_CURRENT_LEAD = re.compile(
    r"(?<![\w-])(?:current(?:ly)?|presently|at present)(?: (?:has|have|having|is|are"
    r"|experienc\w*|suffer\w*|from|with|diagnos\w*|of|an?|the|any|known|documented))* $"
)
# "At the active stage of malignant tumours", "in the active phase of": the condition now, and
# a judgement of its activity (`_named`).
_ACTIVE_STAGE_LEAD = re.compile(
    r"(?<![\w-])(?:(?:at|in|during) )?(?:the |an )?active (?:stage|phase|period)s? of"
    r" (?:the |an? )?$"
)
_QUALIFIER_IDS = {
    "actively progressing": "progressive",
    "progressing": "progressive",
    "allogenic": "allogeneic",  # a common misspelling
    "poorly controlled": "uncontrolled",
    "inadequately controlled": "uncontrolled",
    "current": "active",
    "ongoing": "active",
    # Judgements no structured datum states: the evaluator answers `unknown` when the condition
    # is recorded (and `not-met` when it is not).
    "clinically significant": "clinically-significant",
    "clinically relevant": "clinically-significant",
    "clinically important": "clinically-significant",
    "significant": "clinically-significant",
    "serious": "clinically-significant",
    "life-threatening": "clinically-significant",
    "life threatening": "clinically-significant",
    # A grade of severity no diagnosis code states.
    "moderate to severe": "moderate-or-severe",
    "moderate or severe": "moderate-or-severe",
    "moderate-to-severe": "moderate-or-severe",
    "moderate-severe": "moderate-or-severe",
    "moderate/severe": "moderate-or-severe",
}
_QUALIFIER = re.compile(_QUALIFIER_WORDS)
_OR = re.compile(r"\bor\b")
_HEPATITIS_B_OR_C = re.compile(
    r"(?P<quals>(?:active )?)(?:chronic )?(?:viral )?hepatitis b(?:,? (?P<conj>and/or|or|and) ?"
    r"|/)c(?: virus(?:es)?)?(?: infections?)?"
)
# HIV status as criteria word it: "HIV-positive", "HIV negative", "infected by HIV", "HIV/AIDS".
# (Serology and viral load — "HBsAg positive", "detectable HCV RNA" — are laboratory results,
# not read here: a diagnosis would stand in for a test the record holds elsewhere.)
_HIV_NAME = r"(?:hiv(?:-?1)?|human immunodeficiency virus(?: \(hiv\))?)"
_HIV_STATUS = re.compile(
    rf"(?<![\w-])(?:{_HIV_NAME}[- ](?P<sign>positive|negative|seropositive|seronegative"
    rf"|infected|positivity)|infected (?:with|by) (?:the )?{_HIV_NAME}|hiv/aids"
    r"|acquired immun(?:e )?deficiency syndrome(?: \(aids\))?)(?![\w-])"
)
_HBV_VIRAL_LOAD = re.compile(
    r"(?:positive serology for )?(?:hbv"
    r"|hepatitis b)[a-z ,]*? (?:may be enrolled|are eligible|is eligible) "
    r"if (?:the )?viral load(?: by pcr)? is undetectable"
)
_BRAIN_UNLESS = re.compile(
    r",? unless (?:definitively |adequately |previously )?treated and (?:clinically )?stable "
    r"for >=? ?(?P<n>\d+) (?P<unit>day|week|month)s?(?: prior to [a-z0-9 -]*)?"
)
# "CNS progression after previous CNS-directed therapy (radiation therapy, surgery, or any
# combination of therapy)", "progression of brain metastases after prior local therapy": brain
# metastases that progressed after a treatment aimed at them (a qualifier the brain-imaging
# reading decides). The parenthetical may only list the treatments.
_CNS = r"(?:cns|central nervous system|brain|intracranial)"
_CNS_PROGRESSED = re.compile(
    rf"(?:{_CNS} (?:disease )?progression|progression of (?:the )?(?:{_CNS} disease"
    r"|brain metastas[ie]s|(?:cns|central nervous system) metastas[ie]s))"
    r" (?:after|following|despite) (?:prior |previous |at least one )*"
    rf"(?:{_CNS}[- ]directed|local) (?:therapy|therapies|treatment|treatments)"
    r"(?: \((?:(?:radiation|radiotherapy|radiation therapy|stereotactic radiosurgery|srs"
    r"|whole[- ]brain radiation(?: therapy)?|wbrt|surgery|surgical resection|resection"
    r"|or|and|and/or|any combination(?: of (?:therapy|these|the above))?|e\.g\.|ie|i\.e\.)"
    r"(?:,? |, ))*(?:radiation|radiotherapy|radiation therapy|radiosurgery|surgery|resection"
    r"|any combination(?: of (?:therapy|these|the above))?)\))?"
)
REQUIRED_STEROIDS = "required-steroids"
# "… that required steroids", "requiring systemic corticosteroids", "that required treatment
# with steroids"; "including radiation pneumonitis" before it only names a kind of pneumonitis.
_REQUIRED_STEROIDS = re.compile(
    r"(?:,? including (?:radiation|drug[- ]induced|immune[- ]related) pneumonitis)?"
    r",? (?:(?:that|which) (?:has |have |had )?)?(?:required|requiring|needed|necessitated)"
    r" (?:treatment with |the use of )?(?:systemic )?(?:cortico)?steroids?"
    r"(?: treatment| therapy)?(?![\w-])"
)
REQUIRING_SYSTEMIC_TREATMENT = "requiring-systemic-treatment"
INTRAVENOUS = "intravenous"
# "Active infection requiring systemic therapy", "… requiring IV antibiotics", "… that requires
# treatment with systemic antimicrobials": decided from the current systemic anti-infectives.
# Plain "requiring treatment" (topical treatment will do) is not read.
_ANTI_INFECTIVE = (
    r"(?:antibiotics?|antibacterials?|anti-?infectives?|antimicrobials?|antivirals?"
    r"|antifungals?|anti-?fungals?|anti-?virals?)(?: agents?| drugs?| therapy| treatment)?"
)
# "IV antibiotics, antivirals, or antifungals": one requirement, never a list of drug uses.
_ANTI_INFECTIVES = rf"{_ANTI_INFECTIVE}(?:(?:,? (?:and/or|or|and)|,|/) ?{_ANTI_INFECTIVE})*"
_INFECTION_TREATMENT = re.compile(
    r",? (?:(?:that|which) (?:requires?|required|needs?|needed)|requir(?:es|ed|ing)"
    r"|needing|necessitating) (?:treatment with |therapy with |the use of |use of )?"
    r"(?:(?P<route>iv|intravenous|parenteral|i\.v\.)"
    rf" (?:{_ANTI_INFECTIVES}|therapy|treatment)|systemic (?:{_ANTI_INFECTIVES}|therapy|treatment"
    rf"|anti-?infective therapy)|{_ANTI_INFECTIVES})(?![\w-])"
    r"(?: \((?P<paren>[^()]*)\))?"
)
# Conditions that are present now unless the words say otherwise: "Infection" in an exclusion
# list means an infection the patient has, not one years ago.
_CURRENT_BY_DEFAULT = frozenset(
    {"infection", "sepsis", "pneumonia", "urinary-tract-infection"}
    | {"substance-use-disorder", "drug-use-disorder", "alcohol-use-disorder"}
)
_PAST_BEFORE = re.compile(r"\b(?:history|prior|previous|previously|past|hx)\b[^.;]{0,30}$")
_MODIFIERS = (
    (
        "unresectable-or-metastatic",
        re.compile(r"unresectable or metastatic|unresectable and/or metastatic"),
    ),
    (
        "locally-advanced-or-metastatic",
        re.compile(r"locally advanced or metastatic|locally advanced and/or metastatic"),
    ),
    (
        "metastatic",
        re.compile(
            rf"\b{NOT_AFTER_REGIONAL_SITE}metastatic"
            r"(?= (?:breast|melanoma|non-small|nsclc|solid|triple|"
            rf"{SOLID_NAME_STARTS}))"
        ),
    ),
)
_STAGE_TOKEN = r"(?:iv|i{1,3}|[1-4])[a-d]?"
_STAGE = re.compile(
    rf"(?:\(|\b)(?:ajcc )?stages? (?P<list>{_STAGE_TOKEN}(?:\s*(?:,|/|or|and"
    rf"|,\s*or)\s*(?:stage )?{_STAGE_TOKEN})*)"
    r"(?:\s*(?:per|according to) (?:the )?ajcc(?: 8th edition)?)?\)?"
)
_STAGE_RANGE = re.compile(
    r"(?:ajcc )?stages? (?P<low>iv|i{1,3}|[1-4])\s*(?:-|to)\s*(?P<high>iv|i{1,3}|[1-4])(?![a-d\w])"
)
_ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_BIOMARKERS = (
    (
        "her2",
        re.compile(
            r"\b(?:her2|her2neu|her-2)(?:/neu)?[- ]?(?P<value>negative|positive|-|\+)(?![\w])"
        ),
    ),
    (
        "braf-v600",
        re.compile(
            r"(?:braf v600(?:e|k)?(?: mutations?| mutated| mutant)?"
            r"|braf[- ](?:mutations?|mutated|mutant)(?: tumou?rs?)?)"
        ),
    ),
    ("oncogene-driver", re.compile(r"oncogene[- ]driven(?: tumou?rs?| disease)?")),
)
_BIOMARKER_TRIGGERS = {
    "her2": ("her2", "her-2"),
    "braf-v600": ("braf",),
    "oncogene-driver": ("oncogene",),
}
_PREGNANCY = re.compile(r"\bpregnan(?:t|cy)\b")
# "Nursing" is breastfeeding only on its own: never "nursing home", "skilled nursing facility",
# "nursing staff", "nursing care".
_BREASTFEEDING = re.compile(
    r"\b(?:breast[- ]?feeding|lactating|lactation"
    r"|(?<!skilled )nursing(?![- ](?:homes?|facilit\w*|care|staff|students?|schools?|personnel"
    r"|assistants?|aides?|units?|services?|interventions?|teams?|records?|notes?|professionals?"
    r"|practice|centers?|centres?|wards?|levels?|visits?|assessments?|diagnos\w*|process"
    r"|workers?|officers?|shifts?|\w+ homes?)\b))\b"
)


# "Hospitalized for AF", "hospitalization for unstable angina or MI", "seizures requiring
# hospitalization": every condition of the list after it (or the one condition before it) needed
# a hospital stay, which no diagnosis states (`rules._build` gives the qualifier to each; the
# evaluator answers `unknown` when the condition is recorded).
REQUIRING_HOSPITALIZATION = "requiring-hospitalization"
_HOSPITALIZED_FOR = (
    (
        REQUIRING_HOSPITALIZATION,
        re.compile(
            r"(?<![\w-])hospitali[sz](?:ed|ations?) (?:for|due to|because of)(?= )"
            r"|,? (?:that |which )?(?:requir(?:ed|es|ing)|needing|needed|leading to|resulting in)"
            r" (?:an? )?(?:inpatient )?hospitali[sz]ations?(?![\w-])"
        ),
    ),
)


@remember_recent(8)
def find_conditions(text: str) -> list[Match]:
    found = find_conditions_treated_too(text)
    if found and has_any(text, _TREATED_WORDS):
        found = _without_treated_cancers(text, found)
    return found


@remember_recent(8)
def find_conditions_treated_too(text: str) -> list[Match]:
    """The conditions, with the cancers named as what a treatment was for: each still a
    necessary diagnosis ("prior therapy for prostate cancer" needs a prostate cancer), never a
    sufficient one."""
    found: list[Match] = []
    words = _TRIGGERS.found_in(text)
    if not words:
        return found
    if "hepatitis b" in words:
        found.extend(_hepatitis_b_or_c(text))
    for index in sorted({i for word in words for i in _CONCEPTS_OF.get(word, ())}):
        found.extend(_named(text, *_CONDITION_PATTERNS[index][:2]))
    if "acute " in text:
        # The word stays text; an acute leukaemia is a type, not an episode.
        found = [
            m
            for m in found
            if m.criterion.concept in CANCER_TYPES or not is_untimed_acute(text, m.start)
        ]
    if len(found) > 1 and "infect" in text:
        found = _drop_agent_infections(text, found)
    if len(found) > 1:
        _share_qualifiers(text, found)
    for item in found:
        criterion = item.criterion
        if (
            criterion.kind is Kind.CONDITION
            and criterion.concept in _CURRENT_BY_DEFAULT
            and not criterion.qualifiers
            and not _PAST_BEFORE.search(text, max(0, item.start - 40), item.start)
        ):
            item.criterion = evolve(criterion, qualifiers=("active",))
    asked_about_now(text, found)
    if len(found) > 1 and "/" in text:
        found.extend(_slash_pairs(text, found))
    if "viral load" in words:
        for match in _HBV_VIRAL_LOAD.finditer(text):
            criterion = Criterion(
                Kind.CONDITION, concept="hbv", qualifiers=("viral-load-detectable",)
            )
            found.append(Match(criterion, match.start(), match.end()))
    if "steroid" in text and found:
        found = _required_steroids(text, found)
    if "infect" in text:
        if has_any(text, ("requir", "need", "necessitat")):
            found = _infection_treatment(text, found)
        # "Active / uncontrolled / ongoing infection" alone: a problem list does not say whether
        # an infection is ongoing (the labelled set keeps it text). Only an infection that needs
        # systemic treatment, decided from the medications, is read.
        found = [
            m
            for m in found
            if m.criterion.concept != "infection"
            or REQUIRING_SYSTEMIC_TREATMENT in m.criterion.qualifiers
        ]
    if "unless" in words:
        found.extend(_brain_unless(text))
    if "transplant" in text or "allograft" in text:
        found.extend(_transplant_lists(text))
    if " or " in text or "/" in text or ", " in text:
        found.extend(_organ_lists(text))
        if has_any(text, LIST_TRIGGERS):
            found.extend(site_lists(text))
    if "met" in text and (has_any(text, COUNT_TRIGGERS) or has_any(text, COUNT_TRIGGERS_MORE)):
        found.extend(counted_sites(text))
    if has_any(text, ("hiv", "immunodeficiency")):
        found.extend(_hiv_status(text))
    if "progression" in words and ("directed" in text or "local t" in text):
        for match in _CNS_PROGRESSED.finditer(text):
            criterion = Criterion(
                Kind.CONDITION,
                concept="brain-metastases",
                qualifiers=("progressed-after-treatment",),
                source_text=match.group(0),
            )
            found.append(Match(criterion, match.start(), match.end()))
    if "unresectable" in words or "metastatic" in words:
        found.extend(modifier_matches(_MODIFIERS, text))
    if "hospitali" in text:
        found.extend(modifier_matches(_HOSPITALIZED_FOR, text))
    if found and has_any(text, _TEST_WORDS):
        found = [m for m in found if not _a_test_of_latent_infection(text, m)]
    return found


# "Prior treatment for prostate cancer", "previous breast cancer therapy", "surgery for rectal
# cancer", "radiotherapy for bone metastases": the cancer (or its metastasis) is what was treated,
# the criterion the treatment (a patient with the cancer and no such treatment is not meant). The
# words stay text.
_TREATED_WORDS = ("treat", "therap", "surger", "resection", "chemo", "radi", "screening")
_TREATED_BEFORE = re.compile(
    r"\b(?:treatments?|therap(?:y|ies)|treated|surgery|surgeries|resections?|chemotherapy"
    r"|radiotherapy|radiation(?: therapy)?|chemoradiotherapy|screening)"
    r" (?:of|for|against|with) (?:the |their |his |her |a |an |any )?$"
)
_TREATED_AFTER = re.compile(
    r"(?: \([^()]*\))? (?:treatments?|therap(?:y|ies)|surgery|surgeries|resections?"
    r"|chemotherapy|radiotherapy|screening|directed|specific)\b"
)


def _without_treated_cancers(text: str, found: list[Match]) -> list[Match]:
    """Drop the cancers named as what a treatment was for, and the setting words before them
    ("metastatic breast cancer therapy")."""
    treated = [m for m in found if _a_cancer_treated(text, m)]
    if not treated:
        return found
    starts = {m.start for m in treated}
    return [
        m for m in found if m not in treated and not (m.kind == "modifier" and m.end + 1 in starts)
    ]


def _a_cancer_treated(text: str, match: Match) -> bool:
    concept = match.criterion.concept
    if match.kind != "criterion" or concept is None or not _is_cancer(concept):
        return False
    before = text[max(0, match.start - 40) : match.start]
    return bool(_TREATED_BEFORE.search(before) or _TREATED_AFTER.match(text, match.end))


def _is_cancer(concept: str) -> bool:
    return (
        concept in CANCER_TYPES
        or concept in _NAMED_CANCERS
        or concept in SITE_CONCEPTS
        or concept == "brain-metastases"
    )


_NAMED_CANCERS = frozenset(
    {"malignant-neoplasm", "melanoma", "melanoma-uveal-ocular", "lung-cancer", "nsclc"}
    | {"breast-cancer", "breast-cancer-triple-negative"}
)


# A tuberculosis test (IGRA, tuberculin skin test) is positive in latent infection, which a
# problem list seldom holds: "negative TB test" is a result to read, not the absence of the
# diagnosis. The words stay text.
_TEST_WORDS = ("test", "assay", "screen", "igra", "quantiferon", "ppd", "tuberculin", "t-spot")
_LATENT_TESTED = frozenset({"tuberculosis", "tuberculosis-latent"})
_TEST_NEAR = re.compile(
    r"\b(?:tests?|testing|tested|assays?|screen\w*|igra|quantiferon\w*|ppd|tuberculin"
    r"|t-spot\w*|skin test)\b"
)


def _a_test_of_latent_infection(text: str, match: Match) -> bool:
    if match.criterion.concept not in _LATENT_TESTED:
        return False
    return bool(_TEST_NEAR.search(text, max(0, match.start - 30), min(len(text), match.end + 30)))


# A qualifier list that ends in "or" before a name whose first word names a kind of the
# disease: the qualifier is the other kind's ("active or latent tuberculosis", "uncontrolled or
# secondary hyperparathyroidism"), so the name alone would drop an alternative.
_LIST_ENDINGS = (" or ", " and/or ", " and ")
_KIND_WORDS = tuple(
    f"{word} "
    for word in ("latent", "chronic", "acute", "gestational", "secondary", "primary", "recurrent")
)


def _named(text: str, concept: str, pattern: re.Pattern[str]) -> list[Match]:
    """Each name of ``concept`` in the text, with the qualifiers written before it."""
    found: list[Match] = []
    for match in pattern.finditer(text):
        if (
            concept in _ACUTE_EVENTS
            and match["name"].startswith("acute ")
            and not _window_after(text, match.end())
        ):
            continue  # "acute stroke" alone: a current episode, which a problem list cannot tell
        start = match.start()
        before = None
        if text.endswith(_QUALIFIER_ENDINGS, 0, start):
            before = _QUALIFIERS_BEFORE.search(text, max(0, start - 80), start)
        quals = before["quals"] if before else ""
        if (
            quals.endswith(_LIST_ENDINGS)
            and match["name"].startswith(_KIND_WORDS)
            and not pattern.fullmatch(match["name"].split(" ", 1)[1])
        ):
            continue  # "active or latent TB": active TB, or latent TB — not an active latent one
        if "current" in quals and (
            _ALTERNATIVE_BEFORE.search(text, 0, start - len(quals))
            or _DEFINITE_BEFORE.search(text, 0, start - len(quals))
        ):
            quals = quals.replace("current", "")  # "history of or current ILD": either
        if before:
            start = before.start()
        lead: re.Match[str] | None = None
        stage = None
        if not quals and " of" in text and concept != "infection":
            # (Whether an infection is ongoing is read only from its treatment: see
            # `find_conditions_treated_too`.)
            stage = _ACTIVE_STAGE_LEAD.search(text, max(0, start - 40), start)
            if stage is not None:
                quals, start = "active", stage.start()
        if "current" not in quals and "active" not in quals:
            lead = _CURRENT_LEAD.search(text, max(0, start - 60), start)
        if lead and not (
            _ALTERNATIVE_BEFORE.search(text, 0, lead.start())
            or _DEFINITE_BEFORE.search(text, 0, lead.start())
        ):
            quals = f"current {quals}"  # "currently experiencing seizures": now, not ever
        if concept == "infection" and (kinds := _INFECTION_KINDS_BEFORE.search(text, 0, start)):
            start = kinds.start()  # "active bacterial, viral or fungal infection"
            before = _QUALIFIERS_BEFORE.search(text, max(0, start - 80), start)
            if before:
                quals, start = before["quals"], before.start()
        criterion = _condition(concept, quals, match["name"])
        if stage is not None:
            # The active stage of a disease is a judgement of its activity no status states: a
            # resolved entry rules it out, a current one leaves it for review.
            criterion = Criterion(
                Kind.COMBINATION,
                children=(criterion, Criterion(Kind.TEXT, source_text=stage.group(0).strip())),
                combination="all-of",
            )
        found.append(Match(criterion, start, match.end()))
    return found


# Events that are acute by nature: "acute" before one adds nothing when the bullet gives the
# window in which it happened ("acute stroke within 6 months"). Not heart failure, pancreatitis,
# kidney injury…, whose acute form is not every form.
_ACUTE_EVENTS = frozenset(
    {"stroke", "stroke-ischemic", "stroke-hemorrhagic", "transient-ischemic-attack"}
    | {"pulmonary-embolism", "deep-vein-thrombosis", "venous-thromboembolism"}
)


def _window_after(text: str, end: int) -> bool:
    """Whether a time window follows (the assembly gives a window to the items before it)."""
    # Every match of either has a " day|week|month|year": no unit, no window (skips 2 scans).
    if not has_any(text, WINDOW_UNITS):
        return False
    if WINDOW_WITHIN.search(text, end):
        return True
    return has_any(text, WINDOW_LAST_WORDS) and WINDOW_LAST.search(text, end) is not None


_LIST_GAPS = frozenset({" or ", ", ", ", or ", " and/or ", ", and/or ", "/"})


_AGENTS = frozenset({"hiv", "hbv", "hcv", "tuberculosis", "tuberculosis-latent", "syphilis"})


def _drop_agent_infections(text: str, found: list[Match]) -> list[Match]:
    """ "Known HIV (Human Immunodeficiency Virus) infection": the infection is the virus's, not
    a second condition (the word is then filler)."""
    agents_end = {m.end for m in found if m.criterion.concept in _AGENTS}
    return [
        m
        for m in found
        if m.criterion.concept != "infection"
        or not any(
            text[end : m.start].strip() in ("", ")", "(") for end in agents_end if end <= m.start
        )
    ]


def _share_qualifiers(text: str, found: list[Match]) -> None:
    """ "Active hepatitis B or C or tuberculosis", "uncontrolled hypertension or diabetes": the
    qualifier in front of an "or" list holds for each condition of the list."""
    for match in sorted(found, key=lambda m: m.start):
        criterion = match.criterion
        if criterion.kind is not Kind.CONDITION or criterion.qualifiers:
            continue
        previous = max(
            (m for m in found if m.end <= match.start and m.kind == "criterion"),
            key=lambda m: (m.end, m.end - m.start),
            default=None,
        )
        if previous is None or text[previous.end : match.start] not in _LIST_GAPS:
            continue
        before = previous.criterion
        if before.kind is Kind.COMBINATION and before.children:
            before = before.children[0]
        if before.kind is Kind.CONDITION and before.qualifiers:
            match.criterion = evolve(criterion, qualifiers=before.qualifiers)


def _required_steroids(text: str, found: list[Match]) -> list[Match]:
    """ "(Non-infectious) ILD/pneumonitis that required steroids": the condition(s) just before
    the phrase carry the qualifier ``required-steroids`` (decided from the medications), and the
    match takes in the phrase."""
    out = list(found)
    for phrase in _REQUIRED_STEROIDS.finditer(text):
        for index, match in enumerate(out):
            if match.end == phrase.start() and match.kind == "criterion":
                criterion = _with_qualifier(match.criterion, REQUIRED_STEROIDS)
                if criterion is not None:
                    out[index] = Match(criterion, match.start, phrase.end())
    return out


def _infection_treatment(text: str, found: list[Match]) -> list[Match]:
    """ "Active infection requiring IV antibiotics": the infection just before the phrase
    carries ``requiring-systemic-treatment`` (and ``intravenous`` when the route is named)."""
    out = list(found)
    for phrase in _INFECTION_TREATMENT.finditer(text):
        if phrase["paren"] and not re.fullmatch(
            r"(?:e\.g\.|eg|ie|i\.e\.|such as)[^()]*", phrase["paren"]
        ):
            continue
        for index, match in enumerate(out):
            criterion = match.criterion
            if (
                match.end == phrase.start()
                and match.kind == "criterion"
                and criterion.kind is Kind.CONDITION
                and criterion.concept in _INFECTIONS
                and not criterion.negated
            ):
                added = (REQUIRING_SYSTEMIC_TREATMENT,) + (
                    (INTRAVENOUS,) if phrase["route"] else ()
                )
                qualifiers = tuple(dict.fromkeys((*criterion.qualifiers, *added)))
                out[index] = Match(
                    evolve(criterion, qualifiers=qualifiers), match.start, phrase.end()
                )
    return out


_INFECTIONS = frozenset(
    {"infection", "sepsis", "pneumonia", "urinary-tract-infection", "tuberculosis"}
)


def _with_qualifier(criterion: Criterion, qualifier: str) -> Criterion | None:
    """The condition (or an any-of of conditions) with ``qualifier`` added; None otherwise."""
    if criterion.kind is Kind.CONDITION and not criterion.negated:
        return evolve(criterion, qualifiers=(*criterion.qualifiers, qualifier))
    if criterion.kind is Kind.COMBINATION and criterion.combination == "any-of":
        children = [_with_qualifier(child, qualifier) for child in criterion.children]
        if all(child is not None for child in children):
            return evolve(criterion, children=tuple(c for c in children if c is not None))
    return None


def _slash_pairs(text: str, found: list[Match]) -> list[Match]:
    """ "stroke/TIA", "stroke / cerebrovascular disease": either condition (a slash is "or")."""
    pairs: list[Match] = []
    for first in found:
        for second in found:
            if (
                first.criterion.kind is Kind.CONDITION
                and second.criterion.kind is Kind.CONDITION
                and text[first.end : second.start].strip() == "/"
            ):
                either = Criterion(
                    Kind.COMBINATION,
                    children=(first.criterion, second.criterion),
                    combination="any-of",
                )
                pairs.append(Match(either, first.start, second.end))
    return pairs


_ORGANS = {
    "kidney": "kidney-transplant",
    "renal": "kidney-transplant",
    "liver": "liver-transplant",
    "hepatic": "liver-transplant",
    "heart": "heart-transplant",
    "cardiac": "heart-transplant",
    "lung": "lung-transplant",
    "solid organ": "solid-organ-transplant",
    "solid-organ": "solid-organ-transplant",
    "organ": "solid-organ-transplant",
    "bone marrow": "stem-cell-transplant",
    "stem cell": "stem-cell-transplant",
    "stem-cell": "stem-cell-transplant",
    "hematopoietic stem cell": "stem-cell-transplant",
    "haematopoietic stem cell": "stem-cell-transplant",
}
_ORGAN = "|".join(sorted(map(re.escape, _ORGANS), key=len, reverse=True))
# "Heart, liver or kidney transplant", "solid organ or bone marrow transplantation": any of them.
_TRANSPLANT_LIST = re.compile(
    rf"(?<![\w-])(?P<organs>(?:{_ORGAN})(?:(?:,? or |,? and/or |, |/)(?:{_ORGAN}))+)"
    r" (?:transplant(?:ation)?s?|allografts?)(?: recipients?)?(?![\w-])"
)


def _transplant_lists(text: str) -> list[Match]:
    found = []
    for match in _TRANSPLANT_LIST.finditer(text):
        names = re.findall(rf"(?<![\w-])(?:{_ORGAN})(?![\w-])", match["organs"])
        criterion = any_of_conditions(_ORGANS[name] for name in names)
        found.append(Match(criterion, match.start(), match.end()))
    return found


# "Liver or kidney disease", "renal or hepatic failure": the organs share the noun, each naming
# its own diagnosis (one of them will do). "And" is left alone ("liver and kidney disease" may
# ask for both).
_ORGAN_DIAGNOSES = {
    ("liver", "disease"): "liver-disease",
    ("hepatic", "disease"): "liver-disease",
    ("kidney", "disease"): "kidney-disease",
    ("renal", "disease"): "kidney-disease",
    ("liver", "failure"): "liver-failure",
    ("hepatic", "failure"): "liver-failure",
    ("kidney", "failure"): "kidney-failure",
    ("renal", "failure"): "kidney-failure",
    ("heart", "failure"): "heart-failure",
    ("cardiac", "failure"): "heart-failure",
}
_ORGAN_NAME = r"(?:liver|hepatic|kidney|renal|heart|cardiac)"
_ORGAN_LIST = re.compile(
    rf"(?<![\w-])(?P<organs>{_ORGAN_NAME}(?:(?:,? or |,? and/or |, |/){_ORGAN_NAME})+)"
    r" (?P<noun>disease|failure)s?(?![\w-])"
)


def _organ_lists(text: str) -> list[Match]:
    found: list[Match] = []
    if "disease" not in text and "failure" not in text:
        return found  # every match ends with one (the search would try every position)
    for match in _ORGAN_LIST.finditer(text):
        organs = re.findall(_ORGAN_NAME, match["organs"])
        if " and " in match["organs"].replace(" and/or ", " "):
            continue
        concepts = [_ORGAN_DIAGNOSES.get((organ, match["noun"])) for organ in organs]
        if None in concepts or len(set(concepts)) < 2:
            continue
        children = tuple(
            Criterion(Kind.CONDITION, concept=concept, source_text=concept)
            for concept in dict.fromkeys(c for c in concepts if c is not None)
        )
        criterion = Criterion(Kind.COMBINATION, children=children, combination="any-of")
        found.append(Match(criterion, match.start(), match.end()))
    return found


def _hiv_status(text: str) -> list[Match]:
    found = []
    for match in _HIV_STATUS.finditer(text):
        negated = (match["sign"] or "") in ("negative", "seronegative")
        criterion = Criterion(Kind.CONDITION, concept="hiv", negated=negated)
        found.append(Match(criterion, match.start(), match.end()))
    return found


def _hepatitis_b_or_c(text: str) -> list[Match]:
    found: list[Match] = []
    for match in _HEPATITIS_B_OR_C.finditer(text):
        quals = ("active",) if match["quals"].strip() else ()
        children = (
            Criterion(Kind.CONDITION, concept="hbv", qualifiers=quals, source_text="hepatitis B"),
            Criterion(Kind.CONDITION, concept="hcv", qualifiers=quals, source_text="hepatitis C"),
        )
        combination: CombinationCode = "all-of" if match["conj"] == "and" else "any-of"
        found.append(
            Match(
                Criterion(Kind.COMBINATION, children=children, combination=combination),
                match.start(),
                match.end(),
            )
        )
    return found


def _brain_unless(text: str) -> list[Match]:
    found: list[Match] = []
    for match in _BRAIN_UNLESS.finditer(text):
        criterion = Criterion(
            Kind.CONDITION,
            concept="brain-metastases",
            qualifiers=("treated", "stable"),
            window=window_of(None, (-int(match["n"]), match["unit"])),
            negated=True,
            source_text=match.group(0).strip(" ,"),
        )
        found.append(Match(criterion, match.start(), match.end(), kind="unless"))
    return found


def _condition(concept: str, quals_text: str, name: str) -> Criterion:
    found = _QUALIFIER.findall(quals_text) if quals_text else ()
    qualifiers = tuple(dict.fromkeys(_QUALIFIER_IDS.get(q, q) for q in found))
    if concept == "diabetes-mellitus-any-type":
        # "Type 1 or type 2 diabetes": those two types, not every diabetes (E08, E09, E13 are
        # diabetes due to a condition, a drug, other types: no type 1 or 2 the text names).
        types = tuple(
            _condition(named, quals_text, name) for named in ("diabetes-type-1", "diabetes-type-2")
        )
        return Criterion(Kind.COMBINATION, children=types, combination="any-of")
    if concept == "kidney-failure" and name.startswith("chronic"):
        concept = "chronic-renal-failure"
    if concept == "malignant-neoplasm-other":
        # "Other active malignancy": the pattern takes "active" inside the name; it is still
        # the qualifier (a cured cancer or a history code is not an active one).
        active = (
            ("active",) if re.search(r"\bactive\b", name) and "active" not in qualifiers else ()
        )
        concept, qualifiers = "malignant-neoplasm", (*qualifiers, *active, "other-primary")
    if len(qualifiers) > 1 and _OR.search(quals_text):
        children = tuple(
            Criterion(Kind.CONDITION, concept=concept, qualifiers=(q,), source_text=f"{q} {name}")
            for q in qualifiers
        )
        return Criterion(Kind.COMBINATION, children=children, combination="any-of")
    return Criterion(Kind.CONDITION, concept=concept, qualifiers=qualifiers)


def find_stage(text: str) -> list[Match]:
    found: list[Match] = []
    if "stage" not in text:
        return found
    for match in _STAGE_RANGE.finditer(text):
        low, high = _stage_number(match["low"]), _stage_number(match["high"])
        if low is None or high is None or low >= high:
            continue
        found.append(
            Match(_stages([f"stage-{n}" for n in range(low, high + 1)]), match.start(), match.end())
        )
    for match in _STAGE.finditer(text):
        tokens = re.findall(_STAGE_TOKEN, match["list"])
        ids = [_stage_id(token) for token in tokens]
        known = [stage_id for stage_id in ids if stage_id is not None]
        if len(known) < len(ids):
            continue
        found.append(Match(_stages(known), match.start(), match.end()))
    return found


def _stage_number(token: str) -> int | None:
    return int(token) if token.isdigit() else _ROMAN_VALUES.get(token)


def _stage_id(token: str) -> str | None:
    from fhirtrial.eligibility import terminology

    match = re.fullmatch(r"(iv|i{1,3}|[1-4])([a-d]?)", token)
    if not match:
        return None
    number = _stage_number(match[1])
    stage_id = f"stage-{number}{match[2]}"
    return stage_id if stage_id in terminology.terminology().concepts else None


def _stages(ids: list[str]) -> Criterion:
    unique = list(dict.fromkeys(ids))
    if len(unique) == 1:
        return Criterion(Kind.STAGE, concept=unique[0])
    children = tuple(Criterion(Kind.STAGE, concept=i, source_text=i) for i in unique)
    return Criterion(Kind.COMBINATION, children=children, combination="any-of")


def find_biomarkers(text: str) -> list[Match]:
    found: list[Match] = []
    for concept, pattern in _BIOMARKERS:
        if not has_any(text, _BIOMARKER_TRIGGERS[concept]):
            continue
        for match in pattern.finditer(text):
            value = "detected"
            if concept == "her2":
                value = "negative" if match["value"] in ("negative", "-") else "positive"
            criterion = Criterion(Kind.BIOMARKER, concept=concept, value_concept=value)
            found.append(Match(criterion, match.start(), match.end()))
    return found


def find_pregnancy(text: str) -> list[Match]:
    if not has_any(text, ("pregnan", "feeding", "lactat", "nursing")):
        return []
    found = [
        Match(Criterion(Kind.PREGNANCY, concept="pregnancy"), m.start(), m.end())
        for m in _PREGNANCY.finditer(text)
    ]
    found.extend(
        Match(Criterion(Kind.BREASTFEEDING, concept="breastfeeding"), m.start(), m.end())
        for m in _BREASTFEEDING.finditer(text)
    )
    if "been" in text:
        found = [dated for m in found if (dated := _been(text, m)) is not None]
    found += pregnancy_phrasings(text, found)
    if has_any(text, _PAST_WORDS):
        # "History of pregnancy", "prior pregnancy", "previous breastfeeding": a past one, not
        # the current state the concept means — left to the residual check (text).
        found = [m for m in found if not _PAST_STATE.search(text, 0, m.start)]
    return found


_BEEN = re.compile(r"\b(?:have|has|had)(?: ever)? been (?:previously )?$")


def _been(text: str, match: Match) -> Match | None:
    """ "Have been pregnant" is a pregnancy at any time, not the current state the concept
    means: only with its own window ("have been pregnant within 2 years") is it read, the
    window taken with it (a pregnancy now is one in the window too, so a list's current
    pregnancy stays its own item)."""
    if match.criterion.kind is not Kind.PREGNANCY or not _BEEN.search(text, 0, match.start):
        return match
    window: Window | None = None
    end = match.end
    if (within := WINDOW_WITHIN.match(text, end + 1)) and (n := word_number(within["n"])):
        window, end = window_before(n, within["unit"]), within.end()
    elif last := WINDOW_LAST.match(text, end + 1):
        window, end = window_before(1, last["unit"]), last.end()
    if window is None:
        return None
    return Match(evolve(match.criterion, window=window), match.start, end)


_PAST_WORDS = ("histor", "prior", "previous", "past", "former", "earlier", "ever ")
_PAST_STATE = re.compile(
    r"\b(?:history of|prior|previous(?:ly)?|past|former|earlier|ever)\s+(?:\w+\s+){0,2}$"
)
