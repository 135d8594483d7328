"""A scanned official document read by position: the two header columns, the title, an incoming-document
stamp, from OCR word boxes (``connectors.page_layout.Word``, pixels, y downwards).

Why by position: a real scan read line by line mixes the columns ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI Số: 89
/QĐ-UBND"), cuts a trích yếu after its first line, takes a stamp's "Số: 2352" for the number, and an attached
draft's signer for the document's. Here the columns are split at the Quốc hiệu's left edge, the title's lines are
the centred lines under the tên loại, a stamp ("CÔNG VĂN ĐẾN", "ĐẾN Số: … Ngày: …") is cut out with its own
fields (the signature block: ``connectors.signature_layout``). The
language (issuer names, signer names) is read by ``indexing``; this module hands it lines, and the number and
day as read with a confidence (``connectors.handwriting``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from statistics import median
from typing import Any

from connectors.page_layout import Line, Word
from core.vietnamese import normalize_text, strip_marks

KINDS = ("QUYET DINH", "CHI THI", "THONG BAO", "TO TRINH", "NGHI QUYET", "KE HOACH", "BAO CAO", "HUONG DAN",
         "CONG DIEN", "GIAY MOI", "BIEN BAN", "NGHI DINH", "THONG TU", "CHUONG TRINH", "DE AN", "QUY CHE",
         "QUY DINH", "CONG VAN", "LENH")
_SO = re.compile(r"^S[ốoóồổỗộơớờởỡợôOÓ0]\s*[:;.]?$|^Số\s*[:;.]", re.I)
_KY_HIEU = re.compile(r"/\s*([0-9]{4}/)?([A-ZĐa-zđ][A-ZĐa-zđ0-9&]*(?:\s*-\s*[A-ZĐa-zđ0-9&]+)*)\s*$")
_MONTH_YEAR = re.compile(r"tháng\s*(\d{1,2})\s*năm\s*((?:19|20)\d\d)")
_INCOMING = re.compile(r"\bĐ[ẾE]N\b")
_STAMP_ROW = re.compile(r"^(?:Số|S[oố]|Ngày|Ngay|Chuyển|Chuyen|Lưu|Luu|Giờ|Gio|ĐẾN|DEN)\b", re.I)
_DIGITS = re.compile(r"\d+")


def fold(text: str) -> str:
    return " ".join(strip_marks(normalize_text(text)).upper().split())


def lines_of(words: Sequence[Word]) -> list[Line]:
    """Words grouped into lines by vertical overlap (a word joins the line its centre falls in)."""
    lines: list[Line] = []
    for w in sorted((w for w in words if w.text.strip()), key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        centre = (w.top + w.bottom) / 2
        home = next((ln for ln in reversed(lines[-3:]) if ln.top <= centre <= ln.bottom), None)
        if home is None:
            lines.append(Line([w]))
        else:
            home.words.append(w)
    return sorted(lines, key=lambda ln: ln.top)


def _columnsplit_line(lines: list[Line], width: float, height: float) -> float:
    """The x where the right header column starts: the Quốc hiệu's left edge, else 45% of the page."""
    for ln in lines:
        if ln.top > 0.35 * height:
            break
        ws = sorted(ln.words, key=lambda w: w.x0)
        for a, b in zip(ws, ws[1:], strict=False):
            if fold(a.text).startswith("CONG") and fold(b.text).startswith("HOA") and a.x0 > 0.25 * width:
                return a.x0 - 0.02 * width
    return 0.45 * width


def split_line(line: Line, x: float) -> tuple[Line | None, Line | None]:
    left = [w for w in line.words if (w.x0 + w.x1) / 2 < x]
    right = [w for w in line.words if (w.x0 + w.x1) / 2 >= x]
    return (Line(left) if left else None), (Line(right) if right else None)


