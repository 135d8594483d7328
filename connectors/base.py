"""What every connector yields, and the checks every connector shares (size, reading, JSON; secrecy is the indexer's).

A connector never raises for a bad input: it yields a :class:`Rejection` naming the file and the
problem in one line, and goes on with the next file, so one broken file does not stop an ingest.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from core.documents import Document
from core.errors import RejectedInput
from core.settings import Settings
from core.vietnamese import normalize_text

DEFAULT_MAX_BYTES: int = Settings.model_fields["max_file_bytes"].default
MAX_JSON_DEPTH = 32  # TTHC exports nest 4 deep, warehouse files 4; a deeper one is a stack bomb


@dataclass
class Rejection:
    """A file or record that was not indexed; ``reason`` is one line that says what is wrong."""

    path: str
    reason: str


class Connector(Protocol):
    def documents(self) -> Iterator[Document | Rejection]: ...


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; raises RejectedInput when it is unreadable, empty or over ``max_bytes``."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise RejectedInput(f"tệp quá lớn: {_mb(size)}, vượt giới hạn {_mb(max_bytes)}")
        if size == 0:
            raise RejectedInput("tệp rỗng: không có nội dung")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except PermissionError:
        raise RejectedInput("không đọc được: không có quyền đọc tệp") from None
    except IsADirectoryError:
        raise RejectedInput("không đọc được: đây là thư mục, không phải tệp") from None
    except FileNotFoundError:
        raise RejectedInput("không tìm thấy tệp") from None
    except OSError as exc:
        raise RejectedInput(f"không đọc được: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # the file grew between stat and read
        raise RejectedInput(f"tệp quá lớn: vượt giới hạn {_mb(max_bytes)}")
    return data


def _json_error(exc: json.JSONDecodeError) -> str:
    return f"JSON hỏng (dòng {exc.lineno}, cột {exc.colno}): {exc.msg}"


def load_json(path: Path, max_bytes: int) -> Any:
    """Parse a UTF-8 JSON file; raises RejectedInput naming the line and column of a syntax error."""
    data = read_bytes(path, max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RejectedInput("không đọc được: mã hoá không phải UTF-8") from None
    if not text.strip():
        raise RejectedInput("tệp rỗng: chỉ có khoảng trắng")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RejectedInput(_json_error(exc)) from None
    except RecursionError:
        raise RejectedInput(f"JSON lồng nhau quá sâu (quá {MAX_JSON_DEPTH} tầng)") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise RejectedInput(f"JSON lồng nhau quá sâu (quá {MAX_JSON_DEPTH} tầng)")
    return value


def _depth(value: Any) -> int:
    """How deeply ``value`` nests, without recursion (a hostile file must not exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_JSON_DEPTH and isinstance(item, dict | list):
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def normalize_record(value: Any) -> Any:
    """Every string (keys included) of a parsed JSON value through ``normalize_text``."""
    if isinstance(value, str):
        return normalize_text(value)
    if isinstance(value, dict):
        return {normalize_text(str(k)): normalize_record(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize_record(v) for v in value]
    return value


def walk_files(root: Path, suffixes: Iterable[str]) -> Iterator[Path | Rejection]:
    """Files under ``root`` with one of ``suffixes``, sorted; hidden files and folders are skipped.

    An unreadable sub-folder becomes a Rejection instead of silently hiding its files.
    """
    wanted = {s.lower() for s in suffixes}
    errors: list[OSError] = []
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if not name.startswith(".") and Path(name).suffix.lower() in wanted:
                found.append(Path(dirpath) / name)
    for err in errors:
        yield Rejection(str(err.filename or root), f"không đọc được thư mục: {err.strerror or err}")
    yield from sorted(found, key=lambda p: p.relative_to(root).as_posix())


def expand_paths(paths: Iterable[Path], suffixes: Iterable[str]) -> Iterator[Path | Rejection]:
    """Explicit files as given, folders walked; a path that does not exist is a Rejection."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from walk_files(path, suffixes)
        elif path.exists():
            yield path
        else:
            yield Rejection(str(path), "không tìm thấy tệp hoặc thư mục")


def iter_json_files(paths: Iterable[Path], max_bytes: int) -> Iterator[tuple[str, Any] | Rejection]:
    """``(source, parsed JSON)`` for every .json file under ``paths``; unreadable or malformed files become
    Rejections. The shared front half of every JSON connector."""
    for path in expand_paths(paths, (".json",)):
        if isinstance(path, Rejection):
            yield path
            continue
        try:
            yield str(path), load_json(path, max_bytes)
        except RejectedInput as exc:
            yield Rejection(str(path), str(exc))
