"""Task extraction: the 731 plan's 27 appendix rows checked against the plan's own text, its section VI duties
on their units, and plans the tests write (a docx table, a flattened text table split by a page break, a
decision with "giao … chủ trì" sentences)."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from assistant.tasks.extraction import extract_tasks
from assistant.tasks.record import Task
from connectors.files import FolderConnector
from core.documents import Document
from core.units import unit_directory
from core.vietnamese import normalize_text

UNITS = unit_directory(["Sở Y tế", "Văn phòng UBND tỉnh", "Công an tỉnh", "Sở Tài chính"])


def _read(folder: Path) -> Document:
    return next(d for d in FolderConnector([folder]).documents() if isinstance(d, Document))


@pytest.fixture(scope="module")
def plan(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[Task]]:
    folder = tmp_path_factory.mktemp("plan")
    text = (shared_dir / "corpus" / "legal" / "731-KH-UBND-2025-ha-tinh.txt").read_text(encoding="utf-8")
    (folder / "731.txt").write_text(text, encoding="utf-8")
    return normalize_text(text).splitlines(), extract_tasks(_read(folder), UNITS)


def _words(text: str) -> Counter[str]:
    return Counter(text.replace("|", " ").split())


def _row_windows(lines: list[str]) -> dict[str, str]:
    """Each appendix row's text as the plan writes it: from its "N.M |" line to the next row or group line."""
    start = next(i for i, x in enumerate(lines) if x.strip() == "PHỤ LỤC")
    marks = [i for i in range(start, len(lines)) if re.fullmatch(r"(\d+\.\d+|[IVX]+\. .*) \|", lines[i].strip())]
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "Đăng xuất")
    windows = {}
    for a, b in zip(marks, [*marks[1:], end], strict=True):
        tt = lines[a].strip().rstrip("|").strip()
        if tt[0].isdigit():
            windows[tt] = " ".join(lines[a:b])
    return windows


def test_all_27_appendix_rows_match_the_plans_text(plan: tuple[list[str], list[Task]]) -> None:
    lines, tasks = plan
    rows = {t.citation.removeprefix("Phụ lục, dòng "): t for t in tasks if t.source == "phu_luc"}
    windows = _row_windows(lines)
    assert len(windows) == 27 and sorted(rows) == sorted(windows)
    for tt, window in windows.items():
        task = rows[tt]
        cells = [tt, task.nhiem_vu, task.lead_text, task.support_text, task.san_pham, task.deadline.text]
        assert _words(" ".join(cells)) == _words(window), tt  # every word of the row, none lost, none added
        if tt != "4.1":  # the page break moves two pieces of 4.1 below it
            flat = " ".join(window.replace("|", " ").split())
            assert flat == " ".join(c for c in cells if c), tt  # and in column order
        for ref in task.lead:
            assert ref.known, (tt, ref)
        assert task.deadline.text and (task.deadline.start or task.deadline.recurs), tt
        assert task.access.level == "public" and task.group[:2] in {"I.", "II", "IV", "V."}


def test_page_break_continuation_of_row_4_1_joins_the_cells_it_continues(plan: tuple[list[str], list[Task]]) -> None:
    _, tasks = plan
    row = next(t for t in tasks if t.citation == "Phụ lục, dòng 4.1")
    assert row.nhiem_vu.endswith("tích hợp công nghệ bảo vệ nhiều lớp (tường lửa, phát hiện xâm nhập, "
                                 "chống tấn công mạng)")
    assert row.support_text == "Sở Khoa học và Công nghệ, các doanh nghiệp đồng hành"
    assert [r.name for r in row.lead] == ["Công an tỉnh"] and row.san_pham == "SOC hiện đại, giám sát liên tục 24/7"
    assert [(r.name, r.group) for r in row.support] == [("Sở Khoa học và Công nghệ", False),
                                                        ("Các doanh nghiệp đồng hành", True)]


