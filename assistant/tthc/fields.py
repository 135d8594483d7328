"""The structured facts of one administrative procedure (TTHC), read from the portal export.

Why: questions about a procedure are exact ("how long?", "what fee?", "which papers?"), so its facts travel
as data — ``TthcFields`` under ``fields`` in every chunk's payload — from the parser to the API and UI,
never as chunk text that another layer parses back.
"""

from __future__ import annotations

import re
from typing import Any, NotRequired, TypedDict, cast

from connectors.tthc import clean_value

_FEE_LINE = re.compile(r"^\s*(Phí|Lệ phí)\s*:\s*(.*?)\s*(?:Đồng|đồng)?\s*(?:\((.*)\))?\s*$", re.DOTALL)
_FREE_AMOUNTS = {"0", "không", "o"}
_COPIES = re.compile(r"Bản\s+(chính|sao)\s*:\s*(\d+)", re.IGNORECASE)


class TthcChannel(TypedDict):
    """One way to submit (hình thức nộp): "Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính"."""

    kenh: str
    thoi_han: str  # thời hạn giải quyết, as the portal states it ("30 Ngày làm việc")
    phi_le_phi: str  # cleaned by clean_fee: "Phí: 0 đồng; Lệ phí: 1.5 USD"; "" when the portal gives none
    mo_ta: str  # the portal's note for this channel ("" when none)


class TthcPaper(TypedDict):
    """One paper of the dossier (thành phần hồ sơ)."""

    ten: str
    ban_chinh: NotRequired[int]
    ban_sao: NotRequired[int]
    mau_don: NotRequired[str]  # the form's file name ("Mau1.docx")
    nhom: NotRequired[str]  # the case it belongs to ("(1.1) Đối với công trình không theo tuyến:"), where given


class TthcLegalBasis(TypedDict, total=False):
    """One legal basis (căn cứ pháp lý); only the keys the portal fills are present."""

    so_ky_hieu: str
    trich_yeu: str
    ngay_ban_hanh: str
    co_quan_ban_hanh: str


class TthcFields(TypedDict):
    """The whole structured summary of a procedure, stored under ``fields`` in every chunk's payload."""

    ma_thu_tuc: str
    ten_thu_tuc: str
    linh_vuc: str
    cap_thuc_hien: str
    quyet_dinh: str
    doi_tuong: str
    co_quan_thuc_hien: str
    co_quan_co_tham_quyen: str
    ket_qua: str
    channels: list[TthcChannel]
    thanh_phan_ho_so: list[TthcPaper]
    can_cu_phap_ly: list[TthcLegalBasis]
    # Added later: absent from payloads indexed before them, so readers use .get().
    yeu_cau_dieu_kien: NotRequired[str]  # yêu cầu, điều kiện thực hiện; "" when the portal says none ("Không")
    dia_chi_tiep_nhan: NotRequired[str]  # địa chỉ tiếp nhận hồ sơ, where the record names it
    truong_hop: NotRequired[list[TthcCase]]  # the cases the portal settles separately, each with its own time


class TthcCase(TypedDict):
    """One case (trường hợp giải quyết) of a procedure: its name and its own time limit, as the portal says."""

    ten: str
    thoi_han: str


def clean_fee(value: Any) -> str:
    """ "Phí : 0 Đồng" → "Phí: 0 đồng"; empty amounts and "File đính kèm" lines dropped; joined by "; "."""
    out = []
    for raw in str(value or "").splitlines():
        raw = " ".join(raw.split())
        if not raw or raw.startswith("File đính kèm"):
            continue
        match = _FEE_LINE.match(raw)
        if not match:
            out.append(raw)
            continue
        kind, amount, note = match.group(1), match.group(2).strip(), (match.group(3) or "").strip()
        if amount.casefold() in _FREE_AMOUNTS:
            amount = "0 đồng"
        elif amount and not re.search(r"USD|%|[A-Za-zÀ-ỹ]{4,}", amount):
            amount = f"{amount} đồng"
        parts = [p for p in (amount, f"({note})" if note and amount else note) if p]
        if parts:
            out.append(f"{kind}: {' '.join(parts)}")
    return "; ".join(dict.fromkeys(out))  # the portal sometimes repeats a line


def _paper(name: str, note: Any, form: str) -> TthcPaper:
    """A dossier paper; copy counts come from a note like "Bản chính: 1\nBản sao: 0"."""
    paper = TthcPaper(ten=name)
    for kind, n in _COPIES.findall(str(note or "")):
        if kind.lower() == "chính":
            paper["ban_chinh"] = int(n)
        else:
            paper["ban_sao"] = int(n)
    if form:
        paper["mau_don"] = form
    return paper


def _legal_basis(row: dict[str, Any]) -> TthcLegalBasis:
    """The filled keys of one legal-basis row, whitespace collapsed."""
    def text(key: str) -> str:
        return " ".join(clean_value(row.get(key)).split())

    basis = TthcLegalBasis()
    if value := text("so_ky_hieu"):
        basis["so_ky_hieu"] = value
    if value := text("trich_yeu"):
        basis["trich_yeu"] = value
    if value := text("ngay_ban_hanh"):
        basis["ngay_ban_hanh"] = value
    if value := text("co_quan_ban_hanh"):
        basis["co_quan_ban_hanh"] = value
    return basis


