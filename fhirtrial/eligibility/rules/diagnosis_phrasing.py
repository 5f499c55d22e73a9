"""How a diagnosis was established, and how long ago: words around a diagnosis the finders know.

A coded diagnosis in the record is the established one, so how it was made does not narrow it
(docs/eligibility-model.md): "UC confirmed by biopsy", "LV thrombus as assessed by TTE",
"Bone metastases indicated by PET-CT", "biopsy-proven lupus nephritis", "IBS defined by Rome III
criteria", "Meet the diagnostic criteria for panniculitis: fat biopsy suggests inflammatory
infiltration" all name the plain diagnosis. `strip_established` cuts those words out of the
normalized text before the finders run. Each pattern names its method from a closed list (a test,
an imaging study, a named set of diagnostic criteria), and a criteria description after a colon
goes only when it holds no threshold, so a narrowing ("confirmed by biopsy to be HER2-positive",
"…: HAMD score >= 18") stays for the finders or keeps the bullet text. "Suspected", "possible",
"probable" are no method and are never cut.

`dated_diagnosis` reads the time since diagnosis ("diagnosed with type 2 diabetes at least 12
weeks prior to inclusion", ">= 6 months since diagnosis", "disease duration of < 1 year",
"asthma for >= 12 months"): a window on the diagnosis itself, which the evaluator places by the
onset date (`DIAGNOSED`), never by the condition merely being present in the window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fhirtrial.eligibility.model import Criterion, Kind, Window, evolve
from fhirtrial.eligibility.rules.base import (
    DURATION_NUMBER,
    DURATION_UNIT,
    WORD_NUMBERS,
    Amount,
    days,
    has_any,
    window_of,
    word_number,
)

DIAGNOSED = "diagnosed"
"""Qualifier: the window is on when the diagnosis was made, not when the condition was present."""

# ---------------------------------------------------------------- how it was established

_METHOD = (
    r"(?:(?:an? |the )?(?:(?:clinical|standard|routine|conventional|appropriate|specific"
    r"|chest|cardiac|brain|abdominal|pelvic|spinal|bone|tissue|core|needle|excisional"
    r"|12-lead|trans-?thoracic|trans-?oesophageal|trans-?esophageal|contrast-enhanced"
    r"|diagnostic|repeated|previous|prior|typical|positive|objective|other) )*"
    r"(?:biops(?:y|ies)|histolog(?:y|ic(?:al)?)|histopatholog(?:y|ic(?:al)?)|cytolog(?:y|ic(?:al)?)"
    r"|patholog(?:y|ic(?:al)?)|anatomopatholog(?:y|ic(?:al)?)"
    r"|(?:imaging|radiolog\w*|radiograph\w*|neuroimaging)"
    r"|x-?rays?|ct|cts|computed tomography|mri|magnetic resonance(?: imaging)?|pet|pet-ct|pet/ct"
    r"|scintigraphy|scans?|ultrasound|ultrasonography|sonography|doppler|echocardiograph\w*|echo"
    r"|tte|tee|ecg|ekg|electrocardiogra\w*|holter(?: monitor(?:ing)?)?|eeg|electroencephalogra\w*"
    r"|emg|electromyogra\w*|nerve conduction stud(?:y|ies)|endoscop\w*|colonoscop\w*"
    r"|gastroscop\w*|bronchoscop\w*|cystoscop\w*|angiograph\w*|angiograms?"
    r"|spirometry|pulmonary function tests?|pfts?|sweat (?:chloride )?tests?|genotyp\w*"
    r"|genetic(?: testing| tests?| analys[ie]s)?|molecular testing|serolog\w*|pcr|rt-pcr"
    r"|cultures?|laboratory|lab|blood tests?|polysomnograph\w*|psg|dxa|dexa|densitometry"
    r"|(?:physical |clinical )?(?:examination|exam)|evaluation|assessment|findings|data"
    r"|criteria|medical (?:history|records?)|(?:the )?(?:treating )?(?:physician|doctor"
    r"|investigator|clinician|specialist|neurologist|psychiatrist|cardiologist|pathologist))"
    r"(?: (?:scans?|tests?|testing|analys[ie]s|examinations?|exams?|reports?|studies|study"
    r"|evaluations?|assessments?|findings|data|criteria|specimens?|samples?))*"
    r"(?: \((?:[a-z0-9/-]{1,10})\))?)"
)
_METHODS = rf"{_METHOD}(?:(?:,? (?:and/or|and|or)|,|/) ?{_METHOD})*"
_VERB = (
    r"(?:confirmed|proven|proved|assessed|indicated|documented|diagnosed|demonstrated|verified"
    r"|established|evidenced|detected|shown|seen|identified|determined)"
)
_BE = r"(?:(?:which |that )?(?:was|were|is|are|has been|have been|been|being) )?"
# "… confirmed by biopsy", ", as assessed by TTE (echo)", "and were confirmed by CT or MRI": the
# method ends the clause, so nothing after it is swallowed.
# The pattern starts at the verb (a leading optional phrase would be tried at every space);
# `_LEAD` then takes the words before it.
_ESTABLISHED_AFTER = re.compile(
    rf"(?<![\w-]){_VERB} (?:by|on|via|with|through|using|in|at) {_METHODS}"
    r"(?=\s*[.;,]?\s*$|\s*[.;]\s| for >)"
    rf"|\s*\((?:as )?{_VERB} (?:by|on|via|with|through|using|in|at) {_METHODS}\)"
)
# The structured interview or named test that made a psychiatric or language diagnosis: "(as
# determined by the CAPS-5)" (NCT03933059 inc-3), "as diagnosed by SCID-5-CT" (NCT03864614
# inc-1), "as determined by the Aachen Aphasia Test (AAT)" (NCT03930121 inc-3). Only these
# names closing the clause — a structured diagnostic interview for DSM (CAPS, SCID) or a named
# diagnostic test the development texts show — never a screening test, a questionnaire, a
# "positive" result or a score ("Depression as determined by a positive depression screening
# test" is a screening result, no diagnosis); a score, a threshold or a judgement after it keeps
# the bullet as the other readings leave it (`_REFUSED` refuses any comparator).
_INSTRUMENT = (
    r"(?:the |an? )?(?:(?:caps|scid)(?:-(?:\d|[ivx]{1,3}))?(?:-[a-z]{1,4})?"
    r"|aachen aphasia test)(?: \([a-z0-9-]{2,10}\))?"
)
_BY_INSTRUMENT = re.compile(
    rf",? (?:as )?(?:determined|diagnosed|assessed|confirmed) by {_INSTRUMENT}"
    r"(?=\s*[.;,]?\s*$|\s*[.;,]\s)"
    rf"|\s*\((?:as )?(?:determined|diagnosed|assessed|confirmed) by {_INSTRUMENT}\)"
)
_INSTRUMENT_WORDS = ("caps", "scid", "aphasia test")
_LEAD = re.compile(rf",? (?:and )?{_BE}(?:as )?$")
_LEAD_REACH = 40
# "biopsy-proven", "histologically and radiologically confirmed", "physician-diagnosed".
_METHOD_ADJECTIVE = (
    r"(?:biopsy|tissue|histolog\w*|histopatholog\w*|cytolog\w*|patholog\w*|radiolog\w*"
    r"|radiograph\w*|imaging|angiograph\w*|endoscop\w*|pcr|laboratory|lab|serolog\w*"
    r"|genetic(?:ally)?|molecular(?:ly)?|mri|ct|echocardiograph\w*|spirometr\w*"
    r"|polysomnograph\w*|physician|doctor|objectively|medically)"
)
_ESTABLISHED_BEFORE = re.compile(
    rf"(?<![\w-]){_METHOD_ADJECTIVE}(?:(?: and| or| and/or|/|,) ?{_METHOD_ADJECTIVE})*"
    r"[- ](?:proven|proved|confirmed|verified|documented|diagnosed)(?![\w-])"
)
# Named sets of diagnostic criteria (none of them a response, risk or eligibility scheme). The
# manuals name their criteria alone ("according to DSM-5"); a body or a person only with
# "criteria" after it: "morbid obesity according to WHO" may mean its BMI bound.
_MANUAL = (
    r"(?:dsm[- ]?(?:iv(?:-tr)?|5|v)|diagnostic and statistical manual(?: of mental disorders)?"
    r"(?:[,-]? ?(?:fifth|fourth) edition|[- ]?(?:5|v|iv(?:-tr)?))?(?: \([^()]{1,12}\))?"
    r"|icd[- ]?(?:9|10|11)(?:-cm)?|international classification of diseases(?: \([^()]{1,10}\))?"
    r"|ichd[- ]?(?:ii|iii|2|3)(?:-beta)?|international classification of headache disorders"
    r"(?: \([^()]{1,16}\))?|rome (?:ii|iii|iv|2|3|4)|mcdonald)"
)
_NAMED = (
    rf"(?:{_MANUAL}|acr ?/ ?eular|eular ?/ ?acr|acr|eular"
    r"|american college of rheumatology|slicc|asas|caspar|who|world health organi[sz]ation"
    r"|nia-aa|nincds-adrda|mds|movement disorder society|uk brain bank|ilae|gold|gina|ada"
    r"|american diabetes association|kdigo|berlin|sepsis-3|aasld|easl|duke|jones|rotterdam"
    r"|hanifin (?:and|&) rajka|fukuda|ihs|international headache society|atp ?iii|ncep|idf|apa"
    r"|american psychiatric association|icsd[- ]?(?:2|3)?|sapporo|sydney|ghent|amsterdam"
    r"|(?:modified )?new york|imwg|international consensus|simons (?:and|&) travell"
    r"|esc|aha|acc/aha|ats|ers|ats/ers|nih|ninds|ccbs)"
)
_CRITERIA_NAME = (
    r"(?:the )?(?:(?:19|20)\d\d |revised |modified |updated |current |international |standard "
    r"|established |accepted |specific |clinical |diagnostic )*"
    rf"(?:(?:{_MANUAL}|{_NAMED}(?=[^,;.]* (?:criteria|classification|guidelines?|definition)))"
    r"(?:[ -](?:(?:19|20)\d\d|revised|edition|\(\d{4}\)))*"
    r"(?: (?:diagnostic|classification|clinical))?(?: (?:criteria|classification|guidelines?"
    r"|definition))?"
    r"|(?:diagnostic|clinical|standard|specific|established|accepted|international|current)"
    r" criteria"
    # "the criteria of the American Diabetes Association", "the diagnostic criteria of DSM-5"
    r"|(?:the )?(?:(?:diagnostic|classification|clinical) )?criteria (?:of|from) (?:the )?"
    rf"(?:{_MANUAL}|{_NAMED})(?![\w/-])(?:[ -](?:(?:19|20)\d\d|revised|edition))*)"
)
_ESTABLISHED_BY_CRITERIA = re.compile(
    r",? (?:(?:as |and )?(?:defined|diagnosed|established|confirmed|classified|made|fulfil\w*"
    r"|meeting|satisfying) )?(?:according to|by|based on|per|as per|using|in accordance with"
    rf"|following|with) {_CRITERIA_NAME}(?: for (?:the )?diagnosis)?(?: (?:in|of) (?:19|20)\d\d)?"
    r"(?=\s*[.;,]?\s*$|\s*[.;]\s)"
    rf"|\s*\((?:(?:according to|as defined (?:in|by)|per|by|based on) )?{_CRITERIA_NAME}"
    r"(?: (?:in|of) (?:19|20)\d\d)?\)(?:\s*\[\d{1,3}\])?"
)
# "Meet(s) the diagnostic criteria for", "fulfils the ACR criteria of", "currently meets DSM-5
# criteria for a diagnosis of": what follows is the diagnosis itself.
_MEETS_CRITERIA = re.compile(
    r"(?<![\w-])(?:meets?|meeting|fulfil+s?|fulfil+ing) (?:the )?diagnosis of "
    r"|(?<![\w-])(?:currently )?(?:meets?|meeting|fulfil+s?|fulfil+ing|satisf(?:y|ies|ying)"
    rf") (?:the )?(?:{_NAMED} )?(?:(?:19|20)\d\d )?(?:diagnostic |clinical |classification"
    r" )?criteria (?:of|for) (?:the )?(?:(?:a |the )?(?:diagnosis|classification) of )?"
    r"|(?<![\w-])(?:(?:diagnosed|defined|classified) )?(?:according to|based on|per|using)"
    rf" {_CRITERIA_NAME} (?:of|for) (?!mental |a period|[<>\d])(?:the )?(?:diagnosis of )?"
)
# After "meets the diagnostic criteria for X:", the colon introduces those criteria. They go
# unless they hold a threshold (a severity the criteria set does not give).
_CRITERIA_DESCRIPTION = re.compile(r":\s*(?P<body>[^:]+)$")
_THRESHOLD = re.compile(
    r"\d|[<>=]|\b(?:score|scale|severe|moderate|mild|grade|stage|class|refractory|resistant"
    r"|unless|except\w*|suspect\w*|possible|probable|not|no|without)\b"
)
# Who made the diagnosis, or how firmly: "medical diagnosis of", "physician's diagnosis of",
# "formal diagnosis of" (not "primary", "new" or "self-reported", which narrow or doubt it).
_DIAGNOSIS_OWNER = re.compile(
    r"(?<![\w-])(?:medical|formal|definite|definitive|firm|existing|physician(?:'s)?|doctor(?:'s)?"
    r"|clinician(?:'s)?|specialist(?:'s)?)[ -](?=diagnos)"
)
# "Endometriosis at any stage": every stage, the diagnosis itself.
_ANY_STAGE = re.compile(r",? (?:at|of|in) any (?:stage|duration)(?=\s*[.;,]?\s*$)")
_DIAGNOSES_OF = re.compile(r"(?<![\w-])diagnoses of ")
# "Evidence of X on CT", "presence of X on imaging": where it was seen.
_SEEN_ON = re.compile(rf" (?:on|by|at|in) {_METHODS}(?=\s*[.;,]?\s*$)")
_DURATION_AHEAD = r"(?:\d+|" + "|".join(WORD_NUMBERS) + r") ?(?:day|week|month|year)s?\b"
# Bullets whose reading without these words could still go wrong: a negation ("without AF
# treated with warfarin per ESC criteria" reaches further than the finders can tell), a bound
# no word check sees ("up to stage IIB"), a cohort the bullet is for.
_REFUSED = re.compile(
    r"(?:<=|>=|<|>)(?!=)(?! ?" + _DURATION_AHEAD + r")"
    r"|(?<![\w-])(?:no|not|non|without|never|neither|nor|free|negative|cohort|arm|group|part)\b"
)
_UNSURE = re.compile(r"\b(?:suspect\w*|possible|probable|presumed|presumptive|rule[ds]? out)\b")
# Cheap substrings every match of each pattern holds: most texts test none of them.
_VERB_WORDS = (
    *("confirm", "prove", "assess", "indicat", "document", "diagnos", "demonstrat", "verif"),
    *("establish", "evidenc", "detect", "shown", "seen", "identif", "determin", "presen"),
)
_CRITERIA_WORDS = (
    *("criteri", "classification", "guideline", "definition", "dsm", "icd", "manual", "rome "),
    *("according to", " per ", "based on", "ichd"),
)
_ADJECTIVE_WORDS = ("proven", "proved", "confirmed", "verified", "documented", "diagnosed")
_OWNER_WORDS = ("medical", "formal", "definit", "firm", "existing", "physician", "doctor")
_OWNER_WORDS_MORE = ("clinician", "specialist")
_MEETS_WORDS = ("criteri", "meet", "fulfil")
_SEEN_WORDS = (" on ", " by ", " at ", " in ")


def strip_established(text: str) -> str:
    """The normalized text without the words that say how its diagnosis was established."""
    verbs = has_any(text, _VERB_WORDS)
    named = has_any(text, _CRITERIA_WORDS)
    if not verbs and not named and "any stage" not in text and "any duration" not in text:
        return text
    out = text
    meets = _MEETS_CRITERIA.search(out) if has_any(out, _MEETS_WORDS) else None
    if meets is not None:
        out = out[: meets.start()] + out[meets.end() :]
        described = _CRITERIA_DESCRIPTION.search(out, meets.start())
        if described is not None and not _THRESHOLD.search(described["body"]):
            out = out[: described.start()]
    if named:
        out = _ESTABLISHED_BY_CRITERIA.sub("", out)
    if verbs:
        out = _without_established_after(out)
        if " by " in out and has_any(out, _INSTRUMENT_WORDS):
            out = _BY_INSTRUMENT.sub("", out)
        if has_any(out, _ADJECTIVE_WORDS):
            out = _ESTABLISHED_BEFORE.sub("", out)
    if "diagnos" in out:
        if has_any(out, _OWNER_WORDS) or has_any(out, _OWNER_WORDS_MORE):
            out = _DIAGNOSIS_OWNER.sub("", out)
        if "diagnoses of " in out:
            out = _DIAGNOSES_OF.sub("diagnosis of ", out)
    if "any stage" in out or "any duration" in out:
        out = _ANY_STAGE.sub("", out)
    if ("evidence" in out or "presence" in out) and has_any(out, _SEEN_WORDS):
        out = _SEEN_ON.sub("", out)
    if out == text:
        return text
    if _UNSURE.search(text) or _REFUSED.search(text):
        return text  # "probable AD per NIA-AA criteria": a suspicion is no record
    return " ".join(out.split())


def _without_established_after(text: str) -> str:
    spans = []
    for match in _ESTABLISHED_AFTER.finditer(text):
        start = match.start()
        if text[start] != " " and text[start] != "(":
            lead = _LEAD.search(text, max(0, start - _LEAD_REACH), start)
            if lead is None:
                continue  # a verb with nothing before it: no clause to cut
            start = lead.start()
        spans.append((start, match.end()))
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return text


# ---------------------------------------------------------------- how long ago

_MOMENT = (
    r"(?: (?:to|of) )?(?: (?:the )?(?:date of |time of |start of )?(?:the )?(?:study )?"
    r"(?:enrol+ment|screening(?: visit)?|inclusion|randomi[sz]ation|baseline(?: visit)?"
    r"|(?:informed )?consent|registration|entry|study entry|study start|study|enrol+ment"
    r"|trial entry))?"
)
# "6 months (180 days)": the count the text adds in days, weeks or months is the window's.
_AMOUNT = (
    DURATION_NUMBER
    + " ?"
    + DURATION_UNIT
    + r"(?: \((?P<exact>\d+) (?P<exact_unit>day|week|month)s\))?"
)
_END = r"(?=\s*[.;,]?\s*$)"
_AFTER_EVENT = (
    r"(?:post|after|following|since)[- ](?:the )?(?:onset of (?:the )?)?"
    r"(?:(?:first|most recent|last|index|acute|initial) )?"
)
# Each pattern has the number and unit (``n``, ``unit``), a comparator (``cmp``, at least when
# absent) or the shorter end of a range (``n1``, ``u1``). Those after `_NEEDS_DIAGNOSIS` are
# read only when the rest says "diagnosed": "> 6 months ago" may date a treatment.
_SINCE_DIAGNOSIS: tuple[re.Pattern[str], ...] = (
    # ">= 6 months since diagnosis", "< 1 year from diagnosis", "within 3 years of diagnosis".
    re.compile(
        rf"\s*,? (?P<cmp>>=|>|<=|<|within(?: the first)?) ?{_AMOUNT} (?:since|from|after|of)"
        rf" (?:the )?(?:initial |first |original )?diagnosis{_END}"
    ),
    # "at least six months since diagnosis of X", "at least 6 months post-stroke", ">= 6 months
    # after the onset of stroke": the diagnosis after it.
    re.compile(
        rf"^(?:patients? )?(?P<cmp>>=|>|<=|<) ?{_AMOUNT} (?:(?:since|from|after) (?:the )?"
        rf"(?:initial |first )?diagnosis(?: of)?(?= )|{_AFTER_EVENT}(?=[a-z]))"
    ),
    # "3 months to 5 years post-stroke", ">= 1 and <= 6 months after myocardial infarction".
    re.compile(
        r"^(?:patients? )?(?:>= ?)?(?P<n1>\d+|" + "|".join(WORD_NUMBERS) + r")(?: (?P<u1>day|week"
        rf"|month|year)s?)? ?(?:to|-|and <=?|and) ?{_AMOUNT} {_AFTER_EVENT}(?=[a-z])"
    ),
    # "disease duration of < 1 year", "with a disease duration >= 6 months".
    re.compile(
        r"\s*,? (?:with |and )?(?:an? )?(?:disease|illness|diabetes|asthma|diagnosis) duration"
        rf" (?:of )?(?P<cmp>>=|>|<=|<) ?{_AMOUNT}{_END}"
    ),
    # "psoriasis persisting >= 3 months", "anal fissure lasting > 6 weeks", "present for
    # > 12 weeks", "AD that has been documented for >= 2 years": how long it has been there.
    re.compile(
        r"\s*,? (?:that|which)?(?: (?:has|have) been)? ?(?:persist(?:ing|ed|s)?|present|lasting"
        rf"|documented)(?: for)? (?P<cmp>>=|>|<=|<) ?{_AMOUNT}{_END}"
    ),
    # "with > 6 months of evolution", "of >= 2 years' duration", "for >= 12 months", "for a
    # period < four months".
    re.compile(
        r"\s*,? (?:with|of|for)(?: a period(?: of)?)? (?P<cmp>>=|>|<=|<) ?"
        rf"{_AMOUNT}'?(?: (?:of )?(?:evolution|duration|standing))?"
        rf"(?: (?:prior|before)(?: to)?{_MOMENT})?{_END}"
    ),
    # "duration of diabetes >= 6 months": the diagnosis between.
    re.compile(
        r"^(?:(?:disease|illness) )?duration of (?:the )?(?P<what>[a-z0-9' -]+?) (?:of |is |was )?"
        rf"(?P<cmp>>=|>|<=|<) ?{_AMOUNT}{_END}"
    ),
    # "diagnosed with X >= 12 weeks prior to inclusion", "diagnosed > 6 months ago",
    # "diagnosed with T1D > 6 months".
    re.compile(
        rf"\s*,? (?P<cmp>>=|>|<=|<) ?{_AMOUNT}(?: ago| (?:prior|before)(?: to)?{_MOMENT})?{_END}"
    ),
)
_NEEDS_DIAGNOSIS = 7


_UNITS = ("month", "year", "week", "day")
_DATED_TRIGGERS = (
    *("diagnos", "duration", "evolution", " for >", " of >", " with >", " for <", " for a period"),
    *("post", "after", "following", "since", "persist", "present", "lasting", "documented"),
)


@dataclass(frozen=True, slots=True)
class DatedDiagnosis:
    """A text that dates its diagnosis: the rest to read, and the window on the diagnosis."""

    rest: str
    window: Window

    def apply(self, criterion: Criterion) -> Criterion | None:
        """The reading of ``rest`` with the window on its diagnoses: None when it reads as
        anything but diagnoses (with an age or a sex), or a diagnosis already has a window."""
        if not _dateable(criterion):
            return None
        return _dated(criterion, self.window)


def dated_diagnosis(text: str, *, exclusion: bool) -> DatedDiagnosis | None:
    """The time since diagnosis a normalized text states, or None.

    In an exclusion only a recent diagnosis is read ("MI < 3 months ago"): "stroke > 3 months
    ago" there is more often the converse of what was meant than a reason to exclude."""
    if not has_any(text, _UNITS) or not has_any(text, _DATED_TRIGGERS):
        return None
    for index, pattern in enumerate(_SINCE_DIAGNOSIS):
        match = pattern.search(text)
        if match is None:
            continue
        window = _window(match)
        if window is None or (exclusion and window.high_days != 0) or _UNSURE.search(text):
            return None
        what = match.groupdict().get("what")
        rest = what or (text[: match.start()] + text[match.end() :]).strip(" ,.;")
        if rest.endswith(" onset"):
            rest = rest[: -len(" onset")]
        if index >= _NEEDS_DIAGNOSIS and "diagnos" not in rest:
            return None  # "> 6 months ago" of a treatment or an event, not of a diagnosis
        if _TREATED.search(rest) or _SENTENCE_BREAK.search(rest):
            return None  # "hypertension treated for >= 6 months": how long the treatment lasted
        return DatedDiagnosis(strip_established(rest), window)
    return None