def test_deadlines_and_units_of_appendix_rows(plan: tuple[list[str], list[Task]]) -> None:
    _, tasks = plan
    by_tt = {t.citation.rsplit(" ", 1)[1]: t for t in tasks if t.source == "phu_luc"}
    assert (by_tt["1.1"].deadline.start, by_tt["1.1"].deadline.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert (by_tt["3.1"].deadline.start, by_tt["3.1"].deadline.end) == (date(2025, 1, 1), date(2030, 12, 31))
    assert by_tt["4.2"].deadline.recurs == "hàng năm" and by_tt["4.5"].deadline.recurs == "thường xuyên"
    assert by_tt["1.4"].deadline.end == date(2026, 3, 31) and by_tt["1.4"].deadline.recurs == "thường xuyên"
    # "Sở Khoa học và công nghệ" (1.4) is the same unit as "Sở Khoa học và Công nghệ" (1.2)
    assert [r.name for r in by_tt["1.4"].lead] == [r.name for r in by_tt["1.2"].lead] == ["Sở Khoa học và Công nghệ"]
    assert [(r.name, r.group) for r in by_tt["1.2"].support] == [("Các sở, ban, ngành", True), ("UBND cấp xã", True)]
    assert by_tt["1.6"].support[0].note == "hướng dẫn"
    assert by_tt["3.2"].support == () and by_tt["3.2"].support_text == ""
    assert by_tt["1.1"].role_of("Sở Y tế", UNITS.groups_of("Sở Y tế")) is None  # "các đơn vị liên quan" names no one
    assert by_tt["1.2"].role_of("Sở Y tế", UNITS.groups_of("Sở Y tế")) == ("support", "Các sở, ban, ngành")
    assert by_tt["1.1"].role_of("Công an tỉnh", UNITS.groups_of("Công an tỉnh")) == ("lead", "")


def test_section_vi_duties_are_attached_to_their_units(plan: tuple[list[str], list[Task]]) -> None:
    lines, tasks = plan
    start = next(i for i, x in enumerate(lines) if x.strip() == "VI. TỔ CHỨC THỰC HIỆN")
    by_citation = {t.citation: t for t in tasks}
    unit, number, item, checked = "", "", 0, 0
    for line in lines[start + 1:]:
        s = line.strip()
        if s == "|" or s.startswith(("Yêu cầu", "Giao")):
            break
        if m := re.match(r"(\d+)\. (.+)", s):
            number, item, unit = m.group(1), 0, m.group(2)
            continue
        item += 1
        task = by_citation[f"Mục VI.{number}, ý {item}"]
        assert task.nhiem_vu == s.removeprefix("- ")
        heading = {r.name for r in UNITS.resolve(unit)}
        named = {r.name for r in (*task.lead, *task.support)}
        assert heading <= named, (number, item)
        checked += 1
    assert checked == 18 and number == "5"
    assert [r.name for r in by_citation["Mục VI.1, ý 3"].lead] == ["Sở Khoa học và Công nghệ", "Công an tỉnh",
                                                                   "Các đơn vị liên quan"]  # "Phối hợp với X": X leads
    assert [r.name for r in by_citation["Mục VI.1, ý 3"].support] == ["Văn phòng UBND tỉnh"]
    closing = by_citation["Mục VI, đoạn 2"]
    assert [r.name for r in closing.lead] == ["Sở Khoa học và Công nghệ"]
    assert closing.deadline.annual_day == "12-31" and closing.due(date(2026, 12, 1)) == date(2026, 12, 31)


def _docx_plan(rows: list[list[str]], paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(len(rows), len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_table_plan_gives_its_rows(tmp_path: Path) -> None:
    rows = [["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời hạn"],
            ["1", "Rà soát danh mục thuốc thiết yếu", "Sở Y tế", "Sở Tài chính, BHXH tỉnh", "Báo cáo", "Quý II/2026"],
            ["2", "Tập huấn cán bộ y tế cơ sở", "Sở y tế", "UBND các xã, phường", "Lớp tập huấn",
             "trước ngày 30/9/2026"]]
    data = _docx_plan(rows, ["KẾ HOẠCH", "Chăm sóc sức khỏe ban đầu năm 2026", "PHỤ LỤC"])
    (tmp_path / "kh-yte.docx").write_bytes(data)
    tasks = extract_tasks(_read(tmp_path), UNITS)
    assert [t.citation for t in tasks] == ["Phụ lục, dòng 1", "Phụ lục, dòng 2"]
    first, second = tasks
    assert [r.name for r in first.lead] == ["Sở Y tế"] and first.san_pham == "Báo cáo"
    assert [r.name for r in first.support] == ["Sở Tài chính", "Bảo hiểm xã hội tỉnh"]
    assert (first.deadline.start, first.deadline.end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert [r.name for r in second.lead] == ["Sở Y tế"] and second.deadline.end == date(2026, 9, 30)
    assert [(r.name, r.group) for r in second.support] == [("UBND cấp xã", True)]


def test_flattened_row_split_by_a_page_break_and_unit_sections(tmp_path: Path) -> None:
    text = "\n".join([
        "KẾ HOẠCH", "Phòng, chống dịch bệnh năm 2026", "I. MỤC ĐÍCH", "Bảo vệ sức khỏe nhân dân.",
        "II. TỔ CHỨC THỰC HIỆN", "1. Sở Y tế – Chủ trì, phối hợp với Sở Tài chính lập dự toán kinh phí trước "
        "ngày 15/3/2026.", "2. Sở Tài chính", "- Phối hợp với Sở Y tế thẩm định dự toán.",
        "- Bố trí kinh phí hàng năm.", "Giao Sở Y tế chủ trì, phối hợp với Công an tỉnh và UBND cấp xã kiểm tra "
        "cơ sở kinh doanh thực phẩm, hoàn thành trước ngày 30/6/2026.", "PHỤ LỤC", "|", "TT |", "Nhiệm vụ |",
        "Đơn vị chủ trì |", "Đơn vị phối hợp |", "Sản phẩm |", "Thời gian hoàn thành |", "|", "1 |",
        "Giám sát dịch bệnh tại |", "Sở Y tế |", "Sở KH&CN, các |", "Báo cáo tuần |", "Thường xuyên |", "|", "|",
        "các cửa khẩu và cảng biển |", "|", "đơn vị liên quan |", "|", "|", "|", "2 |", "Tuyên truyền |",
        "Sở Y tế |", "|", "Tờ rơi |", "Quý I/2026 |", "|"])
    (tmp_path / "kh.txt").write_text(text, encoding="utf-8")
    tasks = {t.citation: t for t in extract_tasks(_read(tmp_path), UNITS)}
    row = tasks["Phụ lục, dòng 1"]
    assert row.nhiem_vu == "Giám sát dịch bệnh tại các cửa khẩu và cảng biển"
    assert [r.name for r in row.support] == ["Sở Khoa học và Công nghệ", "Các đơn vị liên quan"]
    assert tasks["Phụ lục, dòng 2"].support == () and tasks["Phụ lục, dòng 2"].san_pham == "Tờ rơi"
    own_line = tasks["Mục II.1"]
    assert [r.name for r in own_line.lead] == ["Sở Y tế"] and [r.name for r in own_line.support] == ["Sở Tài chính"]
    assert own_line.deadline.end == date(2026, 3, 15)
    assert [r.name for r in tasks["Mục II.2, ý 1"].lead] == ["Sở Y tế"]
    assert [r.name for r in tasks["Mục II.2, ý 1"].support] == ["Sở Tài chính"]
    assert tasks["Mục II.2, ý 2"].deadline.recurs == "hàng năm"
    given = tasks["Mục II, đoạn 1"]
    assert [r.name for r in given.lead] == ["Sở Y tế"]
    assert [r.name for r in given.support] == ["Công an tỉnh", "UBND cấp xã"]
    assert given.deadline.text == "hoàn thành trước ngày 30/6/2026" and given.deadline.end == date(2026, 6, 30)


def test_a_task_round_trips_and_bad_records_are_refused(plan: tuple[list[str], list[Task]]) -> None:
    _, tasks = plan
    for task in tasks:
        assert Task.from_dict(task.to_dict()) == task
    with pytest.raises(ValueError, match="no nhiệm vụ"):
        Task(doc_id="d", citation="Phụ lục, dòng 1", nhiem_vu=" ", lead=(), support=(), deadline=tasks[0].deadline)
