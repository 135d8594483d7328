"""Reading one line of a legal text for relations: "… hết hiệu lực kể từ …", "… này … thay thế …", "Bãi bỏ
…", "Sửa đổi, bổ sung … của …", with the target named a level up when the line names none.

Matching runs on the mark-free lower-case text (``fold``; positions are kept, so spans cut the marked text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.validity.phrases import dangling_units, parse_units
from assistant.validity.relations import Relation, Unit
from core.dates import DAY_MONTH_YEAR, NGAY, first_date
from core.documents import Document
from core.so_hieu import Found, find_so_hieu
from core.vietnamese import fold

TYPES = (r"(?:bo luat|luat|nghi dinh|quyet dinh|thong tu lien tich|thong tu|nghi quyet lien tich|nghi quyet"
          r"|chi thi|phap lenh|van ban|ke hoach|hien phap)")
SELF = re.compile(rf"\b{TYPES}\s+nay\b")
_EXPIRES = re.compile(r"\bhet hieu luc\b")
_REPLACES = re.compile(r"\bthay\s+the\b(?!\s+bang\b)")
_REPEALS = re.compile(r"\bbai bo\b")
_AMENDS = re.compile(r"\b(?:sua doi(?:\s*,\s*bo sung)?|bo sung)\b"
                     rf"(?=\s+(?:cac\s+|mot so\s+|ten\s+)?(?:diem|khoan|dieu|danh muc|phu luc|muc|{TYPES}\s))")
_DESCRIBED = re.compile(r"\b(?:da|duoc|bi|viec|dang)\s+(?:duoc\s+)?$")
_CLAUSE_START = re.compile(r"(?:^|[;.:]\s)\s*(?:dieu\s+\d+[a-z]?\.\s*|\d+[a-z]?\.\s*|[a-z]\)\s*)?$")
_AMENDER_LIST = re.compile(r"\bda\s+duoc\s+sua\s+doi|\bduoc\s+sua\s+doi")
_SEPARATOR = re.compile(rf"^[\s,;]*(?:va\s+)?(?:{TYPES}[\w\s,]*?)?\s*(?:so)?\s*$")
_SEGMENT_END = re.compile(r"[.;:“]|\bnhu sau\b")


def find_targets(nfc: str, low: str) -> list[Found]:
    """Số hiệu named as targets in a phrase: the amending laws listed after "đã được sửa đổi, bổ sung theo"
    and a title's "sửa đổi … của X" are descriptions of a target, not targets themselves."""
    kept: list[Found] = []
    listing = False
    previous = 0
    for found in find_so_hieu(nfc):
        if found.start < previous:
            continue  # "QH13" inside "10/2012/QH13" read again as a type code
        gap = low[previous:found.start]
        if _AMENDER_LIST.search(gap) or (kept and re.search(r"\b(?:sua doi|bo sung|huong dan|quy dinh chi tiet)\b",
                                                              gap)):
            listing = True
        elif not (listing and _SEPARATOR.match(gap)):
            listing = False
        if not listing and all(k.so_hieu.canonical != found.so_hieu.canonical for k in kept):
            kept.append(found)
        previous = found.end
    return kept


def target_name(nfc: str, found: Found, start: int) -> str:
    """How the text names the target: from the last document type word before its số hiệu."""
    if re.match(rf"{TYPES}\b", fold(nfc[found.start:found.end])):
        return " ".join(nfc[found.start:found.end].split())
    window = max(start, found.start - 120)
    types = list(re.finditer(rf"\b{TYPES}\b", fold(nfc[window:found.start])))
    left = nfc[window + types[-1].start():found.start] if types else ""
    return " ".join(f"{left} {nfc[found.start:found.end]}".split())[:200]


@dataclass
class Level:
    """What a line at this level acts upon: a target document and, for its sub-points, a target Điều."""

    so_hieu: str = ""
    name: str = ""
    dieu: str | None = None


