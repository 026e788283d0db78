"""Keep what a long run accumulates out of CPython's cyclic garbage collector's repeated scans.

CPython's collector scans every tracked container at each full collection, and it runs a full collection each
time the heap has grown by a quarter since the last one. A run that keeps its findings (a validation report,
a conversion's report) and holds an ontology index therefore has the same objects scanned again and again, at
a cost that grows with the run: a ``--jobs 2`` validation parent on 100,000 packets spent 1.5 of its 2.7 s CPU
there, a 50,000-row conversion's parent 3.9 of its 5.7 s.

:func:`settled` freezes the heap (:func:`gc.freeze`) when a run starts and again every :data:`EVERY` items, and
unfreezes it when the run ends (or is abandoned): frozen objects are not scanned, and unfreezing moves them to
the oldest generation, so a reference cycle that became garbage meanwhile is collected afterwards — nothing
leaks. Nothing is done when the process froze its heap itself or turned the collector off (the caller owns
that), so runs nest safely: the outer one settles.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

#: items of a run between two :func:`gc.freeze` calls
EVERY = 512


def settled(items: Iterable[T], each: Callable[[], None] | None = None) -> Generator[T, None, None]:
    """``items`` unchanged, with the heap frozen while they are produced and consumed (see the module doc).

    ``each``: called after each item is consumed (e.g. a progress callback).
    """
    with frozen() as refreeze:
        for n, item in enumerate(items, 1):
            yield item
            if each is not None:
                each()
            if n % EVERY == 0:
                refreeze()


@contextlib.contextmanager
def frozen() -> Iterator[Callable[[], None]]:
    """The heap frozen for the block; the callable it gives freezes what the block has added since.

    For a run whose items are few and big (a scale-out client takes a partition's notes — thousands of
    documents — at a time) and calls it after each. When the process froze its heap itself or turned the
    collector off, nothing is frozen or unfrozen and the callable does nothing.
    """
    if gc.get_freeze_count() or not gc.isenabled():
        yield _nothing
        return
    gc.freeze()
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _nothing() -> None:
    return None
