"""Contract tests: both VectorStore engines behave the same, and access control holds in every search mode."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from qdrant_client import QdrantClient

from core.access import ANONYMOUS, Principal
from core.legal_status import VALIDITY_EXPIRED, VALIDITY_IN_FORCE, VALIDITY_NOT_YET, VALIDITY_UNKNOWN
from core.settings import Settings
from indexing.sparse_encoder import SparseEncoder
from indexing.store import SearchFilter, StoredPoint, VectorStore
from indexing.stores import open_store
from indexing.stores.edge_store import EdgeStore
from indexing.stores.filters import AnyOf, Clause, access_clause, describe
from indexing.stores.qdrant_store import QdrantStore

DIM = 8
ENC = SparseEncoder(segmenter="syllable", k1=1.2, b=0.75, avgdl=20.0)

CONG_AN = Principal(user_id="ca1", unit="Công an tỉnh", roles=("chuyen_vien",))
Y_TE = Principal(user_id="yt1", unit="Sở Y tế", roles=("chuyen_vien",))
THANH_TRA = Principal(user_id="tt1", unit="Sở Tài chính", roles=("thanh_tra",))


def cid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def vec(i: int) -> list[float]:
    """A distinct unit-ish direction per chunk, so a chunk's own vector finds it first."""
    v = [0.05] * DIM
    v[i % DIM] = 1.0
    if i >= DIM:
        v[(i + 3) % DIM] = 0.7
    return v


def access(level: str, units: tuple[str, ...] = (), roles: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"access_level": level, "access_units": list(units), "access_roles": list(roles)}


# name, text, payload extras
CHUNKS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "ma-tuy-0",
        "Người nghiện ma túy phải cai nghiện bắt buộc tại cơ sở cai nghiện",
        {
            "doc_id": "luat-ma-tuy",
            "order": 2,
            "kind": "legal",
            "loai_van_ban": "Luật",
            "linh_vuc": "an ninh",
            "co_quan_ban_hanh": "Quốc hội",
            "validity": VALIDITY_IN_FORCE,
            **access("public"),
        },
    ),
    (
        "ma-tuy-1",
        "Luật này quy định về phòng, chống ma túy và quản lý người sử dụng trái phép chất ma túy",
        {
            "doc_id": "luat-ma-tuy",
            "order": 0,
            "kind": "legal",
            "loai_van_ban": "Luật",
            "linh_vuc": "an ninh",
            "co_quan_ban_hanh": "Quốc hội",
            "validity": VALIDITY_IN_FORCE,
            **access("public"),
        },
    ),
    (
        "ma-tuy-2",
        "Trách nhiệm của gia đình trong việc quản lý người sử dụng trái phép chất ma túy",
        {
            "doc_id": "luat-ma-tuy",
            "order": 1,
            "kind": "legal",
            "loai_van_ban": "Luật",
            "linh_vuc": "an ninh",
            "co_quan_ban_hanh": "Quốc hội",
            "validity": VALIDITY_IN_FORCE,
            **access("public"),
        },
    ),
    (
        "sot-xuat-huyet",
        "Báo cáo tình hình dịch sốt xuất huyết và số ca mắc tại các huyện trong tháng",
        {
            "doc_id": "bc-y-te",
            "order": 0,
            "kind": "warehouse",
            "linh_vuc": "y tế",
            "validity": VALIDITY_UNKNOWN,
            **access("restricted", units=("Sở Y tế",)),
        },
    ),
    (
        "thanh-tra",
        "Kết luận thanh tra việc mua sắm trang thiết bị y tế năm 2024",
        {
            "doc_id": "kl-thanh-tra",
            "order": 0,
            "kind": "warehouse",
            "linh_vuc": "thanh tra",
            "validity": VALIDITY_UNKNOWN,
            **access("restricted", roles=("thanh_tra",)),
        },
    ),
    (
        "cchc",
        "Kế hoạch công tác cải cách hành chính của tỉnh năm 2025",
        {
            "doc_id": "kh-cchc",
            "order": 0,
            "kind": "article",
            "linh_vuc": "cải cách hành chính",
            "validity": VALIDITY_UNKNOWN,
            **access("internal"),
        },
    ),
    (
        "khai-sinh",
        "Thủ tục đăng ký khai sinh cho trẻ em tại Ủy ban nhân dân cấp xã",
        {
            "doc_id": "tthc-khai-sinh",
            "order": 0,
            "kind": "tthc",
            "linh_vuc": "hộ tịch",
            "co_quan_ban_hanh": "Bộ Tư pháp",
            "validity": VALIDITY_IN_FORCE,
            **access("public"),
        },
    ),
    (
        "le-phi-cu",
        "Quy định cũ về mức thu lệ phí trước bạ nhà đất",
        {
            "doc_id": "nd-le-phi-cu",
            "order": 0,
            "kind": "legal",
            "loai_van_ban": "Nghị định",
            "linh_vuc": "tài chính",
            "co_quan_ban_hanh": "Chính phủ",
            "validity": VALIDITY_EXPIRED,
            **access("public"),
        },
    ),
    (
        "le-phi-moi",
        "Quy định mới về mức thu lệ phí trước bạ ô tô",
        {
            "doc_id": "nd-le-phi-moi",
            "order": 0,
            "kind": "legal",
            "loai_van_ban": "Nghị định",
            "linh_vuc": "tài chính",
            "co_quan_ban_hanh": "Chính phủ",
            "validity": VALIDITY_NOT_YET,
            **access("public"),
        },
    ),
]
INDEX = {name: i for i, (name, _, _) in enumerate(CHUNKS)}


