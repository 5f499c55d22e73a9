"""Criterion text → `Criterion` (rule-based), and outline → `CompiledNode` tree.

Rules live in `rules/` (one small module per criterion kind). A text is made computable only
when a rule accounts for it; anything else stays text-only and is marked for manual review.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.age_conflicts import leave_conflicting_ages_as_text
from fhirtrial.eligibility.lead_in_phrases import own_words
from fhirtrial.eligibility.model import CombinationCode, CompiledNode, Criterion, Kind
from fhirtrial.eligibility.one_group_only import for_one_group_only
from fhirtrial.eligibility.outline import Outline, OutlineNode
from fhirtrial.eligibility.own_groups import leave_own_groups_as_text
from fhirtrial.eligibility.required_conditions import leave_required_conditions_as_text
from fhirtrial.eligibility.rules import compile_text, read_text
from fhirtrial.eligibility.rules.partial import has_residue
from fhirtrial.eligibility.rules.treated_diagnoses import only_diagnoses
from fhirtrial.eligibility.sex_conflicts import leave_conflicting_sexes_as_text

_ANY_OF = re.compile(
    r"\b(?:one of the following|any of the following|either|at least one of|one or more of"
    r"|1 of the following|meets? one of|from the following|(?:one|any) of these)\b"
    # A lead-in that ends on the one of its sub-bullets the patient is in: "Participant is
    # within one of the target populations:", "Also has one of more of the following chronic
    # diseases:" (a slip for "one or more"), "… at one of:".
    # Not a cap ("no more than one of three risk factors:", "only one of …"): `_AT_MOST_LEAD_IN`.
    r"|(?<!\beach )(?<!\bevery )(?<!\bno more than )(?<!\bnot more than )(?<!\bat most )"
    r"(?<!\bonly )\bone of\b(?: more of)?(?: the)?[\w -]{0,40}:\s*$"
    r"|(?:≥|>=)\s*1 of the following\b",
    re.IGNORECASE,
)
_ALL_OF = re.compile(r"\b(?:all of the following|each of the following|defined as)\b", re.I)
# "at least two of the following", "≥2 of the following", "at least three out of the following
# six", "two or more of the following": a threshold, not all-of (one member not met is no reason).
_AT_LEAST = re.compile(
    r"(?:\bat least|≥|>=)\s*(\w+)\s+(?:out\s+)?of the following\b"
    r"|\b(\w+)\s+or more\s+(?:out\s+)?of the following\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
# Branches such as "those with oncogene-driven tumors: ..." are alternatives, not all required.
_BRANCH = re.compile(r"^\s*(?:those|patients|participants|subjects)\s+(?:with|without)\b", re.I)
# Lead-ins that only introduce their sub-bullets carry no requirement of their own.
_PURE_LEAD_IN = re.compile(
    r"(?:following|below|as follows|defined as|including|such as|as evidenced by|"
    r"criteria|only|either|and|or|must have|meet|with|from)\s*:?\s*$",
    re.IGNORECASE,
)
# Sub-bullets that are exceptions to the lead-in: "X. The following are exceptions: - A - B".
_EXCEPTIONS_LEAD_IN = re.compile(
    r"\b(?:following are exceptions?|exceptions? to this criterion|with the following exceptions?"
    r"|except(?:ions?)?(?: for)?(?: the following)?\s*:\s*$)",
    re.IGNORECASE,
)
_EXCEPTION_NOTE = re.compile(
    r"\b(?:may|can|will) be (?:included|enrolled|eligible|allowed|permitted|evaluated)\b"
    r"|\b(?:are|is) (?:allowed|permitted|eligible)\b",
    re.IGNORECASE,
)
# An exclusion lead-in whose sub-bullets do not exclude ("The following conditions are allowed:",
# "… will not be considered exclusions:", "Patients with any of the following are eligible:",
# "… not be considered …, unless …"): read alone, each sub-bullet would exclude the patients the
# lead-in keeps. Its sub-bullets are exceptions: never met as exclusions.
_ALLOWANCE_LEAD_IN = re.compile(
    r"\b(?:are|is|will be|may be|can be|shall be) (?:allowed|permitted|eligible|acceptable"
    r"|included|enrolled)\b|\bnot (?:be )?(?:considered|excluded|exclusions?|an exclusion)\b"
    r"|\bunless\b|\bdo(?:es)? not exclude\b",
    re.IGNORECASE,
)
# Sub-bullets that only give examples of the lead-in's own requirement: either one suffices.
_EXAMPLES_LEAD_IN = re.compile(r"\b(?:including|such as|e\.g\.|for example)\s*:?\s*$", re.I)
# An inclusion lead-in that asks for the absence of what it lists ("should report the absence
# of: - anemia - diabetes"): its sub-bullets read alone would require each diagnosis.
_ABSENCE_LEAD_IN = re.compile(
    r"\b(?:absence of|free (?:of|from)|none of(?: the following)?)\b[^:]*:\s*$", re.IGNORECASE
)
# A lead-in that caps how many of its sub-bullets may hold ("Has no more than one of three
# cardiovascular risk factors:"): neither any-of nor all-of; read alone, each sub-bullet would be
# required (inclusion) or exclude (exclusion). Its sub-bullets stay text.
_AT_MOST_LEAD_IN = re.compile(
    r"\b(?:no more than|not more than|at most) (?:one|1|two|2|three|3) (?:out )?of\b", re.I
)
# A lead-in in the inclusion list whose sub-bullets exclude ("Any of the following will exclude
# the subject from the study:", an exclusion list the outline could not place): read as
# inclusion requirements they would require each excluding condition.
# Only words that say the sub-bullets exclude: "not eligible for surgery:" names an inclusion
# population ("patients not eligible for transplant with: - …").
_EXCLUDING_LEAD_IN = re.compile(
    r"\b(?:will exclude|excludes?|(?:will|shall|would) be excluded|are excluded|is excluded)"
    r"\b[^:]*:\s*$",
    re.IGNORECASE,
)
# Sibling bullets joined by "or": "Creatinine ≤ 1.5 × ULN; OR" / "OR -" / "Or within 12 weeks".
_ENDS_WITH_OR = re.compile(r"\b(?:or|and/or)\s*[-–—:;,.]*\s*$", re.IGNORECASE)
_STARTS_WITH_OR = re.compile(r"^\s*(?:or|and/or)\b", re.IGNORECASE)
_CONNECTIVE_ONLY = re.compile(r"^\s*(?:or|and|and/or)\s*[-–—:;,.]*\s*$", re.IGNORECASE)
# A bullet ending in "and" ("Prior chemotherapy and" / "Neuropathy grade >= 2"): the outline
# split one requirement "A and B" in two.
_ENDS_WITH_AND = re.compile(r"(?<![\w/])(?:and|&)\s*[-–—:;,.]*\s*$", re.IGNORECASE)


def compile_outline(outline: Outline, study_conditions: Sequence[str] = ()) -> list[CompiledNode]:
    """The outline's bullets compiled; ``study_conditions`` are the diagnoses the study is about
    (CT.gov `conditions`), which with the inclusion criteria tell the study's own disease."""
    compiled: list[CompiledNode] = []
    for roots in (outline.inclusion, outline.exclusion):
        joined = _joined_by_or(roots)
        together = _joined_by_and(roots) if roots is outline.exclusion else [False] * len(roots)
        for node, or_, and_ in zip(roots, joined, together, strict=True):
            done = compile_node(node, partial=not (or_ or and_))
            if (or_ and roots is outline.inclusion) or and_:
                # An alternative is not required on its own, and one half of "A and B" does not
                # exclude on its own (top-level bullets are not grouped into an any-of or an
                # all-of): even a fully read one stays text for review.
                _leave_as_text(done)
            compiled.append(done)
    leave_conflicting_ages_as_text(compiled[: len(outline.inclusion)])
    leave_conflicting_sexes_as_text(compiled[: len(outline.inclusion)])
    inclusion, exclusion = compiled[: len(outline.inclusion)], compiled[len(outline.inclusion) :]
    leave_required_conditions_as_text(inclusion, exclusion)
    leave_own_groups_as_text(inclusion, exclusion, study_conditions)
    return compiled