def incoming_stamp(lines: list[Line], height: float) -> tuple[dict[str, str], set[int]]:
    """An incoming-document stamp on the top half ("CÔNG VĂN ĐẾN" / "ĐẾN Số: 2352 Ngày: 21/3/18"): its number
    and date, and the ids of the words it covers (to keep them out of the header)."""
    for i, ln in enumerate(lines):
        if ln.top > 0.5 * height:
            break
        text = ln.text
        if not _INCOMING.search(text.upper()) or "CỘNG" in text.upper():
            continue
        x0, x1 = ln.x0 - 0.2 * (ln.x1 - ln.x0), ln.x1 + 1.5 * (ln.x1 - ln.x0)
        covered: list[Word] = list(ln.words)
        h = ln.bottom - ln.top
        for nxt in lines[i + 1:i + 6]:
            if nxt.top - ln.bottom > 6 * h:
                break
            inside = [w for w in nxt.words if x0 <= w.x0 and w.x1 <= x1]
            if inside and _STAMP_ROW.match(Line(inside).text):
                covered += inside
        fields: dict[str, str] = {}
        flat = " ".join(w.text for w in sorted(covered, key=lambda w: (round(w.top / max(h, 1)), w.x0)))
        if m := re.search(r"S[ốo]\s*[:.]?\s*(\d{1,6})", flat):
            fields["so_den"] = m.group(1)
        if m := re.search(r"Ng[àa]y\s*[:.]?\s*(\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?)", flat):
            fields["ngay_den"] = m.group(1).replace(" ", "")
        return fields, {id(w) for w in covered}
    return {}, set()


def _number_gap(line: Line) -> tuple[str, str, tuple[float, float, float, float]] | None:
    """("89", "QĐ-UBND", box of the number) from "Số: 89 /QĐ-UBND" as read; the number text may be noise (a
    hand's digits merged into "Số:b3."), the box is where the hand writes: from the end of the printed "Số:"
    (its width estimated from the ký hiệu's letters when the word is merged) to the slash."""
    ws = sorted(line.words, key=lambda w: w.x0)
    at = next((i for i, w in enumerate(ws[:3]) if _SO.match(w.text) or fold(w.text)[:2] in ("SO", "S0")), None)
    if at is None:
        return None
    rest = ws[at:]
    slash = next((j for j, w in enumerate(rest) if "/" in w.text), None)
    if slash is None:
        return None
    typed = "".join(w.text for w in rest[slash:])
    typed = re.sub(r"^/[^\wĐđ]*", "/", typed[typed.index("/"):].replace("Ð", "Đ"))
    m = _KY_HIEU.search(typed)
    if m is None:
        return None
    ky_hieu = (m.group(1) or "") + re.sub(r"\s*-\s*", "-", m.group(2))
    sw = rest[slash]
    cut = sw.text.index("/")
    right = sw.x0 + (sw.x1 - sw.x0) * cut / max(1, len(sw.text))
    tail = sw.text[cut:]
    char_w = (sw.x1 - right) / max(1, len(tail))
    head = rest[0]
    printed = 2.1 * char_w
    clean = re.fullmatch(r"\S{2}[:;.]?", head.text) and head is not sw and head.conf >= 80
    left = min(head.x1, head.x0 + 1.05 * printed) if clean else min(head.x0 + printed, right)
    between = re.sub(r"^\S{2}[:;.]?", "", head.text) if head is not sw else sw.text[:cut]
    between += "".join(w.text for w in rest[1:slash]) + (sw.text[:cut] if head is not sw else "")
    return between.strip(), ky_hieu, (left, line.top, right, line.bottom)


def _day_gap(line: Line) -> tuple[str, tuple[float, float, float, float]] | None:
    """The day as read between "ngày" and "tháng" of the date line, and the box the hand writes it in (from the
    end of the printed "ngày", its width estimated from "tháng" when the hand's digits merged into it)."""
    ws = sorted(line.words, key=lambda w: w.x0)
    to = next((i for i, w in enumerate(ws) if fold(w.text).startswith("THANG")), None)
    if to is None:
        return None
    at = next((i for i in range(to - 1, -1, -1) if fold(ws[i].text).startswith(("NGAY", "NGA"))), None)
    if at is None:
        return None
    thang = ws[to]
    printed = 0.87 * (thang.x1 - thang.x0) * 5 / max(5, len(thang.text))
    head = ws[at]
    clean = fold(head.text) == "NGAY" and head.conf >= 80
    left = min(head.x1, head.x0 + 1.05 * printed) if clean else min(head.x0 + printed, thang.x0)
    between = head.text[4:] + "".join(w.text for w in ws[at + 1:to])
    return between.strip(), (left, line.top, thang.x0, line.bottom)


