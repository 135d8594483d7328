"""Header fields from a page read by position (``connectors.official_layout``): each with its confidence and
the source it came from, the handwritten number or day marked unreadable rather than guessed.

Why: on a scan the header parser's flat text mixes columns and takes noise for digits. The layout reading is the
better witness for every header field; where it is unsure of the number or the day the field stays empty, is
listed in ``unreadable_fields`` (with the printed part kept: ``ky_hieu`` "QĐ-UBND", ``thang_nam`` "2025-02"),
and a DMS field or the file name may fill it. A digital signature's time only bounds the day (a document is
issued on or before it is signed): a day read after it is not stated.
"""

from __future__ import annotations

import re
from typing import Any

from core.dates import iso_date
from core.so_hieu import TYPE_CODES, TYPE_NAMES
from core.vietnamese import normalize_text, strip_marks
from indexing.agency_names import agency_name, respell, split_bodies
from indexing.closing_block import read_signature
from indexing.nd30_header import ACT_TYPES, so_hieu_number

STATE_AT = 0.8  # a reading is stated at or above this confidence
LAYOUT_KEYS = ("so_hieu", "loai_van_ban", "co_quan_chu_quan", "co_quan_ban_hanh", "trich_yeu", "dia_danh",
               "ngay_ban_hanh", "quyen_han_ky", "chuc_vu", "nguoi_ky")
_VV = re.compile(r"^V\s*/\s*v\b", re.I)


def _fold(text: str) -> str:
    return " ".join(strip_marks(normalize_text(text)).upper().split())


_KINDS = {_fold(k): k for k in ACT_TYPES}


def read_layout(layout: dict[str, Any], signed_before: str | None = None,
                signing_bodies: tuple[str, ...] = (), file_name: str = "") -> dict[str, Any]:
    """{"fields", "confidence", "unreadable", "extra"} from a layout reading. ``signed_before``: the issuing
    body's signing date (ISO), if the PDF carries one; ``signing_bodies``: the names of the organisations whose
    digital signatures it carries (an OCR'd issuer with the same letters takes their marks: ``respell``);
    ``file_name``: the file's name, which may hold the number the hand wrote ("89 QĐ CT.pdf": ``number_in_name``)."""
    source = layout.get("source", "ocr")
    sure = 1.0 if source == "text layer" else 0.9
    fields: dict[str, Any] = {}
    conf: dict[str, float] = {}
    unreadable: list[str] = []
    extra: dict[str, Any] = {}
    bodies = split_bodies([x for x in layout.get("issuer_lines", []) if not x.upper().startswith("SỐ")])
    if bodies:
        fields["co_quan_ban_hanh"] = respell(agency_name(bodies[-1]), signing_bodies)
        conf["co_quan_ban_hanh"] = sure
        if len(bodies) > 1:
            fields["co_quan_chu_quan"] = respell(agency_name(bodies[0]), signing_bodies)
    kind = _KINDS.get(_fold(layout.get("kind_line", "")).strip(" .:"))
    vv = _vv_lines(layout.get("left_after_so", []))
    if kind:
        fields["loai_van_ban"] = kind.capitalize()
        conf["loai_van_ban"] = sure
        if title := ve_viec(" ".join(" ".join(layout.get("title_lines", [])).split()).rstrip(" .")):
            fields["trich_yeu"] = title[0].upper() + title[1:]
            conf["trich_yeu"] = sure
    elif vv:
        fields["loai_van_ban"] = "Công văn"
        fields["trich_yeu"] = vv
        conf["loai_van_ban"] = conf["trich_yeu"] = sure
    if so := layout.get("so_hieu"):
        so = {**so, "ky_hieu": doubled_letter(str(so.get("ky_hieu") or ""), fields.get("loai_van_ban"))}
        extra["ky_hieu"] = so.get("ky_hieu")
        if not _plausible_ky_hieu(str(so.get("ky_hieu") or ""), fields.get("loai_van_ban")):
            unreadable.append("so_hieu")  # "QĐĐ-UBND", or a TB number on a Quyết định: misread print
            conf["so_hieu"] = 0.0
        elif so.get("number") and so.get("confidence", 0) >= STATE_AT:
            fields["so_hieu"] = so_hieu_number(f"{so['number']}/{so['ky_hieu']}")
            conf["so_hieu"] = so["confidence"]
        elif number := number_in_name(file_name, str(so.get("ky_hieu") or "")):
            fields["so_hieu"] = so_hieu_number(f"{number}/{so['ky_hieu']}")
            conf["so_hieu"] = NAME_CONFIDENCE
            extra["so_hieu_from"] = "file_name"
        else:
            unreadable.append("so_hieu")
            conf["so_hieu"] = so.get("confidence", 0.0)
    if day := layout.get("ngay"):
        if day.get("place"):
            fields["dia_danh"] = day["place"]
        extra["thang_nam"] = f"{day['year']}-{int(day['month']):02d}"
        stated = iso_date(day["day"], day["month"], day["year"]) if day.get("day") and \
            day.get("confidence", 0) >= STATE_AT else None
        if stated and signed_before and stated > signed_before[:10]:
            stated = None  # issued after it was signed: the day was misread
        if stated:
            fields["ngay_ban_hanh"] = stated
            conf["ngay_ban_hanh"] = day["confidence"]
        else:
            unreadable.append("ngay_ban_hanh")
            conf["ngay_ban_hanh"] = day.get("confidence", 0.0)
    if lines := layout.get("signature_lines"):
        sig = read_signature("\n".join(lines))
        if sig.get("nguoi_ky"):
            sig["nguoi_ky"] = surname_marks(sig["nguoi_ky"])
        for key in ("quyen_han_ky", "chuc_vu", "nguoi_ky"):
            if sig.get(key):
                fields[key] = sig[key]
                conf[key] = sure
    if incoming := layout.get("incoming"):
        extra.update(incoming)
    return {"fields": fields, "confidence": conf, "unreadable": unreadable, "extra": extra}


