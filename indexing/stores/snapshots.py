"""Index backup and restore (``assistant snapshot create|restore``), asking the store for its folder.

Embedded engines (qdrant-edge, qdrant-client local mode) are single-process, so the store is opened here
first: that takes its lock (a running API makes this fail with a clear message), and the archive copies
the store's own ``directory`` while we hold it. A Qdrant server makes the snapshot itself
(``indexing.stores.server_snapshots``). The archive layout is in ``indexing.stores.snapshot_format``;
the alias commands (``indexing.stores.aliases``) are re-exported here for the CLI.
"""

from __future__ import annotations

import shutil
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.errors import ConfigurationError
from core.settings import Settings
from indexing.stores import local_index_dir
from indexing.stores.aliases import list_collections, open_client, point_alias, resolve_collection
from indexing.stores.edge_store import EdgeStore
from indexing.stores.qdrant_store import QdrantStore
from indexing.stores.server_snapshots import download_server_snapshot, restore_server
from indexing.stores.snapshot_format import (
    FORMAT,
    MANIFEST,
    SnapshotInfo,
    add_checked,
    add_meta,
    check_members,
    copy_sqlite,
    move_aside,
    read_info,
    stamp,
    verify_checksums,
)

__all__ = ["SnapshotInfo", "create_snapshot", "engine_of", "list_collections", "local_index_dir", "open_client",
           "point_alias", "read_info", "resolve_collection", "restore_snapshot"]


def engine_of(settings: Settings) -> str:
    if settings.vector_store == "edge":
        return "edge"
    return "qdrant-server" if settings.qdrant_url else "qdrant-local"


def open_embedded_store(settings: Settings) -> EdgeStore | QdrantStore:
    """The configured embedded store, with "another process holds it" as a ConfigurationError."""
    from indexing.stores import open_store

    try:
        store = open_store(settings)
    except ConfigurationError:
        raise
    except Exception as exc:  # qdrant-client local mode: RuntimeError "already accessed by another instance"
        if "already accessed" in str(exc) or "lock" in str(exc).lower():
            raise ConfigurationError(
                f"chỉ mục tại {local_index_dir(settings)} đang được tiến trình khác mở (dừng API trước, "
                "hoặc dùng máy chủ Qdrant)"
            ) from exc
        raise
    assert isinstance(store, EdgeStore | QdrantStore)
    return store


def _default_out(settings: Settings) -> Path:
    return settings.data_dir / "snapshots" / f"{settings.collection}-{stamp()}.tar.gz"


def create_snapshot(settings: Settings, out: Path | None = None, keep_on_server: bool = False) -> SnapshotInfo:
    """Write an archive of the index and the manifest; returns what was written."""
    out = Path(out) if out else _default_out(settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    engine = engine_of(settings)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="snapshot-", dir=out.parent) as tmp:
        work = Path(tmp)
        has_manifest = copy_sqlite(settings.manifest_path, work / MANIFEST)
        if engine == "qdrant-server":
            info = download_server_snapshot(settings, work, created, keep_on_server)
            with tarfile.open(partial, "w:gz") as tar:
                if has_manifest:
                    add_checked(tar, work / MANIFEST, MANIFEST, info.checksums)
                add_checked(tar, work / str(info.server_snapshot), f"qdrant/{info.server_snapshot}", info.checksums)
                add_meta(tar, info, work)  # last: it records the checksums of everything above
        else:
            store = open_embedded_store(settings)
            try:
                store.flush()  # edge: the segments on disk, not only the write-ahead log
                folder = store.directory
                if folder is None or not folder.is_dir():
                    raise ConfigurationError(f"chưa có chỉ mục tại {folder or local_index_dir(settings)}")
                info = SnapshotInfo(FORMAT, engine, settings.collection, store.count(), created)
                with tarfile.open(partial, "w:gz") as tar:  # copied while we hold the engine's lock
                    if has_manifest:
                        add_checked(tar, work / MANIFEST, MANIFEST, info.checksums)
                    add_checked(tar, folder, f"index/{engine}", info.checksums)
                    add_meta(tar, info, work)  # last: it records the checksums of everything above
            finally:
                store.close()
    partial.replace(out)
    info.path = str(out)
    return info


def restore_snapshot(settings: Settings, archive: Path, force: bool = False) -> dict[str, Any]:
    """Put an archive back under the current settings. Embedded engines: the old index folder and manifest
    are kept beside the new ones (``*.before-restore-<time>``); ``force`` is needed when one exists."""
    archive = Path(archive)
    if not archive.is_file():
        raise ConfigurationError(f"không tìm thấy {archive}")
    info = read_info(archive)
    engine = engine_of(settings)
    if engine == "qdrant-server":
        if info.engine != "qdrant-server":
            raise ConfigurationError(f"bản sao lưu của engine {info.engine}, cấu hình hiện tại là máy chủ Qdrant "
                                     "(nạp lại bằng assistant index)")
        return restore_server(settings, archive, info)
    if info.engine != engine:
        raise ConfigurationError(f"bản sao lưu của engine {info.engine}, cấu hình hiện tại là {engine}")
    target = local_index_dir(settings)
    if (target.exists() or settings.manifest_path.exists()) and not force:
        raise ConfigurationError(f"đã có chỉ mục tại {target}: thêm --force để thay (bản cũ được giữ lại bên cạnh)")
    when = stamp()
    target.parent.mkdir(parents=True, exist_ok=True)
    settings.manifest_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="restore-", dir=target.parent) as tmp:
        work = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            check_members(tar, archive)  # no links, devices or names outside the layout
            tar.extractall(work, filter="data")
        verify_checksums(work, info, archive)
        extracted = work / "index" / info.engine
        if not extracted.is_dir():
            raise ConfigurationError(f"{archive}: thiếu thư mục index/{info.engine}")
        if target.exists():  # make sure nobody holds it: opening takes the engine's lock
            open_embedded_store(settings).close()
        old_index = move_aside(target, when)
        old_manifest = move_aside(settings.manifest_path, when)
        extracted.rename(target)
        if (work / MANIFEST).exists():
            shutil.move(str(work / MANIFEST), settings.manifest_path)
    store = open_embedded_store(settings)
    try:
        points = store.count()
    finally:
        store.close()
    if points != info.points:
        raise ConfigurationError(f"khôi phục xong nhưng có {points} điểm, bản sao lưu ghi {info.points}")
    return {"engine": engine, "collection": info.collection, "points": points, "index": str(target),
            "previous_index": str(old_index) if old_index else None,
            "previous_manifest": str(old_manifest) if old_manifest else None}
