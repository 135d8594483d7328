"""The embedded engine's large-index options: vectors, sparse index and payloads on disk, an int8 dense copy."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import numpy as np
import pytest

from core.access import Principal
from core.settings import Settings
from indexing.sparse_encoder import SparseEncoder
from indexing.store import SearchFilter, StoredPoint
from indexing.stores import open_store
from indexing.stores.edge_store import EdgeStore

DIM = 16
ENC = SparseEncoder(segmenter="syllable", k1=1.2, b=0.75, avgdl=20.0)
Y_TE = Principal(user_id="yt1", unit="Sở Y tế", roles=("chuyen_vien",))
CONG_AN = Principal(user_id="ca1", unit="Công an tỉnh", roles=("chuyen_vien",))
TEXTS = [
    "lệ phí cấp giấy phép hành nghề khám bệnh, chữa bệnh",
    "thời hạn giải quyết khiếu nại lần đầu là 30 ngày",
    "hồ sơ đăng ký khai sinh gồm tờ khai và giấy chứng sinh",
    "báo cáo tình hình dịch sốt xuất huyết của Sở Y tế",
    "viên chức được hưởng lương và phụ cấp theo quy định",
]


def points() -> list[StoredPoint]:
    rng = np.random.default_rng(3)
    out = []
    for i, base in enumerate(TEXTS * 40):
        text = f"{base} mục {i}"
        vector = rng.standard_normal(DIM).astype(np.float32)
        restricted = i % len(TEXTS) == 3
        access = {"access_level": "restricted", "access_units": ["Sở Y tế"], "access_roles": []} if restricted \
            else {"access_level": "public", "access_units": [], "access_roles": []}
        out.append(StoredPoint(id=str(uuid.UUID(int=i + 1)), dense=(vector / np.linalg.norm(vector)).tolist(),
                               sparse=ENC.encode_document(text), payload={"doc_id": f"d{i}", "text": text, **access}))
    return out


def search_ids(store: EdgeStore, principal: Principal, point: StoredPoint, words: str) -> list[str]:
    hits = store.search(flt=SearchFilter(principal=principal), dense=point.dense, sparse=ENC.encode_query(words),
                        mode="hybrid", limit=5)
    return [h.chunk_id for h in hits]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[EdgeStore, EdgeStore]:
    base = tmp_path_factory.mktemp("edge-options")
    plain = open_store(Settings(data_dir=base / "plain", vector_store="edge"))
    large = open_store(Settings(data_dir=base / "large", vector_store="edge", qdrant_on_disk=True,
                                qdrant_scalar_quantization=True))
    assert isinstance(plain, EdgeStore) and isinstance(large, EdgeStore)
    for store in (plain, large):
        store.ensure_collection(DIM)
        store.upsert(points())
        store.optimize()
    yield plain, large
    plain.close()
    large.close()


def test_settings_reach_the_shard_config(stores: tuple[EdgeStore, EdgeStore]) -> None:
    plain, large = stores
    config = json.loads((large.directory / "edge_config.json").read_text())
    dense = config["vectors"]["dense"]
    assert dense["memory"] == "cold" and dense["quantization_config"]["scalar"]["type"] == "int8"
    assert config["sparse_vectors"]["sparse"]["memory"] == "cold" and config["payload_memory"] == "cold"
    plain_dense = json.loads((plain.directory / "edge_config.json").read_text())["vectors"]["dense"]
    assert "quantization_config" not in plain_dense and "memory" not in plain_dense


def test_same_answers_and_the_same_access_as_the_default_store(stores: tuple[EdgeStore, EdgeStore]) -> None:
    plain, large = stores
    sample = points()
    restricted = {p.id for p in sample if p.payload["access_level"] == "restricted"}
    for i in (0, 1, 3, 7, 8, 13):
        words = sample[i].payload["text"]
        assert search_ids(large, Y_TE, sample[i], words)[0] == search_ids(plain, Y_TE, sample[i], words)[0] \
            == sample[i].id
        seen = search_ids(large, CONG_AN, sample[i], words)
        assert len(seen) == 5 and not restricted & set(seen)
        assert (seen[0] == sample[i].id) == (sample[i].id not in restricted)


def test_the_options_survive_a_reopen(tmp_path: Path) -> None:
    store = EdgeStore(tmp_path / "edge", on_disk=True, scalar_quantization=True, payload_links=False)
    store.ensure_collection(DIM)
    store.upsert(points())
    store.close()
    reopened = EdgeStore(tmp_path / "edge")  # a process that was not told: the shard keeps what it was made with
    try:
        reopened.ensure_collection(DIM)
        assert reopened.count() == len(TEXTS) * 40
        config = json.loads((tmp_path / "edge" / "edge_config.json").read_text())
        assert config["vectors"]["dense"]["memory"] == "cold"
        assert config["hnsw_config"]["payload_m"] == 0
    finally:
        reopened.close()
