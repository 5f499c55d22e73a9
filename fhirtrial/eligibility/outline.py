"""Eligibility text (ClinicalTrials.gov) → criterion outline (a tree of verbatim bullets).

The outline knows nothing of meaning: it finds the inclusion / exclusion sections, the bullets and
their nesting, lead-in lines, and cohort labels. `compiler` gives each node a meaning later.

Link ids are deterministic from position: `inc-1`, `inc-1.2`, `exc-3` (1-based, per section).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

Section = Literal["inclusion", "exclusion"]

_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>=^~|&%$])")
_BULLET = re.compile(
    r"^(?P<indent>[ \t]*)"
    r"(?P<marker>[*•·‣▪◦●○-]|\d{1,2}[.)](?![\d.])|\(\d{1,2}\)|[a-zA-Z][.)](?=\s)|\([a-zA-Z]\)"
    r"|(?:i{1,3}|iv|v|vi{1,3}|ix|x)[.)](?=\s)|\((?:i{1,3}|iv|v|vi{1,3}|ix|x)\))"
    r"[ \t]*(?P<text>.*)$"
)
# A section header: "Exclusion Criteria:", "Key Inclusion Criteria", "Non-inclusion criteria",
# "Resident Exclusion Criteria:", "Inclusion criteria for mothers will be:", "Inclusion Criteria
# (control group):", and "Inclusion criteria: <first criterion>" on one line.
_HEADER = re.compile(
    r"^\s*(?:\*\*)?(?:criteria\s*:\s*)?"
    r"(?P<pre>(?:[a-z][\w'’/-]*\s+){0,3}?)"
    r"(?P<kind>non[- ]?inclusion|inclusion|exclusionary|exclusion)\b"
    r"(?P<rest>[^:]{0,80}?)\s*(?:\*\*)?\s*(?::(?P<after>.*))?$",
    re.IGNORECASE,
)
_GENERIC_HEADER_WORDS = frozenset(
    ["key", "main", "major", "general", "other", "additional", "specific", "study", "trial"]
)
# Words that make "… inclusion criteria" a sentence rather than a header ("does not meet
# inclusion criteria", "other, more specific inclusion criteria are defined in the protocol").
_NOT_A_HEADER_WORDS = frozenset(
    {
        *("no", "not", "does", "do", "meet", "meets", "meeting", "failure", "fail", "the", "of"),
        *("any", "all", "above", "below", "following", "this", "these", "previous", "prior"),
        *("in", "into", "with", "without"),
    }
)
# A population named by a header ("Resident Exclusion Criteria", "Inclusion criteria for healthy
# controls", "Inclusion Criteria (control group)") ties the section's criteria to it, like a
# cohort. Only words that name people count: other header words ("for the following", "for all
# participants", a citation) name no population.
_POPULATION = re.compile(
    r"^(?:the |all )?(?:healthy |adult |pediatric |paediatric |eligible )?"
    r"(?:residents?|family|families|family members?|staff|parents?|caregivers?|parents?/caregivers?"
    r"|child|children|controls?|control (?:subjects|participants|group|patients)|volunteers?"
    r"|cases?|patients?|participants?|subjects?|mothers?|fathers?|infants?|newborns?|neonates?"
    r"|adolescents?|partners?|spouses?|donors?|recipients?|providers?|clinicians?|physicians?"
    r"|nurses?|teachers?|students?|dyads?|couples?|men|women|girls|boys|[a-z0-9-]+ group)"
    r"(?: (?:with|without|of|who|in|from|receiving|undergoing)\b[^,;:=&]{0,50})?$",
    re.IGNORECASE,
)
# A line that is nothing but a population's name ("Adolescents", "For the healthy group:",
# "Parents:"): the criteria under it are that population's. No qualifier clause: "Patients with
# any of the following:" opens a list every participant is held to.
_BARE_POPULATION = re.compile(
    r"^(?:(?:for|in)\s+)?(?:the\s+)?(?P<name>(?:(?:healthy|adult|pediatric|paediatric|control)\s+)?"
    r"(?:residents?|family members?|parents?|caregivers?|children|child|controls?|volunteers?"
    r"|mothers?|fathers?|infants?|newborns?|neonates?|adolescents?|partners?|spouses?|donors?"
    r"|recipients?|siblings?|probands?|relatives?|dyads?|couples?|men|women|girls|boys"
    r"|[A-Za-z0-9-]+\s+(?:groups?|arms?|cohorts?)"
    r"|(?:adults?|adolescents?|pediatric|paediatric|child|children|parents?|caregivers?|mothers?"
    r"|fathers?|infants?|healthy|control)\s+(?:participants?|patients?|subjects?)))\s*:?\s*$",
    re.IGNORECASE,
)
# A bullet that opens with a population's name and a colon ("Adult participants: BMI ≥ 18",
# "Parents: aged 25-50"): the criterion after the colon is that population's.
_POPULATION_PREFIX = re.compile(r"^\s*(?P<name>[A-Za-z\"“][A-Za-z /\"“”-]{1,40}?)\s*:\s*(?=\S)")
_QUOTED_GROUP_SAYS = re.compile(
    r"^\s*[\"“](?P<word>[A-Za-z-]{2,30})[\"”]\s+(?P<people>participants|subjects|patients)\s+"
    r"(?:must|should|will|shall|need to|are required to)\b"
)
# A group the study names in quotes: '"Afflicted" participants: …', '“Healthy” subjects: …'.
_QUOTED_GROUP = re.compile(
    r"^[\"“](?P<word>[A-Za-z-]{2,30})[\"”]\s+(?P<people>participants?|subjects?|patients?|group)$"
)
_IRREGULAR_SINGULAR = {"children": "child", "men": "man", "women": "woman"}
_POPULATION_TRIM = re.compile(r"\bwill be\b|\bare\b|[()*]|\s-\s|\s*-+\s*$", re.I)
# Words of a "for …:" lead-in that is a condition on everyone, not a population ("For inclusion in
# the study, the following must be met:").
_NOT_A_POPULATION = re.compile(
    r"\b(?:following|criteria|criterion|must|should|eligib\w*|inclusion|exclusion|study|all)\b",
    re.IGNORECASE,
)
_EVERYONE = re.compile(r"^(?:all|both|every|each)\b|^(?:everyone|anyone)$", re.IGNORECASE)
# Prose lines that open an exclusion list without the word "Exclusion".
_EXCLUSION_LEAD_IN = re.compile(
    r"\b(?:will be excluded|are excluded|will exclude|not (?:be )?eligible|ineligible"
    r"|must not have any)\b.*:\s*$",
    re.IGNORECASE,
)
# "Group B", "Cohort 2a"; or several at once, "Groups C & D", "Arms A and B" (one key for them
# all: a group of its own, never read as "Group S"). An enumerator may come first: "II. Group B:".
_COHORT_ID = r"(?:[A-Z]\b|\d+[A-Za-z]?\b)"
_COHORT_NAME = (
    r"(?P<kind>cohort|arm|part|group|stratum|category)(?:s\s*(?P<ids>"
    + _COHORT_ID
    + r"(?:\s*(?:,|&|and|/)\s*"
    + _COHORT_ID
    + r")+)|\s*(?P<id>"
    + _COHORT_ID
    + r"))"
)
_COHORT_LABEL = re.compile(r"\b" + _COHORT_NAME, re.IGNORECASE)
_COHORT_PREFIX = re.compile(
    r"^\s*(?:(?:[IVX]{1,4}|[a-z]|\d{1,2})[.)]\s+)?(?:for\s+|in\s+)?"
    + _COHORT_NAME
    + r"[^:]{0,60}:",
    re.IGNORECASE,
)
# A line that is nothing but a cohort's label, without a colon ("Group A", "- Group B",
# "II. Part 2"): a heading whose criteria follow it, like "Group A:".
_COHORT_LINE = re.compile(
    r"^\s*(?:(?:[IVX]{1,4}|[a-z]|\d{1,2})[.)]\s+)?(?:for\s+|in\s+)?" + _COHORT_NAME + r"\s*$",
    re.IGNORECASE,
)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
OTHER_POPULATION = "Other participants"
# A line that states there is nothing: "None", "N/A", "Not applicable" — not a criterion.
_NOTHING = re.compile(r"^\s*(?:none|nil|n/?a|not applicable)\s*[.;:]?\s*$", re.IGNORECASE)


@dataclass
class OutlineNode:
    """One criterion bullet (or lead-in line) with its sub-bullets."""

    link_id: str
    text: str
    section: Section
    exclude: bool
    cohort: str | None = None
    children: list[OutlineNode] = field(default_factory=list)

    def walk(self) -> Iterator[OutlineNode]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Outline:
    inclusion: list[OutlineNode] = field(default_factory=list)
    exclusion: list[OutlineNode] = field(default_factory=list)

    @property
    def roots(self) -> list[OutlineNode]:
        return [*self.inclusion, *self.exclusion]

    def walk(self) -> Iterator[OutlineNode]:
        for root in self.roots:
            yield from root.walk()


def unescape_markdown(text: str) -> str:
    """CT.gov API v2 text is Markdown: `\\>=` is shown as `>=`. Criteria keep the shown text."""
    return _MARKDOWN_ESCAPE.sub(r"\1", text) if "\\" in text else text


def normalize_cohort(kind: str, ident: str) -> str:
    return f"{kind.capitalize()} {ident.upper()}"


def _cohort_key(match: re.Match[str]) -> str:
    if match["ids"]:
        ids = re.split(r"\s*(?:,|&|and|/)\s*", match["ids"], flags=re.IGNORECASE)
        return f"{match['kind'].capitalize()}s {' & '.join(i.upper() for i in ids)}"
    return normalize_cohort(match["kind"], match["id"])


def cohort_of_text(text: str) -> str | None:
    """Cohort named by a prefix such as "Cohort 1 (melanoma): ..." or "For Arm B: ..."."""
    match = _COHORT_PREFIX.match(text) or _COHORT_LINE.match(text)
    return _cohort_key(match) if match else None


def is_cohort_line(text: str) -> bool:
    """The line is only a cohort's label ("Group B"): the criteria after it are that cohort's."""
    return _COHORT_LINE.match(text) is not None


def cohorts_mentioned(text: str) -> list[str]:
    """Every cohort label mentioned anywhere in the text, in order, without duplicates."""
    seen: list[str] = []
    for match in _COHORT_LABEL.finditer(text):
        label = _cohort_key(match)
        if label not in seen:
            seen.append(label)
    return seen


@dataclass
class _Line:
    indent: int
    text: str
    bullet: bool


@dataclass
class _Frame:
    indent: float
    node: OutlineNode | None  # None: the section root
    flat: bool = False  # children were nested by the lead-in heuristic, not by indentation
    own_indent: int = 0


# "2. Females or males - older than 18 years old Exclusion Criteria:": a section header run on
# at the end of a line (the line break was lost); it opens the next section.
# A header glued to the end of the previous criterion ("Able to provide informed consent Exclusion
# Criteria"): with its colon, or without one when the word before it cannot govern it ("meets the
# Exclusion Criteria", "any of the Inclusion Criteria" are sentences).
_TRAILING_HEADER = re.compile(
    r"(?<=[a-z0-9.;,)%])\s+(?P<header>(?:Exclusion|Inclusion) [Cc]riteria\s*:)\s*$"
    r"|(?<![\w/-])(?!(?:the|any|all|of|these|those|following|above|below|listed|study|protocol"
    r"|other|and|or|with|without|per|by|to|in|our|its|their|same|meet|meets|meeting)\s)"
    r"[a-z0-9]+[.;,)%]?\s+(?P<bare>(?:Exclusion|Inclusion) Criteria)\s*$"
)


def _split_trailing_headers(text: str) -> list[str]:
    lines = text.splitlines()
    if "riteria" not in text:
        return lines
    out: list[str] = []
    for line in lines:
        if "riteria" not in line:
            out.append(line)  # `_TRAILING_HEADER` needs it; its search tries every position
            continue
        header = _TRAILING_HEADER.search(line)
        name = (header["header"] or header["bare"]) if header else ""
        cut = header.start("header" if header and header["header"] else "bare") if header else 0
        before = line[:cut].strip()
        if (
            header is None
            or len(before) < 25
            or "criteri" in before.lower()
            or _STUDY_PART.search(before.lower())
        ):
            out.append(line)
        else:
            out.extend((line[:cut], name))
    return out


def _join_header_notes(lines: list[str]) -> list[str]:
    """A header whose parenthesized note wraps onto the next line ("Eye-Related Exclusion Criteria:
    (Applies to study eye only. May be present in non-study" / "eye.)") as one line."""
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        if (
            previous.count("(") > previous.count(")")
            and ")" in line
            and "(" not in line
            and not _BULLET.match(line)
            and "clu" in previous.lower()
            and _HEADER.match(previous)
        ):
            out[-1] = f"{previous.rstrip()} {line.strip()}"
        else:
            out.append(line)
    return out


def _lines(text: str) -> list[_Line | None]:
    """Classify lines; None marks a blank line. An empty bullet takes the next line as its text."""
    out: list[_Line | None] = []
    pending_empty_bullet: int | None = None
    raw_lines = _split_trailing_headers(unescape_markdown(text).replace("\t", "    "))
    for raw in _join_header_notes(raw_lines):
        line = raw.rstrip()
        if not line.strip():
            if pending_empty_bullet is None:
                out.append(None)
            continue
        match = _BULLET.match(line)
        if match and match["text"].strip():
            pending_empty_bullet = None
            out.append(_Line(len(match["indent"]), match["text"].strip(), True))
        elif match:
            pending_empty_bullet = len(match["indent"])
        elif pending_empty_bullet is not None:
            out.append(_Line(pending_empty_bullet, line.strip(), True))
            pending_empty_bullet = None
        else:
            out.append(_Line(len(line) - len(line.lstrip()), line.strip(), False))
    return out


@dataclass(frozen=True)
class _Header:
    section: Section
    cohort: str | None
    after: str | None = None
    """Text after the header's colon on the same line: the section's first criterion."""
    population: bool = False
    """`cohort` names a population of people (controls, parents), not a cohort of the study."""


def _header_section(text: str, *, strict: bool = False) -> _Header | None:
    """The section a header line opens (with the cohort or population it names), or None for a
    criterion.

    `strict` (for bullets): only a plain "Inclusion Criteria:" counts, not "Inclusion of women".
    """
    # Cheap tests first: a header names in- or exclusion, a lead-in ends with a colon.
    part = _STUDY_PART_HEADER.match(text) if "stud" in text.lower() and not strict else None
    if part is not None:  # "Cystic Fibrosis Main Study Inclusion Criteria:"
        section: Section = "inclusion" if part["kind"].lower() == "inclusion" else "exclusion"
        named = _STUDY_PART.search(part["part"].lower())
        return _Header(section, named[0].capitalize() if named else None)
    match = _HEADER.match(text) if "clu" in text.lower() else None
    if match is not None:
        header = _read_header(match, strict=strict)
        if header is not None:
            return header
    lead_in = not strict and len(text) < 200 and text.rstrip().endswith(":")
    if lead_in and _EXCLUSION_LEAD_IN.search(text):
        return _Header("exclusion", None)
    return None


def _read_header(match: re.Match[str], *, strict: bool) -> _Header | None:
    kind = match["kind"].lower()
    section: Section = "inclusion" if kind == "inclusion" else "exclusion"
    rest = match["rest"].strip()
    after = (match["after"] or "").strip().strip("*").strip() or None
    if after is not None and not any(c.isalnum() for c in after):
        after = None  # "Inclusion Criteria: -": a dash before the first bullet, no criterion
    words = match["pre"].lower().split()
    population = [w for w in words if w not in _GENERIC_HEADER_WORDS]
    if any(w in _NOT_A_HEADER_WORDS for w in words):
        return None
    plain = rest.lower().startswith(("criteria", "criterion", "conditions"))
    if after is not None and after.startswith("(") and after.endswith(")"):
        # "Eye-Related Exclusion Criteria: (Applies to study eye only.)": a note on the header.
        after = None
    if population and not plain:
        if rest or after or strict or not _names_only_participants(words):
            return None  # "Patients inclusion in …": a sentence
        return _Header(section, None)  # "Subject Exclusion": everyone's
    if not _looks_like_header(rest.lower()) or (after is None and _STATES_A_CRITERION.match(rest)):
        return None
    if len(match["pre"]) + len(match["kind"]) + len(rest) > 90:
        return None
    if strict and (population or after or (rest and not plain)):
        return None
    if after is not None and (population or len(rest) > 40):
        return None
    labels = cohorts_mentioned(rest)
    if len(labels) == 1:
        return _Header(section, labels[0], after)
    if labels:
        return _Header(section, None, after)
    part = _STUDY_PART.search(" ".join(words))
    if part is not None:
        # "Sub-study Exclusion Criteria:": the sub-study's participants', not the main study's.
        return _Header(section, part[0].capitalize(), after)
    named = _population(" ".join(population), rest)
    return _Header(section, named, after, population=named is not None)


# A part of the study that has criteria of its own: "Sub-study", "PK substudy", "Main study".
_STUDY_PART = re.compile(r"\b(?:(?:[a-z0-9-]+ )?sub-?study|main study|extension study)$")
_STUDY_PART_HEADER = re.compile(
    r"^\s*(?P<part>(?:[\w-]+\s+){0,5}?(?:sub-?study|main study|extension study))\s+"
    r"(?P<kind>inclusion|exclusion)\s+criteria\s*:?\s*$",
    re.IGNORECASE,
)
_PARTICIPANT_WORDS = frozenset(
    {"subject", "subjects", "patient", "patients", "participant", "participants", "study"}
)


def _names_only_participants(words: list[str]) -> bool:
    """ "Subject Exclusion", "Patient Inclusion" alone on a line: a header without "criteria"."""
    return bool(words) and all(w in _PARTICIPANT_WORDS for w in words)


def _population(prefix: str, rest: str) -> str | None:
    """ "Resident" of "Resident Exclusion Criteria", "Mothers" of "Inclusion criteria for
    mothers will be"; None when the header names no population of people."""
    rest = re.sub(r"^\s*(?:criteria|criterion|conditions)\b", "", rest, flags=re.I)
    named = " ".join(f"{prefix} {_POPULATION_TRIM.sub(' ', rest)}".split()).strip(" ,.;-")
    named = re.sub(r"^(?:for\b|the\b|\s)+", "", named, flags=re.I).strip(" ,.;-")
    if not named or _EVERYONE.match(named) or not _POPULATION.match(named):
        return None
    return named[:1].upper() + named[1:]


def bare_population(text: str) -> str | None:
    """The population a line names and nothing else ("Adolescents", "For the T2D groups:"), as
    one key for its singular and plural ("Adolescent"); None for any other line."""
    match = _BARE_POPULATION.match(text.strip()) if len(text) < 60 else None
    if match is None:
        return None
    *head, last = match["name"].split()
    last = _IRREGULAR_SINGULAR.get(last.lower(), last)
    if last.lower().endswith("s") and not last.lower().endswith("ss"):
        last = last[:-1]
    named = " ".join([*head, last])
    return named[:1].upper() + named[1:]


def population_prefix(text: str) -> str | None:
    """The population a bullet's prefix names ("Adult participants: BMI ≥ 18" → "Adult
    participant"); None when the bullet opens with no population and a colon."""
    # (Each pattern holds a quote or a colon: a cheap test first, as most bullets have neither.)
    has_quote = '"' in text or "“" in text
    said = _QUOTED_GROUP_SAYS.match(text) if has_quote else None
    if said is not None:  # '"Afflicted" participants must be able to …'
        return f"{said['word'].capitalize()} {said['people'].rstrip('s')}"
    match = _POPULATION_PREFIX.match(text) if ":" in text else None
    if match is None or _EVERYONE.match(match["name"]):  # "All Groups:" is everyone
        return None
    quoted = _QUOTED_GROUP.match(match["name"].strip())
    if quoted is not None:
        return bare_population(f"{quoted['word'].capitalize()} {quoted['people']}") or (
            f"{quoted['word'].capitalize()} {quoted['people'].rstrip('s')}"
        )
    return bare_population(match["name"].replace('"', ""))


# "Exclusion criterion was having prior training on Ethics", "Inclusion criteria is age over 18":
# a sentence that states the criterion, not a header ("Exclusion criteria are as follows" is one).
_STATES_A_CRITERION = re.compile(
    r"^criteri(?:on|a) (?:was|were|is|are) (?!as follows|the following|listed|below)\w",
    re.IGNORECASE,
)


def _looks_like_header(rest: str) -> bool:
    rest = rest.strip().lower()
    if not rest:
        return True
    return rest.startswith(
        (
            "criteria",
            "criterion",
            "conditions",
            "for ",
            "(",
            "of ",
            "-",
            "–",
            "phase",
            "cohort",
            "part",
        )
    )


def _first_word(text: str) -> str:
    match = _FIRST_WORD.search(text)
    return match.group(0).lower() if match else ""


class _Builder:
    def __init__(self) -> None:
        self.outline = Outline()
        self.section: Section = "inclusion"
        self.section_cohort: str | None = None
        self.stack: list[_Frame] = [_Frame(-1, None)]
        self.last_node: OutlineNode | None = None

    def start_section(self, header: _Header) -> None:
        self.section = header.section
        self.section_cohort = header.cohort
        self.stack = [_Frame(-1, None)]
        self.last_node = None
        if header.population:
            # Criteria listed before the first population's header are another population's
            # ("Inclusion Criteria: … Inclusion criteria for controls: …"): they must not be
            # required of the controls too.
            for root in self.siblings(self.stack[0]):
                for node in root.walk():
                    if node.cohort is None:
                        node.cohort = OTHER_POPULATION

    def siblings(self, frame: _Frame) -> list[OutlineNode]:
        if frame.node is not None:
            return frame.node.children
        return self.outline.inclusion if self.section == "inclusion" else self.outline.exclusion

    def add(self, line: _Line) -> None:
        indent = line.indent if line.bullet else line.indent - 0.5
        while len(self.stack) > 1 and self.stack[-1].indent >= indent:
            self.stack.pop()
        self._leave_flat_levels(line)
        parent_frame = self.stack[-1]
        if parent_frame.flat and line.indent > parent_frame.own_indent:
            # The lead-in's children are indented after all: nest by indentation from here on.
            parent_frame.flat = False
            parent_frame.indent = parent_frame.own_indent
        siblings = self.siblings(parent_frame)
        parent = parent_frame.node
        prefix = parent.link_id if parent else ("inc" if self.section == "inclusion" else "exc")
        separator = "." if parent else "-"
        inherited = parent.cohort if parent else self.section_cohort
        lead_in = line.text.rstrip().endswith(":") or is_cohort_line(line.text)
        node = OutlineNode(
            link_id=f"{prefix}{separator}{len(siblings) + 1}",
            text=line.text,
            section=self.section,
            exclude=parent is None and self.section == "exclusion",
            cohort=cohort_of_text(line.text)
            or (bare_population(line.text) if lead_in else None)
            or population_prefix(line.text)
            or inherited,
        )
        siblings.append(node)
        self.last_node = node
        if lead_in:
            # A lead-in: what follows at the same indentation belongs to it (flat pages and
            # prose lead-ins lose the nesting the HTML list had).
            self.stack.append(_Frame(line.indent - 0.25, node, flat=True, own_indent=line.indent))
        else:
            self.stack.append(_Frame(line.indent, node, own_indent=line.indent))

    def _leave_flat_levels(self, line: _Line) -> None:
        """Close flat lead-in levels when a bullet reads like a sibling of an outer level."""
        if not line.bullet:
            while (
                len(self.stack) > 1
                and self.stack[-1].flat
                and self.stack[-1].own_indent >= line.indent
            ):
                self.stack.pop()
            return
        flat_depth = len(self.stack) - 1
        top = self.stack[flat_depth]
        if not top.flat or line.indent > top.own_indent:
            return
        inner_words = {_first_word(node.text) for node in self.siblings(top)}
        if not inner_words:
            return  # the first bullet after a lead-in always belongs to it
        word = _first_word(line.text)
        for depth in range(flat_depth - 1, -1, -1):
            frame = self.stack[depth]
            outer_words = {_first_word(node.text) for node in self.siblings(frame)}
            if word in outer_words and word not in inner_words:
                del self.stack[depth + 1 :]
                return
            if not frame.flat:
                return

    def continue_previous(self, line: _Line) -> bool:
        """Plain text continues the criterion before it when indented under it or when that
        criterion stops mid-sentence (a line wrapped by the registry's text field: "… taking
        spironolactone for a" / "diagnosis of acne vulgaris")."""
        node = self.last_node
        if node is None or line.bullet or node.children or self.stack[-1].node is not node:
            return False
        if node.text.endswith(":"):
            return False
        if line.indent <= self.stack[-1].own_indent and not _stops_mid_sentence(node.text):
            return False
        if line.text.endswith(":") and not _stops_mid_sentence(node.text):
            return False  # a lead-in of its own, unless it ends the sentence the node began
        node.text = f"{node.text}\n{line.text}"
        return True


# The end of a line that cannot end a criterion: a connective, a preposition or article, a
# comma or hyphen, or a parenthesis still open.
_MID_SENTENCE = re.compile(
    r"(?:\b(?:of|or|and|and/or|than|the|with|to|for|in|a|an|by|at|from|as|on|including|such|"
    r"who|which|that|least|per)|[,(/–-])$",
    re.IGNORECASE,
)


def _stops_mid_sentence(text: str) -> bool:
    last = text.rsplit("\n", 1)[-1]
    if " " not in last.strip():
        return False  # "OR" alone between two alternatives is no wrapped sentence
    return bool(_MID_SENTENCE.search(last)) or last.count("(") > last.count(")")


def parse_outline(text: str | None) -> Outline:
    """Parse eligibility criteria text into an `Outline` (inclusion first, then exclusion)."""
    builder = _Builder()
    for line in _lines(text or ""):
        if line is None or _NOTHING.match(line.text):
            continue
        header = _header_section(line.text, strict=line.bullet)
        if header is not None:
            builder.start_section(header)
            if header.after:
                builder.add(_Line(line.indent + 1, header.after, True))
                named = bare_population(header.after)
                if named is not None and builder.last_node is not None and header.cohort is None:
                    # "Inclusion Criteria: Adolescents": the criteria under it are theirs.
                    builder.last_node.cohort = named
        elif not builder.continue_previous(line):
            builder.add(line)
    for roots in (builder.outline.inclusion, builder.outline.exclusion):
        _tie_populations_beside_named_ones(roots, None)
    return builder.outline


def _tie_populations_beside_named_ones(nodes: list[OutlineNode], inherited: str | None) -> None:
    """ "Healthy volunteers:" … "Patients:": once one lead-in of a list names a population, a
    lead-in beside it that names people ("Patients with type 2 diabetes:") opens another
    population's criteria, not a list every volunteer must also meet."""
    lead_ins = [n for n in nodes if n.children and n.text.rstrip().endswith(":")]
    branches = [n for n in lead_ins if n.cohort == inherited and _people_lead_in(n.text)]
    if len({_people_lead_in(n.text) for n in branches}) >= 2:
        # "Rectal cancer patients:" … "Breast cancer patients:": two kinds of patients, each
        # held to its own list — not one list a rectal-cancer patient must meet in full.
        for node in branches:
            named = _people_lead_in(node.text)
            for member in node.walk():
                if member.cohort == inherited:
                    member.cohort = named
    if any(n.cohort is not None and n.cohort != inherited for n in lead_ins):
        for node in lead_ins:
            named = _lead_in_population(node.text) if node.cohort == inherited else None
            if named is not None:
                for member in node.walk():
                    if member.cohort == inherited:
                        member.cohort = named
    for node in nodes:
        _tie_populations_beside_named_ones(node.children, node.cohort)


# A lead-in that names a kind of participant by what they have or undergo: "Rectal cancer
# patients:", "For patients with type 2 diabetes:", "Healthy control group:". Never a list every
# participant meets ("Patients with any of the following:", "Patient characteristics:").
_PEOPLE = r"(?:patients|participants|subjects|volunteers|cases|controls|women|men|children)"
_PEOPLE_LEAD_IN = re.compile(
    r"^\s*(?:\(?[a-z0-9]{1,4}[.)]\s*)?(?:(?:for|in)\s+)?(?:the\s+)?(?:all\s+)?"
    r"(?P<name>(?:[a-z0-9][\w'/+-]*\s+){1,5}(?:" + _PEOPLE[3:-1] + r"|group|cohort|arm)"
    r"|" + _PEOPLE + r"\s+(?:with|without|who\s+(?:have|has|are|undergo)|undergoing|receiving"
    r"|treated\s+with|diagnosed\s+with)\s+[^:;,]{2,60}?)\s*:\s*$",
    re.IGNORECASE,
)
_NOT_A_BRANCH = re.compile(
    r"\b(?:following|all|any|must|should|will|shall|criteria|eligible|excluded|these|above|below"
    r"|characteristics|one|both|either|none)\b",
    re.IGNORECASE,
)


def _people_lead_in(text: str) -> str | None:
    match = _PEOPLE_LEAD_IN.match(text)
    if match is None or _NOT_A_BRANCH.search(match["name"]):
        return None
    named = " ".join(match["name"].split())
    return named[:1].upper() + named[1:]


def _lead_in_population(text: str) -> str | None:
    """The population a lead-in beside a named one opens: people ("Patients with type 2
    diabetes:") or, after "for", whatever it names ("for age-related macular degeneration
    (AMD):", "for POAG patients:" beside "for healthy volunteers:")."""
    named = re.sub(
        r"^\s*(?:(?:for|in)\s+)?(?:the\s+)?", "", text.strip().rstrip(":").strip(), flags=re.I
    )
    if _EVERYONE.match(named):
        return None
    if (people := _people_lead_in(text)) is not None:
        return people  # "Adult Healthy Volunteers :" beside "Neonates:"
    if not _POPULATION.match(named) and (
        not re.match(r"\s*for\s+\w", text, re.I) or _NOT_A_POPULATION.search(named)
    ):
        return None
    return named[:1].upper() + named[1:]
