"""Score the compiler on the frozen held-out sample (tests/eligibility/heldout/README.md).

    python -m tests.eligibility.heldout_score
    python -m tests.eligibility.heldout_score --dev [--details]   # the development sample

It prints figures only: the held-out bullets are not for reading while rules are written. The
development sample (`dev_sample/`, same notation) may be read: `--details` lists its wrong and
missed bullets.

Each labelled bullet is found, by its text, in today's outline of its study and compiled as
`compile_outline` does. A bullet that is today one line of a criterion wrapped over several
lines is found but counts as not compiled, so joining wrapped lines can only lower coverage.
A compiled form is right when it means what the label says: both are
read from the signature notation (`signature.py`) into trees that ignore the order of members,
nested all-of / any-of of the same kind, how a range is written (`age:>=18..65a` or all-of of
two bounds) and the unit a quantity is written in (1,500 /uL = 1.5 10*3/uL; a unit of UCUM
annotations only, `{score}`, is the unit 1, as no unit is); numbers agree
within 3% (a month is 30 or 30.4 days). Three notation variants are read as one: the kinds `vital`
and `lab` (the compiler has one kind for every measured observation, the concept says which); a
`condition` whose concept is a tobacco smoking status and the kind `smoking` (the label notation
has no kind for it); and a leaf whose qualifier is a judgement no structured datum states
("uncontrolled hypertension": hypertension, qualifier `uncontrolled`) is `all-of(leaf, text)`, as
a partial label writes it. Three equalities that hold whatever the patient (blind adjudication
round 17): a range that ends at the end of an ordinal scale (`_SCALE_ENDS`: "NYHA III-IV") is
the open bound ("NYHA III or more"); the negative result of a test the evaluator reads for a
status (`_NEGATIVE_RESULT_IS_NOT_STATUS`: a pregnancy test) is NOT that status; and an uncoded
label concept named "Name A (Name B)" is the ICD-10-CM title both names are, when they are one.

- coverage: of the bullets the label says EHR data can decide (fully or partly, with a
  structured form), the share compiled to some definition;
- precision: of the bullets compiled, the share whose form is right (a definition where the
  label says "stay text" is wrong);
- polarity errors: compiled forms that are right but for one negation (NOT) — the worst kind.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.evaluation.units import in_base_unit
from fhirtrial.eligibility.model import CompiledNode, Criterion, Kind
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.signature import signature

HELDOUT = Path(__file__).resolve().parent / "heldout"
# The development sample (dev_sample/README.md): same notation, readable by rule writers.
DEV_SAMPLE = Path(__file__).resolve().parent / "dev_sample"
_COMBINATION = re.compile(r"^(all-of|any-of|at-least|at-most)(\[[^\]]*\])?\((.*)\)$", re.S)
_QUANTITY = re.compile(r"^(<=|>=|<|>|=)?(-?\d+(?:\.\d+)?)(?:\.\.(-?\d+(?:\.\d+)?))?(.*)$")
_TOLERANCE = 0.03
# A unit written only as UCUM annotations ("{score}", "{class}.{points}") or not at all: by the
# UCUM specification an annotation without a unit symbol means the unit 1, so it is dimensionless.
_ANNOTATIONS_ONLY = re.compile(r"(?:\{[^{}]*\}(?:[./]?\{[^{}]*\})*)?")
# Label kinds that the compiler writes as another kind with the same meaning.
_KIND_ALIASES = {"vital": "lab"}
# Value sets whose concepts the compiler writes as a kind of their own, where the label notation
# (which has no such kind) writes a `condition`: tobacco smoking status (`smoking`).
_VALUE_SET_KINDS = {"tobacco": "smoking"}
# Qualifiers that no structured datum states: the evaluator answers "unknown" when the rest holds.
_JUDGEMENT_QUALIFIERS = frozenset(
    {
        "uncontrolled",
        "symptomatic",
        "progressive",
        # "clinically significant", "serious", "severe", "unstable", "decompensated" (issue 13,
        # comorbidity round): judgements as well, written by the finders as qualifiers.
        "clinically-significant",
        "severe",
        "unstable",
        "decompensated",
        # A grade of severity no diagnosis code states (the evaluator's judgements,
        # `evaluation.diagnoses._JUDGEMENTS`; issue 13, session 9).
        "moderate-or-severe",
    }
)

# The ends of ordinal scales (terminology concept id: lowest, highest value), each from the
# scale's definition. The terminology records no value range as data (some displays name it in
# words); a bound at an end holds for every score, so a range that ends there is an open bound.
_SCALE_ENDS: dict[str, tuple[float, float]] = {
    # ECOG performance status: grade 0 (fully active) to 5 (dead) (Oken et al., Am J Clin Oncol
    # 1982;5:649-655).
    "ecog": (0, 5),
    # Karnofsky performance status: 0 (dead) to 100 (normal) in steps of 10 (Karnofsky and
    # Burchenal, 1949).
    "karnofsky": (0, 100),
    # ASA physical status classification: classes I (healthy) to VI (brain-dead organ donor),
    # written 1-6 (American Society of Anesthesiologists, ASA Physical Status Classification
    # System; the terminology's display says "I-VI as 1-6").
    "asa-physical-status": (1, 6),
    # NYHA functional classification: class I to IV (The Criteria Committee of the New York
    # Heart Association, 9th ed., 1994).
    "nyha-class": (1, 4),
    # Modified Rankin Scale: 0 (no symptoms) to 6 (dead) (van Swieten et al., Stroke
    # 1988;19:604-607).
    "modified-rankin-scale": (0, 6),
    # Glasgow Coma Scale total: 3 to 15 (eye 1-4, verbal 1-5, motor 1-6; Teasdale and Jennett,
    # Lancet 1974).
    "glasgow-coma-scale": (3, 15),
    # Mini-Mental State Examination: 0 to 30 (Folstein et al., J Psychiatr Res 1975).
    "mmse": (0, 30),
    # Montreal Cognitive Assessment: 0 to 30 (Nasreddine et al., J Am Geriatr Soc 2005).
    "moca": (0, 30),
    # NIH Stroke Scale total: 0 to 42 (Brott et al., Stroke 1989; 11 items).
    "nihss": (0, 42),
}

# A test whose negative result the evaluator reads as the absence of a status, by the test's
# codes: (its codes, the status's kind and concept). Pregnancy: the evaluator decides "pregnant"
# from the status answers and the qualitative hCG tests of the last weeks
# (`evaluation.clinical._STATUS_OBSERVATIONS`), so "a negative pregnancy test" and "NOT
# pregnant" are one verdict (test_heldout checks it on a record). Not a general rule: a negative
# result of any other test is not the negation of a condition.
_LOINC = "http://loinc.org"
_NEGATIVE_RESULT_IS_NOT_STATUS: tuple[tuple[frozenset[tuple[str, str]], tuple[str, str]], ...] = (
    (
        # Choriogonadotropin (pregnancy test) [Presence] in Urine; in Serum or Plasma.
        frozenset({(_LOINC, "2106-3"), (_LOINC, "2118-8")}),
        ("pregnancy", "pregnancy"),
    ),
)


@dataclass(frozen=True)
class Form:
    """One node of a structured form: a combination or a leaf (kind, concept, details)."""

    op: str  # "leaf" | "text" | all-of | any-of | at-least | at-most
    negated: bool = False
    kind: str = ""
    concept: str = ""
    comparator: str = ""
    value: float | None = None
    dimension: str = ""
    details: tuple[str, ...] = ()
    children: tuple[Form, ...] = ()


def _split_top(body: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(body):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0 and body[index + 1 : index + 2] == " ":
            parts.append(body[start:index].strip())
            start = index + 1
    parts.append(body[start:].strip())
    return [p for p in parts if p]


def parse(text: str, sample: Path = HELDOUT) -> Form:
    text = text.strip()
    negated = text.startswith("NOT ")
    if negated:
        text = text[4:].strip()
    if text == "text":
        return Form("text", negated)
    combination = _COMBINATION.match(text)
    if combination:
        children = tuple(parse(part, sample) for part in _split_top(combination[3]))
        return Form(combination[1], negated, children=children)
    kind, _, rest = text.partition(":")
    fields = _joined_title_ids(rest.split(":") if rest else [])
    concept = ""
    if fields and not _QUANTITY.match(fields[0]):
        concept = fields.pop(0)
    comparator, value, high, dimension = "", None, None, ""
    details = []
    for field in fields:
        quantity = _QUANTITY.match(_with_power_unit_apart(field))
        if quantity and value is None and not field.startswith(("w", "n")):
            comparator = quantity[1] or ""
            value, dimension = _in_base_unit(float(quantity[2]), quantity[4])
            if quantity[3] is not None:
                high, _ = _in_base_unit(float(quantity[3]), quantity[4])
        else:
            details.append(field)
    concept = _concept(concept, sample)
    kind = _kind(_KIND_ALIASES.get(kind, kind), concept)
    leaf = Form("leaf", False, kind, concept, comparator, value, dimension, tuple(details))
    if not negated and value is None:
        leaf = _negative_result_as_status(leaf)
    if high is not None:
        low_comparator = comparator or ">="
        leaf = Form(
            "all-of",
            children=(
                replace(leaf, comparator=low_comparator),
                replace(leaf, comparator="<=", value=high),
            ),
        )
    return replace(leaf, negated=negated) if negated else leaf


def _negative_result_as_status(leaf: Form) -> Form:
    """A negative result of a test that the evaluator reads for a status
    (`_NEGATIVE_RESULT_IS_NOT_STATUS`), with no other detail, is NOT that status. A windowed
    result, another test's or a positive one stays as it is."""
    if leaf.kind != "lab" or leaf.details != ("negative",) or leaf.comparator:
        return leaf
    codes = _codes_of(leaf.concept)
    for test_codes, (kind, concept) in _NEGATIVE_RESULT_IS_NOT_STATUS:
        if codes and codes <= test_codes:
            return Form("leaf", True, kind, concept)
    return leaf


