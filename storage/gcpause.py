"""The cyclic garbage collector held off during one bulk operation.

A large import or checkpoint allocates tens of thousands of dicts and lists that all live on
(records, documents, audit entries). CPython's collector counts those allocations and, every
few hundred, walks the young objects, and now and then every object in the process: in a 10k
record import into a 50k store that was a tenth of the time, and it found nothing to free (the
store builds no reference cycles; reference counting frees everything else as before). While
any ``paused()`` block runs the collector is off; it is switched back on when the last one
ends, only if it was on before.

Switching it back on is not enough by itself: the objects made meanwhile are all still in the
youngest generation, so the first allocation afterwards walked every one of them (40 ms after a
10k import). When the last block ends they are moved to the oldest generation first
(``gc.freeze`` then ``gc.unfreeze``: two list splices, no walk), where the occasional full
collection looks at them as it looks at the rest of the store.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.freeze()  # everything tracked, young ones included, moved aside...
                gc.unfreeze()  # ...and back, into the oldest generation
                if _was_enabled:
                    gc.enable()
