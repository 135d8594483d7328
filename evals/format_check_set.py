"""The documents the thể thức benchmark checks: correct ones (drafts of every loại, with and without a cơ quan
chủ quản, one or several recipients, each signing authority) and ones with deviations planted on purpose, one
or several each, every planted deviation labelled with its rule family.

Why generated: a planted deviation is known exactly, so precision and recall per family are measured, not
guessed; the deviations are the ones a văn thư sends back (a wrong font or size, margins, "Số: 5", "tháng 1",
no comma after the place, the Quốc hiệu on the left, a missing element, "Lưu" without VT, a replaced căn cứ).
Documents are made as .docx and, for a share of them, printed to PDF and saved as .doc by LibreOffice.
The căn cứ facts used (``BASIS_FACTS``): Nghị định 110/2004/NĐ-CP and 09/2010/NĐ-CP were replaced by
Nghị định 30/2020/NĐ-CP (its Điều 38); the expired and not-yet-in-force decisions are fixtures of this set.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from assistant.correspondence.drafting import BasisItem, CitedFate, Draft, Signer, abbreviation, outline, render_docx

BASIS_FACTS: dict[str, CitedFate] = {
    "30/2020/NĐ-CP": CitedFate("30/2020/NĐ-CP", "con_hieu_luc"),
    "110/2004/NĐ-CP": CitedFate("110/2004/NĐ-CP", "het_hieu_luc", ("30/2020/NĐ-CP",)),
    "09/2010/NĐ-CP": CitedFate("09/2010/NĐ-CP", "het_hieu_luc", ("30/2020/NĐ-CP",)),
    "15/2019/QĐ-UBND": CitedFate("15/2019/QĐ-UBND", "het_hieu_luc"),
    "88/2027/NĐ-CP": CitedFate("88/2027/NĐ-CP", "chua_co_hieu_luc", (), "2027-07-01"),
}
ND30 = BasisItem("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư",
                 "30/2020/NĐ-CP", provisions=["Điều 8", "Phụ lục I"])


def lookup(so_hieu: str, on: date) -> CitedFate | None:
    """The benchmark's căn cứ facts (the service reads them from the relations store instead)."""
    return BASIS_FACTS.get(so_hieu)


@dataclass
class Case:
    """One document: ``name``, its bytes and suffix, and the families of the deviations planted in it."""

    name: str
    suffix: str
    data: bytes
    planted: set[str] = field(default_factory=set)
    real: bool = False


SIGNERS = [Signer("Phó Giám đốc", "Nguyễn Văn An", "KT.", "Giám đốc"),
           Signer("Chủ tịch", "Trần Thị Bình", "TM.", "Ủy ban nhân dân"),
           Signer("Chánh Văn phòng", "Lê Quang Cường", "TL.", "Chủ tịch"),
           Signer("Giám đốc", "Phạm Minh Đức")]
KINDS = ("công văn", "tờ trình", "báo cáo", "quyết định", "kế hoạch", "thông báo", "giấy mời")


