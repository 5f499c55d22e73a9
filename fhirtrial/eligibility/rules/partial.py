"""The necessary parts of an inclusion bullet that the rules do not fully understand.

"Participants must have histologically confirmed HER2-negative (per 2018 ASCO/CAP guideline)
invasive breast cancer that has metastasized to the brain. NOTE: Pathology report must confirm
…" says more than the finders can read, so `compile_text` leaves it text-only. But whatever the
rest says, a patient must have breast cancer, HER2-negative and metastatic, to meet it. This
module reads those parts from the bullet's main clause — the disease, receptor / biomarker status
and the setting (metastatic, locally advanced or metastatic, a stage or stage range,
non-metastatic) — and returns all-of(parts…, TEXT residue). The residue (the whole text, never
met) keeps the bullet at best `unknown`: it is `not-met` only when a necessary part clearly is.

Wrongly calling a patient ineligible is the worst error, so the reading refuses (returns None:
the bullet stays text-only) whenever the words could make a part optional, conditional, past or
someone else's: "or" / "/" / "either" next to a part or in the clause (except "histologically or
cytologically" and the like), "any", "including", "such as", "e.g.", "other", "if", "unless",
"except", "regardless", "may", "can", "allowed", "permitted", "eligible", "accepted",
"prior" / "previous" / "history" / "past", "suspected", "risk", negations the reading cannot
place ("no", "not", "without", "non-"), a second disease or receptor / stage word it cannot read,
and cohort / arm / part / phase words. Words in parentheses that name no disease, receptor or
stage ("(per 2018 ASCO/CAP guideline)", "(surgery and radiation if indicated)") are set aside.
Only the first sentence (up to ".", ";", ":" or "NOTE") is read; the rest is residue, but its
words still refuse. In a relative clause after the parts ("… who have progressed on 1 prior line
or, in the opinion of the treating physician, not be a candidate for first-line metastatic breast
cancer therapy") an "or", a judgement and a disease named as a therapy's do not touch the parts;
a judgement elsewhere refuses. Exclusion bullets are never read this way (the caller decides).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from fhirtrial.eligibility.model import CombinationCode, Criterion, Kind, Window, evolve
from fhirtrial.eligibility.rules.ages import find_age_ranges
from fhirtrial.eligibility.rules.base import (
    WINDOW_WITHIN,
    WORD_NUMBERS,
    Match,
    Triggers,
    has_any,
    remember_recent,
    window_of,
    word_number,
)
from fhirtrial.eligibility.rules.cancer_names import CANCER_TYPES, lineage
from fhirtrial.eligibility.rules.conditions import (
    REQUIRED_STEROIDS,
    find_biomarkers,
    find_conditions,
    find_conditions_treated_too,
    find_pregnancy,
    find_stage,
)
from fhirtrial.eligibility.rules.demographic_parts import with_demographic_parts
from fhirtrial.eligibility.rules.demographics import find_age, find_sex
from fhirtrial.eligibility.rules.device_lists import device_parts
from fhirtrial.eligibility.rules.example_lists import example_parts
from fhirtrial.eligibility.rules.icd_titles import (
    classifying_first_word,
    sibling_names,
    spell_icd_titles,
    yield_to_other_finders,
)
from fhirtrial.eligibility.rules.labs import find_labs
from fhirtrial.eligibility.rules.list_members import (
    ALL_FINDERS,
    DECIDING_QUALIFIERS,
    LOOKS_DECIDABLE,
    QUALIFIED_CONDITIONS,
    diagnosis_shaped,
    generic_class,
    may_be_listed,
    names_a_diagnosis,
    names_anything,
)
from fhirtrial.eligibility.rules.measure_parts import measure_alternative, measure_part
from fhirtrial.eligibility.rules.medications import find_allergies, find_medications
from fhirtrial.eligibility.rules.performance import find_performance_status
from fhirtrial.eligibility.rules.procedures import find_procedures
from fhirtrial.eligibility.rules.scales import find_scales
from fhirtrial.eligibility.rules.score_parts import score_part
from fhirtrial.eligibility.rules.scores import find_scores
from fhirtrial.eligibility.rules.shared_heads import shares_the_next_head
from fhirtrial.eligibility.rules.shared_modifiers import leading_modifiers
from fhirtrial.eligibility.rules.smoking import find_smoking
from fhirtrial.eligibility.rules.therapy import find_therapies
from fhirtrial.eligibility.rules.tumour import find_receptors, find_settings, find_stage_ranges

_SOLID_TUMOURS = re.compile(r"(?<![\w-])solid tumou?rs?(?![\w-])")
# "advanced and/or metastatic cancer": a bare "cancer" right after a setting word is a malignancy
# (any cancer) — unless it names a therapy ("metastatic cancer therapy").
_SETTING_CANCER = re.compile(
    r"(?<![\w-])(?:advanced|metastatic|unresectable|recurrent|refractory|incurable) "
    r"(?P<cancer>cancers?)(?![\w-])(?! (?:therapy|therapies|treatments?|regimens?|drugs?"
    r"|agents?|care|centers?|centres?|clinics?|services?|medications?|history|screening))"
)


def _find_solid_tumours(text: str) -> list[Match]:
    """ "Solid tumours" (any solid cancer) or "metastatic cancer": a malignancy is necessary."""
    found = []
    if "solid" in text:
        found = [
            Match(Criterion(Kind.CONDITION, concept="malignant-neoplasm"), m.start(), m.end())
            for m in _SOLID_TUMOURS.finditer(text)
        ]
    if "cancer" in text:
        found += [
            Match(
                Criterion(Kind.CONDITION, concept="malignant-neoplasm"),
                m.start("cancer"),
                m.end("cancer"),
            )
            for m in _SETTING_CANCER.finditer(text)
        ]
    return found


# Hereditary cancer genes: "germline PALB2 mutation carrier", "wild type BRCA1&2 (breast cancer
# 1&2)", "deleterious germline BRCA1/2 mutation". Several genes: any of them mutated, all wild type.
_GENE = r"(?:brca ?1(?: ?(?:&|/|and/or|and|or|,) ?(?:brca ?)?2)?|brca ?2|brca|palb ?2)"
_GENE_EXPANSION = r"(?:\s+\(?breast cancer(?: genes?)? 1(?: ?(?:&|/|and) ?2)?\)?)?"
_VARIANT = r"(?:heterozygous |deleterious |pathogenic |likely pathogenic )*"
_HEREDITARY = re.compile(
    rf"(?<![\w-])(?:{_VARIANT}(?P<germ1>germline )?{_VARIANT}(?P<g1>{_GENE}){_GENE_EXPANSION}"
    rf"(?P<germ2> germline)? {_VARIANT}(?:gene )?(?:mutations?|variants?|mutated)(?: carriers?)?"
    rf"|(?:wild[- ]type|wt) (?P<g2>{_GENE}){_GENE_EXPANSION}"
    rf"|(?P<g3>{_GENE}){_GENE_EXPANSION} wild[- ]type)(?![\w-])"
)


def find_hereditary_variants(text: str) -> list[Match]:
    """A germline gene requirement: detected (any of the genes) or wild type (all of them)."""
    if "brca" not in text and "palb" not in text:
        return []
    found = []
    for match in _HEREDITARY.finditer(text):
        named = match["g1"] or match["g2"] or match["g3"] or ""
        genes = [g for g, n in (("brca1", "1"), ("brca2", "2")) if "brca" in named and n in named]
        genes = genes or (["brca1", "brca2"] if "brca" in named else ["palb2"])
        wild = match["g1"] is None
        germline = ("germline",) if match["germ1"] or match["germ2"] else ()
        members = tuple(
            Criterion(
                Kind.BIOMARKER,
                concept=f"{gene}-mutation",
                value_concept="negative" if wild else "detected",
                qualifiers=germline,
                source_text=match.group(0),
            )
            for gene in genes
        )
        criterion = (
            members[0]
            if len(members) == 1
            else Criterion(
                Kind.COMBINATION, children=members, combination="all-of" if wild else "any-of"
            )
        )
        found.append(Match(criterion, match.start(), match.end()))
    return found


_FINDERS = (
    find_hereditary_variants,
    find_conditions_treated_too,
    find_stage,
    find_biomarkers,
    find_receptors,
    find_stage_ranges,
    _find_solid_tumours,
)
# Diagnoses that can be a necessary part (the cancer under study, or metastatic disease).
_DISEASES = frozenset(
    {
        "breast-cancer",
        "breast-cancer-triple-negative",
        "nsclc",
        "lung-cancer",
        "melanoma",
        "malignant-neoplasm",
        "metastatic-disease",
    }
    | CANCER_TYPES
)
_METASTATIC = "metastatic-disease"
_BRAIN = "brain-metastases"
_TO_THE_BRAIN = re.compile(r"(?<![\w-])(?:brain|central nervous system|cns)(?![\w-])")
_SETTING_ONLY = {"metastatic": "metastatic-disease"}
# One disease lineage only: "breast cancer" with "triple negative breast cancer" or "malignancy".
_LINEAGE = {
    "breast-cancer-triple-negative": "breast-cancer",
    "nsclc": "lung-cancer",
}
# Words anywhere in the text (outside set-aside parentheses) that can make a part optional,
# conditional or someone else's.
_GLOBAL_REFUSAL = re.compile(
    r"\b(?:may|might|can|could|allow\w*|permit\w*|eligible|eligibility|include|included"
    r"|enrol\w*|enroll\w*|considered|accept\w*|if|unless|except\w*|exclud\w*|regardless"
    r"|irrespective|whether|cohorts?|arms?|parts?|groups?|strat(?:um|a)|phases?|escalation"
    r"|expansion|waive\w*|optional|either|e\.g|eg|for example|such as|not (?:be )?(?:required"
    r"|necessary|mandatory|needed)|need not|caregivers?|partners?|spouses?|family|relatives?"
    r"|parents?|child|children|daughters?|sisters?|mothers?|physicians?|clinicians?"
    r"|providers?|oncologists?|nurses?|staff|healthy|volunteers?|donors?|controls?|survivors?"
    r"|suspect\w*|suspicio\w*|probable|presumed|possible|presumptive|risk|screening"
    r"|prevention|cohort)\b"
)
_NAIVE = re.compile(
    r"\b(?:treatment|therapy|chemotherapy|chemo|drug|antiviral|systemic therapy)[- ]na[iï]ve\b"
    r"|\bna[iï]ve to\b|\b(?:previously |prior )?untreated\b(?! (?:brain|cns|central nervous"
    r"|leptomening|spinal))|\b(?:not|never) (?:been |be |yet )?(?:previously |prior |yet )?"
    r"(?:treated|received)\b"
)
_GROUP_NAMES = re.compile(r"\b(?:cooperative )?oncology group\b")
# Substrings one of which every match of `_NEUTRAL_PHRASES` contains.
_NEUTRAL_WORDS = (
    *("american joint", "national cancer", "early", "evaluation criteria", "the following"),
    *("first", "1st", "second", "2nd", "amenable"),
)
# Names and phrases that carry no requirement of their own.
_NEUTRAL_PHRASES = re.compile(
    r"\bamerican joint committee on cancer\b|\bnational cancer institute\b|\bearly[- ]stage\b"
    r"|\b(?:response )?evaluation criteria in solid tumou?rs\b"
    r"|\b(?:fulfilling|meeting|meets?|with) (?:any|one|all|each|at least \w+|one or more) of the "
    r"following(?: criteria| conditions)?"
    r"|\b(?:from|of) the following (?:primary )?(?:tumou?r|cancer)?(?: ?types?| ?sites?|s)?"
    r"\s*:?\s*$"
    r"|\bin (?:the )?(?:first|1st|second|2nd)(?:[- ]line)?(?: metastatic)?(?: treatment| therapy)?"
    r"(?: line| setting)? or (?:beyond|later|greater|higher|above)\b"
    # a setting that only restates "advanced": the disease named with it stays necessary
    r"|\b(?:not|no longer) (?:be )?amenable to (?:potentially )?(?:curative|definitive)"
    r"(?:[- ]intent)? (?:local |surgical |systemic )?(?:therapy|therapies|treatment|treatments"
    r"|surgery|resection|radiotherapy|radiation(?: therapy)?)\b"
)
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]%])\.(?:\s|$)|;|:(?:\s|$)|\bnote\b")
_PARENTHETICAL = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# What makes a parenthetical matter: it names a disease, a status, a stage or setting, or says
# "or" / "not". A receptor named without a status ("(HER2/CEP17 ratio < 2.0)") does not.
# `_names_a_part` tests the words (a trie: one alternation of them tries every position) and a
# hyphen that ends a word ("HER2-").
_PART_WORDS = Triggers(
    (
        *("cancer", "carcinoma", "tumor", "tumour", "malignan", "neoplas", "sarcoma", "lymphoma"),
        *("leukemia", "leukaemia", "myeloma", "glioma", "blastoma", "melanoma", "nsclc", "sclc"),
        *("dcis", "lcis", "metasta", "advanced", "stage", "triple", "tnbc", "positive"),
        *("negative", "+", "disease", "breast", "lung"),
        *("aml", "cll", "cml", "dlbcl", "nhl", "hcc", "rcc", "hnscc", "scchn", "gbm", "pdac"),
        *("escc", "hodgkin", "hepatoma", "mesothelioma"),
    )
)
_HYPHEN_AFTER_WORD = re.compile(r"[a-z0-9]-(?=[\s,)/]|$)")
_RECEPTOR_ALTERNATIVE = re.compile(
    r"(?=.*(?:\ber\b|\bpr\b|\bhr\b|her-?2|erbb2|receptor|hormon))"
    r"(?=.*(?:\bor\b|\bnor\b|either|\bnot?\b|\bnon\b|without|\blow\b|equivocal))"
)
# Therapies named after hormones are not receptor statuses.
_HORMONE_WORDS = ("hormon", "endocrine")
_HORMONE_THERAPY = re.compile(
    r"\b(?:hormon(?:e|al)|endocrine)[- ](?:based )?(?:therapy|therapies|treatment|blockade)\b"
)
_RELATIVE = frozenset({"who", "whose", "which", "that", "with"})
_THERAPY_NOUN = re.compile(r" (?:therapy|therapies|treatments?|regimens?)\b")
_OPINION = re.compile(
    r"\b(?:opinion|judge?ment) of (?:the |a )?(?:treating |enrolling |responsible )?"
    r"(?P<who>physicians?|oncologists?|clinicians?|investigators?)\b"
)
_SUBJECTS = frozenset(
    {
        "patients",
        "patient",
        "participants",
        "participant",
        "subjects",
        "subject",
        "those",
        "women",
        "men",
        "individuals",
        "people",
        "persons",
        "adults",
    }
)
_TOKEN = re.compile(r"§|and/or|[a-z0-9][a-z0-9'+\-]*|/")
_OR = frozenset({"or", "and/or", "nor", "/"})
# "or" joining these words joins ways of confirming the diagnosis or the subject, not parts.
_HARMLESS_OR = frozenset(
    {
        "histologically",
        "cytologically",
        "pathologically",
        "histopathologically",
        "histological",
        "cytological",
        "pathological",
        "histologic",
        "cytologic",
        "radiologically",
        "biopsy",
        "histology",
        "cytology",
        "pathology",
        "examination",
        "imaging",
        "radiographically",
        "clinically",
        "confirmed",
        "documented",
        "proven",
        "men",
        "women",
        "male",
        "female",
        "males",
        "females",
    }
)
# Words that put a part in the past or in someone's judgement: it may not hold now.
_THE_PAST = (
    "prior",
    "previous",
    "previously",
    "history",
    "past",
    "former",
    "formerly",
    "earlier",
    "initial",
    "initially",
    "original",
    "originally",
)
_JUDGEMENT = ("opinion", "judgment", "judgement")
# Negations and alternatives the reading cannot place.
_UNPLACED = (
    "no",
    "not",
    "non",
    "without",
    "never",
    "free",
    "neither",
    "absence",
    "absent",
    "lack",
    "other",
    "another",
    "second",
    "additional",
    "besides",
    "than",
    "any",
    "including",
    "includes",
    "like",
    "such",
)
# Words that may not stand outside the parts in the main clause.
_CLAUSE_REFUSAL = frozenset(
    {
        *_UNPLACED,
        # results the parts do not account for
        "negative",
        "positive",
        "unknown",
        "equivocal",
        "borderline",
        "mixed",
        *_THE_PAST,
        *_JUDGEMENT,
        # a disease, receptor or stage the parts do not account for
        "cancer",
        "cancers",
        "carcinoma",
        "carcinomas",
        "adenocarcinoma",
        "tumor",
        "tumors",
        "tumour",
        "tumours",
        "malignancy",
        "malignancies",
        "malignant",
        "neoplasm",
        "neoplasms",
        "sarcoma",
        "lymphoma",
        "leukemia",
        "leukaemia",
        "myeloma",
        "glioma",
        "dcis",
        "lcis",
        "melanoma",
        "nsclc",
        "sclc",
        "er",
        "pr",
        "hr",
        "pgr",
        "her2",
        "her-2",
        "her2neu",
        "erbb2",
        "receptor",
        "receptors",
        "hormone",
        "hormonal",
        "triple",
        "tnbc",
        "luminal",
        "basal",
        "stage",
        "stages",
        "staged",
    }
)
# A stage part followed by more stage words ("stage 1-5", "stage II-IIIB" read as II only) or
# bounded ("up to stage 2b", "stage II or higher"): not the stages the part lists.
_MORE_STAGES = re.compile(
    r"\s*(?:-|/|to\b|through\b|or\b|and\b|,)\s*(?:stage\s*)?(?:v?i{1,3}v?|i?v|\d)[a-d]?\b"
    r"|\s*(?:or|and) (?:higher|greater|above|more|lower|less|below|worse|beyond|later)\b"
    r"|\s*\+"
)
_STAGE_BOUND = re.compile(r"(?:[<>]=?|\bup to|\bbeyond)\s*(?:clinical |pathologic(?:al)? )?$")
# In a relative clause after the last part these words describe treatment or course, not parts.
_TAIL_ALLOWED = frozenset({*_UNPLACED, *_THE_PAST, *_JUDGEMENT})
# Next to a "/" these words make it an alternative between parts.
_SLASH_SENSITIVE = _CLAUSE_REFUSAL | {"§", "metastatic", "advanced", "unresectable", "recurrent"}


# "stage IV disease at primary diagnosis or at relapse after curative-intent surgery", "de novo
# or recurrent metastatic …": the "or" joins two moments of the same metastatic / stage IV
# disease, not two parts — the phrase is set aside when (and only when) such a part is read.
_MOMENT_WORDS = ("diagnos", "de novo", "primary")  # one is in every match of `_MOMENTS`
_MOMENTS = re.compile(
    r"\b(?:either )?(?:at|upon|on) (?:the )?(?:time of )?(?:(?:primary|initial|first|original) )?"
    r"diagnosis,? (?:or|and/or) (?:at |upon |on |after |following |with )?(?:the )?(?:time of )?"
    r"(?:(?:a|first|subsequent|later) )?(?:(?:disease|local|distant) )?"
    r"(?:relapse|recurrence|progression)"
    r"(?: (?:after|following) (?:prior )?(?:curative|definitive)(?:[- ]intent)? "
    r"(?:surgery|resection|therapy|treatment))?\b"
    r"|\b(?:de novo|newly diagnosed|primary) (?:or|and/or) (?:recurrent|relapsed)(?= (?:stage iv\b"
    r"|metasta))"
)


def necessary_parts(
    normalized: str, text: str, compile_clause: Callable[[str], Criterion | None]
) -> Criterion | None:
    """all-of(necessary parts…, TEXT residue) for an inclusion bullet, or None (refused).

    ``compile_clause`` compiles a piece of the bullet in full as an inclusion (the rules' own
    reading), or returns None."""
    if has_any(normalized, ("naive", "naïve", "untreated", "not ", "never ")) and _NAIVE.search(
        normalized
    ):
        # "Untreated metastatic melanoma", "treatment-naive HCV": no prior therapy is a
        # necessary part too, and which therapies count is not said — all-of(disease, TEXT)
        # would lack it.
        return None
    if has_any(normalized, _OR_WORDS) and _ALTERNATIVE_AFTER_THE_CLAUSE.search(normalized):
        # "Breast cancer; or …", "… gene mutation; or already have had genetic testing …": the
        # main clause is one alternative, not a necessary part.
        return None
    return with_demographic_parts(
        normalized,
        text,
        _cancer_parts(normalized, text)
        or _diagnosis_part(normalized, text)
        or measure_part(normalized, text, compile_clause)
        or score_part(normalized, text),
    )


def _cancer_parts(normalized: str, text: str) -> Criterion | None:
    """The cancer under study, its receptor / biomarker status and its setting."""
    if not _names_a_part(normalized):
        return None  # no disease, receptor, stage or setting word: nothing to keep
    normalized = normalized.replace("i.e.", "ie")
    whole = normalized
    if has_any(whole, _HORMONE_WORDS):
        whole = _HORMONE_THERAPY.sub("therapy", whole)
    whole = _set_aside(whole)
    if has_any(whole, _NEUTRAL_WORDS):
        whole = _NEUTRAL_PHRASES.sub(lambda m: " " * len(m.group(0)), whole)
    if "opinion" in whole or "judg" in whole:
        # the physician of "in the opinion of the treating physician" is no other population;
        # the phrase itself refuses unless it stands in a relative clause after the parts
        whole = _OPINION.sub(lambda m: m.group(0)[: m.start("who") - m.start()], whole)
    moments = _MOMENTS.search(whole) if has_any(whole, _MOMENT_WORDS) else None
    if moments:
        whole = _MOMENTS.sub(lambda m: " " * len(m.group(0)), whole)
    refusable = _GROUP_NAMES.sub(" ", whole) if "oncology group" in whole else whole
    if _GLOBAL_REFUSAL.search(refusable):
        return None
    clause = whole[: _end_of_main_clause(whole)]
    matches = _select([m for finder in _FINDERS for m in finder(clause)] + find_settings(clause))
    kept = [m for m in matches if _is_part(m)]
    clause, kept = _without_therapy_names(clause, kept)
    if not any(m.kind == "criterion" for m in kept):
        return None
    masked = clause
    for match in reversed(kept):
        width = match.end - match.start
        masked = masked[: match.start] + "§".ljust(width) + masked[match.end :]
    if not _plain(masked, clause, kept):
        return None
    parts = _parts(kept, clause)
    if parts is None or not parts:
        return None
    if moments and not _metastatic_at_any_moment(parts):
        return None  # "stage II at diagnosis or at recurrence": the moment changes the part
    if " ha" in clause:
        parts = [*parts, *_therapy_tail(normalized[: _end_of_main_clause(normalized)])]
    residue = Criterion(Kind.TEXT, source_text=text)
    return Criterion(
        Kind.COMBINATION, children=(*parts, residue), combination="all-of", source_text=text
    )


# ------------------------------------------------------- inclusion: the diagnosis under study
#
# "Diagnosis of autism spectrum disorder based on clinical evaluation and DSM-5 criteria",
# "Patients with fibromyalgia according to the ACR 2016 criteria", "Confirmed diagnosis of
# multiple sclerosis (McDonald criteria)": whatever the rest says, the patient has the diagnosis.
# `_diagnosis_part` reads it — an ICD-10-CM title (`icd10cm:<code>`) or a hand-made condition
# concept with no qualifier but the "active" its finder gives an acute one ("pneumonia") — only
# from a main clause of a fixed shape: a lead (subject, an age, "with" / "diagnosed with",
# "(confirmed) diagnosis of", "meets DSM-5 criteria for", a few severity and certainty words)
# right before the diagnosis, and after it only its initials or a parenthesis and a phrase that
# says how it was made or what else holds ("according to", "based on", "confirmed by", "who …",
# "for at least …", "requiring …", "treated with …"). An age or sex the finders read in the lead
# ("Adults (≥18 years) with …") and a current medication they read after "treated with" / "on"
# are necessary parts too. Any word in the bullet that could make the diagnosis optional, hedged,
# past, negated or someone else's refuses, and so does any other diagnosis named anywhere in it.

_SUBJECT = (
    r"(?:(?:adult|adolescent|pediatric|paediatric|male|female|ambulatory|consecutive"
    r"|hospitali[sz]ed|community-dwelling)\s)*"
    r"(?:patients?|participants?|subjects?|adults?|adolescents?|children|individuals?|persons?"
    r"|people|men|women|outpatients?|inpatients?)\s"
)
# "≥21 years old with …" when no finder reads the age: it is residue, the diagnosis necessary.
_AGE = (
    r"(?:aged?\s)?(?:>=?\s?|over\s|older\sthan\s|above\s|at\sleast\s)?\d+\s(?:years?|yrs?)"
    r"(?:\sold|\sof\sage)?(?:\s(?:or|and)\solder)?\s"
)
_VERB = (
    r"(?:(?:who|that)\s)?(?:(?:must|should)\s)?(?:(?:is|are)\s)?"
    r"(?:have|has|having|with|(?:(?:clinically|newly|formally)\s)?diagnosed\s(?:with|as(?:\shaving)?)"
    r"|suffer(?:s|ing)?\sfrom|present(?:s|ing)?\swith|(?:hospitali[sz]ed|admitted)\s(?:with|for))\s"
)
_CERTAINTY = (
    r"(?:confirmed|documented|established|definite|definitive|clinical|clinically|formal|current"
    r"|primary|verified|known|medical|physician|doctor|physician[- ](?:confirmed|diagnosed)"
    r"|objective|objectively"
    r"|firm)"
)
_DIAGNOSIS_OF = rf"(?:(?:an?|the)\s)?(?:{_CERTAINTY}\s)*diagnos(?:is|ed|e)(?:\s(?:of|with|as))?\s"
_CRITERIA_WORDS = (
    r"(?:the|dsm|dsm-5|dsm-v|dsm-iv|dsm-iv-tr|dsm-5-tr|icd-10|icd-11|diagnostic|classification"
    r"|research|revised|current|standard|international|american|college|of|rheumatology|acr"
    r"|\(acr\)|\(dsm-5\)|\(dsm-iv\)|mcdonald|19\d\d|20\d\d|and|statistical|manual(?:-5|-iv|-v)?"
    r"|mental|disorders|edition|fifth|text|revision|\(dsm-v\)|\(dsm\)|rome|iii|iv|\(rome|iii\)"
    r"|iv\))"
)
_MEETS_CRITERIA = (
    rf"(?:(?:currently|must)\s)?(?:meets?|meeting|fulfil?l?s?|fulfilling|satisf(?:y|ies|ying)"
    rf"|diagnosed\s(?:according\sto|using|by|per))\s"
    rf"(?:{_CRITERIA_WORDS}\s)*criteria\s(?:for|of)\s(?:(?:an?|the)\s)?(?:diagnosis\sof\s)?"
)
_SEVERITY = (
    r"(?:(?:mild|moderate|severe|moderately|severely|mild-to-moderate|moderate-to-severe|to|active"
    r"|chronic|stable|idiopathic|relapsing|relapsing-remitting|persistent|symptomatic|confirmed"
    r"|documented|established|definite|clinically|newly|diagnosed|physician-diagnosed"
    # judgements no datum states: the diagnosis is necessary, the judgement left to the residue
    r"|controlled|well-controlled|uncontrolled|poorly|inadequately|sub-optimally|suboptimally"
    # "First stroke", "first-ever ischaemic stroke": the patient has it, the count is residue
    r"|first-ever|first-time|first\sever|first\stime|first)\s)*"
)
_LEAD = re.compile(
    rf"(?:all\s)?(?:{_SUBJECT})?(?:{_AGE})?(?:{_VERB})?(?:{_DIAGNOSIS_OF}|{_MEETS_CRITERIA})?{_SEVERITY}"
)
# A lead that says nothing but the diagnosis ("Clinically diagnosed as type 2 diabetes
# mellitus"): with nothing after it either, the bullet is understood in full — no residue.
_PLAIN_LEAD = re.compile(
    r"(?:(?:(?:adult|consecutive)\s)*(?:patients?|participants?|subjects?|adults?|individuals?"
    r"|persons?|people)\s)?(?:(?:who|that)\s)?(?:(?:must|should)\s)?(?:(?:is|are)\s)?"
    r"(?:(?:have|has|having|with|(?:clinically\s)?diagnosed\s(?:with|as(?:\shaving)?))\s)?"
    r"(?:(?:an?|the)\s)?(?:(?:confirmed|documented|established|definite|clinical|clinically"
    r"|formal|current|verified|known|medical|physician|physician-confirmed|physician-diagnosed)\s)*"
    r"(?:diagnos(?:is|ed|e)(?:\s(?:of|with|as))?\s)?"
)
_NOTHING_AFTER = re.compile(r"[\s.;,]*$")
# In the lead: an age in parentheses the age finders read once the brackets are gone
# ("Adults (≥18 years) with"), and parentheses that restrict nothing.
_PAREN_AGE = re.compile(
    r"\((?P<age>(?:aged?\s)?(?:[<>]=?\s?\d+|\d+\s?-\s?\d+)\s(?:years?|yrs?)(?:\sold|\sof\sage)?)\)"
)
_NOTHING = re.compile(r"\bof any age\b")
_PAREN_NOTHING = re.compile(
    r"\(\s*(?:inclusive|of both sex(?:es)?|both sex(?:es)?|males? and females?|men and women"
    r"|male or female|either sex)?\s*\)"
)
_LEAD_FINDERS = (find_age, find_age_ranges, find_sex)
# What may follow the diagnosis: how it was made, how long or what else holds — never a word
# that makes it another diagnosis ("Parkinson disease dementia", "depression after stroke").
_DURATION = r"(?:\d+|one|two|three|six|twelve)\s(?:days?|weeks?|months?|years?)\b"
_TAIL = re.compile(
    r",?\s*(?:$|[.;:]|according\sto\b|based\son\b|as\s(?:defined|diagnosed|determined|confirmed"
    r"|established|assessed|documented|evidenced|per|by)\b|(?:defined|diagnosed|confirmed"
    r"|established|documented|verified|determined|assessed|proven|proved|made)\s(?:by|according"
    r"|using|per|with|based|on|in|at|through|via|from|for)\b|per\b|using\b|by\b|meeting\b"
    r"|fulfill?ing\b|(?:that|which)\s(?:meets?|fulfils?|fulfills?)\b|who\b|for\s(?:at\sleast"
    r"|more\sthan|over|≥|>|a\sminimum|\d)|since\b|diagnos(?:is|ed)\b|requiring\b|undergoing\b"
    r"|scheduled\b|referred\b|indicated\b|prescribed\b|with\b"
    # "COPD patients, …", "All keratoconus patients presenting …": the patients who have it
    r"|(?:patients|subjects|participants|individuals|adults|cases)\b(?!')"
    r"|(?:and\s)?(?:currently\s)?(?:treated|receiving|taking|on)\b"
    rf"|(?:for\s)?(?:lasting\s)?(?:at\sleast|>=?|more\sthan|over|lasting|of\s(?:at\sleast\s)?)"
    rf"\s?{_DURATION})"
)
# Words anywhere after the lead that can make the diagnosis optional, hedged, past, negated,
# another diagnosis or someone else's.
_DIAGNOSIS_REFUSAL = re.compile(
    r"\b(?:or|nor|either|and/or|vs|versus|alternatively|suspect\w*|suspicio\w*|probabl[ey]"
    r"|possibl[ey]|presum\w*|likely|risks?|history|prior|previous\w*|past|former\w*|family"
    r"|relatives?|parents?|mothers?|fathers?|siblings?|child|children|infants?|fetus\w*|foetus\w*"
    r"|offspring|partners?|spouses?|caregivers?|donors?|twins?|controls?|healthy|volunteers?"
    r"|no|not|non|without|never|free|absence|absent|lack\w*|negative|exclud\w*|except\w*|unless"
    r"|if|whether|may|might|can|could|allow\w*|permit\w*|eligible|eligibility|accept\w*"
    r"|optional|waive\w*|other|another|any|includ\w*|such|e\.g|eg|cohorts?|arms?|groups?"
    r"|parts?|strat(?:um|a)|phases?|resolved|cured|recovered|remitted|post|after|secondary"
    r"|due|induced|related|associated|pregnan\w*|gestation\w*|during|undiagnosed|rule|ruled"
    r"|differential|reported|self|carriers?|equivalent|subtypes?|spectrum|features|like"
    r"|first-degree)\b|/"
)
# An upper bound on how long the patient has had it ("for a period less than four months"): a
# recent diagnosis, a window the reading would leave out.
_RECENT = re.compile(
    r"(?:less\sthan|fewer\sthan|shorter\sthan|<=?|up\sto|under|within|no\smore\sthan)\s?"
    r"(?:\d+|one|two|three|four|five|six|twelve)\s(?:days?|weeks?|months?|years?)\b"
)
# An age after the diagnosis ("cerebral palsy patients between 12 and 72 months old").
_AGE_AFTER = re.compile(r"\b(?:aged?|ages|(?:years?|yrs?|months?|weeks?|days?)\s(?:old|of\sage))\b")
# Phrases that read like refusals or name a disease but say nothing of the patient's: a
# criteria body joined by "/" ("ACR/EULAR 2010"), a diagnosis dated before enrolment
# ("… at least 12 weeks prior to inclusion"), an association named after a disease.
_HARMLESS_WORDS = ("/", "prior to", "before", "association", "society", "of any ")
_HARMLESS = re.compile(
    r"\b(?:acr|eular|esh|esc|ats|ers|jrs|ada|easd|nia|aa|ilae|ichd|gold|gina|who|isth|nyha)"
    r" ?/ ?(?:acr|eular|esh|esc|ats|ers|jrs|ada|easd|nia|aa|ilae|ichd|gold|gina|who|isth|nyha)\b"
    r"|\b(?:prior\sto|before)\s(?:the\s)?(?:(?:study|trial)\s)?(?:inclusion|enrol\w*|enroll\w*"
    r"|screening|randomi[sz]ation|baseline|study\sentry|entry|(?:informed\s)?consent"
    r"|signing\s(?:the\s)?(?:informed\s)?consent|the\s(?:screening|baseline)\svisit|day\s1"
    r"|first\sdose|visit\s1|(?:the\s)?date\sof\s(?:the\s)?(?:screening|baseline|inclusion)"
    r"(?:\svisit)?)\b"
    r"|\bamerican\sdiabetes\sassociation\b|\b(?:national\s)?multiple\ssclerosis\ssociety\b"
    # "acne of any grade", "type 2 diabetes of any duration": no restriction at all
    r"|\bof\sany\s(?:grade|severity|type|duration|a?etiology|cause|origin)\b"
)
# A current medication after "treated with" / "on" / "taking" / "receiving" ("Type 2 diabetes
# treated with basal insulin …") is necessary too; one named elsewhere is not placed.
_MEDICATION_USE = re.compile(
    r"\b(?:treated\swith|receiving|taking|using|on)\s(?:(?:a|an|stable|current|ongoing"
    r"|regular|daily|basal|oral|dose|doses|of)\s)*$"
)
_USE_TRIGGERS = re.compile(r"\b(?:treated|receiving|taking|using|on|prescribed)\b")
_USE_WORD = re.compile(
    r"\b(?:treated\swith|receiving|taking|using|prescribed|(?<![a-z]ed\s)on)\s(?!(?:the|a|an|his|her|their)\s"
    r"(?:left|right|basis|day|date|waiting|list)\b)"
)
# Concepts whose finder marks them "active" (a current episode by default): the qualifier says
# what the bullet does, and the evaluator does not take a stale "active" entry as current.
_CURRENT_EPISODES = frozenset(
    {"infection", "sepsis", "pneumonia", "urinary-tract-infection"}
    | {"substance-use-disorder", "drug-use-disorder", "alcohol-use-disorder"}
)
# States a measurement defines (as the ICD-10-CM titles leave out): a bullet naming one asks
# for the value ("morbid obesity" is a BMI), not for a diagnosis on the problem list.
_MEASURED_STATES = frozenset({"obesity", "morbid-obesity"})
_MALIGNANT_WORDS = (
    *("cancer", "carcinoma", "tumor", "tumour", "malignan", "neoplas", "sarcoma", "lymphoma"),
    *("leuk", "myeloma", "glioma", "blastoma", "melanoma", "metasta"),
)


def _diagnosis_part(normalized: str, text: str) -> Criterion | None:
    """all-of(lead parts…, the diagnosis, medication…, TEXT residue) when the main clause states
    the diagnosis as the patient's own, plainly; else None."""
    if has_any(normalized, _HARMLESS_WORDS):
        normalized = _HARMLESS.sub(lambda m: " " * len(m.group(0)), normalized)
    found = _diagnoses(normalized)
    if not found:
        return None
    if len({m.criterion.concept for m in found}) != 1:
        return None  # another diagnosis
    first = found[0]
    end = _end_of_main_clause(normalized)
    if first.end > end:
        return None
    lead_read = _lead_parts(normalized[: first.start])
    if lead_read is None:
        return None
    lead, lead_words = lead_read
    after = first.end
    while normalized.startswith(" (", after) or normalized.startswith("(", after):
        close = normalized.find(")", after)
        if close < 0 or "(" in normalized[normalized.find("(", after) + 1 : close]:
            return None
        after = close + 1
    if not _TAIL.match(normalized, after):
        return None
    if _DIAGNOSIS_REFUSAL.search(normalized, first.start) or _RECENT.search(normalized, after):
        return None
    if _AGE_AFTER.search(normalized, after):
        return None  # an age the lead finders do not read: a necessary part left out
    medications = _medications(normalized, after)
    if medications is None or _reads_more(normalized, found):
        return None
    words = normalized[first.start : first.end]
    part = evolve(first.criterion, source_text=words)
    if (
        not medications
        and _NOTHING_AFTER.match(normalized, first.end)
        and _PLAIN_LEAD.fullmatch(lead_words)
    ):
        if not lead:
            return evolve(part, source_text=text)
        return Criterion(
            Kind.COMBINATION, children=(*lead, part), combination="all-of", source_text=text
        )
    residue = Criterion(Kind.TEXT, source_text=text)
    return Criterion(
        Kind.COMBINATION,
        children=(*lead, part, *medications, residue),
        combination="all-of",
        source_text=text,
    )