def point(name: str, encoder: SparseEncoder = ENC) -> StoredPoint:
    i = INDEX[name]
    _, text, extra = CHUNKS[i]
    return StoredPoint(
        id=cid(name), dense=vec(i), sparse=encoder.encode_document(text), payload={"text": text, **extra}
    )


ALL = [point(name) for name, _, _ in CHUNKS]


def make_store(kind: str, tmp_path: Path) -> VectorStore:
    if kind == "edge":
        return EdgeStore(tmp_path / "edge")
    if kind == "qdrant-path":
        return QdrantStore(QdrantClient(path=str(tmp_path / "qdrant")), "test")
    return QdrantStore(QdrantClient(location=":memory:"), "test")


@pytest.fixture(params=["edge", "qdrant-path", "qdrant-memory"])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[VectorStore]:
    store = make_store(request.param, tmp_path)
    store.ensure_collection(DIM)
    yield store
    store.close()


@pytest.fixture
def store(empty_store: VectorStore) -> VectorStore:
    empty_store.upsert(ALL)
    if isinstance(empty_store, EdgeStore):
        empty_store.optimize()
    return empty_store


@pytest.fixture(autouse=True)
def _no_leaks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """The Python double-check must never fire: the engine filter alone has to keep hidden chunks out."""
    with caplog.at_level(logging.ERROR, logger="indexing.stores.filters"):
        yield
    records = caplog.get_records("setup") + caplog.get_records("call")
    leaks = [r for r in records if "access filter leak" in r.getMessage()]
    assert not leaks, "the engine returned a chunk the principal may not see"


def names(hits: list[Any]) -> list[str]:
    by_id = {cid(n): n for n, _, _ in CHUNKS}
    return [by_id[h.chunk_id] for h in hits]


def query(store: VectorStore, name: str, principal: Principal, mode: str, limit: int = 10, **narrow: Any):
    i = INDEX[name]
    return store.search(
        flt=SearchFilter(principal=principal, **narrow),
        dense=vec(i),
        sparse=ENC.encode_query(CHUNKS[i][1]),
        mode=mode,  # type: ignore[arg-type]
        limit=limit,
    )


# --- writes ----------------------------------------------------------------------------------------


def test_upsert_count_delete_and_idempotent_reupsert(empty_store: VectorStore) -> None:
    assert empty_store.count() == 0
    empty_store.upsert(ALL)
    assert empty_store.count() == len(ALL)
    empty_store.upsert(ALL)  # same ids: replaced, not duplicated
    assert empty_store.count() == len(ALL)
    empty_store.delete([cid("khai-sinh"), cid("le-phi-cu")])
    assert empty_store.count() == len(ALL) - 2
    empty_store.delete([cid("no-such-chunk")])
    assert empty_store.count() == len(ALL) - 2
    flt = SearchFilter(principal=CONG_AN)
    assert empty_store.get([cid("khai-sinh")], flt) == []


def test_reupsert_replaces_payload(store: VectorStore) -> None:
    changed = point("khai-sinh")
    changed.payload["linh_vuc"] = "tư pháp"
    store.upsert([changed])
    (hit,) = store.get([cid("khai-sinh")], SearchFilter(principal=CONG_AN))
    assert hit.payload["linh_vuc"] == "tư pháp"


