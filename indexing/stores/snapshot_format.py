"""The index backup archive: what ``snapshot.json`` says, and the file moves create and restore share.

A ``.tar.gz`` holding::

    snapshot.json            what it is: engine, collection, point count, created_at, format version
    manifest.sqlite          the indexing manifest (a consistent copy made with SQLite's backup API)
    index/<engine>/...       embedded engines: the whole index folder
    qdrant/<name>.snapshot   Qdrant server: the collection snapshot the server made and we downloaded
"""

from __future__ import annotations

import json
import sqlite3
import tarfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.errors import ConfigurationError

FORMAT = 1
META = "snapshot.json"
MANIFEST = "manifest.sqlite"


@dataclass
class SnapshotInfo:
    format: int
    engine: str  # edge | qdrant-local | qdrant-server
    collection: str
    points: int
    created_at: str
    path: str = ""
    server_snapshot: str | None = None


def add_meta(tar: tarfile.TarFile, info: SnapshotInfo, workdir: Path) -> None:
    meta = workdir / META
    data = {k: v for k, v in asdict(info).items() if k != "path"}
    meta.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tar.add(meta, arcname=META)


def read_info(archive: Path) -> SnapshotInfo:
    """The archive's ``snapshot.json``; ConfigurationError when it is not one of ours or of another format."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(META)
            if member is None:
                raise KeyError(META)
            data = json.loads(member.read().decode("utf-8"))
    except (KeyError, tarfile.TarError, OSError, ValueError) as exc:
        raise ConfigurationError(f"{archive} không phải bản sao lưu chỉ mục ({META}: {exc})") from None
    if data.get("format") != FORMAT:
        raise ConfigurationError(f"{archive}: định dạng {data.get('format')!r} không được hỗ trợ")
    return SnapshotInfo(**{k: data.get(k) for k in SnapshotInfo.__dataclass_fields__ if k != "path"},
                        path=str(archive))


def copy_sqlite(src: Path, dst: Path) -> bool:
    """A consistent copy of a (possibly WAL-mode, in-use) SQLite file; False when there is none."""
    if not src.exists():
        return False
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(str(dst))
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    return True


def stamp() -> str:
    """UTC time for file names."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def move_aside(path: Path, when: str) -> Path | None:
    """Rename ``path`` to ``<name>.before-restore-<when>`` (restore keeps what it replaces)."""
    if not path.exists():
        return None
    aside = path.with_name(f"{path.name}.before-restore-{when}")
    path.rename(aside)
    return aside