def structured_fields(record: dict[str, Any]) -> TthcFields:
    """The procedure's facts as plain fields: agencies, channels with time limit and fee, papers, basis."""
    meta = record.get("metadata") or {}
    content = record.get("content") or {}
    tables = record.get("tables") or {}
    channels: list[TthcChannel] = [
        {
            "kenh": clean_value(row.get("hinh_thuc")),
            "thoi_han": clean_value(row.get("thoi_han_giai_quyet")),
            "phi_le_phi": clean_fee(row.get("phi_le_phi")),
            "mo_ta": " ".join(clean_value(row.get("mo_ta")).split()),
        }
        for row in tables.get("hinh_thuc_nop") or []
        if clean_value(row.get("hinh_thuc"))
    ]
    papers: list[TthcPaper] = []
    for row in tables.get("thanh_phan_ho_so") or []:
        name = " ".join(clean_value(row.get("ten_giay_to")).split())
        if not name:
            continue
        papers.append(_paper_of(name, row))
    basis = [
        item
        for item in map(_legal_basis, tables.get("can_cu_phap_ly") or [])
        if item.get("trich_yeu") or item.get("so_ky_hieu")
    ]
    return {
        "ma_thu_tuc": clean_value(meta.get("mã_thủ_tục")),
        "ten_thu_tuc": clean_value(meta.get("tên_thủ_tục")),
        "linh_vuc": clean_value(meta.get("lĩnh_vực")),
        "cap_thuc_hien": clean_value(meta.get("cấp_thực_hiện")),
        "quyet_dinh": clean_value(meta.get("số_quyết_định")),
        "doi_tuong": clean_value(content.get("đối_tượng_thực_hiện")),
        "co_quan_thuc_hien": clean_value(content.get("cơ_quan_thực_hiện")),
        "co_quan_co_tham_quyen": clean_value(content.get("cơ_quan_có_thẩm_quyền")),
        "ket_qua": " ".join(clean_value(content.get("kết_quả_thực_hiện")).split()),
        "channels": channels,
        "thanh_phan_ho_so": papers,
        "can_cu_phap_ly": basis,
        "yeu_cau_dieu_kien": _conditions(content.get("yêu_cầu_điều_kiện_thực_hiện")),
        "dia_chi_tiep_nhan": " ".join(clean_value(content.get("địa_chỉ_tiếp_nhận_hs")).split()),
        "truong_hop": _cases(content.get("trường_hợp_giải_quyết")),
    }


_GROUP = re.compile(r"Thuộc nhóm:\s*(.*?)\s*(?:;\s*Mẫu đơn, tờ khai:|$)", re.DOTALL)
_CASE = re.compile(r"^\s*(?:\d\.\d{6}\.\d+\s*-\s*)?(.*?)\s*-\s*thời hạn:\s*(.+?)\s*$")


def _paper_of(name: str, row: dict[str, Any]) -> TthcPaper:
    """A dossier paper in either export layout. The defence export puts the form's file name in "so_luong" and
    the copy counts in "ghi_chu"; the province's puts the counts in "so_luong", the case group in "ghi_chu"
    ("Thuộc nhóm: …") and the forms in "mau_don_to_khai" (``../shared/sources/tthc-province.md``)."""
    so_luong = clean_value(row.get("so_luong"))
    if not _COPIES.search(so_luong):
        return _paper(name, row.get("ghi_chu"), so_luong)
    forms = row.get("mau_don_to_khai") or []
    paper = _paper(name, so_luong, ", ".join(clean_value(f) for f in forms if clean_value(f)))
    group = _GROUP.search(clean_value(row.get("ghi_chu")))
    if group and group.group(1).strip():
        paper["nhom"] = " ".join(group.group(1).split())
    return paper


def _cases(value: Any) -> list[TthcCase]:
    """The cases settled separately ("<mã>.01 - <tên> - thời hạn: 20 Ngày"), each once, in the portal's order."""
    cases: dict[tuple[str, str], TthcCase] = {}
    for line in clean_value(value).splitlines():
        match = _CASE.match(" ".join(line.split()))
        if match and match.group(1):
            cases.setdefault((match.group(1), match.group(2)), TthcCase(ten=match.group(1), thoi_han=match.group(2)))
    return list(cases.values())


def _conditions(value: Any) -> str:
    """Lines of the conditions, whitespace collapsed; the portal's "Không" (none) is already "" here."""
    return "\n".join(" ".join(line.split()) for line in clean_value(value).splitlines() if line.strip())


def tthc_fields_of(payload: dict[str, Any]) -> TthcFields | None:
    """The procedure's fields in a stored chunk payload (``build_payload`` puts them under "fields");
    None for a chunk that is not a TTHC or was indexed without them."""
    fields = payload.get("fields")
    if payload.get("kind") != "tthc" or not isinstance(fields, dict) or not fields.get("ma_thu_tuc"):
        return None
    return cast(TthcFields, fields)  # written by structured_fields, read back from the store
