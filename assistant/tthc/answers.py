"""Exact answers for administrative procedures, read from the structured fields of the one procedure the
question names — never generated, and never from a different procedure.

``tthc_reply`` returns an answer (the asked fields of the named procedure, cited), a "not in the system"
reply with the closest procedures as suggestions (no citation: they are not the answer), or None when
the question is not about a procedure record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.answer.records import RecordReply
from assistant.answer.types import Source
from assistant.search.question import Naming, Question
from assistant.tthc.fields import TthcChannel, TthcFields, tthc_fields_of
from assistant.tthc.match import AskedWords, Candidate, best_named, candidates, title_key
from assistant.tthc.questions import asked_channel, asked_fields, mentions_procedure
from core.access import Principal
from core.vietnamese import fold

NOT_FOUND = "Thủ tục bạn hỏi chưa có trong hệ thống (không khớp với thủ tục nào trong các nguồn bạn được xem)."
AMBIGUOUS = "Câu hỏi khớp với nhiều thủ tục như nhau; bạn hỏi thủ tục nào?"
NO_DATA = "Cổng dịch vụ công không ghi thông tin này"
TITLES = {"time": "Thời hạn giải quyết", "fee": "Phí, lệ phí", "documents": "Thành phần hồ sơ",
          "agency": "Cơ quan thực hiện", "result": "Kết quả thực hiện", "subject": "Đối tượng thực hiện",
          "channel": "Cách thức thực hiện", "conditions": "Yêu cầu, điều kiện thực hiện",
          "legal_basis": "Căn cứ pháp lý"}
# The chunk group that holds each field, so the citation opens where the value is written.
_GROUPS = {"time": "Thời hạn và phí, lệ phí", "fee": "Thời hạn và phí, lệ phí", "channel": "Thời hạn và phí, lệ phí",
           "documents": "Thành phần hồ sơ", "legal_basis": "Căn cứ pháp lý",
           "conditions": "Yêu cầu, điều kiện thực hiện"}
MAX_SUGGESTIONS = 3


@dataclass
class TthcReply:
    """What the procedure path says: ``source`` is the cited chunk of an answer, None for "not found"."""

    text: str
    source: Source | None
    facts: dict[str, Any] = field(default_factory=dict)
    more: list[Source] = field(default_factory=list)  # the other cited chunks of an answer by case (``by_case``)

    @property
    def found(self) -> bool:
        return self.source is not None


def _channels(fields: TthcFields, channel: str | None) -> list[TthcChannel]:
    rows = fields.get("channels") or []
    chosen = [c for c in rows if channel and c.get("kenh") == channel]
    return chosen or rows


def _channel_lines(fields: TthcFields, channel: str | None) -> list[str]:
    rows = fields.get("channels") or []
    names = [c.get("kenh") for c in rows if c.get("kenh")]
    if not names:
        return [NO_DATA]
    lines = []
    if channel:
        verdict = "Có" if channel in names else "Không"
        lines.append(f"{verdict}: thủ tục này {'nhận' if channel in names else 'không ghi nhận'} hồ sơ qua kênh "
                     f"{channel.lower()}.")
    for c in rows:
        note = c.get("mo_ta") or ""
        lines.append(c["kenh"] + (f" ({note})" if note and note.casefold() != "không quy định" else ""))
    return lines


def _time_note(row: TthcChannel) -> str:
    """The channel's note when it speaks of time (variants are explained, not guessed); "" otherwise."""
    note = " ".join(str(row.get("mo_ta") or "").split())
    return f" ({note})" if note and "ngày" in note.lower() and len(note) <= 300 else ""


