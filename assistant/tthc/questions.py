"""What a question about an administrative procedure asks: which field(s), and for which channel.

Why rules: measured on the labelled set in ``evals/data/tthc_questions.jsonl`` (docs/tthc-eval.md) the
phrasing of procedure questions is formulaic, and rules over diacritic-free text read "bao lâu" and
"bao lau" alike, need no model, and say why they fired. Field words that are part of the procedure's own
name ("… hồ sơ người có công", "… hết thời hạn") are cut out first (``question_frame``), so "Hồ sơ đề nghị
công nhận liệt sĩ … giải quyết trong bao lâu?" asks for the time limit, not the dossier.
"""

from __future__ import annotations

import re

from core.vietnamese import fold

# Field keys, in the order an answer lists them.
FIELDS = ("time", "fee", "documents", "agency", "result", "subject", "channel", "conditions", "legal_basis")

_PATTERNS: dict[str, re.Pattern[str]] = {
    "time": re.compile(
        r"\bthoi han\b|\bbao lau\b|\b(may|bao nhieu) (ngay|gio|tuan|thang)\b|\blau khong\b"
        r"|\bthoi gian (giai quyet|xu ly|tra ket qua|thuc hien|cho)\b|\b(khi nao|bao gio|bao lau thi|lau chua)"
        r" (thi )?(co|nhan|nhan duoc|tra|duoc tra) ket qua\b|\b(mat|trong|het) (bao lau|may ngay)\b"),
    "fee": re.compile(
        r"\ble phi\b|(?<!hoc )\bphi\b(?! (cong|nong|chinh phu|loi nhuan))|\bbao nhieu tien\b|\bmat tien\b|\bton tien\b"
        r"|\bchi phi\b|\bmien phi\b|\b(mat|ton|dong|tra) bao nhieu\b(?! (ngay|gio|tuan|thang|lau))|\bthu tien\b"),
    "documents": re.compile(
        r"\bthanh phan ho so\b|\bho so (gom|bao gom|can|phai co|co nhung|nhu the nao|ra sao|nhung gi|gi)\b"
        r"|\bgiay to\b|\b(can|phai) (mang|chuan bi|nop|co) (nhung |theo |cac )?(gi|giay|tai lieu|nhung gi)\b"
        r"|\bchuan bi (nhung |cac )?(gi|giay|ho so)\b|\bcan nhung gi\b|\bcan gi\b|\bnop nhung gi\b"
        r"|\bmang theo\b|\bbo ho so\b|\btai lieu\b|\bho so\b.*\bgom (nhung )?(gi|giay to gi)\b"),
    "agency": re.compile(
        r"\bco quan (nao|thuc hien|giai quyet|tiep nhan|co tham quyen|chiu trach nhiem)\b|\bo dau\b|\bdau nop\b"
        r"|\bnop (o|tai|ve) dau\b|\bai (tiep nhan|giai quyet|thu ly|xu ly|cap|phe duyet|tham dinh|thuc hien viec)\b"
        r"|\bdon vi nao\b|\bnoi (nop|tiep nhan)\b|\bnop cho ai\b|\bcap nao\b|\bcho nao\b|\bgui (ho so )?(den|ve) dau\b"
        r"|\bthuoc tham quyen cua ai\b|\bdia chi (tiep nhan|nop)\b|\bnop (ho so )?(o|tai) co quan\b"),
    "result": re.compile(
        r"\bket qua\b(?! (khi|sau bao lau|trong bao lau))|\bnhan (duoc|lai|ve) (gi|nhung gi|giay gi|cai gi)\b"
        r"|\bduoc cap (gi|giay gi|nhung gi)\b|\bduoc nhan (gi|nhung gi)\b"),
    "subject": re.compile(
        r"\bdoi tuong\b|\bnhung ai\b|\bai (duoc|co the|phai|can|nen) (thuc hien|lam|nop|de nghi|yeu cau|huong"
        r"|ap dung|dang ky)\b|\b(ap dung|danh) (cho|doi voi) (ai|nhung ai|doi tuong nao)\b|\bai thi (duoc|phai)\b"),
    "channel": re.compile(
        r"\bcach thuc\b|\bhinh thuc (nop|thuc hien|gui)\b|\bbang cach nao\b|\bnhung cach nao\b|\bkenh nao\b"
        r"|\b(truc tuyen|online|qua mang|buu chinh|buu dien|truc tiep)\b.{0,12}\b(duoc khong|khong)\b"
        r"|\bco (the )?(nop|lam|thuc hien|gui)\b.{0,16}\b(truc tuyen|online|qua mang|buu chinh|buu dien)\b"
        r"|\bnop (nhu the nao|the nao|ra sao|bang cach nao)\b"),
    "conditions": re.compile(
        r"\bdieu kien\b|\byeu cau (gi|nao|doi voi|de|ve|nhung gi|ra sao)\b|\b(can|phai) dap ung\b|\btieu chuan\b"),
    "legal_basis": re.compile(
        r"\bcan cu\b|\bco so phap ly\b|\bvan ban nao\b|\b(luat|nghi dinh|thong tu|quyet dinh) nao\b"
        r"|\bquy dinh (o|tai) dau\b|\bquy dinh tai van ban\b|\btheo quy dinh nao\b"),
}
# A channel named in the question narrows time, fee and channel answers to it.
CHANNELS: dict[str, re.Pattern[str]] = {
    "Trực tiếp": re.compile(r"\btruc tiep\b"),
    "Trực tuyến": re.compile(r"\b(truc tuyen|online|qua mang|dich vu cong)\b"),
    "Dịch vụ bưu chính": re.compile(r"\b(buu chinh|buu dien|gui thu|chuyen phat)\b"),
}


