"""One số hiệu held by two documents (87/QĐ-UBND of the UBND and of its Chủ tịch; 11/CT-UBND of 2021 and
2024): a question that gives the year, the date or the issuer opens the right one; one that does not is asked
back with both named, never answered from one picked at random. Real manifest (SQLite) and local store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.search.reference_lookup import ReferenceLookup, ReferenceMatch
from core.access import Principal
from core.vietnamese import fold
from indexing.manifest import Manifest
from indexing.store import SearchFilter, SparseVec, StoredPoint
from indexing.stores.edge_store import EdgeStore


def find(lookup: ReferenceLookup, question: str, flt: SearchFilter) -> ReferenceMatch | None:
    """The lookup as the retriever calls it: the question with its fold, made once."""
    return lookup.lookup(question, fold(question), flt)


READER = Principal(user_id="u1", name="Cán bộ", unit="Sở Nội vụ", roles=("chuyen_vien",))
DOCS = {
    "ct-2021": ("Chỉ thị 11/CT-UBND về Kỳ thi tốt nghiệp", {"so_hieu": "11/CT-UBND", "ngay_ban_hanh": "2021-05-11",
                                                           "co_quan_ban_hanh": "Ủy ban nhân dân tỉnh Quảng Ngãi"}),
    "ct-2024": ("Chỉ thị 11/CT-UBND về phòng chống thiên tai", {"so_hieu": "11/CT-UBND",
                                                                "ngay_ban_hanh": "2024-08-02",
                                                                "co_quan_ban_hanh": "Ủy ban nhân dân tỉnh Quảng Ngãi"}),
}


@pytest.fixture
def lookup(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ReferenceLookup]:
    restricted = getattr(request, "param", ())  # documents only Sở Tài chính may read
    manifest = Manifest(tmp_path / "manifest.sqlite")
    store = EdgeStore(tmp_path / "edge")
    store.ensure_collection(4)
    points = []
    for i, (doc_id, (title, meta)) in enumerate(DOCS.items()):
        manifest.mark_pending(doc_id, f"{doc_id}.pdf", "legal", title, "h", [str(i)], metadata=meta)
        manifest.mark_done(doc_id)
        points.append(StoredPoint(id=f"00000000-0000-0000-0000-00000000000{i}", dense=[1.0, 0, 0, 0],
                                  sparse=SparseVec([1], [1.0]), payload={"doc_id": doc_id, "order": 0, "text": title,
                                                        "access_level": "restricted" if doc_id in restricted
                                                        else "public",
                                                        "access_units": ["Sở Tài chính"] if doc_id in restricted
                                                        else [],
                                                        "access_roles": []}))
    store.upsert(points)
    yield ReferenceLookup(store, lambda: [(d, t) for d, (t, _) in DOCS.items()], manifest.numbered,
                          details=lambda d: dict(manifest.get(d).metadata))  # type: ignore[union-attr]
    store.close()
    manifest.close()


def test_the_year_tells_two_documents_with_one_number_apart(lookup: ReferenceLookup) -> None:
    match = find(lookup, "Chỉ thị 11/CT-UBND năm 2024 giao nhiệm vụ gì?", SearchFilter(READER))
    assert match is not None and match.doc_id == "ct-2024" and not match.choices
    match = find(lookup, "Chỉ thị 11/CT-UBND ngày 11/5/2021", SearchFilter(READER))
    assert match is not None and match.doc_id == "ct-2021"


def test_without_year_or_issuer_the_question_is_asked_back(lookup: ReferenceLookup) -> None:
    match = find(lookup, "Chỉ thị 11/CT-UBND giao nhiệm vụ gì?", SearchFilter(READER))
    assert match is not None and match.doc_id is None and len(match.choices) == 2
    assert match.missing is not None and "Có 2 văn bản cùng số hiệu 11/CT-UBND" in match.missing
    assert "ngày 11/05/2021" in match.missing and "ngày 02/08/2024" in match.missing


@pytest.mark.parametrize("lookup", [("ct-2024",)], indirect=True)
def test_an_ask_back_never_names_a_document_the_asker_may_not_see(lookup: ReferenceLookup) -> None:
    """The 2024 directive is restricted to Sở Tài chính: a reader of Sở Nội vụ is not asked "which one?" with its
    title in the question; the number resolves to the one they may read."""
    match = find(lookup, "Chỉ thị 11/CT-UBND giao nhiệm vụ gì?", SearchFilter(READER))
    assert match is not None and match.doc_id == "ct-2021" and not match.choices
    assert "phòng chống thiên tai" not in (match.missing or "") + (match.title or "")
