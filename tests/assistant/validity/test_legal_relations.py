"""Relations read from real final and amending articles (corpus laws, ALQAC corpus) and generated decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.validity.extraction import extract_relations
from assistant.validity.relations import Relation, Unit
from connectors.articles import ArticlesConnector
from connectors.files import file_document
from core.documents import Document
from core.so_hieu import name_key
from indexing.chunking import chunk_document
from tests.assistant.validity.validity_fixtures import amending_decision, new_decision


def relations_of(doc: Document) -> list[Relation]:
    parsed, chunks = chunk_document(doc, 2400)
    return extract_relations(parsed, chunks)


def law(shared: Path, name: str) -> list[Relation]:
    path = shared / "corpus" / "laws" / name
    return relations_of(file_document(path, name, 10**8))


def summary(rels: list[Relation], kind: str) -> set[tuple[str, tuple[str, ...], str]]:
    return {(r.target_so_hieu, tuple(u.label for u in r.units), r.actor_unit) for r in rels if r.kind == kind}


def test_labour_code_2019_replaces_the_2012_code_and_amends_two_laws(shared_dir: Path) -> None:
    rels = law(shared_dir, "bo-luat-lao-dong-45-2019-QH14.txt")
    [replaced] = [r for r in rels if r.kind == "replaces"]
    assert (replaced.target_so_hieu, replaced.actor_so_hieu, replaced.actor_unit, replaced.effective) == (
        "10/2012/QH13", "45/2019/QH14", "khoản 1 Điều 220", "2021-01-01")
    assert "hết hiệu lực" in replaced.quote and replaced.source_chunk_id
    amends = summary(rels, "amends")
    assert ("58/2014/QH13", ("Điều 54",), "điểm a khoản 1 Điều 219") in amends
    assert ("58/2014/QH13", ("khoản 1 Điều 73",), "điểm c khoản 1 Điều 219") in amends
    assert ("92/2015/QH13", ("Điều 32",), "khoản 2 Điều 219") in amends
    assert summary(rels, "repeals") == {("92/2015/QH13", ("khoản 2 Điều 32",), "điểm b khoản 2 Điều 219")}
    # The new wording quoted inside Điều 219 ("“Điều 55. …”") is not read as relations of its own.
    stated = [r for r in rels if r.kind != "based_on"]  # the căn cứ list adds its own based_on relations
    assert {r.target_so_hieu for r in stated} == {"10/2012/QH13", "58/2014/QH13", "92/2015/QH13"}


def test_decree_30_2020_replaces_both_decrees_it_names(shared_dir: Path) -> None:
    rels = law(shared_dir, "nghi-dinh-30-2020-ND-CP-cong-tac-van-thu.txt")
    assert summary(rels, "replaces") == {("110/2004/NĐ-CP", (), "Điều 37"), ("09/2010/NĐ-CP", (), "Điều 37")}
    stated = [r for r in rels if r.kind != "based_on"]
    assert {r.effective for r in stated} == {"2020-03-05"}
    assert {r.target_name for r in stated} == {"Nghị định số 110/2004/NĐ-CP", "Nghị định số 09/2010/NĐ-CP"}
    # Its căn cứ, read by the legal parser, are based_on relations (a law named without a số hiệu kept by name).
    basis = [r for r in rels if r.kind == "based_on"]
    assert any("Luật Tổ chức Chính phủ" in r.quote for r in basis)


def test_complaints_law_2011_repeals_part_of_the_1998_law_and_its_consolidation_names_the_amenders(
        shared_dir: Path) -> None:
    [partial] = [r for r in law(shared_dir, "luat-khieu-nai-02-2011-QH13.txt") if r.kind != "based_on"]
    assert (partial.kind, partial.target_so_hieu, partial.units) == ("repeals", "09/1998/QH10", ())
    assert partial.scope == "Những quy định về khiếu nại và giải quyết khiếu nại" and not partial.whole
    consolidated = law(shared_dir, "vbhn-28-VBHN-VPQH-2026-luat-khieu-nai.txt")
    assert [(r.kind, r.target_so_hieu) for r in consolidated if r.kind == "consolidates"] == [
        ("consolidates", "02/2011/QH13")]
    amenders = {(r.actor_so_hieu, r.effective) for r in consolidated if r.kind == "amends"}
    assert amenders == {("42/2013/QH13", "2014-07-01"), ("81/2025/QH15", "2025-07-01"),
                        ("84/2025/QH15", "2025-06-25"), ("136/2025/QH15", "2026-07-01")}
    assert {r.target_so_hieu for r in consolidated if r.kind != "based_on"} == {"02/2011/QH13"}


def test_alqac_final_articles(shared_dir: Path) -> None:
    docs = ArticlesConnector(shared_dir / "benchmarks" / "alqac24_25" / "corpus.jsonl").documents()
    found = {d.doc_id: relations_of(d) for d in docs if isinstance(d, Document)}
    civil = found["law:Bộ luật dân sự"]
    assert summary(civil, "replaces") == {("33/2005/QH11", (), "Điều 689")}
    assert civil[0].effective == "2017-01-01"  # read from "Bộ luật này có hiệu lực thi hành từ ngày …"
    education = summary(found["law:Luật Giáo dục"], "replaces")
    assert education == {("38/2005/QH11", (), "khoản 2 Điều 114")}  # not the amending laws listed with it
    residence = found["law:Luật Cư trú"]
    assert ("25/2012/QH13", ("khoản 3 Điều 19", "khoản 4 Điều 19"), "khoản 3 Điều 37") in summary(
        residence, "repeals")
    environment = summary(found["law:Luật Bảo vệ môi trường"], "repeals")
    assert ("08/2017/QH14", ("điểm d khoản 1 Điều 44", "Điều 58"), "khoản 2 Điều 169") in environment
    assert found["law:Luật Viên chức"] == []  # its final article names no older law


def test_generated_decisions_replace_amend_and_repeal() -> None:
    rels = relations_of(new_decision())
    assert summary(rels, "replaces") == {("45/2023/QĐ-UBND", (), "Điều 6")}
    amending = relations_of(amending_decision())
    assert ("12/2025/QĐ-UBND", ("khoản 2 Điều 3",), "khoản 1 Điều 1") in summary(amending, "amends")
    assert summary(amending, "repeals") == {("12/2025/QĐ-UBND", ("Điều 5",), "khoản 2 Điều 1")}
    assert {r.effective for r in amending} == {"2025-06-01"}


def test_based_on_comes_from_the_parsed_can_cu_list() -> None:
    doc = new_decision()
    doc.metadata["can_cu"] = [
        {"text": "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;", "so_hieu": "77/2015/QH13",
         "loai_van_ban": "Luật"},
        {"text": "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ;",
         "so_hieu": "61/2018/ND-CP", "loai_van_ban": "Nghị định"},
        {"text": "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;", "so_hieu": "", "loai_van_ban": ""}]
    based = [r for r in relations_of(doc) if r.kind == "based_on"]
    assert [r.target_so_hieu for r in based] == ["77/2015/QH13", "61/2018/NĐ-CP", ""]
    # named by title only: kept, unresolved; the name without the line's own "Căn cứ" (the relation's label
    # says it: "căn cứ Căn cứ Hiến pháp …" was shown, issue 31)
    assert based[2].target_name == "Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert based[0].target_name == "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"
    assert based[2].quote.startswith("Căn cứ Hiến pháp")  # the quote stays the text as written
    assert name_key(based[0].target_name) == "ten:luat to chuc chinh quyen dia phuong@2015-06-19"


def test_a_relation_refuses_what_it_cannot_mean() -> None:
    with pytest.raises(ValueError, match="kind"):
        Relation(kind="cancels", target_so_hieu="1/2020/QĐ-UBND")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="target"):
        Relation(kind="amends", target_so_hieu="")
    with pytest.raises(ValueError, match="Điều"):
        Unit("khoản 2")
    assert Unit("5").covers(Unit("5", "2")) and not Unit("5", "2").covers(Unit("5", "3"))


def test_ordinances_named_by_title_and_date_are_targets_without_a_so_hieu(shared_dir: Path) -> None:
    rels = [r for r in law(shared_dir, "luat-can-bo-cong-chuc-22-2008-QH12.txt") if r.kind != "based_on"]
    assert [(r.kind, r.target_so_hieu, r.target_name, r.actor_unit, r.effective) for r in rels] == [
        ("replaces", "", "Pháp lệnh cán bộ, công chức ngày 26 tháng 02 năm 1998", "khoản 2 Điều 86", "2010-01-01"),
        ("replaces", "", "Pháp lệnh sửa đổi, bổ sung một số điều của Pháp lệnh cán bộ, công chức ngày 28 tháng 4 năm "
                         "2000", "khoản 2 Điều 86", "2010-01-01"),
        ("replaces", "", "Pháp lệnh sửa đổi, bổ sung một số điều của Pháp lệnh cán bộ, công chức ngày 29 tháng 4 năm "
                         "2003", "khoản 2 Điều 86", "2010-01-01")]


def test_a_date_that_names_no_document_is_no_target() -> None:
    text = ("QUYẾT ĐỊNH\nĐiều 1. Hiệu lực thi hành\n1. Quyết định này có hiệu lực từ ngày 01 tháng 7 năm 2025.\n"
            "2. Các giấy phép cấp trước ngày 01 tháng 01 năm 2020 hết hiệu lực kể từ ngày 01 tháng 01 năm 2026.\n"
            "3. Văn bản ban hành ngày 05 tháng 3 năm 2019 hết hiệu lực kể từ ngày Quyết định này có hiệu lực.\n"
            "4. Quyết định xử phạt ban hành trước ngày 01 tháng 01 năm 2024 hết hiệu lực.\n")
    doc = Document(doc_id="qd-x", kind="legal", title="Quyết định về giấy phép", text=text, source="qd-x.txt",
                   metadata={"so_hieu": "7/2025/QĐ-UBND", "loai_van_ban": "Quyết định"})
    assert [r for r in relations_of(doc) if r.kind != "based_on"] == []
