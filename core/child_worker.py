"""A long-lived child process hosting one object (a loaded model), and the one-shot :func:`call_in_child`.

See :mod:`core.child_process` for why native and untrusted work runs in children, and for the errors.
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NoReturn

from core.child_process import (
    DEFAULT_LIMITS,
    ChildCrashed,
    ChildOutOfMemory,
    ChildProcessError,
    ChildTimeout,
    Limits,
    apply_memory_limit,
    describe_exit,
    log,
    read_tail,
)


def _child_main(conn: Connection, factory: Callable[[], Any], log_path: str, memory_bytes: int | None) -> None:
    """The child's whole life: build the object, then answer calls until the pipe closes."""
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    faulthandler.enable()  # a segfault writes the Python stack to the log the parent reads back
    apply_memory_limit(memory_bytes)
    try:
        target = factory()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it there
        conn.send(("raise", _portable(exc)))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            method, args, kwargs, streamed = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = getattr(target, method)(*args, **kwargs)
            if streamed:
                for item in result:
                    conn.send(("item", item))
                conn.send(("end", None))
            else:
                conn.send(("ok", result))
        except BaseException as exc:  # noqa: BLE001
            conn.send(("raise", _portable(exc)))


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else a ChildProcessError with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        return ChildProcessError(f"{type(exc).__name__}: {exc}")


class ChildWorker:
    """One child process hosting ``factory()``; calls are serialised (one at a time), like the object itself.

    ``name`` appears in every error ("llama.cpp model gemma.gguf was killed by SIGSEGV …").
    """

    def __init__(self, factory: Callable[[], Any], *, name: str, start_timeout_s: float = 120.0,
                 memory_bytes: int | None = None, log_dir: str | os.PathLike[str] | None = None) -> None:
        if not name:
            raise ValueError("ChildWorker needs a name for its error messages")
        Limits(timeout_s=start_timeout_s, memory_bytes=memory_bytes)  # validates both
        self.name = name
        self._factory = factory
        self._start_timeout_s = start_timeout_s
        self._memory_bytes = memory_bytes
        self._log_dir = Path(log_dir) if log_dir else None
        self._lock = threading.Lock()  # not RLock: a stream may be resumed on another thread
        self._proc: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._log_path: Path | None = None
        self.pid: int | None = None
        self.starts = 0

    # lifecycle ------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Starts the child if none is alive; raises what the factory raised, or ChildCrashed/ChildTimeout."""
        with self._lock:
            self._start()

    def _start(self) -> None:
        if self._proc is not None:
            if self._proc.is_alive():
                return
            # Died while idle (killed, OOM): nothing was lost but the child itself, so start a new one.
            log.warning("%s %s while idle; starting a new one", self.name, describe_exit(self._proc.exitcode))
        self._reap()
        fd, log_name = tempfile.mkstemp(prefix="child-", suffix=".log", dir=self._log_dir)
        os.close(fd)
        self._log_path = Path(log_name)
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_child_main, name=f"child:{self.name}", daemon=True,
                           args=(child, self._factory, log_name, self._memory_bytes))
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        self.starts += 1
        kind, value = self._receive(self._start_timeout_s, "starting")
        if kind == "raise":
            self._reap()
            raise value
        self.pid = value

    def close(self) -> None:
        with self._lock:
            self._reap()

    def __enter__(self) -> ChildWorker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    # calls -------------------------------------------------------------------------------------------------

    def call(self, method: str, *args: Any, timeout_s: float = 60.0, **kwargs: Any) -> Any:
        """``factory().method(*args, **kwargs)`` in the child; the child's exception is raised here."""
        with self._lock:
            self._send(method, args, kwargs, streamed=False)
            kind, value = self._receive(timeout_s, f"calling {method}")
            if kind == "raise":
                raise self._translated(value)
            return value

    def stream(self, method: str, *args: Any, timeout_s: float = 60.0, **kwargs: Any) -> Iterator[Any]:
        """Items of the iterator the child's method returns, as they come; ``timeout_s`` bounds each gap."""
        with self._lock:
            self._send(method, args, kwargs, streamed=True)
            finished = False
            try:
                while True:
                    kind, value = self._receive(timeout_s, f"streaming {method}")
                    if kind == "item":
                        yield value
                    elif kind == "end":
                        finished = True
                        return
                    else:
                        finished = True
                        raise self._translated(value)
            finally:
                if not finished:  # the caller stopped early: the child is mid-stream, so it cannot be reused
                    self._reap()

    # internals ---------------------------------------------------------------------------------------------

    def _send(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any], *, streamed: bool) -> None:
        self._start()
        assert self._conn is not None
        try:
            self._conn.send((method, args, kwargs, streamed))
        except (BrokenPipeError, OSError):
            self._crashed("before the call")

    def _receive(self, timeout_s: float, doing: str) -> tuple[str, Any]:
        assert self._conn is not None and self._proc is not None
        try:
            ready = self._conn.poll(timeout_s)
        except (EOFError, OSError):
            ready = True
        if not ready:
            log_tail = self._log_tail()
            self._reap()
            raise ChildTimeout(f"{self.name} did not answer within {timeout_s:g}s while {doing}; it was stopped "
                               "and the next call starts it again", log_tail=log_tail)
        try:
            return self._conn.recv()
        except (EOFError, OSError):
            self._crashed(f"while {doing}")

    def _translated(self, exc: BaseException) -> BaseException:
        if isinstance(exc, MemoryError):
            limit = f" of {self._memory_bytes // (1024 * 1024)} MiB" if self._memory_bytes else ""
            return ChildOutOfMemory(f"{self.name} ran out of memory (limit{limit}) and was stopped")
        return exc

    def _crashed(self, when: str) -> NoReturn:
        assert self._proc is not None
        self._proc.join(timeout=5)
        code = self._proc.exitcode
        log_tail = self._log_tail()
        self._reap()
        raise ChildCrashed(f"{self.name} {describe_exit(code)} {when}; the next call starts it again",
                           log_tail=log_tail)

    def _log_tail(self) -> str:
        return read_tail(self._log_path) if self._log_path else ""

    def _reap(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(timeout=5)
            self._proc = None
        if self._log_path is not None:
            with contextlib.suppress(OSError):
                self._log_path.unlink()
            self._log_path = None
        self.pid = None


class _Call:
    """A factory whose object has one method, ``run``, that calls ``func`` (for :func:`call_in_child`)."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func

    def __call__(self) -> _Call:
        return self

    def run(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)


def call_in_child(func: Callable[..., Any], *args: Any, limits: Limits = DEFAULT_LIMITS, name: str | None = None,
                  **kwargs: Any) -> Any:
    """``func(*args, **kwargs)`` in a fresh child under ``limits``: for one untrusted file or one native call."""
    worker = ChildWorker(_Call(func), name=name or getattr(func, "__name__", "child"),
                         start_timeout_s=limits.timeout_s, memory_bytes=limits.memory_bytes)
    with worker:
        return worker.call("run", *args, timeout_s=limits.timeout_s, **kwargs)