def _syllables(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def question_frame(question: str, title: str) -> str:
    """The question without the runs of two or more syllables it shares, in order, with the procedure's
    title: what is left is how it asks ("… được giải quyết trong bao lâu")."""
    words, title_words = _syllables(question), _syllables(title)
    pairs = set(zip(title_words, title_words[1:], strict=False))
    inside = [False] * len(words)
    for i in range(len(words) - 1):
        if (words[i], words[i + 1]) in pairs:
            inside[i] = inside[i + 1] = True
    return " ".join(w for w, cut in zip(words, inside, strict=True) if not cut)


def asked_fields(question: str, title: str = "") -> list[str]:
    """The fields asked, in ``FIELDS`` order; with ``title``, words of the procedure's name do not count
    (unless nothing else is asked). "Khi nào có kết quả" is time, not the result."""
    full = " ".join(_syllables(question))
    for text in ([question_frame(question, title)] if title else []) + [full]:
        found = _fields_in(text)
        if found:
            return found
    return []


def _fields_in(text: str) -> list[str]:
    """The fields asked in ``text`` (folded syllables joined by spaces), in ``FIELDS`` order."""
    found = [name for name in FIELDS if _PATTERNS[name].search(text)]
    if "time" in found and "result" in found and not re.search(r"\bket qua (la|gom|cua|thuc hien)\b", text):
        found.remove("result")  # "bao lâu thì có kết quả"
    return found


def asked_channel(question: str, title: str = "") -> str | None:
    """The one channel the question names ("nộp trực tuyến …"), or None when it names none or several;
    the title's own words ("… trực tiếp tham gia kháng chiến") do not count."""
    text = question_frame(question, title) if title else " ".join(_syllables(question))
    named = [name for name, pattern in CHANNELS.items() if pattern.search(text)]
    return named[0] if len(named) == 1 else None


def mentions_procedure(question: str, folded: str | None = None) -> bool:
    """The question is about a procedure: it asks a field, or says "thủ tục". ``folded``: the question's fold,
    when the caller has it already (``Question.folded``)."""
    full = " ".join(_syllables(question) if folded is None else re.findall(r"\w+", folded))
    return bool(_fields_in(full)) or "thu tuc" in full