def _codes_of(concept_id: str) -> frozenset[tuple[str, str]]:
    """A terminology concept's codes: its codings and the codes of its members."""
    try:
        concept = terminology.terminology().concept(concept_id)
    except KeyError:
        return frozenset()
    return frozenset((c.system, c.code) for c in (*concept.codings, *concept.members))


def _kind(kind: str, concept: str) -> str:
    """A `condition` leaf whose concept belongs to a value set with a kind of its own
    (`_VALUE_SET_KINDS`) is that kind."""
    if kind != "condition" or not concept:
        return kind
    try:
        value_set = terminology.terminology().concept(concept).value_set
    except KeyError:
        return kind
    return _VALUE_SET_KINDS.get(value_set, kind)


def _joined_title_ids(fields: list[str]) -> list[str]:
    """The fields of a leaf with each ICD-10-CM title concept id (`icd10cm:G35`) as one field:
    its prefix ends with the colon that also separates the fields."""
    prefix = terminology.ICD_TITLE_PREFIX.rstrip(":")
    out: list[str] = []
    for field in fields:
        if out and out[-1] == prefix:
            out[-1] = f"{prefix}:{field}"
        else:
            out.append(field)
    return out


def _with_power_unit_apart(field: str) -> str:
    """ "1.510*3/uL" is 1.5 in 10*3/uL: the notation glues the number to a unit that starts with
    digits, so split at the unit's "10*" / "10^"."""
    for power in ("10*", "10^"):
        at = field.rfind(power)
        if at > 0 and field[:at][-1:].isdigit():
            return f"{field[:at]} {field[at:]}"
    return field


