"""ArticlesConnector: BEIR article lines regrouped into one Document per law, in file order."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from connectors.articles import ArticlesConnector, article_block, law_type
from connectors.auto import iter_sources
from connectors.base import Rejection
from core.documents import Document


def line(law: str, article: str | int, text: str) -> str:
    return json.dumps(
        {"_id": f"{law}||{article}", "law_id": law, "article_id": article, "text": text}, ensure_ascii=False
    )


def test_groups_by_law_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(
        "\n".join(
            [
                line(
                    "Luật Cư trú",
                    "1",
                    "Phạm vi điều chỉnh\n\nLuật này quy định về việc thực hiện quyền tự do cư trú.",
                ),
                line("Bộ luật dân sự", "1", "Phạm vi điều chỉnh\n\nBộ luật này quy định địa vị pháp lý."),
                line(
                    "Luật Cư trú",
                    2,
                    "Giải thích từ ngữ\n\nTrong Luật này:\n\n1. Chỗ ở hợp pháp là nơi để sinh sống.",
                ),
                "",
                line(
                    "Hiến pháp",
                    "1",
                    "Nước Cộng hòa xã hội chủ nghĩa Việt Nam là một nước độc lập, có chủ quyền.",
                ),
            ]
        ),
        encoding="utf-8",
    )
    docs = list(ArticlesConnector(path).documents())
    assert all(isinstance(d, Document) for d in docs)
    assert [d.doc_id for d in docs] == ["law:Luật Cư trú", "law:Bộ luật dân sự", "law:Hiến pháp"]
    cu_tru = docs[0]
    assert isinstance(cu_tru, Document)
    assert cu_tru.kind == "legal" and cu_tru.title == "Luật Cư trú" and cu_tru.source == str(path)
    assert cu_tru.metadata == {"loai_van_ban": "Luật", "source_format": "beir"}
    assert cu_tru.text == (
        "Điều 1. Phạm vi điều chỉnh\nLuật này quy định về việc thực hiện quyền tự do cư trú.\n\n"
        "Điều 2. Giải thích từ ngữ\nTrong Luật này:\n\n1. Chỗ ở hợp pháp là nơi để sinh sống."
    )
    assert [d.metadata["loai_van_ban"] for d in docs[1:]] == ["Bộ luật", "Hiến pháp"]  # type: ignore[union-attr]
    # A text without a blank line: its first line is the title.
    assert docs[2].text.startswith("Điều 1. Nước Cộng hòa")  # type: ignore[union-attr]


def test_malformed_lines_are_rejected_and_the_rest_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(
        "\n".join(
            [
                line(
                    "Luật Thanh niên", "1", "Phạm vi điều chỉnh\n\nLuật này quy định về quyền của thanh niên."
                ),
                '{"law_id": "Luật Thanh niên", "article_id": "2", "text": ',
                json.dumps({"law_id": "Luật Thanh niên", "text": "Thiếu số điều"}, ensure_ascii=False),
                '["không", "phải", "đối tượng"]',
                line("Luật Thanh niên", "1", "Trùng\n\nĐiều này lặp lại."),
                json.dumps({"law_id": "", "article_id": "5", "text": "x"}),
                json.dumps(
                    {"law_id": "Luật Thanh niên", "article_id": "3", "text": "   "}, ensure_ascii=False
                ),
                line(
                    "Luật Thanh niên",
                    "4",
                    "Chính sách của Nhà nước đối với thanh niên\n\nNhà nước có chính sách...",
                ),
            ]
        ),
        encoding="utf-8",
    )
    items = list(ArticlesConnector(path).documents())
    rejections = [i for i in items if isinstance(i, Rejection)]
    assert [r.reason.split(":")[0] for r in rejections] == [
        "dòng 2",
        "dòng 3",
        "dòng 4",
        "dòng 5",
        "dòng 6",
        "dòng 7",
    ]
    assert "JSON hỏng" in rejections[0].reason
    assert "article_id" in rejections[1].reason
    assert "bị lặp" in rejections[3].reason
    assert "law_id" in rejections[4].reason and "text" in rejections[5].reason
    (doc,) = [i for i in items if isinstance(i, Document)]
    assert [ln for ln in doc.text.splitlines() if ln.startswith("Điều ")] == [
        "Điều 1. Phạm vi điều chỉnh",
        "Điều 4. Chính sách của Nhà nước đối với thanh niên",
    ]


def test_nfd_lines_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "nfd.jsonl"
    path.write_text(
        unicodedata.normalize("NFD", line("Luật Du lịch", "1", "Phạm vi\n\nLuật này quy định.")),
        encoding="utf-8",
    )
    (doc,) = ArticlesConnector(path).documents()
    assert isinstance(doc, Document) and doc.doc_id == "law:Luật Du lịch"
    assert unicodedata.is_normalized("NFC", doc.text) and doc.text.startswith("Điều 1. Phạm vi")


@pytest.mark.parametrize(
    ("content", "words"), [(b"", "rỗng"), (b"\n\n", "không có điều luật"), (b"\xff\xfe\x00garbage", "UTF-8")]
)
def test_bad_files(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    (item,) = ArticlesConnector(path).documents()
    assert isinstance(item, Rejection) and words in item.reason


def test_real_corpus(shared_dir: Path) -> None:
    path = shared_dir / "benchmarks" / "alqac24_25" / "corpus.jsonl"
    if not path.exists():
        pytest.skip(f"ALQAC corpus not found at {path}")
    docs = list(iter_sources([path]))
    assert all(isinstance(d, Document) for d in docs)
    by_id = {d.doc_id: d for d in docs if isinstance(d, Document)}
    assert len(by_id) == 17
    civil = by_id["law:Bộ luật dân sự"]
    assert civil.metadata["loai_van_ban"] == "Bộ luật"
    assert sum(1 for ln in civil.text.splitlines() if ln.startswith("Điều ")) >= 689
    assert by_id["law:Luật Phòng, chống ma túy"].text.startswith(
        "Điều 1. Phạm vi điều chỉnh\nLuật này quy định"
    )


def test_helpers() -> None:
    assert law_type("Bộ luật dân sự") == "Bộ luật"
    assert law_type("Hiến pháp") == "Hiến pháp"
    assert law_type("Luật Giáo dục") == "Luật"
    assert article_block("7", "Tiêu đề\n\n") == "Điều 7. Tiêu đề"
