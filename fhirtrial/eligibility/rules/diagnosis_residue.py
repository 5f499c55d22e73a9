"""One known diagnosis and a clause the rules cannot read: all-of(diagnosis, TEXT residue).

"Patients with type 2 diabetes who are scheduled for colonoscopy", "Patients with stable COPD on
inhaled therapy", "Participants with knee osteoarthritis and pain in the target knee for at least
3 months", "Seizure disorder requiring anticonvulsant therapy", "Patients hospitalized for acute
heart failure": whatever the words after it say, they speak of a patient who has the diagnosis.
`rules.partial` reads such an inclusion only when what follows the diagnosis has one of a few
fixed shapes; the others stay text-only, and an exclusion is never read so. This module reads
both the same way: all-of(lead parts…, the diagnosis, TEXT residue), the residue being the whole
text (never met, never not-met).

- In an inclusion the diagnosis is necessary: a patient without it cannot meet the bullet
  (`not-met`); with it the bullet is `unknown`.
- In an exclusion all-of is narrower than the text: it excludes nobody (the residue is never
  met) and says "not excluded by this bullet" only when the record lacks the diagnosis — which a
  patient the text excludes always has.

Both hold only when the diagnosis is the patient's own, present and required whatever the rest
says. The reading reuses `rules.partial`'s diagnosis finder (hand-made concepts without a
qualifier, ICD-10-CM titles; a malignancy, a window or a negation refuses), its lead (subject, age,
"with", "diagnosis of", severity and certainty words, whose age and sex the finders read are parts
too) and its refusal words (`partial._DIAGNOSIS_REFUSAL`: "or", "either", "and/or", "such",
"e.g.", "including", "other", "except", "unless", "if", "family", "relative", "partner", "risk",
"suspected", "history", "prior", "post", "secondary", "without", "no", "free", "non-", …), and
refuses as well when:

- a second diagnosis is named: another concept the finders know, or a word that names a disease
  ("nephropathy", "… disease", "… syndrome", "… infection") the residue would hide;
- the diagnosis is not the first thing the main clause says of the patient (the lead must be
  exactly a lead), or a word after it makes it part of another noun ("hepatitis B vaccination",
  "HIV prevention"): the words after it must start a clause ("who", "that", "requiring", "on",
  "with", "for at least", "scheduled", "seeking", …; "and" only in an inclusion, before a verb
  phrase or a symptom);
- another finder reads a medication, lab, score, procedure or therapy in the bullet outside a
  clause of need or plan ("requiring mechanical ventilation", "scheduled for colonoscopy", where
  the record cannot say what is needed or planned): a part the reading would leave out;
- an upper bound on how long the patient has had it, a date of diagnosis ("… diagnosed more than
  3 months ago"), or an age after it (other readers' parts);
- a definition or a bound on a measurement ("as defined by", "i.e.", "<", "more than"; a
  duration "for ≥ 6 months" is kept): it may reach patients the codes do not hold;
- a drug the vocabulary names or a drug class after a word of use ("taking vasodilator drugs"):
  a medication part the residue would hide ("on inhaled therapy" names none);
- in an inclusion, words of degree in the lead ("moderate-to-severe depressive episode": F32's
  codes leave out the recurrent F33; `partial._diagnosis_part` keeps its own reading of these)
  and the words of an exclusion filed among the inclusions ("… that would interfere …");
- in an exclusion, "and" after the diagnosis (a list: "Hypertensive emergency and urgency"), and
  nothing after it at all (what the words before it narrow is `rules.narrowing_words`');
- a heading ("Patients with type 2 diabetes:"), a "history of" lead (whether a resolved entry
  counts is the finders' reading) and a malignancy (`partial._cancer_parts`').

"Acute" or "chronic" right before the diagnosis is kept in the residue only where the diagnosis's
own ICD-10-CM family codes that kind ("acute heart failure" I50.21 under I50): elsewhere it may
name another family ("acute" renal failure N17 beside chronic N18) and refuses.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Criterion, Kind, evolve
from fhirtrial.eligibility.rules.base import Match, has_any
from fhirtrial.eligibility.rules.diagnosis_kinds import codes_the_kind, malignant
from fhirtrial.eligibility.rules.medications import find_medications
from fhirtrial.eligibility.rules.partial import (
    _AGE_AFTER,
    _DIAGNOSIS_REFUSAL,
    _HARMLESS,
    _HARMLESS_WORDS,
    _OTHER_FINDERS,
    _RECENT,
    _TAIL,
    _diagnoses,
    _end_of_main_clause,
    _lead_parts,
)

# Words after the diagnosis (and its parentheses) that start a clause about the patient, beyond
# `partial._TAIL`'s.
_MORE_TAIL = re.compile(
    r",?\s*(?:seeking\b|planning\b|wishing\b|desiring\b|trying\b|awaiting\b"
    r"|hospitali[sz]ed\b|admitted\b|needing\b|in\sneed\sof\b|candidates?\sfor\b|at\s(?:least\b"
    r"|screening\b|baseline\b|the\stime\b|enrol)|despite\b|presenting\b|attending\b|visiting\b"
    r"|in\swhom\b|whose\b|that\b|which\b)"
)
# "… and pain in the target knee", "… and are scheduled for …": in an inclusion both are
# required. "X and Y" naming a second state may be a list ("Hypertensive emergency and urgency",
# "Uveitis and media opacity"), either of which qualifies or excludes: only a verb phrase or a
# symptom of the diagnosis after "and" is read, and never in an exclusion.
_AND_TAIL = re.compile(
    r",?\s*and\s(?:(?:who|are|is|have|has|had|were|was|currently|require\w*|need\w*|scheduled"
    r"|planned|planning|receiv\w*|tak\w*|treated|undergo\w*|candidates?|willing|able|seeking"
    r"|referred|meet\w*|fulfil\w*|present\w*)\b|(?:[a-z-]+\s)?(?:pain|symptoms?|complaints?)\b)"
)
# How long the patient has had it ("for at least 6 months", normalized to ">= 6 months"): a
# duration the residue keeps, no bound on a measurement.
_DURATION = r"(?:\d+|one|two|three|four|six|twelve)\s(?:days?|weeks?|months?|years?)\b"
# A definition or a bound may say what the diagnosis is beyond its codes ("toxic megacolon as
# defined by transverse colon diameter more than 5.5cm", "substance abuse disorder (i.e., drugs,
# alcohol)", "suicidal ideation with PHQ-9 item 9 score ≥ 2"): a patient who meets it without
# the code would be read wrongly, so the reading refuses.
_DEFINITION = re.compile(
    r"\b(?:defined|definition|defining|i\.\s?e\.?|ie|that\sis|namely|meaning|equals?)\b"
    rf"|(?:[<>≤≥]=?|=|\b(?:more|less|greater|fewer|higher|lower)\sthan\b|\b(?:above|below"
    rf"|exceeding)\b)(?!=)(?!\s?{_DURATION})"
)
# Lead words an exclusion (or an inclusion) puts before the diagnosis that say only that the
# patient has it now: "Known COPD requiring …", "Presence of epilepsy with …".
_PRESENCE = re.compile(
    r"^(?:(?:known|current|currently|existing|ongoing|presence\sof|evidence\sof|active)\s)+"
)
# Words of degree in the lead: in an inclusion a name's codes may cover fewer patients than its
# graded kind ("current moderate-to-severe depressive episode" F32 beside the recurrent F33):
# left to `partial._diagnosis_part`'s own reading; in an exclusion all-of stays narrower.
_DEGREE = re.compile(
    r"\b(?:mild|moderate|moderately|severe|severely|mild-to-moderate"
    r"|moderate-to-severe)\b"
)
# What an exclusion filed among the inclusions says ("… that would interfere with participation",
# "… precluding the examination"): required, it would call every patient without it ineligible.
_EXCLUDING_WORDS = re.compile(
    r"\b(?:would|could|might|interfer\w*|preclud\w*|prevent\w*|compromis\w*|jeopardi[sz]\w*"
    r"|contraindicat\w*|unable|inability|hinder\w*|limit\w*|unsafe|safety|exclud\w*)\b"
)
# The diagnosis dated ("Stroke diagnosed more than 3 months ago"): a window other readers place.
_DATED = re.compile(
    r"\bago\b|\bdiagnos\w*\s(?:[<>≤≥]|more|less|at\sleast|within|over|since|in\s(?:the\s)?(?:last"
    r"|past))"
)
# A drug class after a word of use ("taking vasodilator drugs", "on beta blockers"): a
# medication part the rules may name; "on inhaled therapy", "on pharmacological treatment" name
# none and are residue.
_USE_OF_A_CLASS = re.compile(
    r"\b(?:taking|receiving|using|on|treated\swith|prescribed)\s(?:[a-z0-9-]+\s){0,3}?"
    r"(?:drugs?|medications?|medicines?|agents?|inhibitors?|blockers?|antagonists?|agonists?"
    r"|analogu?e?s?|statins?|steroids?|corticosteroids?|diuretics?|anticoagulants?|insulin)\b"
)
# An article before the subject ("A patient with …") and "affected by" say no more than the lead.
_ARTICLE = re.compile(r"^(?:an?|the)\s(?=(?:patients?|participants?|subjects?|adults?)\b)")
_AFFECTED = re.compile(r"\b(?:affected\sby|diagnosed\sof)\s")
# A clause of need or plan: what a finder reads in it ("requiring mechanical ventilation",
# "scheduled for colonoscopy") is no fact of the record but what the residue judges.
_NEED = re.compile(
    r"\b(?:requir\w*|needing|in\sneed\sof|need\sfor|scheduled\sfor|planned\sfor|planning|awaiting"
    r"|candidates?\sfor|referred\sfor|indicated\sfor|seeking|(?:will|to)\sundergo|planned"
    r"|listed\sfor)\b[^.;,]*"
)
# "seeking pregnancy", "planning to conceive": a wish, no pregnancy now.
_FUTURE_PREGNANCY = re.compile(
    r"\b(?:seeking|planning|wishing|desiring|trying|intending|wanting)\s(?:to\s)?(?:become\s"
    r"|get\s|achieve\s|have\s(?:a\s)?)?(?:pregnan\w*|conceive|conception|fertility)\b"
)
# A word that names a disease the finders do not read: a second diagnosis the residue would hide.
_DISEASE_WORD = re.compile(
    r"\b(?:diseases?|disorders?|syndromes?|failure|infect\w*|cancers?|carcinoma\w*|tumou?rs?"
    r"|insufficiency|deficienc\w*|injur(?:y|ies)|ulcers?|illness\w*|stroke|attacks?|lesions?"
    r"|comorbid\w*|co-morbid\w*|conditions?|(?!diagnos|prognos)\w+(?:itis|osis|emia|aemia|pathy"
    r"|omas?|algia|plegia|paresis|trophy))\b"
)
# "acute" / "chronic" right before the diagnosis, at the end of the lead.
_KIND_WORD = re.compile(r"(?:^|\s)(?P<word>acute|chronic)\s$")
_BLANK = " "


def diagnosis_with_residue(normalized: str, text: str, *, exclusion: bool) -> Criterion | None:
    """all-of(lead parts…, the diagnosis, TEXT residue), or None (refused)."""
    said = normalized  # (what is blanked below keeps its place: the words after the diagnosis)
    if has_any(normalized, _HARMLESS_WORDS):
        normalized = _HARMLESS.sub(lambda m: _BLANK * len(m.group(0)), normalized)
    if "pregnan" in normalized or "concei" in normalized or "fertil" in normalized:
        normalized = _FUTURE_PREGNANCY.sub(lambda m: _BLANK * len(m.group(0)), normalized)
    found = _outermost(_diagnoses(normalized))
    if len({m.criterion.concept for m in found}) > 1:
        # "… liver cirrhosis who will undergo planned liver transplantation": a transplant a
        # clause of need or plan names is no state of the patient's yet, but residue (a disease
        # named there is: "… requiring treatment for hypertension" refuses).
        needs = [(m.start(), m.end()) for m in _NEED.finditer(normalized, found[0].end)]
        found = [
            m
            for m in found
            if "transplant" not in normalized[m.start : m.end]
            or not any(a <= m.start and m.end <= b for a, b in needs)
        ]
    if not found or len({m.criterion.concept for m in found}) != 1:
        return None
    first = found[0]
    if first.end > _end_of_main_clause(normalized):
        return None
    concept = first.criterion.concept
    if concept is None or malignant(concept):
        return None  # a cancer's receptors, stage and setting are `partial._cancer_parts`'s
    lead_words = normalized[: first.start]
    kind = _KIND_WORD.search(lead_words)
    if kind:
        if not codes_the_kind(concept, kind["word"]):
            return None
        lead_words = lead_words[: kind.start("word")]
    presence = _PRESENCE.match(lead_words)
    if presence:
        lead_words = lead_words[presence.end() :]
    if lead_words[:2] in ("a ", "an", "th"):
        lead_words = _ARTICLE.sub("", lead_words)
    if "affected" in lead_words or "diagnosed of" in lead_words:
        lead_words = _AFFECTED.sub("with ", lead_words)
    if not exclusion and _DEGREE.search(lead_words):
        return None
    lead_read = _lead_parts(lead_words)
    if lead_read is None:
        return None
    lead, _ = lead_read
    after = _past_parentheses(normalized, first.end)
    if after is None:
        return None
    if exclusion and not kind and not said[after:].strip(" .;,:"):
        # Nothing after it in an exclusion: words before it alone narrow ("Uncontrolled
        # glaucoma", "Women with Cushing's syndrome", "Asthma (exacerbation within 3 months)"),
        # `rules.narrowing_words`' business; an "acute" the diagnosis's codes hold is read.
        return None
    if text.rstrip().endswith(":"):
        return None  # a heading ("Patients with type 2 diabetes:"): its group's name
    if _DATED.search(normalized, first.end) or _USE_OF_A_CLASS.search(normalized, after):
        return None
    if not exclusion and _EXCLUDING_WORDS.search(normalized, after):
        return None
    if not (
        _TAIL.match(normalized, after)
        or _MORE_TAIL.match(normalized, after)
        or (not exclusion and _AND_TAIL.match(normalized, after))
    ):
        return None
    if _DEFINITION.search(normalized, first.end):
        return None
    if _DIAGNOSIS_REFUSAL.search(normalized, first.start) or _RECENT.search(normalized, after):
        return None
    if _AGE_AFTER.search(normalized, after):
        return None
    rest = _without(normalized, found)
    if _DISEASE_WORD.search(rest, first.start):
        return None
    if _reads_outside_need(normalized, found):
        return None
    part = evolve(first.criterion, source_text=normalized[first.start : first.end])
    residue = Criterion(Kind.TEXT, source_text=text)
    return Criterion(
        Kind.COMBINATION, children=(*lead, part, residue), combination="all-of", source_text=text
    )


def _outermost(matches: list[Match]) -> list[Match]:
    """The matches not inside a longer one ("diabetes" inside "type 2 diabetes")."""
    return [
        m
        for m in matches
        if not any(
            o is not m
            and o.start <= m.start
            and m.end <= o.end
            and o.end - o.start > m.end - m.start
            for o in matches
        )
    ]


def _past_parentheses(normalized: str, after: int) -> int | None:
    """Where the words after the diagnosis's parentheses ("(Rotterdam criteria)") start."""
    while normalized.startswith(" (", after) or normalized.startswith("(", after):
        opening = normalized.find("(", after)
        close = normalized.find(")", opening)
        if close < 0 or "(" in normalized[opening + 1 : close]:
            return None
        after = close + 1
    return after


