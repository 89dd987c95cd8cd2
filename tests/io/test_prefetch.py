"""io.prefetch: the decoder thread yields every item in order and never runs more than `ahead` items ahead."""

from __future__ import annotations

import threading
import time

import pytest

from stridelens.io.video import prefetch


class _Source:
    """An iterator that records how far it has been advanced, and whether it was closed."""

    def __init__(self, n: int, fail_at: int | None = None):
        self.n, self.fail_at = n, fail_at
        self.produced = 0
        self.closed = False
        self.threads: set[str] = set()

    def __iter__(self):
        return self

    def __next__(self) -> int:
        self.threads.add(threading.current_thread().name)
        if self.produced == self.fail_at:
            raise OSError("broken packet")
        if self.produced >= self.n:
            raise StopIteration
        self.produced += 1
        return self.produced - 1

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize("ahead", [1, 4])
def test_every_item_in_order_from_another_thread(ahead):
    source = _Source(25)
    assert list(prefetch(source, ahead=ahead)) == list(range(25))
    assert source.closed and source.threads and threading.current_thread().name not in source.threads


@pytest.mark.parametrize("ahead", [1, 3])
def test_never_more_than_ahead_items_are_held(ahead):
    source = _Source(50)
    for consumed, item in enumerate(prefetch(source, ahead=ahead), start=1):
        time.sleep(0.002)  # let the worker run ahead as far as it may
        assert item == consumed - 1
        assert source.produced <= consumed + ahead


def test_stopping_early_closes_the_source_and_waits_for_the_item_in_flight():
    source = _Source(100)
    items = prefetch(source, ahead=4)
    assert [next(items) for _ in range(3)] == [0, 1, 2]
    items.close()
    assert source.closed and source.produced <= 3 + 4


def test_an_error_in_the_source_reaches_the_consumer_after_the_items_before_it():
    source = _Source(10, fail_at=6)
    got = []
    with pytest.raises(OSError, match="broken packet"):
        for item in prefetch(source, ahead=4):
            got.append(item)
    assert got == [0, 1, 2, 3, 4, 5] and source.closed
