"""SearchFilter -> engine filter, written once: an engine-neutral tree, then one small translator per engine.

The access rule (``core.access.AccessLabel.allows``) becomes a ``should`` clause that is always
non-empty ("public" is always in it), because an empty ``should`` means "no constraint" to Qdrant.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from core.access import AccessLabel, Principal
from core.access_scope import groups_of_unit, unit_role_keys, units_above
from core.legal_status import VALIDITY_EXPIRED, VALIDITY_NOT_YET
from indexing.store import SearchFilter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnyOf:
    """Payload ``key`` holds (or, for a list field, contains) one of ``values``."""

    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class IdsIn:
    """Point id is one of ``ids``."""

    ids: tuple[str, ...]


@dataclass(frozen=True)
class Clause:
    """All of ``must``, at least one of ``should`` (when given), none of ``must_not``."""

    must: tuple[Condition, ...] = ()
    should: tuple[Condition, ...] = ()
    must_not: tuple[Condition, ...] = ()


Condition = AnyOf | IdsIn | Clause


def access_clause(principal: Principal) -> Clause:
    """public, OR (signed in AND internal), OR the principal's unit listed, OR one of its roles listed, OR its
    unit+role pair listed, OR one of its unit's groups listed, OR its unit or a unit above it listed "and below"
    (``core.access_scope``: the same keys ``AccessLabel.allows`` reads)."""
    should: list[Condition] = [AnyOf("access_level", ("public",))]
    if principal.authenticated:
        should.append(AnyOf("access_level", ("internal",)))
    if principal.unit:
        should.append(AnyOf("access_units", (principal.unit,)))
    roles = tuple(r for r in principal.roles if r)
    if roles:
        should.append(AnyOf("access_roles", roles))
    if principal.unit:
        pairs = unit_role_keys(principal.unit, roles)
        if pairs:
            should.append(AnyOf("access_unit_roles", pairs))
        groups = groups_of_unit(principal.unit)
        if groups:
            should.append(AnyOf("access_groups", groups))
        should.append(AnyOf("access_trees", units_above(principal.unit)))
    return Clause(should=tuple(should))


def describe(flt: SearchFilter, ids: Sequence[str] = (), doc_id: str | None = None) -> Clause:
    """The whole filter for one request: access first, then metadata narrowing, optional ids / document."""
    must: list[Condition] = [access_clause(flt.principal)]
    for key, values in (
        ("kind", flt.kinds),
        ("loai_van_ban", flt.loai_van_ban),
        ("linh_vuc", flt.linh_vuc),
        ("co_quan_ban_hanh", flt.co_quan_ban_hanh),
        ("doc_id", flt.doc_ids),
    ):
        if values:
            must.append(AnyOf(key, tuple(values)))
    if doc_id is not None:
        must.append(AnyOf("doc_id", (doc_id,)))
    if ids:
        must.append(IdsIn(tuple(ids)))
    must_not: tuple[Condition, ...] = ()
    if flt.in_force_only:
        must_not = (AnyOf("validity", (VALIDITY_EXPIRED, VALIDITY_NOT_YET)),)
    return Clause(must=tuple(must), must_not=must_not)


def payload_allows(payload: Mapping[str, Any] | None, principal: Principal) -> bool:
    """Defence in depth: the same rule checked in Python on what the engine returned."""
    if not payload:
        return False
    try:
        label = AccessLabel.from_payload(payload)  # missing level -> ValueError -> hidden, like the engine filter
    except (TypeError, ValueError):
        return False
    return label.allows(principal)


T = TypeVar("T")


def drop_leaks(
    items: list[T], principal: Principal, payload_of: Callable[[T], Mapping[str, Any] | None]
) -> list[T]:
    """Remove results the principal may not see; logs an error, because the engine filter should have."""
    kept = [item for item in items if payload_allows(payload_of(item), principal)]
    if len(kept) != len(items):
        log.error("access filter leak: engine returned %d hidden chunk(s); dropped", len(items) - len(kept))
    return kept


# --- translators -------------------------------------------------------------------------------------


def to_edge(node: Condition) -> Any:
    """Translate to qdrant_edge.Filter / FieldCondition / HasIdCondition."""
    import qdrant_edge as qe

    if isinstance(node, AnyOf):
        match = qe.MatchValue(node.values[0]) if len(node.values) == 1 else qe.MatchAny(list(node.values))
        return qe.FieldCondition(key=node.key, match=match)
    if isinstance(node, IdsIn):
        return qe.HasIdCondition(set(node.ids))
    return qe.Filter(
        must=[to_edge(c) for c in node.must] or None,
        should=[to_edge(c) for c in node.should] or None,
        must_not=[to_edge(c) for c in node.must_not] or None,
    )


def to_qdrant(node: Condition) -> Any:
    """Translate to qdrant_client.models.Filter / FieldCondition / HasIdCondition."""
    from qdrant_client import models

    if isinstance(node, AnyOf):
        match: Any = (
            models.MatchValue(value=node.values[0])
            if len(node.values) == 1
            else models.MatchAny(any=list(node.values))
        )
        return models.FieldCondition(key=node.key, match=match)
    if isinstance(node, IdsIn):
        return models.HasIdCondition(has_id=list(node.ids))
    return models.Filter(
        must=[to_qdrant(c) for c in node.must] or None,
        should=[to_qdrant(c) for c in node.should] or None,
        must_not=[to_qdrant(c) for c in node.must_not] or None,
    )
