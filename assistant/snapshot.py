"""Index backup and restore (``assistant snapshot create|restore``) and the blue/green collection alias
(``assistant collection alias``).

One archive format for every engine, a ``.tar.gz`` holding::

    snapshot.json            what it is: engine, collection, point count, created_at, format version
    manifest.sqlite          the indexing manifest (a consistent copy made with SQLite's backup API)
    index/<engine>/...       embedded engines: the whole index folder, copied while this process holds
                             the engine's lock (so no other process is writing)
    qdrant/<name>.snapshot   Qdrant server: the collection snapshot the server made and we downloaded

Embedded engines (qdrant-edge, qdrant-client local mode) are single-process, so the store is opened here
first: that takes its lock (a running API makes this fail with a clear message), and every write of these
engines is flushed when it returns. A Qdrant server makes the snapshot itself (``create_snapshot``), we
download it, and restore uploads it back (``/snapshots/upload``, which recreates the collection). In a
multi-node cluster a collection snapshot holds the shards of the node that made it: snapshot each node
(docs/deployment.md).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from core.errors import ConfigurationError
from core.settings import Settings

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


def engine_of(settings: Settings) -> str:
    if settings.vector_store == "edge":
        return "edge"
    return "qdrant-server" if settings.qdrant_url else "qdrant-local"


def local_index_dir(settings: Settings) -> Path:
    """The folder an embedded engine keeps its index in (as ``indexing.stores.open_store`` picks it)."""
    if settings.vector_store == "edge":
        return settings.index_dir / "edge"
    return settings.qdrant_path or settings.index_dir / "qdrant"


def _open_store(settings: Settings) -> Any:
    from indexing.stores import open_store

    try:
        return open_store(settings)
    except ConfigurationError:
        raise
    except Exception as exc:  # qdrant-client local mode: RuntimeError "already accessed by another instance"
        if "already accessed" in str(exc) or "lock" in str(exc).lower():
            raise ConfigurationError(
                f"chỉ mục tại {local_index_dir(settings)} đang được tiến trình khác mở (dừng API trước, "
                "hoặc dùng máy chủ Qdrant)"
            ) from exc
        raise


def _copy_sqlite(src: Path, dst: Path) -> bool:
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


def _default_out(settings: Settings) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return settings.data_dir / "snapshots" / f"{settings.collection}-{stamp}.tar.gz"


def _add_meta(tar: tarfile.TarFile, info: SnapshotInfo, workdir: Path) -> None:
    meta = workdir / META
    data = {k: v for k, v in asdict(info).items() if k != "path"}
    meta.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tar.add(meta, arcname=META)


def create_snapshot(settings: Settings, out: Path | None = None, keep_on_server: bool = False) -> SnapshotInfo:
    """Write an archive of the index and the manifest; returns what was written."""
    out = Path(out) if out else _default_out(settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    engine = engine_of(settings)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="snapshot-", dir=out.parent) as tmp:
        work = Path(tmp)
        has_manifest = _copy_sqlite(settings.manifest_path, work / MANIFEST)
        if engine == "qdrant-server":
            info = _server_snapshot(settings, work, created, keep_on_server)
            files = [(work / f"{info.server_snapshot}", f"qdrant/{info.server_snapshot}")]
        else:
            store = _open_store(settings)
            try:
                flush = getattr(getattr(store, "_shard", None), "flush", None)
                if flush:  # edge: every write already flushes; this makes the guarantee explicit
                    flush()
                points = store.count()
                folder = local_index_dir(settings)
                if not folder.is_dir():
                    raise ConfigurationError(f"chưa có chỉ mục tại {folder}")
                info = SnapshotInfo(FORMAT, engine, settings.collection, points, created)
                with tarfile.open(partial, "w:gz") as tar:  # copied while we hold the engine's lock
                    _add_meta(tar, info, work)
                    if has_manifest:
                        tar.add(work / MANIFEST, arcname=MANIFEST)
                    tar.add(folder, arcname=f"index/{engine}")
            finally:
                store.close()
            partial.replace(out)
            info.path = str(out)
            return info
        with tarfile.open(partial, "w:gz") as tar:
            _add_meta(tar, info, work)
            if has_manifest:
                tar.add(work / MANIFEST, arcname=MANIFEST)
            for path, arcname in files:
                tar.add(path, arcname=arcname)
    partial.replace(out)
    info.path = str(out)
    return info


# --- Qdrant server ---------------------------------------------------------------------------------------


def _client(settings: Settings) -> Any:
    from qdrant_client import QdrantClient

    return QdrantClient(url=settings.qdrant_url, api_key=settings.qdrant_api_key)


def _http(settings: Settings, timeout: float = 600.0) -> httpx.Client:
    headers = {"api-key": settings.qdrant_api_key} if settings.qdrant_api_key else {}
    return httpx.Client(base_url=str(settings.qdrant_url).rstrip("/"), headers=headers, timeout=timeout)


def resolve_collection(client: Any, name: str) -> str:
    """The collection behind ``name`` when it is an alias, else ``name``."""
    for alias in client.get_aliases().aliases:
        if alias.alias_name == name:
            return alias.collection_name
    return name


def _server_snapshot(settings: Settings, work: Path, created: str, keep_on_server: bool) -> SnapshotInfo:
    client = _client(settings)
    try:
        collection = resolve_collection(client, settings.collection)
        if not client.collection_exists(collection):
            raise ConfigurationError(f"máy chủ Qdrant không có collection {collection!r}")
        points = client.count(collection, exact=True).count
        description = client.create_snapshot(collection, wait=True)
        if description is None:
            raise ConfigurationError("máy chủ Qdrant không trả về tên snapshot")
        name = description.name
        with _http(settings) as http, http.stream("GET", f"/collections/{collection}/snapshots/{name}") as r:
            if r.status_code != 200:
                raise ConfigurationError(f"tải snapshot {name} thất bại: HTTP {r.status_code}")
            with (work / name).open("wb") as fh:
                for block in r.iter_bytes(1024 * 1024):
                    fh.write(block)
        if not keep_on_server:
            client.delete_snapshot(collection, name, wait=True)
        return SnapshotInfo(FORMAT, "qdrant-server", collection, points, created, server_snapshot=name)
    finally:
        client.close()


# --- restore ---------------------------------------------------------------------------------------------


def read_info(archive: Path) -> SnapshotInfo:
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


def _move_aside(path: Path, stamp: str) -> Path | None:
    if not path.exists():
        return None
    aside = path.with_name(f"{path.name}.before-restore-{stamp}")
    path.rename(aside)
    return aside


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
        return _restore_server(settings, archive, info)
    if info.engine != engine:
        raise ConfigurationError(f"bản sao lưu của engine {info.engine}, cấu hình hiện tại là {engine}")
    target = local_index_dir(settings)
    if (target.exists() or settings.manifest_path.exists()) and not force:
        raise ConfigurationError(f"đã có chỉ mục tại {target}: thêm --force để thay (bản cũ được giữ lại bên cạnh)")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target.parent.mkdir(parents=True, exist_ok=True)
    settings.manifest_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="restore-", dir=target.parent) as tmp:
        work = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")  # refuses absolute paths, "..", links out of the folder
        extracted = work / "index" / info.engine
        if not extracted.is_dir():
            raise ConfigurationError(f"{archive}: thiếu thư mục index/{info.engine}")
        if target.exists():  # make sure nobody holds it: opening takes the engine's lock
            _open_store(settings).close()
        old_index = _move_aside(target, stamp)
        old_manifest = _move_aside(settings.manifest_path, stamp)
        extracted.rename(target)
        if (work / MANIFEST).exists():
            shutil.move(str(work / MANIFEST), settings.manifest_path)
    store = _open_store(settings)
    try:
        points = store.count()
    finally:
        store.close()
    if points != info.points:
        raise ConfigurationError(f"khôi phục xong nhưng có {points} điểm, bản sao lưu ghi {info.points}")
    return {"engine": engine, "collection": info.collection, "points": points, "index": str(target),
            "previous_index": str(old_index) if old_index else None,
            "previous_manifest": str(old_manifest) if old_manifest else None}


def _restore_server(settings: Settings, archive: Path, info: SnapshotInfo) -> dict[str, Any]:
    client = _client(settings)
    try:
        collection = resolve_collection(client, settings.collection)
    finally:
        client.close()
    with tempfile.TemporaryDirectory(prefix="restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
        snap = work / "qdrant" / str(info.server_snapshot)
        if not snap.is_file():
            raise ConfigurationError(f"{archive}: thiếu qdrant/{info.server_snapshot}")
        with _http(settings) as http, snap.open("rb") as fh:
            r = http.post(f"/collections/{collection}/snapshots/upload", params={"priority": "snapshot",
                                                                                  "wait": "true"},
                          files={"snapshot": (snap.name, fh, "application/octet-stream")})
        if r.status_code != 200:
            raise ConfigurationError(f"máy chủ Qdrant từ chối snapshot: HTTP {r.status_code} {r.text[:200]}")
        if (work / MANIFEST).exists():
            settings.manifest_path.parent.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            old_manifest = _move_aside(settings.manifest_path, stamp)
            shutil.move(str(work / MANIFEST), settings.manifest_path)
        else:
            old_manifest = None
    client = _client(settings)
    try:
        points = _wait_count(client, collection, info.points)
    finally:
        client.close()
    return {"engine": "qdrant-server", "collection": collection, "points": points,
            "previous_manifest": str(old_manifest) if old_manifest else None}


def _wait_count(client: Any, collection: str, expected: int, timeout_s: float = 60.0) -> int:
    deadline = time.monotonic() + timeout_s
    while True:
        points = client.count(collection, exact=True).count
        if points == expected or time.monotonic() > deadline:
            return points
        time.sleep(0.5)


# --- blue/green: the alias the API reads through -------------------------------------------------------


def list_collections(client: Any) -> dict[str, Any]:
    names = sorted(c.name for c in client.get_collections().collections)
    aliases = {a.alias_name: a.collection_name for a in client.get_aliases().aliases}
    return {"collections": names, "aliases": aliases}


def point_alias(client: Any, alias: str, target: str) -> str | None:
    """Make ``alias`` name ``target`` in one atomic aliases update; returns the collection it named before.

    The API is configured with the alias (``ASSISTANT_COLLECTION``); a re-index builds a new collection
    under another name while the old one keeps serving, and this swaps them with no restart.
    """
    from qdrant_client import models

    current = list_collections(client)
    if alias in current["collections"]:
        raise ConfigurationError(
            f"{alias!r} là một collection, không phải bí danh: đặt ASSISTANT_COLLECTION cho lần nạp đầu là một "
            f"tên khác (ví dụ {alias}_v1) rồi tạo bí danh {alias!r}"
        )
    if target not in current["collections"]:
        raise ConfigurationError(f"không có collection {target!r} (có: {', '.join(current['collections']) or '—'})")
    previous = current["aliases"].get(alias)
    operations: list[Any] = []
    if previous is not None:
        operations.append(models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias)))
    operations.append(models.CreateAliasOperation(
        create_alias=models.CreateAlias(collection_name=target, alias_name=alias)))
    client.update_collection_aliases(change_aliases_operations=operations)
    return previous


def open_client(settings: Settings) -> Any:
    """A qdrant-client for the configured engine (server by URL, else local mode), for admin commands."""
    if settings.vector_store != "qdrant":
        raise ConfigurationError("bí danh collection cần ASSISTANT_VECTOR_STORE=qdrant (máy chủ hoặc local mode)")
    if settings.qdrant_url:
        return _client(settings)
    from qdrant_client import QdrantClient

    path = local_index_dir(settings)
    path.mkdir(parents=True, exist_ok=True)
    try:
        return QdrantClient(path=str(path))
    except RuntimeError as exc:
        raise ConfigurationError(f"chỉ mục tại {path} đang được tiến trình khác mở: {exc}") from exc