def _lead_parts(lead: str) -> tuple[list[Criterion], str] | None:
    """The age and sex parts the finders read in the words before the diagnosis and the other
    words, or None when they are not a lead."""
    if "(" in lead:
        lead = _PAREN_AGE.sub(lambda m: f" age {m['age']} ", lead)
    matches = _select([m for finder in _LEAD_FINDERS for m in finder(lead)])
    parts: list[Criterion] = []
    for match in reversed(matches):
        if match.kind != "criterion":
            return None
        lead = lead[: match.start] + " " + lead[match.end :]
        if match.criterion not in parts:
            parts.insert(0, evolve(match.criterion, source_text=_words(match)))
    if "(" in lead:
        lead = _PAREN_NOTHING.sub(" ", lead)
    if " any " in lead:
        lead = _NOTHING.sub(" ", lead)
    lead = " ".join(lead.split())
    lead = f"{lead} " if lead else ""
    if not _LEAD.fullmatch(lead):
        return None
    return parts, lead


def _medications(normalized: str, start: int) -> list[Criterion] | None:
    """The current medications the finder reads after the diagnosis, each placed right after a
    word of use; None when one is named anywhere else (it may not be necessary) or when a word of
    use names a drug the finder does not read ("… on metformin therapy"): a necessary part
    left out."""
    uses = (
        [m.end() for m in _USE_WORD.finditer(normalized, start)]
        if _USE_TRIGGERS.search(normalized, start)
        else []
    )
    parts: list[Criterion] = []
    for match in find_medications(normalized):
        criterion = match.criterion
        placed = match.start >= start and (
            criterion in parts or _MEDICATION_USE.search(normalized, start, match.start)
        )
        if (
            not placed
            or match.kind != "criterion"
            or criterion.negated
            or criterion.window is not None
            or criterion.kind not in (Kind.MEDICATION, Kind.COMBINATION)
        ):
            return None
        if criterion not in parts:
            parts.append(evolve(criterion, source_text=criterion.source_text))
        uses = [end for end in uses if not end <= match.start <= end + 40]
    return None if uses else parts