def _joined_by_and(nodes: list[OutlineNode]) -> list[bool]:
    """Which bullets an "and" at the end of one ("History of stroke and" / "Age > 70") or a
    bullet that is only "AND" joins to the next: together they state one exclusion (A and B),
    so neither half excludes on its own."""
    joined = [False] * len(nodes)
    for index, node in enumerate(nodes):
        text = node.text
        if _CONNECTIVE_ONLY.match(text) and text.strip()[:3].lower() == "and" and "/" not in text:
            joined[index] = True
            joined[max(index - 1, 0)] = True
            if index + 1 < len(nodes):
                joined[index + 1] = True
        elif not node.children and _ends_with_and(text):
            joined[index] = True
            if index + 1 < len(nodes):
                joined[index + 1] = True
    return joined


def _ends_with_and(text: str) -> bool:
    stripped = text.rstrip().rstrip("-–—:;,.").rstrip()
    if not stripped.endswith(("d", "D", "&")):
        return False
    return bool(_ENDS_WITH_AND.search(text))


def _leave_all_as_text(node: CompiledNode) -> None:
    _leave_as_text(node)
    for child in node.children:
        _leave_all_as_text(child)


def _leave_as_text(node: CompiledNode) -> None:
    if node.criterion is not None:
        node.criterion, node.needs_review = None, True


