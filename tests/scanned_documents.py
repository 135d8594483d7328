"""Generated official documents in the Nghị định 30/2020 layout, laid out once and drawn as a text PDF (reportlab),
as 300-dpi page images (Pillow + DejaVu) and as a .docx (python-docx), so every format carries the same text.

Why one layout for all renderers: a test (or the benchmark) compares what came back from a PDF, a scan and a
Word file with the same expected fields and the same expected characters. Degradations (skew, blur, noise, a red
seal over the signature, 90°/180° rotation) are applied to the page image only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
LEFT, RIGHT, TOP, BOTTOM = 80.0, 45.0, 60.0, 60.0
DPI = 300


@dataclass
class Official:
    """One document's content; ``fields`` are the header values a parser should find."""

    chu_quan: str
    ban_hanh: str
    so_hieu: str
    dia_danh: str
    ngay: tuple[int, int, int]
    loai: str
    trich_yeu: str
    can_cu: list[str]
    articles: list[str]
    noi_nhan: list[str]
    quyen_han: str
    chuc_vu: str
    nguoi_ky: str
    table: list[list[str]] = field(default_factory=list)  # an appendix table (header row first)

    @property
    def fields(self) -> dict[str, str]:
        d, m, y = self.ngay
        return {"so_hieu": self.so_hieu, "loai_van_ban": self.loai.capitalize(),
                "ngay_ban_hanh": f"{y:04d}-{m:02d}-{d:02d}", "nguoi_ky": self.nguoi_ky}


UNITS = [("UBND TỈNH HÀ TĨNH", "SỞ Y TẾ", "SYT"), ("UBND TỈNH HÀ TĨNH", "SỞ TÀI CHÍNH", "STC"),
         ("", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "UBND"), ("UBND TỈNH HÀ TĨNH", "SỞ NỘI VỤ", "SNV")]
SIGNERS = ["Nguyễn Văn Hùng", "Trần Thị Thu Hằng", "Lê Đức Thắng", "Phạm Quốc Việt", "Đặng Thị Ngọc Ánh"]
TOPICS = ["Về việc ban hành Quy chế tiếp nhận hồ sơ trực tuyến của cơ quan",
          "Về việc kiện toàn Tổ công tác chuyển đổi số năm 2026",
          "Về việc phê duyệt kế hoạch bồi dưỡng cán bộ, công chức cấp xã",
          "Về việc giao chỉ tiêu giải quyết thủ tục hành chính đúng hạn"]


def official(seed: int = 0, *, table: bool = False) -> Official:
    """A decision with Vietnamese text that exercises every tone mark; ``seed`` varies units, numbers, dates."""
    rnd = random.Random(seed)
    chu_quan, ban_hanh, code = UNITS[seed % len(UNITS)]
    number = rnd.randint(100, 2999)
    signer = SIGNERS[seed % len(SIGNERS)]
    rows = [["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"],
            ["1", "Rà soát quy trình nội bộ", "Văn phòng Sở", "Quý II/2026"],
            ["2", "Số hóa hồ sơ lưu trữ", "Phòng Hành chính", "Tháng 9/2026"],
            ["3", "Tập huấn cán bộ một cửa", "Trung tâm Phục vụ", "Tháng 11/2026"]]
    return Official(
        chu_quan=chu_quan, ban_hanh=ban_hanh, so_hieu=f"{number}/QĐ-{code}", dia_danh="Hà Tĩnh",
        ngay=(rnd.randint(1, 28), rnd.randint(1, 12), 2026), loai="QUYẾT ĐỊNH", trich_yeu=TOPICS[seed % len(TOPICS)],
        can_cu=["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;",
                "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
                "Theo đề nghị của Chánh Văn phòng."],
        articles=["Điều 1. Ban hành kèm theo Quyết định này Quy chế phối hợp giải quyết hồ sơ của tổ chức, "
                  "cá nhân; bảo đảm đúng hạn, công khai và minh bạch.",
                  "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký. Các phòng, đơn vị trực thuộc chịu "
                  "trách nhiệm tổ chức thực hiện, báo cáo kết quả trước ngày 25 hằng tháng.",
                  "Điều 3. Chánh Văn phòng, Trưởng các phòng chuyên môn và các tổ chức, cá nhân có liên quan chịu "
                  "trách nhiệm thi hành Quyết định này."],
        noi_nhan=["- Như Điều 3;", "- Chủ tịch UBND tỉnh;", "- Lưu: VT, VP."],
        quyen_han="TM. ỦY BAN NHÂN DÂN" if code == "UBND" else "KT. GIÁM ĐỐC",
        chuc_vu="CHỦ TỊCH" if code == "UBND" else "PHÓ GIÁM ĐỐC", nguoi_ky=signer,
        table=rows if table else [])


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Text:
    page: int
    x: float  # left edge, points
    y: float  # baseline from the top, points
    text: str
    size: float = 13.0
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float


_METRICS: dict[bool, object] = {}


def width(text: str, size: float, bold: bool = False) -> float:
    from PIL import ImageFont

    if bold not in _METRICS:
        _METRICS[bold] = ImageFont.truetype(str(FONT_BOLD if bold else FONT), 100)
    return _METRICS[bold].getlength(text) * size / 100  # type: ignore[attr-defined]


def wrap(text: str, size: float, max_w: float, bold: bool = False) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if cur and width(trial, size, bold) > max_w:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    return lines + ([cur] if cur else [])