# Finders of what else a bullet may make necessary: a lab, score, therapy or procedure read
# beside the diagnosis would be a part the reading leaves out ("Clinical diagnosis of T2D and
# HbA1c ≥ 8%"), so the bullet stays text rather than lose it.
_OTHER_FINDERS = (
    *(find_labs, find_scales, find_performance_status, find_therapies, find_procedures),
    *(find_pregnancy, find_stage, find_biomarkers, find_smoking, find_allergies, find_scores),
)


def _reads_more(normalized: str, diagnoses: list[Match]) -> bool:
    """Whether a finder reads a criterion anywhere outside the diagnosis."""
    for finder in _OTHER_FINDERS:
        for match in finder(normalized):
            if match.kind == "criterion" and not any(
                d.start <= match.start and match.end <= d.end for d in diagnoses
            ):
                return True
    return False


@remember_recent(8)  # read again by `diagnosis_residue` on the same text
def _diagnoses(normalized: str) -> list[Match]:
    """The diagnoses a bullet names: hand-made condition concepts, the longest at each place,
    and ICD-10-CM titles where no hand-made concept reads a word of them; the longest title at
    each place. A hand-made concept with a qualifier (but an acute one's "active"), a negation, a
    window or a malignancy refuses (an empty list)."""
    conditions = [m for m in find_conditions(normalized) if m.kind == "criterion"]
    for match in conditions:
        criterion = match.criterion
        if (
            criterion.kind is not Kind.CONDITION
            or (
                criterion.qualifiers
                and not (
                    criterion.qualifiers == ("active",) and criterion.concept in _CURRENT_EPISODES
                )
            )
            or criterion.negated
            or criterion.window is not None
            or criterion.cohort is not None
            or criterion.concept in _MEASURED_STATES
            or has_any(normalized[match.start : match.end], _MALIGNANT_WORDS)
        ):
            return []
    titles = _select(spell_icd_titles(normalized))
    return sorted(yield_to_other_finders([*conditions, *titles]), key=lambda m: m.start)


# "… breast cancer which has progressed on hormonal based therapy including CDK4/6 inhibitor and 1
# prior line of chemotherapy and/or antibody drug conjugate therapy": a relative clause after the
# parts that lists, to the end of the main clause, therapies joined by "and" — each one received
# is necessary ("progressed on" implies "received"; the progression itself is left to the residue).
_THERAPY_TAIL = re.compile(
    r"\b(?:which|who|that) (?:has|have) (?:(?:since )?progressed (?:on|after|following)"
    r"|(?:previously )?received|been (?:previously )?treated with) (?P<list>.+?)\s*[.,]?\s*$"
)
_TAIL_ITEM_LEAD = re.compile(
    r"(?:at least |≥ ?)?(?:(?:1|one|a) )?(?:prior )?(?:lines? of |regimens? of |course of )?"
    r"(?:(?:hormonal|hormone|endocrine)(?:[- ]based)? )?(?:therapy|treatment) (?:including|with) "
    r"|(?:at least |≥ ?)?(?:1|one|a|an) (?:prior )?(?:lines? of |regimens? of )?|an? "
)
_TAIL_CLASSES = (
    ("cytotoxic-chemotherapy", r"(?:cytotoxic )?chemotherapy(?: regimens?)?"),
    ("antibody-drug-conjugate", r"antibody[- ]drug conjugates?(?: \(adcs?\))?(?: therapy)?|adcs?"),
    ("cdk4-6-inhibitor", r"cdk ?4/6 ?(?:inhibitors?|i)(?: therapy)?"),
    ("anthracycline", r"anthracyclines?(?:[- ]based chemotherapy)?"),
    ("taxane", r"taxanes?(?:[- ]based chemotherapy)?"),
    ("endocrine-therapy", r"(?:hormonal|hormone|endocrine)(?:[- ]based)? therapy"),
)
_TAIL_CLASS = re.compile("|".join(f"(?P<c{i}>{p})" for i, (_, p) in enumerate(_TAIL_CLASSES)))