def _in_base_unit(value: float, unit: str) -> tuple[float, str]:
    unit = unit.strip()
    if _ANNOTATIONS_ONLY.fullmatch(unit):
        # UCUM: an annotation in curly braces standing alone is the unit 1 ({score}, {class},
        # {points} are 1, as is no unit). An annotation on a real unit ({cells}/uL) stays with it.
        return value, ""
    if unit == "xULN":
        return value, unit
    return in_base_unit(value, unit) or (value, unit)


@cache
def _aliases(sample: Path) -> dict[str, str]:
    return aliases_of(json.loads((sample / "concepts.json").read_text(encoding="utf-8")))


def aliases_of(labelled: dict[str, dict]) -> dict[str, str]:
    """Label concept ids (heldout/concepts.json) that share a code with a terminology concept:
    the most specific concept that code maps to. A hand-made concept comes before the ICD-10-CM
    title concepts (`icd10cm:G35`), which the compiler uses only where none reads the words;
    among those, the deepest code is the most specific. A label concept that is a title's
    diagnosis (`_title_named`) is that title unless a hand-made concept names the same one.
    A label concept whose id is a hand-made terminology concept, coded only by a category that
    maps to titles alone (a broader code than the concept's own), is that concept: the label
    named it, its code is coarser than its words."""
    vocabulary = terminology.terminology()
    out = {}
    for concept_id, concept in labelled.items():
        if not concept.get("codings") and not _hand_made(concept_id):
            # A label concept written without codes (the labeller found none to cite) whose
            # display is the name of an ICD-10-CM title or common name: that title's concept,
            # the one the compiler writes for the name (issue 13, ninth session, adjudication
            # round 13: no code-based reading could otherwise ever equal it).
            named = _title_code_of_name(concept.get("display", ""))
            if named is not None:
                out[concept_id] = terminology.ICD_TITLE_PREFIX + named
            continue
        for coding in concept.get("codings", ()):
            found = terminology.concepts_for(coding["system"], coding["code"])
            titles = {c for c in found if c.startswith(terminology.ICD_TITLE_PREFIX)}
            named = _title_named(concept)
            if named in titles:
                # The label concept is that title's diagnosis: a hand-made concept is another
                # name for it only if it names the same title, not if it is a class holding the
                # code among others.
                found = frozenset(
                    {c for c in found - titles if _title_named(vocabulary.concept(c)) == named}
                    or {named}
                )
            elif titles and found - titles:
                found = found - titles
            elif titles and named is None and _hand_made(concept_id):
                found = frozenset({concept_id})
            elif titles:
                found = frozenset({max(titles, key=_depth)})
            specific = [
                c for c in found if not any(c in vocabulary.ancestors(o) for o in found if o != c)
            ]
            if len(specific) == 1:
                out[concept_id] = specific[0]
    return out


