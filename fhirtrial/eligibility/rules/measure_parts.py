"""A measurement, performance status or current medication that opens an inclusion bullet
whose other words no finder reads.

"Hb ≥ 8 g/dL without transfusion within 7 days", "Platelets ≥ 100,000/µL, without growth factor
support", "Body mass index ≥20 with adequate abdominal … tissue accessible for lipoaspiration",
"Stable dose of metformin for at least 8 weeks": whatever the rest says, the patient must meet
the part the bullet opens with. `measure_part` gives all-of(part, TEXT residue): not-met when the
part clearly is not met, otherwise at best unknown.

The part is the longest opening of the main clause that the rules compile in full to a lab /
vital, a performance status or a current medication (or all-of several; no procedure), not
negated — so its value, unit and window are the compiler's own reading. The reading refuses
(None) whenever the rest could make the part optional, conditional, someone else's or change its
bound: "or" / "either" / "/" anywhere, an allowance or condition ("unless", "except", "may",
"permitted", "if", "provided"), a subgroup ("for patients with liver metastases", "in women"),
any number or comparator left in the rest (a bound or window the part would lose — but for the
few phrases below that date something else), words that move the measurement in time or kind
("at any time", "during", "on two occasions", "corrected", "fasting", "on room air", "at onset",
"at diagnosis"), someone else's measurement ("of the mother", "of the partner"), and a rest
that names or looks like anything a record decides (a leaf the form would lack: "… and no
history of heart failure").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import has_any
from fhirtrial.eligibility.rules.labs import find_labs
from fhirtrial.eligibility.rules.list_members import LOOKS_DECIDABLE, names_anything
from fhirtrial.eligibility.rules.medications import find_medications
from fhirtrial.eligibility.rules.performance import find_performance_status
from fhirtrial.eligibility.rules.scores import find_scores

# Not procedures: in an inclusion list they are most often the study's own, planned
# ("Surgery at the testicles", "Surgery occurs during the school year"), which no record holds.
_PART_KINDS = frozenset({Kind.LAB, Kind.PERFORMANCE_STATUS, Kind.MEDICATION})
_OPENING_FINDERS = (find_labs, find_scores, find_performance_status, find_medications)
# The part must open the bullet: its first match starts within this many characters.
_OPENING_REACH = 40
# Cut points tried after the last number, longest opening first.
_MAX_TRIES = 12
_DIGIT = re.compile(r"\d")
_USE_WORDS = ("taking", "on ", "receiv", "treat", "use", "stable", "dose", "therap", "regimen")
# "Stable dose of metformin", "on a stable regimen of levodopa": current use, said as a dose.
_STABLE_DOSE = re.compile(
    r"^(?:(?:patients?|participants?|subjects?) )?(?:(?:must|should) )?(?:(?:be|is|are) )?"
    r"(?:on |receiving |taking )?(?:an? )?(?:stable|unchanged|constant) (?:daily )?"
    r"(?:doses?|dosages?|regimens?) of "
)
# Phrases of the rest that date or qualify something else than the part: their numbers are not
# the part's ("without transfusion within 7 days", "for at least 8 weeks" after a medication).
_TRANSFUSION_FREE = re.compile(
    r",?\s*\(?(?:without|no|independent of|not requiring|in the absence of)\s(?:any\s)?"
    r"(?:(?:red (?:blood )?cell|rbc|prbc|blood|platelet|packed red cell)\s)?"
    r"(?:transfusions? (?:or|and/or|and) (?:hematopoietic |haematopoietic )?growth factors?"
    r"(?: support)?|transfusions?|(?:hematopoietic |haematopoietic )?growth factors?(?: support)?"
    r"|g-csf)"
    r"(?:\s(?:support|use|administration))?"
    r"(?:\s(?:within|in|during)\s(?:the\s)?(?:(?:previous|prior|last|past|preceding)\s)?"
    r"\d+\s(?:days?|weeks?)(?:\s(?:before|prior to|of)\s(?:the\s)?(?:screening|enrol\w*"
    r"|registration|randomi[sz]ation|study entry|first dose|(?:the )?(?:lab(?:oratory)? )?test"
    r"|(?:the )?assessment|testing))?)?\)?"
)
_STABLE_FOR = re.compile(
    r"\s(?:for|over)\s(?:at least|≥|>=|a minimum of|more than|>|the (?:last|past|previous))\s?"
    r"\d+\s(?:days?|weeks?|months?)(?:\s(?:before|prior to)\s(?:the\s)?(?:screening|enrol\w*"
    r"|registration|randomi[sz]ation|study entry|baseline|inclusion|first dose"
    r"|the study))?"
)
# Anywhere in the bullet: the part may be optional, conditional, someone else's, or bounded
# differently for some patients.
_REFUSAL = re.compile(
    r"\b(?:or|either|and/or|nor|vs|versus|unless|except\w*|may|might|can|could|permit\w*"
    r"|allow\w*|if|when|whether|provided|otherwise|alternatively|instead|regardless"
    r"|irrespective|optional|waive\w*|depend\w*|respectively|cohorts?|arms?|groups?|parts?"
    r"|phases?|strat(?:um|a)|men|women|males?|females?|children|adolescents?|infants?"
    r"|elderly|gilbert\w*|metasta\w*|involvement"
    # someone else's value ("Hemoglobin > 9 g/dL of the mother", "ECOG 0-1 of the partner")
    r"|mothers?|fathers?|parents?|partners?|spouses?|siblings?|relatives?|family|caregivers?"
    r"|donors?|maternal|paternal|fetus|foetus|fetal|offspring)\b"
    r"|/|\bin case\b|\bsuch as\b|\be\.?g\b|\bi\.?e\b"
)
# The "/" of a unit ("g/dL", "100,000/µL", "mL/min/1.73 m2") is no alternative.
_UNIT_SLASH = re.compile(
    r"/\s?(?:dl|l|ml|mm3|mm\^3|mm³|µl|μl|ul|mcl|min|m2|m²|kg|h|hr|hpf|day|d|24 ?h|1\.73 ?m2"
    r"|1\.73 ?m²|mmhg|s|sec|mm)\b"
)
# The "or" of a bound is no alternative: "25 or greater", "or equal to".
_OR_BOUND = re.compile(
    r"\bor (?:greater|more|higher|above|over|less|lower|fewer|below|under|equal(?: to)?"
    r"|older|younger)\b"
)
# After the opening: a subgroup the part may be bounded for ("for patients with …").
_SUBGROUP = re.compile(
    r"\b(?:patients?|participants?|subjects?|those|individuals|persons?|people|anyone)\b"
)
# In the rest: a bound, a number or a word that moves the measurement in time or kind.
_REST_REFUSAL = re.compile(
    r"[0-9<>≤≥=%±~+]|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twice|once"
    r"|both|more|less|greater|fewer|above|below|over|under|least|most|up|maximum|minimum|max"
    r"|min|higher|lower|exceed\w*|between|range|times|x|any|ever|during|since|after|before"
    r"|following|preceding|prior|previous\w*|past|last|recent\w*|history|baseline|admission"
    r"|discharge|peak|highest|lowest|average|mean|median|repeat\w*|consecutive|occasions?"
    r"|sustained|persistent\w*|confirm\w*|documented|corrected|adjusted|uncorrected|fasting"
    r"|non-fasting|random|resting|rest|exercise|room|air|oxygen|supplemental|breathing"
    r"|despite|off|while|within|until|daily|day|days|week|weeks|month|months|hours?"
    r"|pre\w*|post\w*|onset|diagnos\w*|mg|increase\w*|decrease\w*|change\w*|drop\w*"
    r"|rise|rising|fall\w*|trend\w*|each|every|per|value|values|result\w*|measure\w*"
    r"|reading\w*|level|levels|count|counts|score|grade|class|stage|equivalent|uln|lln|normal"
    r"|institutional|upper|lower|limits?|aged?|years?|requir\w*|inclusion|included|eligib\w*"
    r"|enrol\w*|study|trial|criteri\w*|epo|esa|\w*poie\w*|\w*poetin|\w*grastim|romiplostim"
    r"|eltrombopag|support\w*|mono\w*|alone|only|solely|combin\w*|plus|add\w*"
    # findings and organs: a condition the finders may not name
    r"|jaundice|hypox\w*|decompensat\w*|dyspn\w*|fever\w*|murmur\w*|palpitation\w*|cough\w*"
    r"|rash\w*|wheez\w*|symptom\w*|signs?|evidence|clinical\w*|cardiac|heart|hepatic|liver"
    r"|renal|kidney|lungs?|pulmonary|marrow|organs?)\b"
)
# An opening that ends on one of these words leaves it out of the rest ("… at any | time").
_DANGLING = re.compile(
    r"\b(?:and|with|without|at|a|an|the|for|of|in|on|any|to|by|from|as|per|than|no|not)\s*[,;:]?$"
    r"|[<>=≤≥]\s*$"
)
# After a medication: what it is taken for is a diagnosis the form may lack ("… for lupus").
_INDICATION = re.compile(r"\b(?:for|due|because|against|indicat\w*|prescribed)\b")
_WORD = re.compile(r"[a-z][a-z-]{2,}")
_TOKEN_END = re.compile(r"[^\s,;:()]+")


def measure_part(
    normalized: str, text: str, compile_clause: Callable[[str], Criterion | None]
) -> Criterion | None:
    """all-of(part, TEXT residue) when the bullet opens with a part read in full and the rest
    cannot change it nor names anything decidable; else None."""
    opening = normalized[: _OPENING_REACH + 60]
    if not _DIGIT.search(opening) and not has_any(opening, _USE_WORDS):
        return None  # a lab or performance status has a number, a medication a word of use
    stable = _STABLE_DOSE.match(normalized)
    if stable:
        normalized = "taking " + normalized[stable.end() :]
        # "Stable dose of metformin for at least 8 weeks": the use and how long it has lasted
        # read in full (`rules.use_duration`); the stable dose is the residue.
        whole = compile_clause(normalized.rstrip(" .,;:"))
        if whole is not None and _acceptable(whole):
            residue = Criterion(Kind.TEXT, source_text=text)
            return Criterion(
                Kind.COMBINATION, children=(whole, residue), combination="all-of", source_text=text
            )
    masked = _mask_transfusions(normalized)
    unslashed = _UNIT_SLASH.sub(" ", masked) if "/" in masked else masked
    if " or " in unslashed:
        unslashed = _OR_BOUND.sub(" ", unslashed)
    if _REFUSAL.search(unslashed) or _SUBGROUP.search(masked, 12):
        return None
    opening = normalized[: _OPENING_REACH + 60]
    matches = [
        (finder, m) for finder in _OPENING_FINDERS for m in finder(opening) if m.kind == "criterion"
    ]
    if not matches or min(m.start for _, m in matches) > _OPENING_REACH:
        return None
    if stable or any(f is find_medications and m.start <= _OPENING_REACH for f, m in matches):
        # a medication's "for at least 8 weeks" says how long, not a bound of the part
        masked = _STABLE_FOR.sub(lambda m: " " * len(m.group(0)), masked, count=1)
    first = min(m.start for _, m in matches)
    first_end = min(m.end for _, m in matches if m.start == first)
    last_number = max((m.end() for m in re.finditer(r"\d", masked)), default=0)
    start = max(first_end, last_number)
    cuts = [m.end() for m in _TOKEN_END.finditer(normalized, start)]
    if start == len(normalized) or normalized[start] in " ,;:()":
        cuts.insert(0, start)  # the opening may end right after its last number or word
    # The longest opening read in full is the part; the rest after the shortest one must be
    # harmless too, as the compiler reads some words as filler ("… 155 mmol/L at any | time").
    read = [
        (cut, part)
        for cut in cuts[:_MAX_TRIES]
        if not masked[cut - 1 : cut + 1].isspace() and not _DANGLING.search(normalized, 0, cut)
        if (part := compile_clause(normalized[:cut].rstrip(" ,;:"))) is not None
    ]
    if not read:
        return None
    shortest, (longest, part) = read[0][0], read[-1]
    if not normalized[longest:].strip(" .,;:()"):
        return None  # nothing left: the full reading refused the bullet for a reason
    medication = any(c.kind is Kind.MEDICATION for c in _leaves(part))
    rest = masked[shortest:]
    if " per " in rest:
        rest = _UNIT_WORDS.sub(" ", rest)
    if not _acceptable(part) or not _harmless_rest(rest, medication=medication):
        return None
    children = part.children if part.kind is Kind.COMBINATION else (part,)
    residue = Criterion(Kind.TEXT, source_text=text)
    return Criterion(
        Kind.COMBINATION, children=(*children, residue), combination="all-of", source_text=text
    )


def _mask_transfusions(normalized: str) -> str:
    """The bullet with "without transfusion (within N days)" and an untreated value's "without
    medication" blanked."""
    if "without" in normalized:
        normalized = _UNTREATED.sub(lambda m: " " * len(m.group(0)), normalized)
    if not has_any(normalized, ("transfus", "growth factor", "g-csf")):
        return normalized
    return _TRANSFUSION_FREE.sub(lambda m: " " * len(m.group(0)), normalized)