def _joined_by_or(nodes: list[OutlineNode]) -> list[bool]:
    """Which bullets an "or" joins to a neighbour ("Triple negative breast cancer;" / "Or
    patients with HR+/HER2- breast cancer …"): they are alternatives, so no part of one is
    necessary on its own. (Top-level bullets are not grouped into an any-of.)"""
    joined = [False] * len(nodes)
    for index, node in enumerate(nodes):
        starts = bool(_STARTS_WITH_OR.match(node.text) or _CONNECTIVE_ONLY.match(node.text))
        ends = _ends_with_or(node.text)
        if starts:
            joined[index] = True
            if index:
                joined[index - 1] = True
        if ends:
            joined[index] = True
            if index + 1 < len(nodes):
                joined[index + 1] = True
    return joined


def _ends_with_or(text: str) -> bool:
    # `_ENDS_WITH_OR` scans the whole text; after its "or" come only spaces, then punctuation,
    # then spaces: a text that does not end in "r" once those are stripped cannot match.
    if not text.rstrip().rstrip("-–—:;,.").rstrip().endswith(("r", "R")):
        return False
    return bool(_ENDS_WITH_OR.search(text))


def compile_node(node: OutlineNode, *, partial: bool = True) -> CompiledNode:
    """One outline node with its meaning.

    A lead-in's own requirement (`-p0`) always holds *together with* its sub-bullets: "no more
    than 3 prior lines and either: A / B" is all-of(p0, any-of(A, B)). When the sub-bullets
    combine other than all-of, or are exceptions, they are grouped under a `<linkId>-sub`
    member so the lead-in itself stays an all-of.

    ``partial``: the node may be compiled in part when not fully understood (`rules.partial`):
    an inclusion bullet that is a requirement in its own right (not an exception, not a
    sub-bullet of a lead-in that sets a condition) to its necessary parts; a top-level exclusion
    bullet without sub-bullets to its sufficient parts.
    """
    return _compile_node(node, partial=partial)[0]