# A name with one parenthetical synonym: "Name A (Name B)", or "Word (synonym) rest" where the
# parenthesis glosses the word before it.
_GLOSSED = re.compile(r"([^()]*\S)\s*\(([^()]+)\)\s*([^()]*)")


def _title_code_of_name(display: str) -> str | None:
    """The ICD-10-CM title code a name is (`Terminology.icd_title_code`). A name that is none
    as written but holds a parenthetical synonym is that title when the name without the
    parenthesis and the name with the synonym in place of what it glosses ("Name B"; the word
    before it, in the middle of a name) are both that title: a scope note ("(any form)",
    "(e.g. …)") or a synonym of another diagnosis never is."""
    vocabulary = terminology.terminology()
    code = vocabulary.icd_title_code(display)
    glossed = _GLOSSED.fullmatch(display.strip())
    if code is not None or glossed is None:
        return code
    before, synonym, after = (part.strip() for part in glossed.groups())
    outside = f"{before} {after}".strip()
    inside = synonym if not after else " ".join([*before.split()[:-1], synonym, after])
    code = vocabulary.icd_title_code(outside)
    return code if code is not None and vocabulary.icd_title_code(inside) == code else None


def _depth(title_id: str) -> tuple[int, int, str]:
    """How deep a title concept's code is (`icd10cm:G47.33` deeper than `icd10cm:G47.3`); a
    head's set of codes (`icd10cm:K40.0+K40.1+K40.2`) as deep as its shallowest code, and less
    specific than one code as deep ("Female infertility" N97 before "infertility" N46+N97); the
    id last, so that the choice never depends on a set's order."""
    codes = title_id[len(terminology.ICD_TITLE_PREFIX) :].split(terminology.ICD_SET_JOIN)
    return min(map(len, codes)), -len(codes), title_id