def _therapy_tail(clause: str) -> list[Criterion]:
    """The therapies a relative clause after the parts says were received, or [] when the clause
    is not exactly a list of known classes joined by "and" (an item may be "A and/or B")."""
    if "therap" not in clause and "inhibitor" not in clause and "chemo" not in clause:
        return []
    tail = _THERAPY_TAIL.search(clause)
    if tail is None:
        return []
    parts: list[Criterion] = []
    for item in re.split(r",? and (?!/)|, ", tail["list"]):
        item = item.strip()
        lead = _TAIL_ITEM_LEAD.match(item)
        rest = item[lead.end() :] if lead else item
        alternatives = re.split(r" and/or | or ", rest)
        concepts = []
        for alternative in alternatives:
            found = _TAIL_CLASS.fullmatch(alternative.strip())
            if found is None:
                return []
            concepts.append(_TAIL_CLASSES[int(str(found.lastgroup)[1:])][0])
        leaves = [Criterion(Kind.PRIOR_THERAPY, concept=c, source_text=c) for c in concepts]
        parts.append(
            leaves[0]
            if len(leaves) == 1
            else Criterion(Kind.COMBINATION, children=tuple(leaves), combination="any-of")
        )
    return parts


def _without_therapy_names(clause: str, kept: list[Match]) -> tuple[str, list[Match]]:
    """A disease named as a therapy's ("… standard first-line metastatic breast cancer therapy"),
    after a part, is no part: it and the setting words before it are blanked."""
    if not any(noun in clause for noun in ("therap", "treatment", "regimen")):
        return clause, kept
    drop: set[int] = set()
    for index, match in enumerate(kept):
        if (
            index == 0
            or match.kind != "criterion"
            or match.criterion.kind is not Kind.CONDITION
            or not _THERAPY_NOUN.match(clause, match.end)
        ):
            continue
        first = index
        while (
            first > 0
            and kept[first - 1].kind == "modifier"
            and not clause[kept[first - 1].end : kept[first].start].strip()
        ):
            first -= 1
        if any(m.kind == "criterion" for m in kept[:first]):
            drop.update(range(first, index + 1))
    if not drop:
        return clause, kept
    for index in sorted(drop, reverse=True):
        match = kept[index]
        clause = clause[: match.start] + " " * (match.end - match.start) + clause[match.end :]
    return clause, [m for i, m in enumerate(kept) if i not in drop]


def _metastatic_at_any_moment(parts: list[Criterion]) -> bool:
    """Whether a part is stage IV or metastatic disease — what a relapse can make of any stage
    (a distant metastasis on record makes the disease stage IV, `evaluation.staging`)."""
    for part in _leaves(parts):
        if part.negated:
            return False
        if part.kind is Kind.STAGE and part.concept == "stage-4":
            return True
        if part.kind is Kind.CONDITION and (
            part.concept == _METASTATIC or "metastatic" in part.qualifiers
        ):
            return True
    return False


def has_residue(criterion: Criterion | None) -> bool:
    """Whether a compiled criterion carries a text residue (a partly understood bullet)."""
    if criterion is None or criterion.kind is not Kind.COMBINATION:
        return False
    return any(child.kind is Kind.TEXT for child in criterion.children)


def _set_aside(text: str) -> str:
    """Blank out parentheticals that name no disease, receptor, stage or setting."""
    out = text
    while True:
        changed = False
        for match in _PARENTHETICAL.finditer(out):
            inner = match.group(0)
            if "\x00" in inner:
                continue
            if _names_a_part(inner[1:-1]) or _RECEPTOR_ALTERNATIVE.match(inner[1:-1]):
                # keep it, but mark its brackets so the loop does not revisit it
                marked = "\x00" + inner[1:-1] + "\x00"
            else:
                marked = " " * len(inner)
            out = out[: match.start()] + marked + out[match.end() :]
            changed = True
            break
        if not changed:
            return out.replace("\x00", " ")


def _names_a_part(text: str) -> bool:
    """Whether the text names a disease, a status, a stage or a setting."""
    return bool(_PART_WORDS.any_in(text) or ("-" in text and _HYPHEN_AFTER_WORD.search(text)))


# A sentence end (as `_SENTENCE_END`) followed by an "or" (after an optional "b)" label).
_ALTERNATIVE_AFTER_THE_CLAUSE = re.compile(
    r"(?:(?<=[a-z0-9)\]%])\.\s|[;:]\s?)\s*(?:\(?[a-z0-9]\)\s*)?(?:or|and/or|either)\b"
)
_OR_WORDS = (" or", "and/or", "either")


def _end_of_main_clause(text: str) -> int:
    found = _SENTENCE_END.search(text)
    return found.start() if found else len(text)


