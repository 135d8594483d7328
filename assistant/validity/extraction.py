"""Relations read from a legal document's own text: the final articles ("Bộ luật Lao động số 10/2012/QH13 hết
hiệu lực kể từ ngày Bộ luật này có hiệu lực", "Quyết định này thay thế Quyết định số 45/2023/QĐ-UBND"), the
amending articles ("Sửa đổi, bổ sung khoản 2 Điều 37 của Luật …", "Bãi bỏ Điều 5 của Quyết định số …"), guides
("Nghị định quy định chi tiết …"), a consolidated text's list of amending laws, and the căn cứ list the legal
parser put in ``metadata["can_cu"]``.

Why articles and not chunks: a long Điều is split into parts, and the target of "Sửa đổi, bổ sung Điều 54 như
sau" is named a level up ("1. Sửa đổi, bổ sung một số điều của Luật Bảo hiểm xã hội số 58/2014/QH13"). The
article is read line by line with the level's target kept; quoted new wording (“…”) is skipped, so the
amended text's own "Điều 55. …" lines are not read as this document's clauses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.validity.reader import TYPES, Level, RelationReader, find_targets, target_name
from assistant.validity.relations import Relation, Unit
from core.dates import first_date
from core.documents import Chunk, Document
from core.so_hieu import find_so_hieu, parse_so_hieu
from core.vietnamese import fold, normalize_text

_GUIDES = re.compile(r"\b(?:quy dinh chi tiet|huong dan)\b")
_BASIS_LEAD = re.compile(r"^căn\s+cứ\s*:?\s+", re.IGNORECASE)  # the line's own "Căn cứ", not the name
_TITLE_AMENDS = re.compile(r"\bsua doi,?\s*bo sung\b")
_KHOAN_LINE = re.compile(r"^(\d{1,3}[a-z]?)\.\s")
_DIEM_LINE = re.compile(r"^([a-zđ])\)\s")
_DIEU_LINE = re.compile(r"^Điều\s+(\d+[a-z]?)\s*\.")
_OWN_EFFECTIVE = re.compile(rf"{TYPES}\s+nay\s+co\s+hieu\s+luc(?:\s+thi\s+hanh)?\s+(?:ke\s+)?tu\s+ngay\s+(ky|\d)")


def canonical(so_hieu: str) -> str:
    """The canonical spelling of a số hiệu as written in metadata ("" when it does not parse)."""
    parsed = parse_so_hieu(so_hieu or "")
    return parsed.canonical if parsed else normalize_text(so_hieu or "").strip()


def own_effective(doc: Document) -> str | None:
    """The document's ngày hiệu lực: its metadata, else its own "… này có hiệu lực (thi hành) từ ngày …"."""
    if doc.metadata.get("ngay_hieu_luc"):
        return str(doc.metadata["ngay_hieu_luc"])[:10]
    low = fold(doc.text)
    m = _OWN_EFFECTIVE.search(low)
    if not m:
        return None
    if m.group(1) == "ky":
        issued = doc.metadata.get("ngay_ban_hanh")
        return str(issued)[:10] if issued else None
    return first_date(low[m.start(1) - 5: m.start(1) + 40])


def _articles(chunks: list[Chunk]) -> Iterator[tuple[str | None, list[tuple[str, str]]]]:
    """(Điều number, [(line, chunk id)]) per article; the heading comes from the context of a split article."""
    group: list[Chunk] = []
    for chunk in [*chunks, None]:
        if group and (chunk is None or chunk.fields.get("dieu") is None
                      or chunk.fields.get("dieu") != group[0].fields.get("dieu")):
            dieu = group[0].fields.get("dieu")
            lines = [(ln, c.chunk_id) for c in group for ln in c.text.splitlines() if ln.strip()]
            if dieu and not (lines and _DIEU_LINE.match(lines[0][0])):
                heading = [ln for ln in group[0].context.splitlines() if _DIEU_LINE.match(ln)]
                extra = [ln for ln in group[0].context.splitlines()[1:] if _KHOAN_LINE.match(ln)]
                lines = [(ln, group[0].chunk_id) for ln in heading[:1] + extra[:1]] + lines
            yield (str(dieu) if dieu else None), lines
            group = []
        if chunk is not None:
            group.append(chunk)


def _quote_balance(text: str) -> int:
    return text.count("“") - text.count("”")