def _hand_made(concept_id: str) -> bool:
    if concept_id.startswith(terminology.ICD_TITLE_PREFIX):
        return False
    try:
        terminology.terminology().concept(concept_id)
    except KeyError:
        return False
    return True


def _title_named(concept: dict | terminology.Concept) -> str | None:
    """The ICD-10-CM title concept (`icd10cm:G35`) whose diagnosis a concept is: its display
    names that title and it carries that code (every code of a head's set: "Bilateral inguinal
    hernia" K40.0, K40.1, K40.2). None when it names no title or another one."""
    if isinstance(concept, dict):
        display = concept.get("display", "")
        codes = [(c["system"], c["code"]) for c in concept.get("codings", ())]
    else:
        display, codes = concept.display, [(c.system, c.code) for c in concept.codings]
    code = terminology.terminology().icd_title_code(display)
    if code is None:
        return None
    carried = {
        c.rstrip("*").strip().upper() for system, c in codes if system == terminology.ICD10CM_SYSTEM
    }
    wanted = set(code.upper().split(terminology.ICD_SET_JOIN))
    return terminology.ICD_TITLE_PREFIX + code if wanted <= carried else None


def _concept(concept: str, sample: Path) -> str:
    return _aliases(sample).get(concept, concept)


def canonical_form(form: Form) -> Form:
    """Flatten nested combinations of the same kind, drop duplicates, order members."""
    if form.op in ("leaf", "text"):
        return form
    children: list[Form] = []
    for child in (canonical_form(c) for c in form.children):
        if child.op == form.op and not child.negated and form.op in ("all-of", "any-of"):
            children.extend(child.children)
        else:
            children.append(child)
    unique = sorted(set(children), key=repr)
    if form.op == "any-of":
        unique = [c for c in unique if not any(_includes(o, c) for o in unique)]
    if form.op == "all-of":
        unique = [c for c in unique if not _at_scale_end(c, unique)]
    if len(unique) == 1 and form.op in ("all-of", "any-of"):
        only = unique[0]
        return replace(only, negated=only.negated != form.negated)
    return replace(form, children=tuple(unique))


def _at_scale_end(bound: Form, members: list[Form]) -> bool:
    """A bound at the end of its ordinal scale (`_SCALE_ENDS`) beside a bound on the other side
    of the same observation: "ASA 3 to 6" is "ASA 3 or more" on a scale that ends at 6, and
    "ECOG 0 to 1" is "ECOG 1 or less" on one that starts at 0. The bound says nothing that the
    scale does not; alone (a recorded score of any value) it is kept."""
    if bound.op != "leaf" or bound.negated or bound.value is None:
        return False
    ends = _SCALE_ENDS.get(bound.concept)
    if ends is None:
        return False
    low, high = ends
    if bound.comparator == "<=" and bound.value == high:
        other_side = (">=", ">")
    elif bound.comparator == ">=" and bound.value == low:
        other_side = ("<=", "<")
    else:
        return False
    return any(
        m.op == "leaf"
        and not m.negated
        and m.comparator in other_side
        and (m.kind, m.concept, m.dimension, m.details)
        == (bound.kind, bound.concept, bound.dimension, bound.details)
        for m in members
    )