def _select(matches: list[Match]) -> list[Match]:
    chosen: list[Match] = []
    for match in sorted(matches, key=lambda m: (-(m.end - m.start), m.start)):
        if all(match.end <= c.start or match.start >= c.end for c in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def _is_part(match: Match) -> bool:
    criterion = match.criterion
    if match.kind == "modifier":
        return True
    if match.kind != "criterion":
        return False
    if criterion.kind is Kind.CONDITION:
        if criterion.concept == "brain-metastases":
            return not criterion.negated  # the cancer has spread: metastatic disease
        return criterion.concept in _DISEASES and "other-primary" not in criterion.qualifiers
    if criterion.kind in (Kind.BIOMARKER, Kind.STAGE):
        return True
    if criterion.kind is Kind.COMBINATION:
        kinds = {child.kind for child in criterion.children}
        return kinds <= {Kind.BIOMARKER, Kind.STAGE}
    return False


def _plain(masked: str, clause: str, kept: list[Match]) -> bool:
    """Whether the words around the parts leave every part necessary.

    Up to the last part every word counts. After it, a relative clause ("… breast cancer which
    has progressed on endocrine therapy including a CDK4/6 inhibitor and 1 prior line of
    chemotherapy and/or ADC") says more about the same patient: its "or", "prior" and "not" do
    not touch the parts before it — but a disease, receptor or stage word, or an "or" that opens
    another population ("…, or patients who …"), still refuses.
    """
    tokens = _TOKEN.findall(masked)
    last = max(i for i, token in enumerate(tokens) if token == "§")
    words_after = [t for t in tokens[last + 1 :] if t not in ("/",)]
    relative = bool(words_after) and words_after[0] in _RELATIVE
    for index, token in enumerate(tokens):
        in_tail = relative and index > last
        if token in _CLAUSE_REFUSAL and not (in_tail and token in _TAIL_ALLOWED):
            return False
        if token in _OR or token == "either":
            before = tokens[index - 1] if index else ""
            after = tokens[index + 1] if index + 1 < len(tokens) else ""
            if in_tail:
                if _SUBJECTS & set(tokens[index + 1 :]):
                    return False
            elif token == "/":
                if before in _SLASH_SENSITIVE or after in _SLASH_SENSITIVE:
                    return False
            elif not (before in _HARMLESS_OR and after in _HARMLESS_OR):
                return False
    for match in kept:
        # A part that starts or ends inside a word ("stage IIIC or i|nitial") was misread.
        if _cuts_word(clause, match.start) or _cuts_word(clause, match.end):
            return False
        stages = any(leaf.kind is Kind.STAGE for leaf in _leaves([match.criterion]))
        if stages and (
            _MORE_STAGES.match(clause, match.end) or _STAGE_BOUND.search(clause, 0, match.start)
        ):
            return False
    return True


def _cuts_word(text: str, index: int) -> bool:
    return 0 < index < len(text) and text[index - 1].isalnum() and text[index].isalnum()


def _parts(kept: list[Match], clause: str) -> list[Criterion] | None:
    """The parts in order: setting modifiers attach to the disease they qualify.

    Required brain metastases ("… brain metastases", "… that has metastasized to the brain")
    are two parts: metastatic disease, and brain metastases themselves. The evaluator never
    calls a required brain metastasis absent from the problem list alone (they are often not
    coded), only from a recent negative brain study (evaluation/diagnoses.py).
    """
    parts: list[Criterion] = []
    brain: list[Criterion] = []
    pending: tuple[str, ...] = ()
    diseases: list[int] = []  # indexes into parts
    for match in kept:
        criterion = match.criterion
        if match.kind == "modifier":
            pending = (*pending, *criterion.qualifiers)
            words = clause[match.start : match.end]
            if _TO_THE_BRAIN.search(words):
                brain.append(Criterion(Kind.CONDITION, concept=_BRAIN, source_text=words))
            continue
        if criterion.concept == _BRAIN:
            brain.append(evolve(criterion, source_text=criterion.source_text or _words(match)))
            criterion = Criterion(Kind.CONDITION, concept=_METASTATIC)
        if criterion.kind is Kind.CONDITION and not criterion.negated and pending:
            criterion = evolve(criterion, qualifiers=(*criterion.qualifiers, *pending))
            pending = ()
        if criterion.kind is Kind.CONDITION and not criterion.negated:
            diseases.append(len(parts))
        parts.append(evolve(criterion, source_text=criterion.source_text or _words(match)))
    if pending:
        # "breast cancer that has metastasized": the setting follows the disease it qualifies.
        if diseases:
            index = diseases[-1]
            disease = parts[index]
            parts[index] = evolve(disease, qualifiers=(*disease.qualifiers, *pending))
        elif set(pending) == {"metastatic"}:
            parts.append(Criterion(Kind.CONDITION, concept=_METASTATIC, source_text="metastatic"))
    settled = _settled([*parts, *brain])
    if settled is None:
        return None
    unique: list[Criterion] = []
    for part in settled:
        if part not in unique:
            unique.append(part)
    return unique


def _settled(parts: list[Criterion]) -> list[Criterion] | None:
    """Refuse contradictions and two different diseases; a setting on "metastatic disease"
    itself or on a disease with an advanced qualifier stays as given."""
    statuses: dict[str, str] = {}
    for part in _leaves(parts):
        if (
            part.kind is Kind.BIOMARKER
            and part.concept
            and part.value_concept
            and statuses.setdefault(part.concept, part.value_concept) != part.value_concept
        ):
            return None
    diseases = {
        _LINEAGE.get(p.concept or "", lineage(p.concept or ""))
        for p in parts
        if p.kind is Kind.CONDITION and p.concept not in (_METASTATIC, _BRAIN, "malignant-neoplasm")
    }
    if len(diseases) > 1:
        return None
    if not diseases and any(p.kind is Kind.STAGE for p in _leaves(parts)):
        return None  # a stage with no cancer named: Hoehn & Yahr, CKD, NYHA… are stages too
    negated_metastatic = any(p.concept == _METASTATIC and p.negated for p in parts)
    advanced = any(
        p.kind is Kind.CONDITION
        and not p.negated
        and p.qualifiers
        and p.concept not in (_METASTATIC, _BRAIN)
        for p in parts
    )
    if negated_metastatic and (advanced or any(p.kind is Kind.STAGE for p in _leaves(parts))):
        return None  # "non-metastatic … stage IV"? not read
    out: list[Criterion] = []
    for part in parts:
        if part.kind is Kind.CONDITION and part.concept == _METASTATIC and part.qualifiers:
            part = evolve(part, qualifiers=())  # "metastatic metastatic disease"
        out.append(part)
    return out


def _leaves(parts: list[Criterion]) -> list[Criterion]:
    out: list[Criterion] = []
    for part in parts:
        if part.kind is Kind.COMBINATION:
            out.extend(_leaves(list(part.children)))
        else:
            out.append(part)
    return out


def _words(match: Match) -> str | None:
    return match.criterion.source_text


# ---------------------------------------------------------------- exclusion: sufficient parts
#
# "Pregnant or nursing participants. Women of childbearing potential must agree to use
# contraception …" is not understood in full, but a patient who is breastfeeding is excluded
# whatever the rest says. `sufficient_parts` keeps such parts of an exclusion bullet's main clause:
# any-of(part…, TEXT residue) — met (excluded) only when a part clearly is, otherwise at best
# unknown (the residue is never met and never not-met). A wrong part excludes a patient who could
# join, so the reading refuses whenever a word could make a part not sufficient on its own.

# Concepts a part may name: states a record can show and that a list names on their own.
_SUFFICIENT_KINDS = frozenset({Kind.PREGNANCY, Kind.BREASTFEEDING})
_SUFFICIENT_CONDITIONS = frozenset(
    {"hiv", "hbv", "hcv", "syphilis", "brain-metastases", "primary-immunodeficiency"}
)
# Substrings one of which every bullet with a possible part contains: a cheap gate.
_SUFFICIENT_TRIGGERS = (
    *("pregnan", "feeding", "lactat", "nursing", "metasta", "brain met", "hiv", "human immuno"),
    *("hepatitis", "hbv", "hcv", "syphilis", "primary immun", "pneumonitis", "interstitial lung"),
    "ild",
)
# Words anywhere in the bullet that can make a part conditional, allowed, hedged or narrower.
_EXCLUSION_REFUSAL = re.compile(
    r"\b(?:unless|except\w*|excluding|other than|eligible|eligibility|allow\w*|permit\w*"
    r"|considered|accept\w*|provided|whether|only|stable|stabl\w*|suspect\w*|suspicio\w*|probable"
    r"|presumed|likely|risks?|discretion|judge?ment|opinion|deemed|significant\w*|uncontrolled"
    r"|severe|serious|symptomatic|asymptomatic|controlled|active|untreated|progressive"
    r"|progressing|cohorts?|arms?|parts?|phases?|strat(?:um|a)|defined|definition|meaning"
    r"|namely|regardless|irrespective|waive\w*|optional|not (?:be )?(?:required|necessary)"
    r"|need not|healthy|volunteers?|donors?)\b"
    r"|\b(?:may|might|can|could|will|would)(?: not)?(?: still)? (?:be (?:enrol\w*|enroll\w*"
    r"|includ\w*|eligible|allowed|permitted|considered|accepted|admitted|recruited)"
    r"|participate|enrol\w*|enroll\w*|join|continue|remain|resume|take part)\b"
)
# Words in the main clause that can narrow, date or hedge a part ("pregnancy during treatment",
# "multiple pregnancy", "history of hepatitis B within 5 years").
_CLAUSE_REFUSAL_EXCL = re.compile(
    r"\b(?:if|when|may|might|can|could|possible|possibly|chronic|acute|recent\w*|groups?"
    r"|stages?|including|includes|such as|e\.?g|ie|for example|specifically|caregivers?"
    r"|partners?|spouses?|family|relatives?|high[- ]risk|multiple|multifetal|twins?"
    r"|gestation\w*|trimester|weeks?|post[- ]?partum|peri[- ]?partum|parturient|labou?r"
    r"|delivery|termination|terminated|abortion|miscarriage|ectopic|outcome|complications?"
    r"|during|throughout|after|following|prospective|planned|future|self[- ]\w+|reported"
    r"|disclosed|history|prior|previous\w*|past|within|since|before|until)\b"
)
# Words of contraception and test sentences that read like refusal words but are not.
_HARMLESS_PHRASES = re.compile(r"\bsexually active\b|\bactively\b")
# Sentences about contraception, pregnancy tests and reproductive potential speak of other
# people or of how pregnancy is ruled out: only an allowance in them refuses.
_CONTRACEPTION_SENTENCE = re.compile(
    r"contracept|child[- ]?bearing|reproductive potential|pregnancy tests?|menses|menopaus"
    r"|sterili[sz]|birth control|abstinen|celiba|hysterectomy|oophorectomy|tubal"
)
_ALLOWANCE_REFUSAL = re.compile(
    r"\b(?:unless|except\w*|excluding|other than|eligible|eligibility|allow\w*|permit\w*"
    r"|accept\w*|provided|waive\w*|optional|cohorts?|arms?|parts?|phases?)\b"
    r"|\b(?:may|might|can|could|will|would)(?: not)?(?: still)? (?:be (?:enrol\w*|enroll\w*"
    r"|includ\w*|eligible|allowed|permitted|considered|accepted|admitted|recruited)"
    r"|participate|enrol\w*|enroll\w*|join|continue|remain|resume|take part)\b"
)
_SENTENCE = re.compile(r"[^.;]+(?:[.;]|$)")
# What stops breastfeeding counting: "breastfeeding must be discontinued", "willing to stop …".
_STOPPED_NURSING = re.compile(
    r"(?:breast[- ]?feed\w*|nursing|lactat\w*)\W+(?:\w+\W+){0,6}?"
    r"(?:discontinu\w*|stop\w*|ceas\w*|interrupt\w*|suspend\w*|withh\w*|pump\w*|wean\w*)"
    r"|(?:discontinu\w*|stop\w*|ceas\w*|interrupt\w*|suspend\w*|withh\w*|pump\w*|wean\w*)"
    r"\W+(?:\w+\W+){0,6}?(?:breast[- ]?feed\w*|nursing|lactat\w*)"
)
# A justification ends what the bullet excludes: "… are excluded because the effects on the
# fetus are unknown". "Since" justifies only before a clause with its verb ("since it is known
# that …", NCT03866707 inc-5; "since the foods for the study contain meat", NCT03934346 exc-3);
# before a moment it dates ("since 2010", NCT03927742 inc-2; "since the onset", "since diagnosis
# of …"; "HIV since childhood") it narrows, and cut off the bullet read as the bare diagnosis.
_BECAUSE = re.compile(
    r",?\s*\b(?:because|since(?=\s+(?:[a-z]+\s+){0,4}?(?:is|are|was|were|will|can|could|may"
    r"|might|would|should|must|contains?|has|have|does|do)\b)|as (?:the|there|it|they|this)"
    r"|(?:as )?(?:confirmed|documented|determined|verified|assessed) by)\b"
)
# Phrases that only say the bullet excludes, and subject words a pregnant / nursing patient is.
_EXCLUDED_PHRASE = re.compile(
    r"\s*\b(?:(?:is|are|will be|would be|should be|shall be|must be|to be|be) )?"
    r"(?:excluded|ineligible|not eligible)(?: from (?:participation in )?(?:participation|"
    r"(?:this|the) (?:clinical )?(?:study|trial|protocol)))?"
)
_NEGATED_SUBJECT = re.compile(r"\b(?:no|not|non|without|never|free|negative|neither|nor)\b")
_NURSING_SUBJECT = re.compile(
    r"(?:(?<=pregnant)|(?<=lactating)|(?<=nursing)|(?<=feeding))( (?:woman|women|mothers?"
    r"|females?|ladies|lady|patients?|participants?|subjects?))\b"
)
_NURSING_SUBJECT_BEFORE = re.compile(
    r"\b(?:(?:female|women|woman) )?(?:females?|women|woman|patients?|participants?|subjects?)"
    r" (?:who|that) (?:are|is) (?=(?:currently )?(?:pregnant|breast|lactat|nursing))"
)
# "… or where suspected ILD/pneumonitis cannot be ruled out by imaging at screening": a last
# item a record cannot decide (a suspicion); its words to the end of the main clause are residue.
_UNRULED_SUSPICION = re.compile(
    r",?\s*(?:or|and/or)\s+(?:where |in which |if |when )?(?:an? |any )?suspected [^.;]*?"
    r"\bcannot be (?:ruled out|excluded)\b[^.;]*$"
)
# "has a history of ILD that required steroids": the history is what the qualifier decides.
_HISTORY_OF_BEFORE = re.compile(r"(?:\b(?:a )?(?:known |prior |past |previous )?history of )$")
# A future pregnancy ("or planning to become pregnant within 6 months …") is another item of
# the list: its words to the end of the main clause are residue, never a part.
_FUTURE_VERB = r"(?:plan\w*|intend\w*|intention|wish\w*|desir\w*|expect\w*|trying|seek\w*)"
_FUTURE_PREGNANCY = re.compile(
    r"(?:,\s*|\s|/\s*)(?:or|and/or)\s+(?:(?:those|women|patients|participants|subjects) )?"
    rf"(?:(?:who|that) (?:are |is )?)?(?:(?:actively|currently) )?(?:(?:a|an|the) )?{_FUTURE_VERB}"
    rf"(?:/{_FUTURE_VERB})* (?:on |of |to |for )?(?:(?:becom\w*|get\w*|be) pregnant\b"
    r"|(?:have )?(?:a |another )?pregnancy\b).*$"
    r"|(?:,\s*|\s)(?:or|and/or)\s+(?:(?:a|the) )?(?:planned|prepar\w* for(?: a)?) pregnancy\b.*$"
)
# Another state beside a current pregnancy or breastfeeding, its own item of the list ("…,
# <6 months post-partum, …", "Pregnant, parturient or breastfeeding", "Pregnancy, lactation,
# gestational DM"): residue, never a part, and cut out before the refusal words are read.
_OTHER_STATE_ITEM = re.compile(
    r"(?:,\s*(?:or |and/or |and )?|\s(?:or|and/or|and)\s)"
    r"(?:(?:<|<=|within|less than) ?\d+ (?:weeks?|months?) (?:post[- ]?partum"
    r"|after (?:delivery|childbirth))|parturient|gestational (?:dm|diabetes(?: mellitus)?)"
    r"(?: \(gdm\))?)(?=\s*(?:[,;.]|$|\s(?:or|and/or|and)\s))"
)
_THOUSANDS = re.compile(r"\d{3}(?!\d)")
_UNIT = re.compile(r"(?:dl|l|ml|min|mm3|mm\^3|ul|µl|μl|kg|m2|m²|day|d|h|hr|hpf|24 ?h)\b")
_ITEM_SEPARATOR = re.compile(r"\s*,\s*(?:or|and/or|and)\s+|\s*,\s*|\s+(?:or|and/or|and)\s+|/")
# Words that, in an item not understood, could reach the parts next to it ("HIV or hepatitis
# requiring treatment"): the item stays residue only when it names its own subject.
_RESTRICTING = re.compile(
    r"\b(?:with|without|requir\w*|need\w*|that|who|whose|which|where|on|receiv\w*|taking"
    r"|treated|treatment|therapy|not|no|non|history|prior|previous\w*|past|current\w*|ongoing"
    r"|concurrent|within|in|during|of|due|caused|related|associated|secondary|known|positive"
    r"|negative|infect\w*|virus|viral|load|titer|titre|count|cd4|detect\w*|undetect\w*)\b"
)
_LEADING_QUALIFIER = re.compile(
    r"(?:un\w+|non-?\w+|poorly|clinically|medically)\b|(?:active|symptomatic|severe|serious|chronic"
    r"|acute|recent|current|concurrent|known|documented|confirmed|significant|major|any|other"
    r"|prior|previous|past|history|progressive|unstable|significant|suspected|possible|probable"
    r"|persistent|recurrent|ongoing|treated|unresolved|resolved|latent|occult)\b"
)
_OWN_SUBJECT = re.compile(
    r"^(?:(?:any|all) )?(?:women|woman|men|man|females?|males?|patients?|participants?"
    r"|subjects?|individuals?|persons?|people|those|anyone|mothers?|fathers?)\b"
)
_SUFFICIENT_FINDERS = (
    *(find_conditions, find_pregnancy, find_therapies, find_labs, find_biomarkers, find_scores),
)
_CONNECTIVE_END = re.compile(r"\b(?:and|and/or|or|plus|with)\s*[,;:.-]*\s*$")
# "(… treated … stable … are eligible)", ", except …", "unless …" or a sentence "Patients whose
# brain metastases have been treated may participate if …": an allowance, read only when it
# allows treated brain metastases alone.
_BRAIN_ALLOWANCE = re.compile(
    r"\s*(?:\((?P<paren>[^()]*)\)|,?\s*(?:with the exception of|except(?: for)?|unless)\b"
    r"(?P<rest>[^.;()]*)|(?<=[.;] )(?P<sentence>(?:patients|participants|subjects|those)\b"
    r"[^.;]*)(?:[.;]|$))"
)
_ALLOWING = re.compile(
    r"\b(?:eligible|allowed|permitted|acceptable|may (?:be )?(?:enrol\w*|includ\w*"
    r"|participat\w*))\b"
)
# "… These patients may be enrolled at the discretion of the investigator.": still the allowance.
_ALLOWANCE_FOLLOW_ON = re.compile(
    r"\s*[.;]?\s*(?:these|such|those) (?:patients|participants|subjects) (?:may|can|will)"
    r" be (?:enrol\w*|eligible|included|allowed|considered)[^.;]*[.;]?"
)
_ALLOWANCE_CONDITIONS = re.compile(
    r"\s*[.;]?\s*(?:in addition|additionally|furthermore|moreover),? [^.;]*\bmust\b[^.;]*[.;]?"
)
_TREATED = re.compile(
    r"(?<![\w-])(?:treated|after (?:\w+ ){0,4}treatment|(?:undergone|received|had) (?:\w+ ){0,3}"
    r"(?:radiotherapy|radiation|surgery|resection|radiosurgery|srs|treatment|therapy))\b"
)
_WIDER_ALLOWANCE = re.compile(
    r"\buntreated\b|asymptomatic|symptom|\bnot? requir|do(?:es)? not|don't|\bsmall|\d+\s*(?:mm"
    r"|cm)\b|<|\bsize\b|controlled|leptomening|incidental|single|solitary|\blesions?\b"
    r"|\bnot treated\b|non-?treated|\bor (?:are |is )?(?:asymptomatic|untreated|stable|small"
    r"|without)"
)
_STABLE_FOR = re.compile(
    r"\bstable\b(?:[^.;()]*?)(?:for )?(?:>=?|at least )?\s*(?P<n>\d+|"
    + "|".join(WORD_NUMBERS)
    + r")\s*(?P<unit>day|week|month)s?\b"
)


def sufficient_parts(
    normalized: str, text: str, compile_clause: Callable[[str], Criterion | None]
) -> Criterion | None:
    """any-of(sufficient parts…, TEXT residue) for an exclusion bullet, or None (refused).

    ``compile_clause`` compiles a piece of the main clause in full as an exclusion (the rules'
    own reading), or returns None. The states and infections a list names on their own are read
    first (`_named_parts`); any other list of items, each understood in full or residue, after
    (`_listed_parts`), then the examples a bullet gives of the class it names
    (`example_lists.example_parts`)."""
    return (
        _named_parts(normalized, text, compile_clause)
        or _listed_parts(normalized, text, compile_clause)
        or example_parts(normalized, text, compile_clause)
        or device_parts(normalized, text, compile_clause)
        or measure_alternative(normalized, text, compile_clause)
    )


def _named_parts(
    normalized: str, text: str, compile_clause: Callable[[str], Criterion | None]
) -> Criterion | None:
    if not has_any(normalized, _SUFFICIENT_TRIGGERS) or not has_any(
        normalized[: _end_of_main_clause(normalized)], _SUFFICIENT_TRIGGERS
    ):
        return None  # parts come from the main clause only
    if _CONNECTIVE_END.search(normalized) or normalized.startswith(("and ", "or ", "and/or ")):
        return None  # joined to a neighbouring bullet
    normalized = normalized.replace("i.e.", "ie").replace("e.g.", "eg")
    allowance = _brain_allowance(normalized)
    if allowance is None:
        return None
    normalized, brain = allowance
    end = _end_of_main_clause(normalized)
    clause, rest = normalized[:end], normalized[end:]
    if because := _BECAUSE.search(clause):
        clause = clause[: because.start()]  # a justification: says nothing about who
    future = _FUTURE_PREGNANCY.search(clause) if "pregnan" in clause else None
    if future:
        clause = clause[: future.start()]  # another item: residue
    other_state = None
    if has_any(clause, ("partum", "parturient", "gestational")) and has_any(
        clause, ("pregnan", "feeding", "lactat", "nursing")
    ):
        other_state = _OTHER_STATE_ITEM.search(clause)
        clause = _OTHER_STATE_ITEM.sub("", clause)  # other items: residue
    suspected = _UNRULED_SUSPICION.search(clause)
    if suspected:
        clause = clause[: suspected.start()]  # "or where suspected X cannot be ruled out": residue
    if _refused_clause(clause) and _refused_clause(_mask_condition_qualifiers(clause)):
        return None
    if _STOPPED_NURSING.search(normalized) or not _rest_is_harmless(rest):
        return None
    said_excluded = _EXCLUDED_PHRASE.sub("", clause)
    if said_excluded != clause and _NEGATED_SUBJECT.search(said_excluded):
        return None  # "Patients without HIV will be excluded": the negation is what excludes
    clause = said_excluded
    if has_any(clause, ("pregnant", "feeding", "nursing", "lactating")):
        clause = _NURSING_SUBJECT_BEFORE.sub("", _NURSING_SUBJECT.sub("", clause))
    clause = clause.strip(" ,")
    whole = compile_clause(clause)
    if (
        whole is not None
        and brain is None
        and future is None
        and other_state is None
        and suspected is None
        and not rest.strip(" .;,")
        and _acceptable(whole) is not None
    ):
        # Only subject words ("Pregnant or breastfeeding woman") or "are excluded because …"
        # stood in the way: the bullet is understood in full.
        return evolve(whole, source_text=text)
    parts = _acceptable(whole) if whole is not None else _sufficient_items(clause, compile_clause)
    if not parts:
        return None
    if brain is not None:
        parts = [_with_brain_allowance(part, brain) for part in parts]
        if any(part is None for part in parts):
            return None
    if (WINDOW_WITHIN.search(rest) or "within" in rest) and any(
        p is not None and p.kind not in _SUFFICIENT_KINDS for p in parts
    ):
        return None  # "… within 5 years" elsewhere may narrow a condition
    kept = [p for p in _unique_parts(parts) if p is not None]
    residue = Criterion(Kind.TEXT, source_text=text)
    return Criterion(
        Kind.COMBINATION, children=(*kept, residue), combination="any-of", source_text=text
    )


def _refused_clause(clause: str) -> bool:
    return bool(
        _CLAUSE_REFUSAL_EXCL.search(clause)
        or _EXCLUSION_REFUSAL.search(_HARMLESS_PHRASES.sub(" ", clause))
    )


def _rest_is_harmless(rest: str) -> bool:
    """No word after the main clause can make a part conditional, allowed or narrower."""
    for sentence in _SENTENCE.findall(rest):
        if _CONTRACEPTION_SENTENCE.search(sentence):
            if _ALLOWANCE_REFUSAL.search(sentence):
                return False
        elif _EXCLUSION_REFUSAL.search(_HARMLESS_PHRASES.sub(" ", sentence)):
            return False
    return True


def _sufficient_items(
    clause: str, compile_clause: Callable[[str], Criterion | None]
) -> list[Criterion | None] | None:
    """The parts of a main clause not understood as a whole: its list items (split at "," /
    "or" / "and" outside parentheses) each compiled in full; an item not understood is residue
    when it names nothing a finder knows and cannot reach its neighbours."""
    items, links = _split_items(clause)
    if len(items) < 2 or len(items) > 12:
        return None
    parts: list[Criterion | None] = []
    understood: list[bool] = []
    index = 0
    while index < len(items):
        # The longest run of items from here that compiles ("hepatitis B and C", "HIV 1/2");
        # an item that names no part is not compiled at all.
        longest = min(len(items), index + 3) if has_any(items[index], _SUFFICIENT_TRIGGERS) else 0
        for stop in range(longest, index, -1):
            joined = _join_items(items[index:stop], links[index : stop - 1])
            criterion = compile_clause(joined)
            if criterion is not None:
                accepted = _acceptable(criterion)
                if accepted is None:
                    return None
                parts.extend(accepted)
                understood.extend([True] * (stop - index))
                index = stop
                break
        else:
            if not _harmless_residue(items[index]):
                return None
            understood.append(False)
            index += 1
    if all(understood) or not any(understood):
        return None if not any(understood) else parts
    for link, left, right in zip(links, understood[:-1], understood[1:], strict=True):
        if link in ("and", "/") and left != right:
            return None  # "HIV and on antiretrovirals with interactions"
    return parts


def _split_items(clause: str) -> tuple[list[str], list[str]]:
    """Items and the connectives between them ("or", "and", ","), parentheses kept whole."""
    items: list[str] = []
    links: list[str] = []
    start = 0
    for match in _ITEM_SEPARATOR.finditer(clause):
        before = clause[: match.start()]
        if before.count("(") + before.count("[") > before.count(")") + before.count("]"):
            continue  # inside parentheses
        if (
            match.group(0) == ","
            and before[-1:].isdigit()
            and _THOUSANDS.match(clause, match.end())
        ):
            continue  # "100,000/mm3"
        if match.group(0) == "/" and (before[-1:].isdigit() or _UNIT.match(clause, match.end())):
            continue  # "100/mm3", "30 ml/min"
        item = clause[start : match.start()].strip()
        word = match.group(0).strip(" ,")
        if not word and (dangling := _DANGLING_LINK.search(item)):
            # "X and, Y": the connective before the comma joins the items
            item, word = item[: dangling.start()], dangling.group(1)
        items.append(item)
        links.append(word if word in ("and", "/") else "or" if word == "and/or" else word or ",")
        start = match.end()
    items.append(clause[start:].strip())
    if any(not item for item in items):
        return [], []
    return items, links


_DANGLING_LINK = re.compile(r"\s+(and|or|and/or)$")


def _join_items(items: list[str], links: list[str]) -> str:
    out = items[0]
    for link, item in zip(links, items[1:], strict=True):
        out += f", {item}" if link == "," else f"/{item}" if link == "/" else f" {link} {item}"
    return out


def _harmless_residue(item: str) -> bool:
    """An item not understood that names nothing a finder knows and whose words cannot reach
    the parts next to it (or that opens its own population: "women of childbearing potential
    not using contraception"). A qualifier opening the item can reach the items after it
    ("unstable spinal cord compression/brain metastases"), a restriction in it those before."""
    if not _OWN_SUBJECT.match(item) and (
        _RESTRICTING.search(item) or _LEADING_QUALIFIER.match(item)
    ):
        return False
    return not any(finder(item) for finder in _SUFFICIENT_FINDERS)


def _acceptable(criterion: Criterion) -> list[Criterion | None] | None:
    """The members of a compiled piece, if every one may be a sufficient part."""
    members = (
        list(criterion.children)
        if criterion.kind is Kind.COMBINATION and criterion.combination == "any-of"
        else [criterion]
    )
    out: list[Criterion | None] = []
    for member in members:
        if not _may_be_sufficient(member):
            return None
        out.append(evolve(member, source_text=member.source_text))
    return out


def _may_be_sufficient(criterion: Criterion) -> bool:
    if criterion.negated or criterion.cohort is not None:
        return False
    if criterion.kind is Kind.COMBINATION:
        if criterion.combination not in ("all-of", "any-of"):
            return False
        return all(_may_be_sufficient(child) for child in criterion.children)
    if criterion.kind in _SUFFICIENT_KINDS:
        return criterion.window is None
    if criterion.kind is Kind.SEX:
        return criterion.value_concept == "female"  # "women who are pregnant"
    if criterion.kind is not Kind.CONDITION or criterion.window is not None:
        return False
    if criterion.concept in QUALIFIED_CONDITIONS:
        return bool(set(criterion.qualifiers) & DECIDING_QUALIFIERS)
    return criterion.concept in _SUFFICIENT_CONDITIONS


def _unique_parts(parts: list[Criterion | None]) -> list[Criterion | None]:
    out: list[Criterion | None] = []
    for part in parts:
        if part not in out:
            out.append(part)
    return out


def _mask_condition_qualifiers(text: str) -> str:
    """Blank out the qualifiers a condition finder carries ("untreated brain metastases"), so
    that the refusal words see only the words no part accounts for."""
    if not has_any(
        text,
        ("symptomatic", "untreated", "active", "progress", "uncontrolled", "current", "steroid"),
    ):
        return text
    out = text
    for match in find_conditions(text):
        if match.kind == "criterion" and _has_qualifiers(match.criterion):
            start = match.start
            if REQUIRED_STEROIDS in _all_qualifiers(match.criterion):
                history = _HISTORY_OF_BEFORE.search(text, max(0, start - 40), start)
                start = history.start() if history else start
            out = out[:start] + " " * (match.end - start) + out[match.end :]
    return out


def _all_qualifiers(criterion: Criterion) -> set[str]:
    if criterion.kind is Kind.COMBINATION:
        return {q for child in criterion.children for q in _all_qualifiers(child)}
    return set(criterion.qualifiers)


def _has_qualifiers(criterion: Criterion) -> bool:
    if criterion.kind is Kind.COMBINATION:
        return all(_has_qualifiers(child) for child in criterion.children)
    if criterion.concept in QUALIFIED_CONDITIONS:
        return bool(set(criterion.qualifiers) & DECIDING_QUALIFIERS)
    return bool(criterion.qualifiers) and criterion.concept in _SUFFICIENT_CONDITIONS


@dataclass(frozen=True, slots=True)
class _BrainAllowance:
    """ "Treated brain metastases stable for ≥ N weeks are eligible": `stable_for` is the
    window of stability (None when the text gives no duration)."""

    stable_for: Window | None


def _brain_allowance(text: str) -> tuple[str, _BrainAllowance | None] | None:
    """Find an allowance for treated, stable brain metastases and cut it out of the text.

    Returns (text, None) when there is none, None (refuse) when there is one the reading cannot
    place, else (text without it, the allowance): a part about brain metastases must then carry
    it (`_with_brain_allowance`)."""
    if not has_any(text, ("metasta", "brain", "cns")) or not has_any(
        text, ("eligible", "allowed", "permitted", "except", "unless", "acceptable", "may ")
    ):
        return text, None
    if not _BRAIN_NAMES.search(text):
        return text, None
    for match in _BRAIN_ALLOWANCE.finditer(text):
        body = match["paren"] or match["rest"] or match["sentence"] or ""
        if not _TREATED.search(body) or "stable" not in body:
            continue
        if match["rest"] is None and not _ALLOWING.search(body):
            continue
        if match["sentence"] is not None and not _BRAIN_NAMES.search(body):
            continue
        if _WIDER_ALLOWANCE.search(body):
            return None
        stable = _STABLE_FOR.search(body)
        window = None
        if stable:
            n = word_number(stable["n"])
            if n is None:
                return None
            window = window_of(None, (-n, stable["unit"]))
        end = match.end()
        if follow_on := _ALLOWANCE_FOLLOW_ON.match(text, end):
            end = follow_on.end()
        elif (more := _ALLOWANCE_CONDITIONS.match(text, end)) and not _ALLOWING.search(
            more.group(0)
        ):
            end = more.end()  # more requirements on the allowed patients: a narrower allowance
        return text[: match.start()] + text[end:], _BrainAllowance(window)
    return text, None


_BRAIN_NAMES = re.compile(r"\b(?:brain|cns|central nervous system)\b")


def _with_brain_allowance(part: Criterion | None, allowance: _BrainAllowance) -> Criterion | None:
    """A brain-metastasis part under "treated, stable ≥ N weeks are eligible": an untreated or
    active one is untouched by it; an unqualified one becomes "… unless treated and stable"."""
    if part is None:
        return None
    if part.kind is Kind.COMBINATION:
        children = [_with_brain_allowance(child, allowance) for child in part.children]
        if any(child is None for child in children):
            return None
        return evolve(part, children=tuple(c for c in children if c is not None))
    if part.concept != "brain-metastases":
        return part
    qualifiers = set(part.qualifiers)
    if qualifiers and qualifiers <= {"untreated", "active"}:
        return part
    if qualifiers:
        return None
    unless = Criterion(
        Kind.CONDITION,
        concept="brain-metastases",
        qualifiers=("treated", "stable"),
        window=allowance.stable_for,
        negated=True,
        source_text="unless treated and stable",
    )
    return Criterion(Kind.COMBINATION, children=(part, unless), combination="all-of")


# ------------------------------------------------ exclusion: the understood items of any list
#
# "History of myocardial infarction, supplemental oxygen requirement, or diabetes": each item
# of an exclusion list excludes on its own, so an item the rules understand in full is a
# sufficient part whatever the other items say — a condition (hand-made concept or ICD-10-CM
# title), a lab or vital bound, a medication, a procedure, an allergy, an age … read as the
# compiler reads that item alone ("severe hepatic disease" keeps its judgement,
# liver-disease[severe]; "history of stroke" is a stroke on record). `_listed_parts` reads the
# first sentence of the bullet, cut at ";" into segments and each segment into items ("," /
# "or" / "and" outside parentheses). It refuses whenever a word could reach a part from outside
# its item, or the residue could hide a part:
# - anywhere in the bullet, a word that allows, conditions, gives examples, hedges the
#   diagnosis, looks ahead or speaks of someone else ("unless", "eligible", "if", "e.g.",
#   "suspected", "planned", "family", "other than" …: `_LIST_REFUSAL`);
# - a segment whose first item is not understood: its lead ("previous treatment of colon or any
#   other cancer", "women with endometrial cancer who receive chemotherapy or radiotherapy") may
#   govern the items after it;
# - an item whose lead says more than "history of" / "known" ("uncontrolled diabetes",
#   "allergy to X", "current use of Y") and a later item without a lead of its own
#   ("uncontrolled diabetes, hypertension": the hypertension may be uncontrolled only);
# - a restriction, window, hedge or negation after an item's first word ("requiring
#   treatment", "within 6 months", "lasting > 30 s") or a window its reading carries, and an
#   earlier part of the sentence;
# - an item not understood that names what a finder reads, is one short word ("PE", "FS"),
#   or looks like a drug, procedure, device or measurement (the label would hold a leaf the
#   form lacks), shares its head word with a part ("kidney or liver disease"), is a negation,
#   or is joined to a part by "and";
# - a sentence after the first that dates or negates, or names or looks like any of these.
# An item not understood that names a diagnosis no finder reads ("History of stroke, seizure
# disorder, or frobnication syndrome") is a list member of its own, text in the form
# (`_Item.named`): any-of(stroke, epilepsy, TEXT) is exactly what the list says in three-valued
# logic — met when a known item is on record, unknown otherwise, never not met. It must hold no
# number or comparator and no place after its head ("… nerve injury in the paretic limb");
# every part of the list must then be a diagnosis or pregnancy state (a list of one shape:
# "haemoglobin < 9 g/dL or gastric ulceration" stays text) and not all of them classes the
# item could narrow ("infection or frobnication"). `listed_requirements` reads inclusion lists
# the same way: "A, B or C" any-of(A, B, TEXT), "A and C" all-of(A, TEXT) (each known item
# necessary), never a list of commas only or of "and" and "or" together.
# A last item "other <class>" ("asthma or other respiratory diseases") is the class around the
# items before it: residue however decidable it looks, which no lead before it makes a part
# the form lacks; the items before it are read together, so that a qualifier opening the list
# stays on each. Its words after "other" and its qualifiers still may not reach back.
# An item about other people or about avoiding pregnancy ("… or of childbearing age without
# effective contraception") is residue whatever its words. Pregnancy and breastfeeding parts
# must name the state now and plainly; the other traps of those states (stopping nursing, a
# future pregnancy) refuse as in `_named_parts`, which reads its bullets first: this reading
# sees only what that one refused.

_LIST_REFUSAL = re.compile(
    r"\b(?:unless|except\w*|excluding|other than|apart from|besides|eligible|eligibility"
    r"|allow\w*|permit\w*|considered|accept\w*|provided|whether|only|discretion|judge?ment|opinion"
    r"|deemed|defined|definition|meaning|means|namely|regardless|irrespective|waive\w*"
    r"|optional|need not|healthy|volunteers?|donors?|cohorts?|arms?|parts?|phases?"
    r"|strat(?:um|a)|if|when|whenever|while|may|might|can|could|would|should|including"
    r"|includes|include|such as|e\.?g|eg|ie|for example|for instance|specifically|like|etc"
    r"|caregivers?|partners?|spouses?|family|relatives?|parents?|mothers?|fathers?|siblings?"
    r"|household|fetus|foetus|offspring|suspect\w*|suspicio\w*|probable|probably|presumed"
    r"|likely|possible|possibly|risks?|ruled? out|self[- ]\w+|reported|disclosed|plan\w*"
    r"|intend\w*|future|prospective|expected|anticipated|scheduled|stable|stabili\w*|resolved"
    r"|remission|cured|recovered|neither|nor|either|usually|typically|generally|mainly"
    r"|mostly|especially|particularly"
    # A clause that qualifies the whole list ("… or learning disabilities limiting
    # participation", "… interfering with the study"): no item stands alone.
    r"|limiting|interfer\w*|affecting|preventing|precluding|compromising|impairing)\b"
)
# The only words an item naming pregnancy or breastfeeding may have: the state now, plainly
# ("history of pregnancy", "multiple pregnancy", "pregnancy during the study" are not it).
_PLAIN_STATE_WORDS = frozenset(
    {
        *("pregnant", "pregnancy", "pregnancies", "lactating", "lactation", "breastfeeding"),
        *("breast-feeding", "breast", "feeding", "nursing", "women", "woman", "female"),
        *("females", "patients", "patient", "participants", "subjects", "who", "are", "is"),
        *("currently", "known", "or", "and/or", "and", "a", "/"),
    }
)
_WORD_OR_SLASH = re.compile(r"and/or|[a-z0-9][a-z0-9'-]*|/")
_HISTORY = re.compile(r"\b(?:history|prior|previous\w*|past|former\w*)\b")
# Words a lead may have that say no more than the item itself: it is on record.
_HARMLESS_LEAD_WORDS = frozenset(
    {
        *("a", "an", "the", "any", "known", "documented", "confirmed", "established", "of"),
        *("diagnosed", "diagnosis", "previous", "previously", "prior", "past", "medical"),
        *("history", "with", "have", "has", "had", "evidence", "presence", "clinical"),
        *("patients", "patient", "participants", "participant", "subjects", "subject", "who"),
        *("individuals", "those", "people", "persons", "is", "are", "or", "and", "and/or"),
        *("women", "woman", "female", "females", "men", "man", "male", "males"),
    }
)
# Lead words that are no lead of an item's own: a qualifier before the list runs past them.
_NO_LEAD_WORDS = frozenset({"a", "an", "the", "or", "and", "and/or", "of", "with"})
# Words that open an item about a moment, not a state: "prior to surgery, …".
_MOMENT_LEAD = re.compile(r"(?:prior to|before|after|following|during|until|since|when)\b")
# Words anywhere in an item that restrict, date or define what comes before it.
_REACHING_ANYWHERE = re.compile(
    r"\b(?:with|without|requir(?:e|es|ed|ing)|need(?:s|ed|ing)?|that|who|whose|which|where"
    r"|within|during|since|before|after|following|lasting|type|types|form|forms|class|classes"
    r"|grade|grades|due|caused|related|associated|secondary|induced|as|than"
    r"|days?|weeks?|months?|years?|hours?)\b|[<>≤≥=]"
)
# Words after an item's first word that date, hedge or negate: they may reach back too.
_REACHING_AFTER_FIRST = re.compile(
    r"\b(?:treated|treatment|therapy|receiv\w*|taking|prior|last|past|recent\w*|current\w*"
    r"|ongoing|active|significant\w*|severe|serious|uncontrolled|symptomatic|unstable"
    r"|progressive|decompensated|poorly|refractory|chronic|acute|no|not|non|never|free"
    r"|negative|absence|absent|lack\w*)\b"
)
_LIST_WINDOW = re.compile(
    r"\b(?:within|during|since|before|after|prior|last|past|recent\w*|days?|weeks?|months?"
    r"|years?)\b"
)
_LIST_NEGATION = re.compile(
    r"\b(?:no|not|non|without|never|free|negative|absence|absent|lack\w*|neither|nor)\b|n't\b"
)
# What a residue must not look like: a diagnosis, a drug, a procedure or a measurement — a
# label would hold it as a leaf that the form lacks. Vague words ("condition", "illness
# that …", "status") and what no record holds (consent, ability, devices of the study) pass.
# An item of one short word ("PE", "TIA", "MS", "DVT") is most often an abbreviation of a
# diagnosis the finders do not expand: a leaf the form would lack.
_ABBREVIATION_ITEM = re.compile(
    r"(?:(?:a|an|the|any|known|prior|history of)\s+)?[a-z][a-z0-9]{1,4}"
)
_LISTED_KINDS = frozenset(
    {
        *(Kind.CONDITION, Kind.LAB, Kind.MEDICATION, Kind.PROCEDURE, Kind.ALLERGY, Kind.AGE),
        *(Kind.PRIOR_THERAPY, Kind.VACCINE, Kind.PERFORMANCE_STATUS, Kind.SMOKING),
        *(Kind.CORTICOSTEROID_DOSE, Kind.PREGNANCY, Kind.BREASTFEEDING),
    }
)
# Nouns a list of organs or kinds can share: "heart, lung or kidney disease".
_HEAD_NOUNS = frozenset(
    {
        *("disease", "diseases", "disorder", "disorders", "dysfunction", "failure", "failures"),
        *("insufficiency", "impairment", "injury", "injuries", "infection", "infections"),
        *("cancer", "cancers", "tumor", "tumors", "tumour", "tumours", "syndrome", "syndromes"),
        *("condition", "conditions", "abnormality", "abnormalities", "problems", "illness"),
        *("illnesses", "lesions", "surgery", "surgeries", "transplant", "transplantation"),
        *("inhibitor", "inhibitors", "therapy", "therapies", "allergy", "allergies", "block"),
        *("stenosis", "hypertension", "neuropathy", "arrhythmia", "arrhythmias", "deficiency"),
        *("drugs", "medications", "agents"),
    }
)
# Words that open an item of its own, which no lead before it governs: "…, or inability to
# swallow tablets".
_OWN_START = re.compile(
    r"(?:inability|unable|unwilling|refus\w*|participat\w*|enrol\w*|history|known|presence"
    r"|evidence|patients?|participants?|subjects?|individuals?|women|men|those|anyone|any"
    r"|current\w*|use|treatment|diagnos\w*|prior|previous|contraindicat\w*|difficult\w*"
    r"|lack|poor|impossib\w*|incapab\w*|illiter\w*|language|living|residence|resident"
    r"|employees?|staff|prisoners?|detained|institutionali[sz]ed|legal\w*|under)\b"
)
# Kinds read with a lead that governs a list ("allergy to A, B", "use of C or D").
_GOVERNING_KINDS = frozenset({Kind.ALLERGY, Kind.MEDICATION, Kind.PRIOR_THERAPY, Kind.VACCINE})
# An item about other people or about how pregnancy is avoided: residue whatever its words.
_OTHER_POPULATION = re.compile(
    rf"{_CONTRACEPTION_SENTENCE.pattern}|reproductive age|fertile|of child[- ]?bearing"
)
# A residue that names a diagnosis no finder reads ("frobnication syndrome", "thyroid adenomas";
# `list_members.names_a_diagnosis`) is a list member of its own, text in the form
# (`_Item.named`): any-of(A, B, TEXT) is what "A, B or C" says when C is not read. A place
# after its head ("… injury in the paretic limb") may say where the parts before it are.
_PLACE_TAIL = re.compile(
    r"\S\s+(?:in|on|at|affecting|involving|of (?:the|both|one|either|any|his|her|their))\s"
)
_DEMOGRAPHIC = frozenset({Kind.AGE, Kind.SEX})
# An item that opens another population: "… and patients with B".
_POPULATION_START = re.compile(
    r"(?:all |any )?(?:patients?|participants?|subjects?|individuals?|people|persons|those"
    r"|women|men|males?|females?|children|adults|adolescents|infants|volunteers?)\b"
)
# One of these is in every bullet of more than one item or sentence.
_LIST_MARKS = (",", ";", " or ", " and", "/", ". ", ": ", "note")
_LIST_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]%])\.(?:\s|$)|:(?:\s|$)|\bnote\b")


