"""Cancer types as criteria name them: "adenocarcinoma of the prostate", "rectal cancer", "AML".

Each type is a concept of `terminology/conditions.json` below `malignant-neoplasm` (ICD-10-CM
subtrees; a histology no ICD-10-CM code states — HNSCC, glioblastoma, PDAC — is a child with no
code, so a record coded by site only is less specific, not another cancer). Only the name is
read: what narrows it ("metastatic", "recurrent", "high-grade", "clear cell", "muscle-invasive")
stays over for the residual check, the stage finder or the setting modifiers.

Abbreviations only where criteria use them for nothing else ("AML", "CLL", "HCC", "DLBCL");
never "ALL" (the word), "PC" or "CRC" alone.
"""

from __future__ import annotations

from functools import cache

from fhirtrial.eligibility import terminology

_CARCINOMA = r"(?:cancer|carcinoma|adenocarcinoma)s?"
_OF = r"(?:cancer|carcinoma|adenocarcinoma) of (?:the )?"
_LEUKEMIA = r"leuka?emias?"

# (concept, names, triggers): the names as a regex of the lower-cased text, more specific types
# first; the triggers are substrings every name contains.
CANCER_NAMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "prostate-cancer",
        rf"prostat(?:e|ic) {_CARCINOMA}(?: \((?:pca|pc)\))?|{_OF}prostate(?: gland)?",
        ("prostat",),
    ),
    (
        "colorectal-cancer",
        rf"colorectal {_CARCINOMA}(?: \(crc\))?|colon (?:or|and/or) rectal {_CARCINOMA}"
        rf"|{_OF}(?:the )?colon (?:or|and/or) (?:the )?rectum",
        ("colorectal", "colon or", "colon and/or"),
    ),
    (
        "colon-cancer",
        rf"colon(?:ic)? {_CARCINOMA}|{_OF}colon",
        ("colon",),
    ),
    ("rectal-cancer", rf"rect(?:al|um) {_CARCINOMA}|{_OF}rectum", ("rect",)),
    (
        "pancreatic-ductal-adenocarcinoma",
        r"pancreatic ductal adenocarcinomas?(?: \(pdac\))?|ductal adenocarcinoma of (?:the )?"
        r"pancreas|pdac",
        ("pancrea", "pdac"),
    ),
    (
        "pancreatic-cancer",
        rf"pancrea(?:tic|s) {_CARCINOMA}|{_OF}pancreas",
        ("pancrea",),
    ),
    (
        "hepatocellular-carcinoma",
        r"hepatocellular (?:carcinoma|cancer)s?(?: \(hcc\))?|hcc|hepatomas?",
        ("hepatocellular", "hcc", "hepatoma"),
    ),
    (
        "intrahepatic-cholangiocarcinoma",
        r"intrahepatic (?:cholangiocarcinoma|bile duct (?:cancer|carcinoma))(?: \(icc\))?",
        ("intrahepatic",),
    ),
    ("liver-cancer", r"liver cancers?", ("liver cancer",)),
    (
        "gastric-cancer",
        rf"gastric {_CARCINOMA}|stomach cancers?|{_OF}stomach",
        ("gastric", "stomach"),
    ),
    (
        "esophageal-squamous-cell-carcinoma",
        r"o?esophageal squamous[- ]cell carcinomas?(?: \(escc\))?"
        r"|squamous[- ]cell carcinoma of (?:the )?o?esophagus|escc",
        ("sophag", "escc"),
    ),
    ("esophageal-cancer", rf"o?esophageal {_CARCINOMA}|{_OF}o?esophagus", ("sophag",)),
    (
        "hnscc",
        r"(?:head and neck squamous[- ]cell carcinomas?|squamous[- ]cell carcinoma of (?:the )?"
        r"head and neck)(?: \((?:hnscc|scchn)\))?|hnscc|scchn",
        ("head and neck", "hnscc", "scchn"),
    ),
    (
        "oral-squamous-cell-carcinoma",
        r"oral (?:cavity )?squamous[- ]cell carcinomas?(?: \(oscc\))?"
        r"|squamous[- ]cell carcinoma of (?:the )?oral cavity|oscc",
        ("oral", "oscc"),
    ),
    (
        "oral-cavity-cancer",
        r"oral (?:cavity )?(?:cancer|carcinoma)s?|(?:cancer|carcinoma) of (?:the )?oral cavity",
        ("oral",),
    ),
    (
        "laryngeal-cancer",
        r"laryngeal (?:cancer|carcinoma)s?|(?:cancer|carcinoma) of (?:the )?larynx",
        ("laryn",),
    ),
    (
        "oropharyngeal-cancer",
        r"oropharyn(?:geal|x) (?:cancer|carcinoma)s?|(?:cancer|carcinoma) of (?:the )?oropharynx",
        ("oropharyn",),
    ),
    (
        "nasopharyngeal-cancer",
        r"nasopharyngeal (?:cancer|carcinoma)s?(?: \(npc\))?|carcinoma of (?:the )?nasopharynx",
        ("nasopharyn",),
    ),
    (
        "head-and-neck-cancer",
        r"head and neck (?:cancer|carcinoma)s?|cancer of (?:the )?head and neck",
        ("head and neck",),
    ),
    (
        "ovarian-cancer",
        r"ovarian (?:cancer|carcinoma)s?|(?:cancer|carcinoma) of (?:the )?ovary",
        ("ovar",),
    ),
    (
        "endometrial-cancer",
        rf"endometrial {_CARCINOMA}|{_OF}endometrium",
        ("endometri",),
    ),
    ("uterine-cancer", r"uterine (?:cancer|carcinoma)s?|cancer of (?:the )?uterus", ("uter",)),
    (
        "cervical-cancer",
        # Never carcinoma in situ (not a malignancy in criteria); "cervical" alone is the neck.
        r"(?<!in situ )(?<!in-situ )(?:(?:uterine )?cervical (?:cancer|carcinoma)s?"
        r"|(?:cancer|carcinoma) of (?:the )?(?:uterine )?cervix(?: uteri)?)(?! in[- ]situ)",
        ("cervical", "cervix"),
    ),
    (
        "bladder-cancer",
        r"(?:urinary )?bladder (?:cancer|carcinoma)s?|(?:cancer|carcinoma) of (?:the )?"
        r"(?:urinary )?bladder",
        ("bladder",),
    ),
    (
        "renal-cell-carcinoma",
        r"renal[- ]cell (?:carcinoma|cancer)s?(?: \(rcc\))?|rcc",
        ("renal", "rcc"),
    ),
    ("kidney-cancer", r"(?:kidney|renal) cancers?", ("kidney", "renal")),
    ("thyroid-cancer", rf"thyroid {_CARCINOMA}|{_OF}thyroid(?: gland)?", ("thyroid",)),
    (
        "glioblastoma",
        r"glioblastomas?(?: multiforme)?(?: \(gbm\))?|gbm",
        ("glioblastoma", "gbm"),
    ),
    ("glioma", r"gliomas?", ("glioma",)),
    ("brain-cancer", r"brain cancers?", ("brain cancer",)),
    ("mesothelioma", r"(?:malignant )?mesotheliomas?", ("mesothelioma",)),
    (
        "testicular-cancer",
        r"testicular (?:cancer|carcinoma)s?|cancer of (?:the )?testis",
        ("testi",),
    ),
    (
        "multiple-myeloma",
        # Not smoldering myeloma: a precursor, not the disease to treat.
        r"(?<!smoldering )(?<!smouldering )(?:(?:multiple|plasma cell) myeloma(?: \(mm\))?"
        r"|(?<!smoldering multiple )(?<!smouldering multiple )myeloma)",
        ("myeloma",),
    ),
    (
        "acute-myeloid-leukemia",
        rf"acute (?:myeloid|myelogenous|myeloblastic) {_LEUKEMIA}(?: \(aml\))?|aml",
        ("acute myel", "aml"),
    ),
    (
        "acute-lymphoblastic-leukemia",
        rf"acute lympho(?:blastic|cytic) {_LEUKEMIA}(?: \(all\))?"
        # "ALL" is the word "all" but next to another leukaemia ("CML or ALL").
        r"|(?:(?<=aml or )|(?<=cml or )|(?<=cll or )|(?<=aml, )|(?<=aml/)|(?<=cml/))all"
        r"|all(?= (?:or|and/or|and) (?:aml|cml|cll)(?![\w-]))",
        ("acute lympho", "aml", "cml", "cll"),
    ),
    (
        "chronic-lymphocytic-leukemia",
        rf"chronic lymphocytic {_LEUKEMIA}(?: \(cll\))?|cll",
        ("chronic lympho", "cll"),
    ),
    (
        "chronic-myeloid-leukemia",
        rf"chronic (?:myeloid|myelogenous) {_LEUKEMIA}(?: \(cml\))?|cml",
        ("chronic myel", "cml"),
    ),
    ("leukemia", _LEUKEMIA, ("leukemia", "leukaemia")),
    (
        "diffuse-large-b-cell-lymphoma",
        r"diffuse large b[- ]cell lymphomas?(?: \(dlbcl\))?|dlbcl",
        ("diffuse large", "dlbcl"),
    ),
    ("mantle-cell-lymphoma", r"mantle[- ]cell lymphomas?(?: \(mcl\))?", ("mantle",)),
    ("follicular-lymphoma", r"follicular lymphomas?(?: \(fl\))?", ("follicular",)),
    (
        "non-hodgkin-lymphoma",
        r"non[- ]?hodgkin'?s? lymphomas?(?: \(nhl\))?|nhl",
        ("hodgkin", "nhl"),
    ),
    (
        "hodgkin-lymphoma",
        r"(?<!non )(?<!non)hodgkin'?s? (?:lymphoma|disease)s?(?: \(hl\))?",
        ("hodgkin",),
    ),
    ("lymphoma", r"lymphomas?", ("lymphoma",)),
)
CANCER_TYPES = frozenset(concept for concept, _, _ in CANCER_NAMES)
# A site right before "metastatic" where a metastasis may be regional ("cutaneous metastatic
# melanoma": in-transit and satellite skin metastases, and nodal ones, are stage III) does not
# make the disease metastatic (an inclusion so read failed a patient with stage III in-transit
# melanoma): the words are left to the residue. Bone, liver, lung and brain metastases are
# always distant and keep the reading.
NOT_AFTER_REGIONAL_SITE = "".join(
    f"(?<!{site} )(?<!{site}-)"
    for site in ("cutaneous", "subcutaneous", "skin", "dermal", "nodal", "lymph node")
)
# How the names of the solid types begin: "metastatic" right before one is the disease setting.
SOLID_NAME_STARTS = (
    r"prostat|colorectal|colon|rect(?:al|um)|pancrea|hepatocellular|hcc|gastric|stomach"
    r"|o?esophag|head and neck|hnscc|nasopharyn|ovarian|endometrial|uterine|cervical|bladder"
    r"|renal|rcc|kidney|thyroid|mesothelioma|testicular"
)


@cache
def lineage(concept: str) -> str:
    """The broadest type a cancer type belongs to below `malignant-neoplasm` ("rectal-cancer" →
    "colorectal-cancer", "glioblastoma" → "brain-cancer"); any other concept itself."""
    vocabulary = terminology.terminology()
    if concept not in CANCER_TYPES:
        return concept
    broader = [a for a in vocabulary.ancestors(concept) if a in CANCER_TYPES]
    return min(broader, key=lambda a: len(vocabulary.ancestors(a)), default=concept)
