"""Native or untrusted work in a child process, so that its crash, hang or memory blow-up costs one call.

llama.cpp, OCR engines, document converters and extractors of untrusted files run C code that can segfault
(an AVX-512/AMX build on the wrong kernel), loop or inflate a bomb. Run in the caller's process, any of those
takes the whole API (or the whole test run) down. Here they run in a child with a time limit and optionally an
address-space limit; the parent gets a result, the child's exception, or a :class:`ChildCrashed` naming the
signal with the tail of the child's own log (faulthandler's traceback included).

Two shapes:

- :func:`run_command` runs a program (``tesseract``, ``soffice``, ``antiword``) and returns its output.
- :class:`core.child_worker.ChildWorker` keeps one long-lived child that hosts an object built by a factory
  (a loaded model) and calls its methods, whole or streamed. A crash or a timeout during a call fails that
  call; the next call starts a fresh child (as does a call that finds the child died while idle).
  :func:`core.child_worker.call_in_child` is the one-shot form for a single function call.

Factories, functions and arguments cross a ``spawn`` boundary, so they must be picklable (module-level
functions, ``functools.partial`` of them).
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import AssistantError

LOG_TAIL_CHARS = 2000
log = logging.getLogger("core.child_process")


class ChildProcessError(AssistantError):  # noqa: A001 - deliberately our own, narrower than the builtin
    """The child could not do the work (crashed, timed out, exited). The message says which and why."""

    def __init__(self, message: str, *, log_tail: str = "") -> None:
        super().__init__(message + (f"\n--- child log (last lines) ---\n{log_tail}" if log_tail else ""))
        self.summary = message
        self.log_tail = log_tail


class ChildCrashed(ChildProcessError):
    """The child died: killed by a signal (SIGSEGV, SIGKILL from the OOM killer …) or exited unexpectedly."""


class ChildTimeout(ChildProcessError):
    """The child did not finish in time and was killed."""


class ChildOutOfMemory(ChildProcessError):
    """The child hit its memory limit (a decompression bomb, a huge page) and was stopped."""


@dataclass(frozen=True)
class Limits:
    """What one child may use. ``memory_bytes`` caps its address space (RLIMIT_AS); None = no cap."""

    timeout_s: float = 60.0
    memory_bytes: int | None = None

    def __post_init__(self) -> None:
        if not self.timeout_s > 0:
            raise ValueError(f"timeout_s must be > 0, got {self.timeout_s!r}")
        if self.memory_bytes is not None and self.memory_bytes <= 0:
            raise ValueError(f"memory_bytes must be > 0 or None, got {self.memory_bytes!r}")


DEFAULT_LIMITS = Limits()


def describe_exit(returncode: int | None) -> str:
    """'killed by SIGSEGV (signal 11)' / 'exited with status 3': what a person reads in the error."""
    if returncode is None:
        return "is still running"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "an unknown signal"
        return f"was killed by {name} (signal {-returncode})"
    return f"exited with status {returncode}"


def read_tail(path: Path, limit: int = LOG_TAIL_CHARS) -> str:
    try:
        data = path.read_bytes()[-limit:]
    except OSError:
        return ""
    return data.decode("utf-8", errors="replace").strip()


def apply_memory_limit(memory_bytes: int | None) -> None:
    if memory_bytes is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


# --- programs ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletedChild:
    returncode: int
    stdout: bytes
    stderr: bytes


def run_command(argv: Sequence[str | os.PathLike[str]], *, limits: Limits = DEFAULT_LIMITS, input: bytes | None = None,
                cwd: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None,
                check: bool = True) -> CompletedChild:
    """Runs a program in its own session (so a timeout kills its children too) under ``limits``.

    A signal death raises :class:`ChildCrashed`; a timeout :class:`ChildTimeout`; a non-zero exit with
    ``check`` a :class:`ChildProcessError`. Each carries the end of the program's stderr.
    """
    name = Path(os.fspath(argv[0])).name
    try:
        proc = subprocess.Popen([os.fspath(a) for a in argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=cwd, env=env, start_new_session=True,
                                preexec_fn=(lambda: apply_memory_limit(limits.memory_bytes)))  # noqa: PLW1509
    except FileNotFoundError:
        raise ChildProcessError(f"program {name!r} not found (is it installed?)") from None
    try:
        out, err = proc.communicate(input=input, timeout=limits.timeout_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise ChildTimeout(f"{name} did not finish within {limits.timeout_s:g}s and was killed",
                           log_tail=err.decode("utf-8", "replace")[-LOG_TAIL_CHARS:].strip()) from None
    tail = err.decode("utf-8", "replace")[-LOG_TAIL_CHARS:].strip()
    if proc.returncode < 0:
        raise ChildCrashed(f"{name} {describe_exit(proc.returncode)}", log_tail=tail)
    if check and proc.returncode != 0:
        raise ChildProcessError(f"{name} {describe_exit(proc.returncode)}", log_tail=tail)
    return CompletedChild(proc.returncode, out, err)
