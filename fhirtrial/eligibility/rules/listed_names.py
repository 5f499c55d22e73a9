"""Names of diagnoses `terminology/conditions.json` already lists that the condition finder's own
patterns do not spell: "lung cancer", "malignant melanoma", "systemic lupus", "manic
depression", "coronary atherosclerosis", "peritoneal carcinomatosis", and a concept's display
when it is a plain name ("Malignant neoplasm of breast", "Disease of liver").

The synonyms were written for records and study conditions (`terminology.concepts_for_text`);
a criterion read them only where a hand-written pattern of `rules.conditions` happened to. Here
each listed name becomes a name of its concept for the finder too, in the spellings ICD-10-CM
titles are read in (`terminology.title_variants`: plural, "X of the Y" turned, British and
hyphen spellings), for the concepts the finder reads already (it decides qualifiers, windows,
treated cancers, untimed acute events as for its own names).

Left out, each for a reason `tests/eligibility/test_listed_condition_names.py` states:

- names narrower than their concept, or wider (`NOT_THE_CONCEPT`): "septic shock" is not any
  sepsis, "acral melanoma" not any cutaneous melanoma; an exclusion of the narrower name read as
  the concept would turn away patients the text keeps;
- names ICD-10-CM gives a code of its own (a title, a title's variant or a common name): the
  ICD-10-CM finder reads them as that code, narrower than the hand-made concept ("emphysema" J43,
  not any COPD);
- names with a comma, the inverted headings of MeSH ("carcinoma, hepatocellular"): in a criterion
  a comma separates the items of a list;
- MeSH "neoplasms" headings ("prostatic neoplasms"): a neoplasm may be benign, the concept is a
  cancer ("malignant neoplasm of breast", the ICD-10-CM display, is read);
- displays with parentheses, brackets, slashes, commas or semicolons: descriptions of a concept's
  extent, not names anyone writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable
from importlib.resources import files

from fhirtrial.eligibility import terminology

NOT_THE_CONCEPT: dict[str, str] = {
    "acral melanoma": "a kind of cutaneous melanoma",
    "choroidal melanoma": "one site of uveal melanoma (not the ciliary body or iris)",
    "urothelial carcinoma of the bladder": "one histology of bladder cancer",
    "solid tumor": "solid narrows any malignancy (not a haematological one)",
    "solid tumour": "solid narrows any malignancy (not a haematological one)",
    "primary malignancy": "'primary' in a criterion sets aside metastases, not a diagnosis",
    "metastases": "a word of a site or setting, not a diagnosis alone",
    "metastatic": "a word of a site or setting, not a diagnosis alone",
    "septic shock": "a kind of sepsis",
    "radiation pneumonitis": "a kind of pneumonitis",
    "drug-induced pneumonitis": "a kind of pneumonitis",
    "tachyarrhythmia": "tachycardias only, not any arrhythmia",
    "intracerebral hemorrhage": "one kind of haemorrhagic stroke (not subarachnoid)",
    "diabetic polyneuropathy": "a kind of peripheral neuropathy",
    "precursor cell lymphoblastic leukemia-lymphoma": (
        "a MeSH heading that holds lymphoblastic lymphoma too, not the leukaemia alone"
    ),
}
"""Listed names narrower (or wider) than their concept: read as it, an exclusion would turn away
patients the text keeps (or an inclusion those it takes)."""
READ_OTHERWISE: dict[str, str] = {
    "tnbc": "the receptor finder reads it: ER, PR and HER2 negative",
}
"""Listed names another finder reads in its own way, meaning the same."""

_MESH_NEOPLASMS = re.compile(r"\bneoplas(?:m|ms|ia)\b")
_NOT_A_NAME = re.compile(r"[()\[\]/;,]")


def _names(raw: dict[str, object]) -> Iterable[str]:
    synonyms = raw.get("synonyms", [])
    assert isinstance(synonyms, list)
    yield from synonyms
    display = raw.get("display")
    if isinstance(display, str) and not _NOT_A_NAME.search(display):
        yield display.lower()


def refused(name: str) -> str | None:
    """Why a listed name is not read as its concept by this module, or None."""
    if name in NOT_THE_CONCEPT:
        return NOT_THE_CONCEPT[name]
    if name in READ_OTHERWISE:
        return READ_OTHERWISE[name]
    if "," in name:
        return "an inverted heading: a comma separates list items in a criterion"
    if _NOT_A_NAME.search(name):
        return "a description, not a name"
    if _MESH_NEOPLASMS.search(name) and "malignant" not in name:
        return "a neoplasm may be benign: the concept is a cancer"
    if terminology.terminology().icd_title_code(name) is not None:
        return "ICD-10-CM names it: the ICD-10-CM finder reads its own code"
    return None


def listed_names(
    known: Collection[str], reads: Callable[[str, str], bool]
) -> tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...]:
    """(concept, pattern with a `name` group, triggers) for the listed names of the concepts in
    ``known`` and their spellings that ``reads(concept, name)`` says the finder's own patterns do
    not read."""
    document = json.loads(
        files("fhirtrial.eligibility.terminology").joinpath("conditions.json").read_text()
    )
    found: list[tuple[str, re.Pattern[str], tuple[str, ...]]] = []
    for concept, raw in document["concepts"].items():
        if concept not in known:
            continue
        spelt: dict[str, None] = {}
        for name in _names(raw):
            if refused(name) is not None or reads(concept, name):
                continue  # the variants of a name read already are the finder's to spell
            for each in (name, *terminology.title_variants(name)):
                if not reads(concept, each):
                    spelt[each] = None
        if spelt:
            names = "|".join(re.escape(s) for s in sorted(spelt, key=len, reverse=True))
            pattern = re.compile(rf"(?<![\w-])(?P<name>{names})(?![\w-])")
            found.append((concept, pattern, tuple(spelt)))
    return tuple(found)
