"""The matches of a procedure's name that a bullet says were done before: not negated or
planned (``not_done``), said in the past (``done_before``) and after a lead the procedure finder
accepts (``lead``). The callables are `rules.procedures`' own, passed in to keep the modules
that name procedures free of it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator


def done_matches(
    pattern: re.Pattern[str],
    text: str,
    *,
    not_done: Callable[[str, int], bool],
    done_before: Callable[[str, int, int], bool],
    lead: re.Pattern[str],
) -> Iterator[re.Match[str]]:
    for match in pattern.finditer(text):
        start, end = match.span()
        if not_done(text, start) or not done_before(text, start, end):
            continue
        if lead.search(text, 0, start):
            yield match