def _compile_node(
    node: OutlineNode, *, partial: bool, each_excludes: bool = False
) -> tuple[CompiledNode, Criterion | None]:
    """`compile_node`, with the node's full reading (`rules.Reading.full`): a parent's
    `combination_of` reads its sub-bullets in full, and they are compiled already.

    ``each_excludes``: the node is a sub-bullet of an exclusion lead-in whose sub-bullets each
    exclude on their own (`_sub_bullets_each_exclude`)."""
    exclusion = node.section == "exclusion" and node.exclude
    read_in_part = partial and (
        (node.section == "inclusion" and not node.exclude) or (exclusion and not node.children)
    )
    partial = partial and node.section == "inclusion" and not node.exclude
    own = own_words(node.text) if node.children else node.text  # "…, meeting all of the following:"
    reading = read_text(own, exclusion=exclusion, partial=read_in_part, section=node.section)
    criterion = reading.criterion
    if each_excludes and criterion is None and not node.children:
        # Read as the top-level exclusion bullet it stands for (in part too); the full reading
        # the parent's combination weighs stays the one read as an inclusion.
        alone = read_text(node.text, exclusion=True, partial=True, section="exclusion")
        criterion = alone.criterion
    children_partial = (
        partial
        and bool(node.children)
        and _neutral_lead_in(node.text)
        and not _lists_exceptions(node)
    )
    each_child_excludes = _sub_bullets_each_exclude(node, criterion)
    compiled_children = [
        _compile_node(child, partial=children_partial, each_excludes=each_child_excludes)
        for child in node.children
    ]
    children = [child for child, _ in compiled_children]
    if node.cohort is None and for_one_group_only(node.text):
        # "Controls only: …", "For patients in the emergency center only, …": one group's
        # bullet read as everyone's would turn away the other groups' patients.
        criterion = None
        for child in children:
            _leave_all_as_text(child)
    if (
        node.section == "inclusion"
        and not node.exclude
        and children
        and (_ABSENCE_LEAD_IN.search(node.text) or _EXCLUDING_LEAD_IN.search(node.text))
    ):
        for child in children:
            _leave_all_as_text(child)
    if children and _AT_MOST_LEAD_IN.search(node.text):
        for child in children:
            _leave_all_as_text(child)
    # Sub-bullets are read as inclusion bullets (`exclude` marks top-level exclusion bullets
    # only): their full readings are then what `compile_text(child.text)` gives.
    read_as_inclusion = not any(c.section == "exclusion" and c.exclude for c in node.children)
    readings = [full for _, full in compiled_children] if read_as_inclusion else None
    combination, threshold = combination_of(node, readings)
    if combination != "all-of" and len(children) > 1:
        # "any of: - A and - B - C": A and B hold together; neither is an alternative alone.
        for child, and_ in zip(children, _joined_by_and(node.children), strict=True):
            if and_:
                _leave_as_text(child)
    needs_review = (criterion is None or has_residue(criterion)) and (
        not children or not _is_pure_lead_in(node.text)
    )
    compiled = CompiledNode(
        link_id=node.link_id,
        text=node.text,
        exclude=node.exclude,
        criterion=criterion,
        cohort=node.cohort,
        needs_review=needs_review,
        combination=combination,
        threshold=threshold,
        children=children,
    )
    if children:
        _structure_sub_bullets(compiled, node)
    return compiled, reading.full