def test_set_payload_changes_validity_and_keeps_vectors_and_other_fields(store: VectorStore) -> None:
    """A document replaced by a newer one gets its validity fields rewritten; its vectors stay as they were."""
    ids = [cid("khai-sinh")]
    before = query(store, "khai-sinh", CONG_AN, "dense")
    store.set_payload(ids, {"validity": VALIDITY_EXPIRED, "thay_the_boi": [{"by": "12/2025/QĐ-UBND"}]})
    store.set_payload([], {"validity": VALIDITY_IN_FORCE})  # nothing to update: no error
    (hit,) = store.get(ids, SearchFilter(principal=CONG_AN))
    assert hit.payload["validity"] == VALIDITY_EXPIRED
    assert hit.payload["thay_the_boi"] == [{"by": "12/2025/QĐ-UBND"}]
    assert hit.payload["text"] == dict((n, t) for n, t, _ in CHUNKS)["khai-sinh"]
    after = query(store, "khai-sinh", CONG_AN, "dense")
    assert [h.chunk_id for h in after] == [h.chunk_id for h in before]
    assert after[0].score == pytest.approx(before[0].score)
    narrowed = store.search(flt=SearchFilter(principal=CONG_AN, in_force_only=True), dense=vec(INDEX["khai-sinh"]),
                            mode="dense", limit=50)
    assert cid("khai-sinh") not in {h.chunk_id for h in narrowed}


# --- ranking ---------------------------------------------------------------------------------------


def test_sparse_ranks_matching_text_first(store: VectorStore) -> None:
    hits = store.search(
        flt=SearchFilter(principal=CONG_AN), sparse=ENC.encode_query("đăng ký khai sinh"), mode="sparse"
    )
    assert names(hits)[0] == "khai-sinh"
    hits = store.search(
        flt=SearchFilter(principal=CONG_AN), sparse=ENC.encode_query("cai nghiện bắt buộc"), mode="sparse"
    )
    assert names(hits)[0] == "ma-tuy-0"


def test_sparse_without_matching_terms_finds_nothing(store: VectorStore) -> None:
    hits = store.search(flt=SearchFilter(principal=CONG_AN), sparse=ENC.encode_query("xyzzy"), mode="sparse")
    assert hits == []
    assert (
        store.search(flt=SearchFilter(principal=CONG_AN), sparse=ENC.encode_query("!!!"), mode="sparse") == []
    )


def test_dense_ranks_nearest_first_and_returns_full_payload(store: VectorStore) -> None:
    hits = store.search(
        flt=SearchFilter(principal=CONG_AN), dense=vec(INDEX["khai-sinh"]), mode="dense", limit=3
    )
    assert names(hits)[0] == "khai-sinh"
    assert len(hits) == 3
    assert hits[0].payload == point("khai-sinh").payload
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("fusion", ["rrf", "dbsf"])
def test_hybrid_fuses_both_sides(store: VectorStore, fusion: str) -> None:
    hits = store.search(
        flt=SearchFilter(principal=CONG_AN),
        dense=vec(INDEX["khai-sinh"]),
        sparse=ENC.encode_query("khai sinh cho trẻ em"),
        fusion=fusion,  # type: ignore[arg-type]
    )
    assert names(hits)[0] == "khai-sinh"
    # dense points at one chunk, sparse at another: both surface above everything else
    hits = store.search(
        flt=SearchFilter(principal=CONG_AN),
        dense=vec(INDEX["khai-sinh"]),
        sparse=ENC.encode_query("cai nghiện bắt buộc"),
        fusion=fusion,  # type: ignore[arg-type]
        limit=4,
    )
    assert {"khai-sinh", "ma-tuy-0"} <= set(names(hits)[:2])


def test_hybrid_without_sparse_terms_falls_back_to_dense(store: VectorStore) -> None:
    hits = store.search(
        flt=SearchFilter(principal=CONG_AN), dense=vec(INDEX["cchc"]), sparse=ENC.encode_query("…"), limit=2
    )
    assert names(hits)[0] == "cchc"


# --- access ----------------------------------------------------------------------------------------

MODES = ["dense", "sparse", "hybrid"]