@dataclass(frozen=True, slots=True)
class _Item:
    """An item of a list segment: its words, its parts (None: not understood) and the
    connective before it."""

    words: str
    parts: tuple[Criterion, ...] | None
    link: str | None
    lead: tuple[str, ...]
    """A part's words before the first thing a finder reads in it (none for a residue)."""
    other_class: bool = False
    """A residue "other <class>" after the items it follows ("asthma or other lung disease")."""
    named: bool = False
    """A residue that names a diagnosis no finder reads ("frobnication syndrome"): a list
    member of its own, text in the form."""


def _listed_parts(
    normalized: str, text: str, compile_clause: Callable[[str], Criterion | None]
) -> Criterion | None:
    """any-of(the items understood in full…, TEXT residue), or None (refused)."""
    return _list_reading(normalized, text, compile_clause, inclusion=False)


def listed_requirements(
    normalized: str, text: str, compile_clause: Callable[[str], Criterion | None]
) -> Criterion | None:
    """An inclusion list some of whose items the rules do not understand: "A, B or C" →
    any-of(A, B, TEXT), met when A or B is and at best unknown otherwise; "A and C" →
    all-of(A, TEXT), not met when A is not and at best unknown otherwise. None (refused) on
    a list of commas only or of both "and" and "or" (which items hold together is not said),
    on a demographic alternative ("aged 18-65 or frailty"), on a second population
    ("patients with A and patients with B") and wherever an exclusion list refuses."""
    return _list_reading(normalized, text, compile_clause, inclusion=True)