def _structure_sub_bullets(compiled: CompiledNode, node: OutlineNode) -> None:
    if _lists_exceptions(node):
        # "X; exceptions: A, B" → all-of(X, NOT any-of(A, B)); X is written even when text-only.
        own = CompiledNode(
            link_id=f"{node.link_id}-p0",
            text=node.text,
            exclude=False,
            criterion=compiled.criterion,
            needs_review=compiled.criterion is None or not compiled.criterion.computable,
        )
        group = _group(f"{node.link_id}-sub", compiled.children, "any-of", None)
        group.exclude = True
        group.text = f"none of the exceptions listed under {node.link_id}"
        compiled.criterion = None
        compiled.combination, compiled.threshold = "all-of", None
        compiled.children = [own, group]
        return
    if compiled.combination == "all-of":
        compiled.children = _group_or_runs(compiled)
        if len(compiled.children) == 1 and compiled.children[0].link_id.endswith("-or1"):
            # The whole list is one "A or B or C": the lead-in's sub-bullets are an any-of.
            compiled.combination = "any-of"
            compiled.children = compiled.children[0].children
    has_own = compiled.criterion is not None and compiled.criterion.computable
    if not has_own or compiled.combination == "all-of" or _EXAMPLES_LEAD_IN.search(node.text):
        return
    code, threshold = compiled.combination, compiled.threshold
    group = _group(f"{node.link_id}-sub", compiled.children, code, threshold)
    group.text = f"{_HOW[code]} the sub-bullets of {node.link_id}"
    compiled.combination, compiled.threshold = "all-of", None
    compiled.children = [group]


_HOW = {"any-of": "any of", "at-least": "at least n of", "at-most": "at most n of"}


def _group(
    link_id: str,
    members: list[CompiledNode],
    code: CombinationCode,
    threshold: int | None,
) -> CompiledNode:
    return CompiledNode(
        link_id=link_id,
        text="",
        exclude=False,
        criterion=None,
        combination=code,
        threshold=threshold,
        children=members,
    )


def _lists_exceptions(node: OutlineNode) -> bool:
    if _EXCEPTIONS_LEAD_IN.search(node.text):
        return True
    if node.section == "exclusion" and _ALLOWANCE_LEAD_IN.search(own_words(node.text)):
        return True
    return node.section == "exclusion" and all(
        _EXCEPTION_NOTE.search(child.text) for child in node.children
    )


def _group_or_runs(parent: CompiledNode) -> list[CompiledNode]:
    """Sibling bullets joined by "or" become one any-of member (`<parent>-or<k>`).

    A bullet that is only the connective ("OR -") joins its neighbours; it stays a (text-only)
    member so that every bullet remains a characteristic.
    """
    runs: list[list[CompiledNode]] = []
    joined_to_previous = False
    for child in parent.children:
        connective_only = bool(_CONNECTIVE_ONLY.match(child.text))
        joins = joined_to_previous or _STARTS_WITH_OR.match(child.text) or connective_only
        if runs and joins:
            runs[-1].append(child)
        else:
            runs.append([child])
        joined_to_previous = _ends_with_or(child.text) and not (
            connective_only and child.text.strip()[:3].lower() == "and"
        )
    out: list[CompiledNode] = []
    count = 0
    for run in runs:
        if len(run) == 1:
            out.append(run[0])
            continue
        count += 1
        group = _group(f"{parent.link_id}-or{count}", run, "any-of", None)
        group.text = " or ".join(member.link_id for member in run)
        out.append(group)
    return out


def combination_of(
    node: OutlineNode, readings: list[Criterion | None] | None = None
) -> tuple[CombinationCode, int | None]:
    """How a lead-in combines its sub-bullets (``readings``: their full readings, when known)."""
    text = node.text
    if not node.children:
        # A leaf combines nothing; only the section default is recorded.
        return ("any-of" if node.section == "exclusion" else "all-of"), None
    if match := _AT_LEAST.search(text):
        word = match[1] or match[2]
        number = _NUMBER_WORDS.get(word.lower()) or _int(word)
        if number and number > 1:
            return "at-least", number
        return "any-of", None
    if _ANY_OF.search(text):
        return "any-of", None
    if _ALL_OF.search(text):
        return "all-of", None
    if node.children and all(_BRANCH.match(child.text) for child in node.children):
        return "any-of", None
    if node.section != "exclusion" and _lists_cancer_types(node, readings):
        # "Solid tumours of these types: - breast - prostate - cervix": a patient has one.
        return "any-of", None
    if node.section != "exclusion" and _lists_diagnoses(node, readings):
        # "Admitting conditions as listed below: - COPD exacerbation - Pneumonia - …": the
        # patient has one of them; all-of would rule out everyone who lacks any.
        return "any-of", None
    if node.section != "exclusion" and _labelled_by_diagnoses(node):
        # "Disease activity criteria: - AML: must have received … - NHL/DLBCL: measurable …":
        # each sub-bullet is asked of the patients with its disease; a patient has one.
        return "any-of", None
    if node.children and len({c.cohort for c in node.children}) == len(node.children) > 1:
        # One sub-bullet per cohort: each applies to its own cohort only.
        return "all-of", None
    # Exclusion lists under an exclusion bullet: any listed condition excludes.
    return ("any-of" if node.section == "exclusion" else "all-of"), None


