"""A named class followed by examples of it: the class alone.

"Eating disorders such as anorexia, bulimia, binge eating or night eating syndrome", "Eating
disorder (anorexia, bulimia etc.)", "Autoimmune disease (e.g., lupus, rheumatoid arthritis)":
when the words before the examples are themselves read in full as diagnoses (eating disorders,
F50), the class is what the bullet names and the examples only illustrate it, so the reading is
the class's own: the examples are members of it, read or not ("night eating syndrome" is an
eating disorder because the text says so). `class_alone` returns the class's reading when:

- the marker gives examples ("e.g.", "such as", "for example", "including", "like"), not a
  definition: "cancer (i.e. melanoma)" may narrow the class to its examples; nor a clause
  ("sleep disorder which includes obstructive sleep apnea" may say more than membership);
- the class reads in full, with the words after the examples ("… within 6 months"), as one or
  more diagnoses, none negated;
- every example the rules read is a diagnosis the class includes (the class itself, one of its
  kinds in the vocabulary, or ICD-10-CM codes under the class's); an example read as something
  else ("autoimmune disease such as psoriasis" where psoriasis is no kind of the concept) leaves
  the bullet to the example reader (`rules.example_lists`): any-of(examples, TEXT).

An example not read is left to the class: the text calls it a member.
"""

from __future__ import annotations

from collections.abc import Callable

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Criterion, Kind

_ICD10CM = terminology.ICD10CM_SYSTEM


def class_alone(
    head: str, items: list[str], compile_clause: Callable[[str], Criterion | None]
) -> Criterion | None:
    """The reading of ``head`` (the class with what the bullet says of it) when it is one or
    more diagnoses that hold every example read, or None."""
    criterion = compile_clause(head)
    if criterion is None:
        return None
    classes = _diagnoses(criterion)
    if not classes:
        return None
    for item in items:
        example = compile_clause(item)
        if example is None:
            continue
        members = _diagnoses(example)
        if not members or not all(_held(member, classes) for member in members):
            return None
    return criterion


def _diagnoses(criterion: Criterion) -> list[str] | None:
    """The concepts of a diagnosis or an any-of of diagnoses, none negated; None otherwise."""
    if criterion.negated:
        return None
    if criterion.kind is Kind.CONDITION and criterion.concept and not criterion.children:
        return [criterion.concept]
    if criterion.kind is Kind.COMBINATION and criterion.combination == "any-of":
        concepts: list[str] = []
        for child in criterion.children:
            found = _diagnoses(child)
            if not found:
                return None
            concepts += found
        return concepts
    return None


def _held(member: str, classes: list[str]) -> bool:
    vocabulary = terminology.terminology()
    if member in classes or set(classes) & vocabulary.ancestors(member):
        return True
    codes = _icd_codes(member)
    heads = [code for concept in classes for code in _icd_codes(concept)]
    return bool(codes) and all(any(_under(code, h) for h in heads) for code in codes)


def _under(code: str, head: str) -> bool:
    """Whether an ICD-10-CM code (or "F50.2*", the codes under it) is within ``head``: the same
    code, or under a head written with "*"."""
    bare, top = code.rstrip("*").replace(".", ""), head.rstrip("*").replace(".", "")
    return (bare == top and code.endswith("*") == head.endswith("*")) or (
        head.endswith("*") and bare.startswith(top)
    )


def _icd_codes(concept: str) -> list[str]:
    try:
        found = terminology.concept(concept)
    except KeyError:
        return []
    return [c.code for c in found.codings if c.system == _ICD10CM and c.code]