@dataclass
class RelationReader:
    doc: Document
    own: str
    effective: str | None
    relations: list[Relation] = field(default_factory=list)

    def add(self, kind: str, target: str, name: str, clause: str, chunk_id: str, quote: str,
            units: tuple[Unit, ...] = (), scope: str = "", effective: str | None = None,
            actor: str | None = None) -> None:
        if target and target == self.own:
            return
        self.relations.append(Relation(
            kind=kind, target_so_hieu=target, target_name=name, units=units, scope=scope,  # type: ignore[arg-type]
            actor_so_hieu=self.own if actor is None else actor, actor_unit=clause, source="text",
            source_doc_id=self.doc.doc_id, source_chunk_id=chunk_id, quote=" ".join(quote.split())[:600],
            effective=effective or self.effective))

    def line(self, nfc: str, clause: str, chunk_id: str, levels: list[Level]) -> Level | None:
        """Read one line (outside quotes); returns the level it opens ("sửa đổi … của Luật X:"), if any."""
        low = fold(nfc)
        opened: Level | None = None
        for m in _EXPIRES.finditer(low):
            self._expiry(nfc, low, m.start(), m.end(), clause, chunk_id)
        for m in _REPLACES.finditer(low):
            begin = sentence_start(low, m.start())
            if not SELF.search(low[begin:m.start()]) or _DESCRIBED.search(low[begin:m.start()]):
                continue
            end = sentence_end(low, m.end())
            for found in find_targets(nfc[m.end():end], low[m.end():end]):
                self.add("replaces", found.so_hieu.canonical, target_name(nfc[m.end():end], found, 0), clause, chunk_id,
                         nfc[begin:end])
        for pattern, kind in ((_REPEALS, "repeals"), (_AMENDS, "amends")):
            for m in pattern.finditer(low):
                if _DESCRIBED.search(low[:m.start()]) or not _CLAUSE_START.search(low[:m.start()]):
                    continue
                opened = self._acts(kind, nfc, low, m.end(), clause, chunk_id, levels) or opened
        return opened

    def _expiry(self, nfc: str, low: str, start: int, end: int, clause: str, chunk_id: str) -> None:
        begin = sentence_start(low, start)
        subject_low, subject = low[begin:start], nfc[begin:start]
        if SELF.search(subject_low[-40:]) or _DESCRIBED.search(subject_low):
            return
        finish = sentence_end(low, end)
        predicate = low[end:finish]
        when = None if SELF.search(predicate) else first_date(predicate)
        targets = find_targets(subject, subject_low)
        if not targets:
            for name in titled_targets(nfc, low, begin, start):
                self.add("replaces", "", name, clause, chunk_id, nfc[begin:finish], effective=when)
            return
        head_low, head = subject_low[:targets[0].start], subject[:targets[0].start]
        partial = re.search(r"\bquy dinh\b", head_low)
        units = tuple(parse_units(head, head_low))
        scope = head.split(" trong ")[0].strip(" ,") if partial and not units else ""
        for found in targets:
            self.add("repeals" if units or scope else "replaces", found.so_hieu.canonical,
                     target_name(subject, found, 0), clause, chunk_id, nfc[begin:finish], units, scope, when)

    def _acts(self, kind: str, nfc: str, low: str, at: int, clause: str, chunk_id: str,
              levels: list[Level]) -> Level | None:
        stop = _SEGMENT_END.search(low, at)
        seg_end = stop.start() if stop else len(low)
        seg, seg_low = nfc[at:seg_end], low[at:seg_end]
        targets = find_targets(seg, seg_low)
        head_low = seg_low[: targets[0].start] if targets else seg_low
        head = seg[: len(head_low)]
        if not targets and SELF.search(seg_low):
            return None
        units = parse_units(head, head_low)
        context = next((lv for lv in reversed(levels) if lv.so_hieu or lv.name), None)
        if targets:
            target, name = targets[0].so_hieu.canonical, target_name(seg, targets[0], 0)
        elif context is not None:
            target, name = context.so_hieu, context.name
        else:
            return None
        if not units:
            khoans, diems = dangling_units(head, head_low)
            dieu = next((lv.dieu for lv in reversed(levels) if lv.dieu), None) if not targets else None
            if dieu and khoans:
                units = [Unit(dieu, k, d) for k in khoans for d in (diems or [None])]
            elif dieu and diems:
                units = [Unit(dieu, None, d) for d in diems]
        some = bool(re.search(r"\bmot so (?:dieu|khoan)\b", head_low))
        if units or some or targets:
            # Anything named before the document other than the verbs ("một số điểm trong Mục IX …") is a
            # part of it: only "Bãi bỏ Quyết định số …" with nothing before the number touches the whole.
            rest = re.sub(rf"[\s,]|\b(?:sua doi|bo sung|cua|toan bo|va|so|{TYPES})\b", "", head_low)
            part = re.sub(r"\s+số\s*$", "", head.strip(" ,")) if rest and not units and not some else ""
            self.add(kind, target, name, clause, chunk_id, nfc[:seg_end], tuple(units),
                     "một số điều" if some and not units else part[:200])
        return Level(target, name, units[0].dieu if len(units) == 1 and units[0].khoan is None else None)


# "Pháp lệnh cán bộ, công chức ngày 26 tháng 02 năm 1998": a document named by its title and date, no số hiệu.
_TITLED = re.compile(r"^\s*(?:\d{1,3}[a-z]?\.\s*|[a-z]\)\s*)?((?:bo luat|luat|phap lenh|nghi dinh|nghi quyet|quyet dinh"
                     r"|thong tu|chi thi|lenh)\s[^.:;()]{2,200}?(?<!truoc)(?<!sau)(?<!tu)(?<!den)"
                     rf"\s{NGAY}\s+{DAY_MONTH_YEAR})\s*$")


def titled_targets(nfc: str, low: str, begin: int, end: int) -> list[str]:
    """The documents named by title and date in ``low[begin:end]`` and the "; "-separated names before it
    ("Pháp lệnh A ngày …; Pháp lệnh B ngày … hết hiệu lực"), in order; [] when the subject is anything else."""
    names: list[str] = []
    while True:
        m = _TITLED.match(low[begin:end])
        if not m:
            break
        names.insert(0, " ".join(nfc[begin + m.start(1):begin + m.end(1)].split()))
        if begin < 2 or low[begin - 2:begin] != "; ":
            break
        end, begin = begin - 2, sentence_start(low, begin - 2)
    return names


def sentence_start(low: str, at: int) -> int:
    cut = max(low.rfind(". ", 0, at), low.rfind("; ", 0, at), low.rfind(": ", 0, at))
    return 0 if cut < 0 else cut + 2


def sentence_end(low: str, at: int) -> int:
    ends = [i for i in (low.find(". ", at), low.find("; ", at), low.find(".\n", at)) if i >= 0]
    return min(ends) if ends else len(low.rstrip(". "))