class Layout:
    """Places lines top-down on pages; a line that would pass the bottom margin starts a new page."""

    def __init__(self) -> None:
        self.items: list[Text | Rule] = []
        self.page, self.y = 1, TOP

    @property
    def pages(self) -> int:
        return self.page

    def new_page(self) -> None:
        self.page, self.y = self.page + 1, TOP

    def line(self, text: str, *, size: float = 13.0, bold: bool = False, x: float | None = None,
             center: tuple[float, float] | None = None, advance: bool = True) -> None:
        if self.y + size * 1.5 > PAGE_H - BOTTOM:
            self.new_page()
        if center:
            x = center[0] + (center[1] - center[0] - width(text, size, bold)) / 2
        self.items.append(Text(self.page, LEFT if x is None else x, self.y + size, text, size, bold))
        if advance:
            self.y += size * 1.55

    def paragraph(self, text: str, size: float = 13.0, bold: bool = False, indent: float = 28.0) -> None:
        for i, line in enumerate(wrap(text, size, PAGE_W - LEFT - RIGHT - indent, bold)):
            self.line(line, size=size, bold=bold, x=LEFT + (indent if i == 0 else 0))

    def columns(self, left: list[tuple[str, bool]], right: list[tuple[str, bool]], split: float,
                size: float = 12.0) -> None:
        """Two columns side by side (the header and closing blocks), each line centred in its column."""
        top = bottom = self.y
        for col, (a, b) in ((left, (LEFT - 20, split)), (right, (split, PAGE_W - RIGHT + 10))):
            self.y = top
            for text, bold in col:
                for part in wrap(text, size, b - a - 16, bold) or [""]:
                    self.line(part, size=size, bold=bold, center=(a, b))
            bottom = max(bottom, self.y)
        self.y = max(self.y, bottom)

    def grid(self, rows: list[list[str]], widths: list[float], size: float = 11.0) -> None:
        """A bordered table: every cell one line, ruled so a PDF reader sees its cells."""
        h = size * 2.0
        if self.y + h * len(rows) > PAGE_H - BOTTOM:
            self.new_page()
        xs = [LEFT]
        for w in widths:
            xs.append(xs[-1] + w)
        top = self.y
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                self.items.append(Text(self.page, xs[c] + 4, top + r * h + size * 1.4, cell, size, r == 0))
        for r in range(len(rows) + 1):
            self.items.append(Rule(self.page, xs[0], top + r * h, xs[-1], top + r * h))
        for x in xs:
            self.items.append(Rule(self.page, x, top, x, top + h * len(rows)))
        self.y = top + h * len(rows) + size


def lay_out(doc: Official, *, table_on_new_page: bool = False) -> Layout:
    lay = Layout()
    d, m, y = doc.ngay
    split = LEFT + 190
    left = ([(doc.chu_quan, False)] if doc.chu_quan else []) + [(doc.ban_hanh, True), ("", False),
                                                                   (f"Số: {doc.so_hieu}", False)]
    right = [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True), ("Độc lập - Tự do - Hạnh phúc", True), ("", False),
             (f"{doc.dia_danh}, ngày {d:02d} tháng {m:02d} năm {y}", False)]
    lay.columns(left, right, split, size=11.0)
    lay.y += 14
    lay.line(doc.loai, size=14, bold=True, center=(LEFT, PAGE_W - RIGHT))
    lay.line(doc.trich_yeu, size=13, bold=True, center=(LEFT, PAGE_W - RIGHT))
    lay.y += 8
    for line in doc.can_cu:
        lay.paragraph(line)
    lay.line("QUYẾT ĐỊNH:", size=13, bold=True, center=(LEFT, PAGE_W - RIGHT))
    for article in doc.articles:
        lay.paragraph(article)
    lay.y += 10
    left = [("Nơi nhận:", True)] + [(x, False) for x in doc.noi_nhan]
    right = [(doc.quyen_han, True), (doc.chuc_vu, True), ("", False), ("", False), (doc.nguoi_ky, True)]
    lay.columns(left, right, split + 40, size=11.0)
    if doc.table:
        if table_on_new_page:
            lay.new_page()
        lay.y += 10
        lay.line("PHỤ LỤC", size=13, bold=True, center=(LEFT, PAGE_W - RIGHT))
        lay.line("DANH MỤC NHIỆM VỤ", size=12, bold=True, center=(LEFT, PAGE_W - RIGHT))
        lay.grid(doc.table, [40, 180, 140, 100])
    return lay


def page_text(lay: Layout, page: int) -> str:
    """The page's characters in reading order (lines top-down, columns left to right): the CER reference."""
    texts = sorted((t for t in lay.items if isinstance(t, Text) and t.page == page and t.text),
                   key=lambda t: (round(t.y), t.x))
    return "\n".join(t.text for t in texts)


def seal_box(lay: Layout, signer: str) -> tuple[int, float, float]:
    """(page, x, y) in points of the signer's name: where the red seal is stamped."""
    name = next(t for t in lay.items if isinstance(t, Text) and t.text == signer)
    return name.page, name.x, name.y


def reference_text(lay: Layout, page: int) -> str:
    """What a perfect reader gives for ``page``: the drawn words, exact boxes, through the same page layout."""
    from connectors.page_layout import Word, layout_blocks

    words = []
    for t in (i for i in lay.items if isinstance(i, Text) and i.page == page):
        x = t.x
        for w in t.text.split():
            span = width(w, t.size, t.bold)
            words.append(Word(w, x, t.y - t.size * 0.75, x + span, t.y))
            x += span + width(" ", t.size, t.bold)
    return "\n".join(b.text for _, b in layout_blocks(words, page=page, table_ids=[0]))


def char_error_rate(reference: str, read: str) -> float:
    """Levenshtein distance over the reference's length, whitespace collapsed, diacritics counted; the ``|``
    between cells is layout (where a reader split a line into cells), not a character read."""
    a, b = (" ".join(x.replace("|", " ").split()) for x in (reference, read))
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] / max(1, len(a))
