"""The admin page's access editor without a server: a label read into words and into form values, the form's
values back into the label the API reads (every clause, names with commas kept whole), the checks made before any
request, and the client's PUT."""

from __future__ import annotations

import json

import httpx
import pytest

from ui.api_client import ApiClient, ApiError
from ui.components.access_editor import LabelError, describe, form_values, label_from

FULL = {"level": "restricted", "units": ["Sở Y tế"], "roles": ["lanh_dao"],
        "roles_in_units": {"Công an tỉnh": ["lanh_dao", "chuyen_vien"]}, "groups": ["Các sở, ban, ngành"],
        "units_and_below": ["Sở Tài chính"]}


def test_describe_says_who_may_see() -> None:
    assert describe({"level": "public", "units": [], "roles": []}) == "Công khai"
    assert describe("internal") == "Nội bộ"
    words = describe(FULL)
    for part in ("Hạn chế:", "đơn vị Sở Y tế", "đơn vị và cấp dưới Sở Tài chính", "vai trò Lãnh đạo (mọi đơn vị)",
                 "Lãnh đạo, Chuyên viên của Công an tỉnh", "nhóm Các sở, ban, ngành"):
        assert part in words, words
    assert describe({"level": "unknown"}).startswith("không đọc được")  # an unreadable label is not "public"
    assert describe(None).startswith("không đọc được")


def test_form_values_round_trip_every_clause() -> None:
    values = form_values(FULL)
    assert values["groups"] == "Các sở, ban, ngành"  # one name per line: the comma stays inside the name
    assert values["roles_in_units"] == "Công an tỉnh: lanh_dao, chuyen_vien"
    assert label_from(values) == FULL
    assert label_from(form_values({"level": "internal", "units": [], "roles": [], "groups": None})) == "internal"
    assert label_from({"level": "public", "units": "Sở Y tế"}) == "public"  # names only count when restricted


def test_labels_the_api_would_refuse_are_stopped_in_vietnamese() -> None:
    with pytest.raises(LabelError, match="ít nhất một đơn vị"):
        label_from({"level": "restricted", "units": "  \n ", "roles": ""})
    with pytest.raises(LabelError, match="Tên đơn vị: vai_trò"):
        label_from({"level": "restricted", "roles_in_units": "Công an tỉnh lanh_dao"})
    with pytest.raises(LabelError, match="Tên đơn vị: vai_trò"):
        label_from({"level": "restricted", "roles_in_units": "Công an tỉnh:"})
    with pytest.raises(LabelError, match="mức truy cập"):
        label_from({"level": ""})


def test_client_puts_the_label_and_quotes_the_id() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if "missing" in request.url.path:
            return httpx.Response(404, json={"detail": "Không tìm thấy văn bản / document not found"})
        return httpx.Response(200, json={"doc_id": "file:a/b#1.txt", "before": {"level": "public"},
                                         "after": json.loads(request.content)["access"], "chunks": 3})

    api = ApiClient("http://api.test", token="t", transport=httpx.MockTransport(handler))
    result = api.set_document_access("file:a/b#1.txt", {"level": "restricted", "units": ["Sở Y tế"]})
    assert seen[0].method == "PUT" and seen[0].url.raw_path == b"/v1/documents/access/file:a/b%231.txt"
    assert json.loads(seen[0].content) == {"access": {"level": "restricted", "units": ["Sở Y tế"]}}
    assert result["after"] == {"level": "restricted", "units": ["Sở Y tế"]} and result["chunks"] == 3
    with pytest.raises(ApiError) as info:
        api.set_document_access("missing", "public")
    assert info.value.status == 404 and info.value.message == "Không tìm thấy văn bản"