def _includes(broader: Form, narrower: Form) -> bool:
    """Two positive leaves alike but for the concept, the broader's concept an ancestor of the
    narrower's in the terminology: in an any-of the narrower adds nothing (any-of(A, B) is A
    when every B is an A)."""
    if broader.op != "leaf" or narrower.op != "leaf" or broader.negated or narrower.negated:
        return False
    if replace(broader, concept=narrower.concept) != narrower or not broader.concept:
        return False
    if broader.concept == narrower.concept:
        return False
    if broader.concept in terminology.terminology().ancestors(narrower.concept):
        return True
    return _codes_within(narrower.concept or "", broader.concept)


def _codes_within(narrower: str, broader: str) -> bool:
    """Every coding of ``narrower`` is one of ``broader``'s or, for ICD-10-CM, lies in the
    subtree of one ("icd10cm:N18.6" within "chronic-kidney-disease", N18*): the terminology
    does not record every such parent, and any-of(A, B) is A all the same."""
    vocabulary = terminology.terminology()
    try:
        inner, outer = vocabulary.concept(narrower), vocabulary.concept(broader)
    except KeyError:
        return False
    if not inner.codings or not outer.codings:
        return False
    return all(_coding_within(coding, outer.codings) for coding in inner.codings)


def _coding_within(coding: terminology.Coding, codings: tuple[terminology.Coding, ...]) -> bool:
    for other in codings:
        if other.system != coding.system:
            continue
        if other.code == coding.code:
            return True
        if (
            coding.system == terminology.ICD10CM_SYSTEM
            and other.code.endswith("*")
            and coding.code.rstrip("*").startswith(other.code[:-1])
        ):
            return True
    return False


def same(a: Form, b: Form) -> bool:
    a, b = canonical_form(a), canonical_form(b)
    return _same(a, b)


def _same(a: Form, b: Form) -> bool:
    if (a.op, a.negated, a.kind, a.concept, a.comparator, a.dimension) != (
        b.op,
        b.negated,
        b.kind,
        b.concept,
        b.comparator,
        b.dimension,
    ):
        return False
    if not _close(a.value, b.value) or not _same_details(a.details, b.details):
        return False
    if len(a.children) != len(b.children):
        return False
    remaining = list(b.children)
    for child in a.children:
        match = next((other for other in remaining if _same(child, other)), None)
        if match is None:
            return False
        remaining.remove(match)
    return True


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= _TOLERANCE * max(abs(a), abs(b), 1e-9)


