"""The engine filter applies the new label clauses exactly as ``AccessLabel.allows`` does, in the embedded
engine and in Qdrant local mode, and a relabelling by payload update takes effect on the next search."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from qdrant_client import QdrantClient

from core.access import ANONYMOUS, AccessLabel, Principal
from indexing.sparse_encoder import SparseEncoder
from indexing.store import SearchFilter, StoredPoint, VectorStore
from indexing.stores.edge_store import EdgeStore
from indexing.stores.qdrant_store import QdrantStore

DIM = 4
ENC = SparseEncoder(segmenter="syllable", k1=1.2, b=0.75, avgdl=20.0)
LABELS = {
    "public": AccessLabel("public"),
    "police-leaders": AccessLabel.from_record({"level": "restricted",
                                               "roles_in_units": {"Công an tỉnh": ["lanh_dao"]}}),
    "health-tree": AccessLabel.from_record({"level": "restricted", "units_and_below": ["Sở Y tế"]}),
    "departments": AccessLabel.from_record({"level": "restricted", "groups": ["Các sở, ban, ngành"]}),
    "old-or": AccessLabel("restricted", units=("Công an tỉnh",), roles=("lanh_dao",)),
}
PEOPLE = [
    ANONYMOUS,
    Principal("ca-ld", unit="Công an tỉnh", roles=("lanh_dao",)),
    Principal("ca-cv", unit="Công an tỉnh", roles=("chuyen_vien",)),
    Principal("yt-ld", unit="Sở Y tế", roles=("lanh_dao",)),
    Principal("yt-phong", unit="Phòng Nghiệp vụ Dược, Sở Y tế", roles=("chuyen_vien",)),
    Principal("xa", unit="UBND xã Cẩm Xuyên", roles=("chuyen_vien",)),
]


def _point(name: str, label: AccessLabel) -> StoredPoint:
    return StoredPoint(id=str(uuid.uuid5(uuid.NAMESPACE_URL, name)), dense=[1.0, 0.5, 0.25, 0.1],
                       sparse=ENC.encode_document("báo cáo nội bộ"),
                       payload={"doc_id": name, "text": "báo cáo nội bộ", "kind": "text", **label.payload()})


@pytest.fixture(params=["edge", "qdrant-memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[VectorStore]:
    s: VectorStore = EdgeStore(tmp_path / "edge") if request.param == "edge" else \
        QdrantStore(QdrantClient(location=":memory:"), "t")
    s.ensure_collection(DIM)
    s.upsert([_point(name, label) for name, label in LABELS.items()])
    yield s
    s.close()


def _seen(store: VectorStore, who: Principal) -> set[str]:
    hits = store.search(flt=SearchFilter(principal=who), dense=[1.0, 0.5, 0.25, 0.1],
                        sparse=ENC.encode_query("báo cáo"), limit=20)
    return {h.payload["doc_id"] for h in hits}


def test_engine_filter_matches_the_python_rule(store: VectorStore) -> None:
    for who in PEOPLE:
        expected = {name for name, label in LABELS.items() if label.allows(who)}
        assert _seen(store, who) == expected, who.user_id
    assert _seen(store, PEOPLE[1]) >= {"police-leaders"} and "police-leaders" not in _seen(store, PEOPLE[3])


def test_relabel_by_payload_takes_effect_on_the_next_search(store: VectorStore) -> None:
    desk = PEOPLE[4]
    assert "police-leaders" not in _seen(store, desk)
    chunk = str(uuid.uuid5(uuid.NAMESPACE_URL, "police-leaders"))
    store.set_payload([chunk], LABELS["health-tree"].payload())
    assert "police-leaders" in _seen(store, desk) and "police-leaders" not in _seen(store, PEOPLE[1])
