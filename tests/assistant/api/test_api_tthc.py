"""TTHC facts travel through the API as typed data on citations, sources and search hits."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

TTHC = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "tthc"
# conftest indexes 1.013124, 1.013539 and 1.013563 when the shared folder is there.
pytestmark = pytest.mark.skipif(not (TTHC / "1.013124.json").is_file() or not (TTHC / "1.013539.json").is_file(),
                                reason="the shared TTHC exports are not present")

FEE_QUESTION = ("Lệ phí thẩm định và phê duyệt kế hoạch ứng phó sự cố tràn dầu của cơ sở dầu khí ngoài khơi "
                "là bao nhiêu?")
CHANNEL_KEYS = {"kenh", "thoi_han", "phi_le_phi", "mo_ta"}


def test_ask_puts_the_procedure_fields_on_a_tthc_citation(client: TestClient, login) -> None:  # noqa: ANN001
    r = client.post("/v1/ask", json={"question": FEE_QUESTION}, headers=login("vp.nguyenvana"))
    assert r.status_code == 200, r.text
    body = r.json()
    citation = body["citations"][0]
    assert citation["doc_id"] == "tthc:1.013124"
    tthc = citation["tthc"]
    assert tthc["ma_thu_tuc"] == "1.013124"
    assert tthc["co_quan_thuc_hien"] == "Văn phòng Ủy ban Quốc gia Ứng phó sự cố, thiên tai và Tìm kiếm cứu nạn"
    assert [c["kenh"] for c in tthc["channels"]] == ["Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính"]
    assert all(set(c) == CHANNEL_KEYS and c["phi_le_phi"] == "Phí: 0 đồng" for c in tthc["channels"])
    assert tthc["thanh_phan_ho_so"][0] == {
        "ten": "Văn bản đề nghị thẩm định và phê duyệt kế hoạch ứng phó sự cố tràn dầu.",
        "ban_chinh": 1, "ban_sao": 0, "mau_don": None,
    }
    assert tthc["can_cu_phap_ly"][0]["co_quan_ban_hanh"] == "Thủ tướng Chính phủ"
    assert "group" not in tthc and "order" not in tthc  # chunk bookkeeping stays in the store
    sources = {s["chunk_id"]: s for s in body["sources"]}
    assert sources[citation["chunk_id"]]["tthc"] == tthc
    assert all(s["tthc"] is None for s in body["sources"] if not s["doc_id"].startswith("tthc:"))


def test_non_tthc_citations_have_no_procedure_fields(client: TestClient, login) -> None:  # noqa: ANN001
    r = client.post("/v1/ask", json={"question": "Cán bộ tiếp nhận hồ sơ có trách nhiệm số hóa hồ sơ khi nào?"},
                    headers=login("vp.nguyenvana"))
    assert r.status_code == 200, r.text
    citations = r.json()["citations"]
    assert citations and all(c["tthc"] is None for c in citations)


def test_search_hits_of_a_procedure_carry_its_fields(client: TestClient, login) -> None:  # noqa: ANN001
    r = client.post("/v1/search", json={"query": "giấy phép sử dụng vật liệu nổ công nghiệp", "top_k": 10,
                                        "filters": {"kinds": ["tthc"]}}, headers=login("vp.nguyenvana"))
    assert r.status_code == 200, r.text
    hits = r.json()["hits"]
    assert hits and all(h["kind"] == "tthc" for h in hits)
    explosives = next(h for h in hits if h["doc_id"] == "tthc:1.013539")
    channels = explosives["tthc"]["channels"]
    assert [c["thoi_han"] for c in channels] == ["15 Ngày", "15 Ngày", "15 Ngày làm việc"]
    assert len(explosives["tthc"]["thanh_phan_ho_so"]) == 13


def test_openapi_documents_the_tthc_shape(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert {"kenh", "thoi_han", "phi_le_phi", "mo_ta"} <= set(schemas["TthcChannelOut"]["properties"])
    assert "tthc" in schemas["CitationOut"]["properties"] and "tthc" in schemas["HitOut"]["properties"]
