"""The card in Vietnamese words, as the CLI prints it (the UI lays the same dict out as a page): every item
with its place ("dòng 12, trang 1", "Mục VI.1, ý 2"), a field not read said to be unread."""

from __future__ import annotations

from typing import Any

from core.deadlines import moment

LABELS = {"so_hieu": "Số, ký hiệu", "loai_van_ban": "Loại văn bản", "co_quan_ban_hanh": "Cơ quan ban hành",
          "ngay_ban_hanh": "Ngày văn bản", "trich_yeu": "Trích yếu", "do_khan": "Độ khẩn", "do_mat": "Độ mật",
          "nguoi_ky": "Người ký", "chuc_vu": "Chức vụ người ký", "quyen_han_ky": "Thẩm quyền ký"}
UNREAD = "chưa đọc được"


def day(iso: str | None) -> str:
    """"2026-01-05" → "05/01/2026"."""
    if not iso:
        return ""
    y, m, d = iso[:10].split("-")
    return f"{d}/{m}/{y}"


def where(place: dict[str, Any] | None) -> str:
    """"Mục VI.1, ý 2 — dòng 131, trang 3"; "" when nothing is known."""
    if not place:
        return ""
    parts = [place["cite"]] if place.get("cite") else []
    at = []
    if place.get("line"):
        at.append(f"dòng {place['line']}")
    if place.get("page"):
        at.append(f"trang {place['page']}")
    if at:
        parts.append(", ".join(at))
    return " — ".join(parts)


def _units(refs: list[dict[str, Any]]) -> str:
    return ", ".join(r["name"] + (f" ({r['note']})" if r.get("note") else "") for r in refs)


def deadline_words(deadline: dict[str, Any]) -> str:
    if deadline.get("due"):
        return f"{day(deadline['due'])} («{deadline['text']}»)"
    if deadline.get("text"):
        return f"«{deadline['text']}» (chưa quy ra ngày)"
    return "không nêu hạn"


def render_card(card: dict[str, Any]) -> str:
    """The card as lines of Vietnamese text."""
    out = [f"PHIẾU XỬ LÝ VĂN BẢN ĐẾN — {card['file']}", ""]
    for name, label in LABELS.items():
        item = card["header"].get(name) or {}
        value = item.get("value")
        if value is None and name in ("do_khan", "do_mat"):
            value = "không ghi"
        elif name == "ngay_ban_hanh" and value:
            value = day(str(value))
        shown = value if value is not None else UNREAD
        at = where(item.get("place"))
        out.append(f"{label}: {shown}" + (f" [{at}]" if at else ""))
    if card["ky_so"]:
        shown_signatures = {(s.get("signer"), s.get("organisation"), s.get("signing_time")): s
                            for s in card["ky_so"]}  # a gazette signs several fields at one time: said once
        for sig in shown_signatures.values():
            who = sig.get("signer") or sig.get("organisation") or "không rõ người ký"
            when = moment(sig["signing_time"]) if sig.get("signing_time") else ""
            out.append(f"Ký số: {who}" + (f", {when}" if when else ""))
    else:
        out.append("Ký số: không có chữ ký số đọc được")
    out += ["", f"YÊU CẦU ({len(card['requests'])}):"]
    for i, req in enumerate(card["requests"], 1):
        out.append(f"{i}. {req['text']}")
        out.append(f"   Chủ trì: {_units(req['lead']) or 'không nêu'}"
                   + (f"; phối hợp: {_units(req['support'])}" if req["support"] else ""))
        out.append(f"   Hạn: {deadline_words(req['deadline'])} [{where(req['place'])}]")
    if not card["requests"]:
        out.append("(không thấy yêu cầu giao cho đơn vị nào)")
    out += ["", "ĐỀ XUẤT ĐƠN VỊ XỬ LÝ:"]
    if card["lead"]:
        lead = card["lead"]
        out.append(f"Chủ trì: {lead['unit']} — vì: «{lead['reason'][:200]}» [{where(lead['place'])}]")
        for s in card["support"]:
            out.append(f"Phối hợp: {s['unit']} — vì: «{s['reason'][:200]}» [{where(s['place'])}]")
    else:
        out.append("(văn bản không nêu đơn vị nào trong danh sách đơn vị của tỉnh)")
    out += ["", f"VĂN BẢN ĐƯỢC VIỆN DẪN ({len(card['cited'])}):"]
    for c in card["cited"]:
        if c["found"]:
            state = c.get("validity_words") or "chưa xác minh hiệu lực"
            extra = f"; bị thay thế bởi {', '.join(c['replaced_by'])}" if c.get("replaced_by") else ""
            out.append(f"- {c['so_hieu']}: {c.get('title') or ''} — {state}{extra} [{where(c['place'])}]")
        elif not c.get("checked", True):
            out.append(f"- {c['so_hieu']}: chưa tra trong kho (không có người đọc để xét quyền) [{where(c['place'])}]")
        else:
            out.append(f"- {c['so_hieu']}: chưa tìm thấy trong kho [{where(c['place'])}]")
    summary = card["summary"]
    out += ["", "TÓM TẮT" + (" (do mô hình viết)" if summary["method"] == "llm" else " (trích từ văn bản)") + ":",
            summary["text"]]
    if summary["method"] == "llm":
        out += [f"- «{s['text']}» [{where(s['place'])}]" for s in summary["sentences"]]
    for note in card.get("notes") or []:
        out.append(f"Lưu ý: {note}")
    return "\n".join(out)
