"""Every incoming document gets its label by one precedence: the record's own, the run's --access, the nearest
access.yaml, the channel's default; a broken access.yaml rejects the files under it, naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.access_labelling import labelled, parse_access
from connectors.auto import iter_sources
from connectors.base import Rejection
from core.access import AccessLabel
from core.documents import Document

WAREHOUSE = {"id": "SYT-X", "title": "Báo cáo y tế", "owner_unit": "Sở Y tế", "summary": "Tóm tắt số liệu.",
             "updated_at": "2026-10-01T00:00:00+07:00", "access": {"level": "restricted", "units": ["Sở Y tế"]}}


def _tree(root: Path) -> Path:
    (root / "noi-bo" / "ke-hoach").mkdir(parents=True)
    (root / "cong-khai.txt").write_text("Thông báo công khai về lịch tiếp công dân.", encoding="utf-8")
    (root / "noi-bo" / "access.yaml").write_text("level: restricted\nunits_and_below: [Sở Y tế]\n", encoding="utf-8")
    (root / "noi-bo" / "ke-hoach" / "ke-hoach.txt").write_text("Kế hoạch nội bộ của Sở.", encoding="utf-8")
    records = json.dumps({"records": [WAREHOUSE]}, ensure_ascii=False)
    (root / "noi-bo" / "kho.json").write_text(records, encoding="utf-8")
    return root


def _labels(items: list[Document | Rejection]) -> dict[str, AccessLabel | str]:
    return {Path(i.source if isinstance(i, Document) else i.path).name:
            i.access if isinstance(i, Document) else i.reason for i in items}


def test_precedence_record_then_given_then_folder_then_default(tmp_path: Path) -> None:
    root = _tree(tmp_path / "docs")
    plain = _labels(list(labelled(iter_sources([root]))))
    tree = AccessLabel("restricted", units_and_below=("Sở Y tế",))
    assert plain["cong-khai.txt"] == AccessLabel("public")  # an operator's file keeps today's default
    assert plain["ke-hoach.txt"] == tree  # the nearest access.yaml, two folders up
    assert plain["kho.json"] == AccessLabel("restricted", units=("Sở Y tế",))  # the record's own label
    given = parse_access('{"level": "restricted", "units": ["Sở Tài chính"]}', "--access")
    forced = _labels(list(labelled(iter_sources([root]), given)))
    assert forced["cong-khai.txt"] == forced["ke-hoach.txt"] == given
    assert forced["kho.json"] == AccessLabel("restricted", units=("Sở Y tế",))
    upload = _labels(list(labelled(iter_sources([root / "cong-khai.txt"]), None, AccessLabel("internal"),
                                   folders=False)))
    assert upload["cong-khai.txt"] == AccessLabel("internal")


def test_broken_access_yaml_rejects_the_files_under_it(tmp_path: Path) -> None:
    root = _tree(tmp_path / "docs")
    (root / "noi-bo" / "access.yaml").write_text("level: restricted\nunit: [Sở Y tế]\n", encoding="utf-8")
    got = _labels(list(labelled(iter_sources([root]))))
    assert isinstance(got["ke-hoach.txt"], str) and "access.yaml" in got["ke-hoach.txt"]
    assert "unknown access keys" in got["ke-hoach.txt"]
    assert got["cong-khai.txt"] == AccessLabel("public")


@pytest.mark.parametrize("text, message", [("{level: x}", "không phải JSON"), ('{"level": "secret"}', "secret"),
                                           ('"restricted"', "at least one unit")])
def test_given_label_errors_name_the_option(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as exc:
        parse_access(text, "--access")
    assert str(exc.value).startswith("--access")
