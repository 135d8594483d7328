"""Moved to ``indexing.stores.snapshots`` (snapshots and aliases live with the stores); this re-export
keeps old imports working until assistant/cli.py points there."""

from indexing.stores.snapshots import (
    SnapshotInfo,
    create_snapshot,
    engine_of,
    list_collections,
    local_index_dir,
    open_client,
    point_alias,
    read_info,
    resolve_collection,
    restore_snapshot,
)

__all__ = ["SnapshotInfo", "create_snapshot", "engine_of", "list_collections", "local_index_dir", "open_client",
           "point_alias", "read_info", "resolve_collection", "restore_snapshot"]
