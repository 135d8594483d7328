"""A draft of an outgoing document as data: what the official asked for (``DraftRequest``, checked field by
field), the căn cứ suggested from indexed documents, the body outline of its loại, and the ``Draft`` the docx
writer lays out and the API returns as JSON.

Why data first: the same ``Draft`` becomes the .docx (``docx_writer``) and the JSON the document management
system stores, so the two never differ; the format check reads the .docx back and must find 0 deviations.
Without a language model the body is an outline: per loại, the sections an official writes, each with the
provisions of the suggested căn cứ to use; with one, the model writes the prose of each section.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from assistant.correspondence.drafting.rules import AUTHORITIES, DRAFT_KINDS, KINH_GUI_KINDS, abbreviation, kind_of_code
from core.legal_status import VALIDITY_EXPIRED, VALIDITY_IN_FORCE, VALIDITY_NOT_YET, VALIDITY_UNKNOWN, status_of
from core.so_hieu import CONSOLIDATED_KIND, is_consolidated
from core.vietnamese import normalize_text

_CODE_PART = re.compile(r"^[A-ZĐ][A-ZĐa-z0-9&]*$")
VALIDITY_LABELS = {VALIDITY_IN_FORCE: "còn hiệu lực", VALIDITY_NOT_YET: "chưa có hiệu lực",
                   VALIDITY_EXPIRED: "hết hiệu lực", VALIDITY_UNKNOWN: "chưa rõ hiệu lực", "": "chưa rõ hiệu lực"}


class DraftError(ValueError):
    """A field of a draft request that cannot be used; the message names the field and why."""


@dataclass
class Signer:
    """Mục II khoản 7: ``quyen_han`` (TM./Q./KT./TL./TUQ. or none) before ``thay_mat`` (the collective for TM.,
    the head's position otherwise), then the signer's own ``chuc_vu`` and ``nguoi_ky``."""

    chuc_vu: str
    nguoi_ky: str
    quyen_han: str = ""
    thay_mat: str = ""

    def lines(self) -> list[str]:
        """The upper-case lines above the signature: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"."""
        out: list[str] = []
        if self.quyen_han == "TM.":
            out.append(f"TM. {self.thay_mat.upper()}")
        elif self.quyen_han:
            out.append(f"{self.quyen_han} {self.thay_mat.upper()}")
        own = self.chuc_vu.upper()
        if not out or out[-1].split(" ", 1)[-1] != own:
            out.append(own)
        return out


@dataclass
class BasisItem:
    """One căn cứ: its line as written in the draft, the indexed document it names (when one), that document's
    validity on the drafting day (shown to the official) and the provisions the search found in it."""

    text: str
    so_hieu: str = ""
    doc_id: str = ""
    title: str = ""
    validity: str = ""
    validity_label: str = ""
    provisions: list[str] = field(default_factory=list)


@dataclass
class Section:
    """A body section: its heading (empty for plain paragraphs), paragraphs, and the provisions to cite."""

    heading: str
    paragraphs: list[str]
    cites: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """Everything the NĐ 30 layout shows, in the order Phụ lục I, Phần I, Mục IV places it."""

    loai: str
    co_quan: str
    ky_hieu: str
    dia_danh: str
    trich_yeu: str
    signer: Signer
    co_quan_chu_quan: str = ""
    so: str = ""
    ngay: date | None = None
    kinh_gui: list[str] = field(default_factory=list)
    can_cu: list[BasisItem] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    noi_nhan: list[str] = field(default_factory=list)
    luu: str = "VT"
    prose_by: str = "outline"

    @property
    def is_cong_van(self) -> bool:
        return self.loai == "công văn"

    def so_line(self) -> str:
        """"Số: 05/QĐ-SYT" (a number under 10 with its zero, Mục II khoản 3 điểm c); "Số:      /QĐ-SYT" while
        the văn thư has not given one."""
        number = f"{int(self.so):02d}" if self.so else "      "
        return f"Số: {number}/{self.ky_hieu}"

    def date_line(self) -> str:
        """"Hà Tĩnh, ngày 05 tháng 01 năm 2026": a zero before days under 10 and months 1 and 2 (Mục II khoản 4
        điểm b); the day and month left blank while the document is not issued."""
        if self.ngay is None:
            return f"{self.dia_danh}, ngày      tháng      năm {date.today().year}"
        d = self.ngay
        month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
        return f"{self.dia_danh}, ngày {d.day:02d} tháng {month} năm {d.year}"

    def noi_nhan_lines(self) -> list[str]:
        """"- Như trên;" first where there is a Kính gửi, each recipient "- …;", last "- Lưu: VT, …." """
        items = (["Như trên"] if self.kinh_gui else []) + list(self.noi_nhan)
        return [f"- {item};" for item in items] + [f"- Lưu: {self.luu}."]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ngay"] = self.ngay.isoformat() if self.ngay else None
        data["so_ky_hieu"] = self.so_line()
        data["dia_danh_ngay"] = self.date_line()
        data["ten_loai"] = "" if self.is_cong_van else self.loai.upper()
        data["noi_nhan_lines"] = self.noi_nhan_lines()
        data["chu_ky"] = self.signer.lines() + [self.signer.nguoi_ky]
        return data


def _text(data: dict[str, Any], key: str, *, required: bool = True, limit: int = 500) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise DraftError(f"{key}: phải là chuỗi ký tự")
    value = " ".join(normalize_text(value).split())
    if required and not value:
        raise DraftError(f"{key}: thiếu (bắt buộc)")
    if len(value) > limit:
        raise DraftError(f"{key}: dài quá {limit} ký tự")
    return value


def _names(data: dict[str, Any], key: str, canonical: Callable[[str], str | None]) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DraftError(f"{key}: phải là danh sách tên đơn vị")
    out: list[str] = []
    for raw in value:
        name = " ".join(normalize_text(raw).split())
        if not name:
            continue
        known = canonical(name)
        if known is None:
            raise DraftError(f"{key}: không có đơn vị {name!r} trong danh mục đơn vị của tỉnh")
        if known not in out:
            out.append(known)
    return out


def ky_hieu_of(kind: str, pattern: str) -> str:
    """The ký hiệu from the requested pattern: "QĐ-UBND", or the agency part alone ("UBND", "UBND-VX" for a công
    văn), the abbreviation of Phụ lục III put first for a kind that has one. Refused when the pattern has
    spaces or groups that are not abbreviations."""
    pattern = pattern.strip().lstrip("./0123456789 ").strip()
    if not pattern:
        raise DraftError("ky_hieu: thiếu ký hiệu (ví dụ QĐ-UBND, hoặc UBND-VX cho công văn)")
    parts = pattern.split("-")
    if any(not _CODE_PART.match(p) for p in parts):
        raise DraftError(f"ky_hieu: {pattern!r} không đúng dạng chữ viết tắt nối bằng gạch nối, không cách chữ")
    code = abbreviation(kind)
    if code is None:  # a công văn: the issuer's abbreviation and the drafting unit's (Mục II khoản 3 điểm b)
        return pattern
    if parts[0] != code:
        if kind_of_code(parts[0]) is not None and len(parts) > 1:
            raise DraftError(f"ky_hieu: {parts[0]} là viết tắt của loại khác; {kind} viết tắt là {code}")
        return f"{code}-{pattern}"
    if len(parts) < 2:
        raise DraftError(f"ky_hieu: thiếu chữ viết tắt tên cơ quan sau {code}-")
    return pattern


def _signer(data: dict[str, Any]) -> Signer:
    quyen = _text(data, "quyen_han", required=False, limit=8).upper()
    if quyen and not quyen.endswith("."):
        quyen += "."
    if quyen and quyen not in AUTHORITIES:
        raise DraftError(f"quyen_han: {quyen!r} không phải TM., Q., KT., TL. hoặc TUQ.")
    thay_mat = _text(data, "thay_mat", required=bool(quyen), limit=120)
    return Signer(chuc_vu=_text(data, "chuc_vu", limit=120), nguoi_ky=_text(data, "nguoi_ky", limit=80),
                  quyen_han=quyen, thay_mat=thay_mat)


def parse_request(data: dict[str, Any], canonical_unit: Callable[[str], str | None]) -> Draft:
    """A ``Draft`` without căn cứ and body from a request body; every bad field raises ``DraftError`` naming it.
    Recipients must be units of the province's list (``canonical_unit``: the unit directory's resolver)."""
    if not isinstance(data, dict):
        raise DraftError("yêu cầu phải là một đối tượng JSON")
    kind = _text(data, "loai_van_ban", limit=40).lower()
    if kind not in DRAFT_KINDS:
        raise DraftError(f"loai_van_ban: {kind!r} không thuộc {', '.join(DRAFT_KINDS)}")
    so = _text(data, "so", required=False, limit=6)
    if so and not so.isdigit():
        raise DraftError(f"so: {so!r} phải là chữ số Ả Rập")
    raw_day = data.get("ngay")
    day = None
    if raw_day:
        try:
            day = date.fromisoformat(str(raw_day))
        except ValueError:
            raise DraftError(f"ngay: {raw_day!r} không phải ngày YYYY-MM-DD") from None
    kinh_gui = _names(data, "kinh_gui", canonical_unit)
    if kind in KINH_GUI_KINDS and not kinh_gui:
        raise DraftError(f"kinh_gui: {kind} cần ít nhất một nơi nhận «Kính gửi»")
    luu = _text(data, "luu", required=False, limit=60) or "VT"
    if not luu.startswith("VT"):
        luu = f"VT, {luu}"
    trich_yeu = _text(data, "trich_yeu", limit=300)
    if kind == "công văn":  # the line reads "V/v …": a "V/v" or "Về việc" typed in front would repeat it
        trich_yeu = re.sub(r"^(?:v/v|về việc)\s*", "", trich_yeu, flags=re.I)
        trich_yeu = trich_yeu[:1].lower() + trich_yeu[1:]
    return Draft(loai=kind, co_quan=_text(data, "co_quan", limit=150).upper(),
                 co_quan_chu_quan=_text(data, "co_quan_chu_quan", required=False, limit=150).upper(),
                 ky_hieu=ky_hieu_of(kind, _text(data, "ky_hieu", limit=40)), so=so, ngay=day,
                 dia_danh=_text(data, "dia_danh", limit=60), trich_yeu=trich_yeu, signer=_signer(data),
                 kinh_gui=kinh_gui if kind in KINH_GUI_KINDS else [],
                 noi_nhan=_names(data, "noi_nhan", canonical_unit) + ([] if kind in KINH_GUI_KINDS else kinh_gui),
                 luu=luu)


def suggest_basis(hits: Iterable[Any], today: date, limit: int = 5) -> list[BasisItem]:
    """Căn cứ from search hits (already read under the asker's access): one per document that has a số hiệu,
    with the provisions found in it, never one whose status is expired (replaced documents are expired) or
    that records a replacement in force."""
    by_doc: dict[str, BasisItem] = {}
    for hit in hits:
        p = hit.payload
        so_hieu = str(p.get("so_hieu") or "")
        if not so_hieu or p.get("kind") not in (None, "legal"):
            continue
        status = status_of(p, None, today)
        if status == VALIDITY_EXPIRED or any((c.get("from") or "") <= today.isoformat()
                                             for c in p.get("thay_the_boi") or []):
            continue
        item = by_doc.get(p["doc_id"])
        if item is None:
            if len(by_doc) >= limit:
                continue
            kind = str(p.get("loai_van_ban") or "")
            title = str((p.get("title") if is_consolidated(so_hieu) else p.get("trich_yeu")) or p.get("title") or "")
            item = BasisItem(text=_basis_line(kind, so_hieu, title, str(p.get("ngay_ban_hanh") or ""),
                                              str(p.get("co_quan_ban_hanh") or "")),
                             so_hieu=so_hieu, doc_id=p["doc_id"], title=str(p.get("title") or ""),
                             validity=status or VALIDITY_UNKNOWN, validity_label=VALIDITY_LABELS.get(status, status))
            by_doc[p["doc_id"]] = item
        citation = str(p.get("citation") or "")
        if citation and citation not in item.provisions and len(item.provisions) < 4:
            item.provisions.append(citation)
    return list(by_doc.values())


def _basis_line(kind: str, so_hieu: str, title: str, issued: str, issuer: str) -> str:
    """"Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư" (Mục II
    khoản 6 điểm b: tên loại, số, ký hiệu, ngày, cơ quan, trích yếu; a Luật by its name)."""
    kind = kind or "Văn bản"
    when = ""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", issued):
        y, m, d = (int(x) for x in issued.split("-"))
        when = f" ngày {d:02d} tháng {f'{m:02d}' if m <= 2 else m} năm {y}"
    title = title.strip().rstrip(".;")
    if is_consolidated(so_hieu):  # the law it consolidates is what is cited; the text says where it was read
        of = f" của {issuer}" if issuer else ""
        named = title if title and not title.lower().startswith(CONSOLIDATED_KIND.lower()) else "văn bản được hợp nhất"
        return f"Căn cứ {named} ({CONSOLIDATED_KIND.lower()} số {so_hieu}{when}{of})"
    if title.lower().startswith(kind.lower()):
        title = title[len(kind):].strip()
    # a catalogue title repeats the number ("Quyết định 12/2025/QĐ-UBND về …"): keep what follows it
    title = re.sub(r"^(?:số\s*)?" + re.escape(so_hieu) + r"\s*", "", title, flags=re.I).strip()
    if kind.lower() in ("luật", "bộ luật", "pháp lệnh"):
        return f"Căn cứ {kind} {title}{when}".strip()
    of = f" của {issuer}" if issuer else ""
    about = f" {title[0].lower()}{title[1:]}" if title else ""
    return f"Căn cứ {kind} số {so_hieu}{when}{of}{about}"


OUTLINES: dict[str, list[tuple[str, str]]] = {
    "công văn": [("", "Thực hiện [văn bản, chỉ đạo làm căn cứ], {co_quan} [nêu lý do, bối cảnh]."),
                 ("", "[Nội dung đề nghị, yêu cầu hoặc trao đổi: nêu rõ cơ quan, đơn vị thực hiện, việc cần làm, "
                       "thời hạn hoàn thành, đầu mối tổng hợp và hình thức báo cáo kết quả thực hiện.]"),
                 ("", "Đề nghị [các đơn vị nhận] quan tâm, phối hợp thực hiện./.")],
    "tờ trình": [("I. SỰ CẦN THIẾT", "[Cơ sở pháp lý của đề xuất (các căn cứ nêu trên) và cơ sở thực tiễn: tình hình, "
                                     "kết quả đã đạt được, những vướng mắc cần được giải quyết.]"),
                 ("II. MỤC ĐÍCH, QUAN ĐIỂM", "[Mục đích và quan điểm chỉ đạo.]"),
                 ("III. NỘI DUNG ĐỀ XUẤT", "[Nội dung trình, phương án, kinh phí nếu có.]"),
                 ("IV. KIẾN NGHỊ", "{co_quan} kính trình [cấp có thẩm quyền] xem xét, quyết định./.")],
    "báo cáo": [("I. TÌNH HÌNH, KẾT QUẢ THỰC HIỆN", "[Kết quả đạt được theo từng nhiệm vụ được giao, số liệu so với "
                                                    "kế hoạch và cùng kỳ năm trước, đơn vị thực hiện.]"),
                ("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "[Tồn tại, hạn chế; nguyên nhân.]"),
                ("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", "[Nhiệm vụ, giải pháp.]"),
                ("IV. KIẾN NGHỊ, ĐỀ XUẤT", "[Kiến nghị với cấp trên.]/.")],
    "quyết định": [("QUYẾT ĐỊNH:", ""),
                   ("", "Điều 1. [Nội dung quyết định: việc được quyết định, đối tượng, phạm vi áp dụng, mức, thời "
                          "hạn; hoặc ban hành kèm theo Quyết định này văn bản được ban hành.]"),
                   ("", "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."),
                   ("", "Điều 3. [Người đứng đầu các đơn vị liên quan] chịu trách nhiệm thi hành Quyết định này./.")],
    "kế hoạch": [("I. MỤC ĐÍCH, YÊU CẦU", "[Mục đích; yêu cầu.]"),
                 ("II. NỘI DUNG, NHIỆM VỤ", "[Từng nhiệm vụ với đơn vị chủ trì, đơn vị phối hợp, thời hạn hoàn "
                                            "thành và sản phẩm; nguồn kinh phí thực hiện.]"),
                 ("III. TỔ CHỨC THỰC HIỆN", "[Phân công trách nhiệm, chế độ báo cáo.]/.")],
    "thông báo": [("", "[Nội dung thông báo: sự việc, thời gian, thành phần; kết luận hoặc ý kiến chỉ đạo; yêu cầu "
                        "đối với từng cơ quan, đơn vị và thời hạn thực hiện.]"),
                  ("", "{co_quan} thông báo để các cơ quan, đơn vị biết, thực hiện./.")],
    "giấy mời": [("", "{co_quan} trân trọng kính mời: [đại biểu].")
                 , ("", "Thời gian: [giờ, ngày].")
                 , ("", "Địa điểm: [địa điểm].")
                 , ("", "Nội dung: [nội dung cuộc họp, tài liệu đại biểu cần chuẩn bị, đầu mối liên hệ và số điện "
                         "thoại xác nhận tham dự]./.")],
}


def outline(draft: Draft) -> list[Section]:
    """The body sections of the draft's loại, each with the provisions of the căn cứ to use (shown as a line
    "Căn cứ để viết: …" so the official sees where the content comes from)."""
    cites = [f"{p} {b.so_hieu}".strip() for b in draft.can_cu for p in b.provisions[:2]]
    name = draft.co_quan.title() if draft.co_quan.isupper() else draft.co_quan
    sections: list[Section] = []
    for heading, text in OUTLINES[draft.loai]:
        paragraphs = [text.format(co_quan=name)] if text else []
        sections.append(Section(heading=heading, paragraphs=paragraphs))
    target = next((s for s in sections if s.paragraphs), None)
    if target is not None and cites:
        target.cites = cites
    return sections


def basis_intro(draft: Draft) -> list[str]:
    """The căn cứ lines as Mục II khoản 6 điểm a writes them: each on its own line ending in ";", the last
    in "." (a quyết định also ends with "Theo đề nghị …" — left to the official to add)."""
    lines = [b.text.rstrip(".;") for b in draft.can_cu]
    return [f"{line};" for line in lines[:-1]] + [f"{lines[-1]}."] if lines else []