@pytest.mark.parametrize("mode", MODES)
def test_unit_restricted_chunk_never_reaches_another_unit(store: VectorStore, mode: str) -> None:
    hits = query(store, "sot-xuat-huyet", CONG_AN, mode)
    assert "sot-xuat-huyet" not in names(hits)
    if mode != "sparse":  # the engine filled the page from what is visible, rather than dropping the best hit
        assert len(query(store, "sot-xuat-huyet", CONG_AN, mode, limit=1)) == 1
    for h in hits:
        assert h.payload["access_level"] != "restricted" or "Công an tỉnh" in h.payload["access_units"]


@pytest.mark.parametrize("mode", MODES)
def test_unit_restricted_chunk_hidden_even_when_it_is_the_only_match(
    empty_store: VectorStore, mode: str
) -> None:
    empty_store.upsert([point("sot-xuat-huyet")])
    assert query(empty_store, "sot-xuat-huyet", CONG_AN, mode) == []
    assert query(empty_store, "sot-xuat-huyet", ANONYMOUS, mode) == []
    assert names(query(empty_store, "sot-xuat-huyet", Y_TE, mode)) == ["sot-xuat-huyet"]


@pytest.mark.parametrize("mode", MODES)
def test_unit_restricted_chunk_reaches_its_unit(store: VectorStore, mode: str) -> None:
    assert names(query(store, "sot-xuat-huyet", Y_TE, mode))[0] == "sot-xuat-huyet"


@pytest.mark.parametrize("mode", MODES)
def test_role_restricted_chunk_only_for_role_holders(store: VectorStore, mode: str) -> None:
    assert names(query(store, "thanh-tra", THANH_TRA, mode))[0] == "thanh-tra"
    for principal in (CONG_AN, Y_TE, ANONYMOUS):
        assert "thanh-tra" not in names(query(store, "thanh-tra", principal, mode))


@pytest.mark.parametrize("mode", MODES)
def test_internal_chunk_hidden_from_unauthenticated(store: VectorStore, mode: str) -> None:
    assert "cchc" not in names(query(store, "cchc", ANONYMOUS, mode))
    assert names(query(store, "cchc", CONG_AN, mode))[0] == "cchc"
    stranger = Principal(user_id="x", unit="Công an tỉnh", authenticated=False)
    assert "cchc" not in names(query(store, "cchc", stranger, mode))


def test_anonymous_sees_only_public(store: VectorStore) -> None:
    hits = store.search(flt=SearchFilter(principal=ANONYMOUS), dense=vec(0), mode="dense", limit=50)
    assert hits and all(h.payload["access_level"] == "public" for h in hits)
    assert len(hits) == sum(1 for _, _, extra in CHUNKS if extra["access_level"] == "public")


def test_get_applies_the_filter(store: VectorStore) -> None:
    hidden, visible = cid("sot-xuat-huyet"), cid("khai-sinh")
    assert store.get([hidden], SearchFilter(principal=CONG_AN)) == []
    assert names(store.get([hidden, visible], SearchFilter(principal=CONG_AN))) == ["khai-sinh"]
    assert names(store.get([visible, hidden], SearchFilter(principal=Y_TE))) == [
        "khai-sinh",
        "sot-xuat-huyet",
    ]
    assert names(store.get([visible.upper()], SearchFilter(principal=ANONYMOUS))) == ["khai-sinh"]
    assert store.get([], SearchFilter(principal=Y_TE)) == []


def test_doc_chunks_in_order_and_filtered(store: VectorStore) -> None:
    hits = store.doc_chunks("luat-ma-tuy", SearchFilter(principal=ANONYMOUS))
    assert names(hits) == ["ma-tuy-1", "ma-tuy-2", "ma-tuy-0"]
    assert store.doc_chunks("bc-y-te", SearchFilter(principal=CONG_AN)) == []
    assert names(store.doc_chunks("bc-y-te", SearchFilter(principal=Y_TE))) == ["sot-xuat-huyet"]