def base_draft(i: int) -> Draft:
    """The i-th correct draft: kinds, issuers, numbers, dates (days and months under 10 included), signers
    and recipients vary with i."""
    kind = KINDS[i % len(KINDS)]
    ubnd = i % 3 == 1
    co_quan, chu_quan, agency = (("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "", "UBND") if ubnd else
                                 ("SỞ Y TẾ", "UBND TỈNH HÀ TĨNH", "SYT"))
    code = {"công văn": f"{agency}-VP"}.get(kind, f"{{}}-{agency}")
    ky_hieu = code.format(abbreviation(kind)) if "{}" in code else code
    day = date(2026, (i % 12) + 1, (i * 7) % 28 + 1)
    kinh_gui = (["UBND tỉnh"] if i % 2 else ["Sở Tài chính", "Sở Nội vụ"]) if kind in ("công văn", "tờ trình",
                                                                                      "báo cáo") else []
    d = Draft(loai=kind, co_quan=co_quan, co_quan_chu_quan=chu_quan, ky_hieu=ky_hieu, so=str(i % 15 + 1), ngay=day,
              dia_danh="Hà Tĩnh", trich_yeu="Về việc tăng cường kiểm tra an toàn thực phẩm dịp Tết Nguyên đán"
              if kind != "công văn" else "tăng cường kiểm tra an toàn thực phẩm", signer=SIGNERS[i % len(SIGNERS)],
              kinh_gui=kinh_gui, noi_nhan=["Sở Y tế", "Công an tỉnh"] if i % 2 else ["Sở Công Thương"],
              luu="VT, VP" if i % 2 else "VT, NVY", can_cu=[ND30] if kind != "giấy mời" else [])
    d.sections = outline(d)
    return d


def _edit(data: bytes, change: Callable) -> bytes:  # noqa: ANN001 - change(document)
    import docx

    document = docx.Document(io.BytesIO(data))
    change(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _paragraphs(document):  # noqa: ANN001,ANN202 - every paragraph, table cells included
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def _runs_where(pred: Callable[[str], bool], **props: object) -> Callable:
    def change(document) -> None:  # noqa: ANN001
        from docx.shared import Pt

        for p in _paragraphs(document):
            if p.text.strip() and pred(p.text):
                for run in p.runs:
                    for key, value in props.items():
                        if key == "size":
                            run.font.size = Pt(value)  # type: ignore[arg-type]
                        elif key == "name":
                            run.font.name = value
                            rfonts = run.element.rPr.rFonts
                            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                                rfonts.set(f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}"
                                           f"{attr.split(':')[1]}", value)
                        else:
                            setattr(run.font, key, value)
    return change


def _margins(**mm: float) -> Callable:
    def change(document) -> None:  # noqa: ANN001
        from docx.shared import Mm

        for side, value in mm.items():
            setattr(document.sections[0], side, Mm(value))
    return change


def _drop(pred: Callable[[str], bool]) -> Callable:
    def change(document) -> None:  # noqa: ANN001
        for p in list(_paragraphs(document)):
            if pred(p.text):
                element = p.runs[0].element.getparent() if p.runs else None
                if element is not None:
                    element.getparent().remove(element)
    return change


def _swap_header(document) -> None:  # noqa: ANN001 - the Quốc hiệu column put on the left
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    table = document.element.body.findall(f"{w}tbl")[0]
    for row in table.findall(f"{w}tr"):
        cells = row.findall(f"{w}tc")
        row.remove(cells[1])
        row.insert(list(row).index(cells[0]), cells[1])


def _is(text: str) -> Callable[[str], bool]:
    return lambda t: t.startswith(text)


def _render(d: Draft) -> bytes:
    return render_docx(d)


def _sub(pattern: str, repl: str | Callable) -> Callable:
    """Rewrite the paragraphs whose text matches ``pattern`` (into their first run)."""
    import re

    def change(document) -> None:  # noqa: ANN001
        for p in _paragraphs(document):
            if p.runs and re.search(pattern, p.text):
                new = re.sub(pattern, repl, p.text)
                p.runs[0].text = new
                for run in p.runs[1:]:
                    run.text = ""
    return change


Mutation = tuple[str, set[str], Callable[[Draft], Draft] | None, Callable | None]
# name, families, a change to the draft (text), a change to the .docx (properties)
MUTATIONS: list[Mutation] = [
    ("font-arial-body", {"font"}, None, _runs_where(lambda t: len(t) > 25 and not t.isupper(), name="Arial")),
    ("font-quoc-hieu-14", {"font"}, None, _runs_where(_is("CỘNG HÒA"), size=14)),
    ("font-ten-loai-12", {"font"}, None, _runs_where(lambda t: t in {k.upper() for k in KINDS}, size=12)),
    ("font-noi-nhan-13", {"font"}, None, _runs_where(_is("- "), size=13)),
    ("font-date-upright", {"font"}, None, _runs_where(lambda t: ", ngày" in t, italic=False)),
    ("font-body-12", {"font"}, None, _runs_where(lambda t: len(t) > 25 and not t.isupper(), size=12)),
    ("font-co-quan-calibri", {"font"}, None, _runs_where(lambda t: t in ("SỞ Y TẾ", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"),
                                                           name="Calibri")),
    ("margin-left-20", {"margins"}, None, _margins(left_margin=20)),
    ("margin-right-25", {"margins"}, None, _margins(right_margin=25)),
    ("margin-top-15", {"margins"}, None, _margins(top_margin=15)),
    ("paper-letter", {"margins"}, None, _margins(page_width=215.9, page_height=279.4)),
    ("so-no-colon", {"so_ky_hieu"}, None, _sub(r"^Số:", "Số")),
    ("so-no-zero", {"so_ky_hieu"}, lambda d: replace(d, so="7"), _sub(r"^Số: 07/", "Số: 7/")),
    ("so-spaces", {"so_ky_hieu"}, lambda d: replace(d, ky_hieu=d.ky_hieu.replace("-", " - ")), None),
    ("so-wrong-code", {"so_ky_hieu"}, lambda d: replace(d, ky_hieu="TB-" + d.ky_hieu.split("-", 1)[1]
                                                         if d.loai not in ("công văn", "thông báo") else "KH-SYT"),
     None),
    ("so-cv-code", {"so_ky_hieu"}, lambda d: replace(d, loai="công văn", ky_hieu="CV-SYT", kinh_gui=["UBND tỉnh"]),
     None),
    ("date-day-zero", {"date"}, lambda d: replace(d, ngay=date(2026, 11, 6)), _sub("ngày 06 tháng", "ngày 6 tháng")),
    ("date-month-zero", {"date"}, lambda d: replace(d, ngay=date(2026, 2, 18)), _sub("tháng 02 năm", "tháng 2 năm")),
    ("date-no-comma", {"date"}, None, _sub(r"^([^,]+), ngày", r"\1 ngày")),
    ("date-numeric", {"date"}, None, _sub(r", ngày (\d+) tháng (\d+) năm (\d{4})$",
                                          lambda m: f", {m[1]}/{int(m[2]):02d}/{m[3]}")),
    ("missing-quoc-hieu", {"elements"}, None, _drop(_is("CỘNG HÒA"))),
    ("missing-tieu-ngu", {"elements"}, None, _drop(_is("Độc lập"))),
    ("missing-signer", {"elements"}, None, _drop(lambda t: t in [s.nguoi_ky for s in SIGNERS])),
    ("swap-header", {"elements"}, None, _swap_header),
    ("missing-noi-nhan", {"elements"}, None, _drop(lambda t: t.startswith(("Nơi nhận", "- ")))),
    ("can-cu-replaced", {"can_cu"}, lambda d: replace(d, can_cu=[BasisItem(
        "Căn cứ Nghị định số 110/2004/NĐ-CP ngày 08 tháng 4 năm 2004 của Chính phủ về công tác văn thư",
        "110/2004/NĐ-CP")]), None),
    ("can-cu-expired", {"can_cu"}, lambda d: replace(d, can_cu=[ND30, BasisItem(
        "Căn cứ Quyết định số 15/2019/QĐ-UBND ngày 10 tháng 5 năm 2019 của Ủy ban nhân dân tỉnh", "15/2019/QĐ-UBND")]),
     None),
    ("can-cu-not-yet", {"can_cu"}, lambda d: replace(d, can_cu=[BasisItem(
        "Căn cứ Nghị định số 88/2027/NĐ-CP ngày 15 tháng 3 năm 2027 của Chính phủ", "88/2027/NĐ-CP")]), None),
    ("luu-missing", {"noi_nhan"}, None, _drop(_is("- Lưu"))),
    ("luu-no-vt", {"noi_nhan"}, lambda d: replace(d, luu="NVY"), None),
]


def planted_cases(only: tuple[str, ...] = ()) -> list[Case]:
    """Each mutation on two drafts of different kinds (every third on one), then 10 documents with two or
    three; ``only``: just the named mutations, no combinations."""
    cases: list[Case] = []
    for n, (name, families, text_change, docx_change) in enumerate(MUTATIONS):
        if only and name not in only:
            continue
        for k in (0, 1) if n % 3 else (0,):
            d = base_draft(n * 2 + k)
            if name == "so-wrong-code" and d.loai == "công văn":
                d = base_draft(n * 2 + k + 1)
            if text_change is not None:
                d = text_change(d)
            data = _render(d)
            if docx_change is not None:
                data = _edit(data, docx_change)
            cases.append(Case(f"{name}-{d.loai.replace(' ', '-')}-{n * 2 + k}", ".docx", data, set(families)))
    if only:
        return cases
    combos = [(0, 16), (1, 27), (7, 20), (13, 29), (8, 17), (2, 25), (10, 28), (4, 16), (11, 26, 29), (5, 14, 23)]
    for j, combo in enumerate(combos):
        d = base_draft(40 + j)
        changes = []
        families: set[str] = set()
        for idx in combo:
            name, fam, text_change, docx_change = MUTATIONS[idx]
            families |= fam
            if text_change is not None:
                d = text_change(d)
            if docx_change is not None:
                changes.append(docx_change)
        data = _render(d)
        for change in changes:
            data = _edit(data, change)
        cases.append(Case(f"combo-{j}-{'+'.join(MUTATIONS[i][0] for i in combo)}", ".docx", data, families))
    return cases


def correct_cases(count: int = 21) -> list[Case]:
    return [Case(f"correct-{base_draft(i).loai.replace(' ', '-')}-{i}", ".docx", _render(base_draft(i)))
            for i in range(count)]
