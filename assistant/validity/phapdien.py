"""Relation records of the Bộ pháp điển điện tử (Bộ Tư pháp): article-level "sửa đổi / bổ sung / bãi bỏ"
notes, one row per codified article whose source provision was changed (``../shared/data/phapdien-relations``).

Each row names the source document and article (the target), one or more amending provisions with their
effective dates ("Điều 2 Luật 48/2014/QH13 (hiệu lực 01/01/2015) ; Điều 4 Luật 35/2018/QH14 (…)") and the raw
note. A row becomes one relation per amending provision, ``source="phapdien"``: ``repeals`` when the row says
only bãi bỏ, else ``amends`` (the kinds it lists are kept in ``extra``: the notes do not say which provision
did which when several are listed). A bad row is a Rejection naming its line, never a stop.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from assistant.validity.relations import Relation, Unit
from connectors.base import Rejection, read_bytes
from core.errors import RejectedInput
from core.so_hieu import find_so_hieu, parse_so_hieu
from core.vietnamese import normalize_text

RELATIONS_FILE = "phapdien_quan_he_sua_doi_bo_sung_bai_bo.tsv"
COLUMNS = ("so_hieu_nguon", "dieu_nguon", "loai_quan_he", "van_ban_tac_dong", "ghi_chu_goc")
_KINDS = {"sua_doi", "bo_sung", "bai_bo"}
_ACTOR = re.compile(r"^\s*((?:(?:điểm|khoản|điều)\s+[\w.]+\s*(?:,\s*)?)+)?\s*(.*?)\s*"
                    r"(?:\(hiệu lực (\d{2})/(\d{2})/(\d{4})\))?\s*$", re.IGNORECASE)
_MAX_BYTES = 64 * 1024 * 1024


def _from_note(text: str) -> str:
    """"Điều 1 Thông tư số 34 /2019/TT-BGTVT có hiệu lực thi hành kể từ ngày 01/11/2019)" → the column's form."""
    m = re.search(r"hiệu lực thi hành kể từ ngày (\d{2}/\d{2}/\d{4})", text)
    head = text[:m.start()] if m else text
    return f"{head.replace(' số ', ' ').strip(' ,;)')} (hiệu lực {m.group(1)})" if m else head.strip(" ,;)")


def _relations(row: dict[str, str]) -> list[Relation]:
    target = parse_so_hieu(row["so_hieu_nguon"])
    if target is None:
        raise RejectedInput(f"số hiệu nguồn không đọc được: {row['so_hieu_nguon']!r}"[:200])
    dieu = row["dieu_nguon"].strip()
    if not dieu or not dieu[0].isdigit():
        raise RejectedInput(f"điều nguồn không hợp lệ: {dieu!r}"[:200])
    kinds = {k.strip() for k in row["loai_quan_he"].split(";") if k.strip()}
    if not kinds or not kinds <= _KINDS:
        raise RejectedInput(f"loại quan hệ không rõ: {row['loai_quan_he']!r}"[:200])
    kind = "repeals" if kinds == {"bai_bo"} else "amends"
    out = []
    parts = row["van_ban_tac_dong"].split(" ; ")
    if not row["van_ban_tac_dong"].strip():  # some rows name the amending provision only in the note
        parts = [_from_note(p) for p in row["ghi_chu_goc"].split(" bởi ", 1)[1:2] for p in p.split(";")]
    for part in parts:
        m = _ACTOR.match(part)
        found = find_so_hieu(part)
        if not m or not found:
            raise RejectedInput(f"văn bản tác động không đọc được: {part!r}"[:200])
        effective = f"{m.group(5)}-{m.group(4)}-{m.group(3)}" if m.group(3) else None
        out.append(Relation(
            kind=kind, target_so_hieu=target.canonical, target_name=row["so_hieu_nguon"],  # type: ignore[arg-type]
            units=(Unit(dieu),), actor_so_hieu=found[0].so_hieu.canonical, actor_unit=(m.group(1) or "").strip(" ,"),
            source="phapdien", quote=row["ghi_chu_goc"][:600], effective=effective,
            extra={"loai_quan_he": sorted(kinds), "de_muc": row.get("de_muc", ""),
                   "dieu_phap_dien": row.get("dieu_phap_dien", "")}))
    return out


class PhapdienRelations:
    """Reads ``folder/phapdien_quan_he_sua_doi_bo_sung_bai_bo.tsv`` (or that file itself)."""

    source = "phapdien"

    def __init__(self, path: Path) -> None:
        path = Path(path)
        self.path = path / RELATIONS_FILE if path.is_dir() else path

    def records(self) -> Iterator[Relation | Rejection]:
        where = str(self.path)
        try:
            text = read_bytes(self.path, _MAX_BYTES).decode("utf-8-sig")
        except RejectedInput as exc:
            yield Rejection(where, str(exc))
            return
        except UnicodeDecodeError:
            yield Rejection(where, "không đọc được: mã hoá không phải UTF-8")
            return
        reader = csv.DictReader(io.StringIO(normalize_text(text)), delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            yield Rejection(where, f"thiếu cột {', '.join(missing)}")
            return
        for line, row in enumerate(reader, 2):
            try:
                if any(row.get(c) is None for c in COLUMNS):
                    raise RejectedInput("dòng thiếu cột")
                yield from _relations(row)
            except (RejectedInput, ValueError) as exc:
                yield Rejection(where, f"dòng {line}: {exc}")