def _lines_for(name: str, fields: TthcFields, channel: str | None) -> list[str]:
    """The value lines of one field, as the record writes them."""
    if name == "time":  # a channel's note holds the cases with their own time ("7 ngày … nhà ở riêng lẻ"): shown
        lines = [f"{c.get('kenh') or 'Kênh nộp'}: {c.get('thoi_han') or NO_DATA}" + _time_note(c)
                 for c in _channels(fields, channel)]
        return lines + _case_lines(fields, lines)
    if name == "fee":
        return [f"{c.get('kenh') or 'Kênh nộp'}: {c.get('phi_le_phi') or NO_DATA}" for c in _channels(fields, channel)]
    if name == "documents":
        return _paper_lines(fields)
    if name == "agency":
        labelled = [("Cơ quan thực hiện", fields.get("co_quan_thuc_hien")),
                    ("Cơ quan có thẩm quyền", fields.get("co_quan_co_tham_quyen")),
                    ("Địa chỉ tiếp nhận hồ sơ", fields.get("dia_chi_tiep_nhan"))]
        seen: set[str] = set()
        lines = []
        for label, value in labelled:
            if value and value not in seen:
                seen.add(value)
                lines.append(f"{label}: {value}")
        return lines
    if name == "channel":
        return _channel_lines(fields, channel)
    if name == "legal_basis":
        return [" — ".join(x for x in (b.get("trich_yeu") or b.get("so_ky_hieu"), b.get("ngay_ban_hanh")) if x)
                for b in fields.get("can_cu_phap_ly") or []]
    if name == "conditions":
        text = fields.get("yeu_cau_dieu_kien") or ""
        return text.splitlines() if text else ["Không quy định yêu cầu, điều kiện riêng"]
    key = {"result": "ket_qua", "subject": "doi_tuong"}[name]
    return [str(fields.get(key) or "")]  # type: ignore[misc]


def _case_lines(fields: TthcFields, channel_lines: list[str]) -> list[str]:
    """The cases the portal settles with their own time, when they say more than the channels do (several
    cases, or a time the channel lines do not state): each named with its time, never one picked for the user."""
    cases = fields.get("truong_hop") or []
    stated = " ".join(channel_lines)
    if not cases or len(cases) == 1 and cases[0]["thoi_han"].split()[0] in stated.split():
        return []
    return ["Theo trường hợp giải quyết: " + "; ".join(f"{c['ten']}: {c['thoi_han']}" for c in cases)]


def _paper_lines(fields: TthcFields) -> list[str]:
    """The papers, each with its copies and form; where the record sorts them by case ("(1.1) Đối với công trình
    không theo tuyến"), the case is named before its papers, so a variant is explained, not merged."""
    papers = [p for p in fields.get("thanh_phan_ho_so") or [] if p.get("ten")]
    groups = list(dict.fromkeys(p.get("nhom", "") for p in papers))
    lines: list[str] = []
    for group in groups:
        if len(groups) > 1:
            name = group.rstrip(":")
            lines.append((name if name.lower().startswith("trường hợp") else f"Trường hợp {name}") + ":"
                         if group else "Các trường hợp khác:")
        lines += [p["ten"] + "".join(f"; {label}: {p[key]}" for key, label in  # type: ignore[literal-required]
                                     (("ban_chinh", "bản chính"), ("ban_sao", "bản sao"), ("mau_don", "mẫu"))
                                     if p.get(key))
                  for p in papers if p.get("nhom", "") == group]
    return lines


def _cited_source(best: Candidate, names: list[str], sources: list[Source]) -> Source:
    """The best-ranked chunk of the procedure that holds the first asked field (else its best chunk)."""
    group = _GROUPS.get(names[0], "Tổng quan")
    same = [s for s in sources if s.doc_id == best.source.doc_id]
    return next((s for s in same if s.payload.get("fields", {}).get("group") == group), best.source)