def _list_reading(
    normalized: str,
    text: str,
    compile_clause: Callable[[str], Criterion | None],
    *,
    inclusion: bool,
) -> Criterion | None:
    normalized = normalized.replace("i.e.", "ie").replace("e.g.", "eg")
    if not has_any(normalized, _LIST_MARKS):
        return None  # one item: the full reading refused it
    if normalized.startswith(("and ", "or ", "and/or ")):
        return None  # joined to a neighbouring bullet
    if _LIST_REFUSAL.search(normalized) or _CONNECTIVE_END.search(normalized):
        return None
    if has_any(normalized, ("pregnan", "feeding", "lactat", "nursing")) and (
        _STOPPED_NURSING.search(normalized) or _FUTURE_PREGNANCY.search(normalized)
    ):
        return None
    end = _LIST_SENTENCE_END.search(normalized)
    sentence, rest = (
        (normalized[: end.start()], normalized[end.start() :]) if end else (normalized, "")
    )
    said_more = bool(rest.strip(" .;:,"))
    if said_more and not _rest_says_nothing(rest):
        return None
    segments = [s.strip(" ,.") for s in sentence.split(";") if s.strip(" ,.")]
    if inclusion and len(segments) != 1:
        return None  # "A; B or C": which of them are required is not said
    compile_clause = _remembered(compile_clause)
    if inclusion and not _may_combine(segments[0], compile_clause):
        return None
    items: list[_Item] = []
    for segment in segments:
        found = _segment_items(segment, compile_clause)
        if found is None or not _no_reach(
            found, parts_before=any(i.parts is not None for i in items), inclusion=inclusion
        ):
            return None
        items.extend(found)
    combination = _combination(items, said_more=said_more) if inclusion else "any-of"
    if combination is None or not _enough_known(items):
        return None
    parts: list[Criterion] = []
    residue = said_more
    for item in items:
        if item.parts is None:
            residue = True
        elif combination == "all-of":
            # One requirement each: an item read as "hepatitis B or C" stays one any-of.
            parts.append(
                item.parts[0]
                if len(item.parts) == 1
                else Criterion(Kind.COMBINATION, children=item.parts, combination="any-of")
            )
        else:
            for part in item.parts:
                # An item read as any-of(X, TEXT) ("allergy to penicillin or any component"):
                # its members are items of this list, its text the list's residue.
                if _plain_any_of(part):
                    parts.extend(c for c in part.children if c.kind is not Kind.TEXT)
                    residue = residue or any(c.kind is Kind.TEXT for c in part.children)
                else:
                    parts.append(part)
    if not parts or not residue:
        return None  # nothing understood, or all of it: the full reading refused for a reason
    kept = [p for p in _unique_parts(list(parts)) if p is not None]
    if inclusion and combination == "any-of" and any(_has_kind(p, _DEMOGRAPHIC) for p in kept):
        return None  # "aged 18-65 or frailty": an age is never an alternative to a state
    return Criterion(
        Kind.COMBINATION,
        children=(*kept, Criterion(Kind.TEXT, source_text=text)),
        combination=combination,
        source_text=text,
    )


def _remembered(
    compile_clause: Callable[[str], Criterion | None],
) -> Callable[[str], Criterion | None]:
    """``compile_clause`` compiling each piece once: a piece is read again as part of a run."""
    read: dict[str, Criterion | None] = {}

    def compile_once(clause: str) -> Criterion | None:
        if clause not in read:
            read[clause] = compile_clause(clause)
        return read[clause]

    return compile_once


def _may_combine(segment: str, compile_clause: Callable[[str], Criterion | None]) -> bool:
    """What an inclusion list needs before its items are read one by one (most bullets lack
    it, and reading items is the costly part): an "or" or "and" between them, and a first
    item understood (its lead may govern the others) or a last "other <class>" item."""
    words, links = _split_items(segment)
    if len(words) < 2 or not {"or", "and"} & set(links):
        return False
    return _OTHER_CLASS.match(words[-1]) is not None or compile_clause(words[0]) is not None


def _combination(items: list[_Item], *, said_more: bool) -> CombinationCode | None:
    """How an inclusion list's items combine, by its connectives: "or" any-of, "and" all-of;
    None for commas only, both, a slash ("asthma/COPD overlap") or a second population."""
    links = {item.link for item in items[1:]}
    if any(_POPULATION_START.match(item.words) for item in items[1:]):
        return None  # "patients with A and patients with B": two groups, not one requirement
    if "or" in links and links <= {"or", ","} and not said_more:
        # A later sentence may add to what every alternative requires: never any-of then.
        return "any-of"
    if "and" in links and links <= {"and", ","}:
        return "all-of"
    return None


def _enough_known(items: list[_Item]) -> bool:
    """With a named residue ("frobnication syndrome"), whether the list is one of diagnoses
    (every part a condition or pregnancy state: a list of the same shape) and some part is
    more than a class the residue could narrow or define ("infection or frobnication").
    (Requiring the items understood to outnumber the named residues too was measured: it
    reads 3 instead of 20 development bullets, none of the development sample either way.)"""
    if not any(item.named for item in items):
        return True
    parts = [part for item in items for part in item.parts or ()]
    return all(map(diagnosis_shaped, parts)) and not all(map(generic_class, parts))


