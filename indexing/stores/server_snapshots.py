"""Snapshots of a Qdrant server collection: the server makes one (``create_snapshot``), we download it;
restore uploads it back (``/snapshots/upload``, which recreates the collection). In a multi-node cluster a
collection snapshot holds the shards of the node that made it: snapshot each node (docs/deployment.md)."""

from __future__ import annotations

import shutil
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from core.errors import ConfigurationError
from core.settings import Settings
from indexing.stores.aliases import resolve_collection
from indexing.stores.qdrant_store import QdrantStore
from indexing.stores.snapshot_format import (
    FORMAT,
    MANIFEST,
    SnapshotInfo,
    bare_name,
    check_members,
    move_aside,
    stamp,
    verify_checksums,
)


def open_server_store(settings: Settings) -> QdrantStore:
    from indexing.stores import open_store

    store = open_store(settings)
    assert isinstance(store, QdrantStore)
    return store


def _http(settings: Settings, timeout: float = 600.0) -> httpx.Client:
    headers = {"api-key": settings.qdrant_api_key} if settings.qdrant_api_key else {}
    return httpx.Client(base_url=str(settings.qdrant_url).rstrip("/"), headers=headers, timeout=timeout)


def download_server_snapshot(settings: Settings, work: Path, created: str, keep_on_server: bool) -> SnapshotInfo:
    """Have the server snapshot the collection (behind the alias) and download it into ``work``."""
    store = open_server_store(settings)
    try:
        client = store.client
        collection = resolve_collection(client, store.collection)
        if not client.collection_exists(collection):
            raise ConfigurationError(f"máy chủ Qdrant không có collection {collection!r}")
        points = client.count(collection, exact=True).count
        description = client.create_snapshot(collection, wait=True)
        if description is None:
            raise ConfigurationError("máy chủ Qdrant không trả về tên snapshot")
        name = bare_name(description.name)
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
        store.close()


def restore_server(settings: Settings, archive: Path, info: SnapshotInfo) -> dict[str, Any]:
    """Upload the archive's collection snapshot to the server and put its manifest back."""
    store = open_server_store(settings)
    try:
        collection = resolve_collection(store.client, store.collection)
        with tempfile.TemporaryDirectory(prefix="restore-") as tmp:
            work = Path(tmp)
            with tarfile.open(archive, "r:gz") as tar:
                check_members(tar, archive)
                tar.extractall(work, filter="data")
            verify_checksums(work, info, archive)
            snap = work / "qdrant" / bare_name(info.server_snapshot)
            if not snap.is_file():
                raise ConfigurationError(f"{archive}: thiếu qdrant/{info.server_snapshot}")
            with _http(settings) as http, snap.open("rb") as fh:
                r = http.post(f"/collections/{collection}/snapshots/upload",
                              params={"priority": "snapshot", "wait": "true"},
                              files={"snapshot": (snap.name, fh, "application/octet-stream")})
            if r.status_code != 200:
                raise ConfigurationError(f"máy chủ Qdrant từ chối snapshot: HTTP {r.status_code} {r.text[:200]}")
            old_manifest = None
            if (work / MANIFEST).exists():
                settings.manifest_path.parent.mkdir(parents=True, exist_ok=True)
                old_manifest = move_aside(settings.manifest_path, stamp())
                shutil.move(str(work / MANIFEST), settings.manifest_path)
        points = _wait_count(store.client, collection, info.points)
    finally:
        store.close()
    return {"engine": "qdrant-server", "collection": collection, "points": points,
            "previous_manifest": str(old_manifest) if old_manifest else None}


def _wait_count(client: Any, collection: str, expected: int, timeout_s: float = 60.0) -> int:
    deadline = time.monotonic() + timeout_s
    while True:
        points = client.count(collection, exact=True).count
        if points == expected or time.monotonic() > deadline:
            return points
        time.sleep(0.5)
