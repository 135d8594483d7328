"""Chunk one data-warehouse summary: the narrative, and the figures one per line.

Figures get their own chunk because questions about them are exact ("bao nhiêu hồ sơ trực tuyến quý
III?"); the structured list also rides along in ``fields`` so an answer can quote the number itself.
"""

from __future__ import annotations

from typing import Any

from core.documents import Chunk, Document


def format_value(value: Any) -> str:
    """Numbers the Vietnamese way: 12.345 for thousands, 98,5 for decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        whole, _, frac = f"{value:,.2f}".rstrip("0").partition(".")
        return whole.replace(",", ".") + ("," + frac if frac else "")
    return f"{int(value):,}".replace(",", ".")


def figure_line(fig: dict[str, Any]) -> str:
    unit = fig.get("unit") or ""
    unit = unit if unit == "%" or not unit else f" {unit}"
    return f"{fig['name']}: {format_value(fig['value'])}{unit}"


def parse_warehouse(doc: Document) -> list[Chunk]:
    """A summary chunk and, when the record has figures, a figures chunk."""
    record = doc.record or {}
    rid = record.get("id") or doc.doc_id.removeprefix("kho:")
    title = record.get("title") or doc.title
    owner = record.get("owner_unit") or doc.metadata.get("co_quan_ban_hanh", "")
    period = record.get("period") or doc.metadata.get("ky_bao_cao", "")
    figures = list(record.get("figures") or [])
    updated_at = record.get("updated_at") or doc.metadata.get("updated_at", "")
    summary = record.get("summary") or doc.text
    citation = f"Báo cáo {rid} — {title}" + (f" ({period})" if period else "")
    context = f"{title} — {owner}" + (f", {period}" if period else "")
    base = {"owner_unit": owner, "period": period, "figures": figures, "updated_at": updated_at}

    head = [title, f"Đơn vị: {owner}"]
    if period:
        head.append(f"Kỳ báo cáo: {period}")
    if updated_at:
        head.append(f"Cập nhật: {updated_at}")
    chunks = [
        Chunk(
            doc_id=doc.doc_id,
            path=["Tóm tắt"],
            citation=citation,
            text="\n".join([*head, "", summary.strip()]),
            context=context,
            fields={**base, "order": 0},
        )
    ]
    if figures:
        lines = [f"Số liệu{' ' + period if period else ''}:", *(f"- {figure_line(f)}" for f in figures)]
        chunks.append(
            Chunk(
                doc_id=doc.doc_id,
                path=["Số liệu"],
                citation=f"{citation} — Số liệu",
                text="\n".join(lines),
                context=context,
                fields={**base, "order": 1},
            )
        )
    return chunks