# A unit in words, right after a number: no rate of something else ("per day" stays).
_UNIT_WORDS = re.compile(r"^\s?(?:beats|breaths) (?:per|a|/) ?min(?:ute)?s?\b")
# "Resting heart rate 45-100 beats per minute) without medication": the value untreated. A
# patient on treatment leaves the residue unknown; one whose value is out of range whatever the
# treatment is not met. Only at the end of the bullet, after the part's last number.
_UNTREATED = re.compile(
    r"\)?\s*,?\s*without (?:any )?(?:(?:antihypertensive|blood pressure|lowering) )?"
    r"(?:medications?|medicines?|drugs?|treatment)\s*[.]?\s*$"
)


def _leaves(criterion: Criterion) -> list[Criterion]:
    if criterion.kind is Kind.COMBINATION:
        return [leaf for child in criterion.children for leaf in _leaves(child)]
    return [criterion]


def _acceptable(part: Criterion) -> bool:
    if part.negated or part.cohort is not None:
        return False
    if part.kind is Kind.COMBINATION:
        return part.combination == "all-of" and all(_acceptable(c) for c in part.children)
    if part.kind not in _PART_KINDS:
        return False
    if part.kind is Kind.LAB:
        return part.comparator is not None or part.value_concept is not None
    return True


def _harmless_rest(rest: str, *, medication: bool) -> bool:
    """The rest says nothing that could change the part, nor names anything decidable."""
    if _REST_REFUSAL.search(rest) or (medication and _INDICATION.search(rest)):
        return False
    # A drug the medication finder reads only after a word of use ("… in addition to aspirin").
    if any(find_medications(f"taking {word}") for word in _WORD.findall(rest)):
        return False
    return not LOOKS_DECIDABLE.search(rest) and not names_anything(rest)