def _plain_any_of(criterion: Criterion) -> bool:
    return (
        criterion.kind is Kind.COMBINATION
        and criterion.combination == "any-of"
        and not criterion.negated
        and criterion.cohort is None
    )


def _rest_says_nothing(rest: str) -> bool:
    """Sentences after the first that neither narrow, date nor negate the parts, nor name or
    look like what a label would hold as a leaf."""
    if not _rest_is_harmless(rest) or _LIST_WINDOW.search(rest) or _LIST_NEGATION.search(rest):
        return False
    return not LOOKS_DECIDABLE.search(rest) and not names_anything(rest)


def _segment_items(
    segment: str, compile_clause: Callable[[str], Criterion | None]
) -> list[_Item] | None:
    """The items of one segment, each compiled in full or residue; None when an item's
    reading may not be a part on its own, or a residue looks like one."""
    words, links = _split_items(segment)
    if not words or len(words) > 12:
        return None
    items: list[_Item] = []
    index = 0
    if (before := _before_other_class(words, links, compile_clause)) is not None:
        items.append(before[0])
        index = before[1]
    while index < len(words):
        link = links[index - 1] if index else None
        if index and _DEPENDENT_ITEM.match(words[index]):
            return None  # "Asthma, requiring oral steroids": it says which asthma, not another

        # An item that compiles takes along the short items after it that are no items of
        # their own but compile with it ("hepatitis B and C", "HIV 1/2").
        criterion = compile_clause(words[index])
        if criterion is not None:
            if shares_the_next_head(words[index], words[index + 1 :]):
                return None
            stop = index + 1
            while (
                stop < min(len(words), index + 3)
                and len(words[stop].split()) <= 2
                and compile_clause(words[stop]) is None
                and (
                    longer := compile_clause(
                        _join_items(words[index : stop + 1], links[index:stop])
                    )
                )
            ):
                criterion, stop = longer, stop + 1
            accepted = _listed(criterion)
            if accepted is None:
                return None
            joined = _join_items(words[index:stop], links[index : stop - 1])
            items.append(_Item(joined, tuple(accepted) if accepted else None, link, _lead(joined)))
            index = stop
        else:
            item = words[index]
            if index and index == len(words) - 1 and _OTHER_CLASS.match(item):
                # "Asthma or other respiratory diseases": the class around the items before it,
                # text beside them however decidable it looks (the form holds it as its text).
                # Only last: in "steroids, other immunomodulatory or immunosuppressive drugs"
                # the class runs on over the items after it.
                items.append(_Item(item, None, link, (), other_class=True))
                index += 1
                continue
            if index and _BARE_QUALIFIER.fullmatch(item.strip(" .,;:")):
                # "Hypertension, uncontrolled": the qualifier narrows the item before it; read
                # as a member of its own, every patient with hypertension would be excluded.
                return None
            named = False
            if not _OTHER_POPULATION.search(item):
                named = bool(LOOKS_DECIDABLE.search(item))
                if named and not names_a_diagnosis(item):
                    return None  # a drug, procedure or measure the form would lack, or a number
                if _ABBREVIATION_ITEM.fullmatch(item.strip(" .,;")) or names_anything(item):
                    return None  # an abbreviation, or a part read in part: a leaf it lacks
            items.append(_Item(item, None, link, (), named=named))
            index += 1
            if index == 1 < len(words):
                # Nothing after a first item not understood may be a part (its lead may govern
                # them, `_no_reach`) nor a residue that looks like one: refuse now if any does.
                after = _join_items(words[1:], links[1:])
                if LOOKS_DECIDABLE.search(after) or names_anything(after):
                    return None
    return items


def _before_other_class(
    words: list[str], links: list[str], compile_clause: Callable[[str], Criterion | None]
) -> tuple[_Item, int] | None:
    """ "History of severe TBI, seizure disorder, or other neurological illness": the items
    before an "other <class>" item read together, as one list whose lead and qualifiers reach
    every item, and where that one item stops; None when they do not read so."""
    stop = len(words) - 1
    if stop < 2 or not _OTHER_CLASS.match(words[stop]):
        return None
    joined = _join_items(words[:stop], links[: stop - 1])
    criterion = compile_clause(joined)
    if criterion is None or (
        criterion.kind is Kind.COMBINATION and criterion.combination != "any-of"
    ):
        return None
    accepted = _listed(criterion)
    if not accepted:
        return None
    return _Item(joined, tuple(accepted), None, _lead(joined)), stop


def _lead(words: str) -> tuple[str, ...]:
    starts = [
        match.start
        for finder in ALL_FINDERS
        for match in finder(words)
        if match.kind == "criterion"
    ]
    return tuple(_WORD_OR_SLASH.findall(words[: min(starts)] if starts else words))


def _listed(criterion: Criterion) -> list[Criterion] | None:
    """The members of an item's reading, if every one may be a part on its own."""
    members = (
        list(criterion.children)
        if criterion.kind is Kind.COMBINATION and criterion.combination == "any-of"
        else [criterion]
    )
    members = [
        child
        for member in members
        for child in (
            member.children
            if member.kind is Kind.COMBINATION and member.combination == "any-of"
            else (member,)
        )
    ]
    if all(member.kind is Kind.LIFE_EXPECTANCY for member in members):
        return []  # an estimate no record holds: residue
    if not all(may_be_listed(member, _LISTED_KINDS) for member in members):
        return None
    return members


def _no_reach(items: list[_Item], *, parts_before: bool, inclusion: bool = False) -> bool:
    """No word of one item can reach a part in another (see the section's comment);
    ``parts_before``: an earlier segment of the sentence has parts. In an inclusion list
    (``inclusion``) "and" joins requirements: all-of(part, TEXT) is what "A and C" says."""
    understood = [item.parts is not None for item in items]
    if any(understood) and not understood[0]:
        return False  # its lead may govern the items after it
    for index, item in enumerate(items):
        other_population = item.parts is None and _OTHER_POPULATION.search(item.words)
        if _MOMENT_LEAD.match(item.words):
            return False
        if any(understood) and not _governs_none_after(item, items[index + 1 :]):
            return False  # "uncontrolled diabetes, hypertension", "allergy to X, Y"
        if (
            (parts_before or any(understood[:index]))
            and not other_population
            and _reaches_back(item)
        ):
            return False  # "myocardial infarction, …, or angina within 6 months"
        if item.parts is None:
            if item.named and any(understood[:index]) and _PLACE_TAIL.search(item.words):
                return False  # "…, or nerve injury in the paretic limb": where may reach back
            if _LIST_NEGATION.search(item.words) and not other_population:
                return False
            if any(understood) and not other_population and _shares_a_head(items, index):
                return False
        elif any(part.kind in _SUFFICIENT_KINDS for part in item.parts) and not _plain_state(
            items, index
        ):
            return False
    for item, (left, right) in zip(items[1:], pairwise(understood), strict=True):
        joins_two = item.link == "/" or (item.link == "and" and not inclusion)
        if joins_two and left != right and not item.other_class:
            return False  # "HIV and on antiretrovirals with interactions"
    return True


def _governs_none_after(item: _Item, after: list[_Item]) -> bool:
    """Whether the words opening the item govern none of the items after it.

    A narrowing qualifier ("uncontrolled diabetes, hypertension") may reach a later part
    without a lead of its own; a part read with its lead ("allergy to X", "use of Y",
    "treatment with Z") or a lead that says more than "history of" / "known" may reach any
    later item without one — a residue "fentanyl" after "allergy to X" is an allergy the form
    would lack."""
    subject = _SUBJECT_LEAD.match(item.words)
    narrowing = (
        bool(_NARROWING_QUALIFIER.match(item.words))
        # "Patients with known current colorectal cancer, diverticulitis, …": the subject
        # before the qualifier does not stop it from reaching the later items.
        or bool(subject and _NARROWING_QUALIFIER.match(item.words, subject.end()))
        or (item.parts is not None and leading_modifiers(item.words) is not None)
    )  # "neuromuscular scoliosis, kyphosis or …": see `shared_modifiers`
    classifying = item.parts is not None and classifying_first_word(item.words)
    governing = item.parts is not None and (
        any(_has_kind(part, _GOVERNING_KINDS) for part in item.parts)
        or not set(item.lead) <= _HARMLESS_LEAD_WORDS
    )
    for other in after:
        if other.parts is not None and (narrowing or governing):
            if not _has_own_lead(other):
                return False
        elif (
            other.parts is not None
            and classifying
            and len(other.words.split()) == 1
            and sibling_names(item.words, other.words)
        ):
            return False  # "neuromuscular scoliosis, kyphosis": maybe neuromuscular kyphosis
        elif (
            other.parts is None
            and governing
            and not other.other_class
            and not _OWN_START.match(other.words)
        ):
            return False
    return True


# The people an item opens with, before what it says of them ("patients with", "subjects who
# have", "women who are").
_SUBJECT_LEAD = re.compile(
    r"(?:(?:any|all) )?(?:patients?|participants?|subjects?|individuals?|persons?|people"
    r"|those|women|men|females?|males?)(?: (?:with|having|who (?:have|has|had|are|is)"
    r"(?: been diagnosed with| a| an)?))? "
)


def _has_kind(criterion: Criterion, kinds: frozenset[Kind]) -> bool:
    if criterion.kind is Kind.COMBINATION:
        return any(_has_kind(child, kinds) for child in criterion.children)
    return criterion.kind in kinds


# An item that depends on the item before it: what it required, was treated with, came from.
_DEPENDENT_ITEM = re.compile(
    r"\s*(?:requir\w*|needing|needed|treated|managed|controlled|due to"
    r"|secondary to|caused by|associated with|resulting in|leading to|despite|unless|except"
    r"|other than|including|such as|e\.g\.?|i\.e\.?"
    r"|(?:in|among) (?:patients|those|subjects|participants|people|persons|individuals|women|men"
    r"|females|males|children|adults|adolescents|infants))\b",
    re.IGNORECASE,
)
# An item that is nothing but a qualifier of the item before it ("…, uncontrolled", "…, severe",
# "…, poorly controlled", "…, requiring treatment", "…, active").
_BARE_QUALIFIER = re.compile(
    r"(?:(?:very|poorly|not|well|inadequately|insufficiently|clinically|medically|currently)\s+)?"
    r"(?:un\w+|non-?\w+|controlled|severe|serious|significant|active|symptomatic|unstable"
    r"|chronic|acute|recent|current|ongoing|progressive|refractory|recurrent|persistent"
    r"|decompensated|advanced|moderate|mild|(?:life|sight)[- ]threatening|debilitating|treated"
    r"|requiring (?:\w+\s+){0,2}?(?:treatment|therapy|medication|hospitali[sz]ation))"
    r"(?:\s+(?:or|and|and/or)\s+(?:un\w+|severe|symptomatic|unstable|active|progressive))?",
    re.IGNORECASE,
)
_NARROWING_QUALIFIER = re.compile(
    r"(?:(?:a|an|the|any|known|documented|confirmed|diagnosed|history of|prior|previous|past)"
    r"\s+)*(?:un\w+|non-?\w+|poorly|clinically|medically|active|symptomatic|severe|serious"
    r"|chronic|acute|recent\w*|current\w*|concurrent|significant|major|other|progressive"
    r"|unstable|persistent|recurrent|ongoing|treated|latent|occult|refractory|decompensated"
    r"|advanced|end[- ]stage|moderate|mild|life[- ]threatening|debilitating|inadequately"
    r"|insufficiently|well|long[- ]term)\b"
)


# The opening of an item naming the class of the items before it, and the qualifiers that can
# only describe that class: "or other (clinically significant) respiratory diseases".
_OTHER_CLASS = re.compile(
    r"(?:any )?other (?!than\b)(?:(?:clinically |medically )?(?:significant|serious|severe"
    r"|major|relevant|chronic|acute|active|uncontrolled|unstable|progressive|symptomatic) )*"
)


def _has_own_lead(item: _Item) -> bool:
    """Whether the item opens with words of its own that a qualifier before it cannot cross
    ("…, or history of stroke", "…, known HIV", "…, or uncontrolled diabetes")."""
    return bool(set(item.lead) - _NO_LEAD_WORDS) or bool(_NARROWING_QUALIFIER.match(item.words))


def _plain_state(items: list[_Item], index: int) -> bool:
    """A pregnancy or breastfeeding item that names the state now, with no history before it."""
    if not set(_WORD_OR_SLASH.findall(items[index].words)) <= _PLAIN_STATE_WORDS:
        return False
    return not any(_HISTORY.search(item.words) for item in items[:index])


def _reaches_back(item: _Item) -> bool:
    """Whether words of the item can restrict the items before it."""
    if item.parts is not None and any(_windowed(part) for part in item.parts):
        return True
    if _REACHING_ANYWHERE.search(item.words):
        return True
    if item.other_class:
        # "…or other serious lung disease": qualifiers after "other" describe the class alone.
        words = _OTHER_CLASS.sub("", item.words, count=1)
        return bool(_REACHING_AFTER_FIRST.search(words))
    first = re.match(r"\S+\s*", item.words)
    return bool(_REACHING_AFTER_FIRST.search(item.words, first.end() if first else 0))


def _windowed(criterion: Criterion) -> bool:
    if criterion.kind is Kind.COMBINATION:
        return any(_windowed(child) for child in criterion.children)
    return criterion.window is not None


def _shares_a_head(items: list[_Item], index: int) -> bool:
    """ "kidney or liver disease", "liver disease or failure", "hypertensive urgency or
    emergency": a residue item that names something with the last word of the next part or
    the first words of the part before, or a short one next to a shared head noun."""
    words = items[index].words
    short = len(words.split()) <= 2
    if index + 1 < len(items) and items[index + 1].parts is not None:
        head = items[index + 1].words.split()[-1].strip(".,)")
        if _names_across(f"{words} {head}", len(words)) or (short and head in _HEAD_NOUNS):
            return True
    if index and items[index - 1].parts is not None:
        before = items[index - 1].words.split()
        if len(before) > 1:
            lead = " ".join(before[:-1])
            if _names_across(f"{lead} {words}", len(lead)):
                return True
        if short and words.split()[-1] in _HEAD_NOUNS and not _own_head(items[index]):
            return True
    return False


def _own_head(item: _Item) -> bool:
    """A named residue of two words whose first is no qualifier ("frobnication syndrome"): its
    head noun is its own, not the part's before it ("liver disease or (acute) failure")."""
    words = item.words.split()
    return item.named and len(words) == 2 and not _NARROWING_QUALIFIER.match(item.words)


def _names_across(text: str, edge: int) -> bool:
    """Whether a finder reads words on both sides of ``edge`` as one."""
    return any(match.start < edge < match.end for finder in ALL_FINDERS for match in finder(text))
