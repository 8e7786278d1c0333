"""Python's cyclic garbage collector during work that allocates many objects and keeps them.

With the default thresholds the collector runs every 700 allocations and keeps walking
the same long-lived objects. Loading plans (every key and value of each plan is kept
until the report is written) and laying out a document (the libraries, the plan, the
parsed document) allocate far more than that and free little, so those walks find
nothing. :func:`rarely` collects less often while such work runs; with ``freeze``, what
is alive when it starts (the imported libraries) is set aside and never walked.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def rarely(thresholds: tuple[int, int, int], *, freeze: bool = False) -> Iterator[None]:
    """Collect with ``thresholds`` (see :func:`gc.set_threshold`) until the block ends."""
    before = gc.get_threshold()
    if freeze:
        gc.freeze()
    gc.set_threshold(*thresholds)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if freeze:
            gc.unfreeze()