def answer_from(best: Candidate, question: str, sources: list[Source], asked: str = "") -> TthcReply:
    """The asked fields of the named procedure (agency, time and fee when none is asked); a follow-up's
    own words (``asked``) decide the field and channel before the condensed question's."""
    title = best.fields.get("ten_thu_tuc") or ""
    names = (asked_fields(asked, title) if asked else []) or asked_fields(question, title) or ["agency", "time", "fee"]
    channel = (asked_channel(asked, title) if asked else None) or asked_channel(question, title)
    source = _cited_source(best, names, sources)
    parts = []
    for name in names:
        lines = [line for line in _lines_for(name, best.fields, channel) if line] or [NO_DATA]
        if not parts:  # the marker stands after the first fact, which its quote must support (citations.supports);
            # a channel verdict ("Không: …") is the answer's own reading, the channel line after it is the fact
            at = 1 if name == "channel" and channel and len(lines) > 1 else 0
            lines = [*lines[:at], f"{lines[at]} [{source.marker}]", *lines[at + 1:]]
        parts.append(f"{TITLES[name]}:\n" + "\n".join(f"- {line}" for line in lines))
    header = f"Theo thủ tục {best.fields['ma_thu_tuc']} «{title}»:"
    facts = {"status": "answered", "ma_thu_tuc": best.fields["ma_thu_tuc"], "fields": names, "channel": channel,
             "score": round(best.score, 3)}
    return TthcReply(header + "\n" + "\n".join(parts), source, facts)


def not_found(found: list[Candidate]) -> TthcReply:
    """The procedure asked about is not here: say so, and list the closest ones as suggestions only."""
    ranked = sorted(found, key=lambda c: -c.score)[:MAX_SUGGESTIONS]
    lines = [f"- {c.fields['ma_thu_tuc']} «{c.fields.get('ten_thu_tuc', '')}»" for c in ranked]
    text = NOT_FOUND + ("\nCác thủ tục gần nhất (chỉ để tham khảo, không phải câu trả lời):\n" + "\n".join(lines)
                        if lines else "")
    facts = {"status": "not_found", "suggestions": [c.fields["ma_thu_tuc"] for c in ranked]}
    return TthcReply(text, None, facts)


def _named_line(c: Candidate) -> str:
    """A procedure as an ask-back lists it: code, exact name, and the level and publishing decision that tell
    two procedures of the same name apart."""
    f = c.fields
    extra = ", ".join(x for x in (f.get("cap_thuc_hien"), f"QĐ {f['quyet_dinh']}" if f.get("quyet_dinh") else "")
                      if x)
    return f"- {f['ma_thu_tuc']} «{f.get('ten_thu_tuc', '')}»" + (f" ({extra})" if extra else "")


def ambiguous(tied: list[Candidate], near: list[Candidate] | None = None) -> TthcReply:
    """The question fits several procedures equally: list them by their exact names (with what tells them
    apart) and the closest others, and ask which one (no answer, no citation)."""
    lines = [_named_line(c) for c in tied]
    others = [c for c in near or [] if c not in tied][:MAX_SUGGESTIONS]
    if others:
        lines += ["Thủ tục gần với câu hỏi:", *(_named_line(c) for c in others)]
    facts = {"status": "ambiguous", "suggestions": [c.fields["ma_thu_tuc"] for c in tied + others]}
    return TthcReply(AMBIGUOUS + "\n" + "\n".join(lines), None, facts)


MAX_CASES = 5  # tied procedures answered side by side; more are only listed (an ask-back)
BY_CASE = "Câu hỏi khớp với nhiều thủ tục và câu hỏi chưa nói rõ trường hợp nào; mỗi thủ tục quy định như sau:"
WHICH = "Bạn hỏi thủ tục nào? Hãy nêu rõ trường hợp (tên hoặc mã thủ tục) để được trả lời riêng."


def by_case(tied: list[Candidate], question: str, sources: list[Source], asked: str = "") -> TthcReply:
    """The question fits a few procedures equally (the same action at different levels or for different
    cases): the asked fields of each, each cited to its own record, then the question which one. Why: the
    official learns what each case says instead of an ask-back alone, and nothing is picked for them."""
    replies = [answer_from(c, question, sources, asked) for c in tied]
    text = "\n\n".join([BY_CASE, *(r.text for r in replies), WHICH])
    cited = [r.source for r in replies if r.source is not None]
    facts = {"status": "by_case", "suggestions": [c.fields["ma_thu_tuc"] for c in tied],
             "fields": replies[0].facts.get("fields", []) if replies else []}
    return TthcReply(text, cited[0] if cited else None, facts, cited[1:])


