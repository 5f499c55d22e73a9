"""Diagnoses ICD-10-CM names only as the head of titles split by a qualifier (for
tools/build_icd10cm_titles.py).

ICD-10-CM often divides a diagnosis by laterality, a complication or a cause, and no title is
the diagnosis alone: conductive hearing loss is H90.0 "…, bilateral", H90.1 "…, unilateral with
unrestricted hearing on the contralateral side", H90.2 "…, unspecified" and H90.A1 "…,
unilateral, with restricted hearing on the contralateral side". The head of a title is its name
before the first comma, " with", " without", " due to" ("Glaucoma secondary to eye trauma":
secondary glaucoma), without a leading "other" or "unspecified" ("Other chronic pancreatitis":
chronic pancreatitis). Its members (`_Family.members`) are the codes whose head is that
diagnosis or a kind of it: the same name, with adjectives before it ("alcohol-induced chronic
pancreatitis", "mixed conductive and sensorineural hearing loss") or a phrase after it
("pulmonary hypertension of newborn"); for "disorder of <gland>", the hyperfunction,
hypofunction and other disorders of that gland ("Hypofunction and other disorders of the
pituitary gland" E23, "Hyperfunction of pituitary gland" E22). A member counts with its
subtree, unless a residual of another diagnosis lies below it ("Depression, unspecified" F32.A
in F32 "Major depressive disorder, single episode").

A head names its members (`heads`) only when ICD-10-CM shows they are the whole diagnosis, in
one place:

- two codes or more, under one code or one block, never only a chapter (a head spread over
  chapters names nothing: "secondary hyperparathyroidism" is E21.1 and N25.81), all in the
  chapters the table keeps;
- no title elsewhere names it but as what it is not ("Personal history of X", "Newborn
  affected by X"): "headache" (R51, tension-type headache G44.2), "gastritis" (K29,
  "eosinophilic gastritis or gastroenteritis" K52.81), "phobia" (agoraphobia F40.0) and
  "calculus of bile duct" (K80.3-K80.5, "calculus of gallbladder and bile duct" K80.6) name
  nothing;
- a residual among them ("X, unspecified", "Other X", a qualifier "… other …"), a "with" and a
  "without" title, or all the parent's children: the subdivision covers the diagnosis; but
  never residuals only ("Other specified disorders of adrenal gland" and "…, unspecified" say
  nothing of where Addison disease is);
- an "Other X" member leaves out no sibling whose name ends like X's ("Other abdominal
  hernia" K45 beside inguinal hernia K40), and an "Unspecified X" member has a sibling of that
  name divided another way ("Conductive hearing loss, bilateral" beside "…, unspecified"), an
  "Other X" beside it, or no sibling left out (`_covered`);
- a name, not a class: no plural only ("Other headache syndromes"), no side ("Entropion of
  left eye"), no class word ("disorder of ear", "congenital malformation of stomach") but the
  disorders of a gland; one word only when it ends like a diagnosis ("nausea", "appendicitis"),
  never a common word ("male"); no site left unsaid ("Diverticulitis of intestine, part
  unspecified") and no list ("Cutaneous abscess, furuncle and carbuncle of face");
- not the name of a title already (the title reads it), nor one of the few the table's review
  found the rules cannot judge (`_NOT_DIAGNOSES`).

The set is written with the parent's code where it holds all the parent's children, the codes
joined by "+" ("K40.0+K40.1+K40.2", "E22+E23"); the name is the head as a title of the set writes
it in the singular ("Disorder of pituitary gland").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import simple_icd_10_cm as release

from fhirtrial.eligibility.terminology import title_name

_CUT = re.compile(r",| with\b| without\b| due to\b| secondary to\b")
# A title of a residual class ("Other X", "Unspecified X", "Other and unspecified X"), and a
# title that says its whole subtree is X ("Hypofunction and other disorders of X",
# "Suppurative and unspecified otitis media").
_LEAD = re.compile(r"^(?:other and unspecified |other specified |other |unspecified )")
_WHOLE = re.compile(r"^(?:other and unspecified |[\w-]+ and (?:other|unspecified) )")
_WORDS = re.compile(r"[\w-]+")
_RESIDUAL_WORD = re.compile(r"\bother\b|\bunspecified\b")
# A title whose head is the diagnosis where its site is not said ("Diverticulitis of intestine,
# part unspecified"): not the name of the diagnosis at any site.
_SITE_UNSAID = re.compile(r"^, (?:part|site) unspecified\b")
# "X of A and B": X of B too ("Calculus of gallbladder and bile duct").
_ALSO_OF = re.compile(r"^(.*?) of ([\w-]+) and ([\w -]+?)(?=,| with\b| without\b|$).*")
# A title listing diagnoses, not qualifying one: "Cutaneous abscess, furuncle and carbuncle of
# face" (its first words are no head).
_LIST = re.compile(r"^, (?!with\b|without\b|due to\b)[^,]*? (?:and|or) ")
_NOT_A_NAME = re.compile(
    r"\bother\b|\bunspecified\b|\band\b|\bor\b|\bnot?\b|\bnos\b|classified|elsewhere"
    r"|\bright\b|\bleft\b|[\[\]()/,;:]|\d"
)
# Words that make what follows a phrase about something else: "history of X", "maternal care
# for X", "newborn affected by X" are not X.
_PREPOSITIONS = frozenset(
    {"of", "for", "to", "by", "in", "from", "on", "at", "after", "following", "during", "with"}
    | {"without", "affecting", "complicating", "involving", "associated", "due", "than", "as"}
)
# Phrases after a name that keep it the same diagnosis: "chest pain on breathing", "pulmonary
# hypertension of newborn", "dysphagia following cerebral infarction".
_AFTER = frozenset({"of", "on", "in", "at", "affecting", "involving", "following", "after"})
_SINGULAR = {
    "disorders": "disorder",
    "diseases": "disease",
    "infections": "infection",
    "malformations": "malformation",
    "anomalies": "anomaly",
    "abnormalities": "abnormality",
    "deformities": "deformity",
    "conditions": "condition",
    "complications": "complication",
    "lesions": "lesion",
    "syndromes": "syndrome",
}
_CLASSES = frozenset(_SINGULAR.values()) - {"syndrome"} | {"dysfunction", "problem", "defect"}
# The disorders of a gland: "Hyperfunction of pituitary gland" E22 is one.
_GLAND_DISORDERS = ("disorder", "disease", "hyperfunction", "hypofunction", "dysfunction")
# One-word names: only words that end like the name of a diagnosis.
_DIAGNOSIS_WORD = re.compile(
    r"(?:itis|osis|iasis|emia|pathy|algia|ia|ism|oma|cele|plegia|ea|trophy|ectasis|lepsy"
    r"|phobia|uria|esis|ysis|staxis|ites)$"
)
# Found on reviewing the table: heads the rules let through that name no diagnosis ("Open angle
# with borderline findings" is a glaucoma suspect, "Loose body in joint", manifestations), and
# sets whose kinds ICD-10-CM also names elsewhere in other words ("Other headache syndromes"
# G44 beside migraine G43, juvenile rheumatoid polyarthritis M08.3 beside M08.0-M08.4,
# recurrent vertebral dislocation M43.5 beside M22.0 and M24.4).
_NOT_DIAGNOSES = frozenset(
    {"open angle", "loose body", "pulmonary manifestations"}
    | {"headache syndrome", "juvenile rheumatoid arthritis", "recurrent dislocation"}
)


@dataclass(frozen=True)
class _Title:
    code: str
    head: str  # the name before the qualifier, without "other" / "unspecified", singular
    display: str  # that name as the title writes it
    qualifier: str  # ", bilateral", " with gangrene"; "" for a title that is its head
    lead: bool  # "Other X", "Unspecified X"
    whole: bool  # the title says its subtree is the head's diagnosis
    other: bool  # "Other X": the kinds of X its siblings are not

    @property
    def residual(self) -> bool:
        return self.lead or self.whole or bool(_RESIDUAL_WORD.search(self.qualifier))


def _read(code: str) -> _Title:
    name = title_name(release.get_description(code))
    cut = _CUT.search(name)
    head, qualifier = (name[: cut.start()], name[cut.start() :]) if cut else (name, "")
    if cut is not None and cut.group() == " secondary to":
        head = f"secondary {head}"
    whole = _WHOLE.match(head)
    lead = whole or _LEAD.match(head)
    stripped = (head[lead.end() :] if lead else head).replace(" of the ", " of ")
    lead_word = lead.group() if lead else ""
    return _Title(
        code,
        _normal(stripped),
        stripped,
        qualifier,
        lead_word != "" and lead_word.startswith(("other", "unspecified")),
        whole is not None,
        lead_word.startswith("other"),
    )


def _normal(name: str) -> str:
    """A name as heads are compared: its noun and class words in the singular."""
    words = name.replace(" of the ", " of ").split()
    noun = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    words[noun] = _singular(words[noun])
    return " ".join(_SINGULAR.get(word, word) for word in words)


def _singular(word: str) -> str:
    """The word as ICD-10-CM's singular titles write it ("rickettsioses": "rickettsiosis");
    a word that only looks plural ("diabetes") is changed alike on every title, so titles
    still compare."""
    if word in _SINGULAR:
        return _SINGULAR[word]
    for plural, singular in (("oses", "osis"), ("ies", "y"), ("sses", "ss"), ("xes", "x")):
        if word.endswith(plural):
            return word[: -len(plural)] + singular
    if word.endswith("s") and not word.endswith(("ss", "is", "us")):
        return word[:-1]
    return word


class _Family:
    """Every category and subcategory but the external causes and factors (V-Z), by the words
    of its head."""

    def __init__(self) -> None:
        codes = [
            code
            for code in release.get_all_codes(with_dots=True)
            if release.is_category_or_subcategory(code)
            and not release.is_extended_subcategory(code)
            and not code.startswith(("V", "W", "X", "Y", "Z"))
        ]
        self.titles = {code: _read(code) for code in codes}
        self.names: dict[str, str] = {}
        """Code → its title's name as heads are compared, and for "X of A and B", "X of B"
        ("Calculus of gallbladder and bile duct" is a calculus of bile duct too)."""
        self._by_name_word: dict[str, list[str]] = {}
        for code in codes:
            name = " ".join(map(_singular, title_name(release.get_description(code)).split()))
            name = name.replace(" of the ", " of ")
            also = _ALSO_OF.match(name)
            if also is not None:
                name += f" / {also[1]} of {also[3]}"
            self.names[code] = name
            for word in set(_WORDS.findall(name)):
                self._by_name_word.setdefault(word, []).append(code)
        self._by_word: dict[str, list[_Title]] = {}
        for title in self.titles.values():
            for word in set(title.head.split()):
                self._by_word.setdefault(word, []).append(title)
        self._residuals_below: dict[str, list[_Title]] = {}
        for title in self.titles.values():
            if title.residual:
                for ancestor in release.get_ancestors(title.code):
                    self._residuals_below.setdefault(ancestor, []).append(title)

    def members(self, name: str) -> list[_Title]:
        return [
            t
            for t in self._by_word.get(name.split()[-1], ())
            if self.is_kind(t.head, name) and not _LIST.match(t.qualifier)
        ]

    def is_kind(self, head: str, name: str) -> bool:
        """Whether ``head`` names ``name`` or a kind of it."""
        return any(_is_kind(head, kind) for kind in _kinds(name))

    def whole(self, title: _Title, name: str) -> bool:
        """Whether every code below ``title`` is ``name``: its title says so ("Other X", "A and
        other X"), or no residual of another diagnosis lies below it."""
        return (
            title.whole
            or title.lead
            or all(
                self.is_kind(below.head, name)
                for below in self._residuals_below.get(title.code, ())
            )
        )

    def spread(self, name: str, codes: list[str]) -> bool:
        """Whether a title outside ``codes`` (and above them) names ``name`` but as what it is
        not ("personal history of", "newborn affected by")."""
        spelt = " ".join(map(_singular, name.split()))
        last = spelt.split()[-1]
        if " " in spelt:
            pattern = re.compile(rf"(?<![\w-]){re.escape(spelt)}(?![\w-])")
            holding = self._by_name_word.get(last, [])
        else:
            # One word is also spread by the words ending with it: "phobia" by agoraphobia.
            pattern = re.compile(rf"(?<![\w-])\w*{re.escape(spelt)}(?![\w-])")
            holding = [c for w, cs in self._by_name_word.items() if w.endswith(last) for c in cs]
        above = {a for code in codes for a in release.get_ancestors(code)}
        for code in holding:
            full = self.names[code]
            found = pattern.search(full)
            if found is None or code in above or _inside(code, codes):
                continue
            before = full[: found.start()].split()
            if not before or before[-1] not in _PREPOSITIONS:
                return True
        return False


def _is_gland(words: list[str]) -> bool:
    """Whether the words are "disorder of <…> gland" or "disease of <…> gland"."""
    return (
        len(words) > 2
        and words[0] in _GLAND_DISORDERS[:2]
        and words[1] == "of"
        and (words[-1] == "gland")
    )


def _kinds(name: str) -> list[str]:
    words = name.split()
    if _is_gland(words):
        return [" ".join((kind, *words[1:])) for kind in _GLAND_DISORDERS]
    return [name]


def _is_kind(head: str, name: str) -> bool:
    """Whether ``head`` names ``name`` or a kind of it: adjectives before it, a phrase after."""
    at = f" {head} ".find(f" {name} ")
    if at < 0:
        return False
    before, after = head[:at].split(), head[at + len(name) :].split()
    if _PREPOSITIONS.intersection(before) or before[-1:] in (["and"], ["or"]):
        return False  # "history of X"; "conductive and sensorineural hearing loss" is more
    return not after or after[0] in _AFTER


def _inside(code: str, codes: list[str]) -> bool:
    return any(code == top or release.is_descendant(code, top) for top in codes)


@cache
def _family() -> _Family:
    return _Family()


def names_only(code: str) -> bool:
    """Whether the name of ``code``'s title (a title without qualifier) names nothing outside
    its subtree ("Headache" R51 does: tension-type headache G44.2)."""
    family = _family()
    name = family.titles[code].head
    members = family.members(name)
    return all(_inside(m.code, [code]) for m in members) and not family.spread(name, [code])


def heads(kept: Callable[[str], bool], titled: frozenset[str]) -> dict[str, str]:
    """Set of codes ("K40.0+K40.1+K40.2", or a parent's code) → the name of the diagnosis they
    are, for the heads of the titles of codes ``kept`` that no title of ``titled`` names."""
    family = _family()
    named = {_normal(name) for name in titled}
    spelt: dict[str, list[str]] = {}
    for title in family.titles.values():
        if (
            kept(title.code)
            and (title.qualifier or title.residual)
            and title.head not in named
            and not _LIST.match(title.qualifier)
            and not _SITE_UNSAID.match(title.qualifier)
        ):
            spelt.setdefault(title.head, []).append(title.display)
    found: dict[str, str] = {}
    for name, displays in sorted(spelt.items()):
        singular = sorted(d for d in displays if _normal(d) == d)
        if not singular or not _is_name(name):
            continue  # only ever in the plural ("Other headache syndromes"): a group
        key = _named_set(family, name, kept)
        if key is not None:
            found.setdefault(key, singular[0][0].upper() + singular[0][1:])
    return dict(sorted(found.items()))


def _is_name(name: str) -> bool:
    words = name.split()
    if not words or _NOT_A_NAME.search(name) or name in _NOT_DIAGNOSES:
        return False
    if _PREPOSITIONS.intersection(words[:1]) or words[-1] in _PREPOSITIONS:
        return False
    noun = words[words.index("of") - 1] if "of" in words[1:] else words[-1]
    if noun in _CLASSES and not _is_gland(words):
        return False  # a class ("disorder of ear"), not one diagnosis
    return len(words) > 1 or is_diagnosis_word(name)


def is_diagnosis_word(word: str) -> bool:
    """Whether one word ends like the name of a diagnosis ("gastritis", "nausea"), not like a
    common word ("heartburn", "flushing", "male")."""
    return bool(_DIAGNOSIS_WORD.search(word))


def _named_set(family: _Family, name: str, kept: Callable[[str], bool]) -> str | None:
    members = family.members(name)
    tops = [m for m in members if not _inside_any(m.code, members)]
    if not tops:
        return None
    parent = _parent([t.code for t in tops])
    if parent is None:
        return None
    top = tops[0]
    if len(tops) == 1 and (top.head, top.qualifier, top.lead, top.whole) == (name, "", 0, 0):
        # A title that is the name in the plural: "Ehlers-Danlos syndromes" Q79.6.
        return top.code if family.whole(top, name) else None
    codes = _outermost(
        [
            code
            for top in tops
            for code in (
                [top.code]
                if family.whole(top, name)
                else [m.code for m in members if release.is_descendant(m.code, top.code)]
            )
        ]
    )
    chosen = [m for m in members if m.code in codes]
    if len(codes) < 2 or not all(kept(code) for code in codes):
        return None
    if all(m.lead or m.whole or m.qualifier == ", unspecified" for m in chosen):
        return None  # residuals only: where ICD-10-CM puts the named kinds is not said
    if family.spread(name, codes):
        return None
    paired = {m.qualifier.lstrip(", ").split(" ")[0] for m in members} >= {"with", "without"}
    every = set(release.get_children(parent)) == set(codes)  # "X, right", "X, left"
    if not (every or paired or any(m.residual for m in members)):
        return None
    if not all(_covered(family, m, name, codes, chosen) for m in chosen):
        return None
    return "+".join(_collapsed(codes))


def _covered(
    family: _Family, member: _Title, name: str, codes: list[str], chosen: list[_Title]
) -> bool:
    """Whether the siblings of a residual of the diagnosis itself hold no kind of it outside
    the set. "Other X": no sibling left out ends like X ("Other abdominal hernia" K45 beside
    inguinal hernia K40, "Other hyperlipidemia" E78.4 beside pure hypercholesterolemia E78.0).
    "Unspecified X", "X, unspecified": a sibling of that name says which other way it is
    divided ("Conductive hearing loss, bilateral" beside "…, unspecified"), or an "Other X" takes
    the kinds not named, or every sibling is in the set."""
    if member.head != name or not (member.lead or member.qualifier == ", unspecified"):
        return True
    siblings = [
        family.titles[code]
        for code in release.get_children(release.get_parent(member.code))
        if code in family.titles and code not in codes
    ]
    ending = name.split()[-1][-4:]
    if member.other:
        return not any(s.head.split()[-1].endswith(ending) for s in siblings)
    if any(
        m.head == name
        and not m.residual
        and release.get_parent(m.code) == release.get_parent(member.code)
        for m in chosen
    ):
        return True
    others = [m for m in chosen if m.other and m.head == name]
    if others:
        return all(_covered(family, m, name, codes, chosen) for m in others)
    return not siblings


def _inside_any(code: str, members: list[_Title]) -> bool:
    return any(m.code != code and release.is_descendant(code, m.code) for m in members)


def _outermost(codes: list[str]) -> list[str]:
    kept = set(codes)
    return sorted(c for c in kept if not any(a in kept for a in release.get_ancestors(c)))


def _collapsed(codes: list[str]) -> list[str]:
    """The codes, those that are all the children of a code written as that code."""
    kept = set(codes)
    changed = True
    while changed:
        changed = False
        for parent in {release.get_parent(code) for code in kept}:
            children = set(release.get_children(parent))
            if release.is_category_or_subcategory(parent) and children <= kept:
                kept = (kept - children) | {parent}
                changed = True
    return sorted(c for c in kept if not any(a in kept for a in release.get_ancestors(c)))


def _parent(codes: list[str]) -> str | None:
    """The nearest code or block holding every code; None when only a chapter does."""
    parent = codes[0]
    for code in codes[1:]:
        if parent == code or release.is_descendant(code, parent):
            continue
        parent = release.get_nearest_common_ancestor(parent, code)
        if not parent:
            return None
    if len(codes) > 1 and parent in codes:
        return parent
    if release.is_chapter(parent):
        return None
    return parent