def _window(match: re.Match[str]) -> Window | None:
    n = word_number(match["n"])
    if n is None or n == 0:
        return None
    groups = match.groupdict()
    exact = groups.get("exact")
    far: Amount = (int(exact), groups["exact_unit"]) if exact else (n, match["unit"])
    if groups.get("n1") is not None:
        n1 = word_number(groups["n1"])
        if n1 is None:
            return None
        near: Amount = (n1, groups.get("u1") or match["unit"])
        if days(*near) >= days(*far):
            return None
        return window_of((-far[0], far[1]), (-near[0], near[1]))
    cmp = groups.get("cmp") or ">="
    if cmp in (">=", ">"):
        return window_of(None, (-far[0], far[1]))
    return window_of((-far[0], far[1]), (0, "day"))


_TREATED = re.compile(
    r"\b(?:treat\w*|therap\w*|receiv\w*|tak(?:e|es|ing)|stable|dos(?:e|es|ing)|medicat\w*"
    r"|us(?:e|ed|ing)|on|symptoms?|pain|episodes?|attacks?|remission|free|since"
    # a past diagnosis, a negated or someone else's one, a second population
    r"|history|no|not|non|without|never|family|cohort|arm|group|or)\b"
)
_SENTENCE_BREAK = re.compile(r"[.;:]")
_DEMOGRAPHIC = (Kind.AGE, Kind.SEX)


def _dateable(criterion: Criterion) -> bool:
    """One diagnosis, with an age or a sex at most: which of two diagnoses a time is of
    ("asthma and hypertension for >= 1 year") is not said."""
    if criterion.kind is Kind.COMBINATION:
        if criterion.cohort is not None or criterion.negated or criterion.combination != "all-of":
            return False
        conditions = [c for c in criterion.children if c.kind is Kind.CONDITION]
        return len(conditions) == 1 and all(
            c.kind in _DEMOGRAPHIC or (c.kind is Kind.CONDITION and _dateable(c))
            for c in criterion.children
        )
    return criterion.kind is Kind.CONDITION and criterion.window is None and not criterion.negated


def _dated(criterion: Criterion, window: Window) -> Criterion:
    if criterion.kind is Kind.COMBINATION:
        return evolve(criterion, children=tuple(_dated(c, window) for c in criterion.children))
    if criterion.kind is not Kind.CONDITION:
        return criterion
    return evolve(criterion, window=window, qualifiers=(*criterion.qualifiers, DIAGNOSED))
