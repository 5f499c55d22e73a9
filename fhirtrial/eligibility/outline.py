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
_HEADER_EXCLUSION = re.compile(
    r"^\s*(?:\*\*)?(?:key|main|major|general|other|additional|specific)?\s*"
    r"(?:exclusion|exclusionary|non-?inclusion)\b(?P<rest>[^:]{0,70}):?\s*(?:\*\*)?\s*$",
    re.IGNORECASE,
)
_HEADER_INCLUSION = re.compile(
    r"^\s*(?:\*\*)?(?:key|main|major|general|other|additional|specific)?\s*"
    r"inclusion\b(?P<rest>[^:]{0,70}):?\s*(?:\*\*)?\s*$",
    re.IGNORECASE,
)
_HEADERS: tuple[tuple[Section, re.Pattern[str]], ...] = (
    ("exclusion", _HEADER_EXCLUSION),
    ("inclusion", _HEADER_INCLUSION),
)
# Prose lines that open an exclusion list without the word "Exclusion".
_EXCLUSION_LEAD_IN = re.compile(
    r"\b(?:will be excluded|are excluded|not (?:be )?eligible|ineligible"
    r"|must not have any)\b.*:\s*$",
    re.IGNORECASE,
)
_COHORT_LABEL = re.compile(
    r"\b(?P<kind>cohort|arm|part|group|stratum)\s*(?P<id>[A-Z]\b|\d+[A-Za-z]?\b)", re.IGNORECASE
)
_COHORT_PREFIX = re.compile(
    r"^\s*(?:for\s+|in\s+)?(?P<kind>cohort|arm|part|group|stratum)\s*(?P<id>[A-Z]\b|\d+[A-Za-z]?\b)"
    r"[^:]{0,60}:",
    re.IGNORECASE,
)
_FIRST_WORD = re.compile(r"[A-Za-z]+")


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


def cohort_of_text(text: str) -> str | None:
    """Cohort named by a prefix such as "Cohort 1 (melanoma): ..." or "For Arm B: ..."."""
    match = _COHORT_PREFIX.match(text)
    return normalize_cohort(match["kind"], match["id"]) if match else None


def cohorts_mentioned(text: str) -> list[str]:
    """Every cohort label mentioned anywhere in the text, in order, without duplicates."""
    seen: list[str] = []
    for match in _COHORT_LABEL.finditer(text):
        label = normalize_cohort(match["kind"], match["id"])
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


def _lines(text: str) -> list[_Line | None]:
    """Classify lines; None marks a blank line. An empty bullet takes the next line as its text."""
    out: list[_Line | None] = []
    pending_empty_bullet: int | None = None
    for raw in unescape_markdown(text).replace("\t", "    ").splitlines():
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


def _header_section(text: str, *, strict: bool = False) -> tuple[Section, str | None] | None:
    """The section a header line opens (with the cohort it names), or None for a criterion.

    `strict` (for bullets): only a plain "Inclusion Criteria:" counts, not "Inclusion of women".
    """
    if len(text) > 90:
        return None
    for section, pattern in _HEADERS:
        match = pattern.match(text)
        rest = match["rest"].strip().lower() if match else ""
        if strict and match and rest and not rest.startswith("criteria"):
            continue
        if match and _looks_like_header(rest):
            labels = cohorts_mentioned(match["rest"])
            return section, labels[0] if len(labels) == 1 else None
    if not strict and _EXCLUSION_LEAD_IN.search(text) and len(text) < 160:
        return "exclusion", None
    return None


def _looks_like_header(rest: str) -> bool:
    rest = rest.strip().lower()
    if not rest:
        return True
    return rest.startswith(("criteria", "for ", "(", "of ", "-", "–", "phase", "cohort", "part"))


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

    def start_section(self, section: Section, cohort: str | None) -> None:
        self.section = section
        self.section_cohort = cohort
        self.stack = [_Frame(-1, None)]
        self.last_node = None

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
        node = OutlineNode(
            link_id=f"{prefix}{separator}{len(siblings) + 1}",
            text=line.text,
            section=self.section,
            exclude=parent is None and self.section == "exclusion",
            cohort=cohort_of_text(line.text) or inherited,
        )
        siblings.append(node)
        self.last_node = node
        if line.text.rstrip().endswith(":"):
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
        """Indented plain text under a bullet continues that bullet (a wrapped paragraph)."""
        node = self.last_node
        if node is None or line.bullet or node.children or self.stack[-1].node is not node:
            return False
        if line.indent <= self.stack[-1].own_indent or node.text.endswith(":"):
            return False
        if line.text.endswith(":"):
            return False
        node.text = f"{node.text}\n{line.text}"
        return True


def parse_outline(text: str | None) -> Outline:
    """Parse eligibility criteria text into an `Outline` (inclusion first, then exclusion)."""
    builder = _Builder()
    for line in _lines(text or ""):
        if line is None:
            continue
        header = _header_section(line.text, strict=line.bullet)
        if header is not None:
            builder.start_section(*header)
        elif not builder.continue_previous(line):
            builder.add(line)
    return builder.outline
