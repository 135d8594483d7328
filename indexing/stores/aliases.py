"""The blue/green collection alias the API reads through (``assistant collection alias|list``).

The API is configured with the alias (``ASSISTANT_COLLECTION``); a re-index builds a new collection under
another name while the old one keeps serving, and ``point_alias`` swaps them with no restart.
"""

from __future__ import annotations

from typing import Any

from core.errors import ConfigurationError
from core.settings import Settings


def resolve_collection(client: Any, name: str) -> str:
    """The collection behind ``name`` when it is an alias, else ``name``."""
    for alias in client.get_aliases().aliases:
        if alias.alias_name == name:
            return alias.collection_name
    return name


def list_collections(client: Any) -> dict[str, Any]:
    names = sorted(c.name for c in client.get_collections().collections)
    aliases = {a.alias_name: a.collection_name for a in client.get_aliases().aliases}
    return {"collections": names, "aliases": aliases}


def point_alias(client: Any, alias: str, target: str) -> str | None:
    """Make ``alias`` name ``target`` in one atomic aliases update; returns the collection it named before."""
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
    from indexing.stores import local_index_dir, open_qdrant_client

    if settings.vector_store != "qdrant":
        raise ConfigurationError("bí danh collection cần ASSISTANT_VECTOR_STORE=qdrant (máy chủ hoặc local mode)")
    try:
        return open_qdrant_client(settings)
    except RuntimeError as exc:
        where = local_index_dir(settings)
        raise ConfigurationError(f"chỉ mục tại {where} đang được tiến trình khác mở: {exc}") from exc