NAME_CONFIDENCE = 0.8  # the văn thư's file name: a witness of the number, stated, with its source
_NAME_NUMBER = re.compile(r"^\D{0,12}?(\d{1,5})[\s_.\-]*([A-Za-zĐđ]{2,5})\b")


def number_in_name(file_name: str, ky_hieu: str) -> str | None:
    """The number a file name gives ("89 QĐ CT.pdf", "Quyet dinh 89-QD-UBND.pdf", "so 575_UBND-KTTH.pdf")
    when the code after it is the printed ký hiệu's first part (QĐ, UBND …), marks aside; else None."""
    from pathlib import PurePath

    stem = normalize_text(PurePath(file_name).stem) if file_name else ""
    first = strip_marks(ky_hieu.split("-")[0]).upper() if ky_hieu else ""
    m = _NAME_NUMBER.match(stem)
    if not m or not first or strip_marks(m.group(2)).upper() != first or int(m.group(1)) == 0 or \
            (len(m.group(1)) == 4 and 1990 <= int(m.group(1)) <= 2040):  # a year, not a number
        return None
    return m.group(1)


def ve_viec(title: str) -> str:
    """A title opened by a garbled "Về việc" (",Vệviêc", "Vê viéc": the bold italic first line of a scan)
    spelled right; any other title as it is."""
    words = title.split(" ")

    def letters(text: str) -> str:
        return "".join(c for c in strip_marks(text).upper() if c.isalpha())

    for n in (1, 2):
        if len(words) > n and letters(" ".join(words[:n])) == "VEVIEC" and \
                (n == 1 or letters(words[0]) == "VE"):
            return " ".join(["Về việc", *words[n:]])
    return title


def doubled_letter(ky_hieu: str, kind: str | None) -> str:
    """"QĐĐ-UBND" → "QĐ-UBND": a letter of the type code read twice (bold print), put right only when the
    code as read fits no kind and without the double it is the kind's own code; else as read."""
    code, sep, rest = ky_hieu.partition("-")
    if not sep or _plausible_ky_hieu(ky_hieu, kind):
        return ky_hieu
    single = re.sub(r"(.)\1+", r"\1", code)
    return f"{single}-{rest}" if single != code and _plausible_ky_hieu(f"{single}-{rest}", kind) else ky_hieu


def _plausible_ky_hieu(ky_hieu: str, kind: str | None) -> bool:
    """A ký hiệu opens with the type code of its kind ("QĐ-UBND" on a Quyết định), or with the issuer's code on
    a công văn ("UBND-KTTH"); anything else is print the OCR misread."""
    parts = [p for p in ky_hieu.split("-") if p]
    if not parts or not all(p[:1].isalpha() for p in parts):
        return False
    code = TYPE_CODES.get(strip_marks(parts[0]).upper())
    expected = TYPE_NAMES.get(strip_marks(kind or "").lower())
    if kind == "Công văn" or expected is None:
        return code is None or expected is None and len(parts) > 1
    return code == expected and len(parts) > 1 and parts[0] == code


# The commonest family names: a surname read with a wrong mark ("Nguyên" under a seal) gets its marks back.
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Đinh", "Đoàn", "Trương", "Lâm", "Phùng", "Trịnh", "Lương", "Tạ", "Châu", "Thái")
_SURNAME = {strip_marks(s).upper(): s for s in SURNAMES}


def surname_marks(name: str) -> str:
    """"Nguyên Hoàng Giang" → "Nguyễn Hoàng Giang": the first word, when it is a common family name without
    its marks or with other ones, spelled as that name."""
    first, _, rest = name.partition(" ")
    known = _SURNAME.get(strip_marks(first).upper())
    return f"{known} {rest}" if known and rest else name


def _vv_lines(lines: list[str]) -> str:
    """The công văn's trích yếu: "V/v …" and the lines under it in the issuer column."""
    out: list[str] = []
    for line in lines:
        if not out and not _VV.match(line.strip()):
            continue
        out.append(line.strip())
    text = " ".join(" ".join(out).split()).rstrip(" .")
    return re.sub(r"^V\s*/\s*v\b", "V/v", text)