# --- metadata narrowing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("narrow", "expected"),
    [
        ({"kinds": ("tthc",)}, {"khai-sinh"}),
        ({"kinds": ("tthc", "article")}, {"khai-sinh", "cchc"}),
        ({"loai_van_ban": ("Nghị định",)}, {"le-phi-cu", "le-phi-moi"}),
        ({"linh_vuc": ("hộ tịch", "tài chính")}, {"khai-sinh", "le-phi-cu", "le-phi-moi"}),
        ({"co_quan_ban_hanh": ("Quốc hội",)}, {"ma-tuy-0", "ma-tuy-1", "ma-tuy-2"}),
        ({"doc_ids": ("luat-ma-tuy", "tthc-khai-sinh")}, {"ma-tuy-0", "ma-tuy-1", "ma-tuy-2", "khai-sinh"}),
        ({"kinds": ("legal",), "in_force_only": True}, {"ma-tuy-0", "ma-tuy-1", "ma-tuy-2"}),
    ],
)
def test_metadata_filters(store: VectorStore, narrow: dict[str, Any], expected: set[str]) -> None:
    for mode in MODES:
        hits = query(store, "le-phi-cu", CONG_AN, mode, limit=50, **narrow)
        got = set(names(hits))
        assert got <= expected, mode
        if mode != "sparse":
            assert got == expected, mode


def test_in_force_only_keeps_unknown_validity(store: VectorStore) -> None:
    hits = store.search(
        flt=SearchFilter(principal=THANH_TRA, in_force_only=True), dense=vec(0), mode="dense", limit=50
    )
    got = set(names(hits))
    assert "le-phi-cu" not in got and "le-phi-moi" not in got
    assert {"thanh-tra", "cchc", "khai-sinh"} <= got


def test_metadata_filter_never_widens_access(store: VectorStore) -> None:
    hits = query(store, "sot-xuat-huyet", CONG_AN, "hybrid", doc_ids=("bc-y-te",))
    assert hits == []


# --- persistence, segmenter, factory ---------------------------------------------------------------


def test_edge_store_reopens_from_disk(tmp_path: Path) -> None:
    store = EdgeStore(tmp_path / "edge")
    store.ensure_collection(DIM)
    store.upsert(ALL)
    store.close()
    reopened = EdgeStore(tmp_path / "edge")
    try:
        assert reopened.count() == len(ALL)
        assert names(query(reopened, "khai-sinh", CONG_AN, "hybrid"))[0] == "khai-sinh"
        assert "sot-xuat-huyet" not in names(query(reopened, "sot-xuat-huyet", CONG_AN, "hybrid"))
        reopened.ensure_collection(DIM)  # idempotent on an existing shard
        assert reopened.count() == len(ALL)
    finally:
        reopened.close()


def test_edge_store_rejects_another_dimension(tmp_path: Path) -> None:
    from core.errors import ConfigurationError

    store = EdgeStore(tmp_path / "edge")
    store.ensure_collection(DIM)
    store.close()
    other = EdgeStore(tmp_path / "edge")
    try:
        with pytest.raises(ConfigurationError):
            other.ensure_collection(DIM + 1)
    finally:
        other.close()


def test_qdrant_local_reopens_from_disk(tmp_path: Path) -> None:
    store = QdrantStore(QdrantClient(path=str(tmp_path / "q")), "test")
    store.ensure_collection(DIM)
    store.upsert(ALL)
    store.close()
    reopened = QdrantStore(QdrantClient(path=str(tmp_path / "q")), "test")
    try:
        assert reopened.count() == len(ALL)
        assert names(query(reopened, "khai-sinh", CONG_AN, "hybrid"))[0] == "khai-sinh"
    finally:
        reopened.close()


def test_empty_store_answers_empty(tmp_path: Path) -> None:
    store = EdgeStore(tmp_path / "nothing")
    assert store.count() == 0
    assert (
        store.search(flt=SearchFilter(principal=Y_TE), dense=vec(0), sparse=ENC.encode_query("ma túy")) == []
    )
    assert store.get([cid("khai-sinh")], SearchFilter(principal=Y_TE)) == []
    store.close()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["edge", "qdrant-memory"])
def test_underthesea_segmented_terms(kind: str, tmp_path: Path) -> None:
    pytest.importorskip("underthesea")
    enc = SparseEncoder(segmenter="underthesea", k1=1.2, b=0.75, avgdl=20.0)
    store = make_store(kind, tmp_path)
    try:
        store.ensure_collection(DIM)
        store.upsert([point(name, enc) for name, _, _ in CHUNKS])
        hits = store.search(
            flt=SearchFilter(principal=CONG_AN), sparse=enc.encode_query("cai nghiện bắt buộc"), mode="sparse"
        )
        assert names(hits)[0] == "ma-tuy-0"
        hits = store.search(
            flt=SearchFilter(principal=CONG_AN), sparse=enc.encode_query("sốt xuất huyết"), mode="sparse"
        )
        assert "sot-xuat-huyet" not in names(hits)
    finally:
        store.close()