def _read_article(reader: RelationReader, dieu: str | None, lines: list[tuple[str, str]]) -> None:
    depth = 0
    khoan: str | None = None
    diem: str | None = None
    levels: dict[str, Level] = {}
    for line, chunk_id in lines:
        text = line.strip()
        if depth > 0:
            depth = max(0, depth + _quote_balance(text))
            continue
        if (m := _KHOAN_LINE.match(text)) and dieu:
            khoan, diem = m.group(1), None
            levels.pop("khoan", None), levels.pop("diem", None)
        elif (m := _DIEM_LINE.match(text)) and dieu:
            diem = m.group(1)
            levels.pop("diem", None)
        elif _DIEU_LINE.match(text):
            levels.clear()
        outside, _, quoted = text.partition("“")
        depth = max(0, _quote_balance("“" + quoted)) if _ else 0
        clause = Unit(dieu, khoan, diem).label if dieu else "phần mở đầu"
        level_name = "diem" if diem else "khoan" if khoan else "dieu"
        opened = reader.line(outside, clause, chunk_id, [levels[k] for k in ("dieu", "khoan", "diem") if k in levels])
        if opened is not None:
            levels[level_name] = opened


def _title_relations(reader: RelationReader, doc: Document) -> None:
    for text in dict.fromkeys(str(t) for t in (doc.title, doc.metadata.get("trich_yeu")) if t):
        low = fold(text)
        for pattern, kind in ((_GUIDES, "guides"), (_TITLE_AMENDS, "amends")):
            m = pattern.search(low)
            if not m:
                continue
            rest, rest_low = text[m.end():], low[m.end():]
            targets = find_targets(rest, rest_low)
            if targets:
                found = targets[0]
                reader.add(kind, found.so_hieu.canonical, target_name(rest, found, 0), "trích yếu", "", text,
                           scope="một số điều" if kind == "amends" else "")
            elif name := re.sub(r"^\W*(?:một số điều(?: và biện pháp thi hành)?\s+)?(?:của\s+)?", "", rest).strip():
                reader.add(kind, "", name[:200], "trích yếu", "", text,
                           scope="một số điều" if kind == "amends" else "")


def _consolidated(reader: RelationReader, doc: Document) -> None:
    """A văn bản hợp nhất's opening: "Luật X số A … được sửa đổi, bổ sung bởi: 1. Luật … số B …; 2. …"."""
    head = doc.text.split("\nĐiều 1", 1)[0]
    low = fold(head)
    m = re.search(r"duoc sua doi,?\s*bo sung boi", low)
    if not m:
        return
    begin = max(0, head.rfind("\n\n", 0, m.start()))
    base = find_targets(head[begin:m.start()], low[begin:m.start()])
    if not base:
        return
    target = base[-1].so_hieu.canonical
    name = target_name(head[begin:m.start()], base[-1], 0)
    reader.add("consolidates", target, name, "phần mở đầu", "", head[begin:m.end()])
    for item in re.split(r"\n\s*\d+\.\s", head[m.end():])[1:]:
        item_low = fold(item)
        stop = re.search(r"\bcan cu\b", item_low)
        item, item_low = (item[:stop.start()], item_low[:stop.start()]) if stop else (item, item_low)
        found = find_so_hieu(item)
        if found:
            when = first_date(item_low[item_low.find("hieu luc"):]) if "hieu luc" in item_low else None
            reader.add("amends", target, name, "phần mở đầu", "", item, scope="một số điều", effective=when,
                       actor=found[0].so_hieu.canonical)


def _based_on(reader: RelationReader, doc: Document) -> None:
    for basis in doc.metadata.get("can_cu") or []:
        if not isinstance(basis, dict):
            continue
        text = normalize_text(str(basis.get("text") or ""))
        target = canonical(str(basis.get("so_hieu") or "")) if basis.get("so_hieu") else ""
        if target or text:
            # the target's name without the line's "Căn cứ" (the relation's label says that already: "căn cứ
            # Căn cứ Hiến pháp …" was shown), so a name with a date resolves as "Luật … ngày …" does elsewhere
            name = _BASIS_LEAD.sub("", text).rstrip(" ;,.")
            reader.add("based_on", target, name[:200], "căn cứ", "", text)


def extract_relations(doc: Document, chunks: list[Chunk]) -> list[Relation]:
    """Every relation ``doc`` states (``doc`` parsed: header fields in ``metadata``), once each, in order."""
    reader = RelationReader(doc, canonical(str(doc.metadata.get("so_hieu") or "")), own_effective(doc))
    _title_relations(reader, doc)
    if "VBHN" in reader.own.upper() or fold(str(doc.metadata.get("loai_van_ban") or "")) == "van ban hop nhat":
        # A consolidated text restates the base law's articles: their relations are the base law's own.
        _consolidated(reader, doc)
    else:
        for dieu, lines in _articles(chunks):
            _read_article(reader, dieu, lines)
    _based_on(reader, doc)
    unique: dict[tuple, Relation] = {}
    for rel in reader.relations:
        unique.setdefault((rel.kind, rel.target_so_hieu, rel.target_name if not rel.target_so_hieu else "",
                           rel.units, rel.scope, rel.actor_so_hieu, rel.actor_unit), rel)
    return list(unique.values())
