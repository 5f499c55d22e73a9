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
words still refuse. Exclusion bullets are never read this way (the caller decides).
"""

from __future__ import annotations

import re
from dataclasses import replace

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match, has_any
from fhirtrial.eligibility.rules.conditions import find_biomarkers, find_conditions, find_stage
from fhirtrial.eligibility.rules.tumour import find_receptors, find_settings, find_stage_ranges

_SOLID_TUMOURS = re.compile(r"(?<![\w-])solid tumou?rs?(?![\w-])")


def _find_solid_tumours(text: str) -> list[Match]:
    """ "Solid tumours" (any solid cancer): a malignancy is necessary."""
    if "solid" not in text:
        return []
    return [
        Match(Criterion(Kind.CONDITION, concept="malignant-neoplasm"), m.start(), m.end())
        for m in _SOLID_TUMOURS.finditer(text)
    ]


_FINDERS = (
    find_conditions,
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
_GROUP_NAMES = re.compile(r"\b(?:cooperative )?oncology group\b")
# Names and phrases that carry no requirement of their own.
_NEUTRAL_PHRASES = re.compile(
    r"\bamerican joint committee on cancer\b|\bnational cancer institute\b|\bearly[- ]stage\b"
    r"|\b(?:response )?evaluation criteria in solid tumou?rs\b"
    r"|\b(?:fulfilling|meeting|meets?|with) (?:any|one|all|each|at least \w+|one or more) of the "
    r"following(?: criteria| conditions)?"
    r"|\b(?:from|of) the following (?:primary )?(?:tumou?r|cancer)?(?: ?types?| ?sites?|s)?"
    r"\s*:?\s*$"
)
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]%])\.(?:\s|$)|;|:(?:\s|$)|\bnote\b")
_PARENTHETICAL = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# What makes a parenthetical matter: it names a disease, a status, a stage or setting, or says
# "or" / "not". A receptor named without a status ("(HER2/CEP17 ratio < 2.0)") does not.
_PART_VOCABULARY = re.compile(
    r"cancer|carcinoma|tumou?r|malignan|neoplas|sarcoma|lymphoma|leuka?emia|myeloma|glioma"
    r"|blastoma|melanoma|nsclc|sclc|dcis|lcis|metasta|advanced|stage|triple|tnbc|positive"
    r"|negative|\+|[a-z0-9]-(?=[\s,)/]|$)|disease|breast|lung"
)
# Substrings every match of `_PART_VOCABULARY` contains: a cheap test before the regex.
_PART_TRIGGERS = (
    *("cancer", "carcinoma", "tumor", "tumour", "malignan", "neoplas", "sarcoma", "lymphoma"),
    *("leukemia", "leukaemia", "myeloma", "glioma", "blastoma", "melanoma", "sclc", "dcis"),
    *("lcis", "metasta", "advanced", "stage", "triple", "tnbc", "positive", "negative", "+", "-"),
    *("disease", "breast", "lung"),
)
_RECEPTOR_ALTERNATIVE = re.compile(
    r"(?=.*(?:\ber\b|\bpr\b|\bhr\b|her-?2|erbb2|receptor|hormon))"
    r"(?=.*(?:\bor\b|\bnor\b|either|\bnot?\b|\bnon\b|without|\blow\b|equivocal))"
)
# Therapies named after hormones are not receptor statuses.
_HORMONE_THERAPY = re.compile(
    r"\b(?:hormon(?:e|al)|endocrine)[- ](?:based )?(?:therapy|therapies|treatment|blockade)\b"
)
_RELATIVE = frozenset({"who", "whose", "which", "that", "with"})
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
# Words that may not stand outside the parts in the main clause.
_CLAUSE_REFUSAL = frozenset(
    {
        # negations and alternatives the reading cannot place
        "no",
        "not",
        "non",
        "without",
        "never",
        "free",
        "negative",
        "positive",
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
        "unknown",
        "equivocal",
        "borderline",
        "mixed",
        # the past
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
_TAIL_ALLOWED = frozenset(
    {
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
    }
)
# Next to a "/" these words make it an alternative between parts.
_SLASH_SENSITIVE = _CLAUSE_REFUSAL | {"§", "metastatic", "advanced", "unresectable", "recurrent"}


def necessary_parts(normalized: str, text: str) -> Criterion | None:
    """all-of(necessary parts…, TEXT residue) for an inclusion bullet, or None (refused)."""
    if not has_any(normalized, _PART_TRIGGERS) or not _PART_VOCABULARY.search(normalized):
        return None  # no disease, receptor, stage or setting word: nothing to keep
    normalized = normalized.replace("i.e.", "ie")
    whole = _set_aside(_HORMONE_THERAPY.sub("therapy", normalized))
    whole = _NEUTRAL_PHRASES.sub(lambda m: " " * len(m.group(0)), whole)
    if _GLOBAL_REFUSAL.search(_GROUP_NAMES.sub(" ", whole)):
        return None
    clause = whole[: _end_of_main_clause(whole)]
    matches = _select([m for finder in _FINDERS for m in finder(clause)] + find_settings(clause))
    kept = [m for m in matches if _is_part(m)]
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
    residue = Criterion(Kind.TEXT, source_text=text)
    return Criterion(
        Kind.COMBINATION, children=(*parts, residue), combination="all-of", source_text=text
    )


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
            if _PART_VOCABULARY.search(inner[1:-1]) or _RECEPTOR_ALTERNATIVE.match(inner[1:-1]):
                # keep it, but mark its brackets so the loop does not revisit it
                marked = "\x00" + inner[1:-1] + "\x00"
            else:
                marked = " " * len(inner)
            out = out[: match.start()] + marked + out[match.end() :]
            changed = True
            break
        if not changed:
            return out.replace("\x00", " ")


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
            brain.append(replace(criterion, source_text=criterion.source_text or _words(match)))
            criterion = Criterion(Kind.CONDITION, concept=_METASTATIC)
        if criterion.kind is Kind.CONDITION and not criterion.negated and pending:
            criterion = replace(criterion, qualifiers=(*criterion.qualifiers, *pending))
            pending = ()
        if criterion.kind is Kind.CONDITION and not criterion.negated:
            diseases.append(len(parts))
        parts.append(replace(criterion, source_text=criterion.source_text or _words(match)))
    if pending:
        # "breast cancer that has metastasized": the setting follows the disease it qualifies.
        if diseases:
            index = diseases[-1]
            disease = parts[index]
            parts[index] = replace(disease, qualifiers=(*disease.qualifiers, *pending))
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
        _LINEAGE.get(p.concept or "", p.concept)
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
            part = replace(part, qualifiers=())  # "metastatic metastatic disease"
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