def _without(normalized: str, found: list[Match]) -> str:
    for match in found:
        width = match.end - match.start
        normalized = normalized[: match.start] + _BLANK * width + normalized[match.end :]
    return normalized


def _reads_outside_need(normalized: str, found: list[Match]) -> bool:
    """Whether a finder reads a criterion outside the diagnosis and outside a clause of need."""
    needs = [(m.start(), m.end()) for m in _NEED.finditer(normalized)]
    spans = [(d.start, d.end) for d in found] + needs
    if _drug_outside(normalized, spans):
        return True
    for finder in (*_OTHER_FINDERS, find_medications):
        for match in finder(normalized):
            if match.kind == "criterion" and not any(
                start <= match.start and match.end <= end for start, end in spans
            ):
                return True
    return False


_WORD_START = re.compile(r"(?<![a-z0-9])[a-z]")


def _drug_outside(normalized: str, spans: list[tuple[int, int]]) -> bool:
    """Whether a drug the vocabulary names ("… on metformin") stands outside the spans: the
    rules read it as a medication elsewhere, a part the residue would hide."""
    vocabulary = terminology.terminology()
    if not vocabulary.drugs_in_text(normalized):
        return False
    for word in _WORD_START.finditer(normalized):
        position = word.start()
        if vocabulary.drug_at(normalized, position) and not any(
            start <= position < end for start, end in spans
        ):
            return True
    return False
