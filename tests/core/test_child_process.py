"""The child-process runner against real children: a segfault, a hang, a memory blow-up, an exception, a program.

A child that segfaults on purpose must fail one call with a readable message (signal and the child's own log),
and the parent - this pytest process - must go on.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import sys
import time
from collections.abc import Iterator

import pytest

from core.child_process import (
    ChildCrashed,
    ChildOutOfMemory,
    ChildProcessError,
    ChildTimeout,
    Limits,
    describe_exit,
    run_command,
)
from core.child_worker import ChildWorker, call_in_child
from core.errors import RejectedInput


def segfault() -> None:
    print("đang đọc tệp hỏng…", file=sys.stderr, flush=True)
    ctypes.string_at(0)  # reads address 0: a real SIGSEGV inside native code


def add(a: int, b: int) -> int:
    return a + b


def reject(name: str) -> None:
    raise RejectedInput(f"{name}: tệp bị hỏng")


def sleep_for(seconds: float) -> str:
    time.sleep(seconds)
    return "xong"


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


class Counter:
    """A stateful object hosted by a worker: state survives between calls, dies with the child."""

    def __init__(self, start: int) -> None:
        self.value = start

    def bump(self) -> int:
        self.value += 1
        return self.value

    def count_to(self, n: int) -> Iterator[int]:
        yield from range(1, n + 1)

    def crash_after(self, n: int) -> Iterator[int]:
        yield from range(1, n + 1)
        ctypes.string_at(0)

    def crash(self) -> None:
        ctypes.string_at(0)


def test_a_child_that_segfaults_fails_one_call_with_a_readable_message():
    with pytest.raises(ChildCrashed) as info:
        call_in_child(segfault, limits=Limits(timeout_s=30), name="trích xuất tệp")
    message = str(info.value)
    assert "trích xuất tệp was killed by SIGSEGV (signal 11)" in message
    assert "đang đọc tệp hỏng…" in info.value.log_tail  # the child's own stderr
    assert "Fatal Python error: Segmentation fault" in info.value.log_tail  # faulthandler's report
    assert "segfault" in info.value.log_tail  # …with the Python frame that crashed
    # …and this process is still here to run the next call.
    assert call_in_child(add, 2, 3) == 5


def test_the_childs_own_exception_is_raised_in_the_parent_with_its_type():
    with pytest.raises(RejectedInput, match="baocao.docx: tệp bị hỏng"):
        call_in_child(reject, "baocao.docx")


def test_a_hanging_child_is_killed_at_its_time_limit():
    started = time.monotonic()
    with pytest.raises(ChildTimeout, match="did not answer within 1s"):
        call_in_child(sleep_for, 60, limits=Limits(timeout_s=1))
    assert time.monotonic() - started < 20


def test_a_memory_limit_stops_an_allocation_bomb_in_the_child_only():
    with pytest.raises(ChildOutOfMemory, match=r"allocate ran out of memory \(limit of 512 MiB\)"):
        call_in_child(allocate, 2048, limits=Limits(timeout_s=30, memory_bytes=512 * 1024 * 1024))
    assert call_in_child(allocate, 1, limits=Limits(timeout_s=30, memory_bytes=512 * 1024 * 1024)) == 1024 * 1024


def test_a_worker_keeps_state_and_a_crash_fails_only_the_call_it_happened_in():
    with ChildWorker(functools.partial(Counter, 10), name="bộ đếm", start_timeout_s=30) as worker:
        assert worker.call("bump") == 11
        assert worker.call("bump") == 12
        first_pid = worker.pid
        assert first_pid is not None and first_pid != os.getpid()
        with pytest.raises(ChildCrashed, match="bộ đếm was killed by SIGSEGV .* while calling crash"):
            worker.call("crash")
        assert worker.call("bump") == 11  # a fresh child: fresh state
        assert worker.pid != first_pid and worker.starts == 2


def test_a_child_that_died_while_idle_is_replaced_by_the_next_call():
    with ChildWorker(functools.partial(Counter, 0), name="bộ đếm", start_timeout_s=30) as worker:
        first_pid = worker.pid
        assert first_pid is not None
        os.kill(first_pid, signal.SIGKILL)  # e.g. the OOM killer, between two calls
        deadline = time.monotonic() + 10
        while worker.alive and time.monotonic() < deadline:
            time.sleep(0.02)
        assert worker.call("bump") == 1
        assert worker.pid != first_pid and worker.starts == 2


def test_a_worker_streams_and_a_crash_mid_stream_ends_that_stream_only():
    with ChildWorker(functools.partial(Counter, 0), name="luồng", start_timeout_s=30) as worker:
        assert list(worker.stream("count_to", 4)) == [1, 2, 3, 4]
        got: list[int] = []
        with pytest.raises(ChildCrashed, match="luồng was killed by SIGSEGV .*while streaming crash_after"):
            for item in worker.stream("crash_after", 3):
                got.append(item)
        assert got == [1, 2, 3]
        assert list(worker.stream("count_to", 2)) == [1, 2]


def test_a_stream_abandoned_halfway_leaves_a_usable_worker():
    with ChildWorker(functools.partial(Counter, 0), name="luồng", start_timeout_s=30) as worker:
        stream = worker.stream("count_to", 1000)
        assert next(stream) == 1
        stream.close()
        assert worker.call("bump") == 1  # the half-read child was replaced


def test_a_factory_error_is_raised_at_start():
    worker = ChildWorker(functools.partial(reject, "mô hình.gguf"), name="mô hình", start_timeout_s=30)
    with pytest.raises(RejectedInput, match="mô hình.gguf"):
        worker.start()
    assert not worker.alive


def test_run_command_returns_output_and_reports_crashes_and_timeouts():
    done = run_command([sys.executable, "-c", "import sys; print('Hà Tĩnh'); print('cảnh báo', file=sys.stderr)"])
    assert done.returncode == 0 and done.stdout.decode().strip() == "Hà Tĩnh"
    with pytest.raises(ChildCrashed, match=r"python\S* was killed by SIGSEGV") as info:
        run_command([sys.executable, "-X", "faulthandler", "-c", "import ctypes; ctypes.string_at(0)"])
    assert "Segmentation fault" in info.value.log_tail
    with pytest.raises(ChildProcessError, match="exited with status 3") as failed:
        run_command([sys.executable, "-c", "import sys; sys.stderr.write('không đọc được'); sys.exit(3)"])
    assert failed.value.log_tail == "không đọc được"
    with pytest.raises(ChildTimeout, match="did not finish within 1s"):
        run_command([sys.executable, "-c", "import time; time.sleep(60)"], limits=Limits(timeout_s=1))
    with pytest.raises(ChildProcessError, match="'khong-co-chuong-trinh' not found"):
        run_command(["khong-co-chuong-trinh"])


def test_limits_name_the_bad_value():
    with pytest.raises(ValueError, match="timeout_s must be > 0, got 0"):
        Limits(timeout_s=0)
    with pytest.raises(ValueError, match="memory_bytes must be > 0 or None, got -1"):
        Limits(memory_bytes=-1)
    assert describe_exit(-9) == "was killed by SIGKILL (signal 9)"
    assert describe_exit(2) == "exited with status 2"
