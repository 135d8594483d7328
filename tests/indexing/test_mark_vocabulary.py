"""Restoring marks from the index's own vocabulary: a real SQLite file, small Vietnamese texts."""

from __future__ import annotations

from pathlib import Path

from indexing.mark_vocabulary import MarkVocabulary

TEXTS = [
    "Lệ phí thẩm định kế hoạch ứng phó sự cố tràn dầu là bao nhiêu?",
    "Cơ quan có thẩm quyền thẩm định kế hoạch ứng phó sự cố tràn dầu ngoài khơi.",
    "Người bán tài sản; bàn giao hồ sơ; ban chỉ đạo; bạn đọc",
    "Bán đấu giá tài sản công. Bán đấu giá quyền sử dụng đất.",
]


def test_restores_marks_from_counts(tmp_path: Path) -> None:
    vocab = MarkVocabulary(tmp_path / "v.sqlite")
    vocab.add(TEXTS)
    assert vocab.restore("le phi tham dinh ke hoach ung pho su co tran dau ngoai khoi la bao nhieu") == \
        "lệ phí thẩm định kế hoạch ứng phó sự cố tràn dầu ngoài khơi là bao nhiêu"
    # The neighbours choose among the spellings of "ban".
    assert vocab.restore("ban dau gia tai san") == "bán đấu giá tài sản"
    assert vocab.restore("ban giao ho so") == "bàn giao hồ sơ"
    assert vocab.restore("Ban chi dao") == "Ban chỉ đạo"
    vocab.close()


def test_marked_syllables_unknown_words_and_punctuation_are_kept(tmp_path: Path) -> None:
    vocab = MarkVocabulary(tmp_path / "v.sqlite")
    vocab.add(TEXTS)
    assert vocab.restore("bàn dau gia, ABC 2024?") == "bàn đấu giá, ABC 2024?"
    assert vocab.restore("") == ""
    vocab.close()


def test_counts_persist_and_clear(tmp_path: Path) -> None:
    vocab = MarkVocabulary(tmp_path / "v.sqlite")
    vocab.add(TEXTS)
    vocab.close()
    again = MarkVocabulary(tmp_path / "v.sqlite")
    assert again.restore("tran dau") == "tràn dầu"
    again.clear()
    assert again.restore("tran dau") == "tran dau"
    again.close()