def with_variants(reply: TthcReply, default: Candidate, siblings: list[Candidate]) -> TthcReply:
    """A family asked by its everyday name is answered with its first-time member; the answer says so and names
    the siblings, so an official asking about another case knows where to look (never a guess between them)."""
    if not siblings:
        return reply
    lines = [f"- {c.fields['ma_thu_tuc']} «{c.fields.get('ten_thu_tuc', '')}»" for c in siblings]
    note = (f"Câu hỏi không nói rõ trường hợp, nên đây là thủ tục cấp mới ({default.fields['ma_thu_tuc']}). "
            "Nếu bạn hỏi trường hợp khác, xem thủ tục cùng loại:\n" + "\n".join(lines))
    facts = {**reply.facts, "variants": [c.fields["ma_thu_tuc"] for c in siblings]}
    return TthcReply(reply.text + "\n" + note, reply.source, facts)


def tthc_reply(question: str, sources: list[Source], asked: str = "",
               naming: Naming | None = None, folded: str | None = None) -> TthcReply | None:
    """Answer from the procedure the (standalone) question names; "not found" when the best-ranked source
    is a procedure but none of the retrieved ones is the one named; None for any other question.
    ``asked`` is the user's own words when ``question`` was condensed from a follow-up. ``naming`` is the
    decision over every indexed title (``tthc_catalogue``); without it, the retrieved procedures decide.
    ``folded``: the question's fold when the caller prepared it (``Question.folded``; ``question`` is then NFC),
    read by must-match instead of folding the question again."""
    if not sources or not mentions_procedure(question, folded):
        return None
    words = AskedWords.of(question, folded) if folded is not None else question
    found = candidates(words, sources)
    if not found:
        return None
    if naming is None:
        best = best_named(words, found)
    else:
        by_code = {c.fields["ma_thu_tuc"]: c for c in found}
        visible = [by_code[code] for code in naming.codes if code in by_code]
        near = sorted(found, key=lambda c: -c.score)
        if naming.status == "ambiguous" and not _procedure_first(words, sources):
            return None  # no one procedure named and a text ranks first: the writer follows retrieval
        if naming.status == "ambiguous" and len(visible) > 1:
            titles = {title_key(c.fields) for c in visible}
            if len(visible) <= MAX_CASES and len(visible) == len(naming.codes) == len(titles):
                # distinct procedures: each answered; one name held by two records is asked back (``ambiguous``)
                return by_case(visible, question, sources, asked)
            return ambiguous(visible, near)
        if naming.status == "named" and len(naming.codes) > 1:  # a family's default first, its siblings after
            if naming.codes[0] not in by_code:  # the default is not among the sources: ask, never answer a sibling
                return ambiguous(visible, near) if len(visible) > 1 else not_found(found)
            best = by_code[naming.codes[0]]
            return with_variants(answer_from(best, question, sources, asked), best, visible[1:])
        best = visible[0] if visible else None
    if best is not None:
        return answer_from(best, question, sources, asked)
    return not_found(found) if found[0].source is sources[0] or naming is not None and naming.codes else None


def _procedure_first(question: str | AskedWords, sources: list[Source]) -> bool:
    """Whether a question that names no one procedure is still one for the procedures: it says "thủ tục", or a
    procedure's record ranks first. "thoi han giai quyet khieu nai lan dau" fits five "giải quyết khiếu nại
    lần đầu cấp …" titles alike, and when the law's article ranks above them, the law answers it."""
    folded = " ".join(question.folded if isinstance(question, AskedWords) else fold(question).split())
    said = "thu tuc" in folded
    return said or tthc_fields_of(sources[0].payload) is not None


class ProcedureAnswerer:
    """The procedure path as a :class:`~assistant.answer.records.RecordAnswerer`: the fields of the one
    procedure the question names, "not in the system" with suggestions, or an ask-back between equals."""

    def reply(self, question: Question, principal: Principal, sources: list[Source]) -> RecordReply | None:
        found = tthc_reply(question.standalone, sources, asked=question.typed, naming=question.procedure,
                           folded=question.folded)
        if found is None:
            return None
        return RecordReply("tthc", found.text, [found.source, *found.more] if found.source is not None else [],
                           found.facts)