Reader = Callable[[str, tuple[float, float, float, float], int], tuple[str | None, float, str]]
Rereader = Callable[[list[tuple[float, float, float, float]]], list[list[tuple[str, float]]]]
_JUNK = re.compile(r"[`'^~_|‹›¬ˆ°©®*#.:;,\u2018\u2019\u201c\u201d]+")  # a mark or a speck read as a word
_EDGE_JUNK = "`'^~_|‹›¬ˆ°©®*#\u2018\u2019\u201c\u201d"


def reread_texts(lines: Sequence[Line], reread: Rereader | None) -> list[str]:
    """Each line's text with its words checked against ``reread`` (the line cut out and read alone, each
    word with Tesseract's confidence): a word read with the same letters both times takes the spelling read
    with more confidence (a bold header word read inside the page swaps its marks: "Hiên" for "Hiền"); a
    speck the page's read took for a word (".ˆA", "Ả": a mark come loose) goes when the line's read alone has
    nothing there; words only one read has otherwise stay as the page read them."""
    texts = [ln.text for ln in lines]
    if reread is None or not lines:
        return texts
    again = reread([(ln.x0, ln.top, ln.x1, ln.bottom) for ln in lines])
    return [merge_reads(ln.words, second) if second else text
            for ln, text, second in zip(lines, texts, again + [[]] * (len(texts) - len(again)), strict=True)]


def merge_reads(first: Sequence[Word], second: Sequence[tuple[str, float]]) -> str:
    """The page's words of one line merged with the same line read alone (``reread_texts``)."""
    from difflib import SequenceMatcher

    a = [(normalize_text(w.text), w.conf) for w in sorted(first, key=lambda w: w.x0)]
    b = [(t, c) for t, c in ((normalize_text(t.strip(_EDGE_JUNK)), c) for t, c in second)
         if t and not _JUNK.fullmatch(t)]
    if not b:
        return " ".join(t for t, _ in a)
    out: list[str] = []
    matcher = SequenceMatcher(None, [_letters(t) for t, _ in a], [_letters(t) for t, _ in b], autojunk=False)
    for op, i0, i1, j0, j1 in matcher.get_opcodes():
        if op == "equal":
            out += [x[0] if x[1] > y[1] else y[0] for x, y in zip(a[i0:i1], b[j0:j1], strict=True)]
        elif op in ("replace", "delete"):
            out += [t for t, c in a[i0:i1] if not _speck(t, c)]
    return " ".join(out)


def _speck(text: str, conf: float) -> bool:
    """A mark or a speck read as a word: no letter or digit; one or two beside a loose mark (".ˆA"); or one or
    two beside a stray sign, read unsure."""
    alnum = sum(ch.isalnum() and ch not in _MARKS for ch in text)  # "ˆ" is a letter to Unicode (Lm)
    loose_mark = any(ch in _MARKS for ch in text)  # a circumflex or grave standing alone: a mark come loose
    return alnum == 0 or (alnum <= 2 and loose_mark) or (conf < 60 and (alnum == 1 or (
        alnum <= 2 and any(ch in _EDGE_JUNK + ".^" for ch in text))))


_MARKS = "ˆ^`´¨˜~ˇ˘"


def _letters(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum())


def typed_digits(read: str, box: tuple[float, float, float, float], most: int) -> tuple[str | None, float, str]:
    """A text layer's number: stated as typed; a blank stays unread."""
    del box
    digits = "".join(read.split())
    return (digits, 1.0, "text layer") if digits.isdigit() and len(digits) <= most else (None, 0.0, "blank")


