"""Administrative abbreviations from the shipped list, both directions, as typed (case, marks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.aliases import DEFAULT_LISTS, Alias, AliasTable, default_aliases


def test_shipped_list_reads_and_covers_the_common_abbreviations() -> None:
    table = default_aliases()
    for short in ("UBND", "HĐND", "CBCC", "CCVC", "TTHC", "NĐ", "TT", "QĐ", "KH", "BHXH", "CCCD", "GPLX",
                  "KH&CN", "TT&TT"):
        assert table.long_form(short), short
    assert all(p.exists() for p in DEFAULT_LISTS)


def test_short_to_long_as_officials_type() -> None:
    table = default_aliases()
    assert table.long_form("hdnd") == "Hội đồng nhân dân"
    assert table.expansions("Sở TT&TT phối hợp với ubnd huyện cấp CCCD") == [
        "thông tin và truyền thông", "Ủy ban nhân dân", "căn cước công dân"]
    # "TT" inside "TT&TT" is not a separate "thông tư"; letters inside a word are no abbreviation.
    assert "thông tư" not in table.expansions("Sở TT&TT")
    assert table.expansions("nhà ttt, khuyến khích") == []


def test_long_to_short() -> None:
    table = default_aliases()
    assert table.short_forms("Khoa học và Công nghệ") == ["KH&CN", "KHCN"]
    assert table.abbreviations("Ủy ban nhân dân tỉnh và Sở Khoa hoc va Cong nghe") == ["UBND", "KH&CN", "KHCN"]


def test_a_unit_list_is_just_another_file(tmp_path: Path) -> None:
    units = tmp_path / "units.tsv"
    units.write_text("# đơn vị\nSở KH&CN\tSở Khoa học và Công nghệ\n", encoding="utf-8")
    table = AliasTable.from_files([*DEFAULT_LISTS, units])
    assert table.long_form("Sở KH&CN") == "Sở Khoa học và Công nghệ"
    assert table.short_forms("sở khoa học và công nghệ") == ["Sở KH&CN"]
    assert len(table) == len(default_aliases()) + 1


def test_bad_lists_name_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("UBND\tỦy ban nhân dân\nchỉ một cột\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.tsv:2"):
        AliasTable.from_files([bad])
    twice = tmp_path / "twice.tsv"
    twice.write_text("KH\tkế hoạch\nKH\tkhách hàng\n", encoding="utf-8")
    with pytest.raises(ValueError, match="two meanings"):
        AliasTable.from_files([twice])
    with pytest.raises(ValueError, match="itself"):
        Alias("UBND", "ubnd")
