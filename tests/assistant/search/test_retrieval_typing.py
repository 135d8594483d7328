"""Retrieval as officials type, on both store engines: without marks, by reference, in abbreviations.

A small generated corpus (three documents, Điều/Khoản chunks) is written with the runtime's sparse encoding
into a real qdrant-edge shard and a real qdrant-client local store; searches go through the Retriever.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from qdrant_client import QdrantClient

from assistant.search.reference_lookup import ReferenceLookup, ReferenceMatch
from assistant.search.retrieval import Retriever
from core.access import Principal
from core.aliases import default_aliases
from core.vietnamese import fold, strip_marks
from indexing.sparse_encoder import SparseEncoder
from indexing.store import SearchFilter, StoredPoint, VectorStore
from indexing.stores.edge_store import EdgeStore
from indexing.stores.qdrant_store import QdrantStore


def find(lookup: ReferenceLookup, question: str, flt: SearchFilter) -> ReferenceMatch | None:
    """The lookup as the retriever calls it: the question with its fold, made once."""
    return lookup.lookup(question, fold(question), flt)


DIM = 4
ENC = SparseEncoder(segmenter="syllable", avgdl=60.0, bigrams=True, mark_free=True, aliases=default_aliases())
OFFICIAL = Principal(user_id="u1", name="Cán bộ", unit="Sở Nội vụ", roles=("chuyen_vien",))
OUTSIDER = Principal(user_id="u2", name="Khác", unit="Sở Y tế", roles=("chuyen_vien",))

TITLES = [("law:vc", "Luật Viên chức"), ("nd:30-2020", "Nghị định 30/2020/NĐ-CP về công tác văn thư"),
          ("kh:12", "Kế hoạch 12/KH-UBND về chuyển đổi số"), ("mat:1", "Quyết định 99/2024/QĐ-UBND (mật)")]
# name, doc_id, fields, text, access level
CHUNKS: list[tuple[str, str, dict[str, str], str, str]] = [
    ("vc-13", "law:vc", {"dieu": "13"}, "Điều 13. Quyền của viên chức về hoạt động nghề nghiệp", "public"),
    ("vc-14-1", "law:vc", {"dieu": "14", "khoan": "1"},
     "Điều 14 khoản 1. Viên chức được bảo đảm trang bị, thiết bị làm việc", "public"),
    ("vc-14-2", "law:vc", {"dieu": "14", "khoan": "2"},
     "Điều 14 khoản 2. Viên chức được nghỉ hằng năm, nghỉ lễ, nghỉ việc riêng", "public"),
    ("nd-5", "nd:30-2020", {"dieu": "5"}, "Điều 5. Giá trị pháp lý của văn bản điện tử", "public"),
    ("nd-8", "nd:30-2020", {"dieu": "8"}, "Điều 8. Thể thức văn bản hành chính: quốc hiệu, tiêu ngữ", "public"),
    ("kh-1", "kh:12", {"muc": "I"}, "Ủy ban nhân dân tỉnh giao Sở Thông tin và Truyền thông chủ trì cấp căn "
     "cước công dân điện tử; bán đấu giá tài sản công", "public"),
    ("kh-2", "kh:12", {"muc": "II"}, "Bàn giao hồ sơ thủ tục hành chính; ban chỉ đạo chuyển đổi số", "public"),
    ("mat-1", "mat:1", {"dieu": "1"}, "Điều 1. Phương án di dời trụ sở bí mật", "restricted"),
]


def cid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def point(i: int) -> StoredPoint:
    name, doc_id, fields, text, level = CHUNKS[i]
    access: dict[str, Any] = {"access_level": level, "access_units": ["Văn phòng UBND tỉnh"] if level != "public"
                              else [], "access_roles": []}
    dense = [0.1] * DIM
    dense[i % DIM] = 1.0
    return StoredPoint(id=cid(name), dense=dense, sparse=ENC.encode_document(text),
                       payload={"doc_id": doc_id, "fields": fields, "order": i, "text": text, **access})


@pytest.fixture(params=["edge", "qdrant-local"])
def retriever(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Retriever]:
    store: VectorStore
    if request.param == "edge":
        store = EdgeStore(tmp_path / "edge")
    else:
        store = QdrantStore(QdrantClient(path=str(tmp_path / "qdrant")), "typing")
    store.ensure_collection(DIM)
    store.upsert([point(i) for i in range(len(CHUNKS))])
    store.optimize()
    yield Retriever(store, embedder=None, sparse=ENC, references=ReferenceLookup(store, lambda: TITLES))  # type: ignore[arg-type]
    store.close()


def names(hits: list[Any]) -> list[str]:
    by_id = {cid(n): n for n, *_ in CHUNKS}
    return [by_id[h.chunk_id] for h in hits]


def search(r: Retriever, query: str, who: Principal = OFFICIAL) -> list[str]:
    return names(r.search(query, who, top_k=5, mode="sparse"))


@pytest.mark.parametrize("query", ["Thể thức văn bản hành chính", "the thuc van ban hanh chinh",
                                   "Thể thuc van ban hành chinh", "giá trị pháp lý văn bản điện tử"])
def test_unmarked_and_partly_marked_queries_find_what_the_marked_one_finds(retriever: Retriever,
                                                                            query: str) -> None:
    marked = search(retriever, "Thể thức văn bản hành chính" if "thuc" in strip_marks(query).lower()
                    else "Giá trị pháp lý của văn bản điện tử")
    assert search(retriever, query)[0] == marked[0]
    assert search(retriever, strip_marks(query))[0] == marked[0]


def test_marked_query_keeps_its_precision(retriever: Retriever) -> None:
    """"bán" (sell) finds the auction, "bàn giao" the hand-over; typed without marks, "ban" finds all of them."""
    assert search(retriever, "bán đấu giá")[0] == "kh-1"
    assert search(retriever, "bàn giao")[0] == "kh-2"
    assert "kh-2" not in search(retriever, "bán")
    assert {"kh-1", "kh-2"} <= set(search(retriever, "ban"))


@pytest.mark.parametrize(("query", "first"), [
    ("Điều 14 Luật Viên chức", "vc-14-1"),
    ("dieu 14 luat vien chuc quy dinh gi", "vc-14-1"),
    ("khoản 2 điều 14 luật viên chức", "vc-14-2"),
    ("Điều 8 Nghị định 30/2020/NĐ-CP", "nd-8"),
    ("dieu 8 nghi dinh 30/2020/nd-cp", "nd-8"),
    ("Điều 5 NĐ 30/2020", "nd-5"),
])
def test_references_are_opened_and_ranked_first(retriever: Retriever, query: str, first: str) -> None:
    found = search(retriever, query)
    assert found[0] == first
    match = retriever.reference(query, OFFICIAL)
    assert match is not None and match.missing is None


def test_a_whole_article_reference_brings_every_khoan(retriever: Retriever) -> None:
    assert search(retriever, "Điều 14 Luật Viên chức")[:2] == ["vc-14-1", "vc-14-2"]


def test_bare_so_hieu_ranks_that_document_first(retriever: Retriever) -> None:
    assert search(retriever, "NĐ 30/2020 quy định quốc hiệu, tiêu ngữ")[0] == "nd-8"
    assert search(retriever, "KH 12/KH-UBND")[0].startswith("kh-")


def test_reference_to_something_not_indexed_says_so(retriever: Retriever) -> None:
    match = retriever.reference("khoản 2 điều 37 bộ luật lao động", OFFICIAL)
    assert match is not None and match.doc_id is None
    assert "bo luat lao dong" in (match.missing or "")
    unit = retriever.reference("Điều 99 Luật Viên chức", OFFICIAL)
    assert unit is not None and unit.doc_id == "law:vc" and "Điều 99" in (unit.missing or "")
    assert retriever.reference("Nghị định 31/2020/NĐ-CP", OFFICIAL).missing  # type: ignore[union-attr]
    assert retriever.reference("Viên chức được nghỉ hằng năm", OFFICIAL) is None


def test_a_hidden_document_resolves_like_a_missing_one(retriever: Retriever) -> None:
    match = retriever.reference("Điều 1 Quyết định 99/2024/QĐ-UBND", OUTSIDER)
    assert match is not None and match.doc_id is None and not match.hits
    assert "mat-1" not in search(retriever, "Điều 1 Quyết định 99/2024/QĐ-UBND", OUTSIDER)
    assert "bí mật" not in (match.missing or "")


@pytest.mark.parametrize(("query", "first"), [
    ("UBND tỉnh giao Sở TT&TT", "kh-1"), ("cấp CCCD điện tử", "kh-1"), ("hồ sơ TTHC", "kh-2"),
    ("cap cccd dien tu", "kh-1"),
])
def test_abbreviations_match_the_text_they_stand_for(retriever: Retriever, query: str, first: str) -> None:
    assert search(retriever, query)[0] == first


def test_a_versioned_lookup_reads_the_titles_once_per_version_and_resolves_the_same(retriever: Retriever) -> None:
    """With ``version`` the titles are read and prepared once per change (not per question) and every
    reference resolves as without it; a title added under a new version is found at once."""
    reads: list[int] = []
    titles, version = list(TITLES[:-1]), [1]

    def read() -> list[tuple[str, str]]:
        reads.append(1)
        return list(titles)

    plain = ReferenceLookup(retriever.store, lambda: list(titles))
    versioned = ReferenceLookup(retriever.store, read, version=lambda: version[0])
    flt = SearchFilter(principal=OFFICIAL)
    queries = ["Điều 14 Luật Viên chức", "NĐ 30/2020 quy định gì", "Kế hoạch 12/KH-UBND", "Điều 99 Luật Viên chức",
               "Nghị định 31/2020/NĐ-CP", "Quyết định 99/2024/QĐ-UBND", "khoản 2 điều 14 luat vien chuc"]
    for _ in range(2):
        for query in queries:
            assert find(versioned, query, flt) == find(plain, query, flt), query
    assert len(reads) == 1
    assert find(versioned, "Quyết định 99/2024/QĐ-UBND", flt).doc_id is None  # type: ignore[union-attr]
    titles.append(TITLES[-1])
    version[0] = 2
    found = find(versioned, "Quyết định 99/2024/QĐ-UBND", SearchFilter(principal=OFFICIAL))
    assert found == find(plain, "Quyết định 99/2024/QĐ-UBND", flt) and len(reads) == 2


def test_a_law_named_by_name_and_year_that_is_not_indexed_is_said_missing(retriever: Retriever) -> None:
    from assistant.validity import missing_reply

    match = retriever.reference("mức hưởng trợ cấp thôi việc theo luật bhxh 2024 là bao nhiêu", OFFICIAL)
    assert match is not None and match.doc_id is None and match.law_by_name
    assert "luật bhxh 2024" in (missing_reply(match) or "") and "chưa có trong hệ thống" in (missing_reply(match) or "")
    # named by name and year, and indexed (any year, marks or not): searched as before, nothing said missing
    assert retriever.reference("Theo Luật Viên chức năm 2010, viên chức được nghỉ hằng năm?", OFFICIAL) is None
    assert retriever.reference("luat vien chuc 2019 quy dinh nghi hang nam", OFFICIAL) is None
    # not a law's name: "pháp luật", "luật này", no year
    for query in ("văn bản quy phạm pháp luật 2015 có hiệu lực khi nào", "luật này năm 2015 quy định gì"):
        other = retriever.reference(query, OFFICIAL)
        assert other is None or not other.law_by_name
    assert retriever.reference("theo luật bảo hiểm xã hội thì lương hưu tính thế nào", OFFICIAL) is None
