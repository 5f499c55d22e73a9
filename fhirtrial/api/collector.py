"""The garbage collector tuned for a server that keeps a large catalog in memory.

A `$match` request allocates tens of thousands of short-lived objects (the parsed patient
bundle, its record, the answer). At CPython's default gen-0 threshold (700) that starts a
collection every few hundred allocations, and every tenth of tenth of those walks every live
object: the index mirror, cached plans and resources. Objects alive once the server has started
are frozen (never walked again; they are still freed by reference counting), and gen 0 waits
for 10,000 allocations. bench/README.md has the figures behind both choices.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

GEN0_THRESHOLD = 10_000


@contextmanager
def tuned_collector() -> Iterator[None]:
    """For the lifetime of a server: freezes what is alive now, raises the gen-0 threshold;
    both undone on exit."""
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], GEN0_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
