"""Held for review over real HTTP: a stamp outside the header zone stops the upload, the file is not kept, and
administrators (only) see its masked name, sha256, uploader, page and reason."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

HELD = ("QUYẾT ĐỊNH\nVề việc bố trí kho lưu trữ\nĐiều 1. Bố trí kho lưu trữ tại khu vực núi Hồng Lĩnh.\n"
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký.\nTỐI MẬT\n").encode()
NAME = "don_CCCD_038090012345_sdt_0912345678.txt"


def test_a_stamp_at_the_end_is_held_listed_to_administrators_and_not_kept(client: TestClient, login, wait_job,  # noqa: ANN001
                                                                          api_settings) -> None:
    admin = login("admin")
    r = client.post("/v1/documents", headers=admin, files={"file": (NAME, HELD, "text/plain")})
    assert r.status_code == 202
    job = wait_job(client, admin, r.json()["id"])
    assert job["status"] == "rejected" and "038090012345" not in job["filename"]
    assert "chờ quản trị viên" in job["detail"]["rejected"][0]["reason"]
    assert not (api_settings.data_dir / "uploads" / job["id"]).exists()
    listed = client.get("/v1/admin/held-documents", headers=admin).json()["items"]
    mine = [i for i in listed if i["sha256"] == hashlib.sha256(HELD).hexdigest()]
    assert mine and mine[0]["uploader"] == "admin" and mine[0]["stamp"] == "Tối mật"
    assert "038090012345" not in mine[0]["filename"] and "0912345678" not in mine[0]["filename"]
    assert client.get("/v1/admin/held-documents", headers=login("ca.hoangminhduc")).status_code == 403
