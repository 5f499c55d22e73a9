"""The garbage collector tuned for a server that keeps a large catalog in memory.

A `$match` request allocates tens of thousands of short-lived objects (the parsed patient
bundle, its record, the answer). At CPython's default gen-0 threshold (700) that starts a
collection every few hundred allocations, and every tenth of tenth of those walks every live
object: the index mirror, cached plans and resources. Objects alive once the server has started
are frozen (never walked again; they are still freed by reference counting), and gen 0 waits
for 10,000 allocations. What the server loads in the background after it started (the evaluation
plans of the whole catalog, the index mirror: millions of objects at 30,000 studies) is frozen
when that load ends (`freeze_what_is_alive`); until then a full collection walked it, a pause of
about half a second every few hundred requests. bench/README.md has the figures behind these.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

GEN0_THRESHOLD = 10_000
_tuned = False


@contextmanager
def tuned_collector() -> Iterator[None]:
    """For the lifetime of a server: freezes what is alive now, raises the gen-0 threshold;
    both undone on exit."""
    global _tuned
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], GEN0_THRESHOLD), *thresholds[1:])
    _tuned = True
    try:
        yield
    finally:
        _tuned = False
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def freeze_what_is_alive() -> None:
    """Freeze what is alive now, as at start-up, if the collector is tuned (a running server):
    called when a large long-lived load ends. The one full collection before it costs about as
    long as one of the pauses it saves."""
    if _tuned:
        gc.collect()
        gc.freeze()
