"""Count the diagnosis names that criteria left as text use, most frequent first.

    python tools/diagnosis_name_frequency.py [--top N] [--all-names]

Over the development texts (tests/eligibility/corpus.py: the shared corpus less the held-out
studies, never read here), every bullet the compiler leaves text or reads in part is cut into
the noun phrases that stand where a diagnosis stands: after "history of", "known", "diagnosis
of", "patients with", "presence of", "evidence of", "suffering from"…, and the members of
lists ("X, Y or Z"). A phrase is normalised (lower case, without articles, quantifiers and
judgement qualifiers in front) and counted once a bullet. A phrase the compiler already reads
as a diagnosis on its own ("History of <phrase>" in an exclusion compiles to a condition) is
left out unless `--all-names`, so the list is the names missing from the vocabulary, by how
often real criteria use them: what tools/build_icd10cm_common_names.py was chosen from.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fhirtrial.eligibility.compiler import compile_criterion, compile_outline
from fhirtrial.eligibility.model import CompiledNode, Kind
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.corpus import development_texts

# Words that open the place of a diagnosis ("history of X", "patients with X").
_LEADS = re.compile(
    r"\b(?:(?:past |prior |previous |medical |documented |personal |family )?history of"
    r"|known|diagnosis of|diagnosed with|diagnosed|patients? with|subjects? with"
    r"|participants? with|individuals? with|presence of|evidence of|suffering from"
    r"|any|active|current|existing|concurrent|comorbid|underlying|prior|previous"
    r"|documented|confirmed|established|including|such as|e\.g\.,?|i\.e\.,?)\s+",
    re.IGNORECASE,
)
# Where a noun phrase ends: punctuation, connectives, and the words that open a clause.
_ENDS = re.compile(
    r"[,;:()\[\]/.]|\s(?:or|and|and/or|that|which|who|with|without|within|in|requiring|"
    r"requires|treated|on|at|as|by|for|from|if|unless|except|defined|per|due|during|"
    r"before|after|since|other than|not|is|are|was|were|has|have|may|will|should|must|"
    r"would|could|to|of the|than|including|such)\s",
    re.IGNORECASE,
)
_FRONT = re.compile(
    r"^(?:(?:a|an|the|any|all|other|significant|clinically|severe|serious|uncontrolled|"
    r"unstable|active|current|known|history|of|diagnosis|prior|previous|"
    r"documented|concurrent|concomitant|ongoing|relevant|major|moderate|mild|underlying|"
    r"existing|pre-existing|preexisting|comorbid|significant|recent|untreated|symptomatic|"
    r"poorly|controlled|evidence|presence|or|and|with|patients?|subjects?)\s+)+",
    re.IGNORECASE,
)
_WORDS = re.compile(r"^[a-z][a-z'\-]*(?: [a-z][a-z'\-]*){0,4}$")
_NOT_NAMES = frozenset(
    {
        *("patients", "patient", "subjects", "subject", "participants", "treatment", "therapy"),
        *("study", "trial", "disease", "disorder", "condition", "conditions", "illness"),
        *("history", "diagnosis", "evidence", "women", "men", "years", "age", "use", "drug"),
        *("drugs", "medication", "medications", "surgery", "investigator", "inclusion"),
        *("exclusion", "criteria", "informed consent", "consent", "protocol", "pregnancy"),
    }
)


def _walk(nodes: list[CompiledNode]) -> Iterator[CompiledNode]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _left_text(node: CompiledNode) -> bool:
    """Whether the bullet stays text, or is read in part (a text member)."""
    criterion = node.criterion
    if node.children:
        return False
    if criterion is None or criterion.kind is Kind.TEXT:
        return True
    return criterion.kind is Kind.COMBINATION and any(
        c.kind is Kind.TEXT for c in criterion.children
    )


def phrases(text: str) -> set[str]:
    """The normalised noun phrases in diagnosis places of a bullet."""
    lowered = " ".join(text.lower().replace("\u2019", "'").split())
    found: set[str] = set()
    starts = [m.end() for m in _LEADS.finditer(lowered)]
    # List members: what follows a comma, "or", "and" (the list's first member follows a lead).
    starts += [m.end() for m in re.finditer(r"(?:,|;|\bor\b|\band/or\b|\band\b)\s+", lowered)]
    for start in starts:
        rest = lowered[start:]
        end = _ENDS.search(f" {rest} ")
        phrase = rest[: max(0, end.start() - 1)] if end else rest
        phrase = _FRONT.sub("", phrase.strip(" -*'\"")).strip()
        if phrase and _WORDS.match(phrase) and phrase not in _NOT_NAMES:
            found.add(phrase)
    return found


def resolved(phrase: str) -> bool:
    """Whether "History of <phrase>" in an exclusion already compiles to a diagnosis."""
    criterion = compile_criterion(f"History of {phrase}", exclusion=True)
    return (
        criterion is not None
        and criterion.kind is Kind.CONDITION
        and criterion.computable
        and not criterion.negated
    )


def count(all_names: bool = False) -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in development_texts():
        outline = parse_outline(row.get("eligibilityCriteria") or "")
        for node in _walk(compile_outline(outline)):
            if _left_text(node):
                counts.update(phrases(node.text))
    if all_names:
        return counts
    return Counter({p: n for p, n in counts.items() if not resolved(p)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--top", type=int, default=400)
    parser.add_argument("--all-names", action="store_true")
    args = parser.parse_args()
    for phrase, n in count(args.all_names).most_common(args.top):
        print(f"{n}\t{phrase}")


if __name__ == "__main__":
    main()