# An exclusion bullet opening with a measurement, then "or" and an item no record decides:
# "Potassium > 5.5 mmol/L; or any diseases that could affect the results of the study", "Weight
# < 40 kg or unable to swallow tablets". The measurement excludes on its own: any-of(measurement,
# TEXT residue). The rest must be one of those kinds of items (a history, a need, a treatment may
# be a leaf the form would lack), and must not bound, date or narrow the measurement.
_ALTERNATIVE = re.compile(r"\s*[;,]?\s*\b(?:or|and/or)\s+")
_ALTERNATIVE_REFUSAL = re.compile(
    r"^\s*(?:[<>=≤≥\d]|(?:more|less|greater|fewer|higher|lower|above|below|over|under"
    r"|equal|exceed\w*)\b)"
    r"|\b(?:unless|except\w*|if|when|whether|provided|respectively|otherwise|instead|only"
    r"|(?:in|for|among) (?:the )?(?:patients?|participants?|subjects?|those|men|women|males?"
    r"|females?|children|adults?)|metasta\w*|gilbert\w*|within|during|prior|previous\w*"
    r"|history|past|before|after|since|consecutive|occasions?|repeat\w*|persistent\w*"
    r"|sustained|confirm\w*|uln|normal|times|both|either|respectively|nor)\b"
    r"|[;:\d<>=≤≥]"
)
# Items no record decides: a catch-all left to judgement, an inability.
_GENERIC = r"(?:diseases?|conditions?|disorders?|illness(?:es)?|abnormalit(?:y|ies)|findings?)"
_UNDECIDABLE_ITEM = re.compile(
    rf"^(?:any |an? )?(?:other )?(?:(?:medical|clinical|concomitant|concurrent) )?{_GENERIC}"
    rf"(?: or {_GENERIC})? (?:that|which) (?:in the opinion of the investigator )?(?:could|may"
    r"|might|would|can) (?:affect|interfere|influence|compromise|confound|jeopardi[sz]e)\w*\b"
    r"[\w\s'-]*[.]?$"
    r"|^(?:(?:is|are|being) )?(?:unable|unwilling|not able) to (?!.*\b(?:or|and|with)\b)"
    r"[\w\s'-]+[.]?$"
)