@pytest.mark.parametrize("backend", ["edge", "qdrant"])
def test_open_store_from_settings(backend: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, vector_store=backend)  # type: ignore[arg-type]
    store = open_store(settings)
    try:
        store.ensure_collection(DIM)
        store.upsert(ALL[:2])
        assert store.count() == 2
    finally:
        store.close()
    expected = tmp_path / "index" / ("edge" if backend == "edge" else "qdrant")
    assert expected.is_dir()
    assert store.directory == expected  # type: ignore[attr-defined]  # what a snapshot copies


def test_clear_drops_every_point_and_the_collection(store: VectorStore) -> None:
    assert store.count() == len(ALL)
    store.clear()
    assert store.count() == 0
    assert query(store, "ma-tuy-0", CONG_AN, "sparse") == []
    store.ensure_collection(DIM + 8)  # a re-index may bring another embedding size
    store.upsert([StoredPoint(id=cid("x"), dense=[1.0] * (DIM + 8), sparse=ALL[0].sparse, payload=ALL[0].payload)])
    assert store.count() == 1


# --- the filter description itself ----------------------------------------------------------------


def test_access_clause_is_never_empty_and_follows_the_rule() -> None:
    anon = access_clause(ANONYMOUS)
    assert anon.should == (AnyOf("access_level", ("public",)),)
    full = access_clause(THANH_TRA)
    assert AnyOf("access_level", ("internal",)) in full.should
    assert AnyOf("access_units", ("Sở Tài chính",)) in full.should
    assert AnyOf("access_roles", ("thanh_tra",)) in full.should


def test_describe_puts_access_first_and_in_force_in_must_not() -> None:
    clause = describe(SearchFilter(principal=CONG_AN, kinds=("legal",), in_force_only=True))
    assert isinstance(clause.must[0], Clause) and clause.must[0].should
    assert AnyOf("kind", ("legal",)) in clause.must
    assert clause.must_not == (AnyOf("validity", (VALIDITY_EXPIRED, VALIDITY_NOT_YET)),)


def test_hybrid_request_filters_every_prefetch(store: VectorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Structure, not only outcome: each prefetch carries the filter, so no side fills up with hidden hits."""
    seen: list[tuple[Any, list[Any]]] = []
    if isinstance(store, EdgeStore):
        shard = store._shard
        real = shard.query  # type: ignore[union-attr]

        class Spy:
            def __getattr__(self, name: str) -> Any:
                return getattr(shard, name)

            def query(self, request: Any) -> Any:
                seen.append((request.filter, [p.filter for p in request.prefetches]))
                return real(request)

        monkeypatch.setattr(store, "_shard", Spy())
    else:
        assert isinstance(store, QdrantStore)
        real_qp = store.client.query_points

        def spy(*args: Any, **kwargs: Any) -> Any:
            seen.append((kwargs.get("query_filter"), [p.filter for p in kwargs.get("prefetch") or []]))
            return real_qp(*args, **kwargs)

        monkeypatch.setattr(store.client, "query_points", spy)
    query(store, "sot-xuat-huyet", CONG_AN, "hybrid")
    ((outer, prefetch_filters),) = seen
    assert outer is not None
    assert len(prefetch_filters) == 2 and all(f is not None for f in prefetch_filters)


def test_python_double_check_matches_the_rule() -> None:
    from indexing.stores.filters import payload_allows

    assert payload_allows(access("public"), ANONYMOUS)
    assert not payload_allows(access("internal"), ANONYMOUS)
    assert payload_allows(access("internal"), CONG_AN)
    assert payload_allows(access("restricted", units=("Sở Y tế",)), Y_TE)
    assert not payload_allows(access("restricted", units=("Sở Y tế",)), CONG_AN)
    assert payload_allows({"access_level": "restricted", "access_units": "Sở Y tế"}, Y_TE)
    assert payload_allows(access("restricted", roles=("thanh_tra",)), THANH_TRA)
    assert not payload_allows({"text": "no label"}, CONG_AN)  # unlabelled = hidden, as in the engine
    assert not payload_allows(access("restricted"), CONG_AN)
    assert not payload_allows(None, CONG_AN)
