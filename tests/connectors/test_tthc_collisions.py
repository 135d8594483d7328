"""A procedure code held by both TTHC sets (the defence set and the province's) is indexed once, from the newer
record, and the collision is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.auto import iter_sources
from connectors.tthc import Collision
from core.documents import Document

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
BOTH = "1.013133.json"  # "Thủ tục đăng ký nghĩa vụ quân sự lần đầu": in corpus/tthc and corpus/tthc-province


@pytest.mark.skipif(not (SHARED / "tthc" / BOTH).exists() or not (SHARED / "tthc-province" / BOTH).exists(),
                    reason="../shared/corpus TTHC sets not present")
def test_the_newer_record_wins_and_the_collision_is_reported(tmp_path: Path) -> None:
    for folder in ("tthc", "tthc-province"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / BOTH).write_bytes((SHARED / folder / BOTH).read_bytes())
    found: list[Collision] = []
    docs = [d for d in iter_sources([tmp_path / "tthc", tmp_path / "tthc-province"], collisions=found)
            if isinstance(d, Document)]
    assert [d.doc_id for d in docs] == ["tthc:1.013133"]
    assert "tthc-province" in docs[0].source  # decided 10-12-2025; the defence record carries no date
    assert [(c.code, "tthc-province" in c.kept, "tthc-province" in c.dropped) for c in found] == [
        ("1.013133", True, False)]
    # the order of the folders does not decide
    again: list[Collision] = []
    docs = [d for d in iter_sources([tmp_path / "tthc-province", tmp_path / "tthc"], collisions=again)
            if isinstance(d, Document)]
    assert "tthc-province" in docs[0].source and len(again) == 1
