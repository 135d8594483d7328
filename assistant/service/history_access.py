"""Old answers under today's access: a stored answer keeps quoting the chunks it cited, and the asker may
have lost the right to see them since (moved unit, document relabelled or deleted). Whenever history is
shown or used for a follow-up, each stored answer whose cited chunks are not all visible to the asker now
has its text and quotes withheld, with the reason, before anything reads it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from assistant.answer.records import CitedRecords
from assistant.service.conversations import Turn
from core.access import Principal

WITHHELD_ANSWER = ("Câu trả lời này đã được ẩn: một số văn bản mà nó trích dẫn không còn trong phạm vi bạn "
                   "được phép xem (đơn vị, nhãn truy cập đã thay đổi hoặc văn bản đã bị xoá).")
WITHHELD_REASON = "sources_no_longer_visible"


def cited_chunk_ids(data: dict[str, Any] | None) -> list[str]:
    citations = (data or {}).get("citations") or []
    return [str(c.get("chunk_id")) for c in citations if isinstance(c, dict) and c.get("chunk_id")]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def cited_visible(ids: list[str], principal: Principal, chunks_visible: Callable[[list[str], Principal], set[str]],
                  records: Sequence[object]) -> set[str]:
    """Which cited ids ``principal`` may see now: index chunks through the store's access filter
    (``chunks_visible``, e.g. ``Retriever.visible``; a procedure's fields are cited on its chunks), the rest
    through the record answerers whose replies cite records of their own (assigned tasks:
    ``CitedRecords.visible``). An id that no part can vouch for stays unseen: nothing is exempted."""
    chunk_like = [i for i in ids if _is_uuid(i)]  # the store's point ids; anything else is no chunk of it
    seen = set(chunks_visible(chunk_like, principal)) if chunk_like else set()
    for record in records:
        rest = [i for i in ids if i not in seen]
        if not rest:
            break
        if isinstance(record, CitedRecords):
            seen |= record.visible(rest, principal)
    return seen


def withhold_unseeable(turns: Sequence[Turn], visible: Callable[[list[str]], set[str]]) -> list[Turn]:
    """``turns`` with every assistant answer that cites a chunk not in ``visible(ids)`` withheld.

    ``visible`` is asked once, for every cited id of the conversation, under the asker's access filter."""
    wanted = sorted({cid for t in turns if t.role == "assistant" for cid in cited_chunk_ids(t.data)})
    seen = visible(wanted) if wanted else set()
    out: list[Turn] = []
    for turn in turns:
        cited = cited_chunk_ids(turn.data) if turn.role == "assistant" else []
        if any(cid not in seen for cid in cited):
            data = {**(turn.data or {}), "citations": [], "withheld": True, "withheld_reason": WITHHELD_REASON}
            data.pop("table", None)  # its rows quote the tasks as well
            out.append(Turn(turn.role, WITHHELD_ANSWER, turn.answer_id, data))
        else:
            out.append(turn)
    return out