def read_header(words: Sequence[Word], width: float, height: float, digits: Reader,
                reread: Rereader | None = None) -> dict[str, Any]:
    """Page 1's header read by position. ``digits(read_text, box, max_digits)`` reads a handwritten number
    in a box: (digits or None, confidence 0–1, how it was read); ``reread(boxes)`` reads lines again alone
    (the issuer's and the title's lines: ``reread_texts``)."""
    lines = lines_of(words)
    if not lines:
        return {}
    incoming, stamped = incoming_stamp(lines, height)
    if stamped:
        lines = lines_of([w for ln in lines for w in ln.words if id(w) not in stamped])
    split = _columnsplit_line(lines, width, height)
    out: dict[str, Any] = {}
    if incoming:
        out["incoming"] = incoming
    h = median(ln.bottom - ln.top for ln in lines)
    left: list[Line] = []
    right: list[Line] = []
    end = 0
    for i, ln in enumerate(lines):
        if ln.top > 0.45 * height:
            break
        if _is_kind(ln, width) or fold(ln.text).startswith("KINH GUI"):
            end = i
            break
        lft, rgt = split_line(ln, split)
        if lft:
            left.append(lft)
        if rgt:
            right.append(rgt)
        end = i + 1
    so_at = next((i for i, ln in enumerate(left) if _number_gap(ln)), None)
    if so_at is not None:
        read, ky_hieu, box = _number_gap(left[so_at])  # type: ignore[misc]
        number, conf, how = digits(read, box, 5)
        out["so_hieu"] = {"read": read, "number": number, "ky_hieu": ky_hieu, "confidence": round(conf, 2),
                          "how": how}
        issuer = [ln for ln in left[:so_at] if is_upper(ln.text)]
        after = left[so_at + 1:]
    else:
        issuer, after = [ln for ln in left[:3] if is_upper(ln.text)], []
    texts = reread_texts(issuer + after, reread)
    out["issuer_lines"] = [t for t in texts[:len(issuer)] if is_upper(t)]
    out["left_after_so"] = texts[len(issuer):]
    out["right_lines"] = [ln.text for ln in right]
    for ln in right:
        if (m := _MONTH_YEAR.search(ln.text)) and (gap := _day_gap(ln)):
            read, box = gap
            day, conf, how = digits(read, box, 2)
            if day is not None and not 1 <= int(day) <= 31:
                day, conf = None, 0.0
            place = ln.text.split(",")[0].strip() if "," in ln.text else ""
            out["ngay"] = {"read": read, "day": day, "month": m.group(1), "year": m.group(2), "place": place,
                           "confidence": round(conf, 2), "how": how}
            break
    if end < len(lines) and _is_kind(lines[end], width):
        kind = lines[end]
        out["kind_line"] = kind.text
        out["title_lines"] = reread_texts(_title(lines[end + 1:], kind, h, width), reread)
    return out


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _is_kind(line: Line, width: float) -> bool:
    f = fold(line.text).strip(" .:")
    return any(f == k or f.startswith(k + " ") and len(f) <= len(k) + 4 for k in KINDS) and \
        abs(line.mid - width / 2) < 0.15 * width


def _title(after: list[Line], kind: Line, h: float, width: float) -> list[Line]:
    """The trích yếu: centred lines just under the tên loại, up to a gap, a rule's space, the issuing
    authority's capitals, "Căn cứ" or "Kính gửi"."""
    out: list[Line] = []
    prev = kind
    for ln in after[:5]:
        f = fold(ln.text)
        if ln.top - prev.bottom > 1.3 * h or f.startswith(("CAN CU", "KINH GUI", "THUC HIEN", "XET DE NGHI")):
            break
        if abs(ln.mid - kind.mid) > 0.06 * width:
            break
        if out and is_upper(ln.text) and not is_upper(out[-1].text):
            break
        if not out and is_upper(ln.text) and len(ln.text.split()) > 3 and ("UY BAN" in f or "CHU TICH" in f):
            break
        out.append(ln)
        prev = ln
    return out
