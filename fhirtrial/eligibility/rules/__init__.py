"""Rule-based criterion compiler: finders (one module per criterion kind) + the assembly here.

`compile_text` finds every known criterion in a text (`Match`es from the finders), then checks
that the words left over are only filler ("patients must have", "history of", punctuation),
connectives ("and", "or") and negations (the word lists are in `vocabulary`). Anything else
left over means the text says something the rules do not understand: the criterion then stays
text-only (None). This residual check is what keeps precision high.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import pairwise

from fhirtrial.eligibility.model import CombinationCode, Criterion, Kind, Window, evolve
from fhirtrial.eligibility.outline import Section, unescape_markdown
from fhirtrial.eligibility.rules.adult_population import adults_aged
from fhirtrial.eligibility.rules.age_clauses import age_clause_parts, without_list_heading
from fhirtrial.eligibility.rules.ages import find_age_ranges
from fhirtrial.eligibility.rules.anticancer_therapy import find_anticancer_therapy
from fhirtrial.eligibility.rules.asides import IGNORE, set_aside
from fhirtrial.eligibility.rules.autoimmune_treatment import autoimmune_requiring_treatment
from fhirtrial.eligibility.rules.base import (
    WINDOW_LAST,
    WINDOW_LESS,
    WINDOW_PERIOD_UNITS,
    WINDOW_UNITS,
    WINDOW_WITHIN,
    Match,
    Triggers,
    has_any,
    normalize,
    opened_bare_windows,
    remember_recent,
    window_before,
    word_number,
)
from fhirtrial.eligibility.rules.born_population import born_population
from fhirtrial.eligibility.rules.chemotherapy import find_chemotherapy
from fhirtrial.eligibility.rules.conditions import (
    REQUIRING_HOSPITALIZATION,
    find_biomarkers,
    find_conditions,
    find_pregnancy,
    find_stage,
)
from fhirtrial.eligibility.rules.dated_parts import dated_parts
from fhirtrial.eligibility.rules.defined_diagnoses import defined_diagnosis
from fhirtrial.eligibility.rules.demographics import find_age, find_sex
from fhirtrial.eligibility.rules.device_lists import absent_devices
from fhirtrial.eligibility.rules.diagnosis_contexts import diagnosis_in_context
from fhirtrial.eligibility.rules.diagnosis_groups import find_diagnosis_groups
from fhirtrial.eligibility.rules.diagnosis_leads import (
    diagnosed_in_window,
    judged_by_investigator,
    strip_diagnosis_leads,
)
from fhirtrial.eligibility.rules.diagnosis_neighbours import (
    narrows_after,
    narrows_before,
    treated_after,
)
from fhirtrial.eligibility.rules.diagnosis_phrasing import (
    DIAGNOSED,
    dated_diagnosis,
    strip_established,
)
from fhirtrial.eligibility.rules.diagnosis_residue import diagnosis_with_residue
from fhirtrial.eligibility.rules.diagnosis_tails import narrowed_diagnosis, plain_diagnosis
from fhirtrial.eligibility.rules.driver_mutations import find_driver_mutations
from fhirtrial.eligibility.rules.excepted_diagnoses import excepted_diagnosis, excepted_use
from fhirtrial.eligibility.rules.exclusion_conjunctions import and_in_exclusion
from fhirtrial.eligibility.rules.group_diagnoses import TRIGGERS as GROUP_TRIGGERS
from fhirtrial.eligibility.rules.group_diagnoses import group_with_diagnosis
from fhirtrial.eligibility.rules.icd_titles import (
    find_icd_titles,
    out_of_qualified_lists,
    spell_icd_titles,
    yield_to_other_finders,
)
from fhirtrial.eligibility.rules.inline_lists import inline_list
from fhirtrial.eligibility.rules.labs import find_labs
from fhirtrial.eligibility.rules.malignancy_exceptions import excepted_malignancy
from fhirtrial.eligibility.rules.measured_asides import (
    is_one_diagnosis,
    measured,
    measured_requirement,
)
from fhirtrial.eligibility.rules.medication_lists import find_medication_lists
from fhirtrial.eligibility.rules.medications import (
    counts_from_enrolment,
    find_allergies,
    find_medications,
)
from fhirtrial.eligibility.rules.name_variants import respelled
from fhirtrial.eligibility.rules.named_groups import find_named_groups
from fhirtrial.eligibility.rules.narrowing_clauses import narrowed_by_clause, narrowed_by_purpose
from fhirtrial.eligibility.rules.narrowing_words import kind_of, narrowed
from fhirtrial.eligibility.rules.never_used import find_never_used
from fhirtrial.eligibility.rules.obstetric import find_obstetric
from fhirtrial.eligibility.rules.organ_impairment import find_organ_impairments
from fhirtrial.eligibility.rules.partial import (
    find_hereditary_variants,
    listed_requirements,
    necessary_parts,
    sufficient_parts,
)
from fhirtrial.eligibility.rules.past_diagnoses import with_past_counting
from fhirtrial.eligibility.rules.performance import find_performance_status
from fhirtrial.eligibility.rules.phrasing import (
    Consequence,
    consequence,
    has_negation,
    names_any_malignancy,
    negate,
    strip_phrasing,
)
from fhirtrial.eligibility.rules.population_ages import population_age
from fhirtrial.eligibility.rules.population_sex import with_population_sex
from fhirtrial.eligibility.rules.pregnancy_phrasing import either_state
from fhirtrial.eligibility.rules.prior_medication import find_prior_medications
from fhirtrial.eligibility.rules.procedure_asides import procedure_with_aside
from fhirtrial.eligibility.rules.procedure_phrasing import (
    dates_a_procedure,
    judgement_tail,
    names_a_procedure,
    other_case_tail,
    reworded_procedure,
    with_text,
)
from fhirtrial.eligibility.rules.procedures import find_procedures
from fhirtrial.eligibility.rules.scales import SCALE_CONCEPTS, find_scales
from fhirtrial.eligibility.rules.scores import find_scores
from fhirtrial.eligibility.rules.serology import find_serology
from fhirtrial.eligibility.rules.shared_heads import (
    expand_shared_heads,
    first_half_concepts,
)
from fhirtrial.eligibility.rules.shared_modifiers import (
    is_list_connective,
    share_modifier,
    share_modifier_match,
)
from fhirtrial.eligibility.rules.smoking import find_smoking
from fhirtrial.eligibility.rules.smoking_amounts import smoking_amount
from fhirtrial.eligibility.rules.state_moments import moved_state
from fhirtrial.eligibility.rules.subgroup_leads import subgroup_bound
from fhirtrial.eligibility.rules.suspicion import without_suspicion
from fhirtrial.eligibility.rules.therapy import find_therapies
from fhirtrial.eligibility.rules.trailing_results import result_spread_over_list
from fhirtrial.eligibility.rules.treated_clauses import TRIGGERS as TREATED_TRIGGERS
from fhirtrial.eligibility.rules.treated_clauses import treated_diagnosis
from fhirtrial.eligibility.rules.treated_diagnoses import only_diagnoses, treated_for
from fhirtrial.eligibility.rules.tumour import find_receptors, find_stage_ranges
from fhirtrial.eligibility.rules.unread_members import unread_members
from fhirtrial.eligibility.rules.vocabulary import (
    AND_WORDS,
    FILLER,
    MORE_NOISE,
    NEGATORS,
    NOISE,
    NOISE_TRIGGERS,
    OR_WORDS,
)
from fhirtrial.eligibility.rules.weight_change import find_weight_loss

FINDERS = (
    find_age,
    find_age_ranges,
    find_sex,
    find_performance_status,
    find_labs,
    find_conditions,
    find_scales,
    find_scores,
    find_weight_loss,
    find_stage,
    find_biomarkers,
    find_driver_mutations,
    find_hereditary_variants,
    find_serology,
    find_receptors,
    find_stage_ranges,
    find_pregnancy,
    find_obstetric,
    find_therapies,
    find_chemotherapy,
    find_allergies,
    find_medications,
    find_medication_lists,
    find_prior_medications,
    find_never_used,
    find_anticancer_therapy,
    find_procedures,
    find_smoking,
    find_diagnosis_groups,
    find_named_groups,
    find_organ_impairments,
    # A title sharing a word with another finder's match yields to it (`_assemble`).
    find_icd_titles,
)
_WINDOWED_KINDS = frozenset(
    {
        *(Kind.CONDITION, Kind.PRIOR_THERAPY, Kind.VACCINE, Kind.LAB, Kind.PREGNANCY),
        *(Kind.MEDICATION, Kind.PROCEDURE, Kind.SMOKING),
    }
)
_TOKEN = re.compile(r"and/or|[a-z0-9][a-z0-9'+\-]*|[,;.&]")
_COHORT_MARKER = re.compile(r"\(cohort (?P<id>[a-z0-9]+)\)")
_COHORT_PREFIX = re.compile(r"^\s*cohort\s+[a-z0-9]+\s*(?:\([^)]*\))?\s*:\s*")
_BRANCH_PREFIX = re.compile(
    r"^\s*(?:for )?(?:those|patients|participants|subjects) (?P<neg>with"
    r"|without) (?P<cond>[^:]+):\s*"
)
_IN_THOSE_WITH = re.compile(
    r"\s+in (?:those|patients|participants|subjects) with (?P<cond>[^.;)]+)\.?\s*$"
)
# A list marker left in the text by a nested list or by the outline ("1. diagnosed as HIV
# positive;", "2.Asthma", "b) asthma", "(a) asthma", "II.Motor neuron diseases"): a number, a
# letter or a roman numeral. A letter is a marker only before ")": before "." it may be the
# initial of a genus ("S. aureus", "E. coli", "C. difficile"). A marker written against its
# word ("2.Asthma") must be a number or a roman numeral of two letters or more: "i.e." is no
# marker, "3.5 mg" no number.
_ENUMERATOR = re.compile(
    r"^(?:\((?:\d{1,2}|[a-z]|[ivx]{1,4})\)\s*"
    r"|(?:\d{1,2}|[a-z]|[ivx]{1,4})\)\s*"
    r"|(?:\d{1,2}|[ivx]{1,4})\.\s+"
    r"|(?:\d{1,2}|ii|iii|iv|vi|vii|viii|ix|xi|xii)\.(?=[a-z]))"
)
# What ends a marker (`_ENUMERATOR`) within a text's first characters: a cheap test first.
_MARKER_END = frozenset(").")
# A bullet that only goes on with the one before it ("Patients presenting for treatment of UTI."
# / "Including prostatitis, pyelonephritis, and/or interstitial cystitis."): its examples are
# kinds of the previous bullet's diagnosis, not a requirement of their own.
_ELABORATION = re.compile(r"^\s*(?:including|includes|such as|e\.g\.|for example)\b")
# "LVEF < 50% for mitral insufficiency": a bound asked of the patients with a diagnosis.
_FOR_A_SUBGROUP = re.compile(r"\d[^;]*?\bfor (?:patients |those |subjects )?(?:with )?[a-z]")


def _bound_for_a_subgroup(criterion: Criterion, normalized: str) -> bool:
    """Whether an inclusion reads a measured bound "for" a diagnosis as both: the bound holds
    for the patients with it, and the others need not have it (an all-of would require it)."""
    if criterion.kind is not Kind.COMBINATION or criterion.combination != "all-of":
        return False
    kinds = {child.kind for child in criterion.children}
    if Kind.CONDITION not in kinds or Kind.LAB not in kinds:
        return False
    return any(
        not re.match(
            r"(?:at least|more than|less than|over|under|up to|longer|the |a |\d)",
            m.group(0)[m.group(0).rfind("for ") + 4 :],
        )
        for m in _FOR_A_SUBGROUP.finditer(normalized)
    )


_BIOMARKER_ONLY_KINDS = frozenset({Kind.BIOMARKER, Kind.CONDITION})
_LAST_WORDS = ("past ", "previous ", "last ", "preceding ")
_EXCEPTION_WORDS = ("except", "excluding", "other than", "apart from", "unless")


def compile_text(text: str, *, exclusion: bool = False, partial: bool = False) -> Criterion | None:
    """The computable meaning of one criterion text, or None when it is not (fully) understood.

    With ``partial``, a text that is not fully understood may still give, for an inclusion
    bullet, the parts every patient must meet: all-of(parts…, TEXT residue); for an exclusion
    bullet, the parts that exclude a patient on their own: any-of(parts…, TEXT residue)
    (`rules.partial`).
    """
    return read_text(text, exclusion=exclusion, partial=partial).criterion


@dataclass(frozen=True, slots=True)
class Reading:
    """What `compile_text` gives (``criterion``), with the full reading it started from."""

    criterion: Criterion | None
    full: Criterion | None
    """The text understood in full, or None: what `compile_text` gives without ``partial``."""


def read_text(
    text: str, *, exclusion: bool = False, partial: bool = False, section: Section | None = None
) -> Reading:
    """`compile_text`, keeping the full reading for a caller that needs both.

    ``section``: the list the bullet stands in, when known. It decides what "… are excluded"
    means in a bullet read as an inclusion (`rules.phrasing.consequence`): NOT the rest in the
    inclusion list, the rest itself under an exclusion lead-in; unknown, the bullet stays text.
    Its diagnoses count a past entry when its words say so (`rules.past_diagnoses`)."""
    reading = _read_text(text, exclusion=exclusion, partial=partial, section=section)
    if reading.criterion is None:
        return reading
    if "egative" in text and result_spread_over_list(text.lower(), reading.criterion):
        return Reading(None, None)
    full = with_past_counting(reading.full, text)
    if reading.criterion is reading.full:
        return Reading(full, full)
    return Reading(with_past_counting(reading.criterion, text), full)


def _read_text(text: str, *, exclusion: bool, partial: bool, section: Section | None) -> Reading:
    normalized = normalize(unescape_markdown(text))
    if (
        normalized[:1].isdigit()
        or normalized[:1] == "("
        or _MARKER_END.intersection(normalized[1:5])
    ):
        normalized = _ENUMERATOR.sub("", normalized, count=1)
    normalized = respelled(normalized) or normalized  # "hypo-thyroidism", "DM2" (`name_variants`)
    if exclusion:
        # "Surgery two years prior to enrollment": the window "within" would open.
        normalized = opened_bare_windows(normalized)
    if section == "inclusion" and not exclusion and "adult" in normalized:
        # "Adult patients …" (aged >= 18): an inclusion bullet's own lead, not a fragment's.
        normalized = adults_aged(normalized) or normalized
    if not exclusion and ":" in normalized:
        normalized = without_list_heading(normalized)  # "Participants' eligibility: …"
    if _ELABORATION.match(normalized):
        return Reading(None, None)
    full = _compile_normalized(normalized, text, exclusion=exclusion, section=section)
    if (
        full is None
        and "(" not in normalized
        and (expanded := expand_shared_heads(normalized, read=_read_name))
    ):
        # "ischemic or hemorrhagic stroke": a head written once. Kept only when it reads the
        # whole bullet; the partial readings go on from the words as written, and asides are
        # `_read_aside`'s to weigh ("liver or renal failure (ie, dialysis)" narrows).
        full = _compile_normalized(expanded, text, exclusion=exclusion, section=section)
        if full is not None:
            normalized = expanded
    if full is None:
        full = _procedure_rephrased(normalized, text, exclusion=exclusion, section=section)
    if full is None and (plain := plain_diagnosis(normalized)) is not None:
        # "Asthma per medical history", "Patients affected by X" (`rules.diagnosis_tails`)
        read = _compile_normalized(plain, text, exclusion=exclusion, section=section)
        if read is not None and _recorded_diagnoses(read):
            full = read
    if not exclusion and full is not None and _bound_for_a_subgroup(full, normalized):
        return Reading(None, None)
    if exclusion and full is not None and _denied_in_a_word(full, normalized):
        return Reading(None, None)
    if full is not None and treated_for(normalized) and only_diagnoses(full):
        # "Treatment for seizure disorders": having the diagnosis, treated for it.
        return Reading(kind_of(full, text) if partial else None, None)
    if full is None and "(" in normalized:
        aside = _read_aside(normalized, text, exclusion=exclusion, section=section)
        if aside is not None and (aside.full is not None or partial):
            return aside
    if full is not None or not partial:
        return Reading(full, full)

    def read_item(item: str) -> Criterion | None:
        # An item of an inline list reads as a bullet of its own in the same list.
        read = _compile_normalized(item, item, exclusion=exclusion, section=section)
        return read or _read_in_part(item, item, exclusion=exclusion)

    listed = inline_list(normalized, text, exclusion=exclusion, read_item=read_item)
    if listed is not None:
        return Reading(listed, None)
    read = _read_in_part(normalized, text, exclusion=exclusion)
    if read is None and exclusion:
        # "Traumatic brain injury or significant neurologic signs (past year)": the parts read
        # without the closing window, each dated by it (`rules.dated_parts`).
        read = dated_parts(normalized, lambda before: _read_in_part(before, text, exclusion=True))
    return Reading(read, None)


def _read_name(name: str) -> Criterion | None:
    """A short name read alone, as an inclusion bullet (`rules.shared_heads`)."""
    return _compile_normalized(name, name, exclusion=False)


def _read_aside(
    normalized: str, text: str, *, exclusion: bool, section: Section | None
) -> Reading | None:
    """The text read without its parentheses (`rules.asides`): the rest itself when they add
    nothing a record decides, all-of(rest, TEXT) when they narrow it; None when they are
    refused or the rest does not compile in full. A negation in the rest refuses all but a
    restatement: what "no X" denies, narrowed, is a wider inclusion."""
    aside = set_aside(normalized)
    if aside is None or (not aside.restates and has_negation(aside.rest)):
        return None  # (the words' negation refuses before the costly reading of the rest)
    rest = _compile_normalized(aside.rest, text, exclusion=exclusion, section=section)
    if rest is None or (exclusion and _denied_in_a_word(rest, aside.rest)):
        return None
    if aside.method and any(leaf.kind is Kind.LAB for leaf in _leaves(rest)):
        return None  # the method may name another analyte (Cockcroft-Gault: a clearance)
    if not aside.restates and any(leaf.negated for leaf in _leaves(rest)):
        return None
    if aside.effect == IGNORE:
        return Reading(rest, rest)
    if aside.measured and not _bounded_diagnosis(aside.measured, rest, exclusion=exclusion):
        return None  # "CKD (clearance < 60 mL/min)": a bound on one diagnosis, or refused
    members = (rest, Criterion(Kind.TEXT, source_text=text))
    combined = Criterion(Kind.COMBINATION, children=members, combination="all-of", source_text=text)
    return Reading(combined, None)


def _bounded_diagnosis(bodies: tuple[str, ...], rest: Criterion, *, exclusion: bool) -> bool:
    """Whether "diagnosis (bound)" reads as all-of(diagnosis, TEXT) (`rules.measured_asides`):
    in an exclusion only (in an inclusion the bound may define the diagnosis, which a record
    then shows without its code), after one diagnosis, and not when the bound reads in full as
    a measurement ("Dyslipidemia (LDL > 190 mg/dL)": a name defined by a measurement is the
    measurement, the lab finder's, or text)."""
    if not exclusion or len(bodies) > 1 or not is_one_diagnosis(rest):
        return False
    return not measured(_compile_normalized(bodies[0], bodies[0], exclusion=True))


def _read_in_part(normalized: str, text: str, *, exclusion: bool) -> Criterion | None:
    if (amount := smoking_amount(normalized, text)) is not None:
        return amount
    if (suspected := _known_or_suspected(normalized, text, exclusion=exclusion)) is not None:
        return suspected  # either list: a recorded diagnosis is one, a suspicion is text
    if (narrowed_read := _narrowed_diagnosis(normalized, text, exclusion=exclusion)) is not None:
        return narrowed_read  # "Newly diagnosed X", "X, stable for 3 months": all-of(X, TEXT)
    if exclusion and (judged := _judged_diagnosis(normalized, text)) is not None:
        return judged  # (an inclusion's judgement is `necessary_parts`' to read or refuse)
    if exclusion and (
        excepted := excepted_malignancy(normalized, text, _exclusion_head, _concepts_found)
    ):
        return excepted
    if exclusion and (excepted := excepted_diagnosis(normalized, text, _exclusion_head)):
        return excepted
    if (
        exclusion
        and has_any(normalized, _EXCEPTION_WORDS)
        and (excepted := excepted_use(normalized, text, _compile_clause)) is not None
    ):
        return excepted  # "Use of antibiotics within 4 weeks (except for antimalarial …)"
    if exclusion and (treated := autoimmune_requiring_treatment(normalized, text)) is not None:
        return treated
    if (
        exclusion
        and has_any(normalized[:20], GROUP_TRIGGERS)
        and (
            group := group_with_diagnosis(
                normalized, text, _compile_clause, _recorded_diagnoses, names_any_malignancy
            )
        )
        is not None
    ):
        return group  # "Children with HBV infection" (`rules.group_diagnoses`)
    if exclusion:
        return (
            sufficient_parts(normalized, text, _compile_clause)
            or narrowed(normalized, text, _compile_clause, _concepts_found, exclusion=True)
            or narrowed_by_clause(normalized, text, _exclusion_head, _kinds_found)
            or procedure_with_aside(normalized, text, _compile_clause)
            or (
                has_any(normalized, TREATED_TRIGGERS)
                and treated_diagnosis(normalized, text, _compile_clause, _kinds_found)
            )
            or narrowed_by_purpose(normalized, text, _compile_clause, _kinds_found)
            or diagnosis_with_residue(normalized, text, exclusion=True)
            or diagnosis_in_context(normalized, text, _compile_clause, exclusion=True)
            or unread_members(normalized, text, _compile_clause, _concepts_found)
            or measured_requirement(normalized, text, _compile_clause)
            or defined_diagnosis(normalized, text, _compile_clause)
        )
    if (born := born_population(normalized, text, _compile_inclusion_clause)) is not None:
        return born  # "Preterm infants born before 32 weeks of gestation"
    read = (
        necessary_parts(normalized, text, _compile_inclusion_clause)
        or listed_requirements(normalized, text, _compile_inclusion_clause)
        or absent_devices(normalized, text, _compile_clause)
        or narrowed(normalized, text, _compile_inclusion_clause, _concepts_found, exclusion=False)
        or diagnosis_with_residue(normalized, text, exclusion=False)
        or diagnosis_in_context(normalized, text, _compile_inclusion_clause, exclusion=False)
        or measured_requirement(normalized, text, _compile_inclusion_clause)
    )
    if read is not None and {leaf.concept for leaf in _leaves(read)} & first_half_concepts(
        normalized, read=_read_name
    ):
        read = None  # "cervical and uterine cancer": uterine cancer is no necessary part
    leaves = [] if read is None else _leaves(read)
    if read is None or not any(leaf.kind is Kind.AGE for leaf in leaves):
        # An age said anywhere in the bullet (`rules.age_clauses`), with the rest read in part.
        read = age_clause_parts(normalized, text, compile_text, _read_rest_in_part) or read
    elif any(leaf.kind is Kind.TEXT for leaf in leaves):
        # "Adult patients with IBS according to Rome IV criteria": the parts' reader leaves a
        # residue the rest, read on its own, does not have; the age clause's reading is whole.
        # A judgement the whole reading carries as a qualifier ("moderate-to-severe plaque
        # psoriasis") is the residue said another way: the parts' reading stays.
        whole = age_clause_parts(normalized, text, compile_text, _read_rest_in_part)
        whole_leaves = [] if whole is None else _leaves(whole)
        qualifiers = {q for leaf in leaves for q in leaf.qualifiers}
        if whole is not None and all(
            leaf.kind is not Kind.TEXT and set(leaf.qualifiers) <= qualifiers
            for leaf in whole_leaves
        ):
            read = whole
    # "Postmenopausal women aged 50 or older": the population's sex with the age.
    return None if read is None else with_population_sex(read, normalized)


def _read_rest_in_part(rest: str) -> Criterion | None:
    return compile_text(rest, partial=True)


def _exclusion_head(head: str) -> Criterion | None:
    """The words before an exclusion's narrowing clause, read in full or without their own
    narrowing words (`narrowing_clauses`: "Severe X that would interfere")."""
    read = _compile_clause(head)
    if read is not None:
        return read
    kind = narrowed(head, head, _compile_clause, _concepts_found, exclusion=True)
    if kind is not None and kind.kind is Kind.COMBINATION and kind.children[-1].kind is Kind.TEXT:
        return kind.children[0]
    return kind


@remember_recent(8)
def _found(text: str) -> list[Match]:
    """What the finders read in a normalized text, as `_assemble` selects it (a text read again
    soon after, 52 of 1,193 a bench pass, is answered from memory: `base.remember_recent`)."""
    found = yield_to_other_finders([m for finder in FINDERS for m in finder(text)])
    return _select(out_of_qualified_lists(text, found))


def _concepts_found(text: str) -> set[str]:
    return {m.criterion.concept for m in _found(text) if m.criterion.concept is not None}


def _kinds_found(text: str) -> set[Kind]:
    return {m.criterion.kind for m in _found(text)}


def _compile_inclusion_clause(clause: str) -> Criterion | None:
    """A piece of an inclusion bullet, compiled in full (`necessary_parts`)."""
    return compile_text(clause)


def _known_or_suspected(normalized: str, text: str, *, exclusion: bool) -> Criterion | None:
    """any-of(diagnoses…, TEXT) for "known or suspected X" (`rules.suspicion`): only when the
    rest reads in full as diagnoses or allergies a record states."""
    rest = without_suspicion(normalized)
    if rest is None:
        return None
    read = _compile_normalized(rest, text, exclusion=exclusion)
    if read is None or not _recorded_states(read) or names_any_malignancy(read):
        return None  # "any malignancy" in a cancer study means another one: see phrasing
    members = read.children if read.combination == "any-of" and not read.cohort else (read,)
    return Criterion(
        Kind.COMBINATION,
        children=(*members, Criterion(Kind.TEXT, source_text=text)),
        combination="any-of",
        source_text=text,
    )


def _judged_diagnosis(normalized: str, text: str) -> Criterion | None:
    """all-of(diagnoses…, TEXT) for "X according to the investigator" in an exclusion
    (`rules.diagnosis_leads`): only when the rest reads in full as diagnoses a record states."""
    return _diagnoses_and_text(judged_by_investigator(normalized), text, exclusion=True)


def _narrowed_diagnosis(normalized: str, text: str, *, exclusion: bool) -> Criterion | None:
    """all-of(diagnoses…, TEXT) for a diagnosis narrowed by words no record decides
    (`rules.diagnosis_tails`): only when the rest reads in full as diagnoses a record states."""
    return _diagnoses_and_text(narrowed_diagnosis(normalized), text, exclusion=exclusion)


def _diagnoses_and_text(rest: str | None, text: str, *, exclusion: bool) -> Criterion | None:
    if rest is None:
        return None
    read = _compile_normalized(rest, text, exclusion=exclusion)
    if read is None or not _recorded_diagnoses(read):
        return None
    return Criterion(
        Kind.COMBINATION,
        children=(read, Criterion(Kind.TEXT, source_text=text)),
        combination="all-of",
        source_text=text,
    )


def _recorded_diagnoses(criterion: Criterion) -> bool:
    if criterion.kind is Kind.COMBINATION:
        return (
            criterion.combination in ("any-of", "all-of")
            and not criterion.negated
            and not criterion.cohort
            and all(_recorded_diagnoses(child) for child in criterion.children)
        )
    return criterion.kind is Kind.CONDITION and not criterion.negated


def _recorded_states(criterion: Criterion) -> bool:
    if criterion.kind is Kind.COMBINATION:
        return criterion.combination == "any-of" and all(
            _recorded_states(child) for child in criterion.children
        )
    return criterion.kind in (Kind.CONDITION, Kind.ALLERGY) and not criterion.negated


def _compile_clause(clause: str) -> Criterion | None:
    """A piece of an exclusion bullet's main clause, compiled in full (`sufficient_parts`)."""
    return _compile_normalized(clause, clause, exclusion=True)


def _procedure_rephrased(
    normalized: str, text: str, *, exclusion: bool, section: Section | None
) -> Criterion | None:
    """A procedure whose time or judgement is phrased otherwise (`rules.procedure_phrasing`):
    "major surgery was performed within 4 weeks", "< 4 weeks from major surgery", "… and not
    fully recovered" (all-of(procedure, TEXT)), in an exclusion "… or planned during the study"
    (any-of(procedure, TEXT))."""
    judged = judgement_tail(normalized)
    combination: CombinationCode = "all-of"
    if judged is None and exclusion:
        judged, combination = other_case_tail(normalized), "any-of"
    head = judged[0] if judged else normalized
    reworded = reworded_procedure(head)
    if reworded is None and judged is None:
        return None
    reading = _compile_normalized(reworded or head, text, exclusion=exclusion, section=section)
    if reading is None or (reworded is not None and not dates_a_procedure(reading)):
        return None
    if judged is None:
        return reading
    if not (dates_a_procedure(reading) if combination == "any-of" else names_a_procedure(reading)):
        return None
    return evolve(with_text(reading, judged[1], combination), source_text=text)


# Every trigger of `NOISE` and `MORE_NOISE`: a text with none (most) skips their ~14 tests, and
# the scan is the one the finders then use (`base.triggers_in`) when nothing else is cut.
_ANY_NOISE = Triggers([*NOISE_TRIGGERS, *(t for _, triggers in MORE_NOISE for t in triggers)])


def _without_noise(normalized: str) -> str:
    if has_any(normalized, NOISE_TRIGGERS):
        normalized = NOISE.sub("", normalized)
    for pattern, triggers in MORE_NOISE:
        if has_any(normalized, triggers):
            normalized = pattern.sub("", normalized)
    return normalized


def _compile_normalized(
    normalized: str, text: str, *, exclusion: bool, section: Section | None = None
) -> Criterion | None:
    if exclusion and (group := population_age(normalized)) is not None:
        return evolve(group, source_text=text)  # "Minors", "Neonates" (`population_ages`)
    if "cohort" in normalized:
        normalized = _COHORT_PREFIX.sub("", normalized)
    if _ANY_NOISE.any_in(normalized):
        normalized = _without_noise(normalized)
    normalized = strip_established(strip_phrasing(normalized))
    normalized = strip_diagnosis_leads(normalized, _starts_with_diagnosis)
    if (said := consequence(normalized)) is not None:
        return _with_consequence(said, text, exclusion=exclusion, section=section)
    if subgroup := subgroup_bound(
        normalized, exclusion=exclusion, read=lambda t: _assemble(t, exclusion=False)
    ):
        return evolve(subgroup, source_text=text)  # "For patients with diabetes: HbA1c < 9%"
    prefix: Criterion | None = None
    if branch := _BRANCH_PREFIX.match(normalized):
        prefix = _assemble(normalize(branch["cond"]), exclusion=False)
        if prefix is None:
            return None
        if branch["neg"] == "without":
            prefix = evolve(prefix, negated=not prefix.negated)
        normalized = normalized[branch.end() :]
    condition: Criterion | None = None
    if " with " in normalized and (conditional := _IN_THOSE_WITH.search(normalized)):
        condition = _assemble(conditional["cond"], exclusion=False)
        if condition is None:
            return None
        normalized = normalized[: conditional.start()]
    main = _dated_reading(normalized, exclusion=exclusion) or _assemble(
        normalized, exclusion=exclusion
    )
    if main is None or (not exclusion and _demographic_alternative(main)):
        return None
    if condition is not None and exclusion:
        # "Hypertension in patients with asthma", "HbA1c > 10% in patients with diabetes":
        # excluded are those with both. The inclusion's any-of(NOT C, B) would exclude every
        # patient without C (as `subgroup_leads` reads a subgroup named first); a list before
        # the subgroup ("A and B in those with C") may be C's or not: text.
        if main.kind is Kind.COMBINATION:
            return None
        main = _combine([condition, main], "all-of")
    elif condition is not None:
        # "A and B in those with C": C implies B (the last clause).
        main = _conditional_last_clause(main, condition)
    if prefix is not None:
        main = _combine([prefix, main], "all-of")
    if main.kind is not Kind.LAB and diagnosed_in_window(normalized):
        main = _diagnosed_in_its_window(main)
    return evolve(main, source_text=text)


def _diagnosed_in_its_window(criterion: Criterion) -> Criterion:
    """``criterion`` with qualifier `diagnosed` on each diagnosis dated by a recent window
    ("migraine diagnosed within the past 12 months": made in it, not merely present in it)."""
    if criterion.kind is Kind.COMBINATION:
        children = tuple(_diagnosed_in_its_window(c) for c in criterion.children)
        return criterion if children == criterion.children else evolve(criterion, children=children)
    window = criterion.window
    if (
        criterion.kind is not Kind.CONDITION
        or window is None
        or window.high_days != 0
        or DIAGNOSED in criterion.qualifiers
    ):
        return criterion
    return evolve(criterion, qualifiers=(*criterion.qualifiers, DIAGNOSED))


def _starts_with_diagnosis(text: str) -> bool:
    """Whether a diagnosis name the finders know (hand-made or an ICD-10-CM title) begins the
    text (`rules.diagnosis_leads`)."""
    return any(m.start == 0 for m in find_conditions(text)) or any(
        m.start == 0 for m in spell_icd_titles(text)
    )


def _demographic_alternative(criterion: Criterion) -> bool:
    """An inclusion any-of with an age or sex beside other kinds: "Age 18 to 75 years, ECOG 0-1
    or Karnofsky >= 70" reads as age OR ECOG OR Karnofsky, dropping the age requirement; an
    inclusion list never offers its age as an alternative to a clinical state."""
    if criterion.kind is not Kind.COMBINATION or criterion.negated:
        return False
    if criterion.combination != "any-of":
        return any(_demographic_alternative(child) for child in criterion.children)
    kinds = {child.kind for child in criterion.children}
    return bool(kinds & {Kind.AGE, Kind.SEX}) and bool(kinds - {Kind.AGE, Kind.SEX, Kind.TEXT})


def _dated_reading(normalized: str, *, exclusion: bool) -> Criterion | None:
    """Diagnoses dated by the time since they were made ("diagnosed > 6 months ago")."""
    dated = dated_diagnosis(normalized, exclusion=exclusion)
    if dated is None:
        return None
    read = _assemble(dated.rest, exclusion=exclusion)
    return None if read is None else dated.apply(read)


def _with_consequence(
    said: Consequence, text: str, *, exclusion: bool, section: Section | None
) -> Criterion | None:
    """A bullet that ends by saying what happens to whom the rest describes ("… would be
    excluded", "… will be included in the study"): the rest, read for the list it stands in.

    "… are excluded" is the rest itself in an exclusion list (or under an exclusion lead-in);
    in an inclusion list it is an exclusion stated there: NOT its exclusion reading. "… will be
    included" in an exclusion list, a negation in the rest ("Patients without HIV are excluded":
    the exclusion reading would drop it) or an unknown list leave the bullet text."""
    in_exclusion = exclusion or section == "exclusion"
    if has_negation(said.rest) or (in_exclusion and not said.excludes):
        return None
    if said.excludes and not in_exclusion and section != "inclusion":
        return None
    negative = said.excludes and not in_exclusion
    read = _compile_normalized(said.rest, text, exclusion=exclusion or negative)
    if read is None or names_any_malignancy(read):
        return None
    if negative:
        read = negate(read)
    return None if read is None else evolve(read, source_text=text)


def _conditional_last_clause(main: Criterion, condition: Criterion) -> Criterion:
    if main.kind is Kind.COMBINATION and main.combination == "all-of" and len(main.children) > 1:
        *first, last = main.children
        implied = _combine([evolve(condition, negated=not condition.negated), last], "any-of")
        return evolve(main, children=(*first, implied))
    return _combine([evolve(condition, negated=not condition.negated), main], "any-of")


def _combine(children: list[Criterion], code: CombinationCode) -> Criterion:
    return Criterion(Kind.COMBINATION, children=tuple(children), combination=code)


def _select(matches: list[Match]) -> list[Match]:
    """Keep the longest non-overlapping matches, in text order."""
    chosen: list[Match] = []
    for match in sorted(matches, key=lambda m: (-(m.end - m.start), m.start)):
        if all(match.end <= c.start or match.start >= c.end for c in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


@dataclass(slots=True)
class _Entry:
    """A finder's match in text order, with what the words before and after it said."""

    match: Match
    connective: str | None
    """The list connective before it ("and", "or", ","); None for the first entry."""
    negated: bool
    windows: list[Window] = field(default_factory=list)
    window_done: bool = False
    """A time window followed it: a later window applies only to the entries after it."""
    cohort_end: str | None = None
    """The cohort named right after it ("… (cohort A)"): it closes that cohort's list."""
    after_with: bool = False
    """ "with" stood right before it ("diabetes with HbA1c > 8%"): it qualifies the entry before."""
    touching: bool = False
    """Nothing but a space or a hyphen stood between it and the entry before."""
    new_clause: bool = False
    """A subject or a verb stood between it and the entry before: a clause of its own."""


@dataclass(frozen=True, slots=True)
class _Term:
    """An entry's criterion with its qualifiers, windows and negation applied, ready to join."""

    criterion: Criterion
    connective: str | None
    cohort_end: str | None
    unless: bool
    after_with: bool = False


def _assemble(text: str, *, exclusion: bool) -> Criterion | None:
    matches = _found(text)
    if not any(m.kind in ("criterion", "unless") for m in matches):
        return None
    # (start, end, kind, payload): a finder's Match, a time window, or a cohort marker's name.
    items: list[tuple[int, int, str, Match | Window | str]] = [
        (m.start, m.end, m.kind, m) for m in matches
    ]
    windows: list[re.Match[str]] = []
    if has_any(text, WINDOW_UNITS) or has_any(text, WINDOW_PERIOD_UNITS):
        windows.extend(WINDOW_WITHIN.finditer(text))
        if "<" in text:
            windows.extend(WINDOW_LESS.finditer(text))
    for window in windows:
        if all(window.end() <= m.start or window.start() >= m.end for m in matches):
            if not counts_from_enrolment(window[0]):
                return None  # "in the 3 months prior to delivery": not a window of enrolment
            n = word_number(window["n"])
            if n is not None:
                items.append(
                    (window.start(), window.end(), "window", window_before(n, window["unit"]))
                )
    lasts = WINDOW_LAST.finditer(text) if has_any(text, _LAST_WORDS) else ()
    for window in lasts:
        if all(window.end() <= m.start or window.start() >= m.end for m in matches) and all(
            window.end() <= start or window.start() >= end for start, end, *_ in items
        ):
            items.append((window.start(), window.end(), "window", window_before(1, window["unit"])))
    for marker in _COHORT_MARKER.finditer(text):
        if all(marker.end() <= m.start or marker.start() >= m.end for m in matches):
            items.append((marker.start(), marker.end(), "cohort", f"Cohort {marker['id'].upper()}"))
    items.sort(key=lambda item: item[0])

    # Walk the items, reading the words in the gaps between them.
    sequence: list[_Entry] = []
    position = 0
    pending_negation = False
    inverted = False
    for start, end, kind, payload in items:
        gap_text = text[position:start]
        gap = _read_gap(gap_text, after_match=bool(sequence))
        if gap is None:
            return None
        if (
            gap[1]
            and _NEGATED_TREATMENT.search(gap_text)
            and not (isinstance(payload, Match) and _is_treatment(payload.criterion))
        ):
            return None  # "never treated metastatic melanoma": the negation is of a treatment
        if sequence and _is_diagnosis(sequence[-1].match) and narrows_after(gap_text, text):
            return None  # "HIV testing, or asthma": a test is no diagnosis
        if sequence and _moved_state(sequence[-1].match, gap_text):
            return None  # "Hemoglobin < 10 g/dL at diagnosis of cancer": then, not now
        if isinstance(payload, Match) and _is_diagnosis(payload) and narrows_before(gap_text, text):
            return None  # "Treated hypertension": an untreated patient is not meant
        connective, negation = gap
        if negation and exclusion:
            if _REQUIREMENT.search(text) is None:
                return None  # "No evidence of dementia" in an exclusion list: see _REQUIREMENT
            inverted = True  # "must have negative X and Y" in an exclusion list: exclude X or Y
        elif negation:
            pending_negation = True
        position = end
        if isinstance(payload, Window):
            if not sequence:
                return None  # "Within 4 weeks prior to enrollment, any major surgery": unplaced
            for index in range(len(sequence) - 1, -1, -1):
                entry = sequence[index]
                if entry.window_done:
                    break
                entry.windows.append(payload)
                if entry.new_clause and index > 0 and not sequence[index - 1].window_done:
                    # "Prior allogeneic transplant, or subject has received autologous
                    # transplant within 3 months": whether the window reaches the first clause
                    # is not said.
                    return None
            if sequence:
                sequence[-1].window_done = True
            continue
        if isinstance(payload, str):
            if sequence:
                sequence[-1].cohort_end = payload
            continue
        if kind == "unless":
            connective = "and"
        if (
            connective is None
            and sequence
            and _FOR.search(gap_text)
            and _is_treatment(sequence[-1].match.criterion)
            and _is_diagnosis(payload)
        ):
            # "Prior therapy (chemotherapy or radiotherapy) for the current cancer": a treatment
            # given for that disease, which all-of(treatment, disease) is not, and which holds
            # for every alternative before it (any-of(chemotherapy, all-of(radiotherapy,
            # cancer)) excluded a patient treated for an earlier, other cancer).
            return None
        sequence.append(
            _Entry(
                match=payload,
                connective=connective if sequence else None,
                negated=pending_negation,
                after_with=bool(sequence) and connective is None and bool(_WITH.match(gap_text)),
                touching=bool(sequence) and gap_text.strip(" -") == "",
                new_clause=bool(sequence) and bool(_NEW_CLAUSE.search(gap_text)),
            )
        )
        pending_negation = False
    tail = _read_gap(text[position:], after_match=bool(sequence))
    if tail is None or (tail[1] and not exclusion):
        return None
    if _alternative_of_fillers(text[position:]):
        return None  # "Hypertension or equivalent": an alternative the reading would drop
    if (
        sequence
        and _is_diagnosis(sequence[-1].match)
        and (treated_after(text[position:]) or narrows_after(text[position:], text))
    ):
        return None  # "Hypertension under treatment", "HIV testing"
    if sequence and _moved_state(sequence[-1].match, text[position:]):
        return None  # "ECOG 0-1 at diagnosis", "Pregnancy in the past": then, not now
    if tail[1] and _NEGATED_TREATMENT.search(text[position:]):
        return None
    if tail[1]:
        if _REQUIREMENT.search(text) is None:
            return None
        inverted = True
    if not exclusion and len(sequence) > 1 and _SECOND_POPULATION.search(text):
        # "Patients with psoriasis and patients with atopic dermatitis": two groups, either
        # of which may enrol — never both conditions in one patient.
        return None
    if not exclusion and _leading_negation_only(sequence):
        # "No stroke or TIA", "negative for hepatitis B, hepatitis C and HIV": the negation
        # covers the whole list — NOT A and NOT B (never "NOT A or B").
        for entry in sequence[1:]:
            entry.negated = True
            entry.connective = "and" if entry.connective is not None else None
    if _two_diagnoses_as_one_name(sequence):
        return None
    _share_leading_modifiers(text, sequence)
    conjoined = exclusion and has_any(text, _CONJOINING) and bool(_CONJOINED.search(text))
    return _build(sequence, inverted=inverted, exclusion=exclusion, conjoined=conjoined)


# A negation in an exclusion bullet is read two ways by the people who write them. Worded as a
# requirement ("Participants must not be pregnant or nursing", "Must have negative syphilis assay
# and be seronegative for HIV": SWOG-style lists), it names what excludes: pregnant, HIV. Worded
# as a description ("No evidence of dementia" in a dementia study, "Patients without
# keratoconus", "Are not between 18 and 50 years of age"), it excludes those who lack X: X is
# required. Only the first is read; the second stays text, because a "No X" copied from an
# inclusion list means the opposite and either wrong reading can exclude every eligible patient.
_REQUIREMENT = re.compile(r"\b(?:must|should|shall|needs?|required|ha(?:ve|s) to)\b")


def _denied_in_a_word(criterion: Criterion, text: str) -> bool:
    """An exclusion whose every reading is a denial its finder read in one word ("Non-pregnant
    women", "HIV-negative"), with no requirement word: the same two meanings as "No X" (see
    `_REQUIREMENT`) — it stays text."""
    if _REQUIREMENT.search(text) is not None:
        return False
    leaves = [c for c in _leaves(criterion) if c.kind is not Kind.TEXT]
    return bool(leaves) and all(c.negated for c in leaves)


def _share_leading_modifiers(text: str, sequence: list[_Entry]) -> None:
    """ "Neuromuscular scoliosis and/or kyphosis": the bare later items of a list of diagnoses
    share the modifier in front of an item before them (see `shared_modifiers`)."""
    run: list[Match] = []  # the conditions of the current list, as read
    modifier: Match | None = None  # a modifier match right before the list's first item
    previous: Match | None = None
    for entry in sequence:
        match = entry.match
        if match.kind != "criterion" or match.criterion.kind is not Kind.CONDITION:
            run, previous = [], match
            continue
        if not run or entry.negated or not is_list_connective(entry.connective):
            modifier = (
                previous
                if previous is not None
                and previous.kind == "modifier"
                and REQUIRING_HOSPITALIZATION not in previous.criterion.qualifiers
                else None
            )  # "hospitalization for A or B" holds for every item already (see `_build`)
            run, previous = [match], match
            continue
        previous = match
        shared = share_modifier_match(text, modifier, run[0], match) if modifier else None
        for before in run:
            if shared is not None:
                break
            shared = share_modifier(text, before, match)
        run.append(match)
        if shared is not None:
            entry.match = shared


def _leaves(criterion: Criterion) -> list[Criterion]:
    if criterion.kind is Kind.COMBINATION and not criterion.negated:
        return [leaf for child in criterion.children for leaf in _leaves(child)]
    return [criterion]


_NEW_CLAUSE = re.compile(
    r"\b(?:patients?|subjects?|participants?|individuals?|persons?|people|those|who|whom|has|have"
    r"|had|having|received|receiving|undergone|underwent)\b"
)
_SECOND_POPULATION = re.compile(
    r"(?:\band|,) (?:the |all )?(?:patients|subjects|participants|individuals|people|persons"
    r"|those|women|men|children|adults|adolescents|infants|volunteers)\b"
)


def _leading_negation_only(sequence: list[_Entry]) -> bool:
    return (
        len(sequence) > 1
        and sequence[0].negated
        and not any(entry.negated for entry in sequence[1:])
        and all(entry.match.kind == "criterion" for entry in sequence)
    )


def _read_gap(gap: str, *, after_match: bool = True) -> tuple[str | None, bool] | None:
    """(connective, negation) for the words between two matches; None if they carry meaning.

    "infection" is filler only right after the match it names ("HIV infection") or before the
    agent ("infection with hepatitis B"); anywhere else it is an item of its own ("bleeding
    disorder or infection") that no finder read."""
    connective: str | None = None
    negation = False
    if "requir" in gap and _REQUIRING_TREATMENT.search(gap):
        return None  # "hypertension requiring treatment": a restriction no finder read
    tokens = _TOKEN.findall(gap)
    if "infection" in gap and any(
        t in _INFECTION_WORDS
        and (index > 0 or not after_match)
        and tokens[index + 1 : index + 2] not in (["with"], ["of"], ["by"])
        for index, t in enumerate(tokens)
    ):
        return None
    if "type" in tokens and any(
        word == "type" and after in _SUBTYPE_NAMES for word, after in pairwise(tokens)
    ):
        return None  # "type I myocardial infarction": a subtype the reading would drop
    dependent = (
        _DEPENDENT_WORDS.intersection(tokens)
        or ("on" in tokens and "," not in tokens)
        or any(w in ("in", "among") and p in _PEOPLE for w, p in pairwise(tokens))
    )
    if after_match and dependent and not _LIST_WORDS.intersection(tokens):
        return None  # "asthma, requiring oral steroids", "diabetes on insulin": which asthma
    for token in tokens:
        if token in OR_WORDS:
            connective = "or"
        elif token in AND_WORDS:
            if connective is None or token == "and":
                connective = "and" if token == "and" else (connective or ",")
        elif token in NEGATORS:
            negation = True
        elif token in FILLER:
            continue
        else:
            return None
    return connective, negation


_FOR = re.compile(r"\bfor\b")


# "Subjects with both DPN and PHN", "basal insulin plus bolus insulin": one patient with every
# item, never a list (`exclusion_conjunctions`). "Both genders", "both eyes" say no such thing.
_CONJOINING = ("both", "plus")
_CONJOINED = re.compile(
    r"\bboth\b(?! (?:genders?|sexes|sides?|eyes|ears|hands|arms|legs|feet|knees|hips|lungs"
    r"|kidneys|breasts|hemispheres|bones|modalities|of)\b)|\bplus\b"
)


def _alternative_of_fillers(tail: str) -> bool:
    """An "or" after the last reading with only filler words behind it ("Hypertension or
    equivalent", "ECOG 0-1 or equivalent", "X or another"): those words are an alternative no
    finder read, never nothing. A bare trailing "or" joins the next bullet (the outline's sibling
    "or"); a time of the same reading ("… or prior history") adds no alternative."""
    if " or " not in f"{tail} ":
        return False
    tokens = _TOKEN.findall(tail)
    last_or = max(index for index, token in enumerate(tokens) if token in OR_WORDS)
    return any(
        token not in _CONNECTIVES and token not in _TIMES_OF_THE_SAME
        for token in tokens[last_or + 1 :]
    )


_CONNECTIVES = OR_WORDS | AND_WORDS | {"nor"}
# "Malignancy or prior history", "X, current or past": the same reading at another time.
_TIMES_OF_THE_SAME = frozenset({"history", "prior", "past", "previous", "current", "present"})


def _two_diagnoses_as_one_name(sequence: list[_Entry]) -> bool:
    """Two diagnoses side by side with no word between ("hypertensive nephropathy" read as
    hypertension + nephropathy, "HIV-associated lymphoma"): one diagnosis the finders do not
    know, never both of them."""
    return any(
        entry.touching
        and entry.match.criterion.kind is Kind.CONDITION
        and before.match.kind == "criterion"
        and before.match.criterion.kind is Kind.CONDITION
        for before, entry in pairwise(sequence)
    )


_INFECTION_WORDS = frozenset({"infection", "infections"})
# Between two readings, words that make the second say which of the first is meant (unless an
# "or" / "and" makes them two items of a list: "MI or on anticoagulants"); so does "on" without a
# comma ("diabetes on insulin"; "…, on hemodialysis, …" is an item of a list).
_DEPENDENT_WORDS = frozenset(
    {"requiring", "required", "requires", "require", "needing", "treated", "receiving"}
)
_LIST_WORDS = frozenset({"or", "and", "and/or", "nor"})
# "Type 2 diabetes, in patients older than 65": the people a reading is restricted to.
_PEOPLE = frozenset(
    {
        *("patients", "those", "subjects", "participants", "people", "persons", "individuals"),
        *("women", "men", "females", "males", "children", "adults", "adolescents", "infants"),
    }
)
# What follows "type" when it names a subtype ("type 1", "type II", "type A").
_SUBTYPE_NAMES = frozenset(
    {*"12345", *("i", "ii", "iii", "iv", "v", "a", "b", "c", "1a", "1b", "2a", "2b")}
)
# A negation of a treatment no finder read ("never treated", "not previously received", "no
# prior treatment"): it denies a therapy, not the match after it.
_NEGATED_TREATMENT = re.compile(
    r"\b(?:no|not|never|without)\s+(?:\w+\s+){0,2}?(?:treated|received|receiving|treatment"
    r"|therapy|undergone)\b"
)
_TREATMENT_KINDS = frozenset(
    {Kind.PRIOR_THERAPY, Kind.MEDICATION, Kind.PROCEDURE, Kind.CORTICOSTEROID_DOSE, Kind.VACCINE}
)


def _is_treatment(criterion: Criterion) -> bool:
    if criterion.kind is Kind.COMBINATION:
        return bool(criterion.children) and all(_is_treatment(c) for c in criterion.children)
    return criterion.kind in _TREATMENT_KINDS


# "requiring / that required (active / medical / systemic) treatment": what no finder reads
# ("requiring steroids" or "requiring systemic therapy" of an infection are read by theirs).
def _moved_state(match: Match, gap: str) -> bool:
    return match.kind == "criterion" and moved_state(match.criterion, gap)


def _is_diagnosis(match: Match) -> bool:
    return match.kind == "criterion" and match.criterion.kind is Kind.CONDITION


_REQUIRING_TREATMENT = re.compile(
    r"\brequir\w*\s+(?:\w+\s+){0,2}?(?:treatment|therapy|therapies|medications?|intervention)\b"
)


def _build(
    sequence: list[_Entry], *, inverted: bool, exclusion: bool, conjoined: bool = False
) -> Criterion | None:
    # 1. Attach modifiers to the next condition, windows to their criteria.
    terms: list[_Term] = []
    pending_qualifiers: tuple[str, ...] = ()
    every: tuple[str, ...] = ()  # qualifiers of a lead-in that holds for the whole list
    for index, entry in enumerate(sequence):
        match = entry.match
        criterion = match.criterion
        if match.kind == "modifier" and REQUIRING_HOSPITALIZATION in criterion.qualifiers:
            if not terms and not pending_qualifiers and not every:
                every = criterion.qualifiers  # "hospitalization for A or B"
                continue
            last = index == len(sequence) - 1
            if last and len(terms) == 1 and not every and _all_conditions(terms[0].criterion):
                # "seizures requiring hospitalization": one condition, qualified after it
                qualified = _add_qualifiers(terms[0].criterion, criterion.qualifiers)
                terms[0] = replace(terms[0], criterion=qualified)
                continue
            return None  # "A or B requiring hospitalization": which items it covers is unclear
        if every:
            if not _all_conditions(criterion):
                return None
            criterion = _add_qualifiers(criterion, every)
        if match.kind == "modifier":
            pending_qualifiers = (*pending_qualifiers, *criterion.qualifiers)
            if entry.connective not in (None, ","):
                return None
            continue
        if pending_qualifiers and criterion.kind in (Kind.CONDITION, Kind.COMBINATION):
            criterion = _add_qualifiers(criterion, pending_qualifiers)
            pending_qualifiers = ()
        for window in entry.windows:
            criterion = _with_window(criterion, window)
        if entry.negated:
            criterion = _negated_entry(criterion)
        connective = entry.connective if terms else None
        if connective == "," and _grades(criterion, terms[-1].criterion):
            connective = None  # "heart failure, defined as NYHA class IV": one criterion
        terms.append(
            _Term(
                criterion=criterion,
                connective=connective,
                cohort_end=entry.cohort_end,
                unless=match.kind == "unless",
                after_with=entry.after_with and connective is None,
            )
        )
    if pending_qualifiers or not terms:
        return None
    # 2. Cohort markers split the text into groups tied to a cohort.
    if any(term.cohort_end for term in terms):
        return _build_cohort_groups(terms, inverted=inverted)
    # 3. "X, unless Y": all-of(X, NOT Y) whatever the list reading of X.
    unless = [term.criterion for term in terms if term.unless]
    terms = [term for term in terms if not term.unless]
    # In an exclusion list every listed item excludes on its own: "pregnancy and breastfeeding";
    # but "diabetes and HbA1c > 10%" is one patient (`rules.exclusion_conjunctions`).
    conjunction = (
        and_in_exclusion([(t.connective, t.criterion) for t in terms], conjoined=conjoined)
        if exclusion and not inverted
        else None
    )
    if conjunction == "text":
        return None
    joined = _join(terms, inverted=inverted or (exclusion and conjunction is None))
    if joined is not None:
        joined = either_state(joined)  # "Pregnancy/nursing": either state, never both
    if joined is None or not unless:
        return joined
    return _combine([joined, *unless], "all-of")


def _all_conditions(criterion: Criterion) -> bool:
    if criterion.kind is Kind.COMBINATION:
        return all(_all_conditions(child) for child in criterion.children)
    return criterion.kind is Kind.CONDITION and not criterion.negated


def _negated_entry(criterion: Criterion) -> Criterion:
    """A negation before one match that names a list ("negative for hepatitis B and C", "no
    A or B") denies each item: all-of(NOT A, NOT B) — never NOT all-of(A, B), which a patient
    with one of them meets."""
    if (
        criterion.kind is Kind.COMBINATION
        and criterion.combination in ("all-of", "any-of")
        and not criterion.negated
        and criterion.cohort is None
        and all(child.kind not in (Kind.COMBINATION, Kind.TEXT) for child in criterion.children)
    ):
        # all-of(surgery, TEXT) is one thing said in part ("uterine surgery"), not a list:
        # "no uterine surgery" is NOT that, never "no surgery at all".
        children = tuple(evolve(c, negated=not c.negated) for c in criterion.children)
        return evolve(criterion, children=children, combination="all-of")
    return evolve(criterion, negated=not criterion.negated)


def _build_cohort_groups(terms: list[_Term], *, inverted: bool) -> Criterion | None:
    groups: list[tuple[list[_Term], str | None]] = []
    current: list[_Term] = []
    joins: list[str | None] = []
    for term in terms:
        if not current and groups:
            joins.append(term.connective)
            term = replace(term, connective=None)
        current.append(term)
        if term.cohort_end:
            groups.append((current, term.cohort_end))
            current = []
    if current:
        return None  # words after the last cohort marker: not a per-cohort list
    built = []
    for group, cohort in groups:
        criterion = _join(group, inverted=inverted)
        if criterion is None:
            return None
        built.append(evolve(criterion, cohort=cohort))
    if len(built) == 1:
        return built[0]
    code: CombinationCode | None = (
        "any-of"
        if all(j == "or" for j in joins)
        else "all-of"
        if all(j in ("and", ",") for j in joins)
        else None
    )
    return _combine(built, code) if code else None


def _join(terms: list[_Term], *, inverted: bool) -> Criterion | None:
    """Adjacent terms (no connective) bind as all-of; then "and" / "or" lists."""
    if any(term.after_with for term in terms) and len(terms) > 2:
        return _join_with_list(terms)
    clusters: list[list[Criterion]] = []
    links: list[str | None] = []
    for term in terms:
        connective = term.connective
        if connective is None and clusters:
            clusters[-1].append(term.criterion)
        else:
            if clusters:
                links.append(connective)
            clusters.append([term.criterion])
    clusters = [_graded(cluster) for cluster in clusters]
    parts = [c[0] if len(c) == 1 else _combine(_unique(c), "all-of") for c in clusters]
    parts = [
        p.children[0] if p.kind is Kind.COMBINATION and len(p.children) == 1 else p for p in parts
    ]
    if len(parts) == 1:
        return parts[0]
    explicit = {link for link in links if link in ("and", "or")}
    if len(explicit) > 1:
        return None  # "A and B or C": ambiguous without more structure
    code: CombinationCode = "any-of" if explicit == {"or"} else "all-of"
    if inverted:
        code = "any-of"
    elif not explicit and _alternatives_by_commas(parts):
        return None
    return _combine(_unique(parts), code) if len(_unique(parts)) > 1 else parts[0]


# Kinds of which a list joined by commas alone may name alternatives ("Patients with asthma,
# COPD", "take anticoagulants, antiplatelet drugs").
_ALTERNATIVE_KINDS = frozenset({Kind.CONDITION, Kind.MEDICATION, Kind.PROCEDURE, Kind.ALLERGY})


def _alternatives_by_commas(parts: list[Criterion]) -> bool:
    """Whether an inclusion list joined by commas alone names two things of one kind that may
    be alternatives: "Patients who take anticoagulants, antiplatelet drugs" does not say
    whether both are required (an all-of would turn away a patient on either one), so the
    bullet stays text, as `rules.partial` leaves such lists. Measurements ("BMI 18-30, HR <
    100") and one diagnosis with its setting ("type 2 diabetes, on metformin") read as before."""
    kinds = [part.kind for part in parts if part.kind in _ALTERNATIVE_KINDS and not part.negated]
    return any(kinds.count(kind) > 1 for kind in set(kinds))


# The gap of "A with B": nothing but "with" (and an article) between two matches.
_WITH = re.compile(r"\s*with\s+(?:(?:an?|the)\s+)?$")


def _join_with_list(terms: list[_Term]) -> Criterion | None:
    """ "A with B or C": the list after "with" qualifies A — all-of(A, any-of(B, C)) — when it
    is a list of measurements ("hypertension with systolic BP > 160 or diastolic BP > 100",
    "anticoagulants with INR > 1.7 or PT > 15 s"). Any other shape is ambiguous ("HIV with a
    detectable viral load or hepatitis B" lists two diseases): None, the bullet stays text."""
    first, *rest = terms
    if first.after_with or not rest or not rest[0].after_with:
        return None
    if any(term.after_with for term in rest[1:]):
        return None
    links = {term.connective for term in rest[1:]}
    if not links or not links <= {"or", ","} or "or" not in links:
        return None
    measured = [term.criterion for term in rest]
    if any(c.kind is not Kind.LAB or c.negated for c in measured):
        return None
    return _combine([first.criterion, _combine(_unique(measured), "any-of")], "all-of")


# Judgements a severity scale next to the condition states ("severe heart failure (NYHA III-IV)",
# "decompensated cirrhosis (Child-Pugh B or C)"): the scale decides, the word adds nothing.
_GRADED_JUDGEMENTS = frozenset(
    {"severe", "moderate-or-severe", "clinically-significant", "symptomatic", "decompensated"}
    | {"uncontrolled"}
)


def _grades(scale: Criterion, condition: Criterion) -> bool:
    """Whether ``scale`` is a severity scale that grades the condition before it."""
    return (
        scale.kind is Kind.LAB
        and scale.concept in SCALE_CONCEPTS
        and condition.kind is Kind.CONDITION
        and condition.concept in _GRADED_CONDITIONS.get(scale.concept or "", ())
    )


_GRADED_CONDITIONS = {
    "nyha-class": ("heart-failure", "cardiomyopathy", "valvular-heart-disease"),
    "child-pugh-score": ("liver-cirrhosis", "liver-disease", "liver-failure"),
}


def _graded(cluster: list[Criterion]) -> list[Criterion]:
    scales = [c for c in cluster if c.kind is Kind.LAB and c.concept in SCALE_CONCEPTS]
    if len(cluster) < 2 or not scales:
        return cluster
    return [
        replace(c, qualifiers=tuple(q for q in c.qualifiers if q not in _GRADED_JUDGEMENTS))
        if any(_grades(scale, c) for scale in scales)
        else c
        for c in cluster
    ]


def _unique(criteria: list[Criterion]) -> list[Criterion]:
    """Drop repeats ("Known HIV (Human Immunodeficiency Virus) infection" names HIV twice)."""
    out: list[Criterion] = []
    for criterion in criteria:
        if criterion not in out:
            out.append(criterion)
    return out


def _add_qualifiers(criterion: Criterion, qualifiers: tuple[str, ...]) -> Criterion:
    if criterion.kind is Kind.COMBINATION:
        return evolve(
            criterion, children=tuple(_add_qualifiers(c, qualifiers) for c in criterion.children)
        )
    return evolve(criterion, qualifiers=(*criterion.qualifiers, *qualifiers))


def _with_window(criterion: Criterion, window: Window) -> Criterion:
    if criterion.kind is Kind.COMBINATION:
        return evolve(
            criterion, children=tuple(_with_window(c, window) for c in criterion.children)
        )
    if criterion.kind in _WINDOWED_KINDS and criterion.window is None:
        return evolve(criterion, window=window)
    return criterion