# A sub-bullet led by a short label and a colon ("AML: …", "NHL/DLBCL: …").
_LABEL = re.compile(r"^\s*([^:;.]{2,40}?)\s*:\s*\S")


def _labelled_by_diagnoses(node: OutlineNode) -> bool:
    """Every sub-bullet (two or more) is led by a label that names a diagnosis, each another."""
    if len(node.children) < 2:
        return False
    labels = [_LABEL.match(" ".join(child.text.split())) for child in node.children]
    if not all(labels):
        return False
    names = [label[1].lower() for label in labels if label is not None]
    if len(set(names)) != len(names):
        return False
    readings = [compile_text(name) for name in names]
    return all(r is not None and not r.negated and only_diagnoses(r) for r in readings)


def _lists_cancer_types(node: OutlineNode, readings: list[Criterion | None] | None) -> bool:
    """Every sub-bullet that is understood names a kind of cancer (and at least two do)."""
    if readings is None:
        readings = [compile_text(child.text) for child in node.children]
    kinds = []
    for criterion in readings:
        if criterion is None:
            continue
        if criterion.kind is not Kind.CONDITION or criterion.qualifiers or criterion.negated:
            return False
        kinds.append(criterion.concept)
    vocabulary = terminology.terminology()
    return len(kinds) >= 2 and all(
        k is not None and k != _MALIGNANCY and _MALIGNANCY in vocabulary.ancestors(k) for k in kinds
    )


_MALIGNANCY = "malignant-neoplasm"
# A lead-in that names what it lists as diagnoses ("conditions as listed below:", "one of these
# diagnoses:").
_DIAGNOSES_LEAD_IN = re.compile(
    r"\b(?:conditions?|diagnos[ie]s|diseases?|disorders?|illness(?:es)?|indications?)\b", re.I
)


def _lists_diagnoses(node: OutlineNode, readings: list[Criterion | None] | None) -> bool:
    """The lead-in names diagnoses and every sub-bullet understood (at least two) is one."""
    if not _DIAGNOSES_LEAD_IN.search(node.text):
        return False
    if readings is None:
        readings = [compile_text(child.text) for child in node.children]
    kinds = [c for c in readings if c is not None]
    return len(kinds) >= 2 and all(
        c.kind is Kind.CONDITION and not c.negated and c.window is None for c in kinds
    )


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


# A lead-in whose sub-bullets are requirements in their own right ("… meets one of the following
# criteria:", "only if all of the following apply:"), not conditions or examples.
_LIST_PHRASE = re.compile(
    r"\b(?:(?:is |was )?(?:eligible )?(?:for inclusion )?(?:in this study )?only if )?"
    r"(?:meets? )?(?:all|one|any|each|at least \w+|one or more) of the following"
    r"(?: criteria| conditions| requirements)?(?: apply| are met| must be met)?\s*:?\s*$",
    re.IGNORECASE,
)
_CONDITIONAL_LEAD_IN = re.compile(
    r"\b(?:if|unless|except\w*|may|can|allowed|permitted|eligible|with|whose|who|for|cohort"
    r"|arm|part|phase|group|such as|including|e\.g|for example|either)\b",
    re.IGNORECASE,
)


