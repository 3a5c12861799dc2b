"""Many articles: input order, the same records for any number of jobs, errors at their
turn, laziness, and the parallel speed-up."""

import hashlib
import itertools
import json
import os
import threading
import time

import pytest

import verbatim
from conftest import need_shared


def texts(n):
    # Uneven lengths, so results finish out of order on several threads.
    return [" ".join([f'"Point {i}," Mary Jones said.'] + ["The day was long."] * (i % 13 * 20))
            for i in range(n)]


def test_order_and_jobs_do_not_change_records():
    items = [{"id": f"doc-{i}", "text": t} for i, t in enumerate(texts(60))]
    one = list(verbatim.extract_many(items, jobs=1))
    assert [r["id"] for r in one] == [f"doc-{i}" for i in range(60)]
    for jobs in (2, 3, 0):
        assert list(verbatim.extract_many(items, jobs=jobs)) == one
    p = verbatim.Pipeline()
    assert [p.extract(i) for i in items[:5]] == one[:5]


def test_reads_lazily_with_bounded_items_in_flight():
    pulled = []

    def source():
        for i in itertools.count():
            pulled.append(i)
            yield f'"Number {i}," Ann Lee said.'

    stream = verbatim.extract_many(source(), jobs=2)
    first = [next(stream) for _ in range(3)]
    assert [r["text"] for r in first] == [f'"Number {i}," Ann Lee said.' for i in range(3)]
    assert len(pulled) < 100  # an endless generator is fine


def test_a_failed_item_raises_at_its_turn():
    stream = verbatim.extract_many(["One said this.", "Two said that.", {"text": ""},
                                    "Four said so."], jobs=2)
    assert next(stream)["text"] == "One said this."
    assert next(stream)["text"] == "Two said that."
    with pytest.raises(verbatim.InputError, match="item 2: empty"):
        next(stream)
    # The iterator goes on after the bad item.
    assert next(stream)["text"] == "Four said so."
    with pytest.raises(StopIteration):
        next(stream)


def test_skip_failed_items_with_a_warning():
    with pytest.warns(verbatim.InputWarning, match="item 1: missing \"text\"; skipped"):
        got = list(verbatim.extract_many(["A said b.", {"id": "x"}, "C said d."], jobs=2,
                                         errors="skip"))
    assert [r["text"] for r in got] == ["A said b.", "C said d."]


def test_type_errors_come_after_the_records_before_them():
    stream = verbatim.extract_many(["A said b.", "C said d.", 17], jobs=2)
    assert len([next(stream), next(stream)]) == 2
    with pytest.raises(TypeError, match="item 2: expected a text"):
        next(stream)
    with pytest.raises(StopIteration):
        next(stream)


def test_errors_of_the_source_propagate():
    def source():
        yield "A said b."
        raise KeyError("broken source")

    stream = verbatim.extract_many(source(), jobs=2)
    assert next(stream)["text"] == "A said b."
    with pytest.raises(KeyError, match="broken source"):
        next(stream)


def test_bad_arguments():
    with pytest.raises(ValueError, match="jobs must be 0"):
        verbatim.extract_many(["a"], jobs=-1)
    with pytest.raises(ValueError, match="errors must be"):
        verbatim.extract_many(["a"], errors="ignore")
    with pytest.raises(TypeError):
        verbatim.extract_many(5)


def dev_articles():
    path = need_shared("data", "polnear", "dev.jsonl")
    with open(path, encoding="utf-8") as f:
        return [{"id": d["id"], "text": d["text"]} for d in map(json.loads, f)]


def timed(items, jobs):
    start = time.perf_counter()
    n = sum(1 for _ in verbatim.extract_many(items, jobs=jobs))
    return time.perf_counter() - start, n


def two_thread_speedup():
    """What the machine gives two threads now: hashing, which runs without the GIL, on two
    threads against one (other processes on a shared machine take the second core)."""
    data = bytes(16 << 20)

    def work(rounds):
        for _ in range(rounds):
            hashlib.sha256(data).digest()

    start = time.perf_counter()
    work(16)
    alone = time.perf_counter() - start
    threads = [threading.Thread(target=work, args=(8,)) for _ in range(2)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return alone / (time.perf_counter() - start)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: no parallel speed-up")
def test_two_jobs_are_faster_than_one():
    items = dev_articles()
    timed(items[:10], 2)  # warm-up
    one, two, machine = [], [], []
    for _ in range(3):  # alternated; the best of three against noise from other processes
        machine.append(two_thread_speedup())
        t, n = timed(items, 1)
        one.append(t)
        t, n2 = timed(items, 2)
        two.append(t)
        assert n == n2 == len(items)
    speedup = min(one) / min(two)
    # The CLI's --jobs 2 gets 1.94x on an idle 2-core machine (BENCHMARKS.md). The kernel
    # shares CPU between sessions, not threads, so a busy machine gives no second core: then
    # the plain two-thread control shows it and the test skips.
    if max(machine) < 1.6:
        pytest.skip(f"two plain threads got {max(machine):.2f}x now (a busy machine): "
                    f"extract_many got {speedup:.2f}x, not judged")
    assert speedup > 1.25, (f"jobs=1 {one}, jobs=2 {two}: {speedup:.2f}x while two plain "
                            f"threads got {max(machine):.2f}x")
