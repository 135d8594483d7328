"""Must-match for warehouse reports: a question naming a period is not answered from another period's report
(the repository's sample summaries, parsed as the indexer does)."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.answer.records import RecordReply
from assistant.answer.types import Source
from assistant.search.question import Question
from assistant.warehouse.match import NOT_FOUND, ReportAnswerer, periods
from assistant.warehouse.parser import parse_warehouse
from connectors.warehouse import warehouse_document
from core.access import Principal
from core.vietnamese import fold
from indexing.payload import build_payload

WAREHOUSE = Path(__file__).resolve().parents[3] / "data" / "warehouse"


def sources_of(*names: str) -> list[Source]:
    out: list[Source] = []
    for name in names:
        doc = warehouse_document(json.loads((WAREHOUSE / name).read_text(encoding="utf-8")), name)
        for order, chunk in enumerate(parse_warehouse(doc)):
            out.append(Source(marker=len(out) + 1, chunk_id=f"{name}-{order}", doc_id=doc.doc_id,
                              citation=chunk.citation, text=chunk.text,
                              payload=build_payload(doc, chunk, order, "hash")))
    return out


def record_reply(text: str, sources: list[Source]) -> RecordReply | None:
    """The warehouse answerer's reply, as the answerer asks it (the question prepared once)."""
    return ReportAnswerer().reply(Question(text, text, text, fold(text), fold(text)), Principal(user_id="t"), sources)


def test_periods_are_read_with_or_without_diacritics() -> None:
    assert periods("tiêm chủng quý III năm 2026") == ({2026}, {3})
    assert periods("tiem chung quy 2/2025") == ({2025}, {2})
    assert periods("tỷ lệ tiêm chủng") == (set(), set())


def test_another_period_is_not_in_the_system_with_the_closest_reports_as_suggestions() -> None:
    sources = sources_of("tiem-chung-2026-q3.json")
    reply = record_reply("Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ quý II năm 2025 là bao nhiêu?", sources)
    assert reply is not None and not reply.found
    assert reply.text.startswith(NOT_FOUND) and "96,4" not in reply.text
    assert reply.facts == {"status": "not_found", "kind": "warehouse", "suggestions": [sources[0].doc_id]}


def test_the_period_asked_or_no_period_goes_to_the_writer() -> None:
    sources = sources_of("ho-so-tthc-truc-tuyen-2026-q3.json", "ho-so-tthc-truc-tuyen-2026-q2.json")
    assert record_reply("Tỷ lệ hồ sơ giải quyết trực tuyến quý II năm 2026 là bao nhiêu?", sources) is None
    assert record_reply("Tỷ lệ trẻ được tiêm chủng đầy đủ là bao nhiêu?", sources_of("tiem-chung-2026-q3.json")) \
        is None