# The only words a lead-in may keep, once its list phrase and exclusion header are set aside,
# for its sub-bullets to exclude each on its own: a header naming no qualifier ("History of:",
# "Medical conditions:"). Any other word may set a condition or population ("For healthy
# controls:", "Patients who …:"), a definition, examples that may be what does *not* count, or
# narrow what it lists ("Uncontrolled illness including:", "Within 6 months:"): the sub-bullet
# read alone would then exclude patients the text does not.
_HEADER_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "any",
        "following",
        "of",
        "known",
        "documented",
        "prior",
        "previous",
        "past",
        "personal",
        "history",
        "medical",
        "condition",
        "conditions",
        "disease",
        "diseases",
        "disorder",
        "disorders",
        "illness",
        "illnesses",
        "comorbidity",
        "comorbidities",
        "diagnosis",
        "diagnoses",
    ]
)


def _sub_bullets_each_exclude(node: OutlineNode, criterion: Criterion | None) -> bool:
    """Whether ``node`` is a top-level exclusion lead-in ("Any of the following:", "History
    of:", "Medical conditions, including:") whose sub-bullets are alternatives
    that each exclude on their own, as a top-level exclusion bullet would: a header with no
    requirement of its own (``criterion``, its own reading), combining its sub-bullets in an
    any-of, not listing exceptions and setting no condition they depend on."""
    text = node.text.rstrip()
    if not (node.exclude and node.section == "exclusion" and node.children and text[-1:] == ":"):
        return False
    if criterion is not None or _lists_exceptions(node) or combination_of(node)[0] != "any-of":
        return False
    head = _INCLUDE_EXAMPLES.sub("", _LIST_PHRASE.sub("", _EXCLUSION_HEADER.sub("", text)))
    return all(word in _HEADER_WORDS for word in re.findall(r"[^\W\d_]+", head.lower()))


# Words of a lead-in that only say its sub-bullets are the exclusion criteria, for everyone ("None
# of the following criteria must be fulfilled for a subject to be eligible:", "Patients must not
# meet any of the following exclusion criteria to be eligible:", "For all participants:").
_EXCLUSION_HEADER = re.compile(
    r"\b(?:none of the following(?: criteria)? (?:must|may|should) be (?:fulfilled|met|present)"
    r"|(?:(?:patients|subjects|participants) )?(?:must|may|should) not meet any of the"
    r" following(?: exclusion)? criteria"
    r"|(?:the following )?exclusion criteria apply to all (?:subjects|participants|patients)"
    r"|for all (?:subjects|participants|patients))\b"
    r"|\s*(?:for (?:a|the) (?:subject|patient|participant) )?to be eligible\b",
    re.IGNORECASE,
)


# "…, which include but are not limited to:", "including:", "such as:": the sub-bullets are kinds
# of what the lead-in excludes.
_INCLUDE_EXAMPLES = re.compile(
    r",?\s*(?:which |that )?(?:includ(?:e|es|ing)|such as)(?:,? but (?:are |is )?not limited to)?"
    r"\s*:\s*$",
    re.IGNORECASE,
)


def _neutral_lead_in(text: str) -> bool:
    """Whether a lead-in's sub-bullets are plain requirements of the patient."""
    head = _LIST_PHRASE.sub("", text)
    return not _CONDITIONAL_LEAD_IN.search(head) and not _EXAMPLES_LEAD_IN.search(text)


def _is_pure_lead_in(text: str) -> bool:
    head = text.split(":")[-2] if text.rstrip().endswith(":") and ":" in text[:-1] else text
    if re.search(r"\bthe following\b|\bas follows\b|\bdefined (?:as|below)\b", text, re.I):
        return True
    return bool(_PURE_LEAD_IN.search(text)) or len(head.split()) <= 4


def compile_criterion(text: str, *, exclusion: bool = False) -> Criterion | None:
    """The computable meaning of one criterion text, or None (text-only)."""
    return compile_text(text, exclusion=exclusion)