def _same_details(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(sorted(a), sorted(b), strict=True):
        if x == y:
            continue
        wx, wy = (
            re.fullmatch(r"w(-?\d*),(-?\d*),(.*)", x),
            re.fullmatch(r"w(-?\d*),(-?\d*),(.*)", y),
        )
        if not (wx and wy and wx[3] == wy[3]):
            return False
        for p, q in ((wx[1], wy[1]), (wx[2], wy[2])):
            if (p == "") != (q == "") or (p and not _close(float(p), float(q))):
                return False
    return True


def without_negations(form: Form) -> Form:
    return replace(form, negated=False, children=tuple(without_negations(c) for c in form.children))


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Scored:
    label: dict
    compiled: str | None
    found: bool
    sample: Path = HELDOUT
    section: str | None = None
    """The section today's outline puts the bullet in (None when not found)."""

    @property
    def decidable(self) -> bool:
        return self.label["decidable"] in ("full", "partial") and bool(self.label["expected"])

    @property
    def in_its_section(self) -> bool:
        """A form in the wrong list acts with the opposite polarity: an exclusion read as an
        inclusion requirement rules out every patient who does not have it."""
        wanted = self.label.get("section")
        return wanted is None or self.section is None or self.section == wanted

    @property
    def right(self) -> bool:
        expected = self.label["expected"]
        return (
            self.compiled is not None
            and bool(expected)
            and self.in_its_section
            and same(parse(self.compiled, self.sample), parse(expected, self.sample))
        )

    @property
    def polarity_error(self) -> bool:
        expected = self.label["expected"]
        if self.compiled is None or not expected or self.right:
            return False
        if not self.in_its_section:
            return same(parse(self.compiled, self.sample), parse(expected, self.sample))
        return same(
            without_negations(canonical_form(parse(self.compiled, self.sample))),
            without_negations(canonical_form(parse(expected, self.sample))),
        )


def _compiled_nodes(text: str) -> list[tuple[str, CompiledNode]]:
    out: list[tuple[str, CompiledNode]] = []

    def walk(nodes: list[CompiledNode]) -> None:
        for node in nodes:
            out.append((" ".join(node.text.split()), node))
            walk(node.children)

    walk(compile_outline(parse_outline(text)))
    return out


def with_judgement_as_text(criterion: Criterion | None) -> Criterion | None:
    """A leaf qualified by a judgement ("uncontrolled") as `all-of(leaf, text)`: the signature
    drops qualifiers, and the label notation writes the judgement as a text member."""
    if criterion is None:
        return None
    if criterion.kind is Kind.COMBINATION:
        shared = _shared_judgement(criterion)
        if shared:
            # "Severe heart or lung disease": the judgement once, outside the any-of, as a label
            # writes it (any-of(A∧j, B∧j) = all-of(any-of(A, B), j)).
            members = tuple(
                c
                if c.kind is Kind.TEXT
                else replace(c, qualifiers=tuple(q for q in c.qualifiers if q not in shared))
                for c in criterion.children
            )
            inner = replace(criterion, children=members, negated=False)
            return Criterion(
                Kind.COMBINATION,
                negated=criterion.negated,
                combination="all-of",
                cohort=criterion.cohort,
                children=(with_judgement_as_text(inner) or inner, Criterion(Kind.TEXT)),
            )
        children = tuple(with_judgement_as_text(c) or c for c in criterion.children)
        return replace(criterion, children=children)
    if criterion.kind is Kind.TEXT or not set(criterion.qualifiers) & _JUDGEMENT_QUALIFIERS:
        return criterion
    return Criterion(
        Kind.COMBINATION,
        negated=criterion.negated,
        combination="all-of",
        children=(replace(criterion, negated=False), Criterion(Kind.TEXT)),
    )


# A section header run on at the end of a labelled bullet ("Signed consent Exclusion criteria:"),
# which the outline now splits off: the bullet is the text before it.
_GLUED_HEADER = re.compile(r"\s+(?:exclusion|inclusion) criteria\s*:?\s*$", re.IGNORECASE)


def same_bullet(today: str, wanted: str) -> bool:
    """Whether today's bullet text is the labelled bullet `wanted` (whitespace-normalised): the
    same words, the same without a lead (a number, a marker), or without a section header that
    was glued to its end when it was labelled."""
    whole = " ".join(today.split())
    return (
        whole == wanted
        or _ends_with_bullet(today, wanted)
        or (whole != wanted and whole == _GLUED_HEADER.sub("", wanted))
    )


def _ends_with_bullet(text: str, wanted: str) -> bool:
    """`wanted` is `text` without a lead (a number, a marker), not its last wrapped line."""
    whole = " ".join(text.split())
    return whole.endswith(wanted) and " ".join(text.split("\n")[-1].split()) != wanted


def _shared_judgement(criterion: Criterion) -> frozenset[str]:
    """The judgement qualifiers every member of an any-of carries (its text members aside),
    when it has at least two members that are not text."""
    if criterion.combination != "any-of" or criterion.cohort:
        return frozenset()
    members = [c for c in criterion.children if c.kind is not Kind.TEXT]
    if len(members) < 2 or any(m.kind is Kind.COMBINATION or m.negated for m in members):
        return frozenset()
    shared = frozenset.intersection(
        *(frozenset(m.qualifiers) & _JUDGEMENT_QUALIFIERS for m in members)
    )
    return shared


def score(sample: Path = HELDOUT) -> list[Scored]:
    labels = json.loads((sample / "labels.json").read_text(encoding="utf-8"))
    texts = {
        json.loads(line)["nctId"]: json.loads(line)["eligibilityCriteria"]
        for line in (sample / "texts.ndjson").read_text(encoding="utf-8").splitlines()
        if line
    }
    nodes = {nct: _compiled_nodes(text) for nct, text in texts.items()}
    used: set[int] = set()
    scored = []
    for label in labels:
        wanted = " ".join(label["text"].split())
        node = next(
            (
                n
                for t, n in nodes[label["nctId"]]
                if id(n) not in used and same_bullet(n.text, wanted)
            ),
            None,
        )
        if node is None:
            # A bullet labelled when the outline still split a wrapped sentence ("… under 18
            # or" / "over 75 years") is now a line of the whole criterion: found, and counted as
            # not compiled (its label describes a fragment, not the criterion read today).
            joined = any(wanted in t and "\n" in n.text for t, n in nodes[label["nctId"]])
            # A bullet labelled a header (a fragment of one) that today's outline reads as a
            # header is where the label says it belongs: found, and nothing to compile.
            header = label.get("role") == "header"
            scored.append(Scored(label, None, joined or header, sample))
            continue
        used.add(id(node))
        compiled = signature(with_judgement_as_text(node.criterion))
        section = "exclusion" if node.link_id.startswith("exc") else "inclusion"
        scored.append(Scored(label, compiled, True, sample, section))
    return scored


@dataclass(frozen=True)
class Figures:
    bullets: int
    decidable: int
    covered: int
    compiled: int
    right: int
    polarity_errors: int
    not_found: int

    @property
    def coverage(self) -> float:
        return self.covered / self.decidable if self.decidable else 0.0

    @property
    def precision(self) -> float:
        return self.right / self.compiled if self.compiled else 1.0


def figures(scored: list[Scored]) -> Figures:
    return Figures(
        bullets=len(scored),
        decidable=sum(s.decidable for s in scored),
        covered=sum(s.decidable and s.compiled is not None for s in scored),
        compiled=sum(s.compiled is not None for s in scored),
        right=sum(s.right for s in scored),
        polarity_errors=sum(s.polarity_error for s in scored),
        not_found=sum(not s.found for s in scored),
    )


def main(argv: list[str]) -> None:
    dev = "--dev" in argv
    scored = score(DEV_SAMPLE if dev else HELDOUT)
    result = figures(scored)
    print(
        f"{'development sample' if dev else 'held-out'} bullets {result.bullets} "
        f"({result.not_found} not found in today's outline); EHR-decidable {result.decidable}\n"
        f"coverage {result.coverage:.3f} ({result.covered}/{result.decidable}); "
        f"precision {result.precision:.3f} ({result.right}/{result.compiled}); "
        f"polarity errors {result.polarity_errors}"
    )
    if dev and "--details" in argv:
        # Only the development sample is read bullet by bullet (dev_sample/README.md).
        for s in scored:
            if s.compiled is not None and not s.right:
                print(f"\nWRONG {s.label['nctId']} {s.label['linkId']}: {s.label['text']}")
                print(f"  expected {s.label['expected']}\n  compiled {s.compiled}")
        for s in scored:
            if s.decidable and s.compiled is None:
                print(f"\nMISSED {s.label['nctId']} {s.label['linkId']}: {s.label['text']}")
                print(f"  expected {s.label['expected']}")


if __name__ == "__main__":
    main(sys.argv[1:])