def measure_alternative(
    normalized: str, text: str, compile_clause: Callable[[str], Criterion | None]
) -> Criterion | None:
    """any-of(measurement, TEXT residue) for an exclusion bullet "<measurement> or <item no
    record decides>", or None."""
    if not _DIGIT.search(normalized[: _OPENING_REACH + 60]) or " or " not in normalized:
        return None
    split = _ALTERNATIVE.search(normalized)
    if split is None or not _DIGIT.search(normalized, 0, split.start()):
        return None
    head, rest = normalized[: split.start()].rstrip(" ,;"), normalized[split.end() :].strip()
    if not _UNDECIDABLE_ITEM.match(rest) or _ALTERNATIVE_REFUSAL.search(rest):
        return None
    unnamed = re.sub(_GENERIC, " ", rest)
    if find_labs(rest) or LOOKS_DECIDABLE.search(unnamed) or names_anything(rest):
        return None  # an item the form would lack
    part = compile_clause(head)
    if part is None or not _only_labs(part):
        return None
    members = part.children if part.combination == "any-of" else (part,)
    residue = Criterion(Kind.TEXT, source_text=text)
    return Criterion(
        Kind.COMBINATION, children=(*members, residue), combination="any-of", source_text=text
    )


def _only_labs(criterion: Criterion) -> bool:
    if criterion.negated or criterion.cohort is not None:
        return False
    if criterion.kind is Kind.COMBINATION:
        return criterion.combination in ("all-of", "any-of") and all(
            _only_labs(child) for child in criterion.children
        )
    return criterion.kind is Kind.LAB and criterion.comparator is not None
