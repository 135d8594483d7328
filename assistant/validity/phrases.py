"""The small phrases relation extraction reads: unit lists ("khoản 2 và khoản 3 Điều 5", "điểm a, b khoản 1
Điều 7", "Điều 5, Điều 6"); dates are read by ``core.dates``.

All matching runs on the mark-free lower-case text (``core.vietnamese.strip_marks`` keeps positions), and the
letters of điểm are read back from the marked text so "điểm đ" stays đ, not d.
"""

from __future__ import annotations

import re

from assistant.validity.relations import Unit

_DIEM = r"[a-z]\b"
_NUM = r"\d{1,4}[a-z]?\b"
_LIST = r"(?:\s*(?:,|\bva\b|\bhoac\b)\s*(?:{kw}\s+)?{val})*"
_TOKEN = re.compile(
    rf"\b(?:cac\s+)?(?:(diem)\s+({_DIEM}{_LIST.format(kw='diem', val=_DIEM)})"
    rf"|(khoan)\s+({_NUM}{_LIST.format(kw='khoan', val=_NUM)})"
    rf"|(dieu)\s+({_NUM}{_LIST.format(kw='dieu', val=_NUM)}))"
)
_NUM_VALUE = re.compile(r"\b\d{1,4}[a-z]?\b")
_DIEM_VALUE = re.compile(r"\b(?!va\b)[a-z]\b")


def _values(low: str, nfc: str, start: int, end: int, letters: bool = False) -> list[str]:
    pattern = _DIEM_VALUE if letters else _NUM_VALUE
    return [nfc[m.start() + start:m.end() + start].lower() for m in pattern.finditer(low[start:end])]


def parse_units(nfc: str, low: str) -> list[Unit]:
    """Every unit named in the phrase, in order: pending điểm / khoản attach to the next Điều named."""
    units: list[Unit] = []
    diems: list[str] = []
    khoans: list[str] = []
    for m in _TOKEN.finditer(low):
        if m.group(1):
            diems = _values(low, nfc, m.start(2), m.end(2), letters=True)
        elif m.group(3):
            khoans = _values(low, nfc, m.start(4), m.end(4))
        else:
            for i, dieu in enumerate(_values(low, nfc, m.start(6), m.end(6))):
                if i:  # "điểm d khoản 1 Điều 44 và Điều 58": the khoản belongs to the first Điều only
                    units.append(Unit(dieu))
                elif khoans:
                    for khoan in khoans:
                        units.extend(Unit(dieu, khoan, d) for d in (diems or [None]))
                elif diems:
                    units.extend(Unit(dieu, None, d) for d in diems)
                else:
                    units.append(Unit(dieu))
            diems, khoans = [], []
    return units


def dangling_units(nfc: str, low: str) -> tuple[list[str], list[str]]:
    """Khoản and điểm named without an Điều ("bãi bỏ khoản 2", "sửa đổi điểm a"): (khoản, điểm)."""
    khoans: list[str] = []
    diems: list[str] = []
    for m in _TOKEN.finditer(low):
        if m.group(5):
            return [], []
        if m.group(1):
            diems = _values(low, nfc, m.start(2), m.end(2), letters=True)
        elif m.group(3):
            khoans = _values(low, nfc, m.start(4), m.end(4))
    return khoans, diems


