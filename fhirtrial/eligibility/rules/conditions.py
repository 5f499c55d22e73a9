"""Diagnoses and conditions (SNOMED CT / ICD-10-CM / MeSH), stage, biomarkers, pregnancy."""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import CombinationCode, Criterion, Kind, Window, evolve
from fhirtrial.eligibility.rules.base import Match, Triggers, has_any, modifier_matches

_QUALIFIER_WORDS = (
    r"symptomatic|untreated|(?:actively )?progressing|active|uncontrolled|progressive|allogeneic"
    r"|poorly controlled|inadequately controlled|current"
)
_QUALIFIERS = rf"(?P<quals>(?:(?:{_QUALIFIER_WORDS})(?:,? and/or |,? or |,? and |, | ))*)"
# (concept, pattern); longer, more specific phrases first.
_CONDITIONS: tuple[tuple[str, str], ...] = (
    (
        "melanoma-uveal-ocular",
        r"melanoma of (?:the )?uveal/ocular origin|melanoma of uveal or ocular origin|"
        r"uveal/ocular melanoma|uveal melanoma|ocular melanoma",
    ),
    (
        "solid-organ-transplant-except-kidney",
        r"(?:solid )?organ allograft,? except kidney transplant",
    ),
    ("solid-organ-transplant", r"(?:solid )?organ (?:transplant|transplantation|allograft)s?"),
    (
        "malignant-neoplasm-other",
        r"(?:another|other|second|additional) (?:active )?(?:primary )?"
        r"(?:invasive )?(?:malignanc(?:y|ies)|cancers?)|prior malignancy|prior malignancies",
    ),
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
    ("melanoma", r"melanoma"),
    ("metastatic-disease", r"metastatic disease"),
    (
        "malignant-neoplasm",
        r"(?:solid tumou?r )?malignanc(?:y|ies)|malignant (?:neoplasm|tumou?r)s?",
    ),
    (
        "hiv",
        r"human immunodeficiency virus \(hiv\)(?: infection)?"
        r"|human immunodeficiency virus(?: infection)?|"
        r"hiv(?: infection)?",
    ),
    (
        "hbv",
        r"hepatitis b virus \(hbv\)(?: infection)?"
        r"|hepatitis b(?: virus)?(?: infection)?|hbv(?: infection)?",
    ),
    (
        "hcv",
        r"hepatitis c virus \(hcv\)(?: infection)?"
        r"|hepatitis c(?: virus)?(?: infection)?|hcv(?: infection)?",
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
        r"type (?:1|i|one)[ -]?diabetes(?: mellitus)?(?: \(t1dm?\))?"
        r"|diabetes mellitus,? type (?:1|i)|diabetes type (?:1|i)"
        r"|insulin[- ]dependent diabetes(?: mellitus)?(?: \(iddm\))?|t1dm?",
    ),
    (
        "diabetes-type-2",
        r"type (?:2|ii|two)[ -]?diabetes(?: mellitus)?(?: \(t2dm?\))?"
        r"|diabetes mellitus,? type (?:2|ii)|diabetes type (?:2|ii)"
        r"|non[- ]insulin[- ]dependent diabetes(?: mellitus)?|t2dm?",
    ),
    ("diabetes-mellitus", r"diabetes mellitus(?: \(dm\))?|diabetes|diabetics?"),
    (
        "hypertension",
        r"(?:arterial |systemic |essential )?hypertension(?: \(htn\))?|high blood pressure",
    ),
    (
        "heart-failure",
        r"(?:congestive |chronic )?heart failure(?: \((?:chf|hf)\))?|cardiac failure|chf",
    ),
    ("myocardial-infarction", r"myocardial infarctions?(?: \(mi\))?|heart attacks?"),
    ("stroke-ischemic", r"isch(?:a)?emic strokes?"),
    ("stroke-hemorrhagic", r"ha?emorrhagic strokes?"),
    ("stroke", r"strokes?(?: \(cva\))?|cerebrovascular accidents?(?: \(cva\))?|cva"),
    (
        "transient-ischemic-attack",
        r"transient isch(?:a)?emic attacks?(?: \(tias?\))?|tias?",
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
        r"inflammatory bowel diseases?(?: \(ibd\))?|ibd",
    ),
    ("crohn-disease", r"crohn'?s disease|crohn disease|crohn'?s"),
    ("ulcerative-colitis", r"ulcerative colitis"),
    ("asthma", r"(?:bronchial )?asthma"),
    (
        "copd",
        r"chronic obstructive pulmonary disease(?: \(copd\))?|copd",
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
        r"atrial fibrillation(?: \(af\)| \(afib\))?(?: or (?:atrial )?flutter)?",
    ),
    (
        "chronic-kidney-disease",
        r"(?:chronic kidney disease(?: \(ckd\))?|ckd|end[- ]stage renal disease(?: \(esrd\))?"
        r"|esrd)(?! ?\(?stage)",
    ),
    # Not "acute" / "chronic" / "decompensated" / "benign" liver disease: those words stay over.
    ("liver-failure", r"(?:liver|hepatic) (?:failure|insufficiency)"),
    ("liver-disease", r"(?:liver|hepatic) diseases?"),
    # "chronic renal failure" is chronic kidney disease (`_condition`).
    ("kidney-failure", r"(?<!acute )(?:chronic )?(?:renal|kidney) failure"),
    ("autoimmune-disease", r"auto-?immune (?:diseases?|disorders?)(?: \(aid\))?"),
)
# Substrings every match of a concept's names contains (the prefilter before its regex).
_CONDITION_TRIGGERS: dict[str, tuple[str, ...]] = {
    "melanoma-uveal-ocular": ("uveal", "ocular"),
    "solid-organ-transplant-except-kidney": ("except kidney",),
    "solid-organ-transplant": ("organ ",),
    "malignant-neoplasm-other": ("malignan", "cancer"),
    "brain-metastases": ("brain met", "metastas"),
    "primary-immunodeficiency": ("primary immun",),
    "nsclc": ("lung", "nsclc"),
    "breast-cancer-triple-negative": ("breast",),
    "breast-cancer": ("breast",),
    "melanoma": ("melanoma",),
    "metastatic-disease": ("metastatic disease",),
    "malignant-neoplasm": ("malignan",),
    "hiv": ("hiv", "human immunodeficiency virus"),
    "hbv": ("hbv", "hepatitis b"),
    "hcv": ("hcv", "hepatitis c"),
    "syphilis": ("syphilis",),
    "diabetes-mellitus-any-type": ("diabet",),
    "diabetes-type-1": ("diabet", "t1d"),
    "diabetes-type-2": ("diabet", "t2d"),
    "diabetes-mellitus": ("diabet",),
    "hypertension": ("hypertension", "high blood pressure"),
    "heart-failure": ("failure", "chf"),
    "myocardial-infarction": ("myocardial infarction", "heart attack"),
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
    "atrial-fibrillation": ("atrial fibrillation",),
    "chronic-kidney-disease": ("kidney disease", "ckd", "renal disease", "esrd"),
    "liver-failure": ("liver failure", "hepatic failure", "insufficiency"),
    "liver-disease": ("liver disease", "hepatic disease"),
    "kidney-failure": ("renal failure", "kidney failure"),
    "autoimmune-disease": ("immune dis",),
}
_CONDITION_PATTERNS = tuple(
    (concept, re.compile(rf"(?<![\w-])(?P<name>{names})(?![\w-])"), _CONDITION_TRIGGERS[concept])
    for concept, names in _CONDITIONS
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
_QUALIFIERS_BEFORE = re.compile(
    rf"(?P<quals>(?:(?:{_QUALIFIER_WORDS})(?:,? and/or |,? or |,? and |, | ))+)$"
)
# What the text before a name ends with when `_QUALIFIERS_BEFORE` can match there: the last word
# of a qualifier and a separator.
_QUALIFIER_ENDINGS = tuple(
    f"{word}{separator}"
    for word in (
        *("symptomatic", "untreated", "progressing", "active", "controlled"),
        *("progressive", "allogeneic", "current"),
    )
    for separator in (" and/or ", ", and/or ", " or ", ", or ", " and ", ", and ", ", ", " ")
)
# "Current" reads as a qualifier only on conditions that come and go ("has current
# ILD/pneumonitis"), never after "or" ("history of or current pneumonitis": either will do).
_CURRENT_CONCEPTS = frozenset({"pneumonitis", "interstitial-lung-disease"})
_ALTERNATIVE_BEFORE = re.compile(r"\b(?:or|and/or|and)\s*$")
_QUALIFIER_IDS = {
    "actively progressing": "progressive",
    "progressing": "progressive",
    "poorly controlled": "uncontrolled",
    "inadequately controlled": "uncontrolled",
    "current": "active",
}
_QUALIFIER = re.compile(_QUALIFIER_WORDS)
_OR = re.compile(r"\bor\b")
_HEPATITIS_B_OR_C = re.compile(
    r"(?P<quals>(?:active )?)hepatitis b(?:,)? (?P<conj>and/or|or|and) c(?: infection)?"
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
        re.compile(r"\bmetastatic(?= (?:breast|melanoma|non-small|nsclc|solid|triple))"),
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


def find_conditions(text: str) -> list[Match]:
    found: list[Match] = []
    words = _TRIGGERS.found_in(text)
    if not words:
        return found
    if "hepatitis b" in words:
        found.extend(_hepatitis_b_or_c(text))
    for index in sorted({i for word in words for i in _CONCEPTS_OF.get(word, ())}):
        found.extend(_named(text, *_CONDITION_PATTERNS[index][:2]))
    if len(found) > 1:
        _share_qualifiers(text, found)
        if "/" in text:
            found.extend(_slash_pairs(text, found))
    if "viral load" in words:
        for match in _HBV_VIRAL_LOAD.finditer(text):
            criterion = Criterion(
                Kind.CONDITION, concept="hbv", qualifiers=("viral-load-detectable",)
            )
            found.append(Match(criterion, match.start(), match.end()))
    if "steroid" in text and found:
        found = _required_steroids(text, found)
    if "unless" in words:
        found.extend(_brain_unless(text))
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
    return found


def _named(text: str, concept: str, pattern: re.Pattern[str]) -> list[Match]:
    """Each name of ``concept`` in the text, with the qualifiers written before it."""
    found: list[Match] = []
    for match in pattern.finditer(text):
        start = match.start()
        before = None
        if text.endswith(_QUALIFIER_ENDINGS, 0, start):
            before = _QUALIFIERS_BEFORE.search(text, max(0, start - 80), start)
        quals = before["quals"] if before else ""
        if "current" in quals and (
            concept not in _CURRENT_CONCEPTS
            or _ALTERNATIVE_BEFORE.search(text, 0, start - len(quals))
        ):
            quals = quals.replace("current", "")  # "history of or current ILD": either
        if before:
            start = before.start()
        found.append(Match(_condition(concept, quals, match["name"]), start, match.end()))
    return found


_LIST_GAPS = frozenset({" or ", ", ", ", or ", " and/or ", ", and/or ", "/"})


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
        n = int(match["n"]) * {"day": 1, "week": 7, "month": 30}[match["unit"]]
        criterion = Criterion(
            Kind.CONDITION,
            concept="brain-metastases",
            qualifiers=("treated", "stable"),
            window=Window(None, -n),
            negated=True,
            source_text=match.group(0).strip(" ,"),
        )
        found.append(Match(criterion, match.start(), match.end(), kind="unless"))
    return found


def _condition(concept: str, quals_text: str, name: str) -> Criterion:
    found = _QUALIFIER.findall(quals_text) if quals_text else ()
    qualifiers = tuple(dict.fromkeys(_QUALIFIER_IDS.get(q, q) for q in found))
    if concept == "diabetes-mellitus-any-type":
        concept = "diabetes-mellitus"
    if concept == "kidney-failure" and name.startswith("chronic"):
        concept = "chronic-kidney-disease"
    if concept == "malignant-neoplasm-other":
        concept, qualifiers = "malignant-neoplasm", (*qualifiers, "other-primary")
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
    return found
