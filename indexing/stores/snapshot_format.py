"""The index backup archive: what ``snapshot.json`` says, and the file moves create and restore share.

A ``.tar.gz`` holding::

    snapshot.json            what it is: engine, collection, point count, created_at, format version, and the
                             sha256 of every other file (written last; restore verifies each one)
    manifest.sqlite          the indexing manifest (a consistent copy made with SQLite's backup API)
    index/<engine>/...       embedded engines: the whole index folder
    qdrant/<name>.snapshot   Qdrant server: the collection snapshot the server made and we downloaded
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tarfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from core.errors import ConfigurationError

FORMAT = 2  # 2: checksums recorded; a format-1 archive cannot be verified and is refused
META = "snapshot.json"
MANIFEST = "manifest.sqlite"
_MEMBER_ROOTS = ("index/", "qdrant/")
_BARE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,250}")


@dataclass
class SnapshotInfo:
    format: int
    engine: str  # edge | qdrant-local | qdrant-server
    collection: str
    points: int
    created_at: str
    path: str = ""
    server_snapshot: str | None = None
    checksums: dict[str, str] = field(default_factory=dict)  # arcname -> sha256 of every file but META


def bare_name(name: object, what: str = "server_snapshot") -> str:
    """``name`` when it is a plain file name (no folder, no "..", no link tricks); ConfigurationError else."""
    if not isinstance(name, str) or not _BARE_NAME.fullmatch(name) or ".." in name:
        raise ConfigurationError(f"{what} phải là một tên tệp đơn (chữ, số, . - _), nhận được {name!r}"[:200])
    return name


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def add_checked(tar: tarfile.TarFile, path: Path, arcname: str, checksums: dict[str, str]) -> None:
    """Add a file or a folder tree to ``tar``, recording the sha256 of every file under its arcname."""
    if path.is_file():
        checksums[arcname] = file_sha256(path)
        tar.add(path, arcname=arcname, recursive=False)
        return
    tar.add(path, arcname=arcname, recursive=False)
    for child in sorted(path.iterdir()):
        add_checked(tar, child, f"{arcname}/{child.name}", checksums)


def check_members(tar: tarfile.TarFile, archive: Path) -> None:
    """Refuse links, devices and any name outside the layout before anything is extracted."""
    for member in tar.getmembers():
        name = member.name
        if not (member.isfile() or member.isdir()):
            raise ConfigurationError(f"{archive}: thành phần «{name}» không phải tệp hay thư mục (liên kết?)")
        parts = name.split("/")
        if name.startswith("/") or ".." in parts or "\\" in name:
            raise ConfigurationError(f"{archive}: đường dẫn không hợp lệ «{name}»")
        if name not in (META, MANIFEST) and not any(name.startswith(r) or name == r[:-1] for r in _MEMBER_ROOTS):
            raise ConfigurationError(f"{archive}: thành phần lạ «{name}» ngoài định dạng bản sao lưu")


def verify_checksums(work: Path, info: SnapshotInfo, archive: Path) -> None:
    """Every extracted file matches the sha256 recorded at create time, and none is missing or added."""
    found = {}
    for dirpath, _dirs, files in os.walk(work):
        for name in files:
            path = Path(dirpath) / name
            arcname = path.relative_to(work).as_posix()
            if arcname != META:
                found[arcname] = path
    if set(found) != set(info.checksums):
        extra = sorted(set(found) ^ set(info.checksums))[:3]
        raise ConfigurationError(f"{archive}: tệp không khớp danh sách checksum ({', '.join(extra)})")
    for arcname, path in sorted(found.items()):
        if file_sha256(path) != info.checksums[arcname]:
            raise ConfigurationError(f"{archive}: checksum sai ở «{arcname}»: bản sao lưu bị sửa hoặc hỏng")


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
        raise ConfigurationError(f"{archive}: định dạng {data.get('format')!r} không được hỗ trợ (cần {FORMAT}, "
                                 "có checksum: tạo lại bằng assistant snapshot create)")
    if data.get("server_snapshot") is not None:
        bare_name(data["server_snapshot"])
    checksums = data.get("checksums")
    if not isinstance(checksums, dict) or not all(isinstance(v, str) for v in checksums.values()):
        raise ConfigurationError(f"{archive}: {META} thiếu checksum")
    fields = {k: data.get(k) for k in SnapshotInfo.__dataclass_fields__ if k not in ("path", "checksums")}
    return SnapshotInfo(**fields, path=str(archive), checksums=checksums)


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
