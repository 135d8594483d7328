"""The reply when a question names a document or unit that is not in the system ("Điều 5 Nghị định
99/2099/NĐ-CP"): say so, and do not answer from another document as if it were that one.

A document the asker may not see resolves to nothing, exactly like one that is not indexed, so the reply
reveals nothing about it. A law named by title only ("Điều 3 luật hôn nhân gia đình") is not refused when no
title matches: officials name laws loosely, and the search still finds the law under its own title.
"""

from __future__ import annotations

from assistant.answer.types import Source
from assistant.search.reference_lookup import ReferenceMatch, unit_label
from assistant.search.visible import VisibleChunks
from assistant.validity.notes import document_name
from assistant.validity.relations import Relation, Unit
from assistant.validity.store import RelationStore


def missing_reply(match: ReferenceMatch | None) -> str | None:
    """The one-paragraph reply, or None when the question names nothing missing."""
    if match is None:
        return None
    if match.doc_id is None and match.ask_back:  # several documents hold the number: which one?
        return match.ask_back
    if match.doc_id is None:
        if match.law_by_name:  # "theo luật bhxh 2024" where no indexed title is that law
            return (f"Văn bản «{match.named}» chưa có trong hệ thống, nên không thể trả lời theo văn bản này. "
                    f"Bạn có thể gửi văn bản để được lập chỉ mục, hoặc hỏi theo văn bản khác.")
        if match.so_hieu is None or match.so_hieu.year is None:
            return None
        unit = f"{unit_label(match.reference)} " if match.reference is not None else ""
        return (f"Văn bản {match.so_hieu.canonical} chưa có trong hệ thống, nên không thể trả lời {unit}"
                f"theo văn bản này. Bạn có thể gửi văn bản để được lập chỉ mục, hoặc hỏi theo văn bản khác.")
    if match.reference is not None and not match.hits:
        return f"Văn bản «{match.title}» trong hệ thống không có {unit_label(match.reference)}."
    return None


def _touches(rel: Relation, asked: Unit) -> bool:
    return any(u.covers(asked) or asked.covers(u) for u in rel.units)


def known_fate(relations: RelationStore, match: ReferenceMatch, visible: VisibleChunks) -> tuple[str, list[Source]]:
    """The reply for a missing document that indexed texts name: "Văn bản 58/2014/QH13 chưa có trong hệ
    thống." then what they did to it (to the unit asked about, when one is: "Theo điểm a khoản 1 Điều 219 của
    Luật số 45/2019/QH14 [1], văn bản 58/2014/QH13 được sửa đổi, bổ sung Điều 54 từ ngày 01/01/2021."), citing
    each clause; ("", []) when nothing indexed (and ``visible`` to the asker) names it."""
    if match.doc_id is not None or match.so_hieu is None:
        return "", []
    sentences: list[str] = []
    sources: list[Source] = []
    ref = match.reference
    asked = Unit(ref.dieu, ref.khoan, ref.diem) if ref is not None and ref.dieu[:1].isdigit() else None
    found = [r for r in relations.targeting(match.so_hieu.key) if r.kind in ("replaces", "repeals", "amends")
             and r.source == "text" and r.source_chunk_id]
    if asked is not None and any(_touches(r, asked) for r in found):  # the unit asked about, and the whole
        found = [r for r in found if _touches(r, asked) or (r.whole and r.kind != "amends")]
    # Whole replacements first, then the changes to the unit asked about, then the rest (at most three).
    found.sort(key=lambda r: (r.kind == "amends", not (asked is not None and _touches(r, asked))))
    for rel in found[:3]:
        hits = visible.get([rel.source_chunk_id])  # under the asker's access: a hidden clause is not told
        if not hits:
            continue
        source = next((s for s in sources if s.chunk_id == hits[0].chunk_id), None)  # one chunk, two changes
        if source is None:
            source = Source.of(len(sources) + 1, hits[0])
            sources.append(source)
        part = ", ".join(u.label for u in rel.units) or rel.scope
        what = ("hết hiệu lực" if rel.whole and rel.kind != "amends" else
                f"bị bãi bỏ {part}" if rel.kind == "repeals" else f"được sửa đổi, bổ sung {part}".rstrip())
        since = f" từ ngày {'/'.join(reversed(rel.effective.split('-')))}" if rel.effective else ""
        actor = document_name(rel.actor_so_hieu) if rel.actor_so_hieu else source.title
        sentences.append(f"Theo {rel.actor_unit} của {actor} [{source.marker}], văn bản {match.so_hieu.canonical} "
                         f"{what}{since}.")
    if not sentences:
        return "", []
    if asked is not None and not any(_touches(r, asked) for r in found):
        sentences.append(f"Các văn bản trong hệ thống không nêu thay đổi nào đối với {asked.label} của văn bản này.")
    unit = f" (không trích được nội dung {unit_label(ref)})" if ref is not None else ""
    head = f"Văn bản {match.so_hieu.canonical} chưa có trong hệ thống{unit}."
    return " ".join([head, *sentences]), sources
