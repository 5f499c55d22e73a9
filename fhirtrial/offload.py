"""CPU-bound work off the event loop, so that a read by id never waits behind a `$match`.

One worker thread for the whole process, not a pool: Python threads share one interpreter lock,
so more threads add no throughput, and each one more competing for the lock makes every wake-up
of the event loop wait longer (up to one switch interval, 5 ms, per busy thread). Callers cut
long work into pieces of a few hundred milliseconds: pieces of concurrent requests take turns
in the queue, and the pieces of a cancelled request that have not started are never run.
Profile and figures: bench/README.md ("CPU off the event loop").
"""

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fhirtrial-cpu")


async def off_loop(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`function(*args, **kwargs)` run in the CPU worker thread; the event loop serves other
    requests meanwhile. A cancelled caller's call is dropped if it has not started yet."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_WORKER, functools.partial(function, *args, **kwargs))
