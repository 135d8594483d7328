"""Personal data in every format the attack pass stored raw (issue 28), sent through the real API (ask, ask
stream, feedback, a failed sign-in, uploads, a held upload and its release with a reason), then every text column
of every table read back with plain SQL. Shared by the SQLite test (``test_api_pii_stores``) and the PostgreSQL one
(``tests/deploy``).

Each format carries its own number, so a leak names the format and the table it was found in."""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Callable, Iterable

import httpx

PASSWORD = "demo123"
# name → (as written, what it is once separators are gone). Every number is different.
FORMATS: dict[str, tuple[str, str]] = {
    "phone spaced dashes": ("0912 - 345 - 678", "0912345678"),
    "cccd 6+6": ("038090 012345", "038090012345"),
    "cccd mixed separators": ("038-091.012 345", "038091012345"),
    "phone slashes": ("0913/345/678", "0913345678"),
    "phone tabs": ("0914\t345\t678", "0914345678"),
    "phone nbsp": ("0915\u00a0345\u00a0678", "0915345678"),
    "full-width digits": ("０９１６３４５６７８", "0916345678"),
    "zero-width spaces": ("09\u200b17\u200b345\u200b678", "0917345678"),
    "cccd full-width": ("０３８０９２０１２３４５", "038092012345"),
    "spaced e-mail": ("nguyenvanb @ gmail.com", "nguyenvanb@gmail.com"),
    "phone +84 grouped": ("+84 918 345 678", "918345678"),
    "cccd 4-4-4": ("0380-9301-2345", "038093012345"),
}
# File names as a DMS or an official sends them (the last one is also held for review).
FILE_NAMES: dict[str, tuple[str, str]] = {
    "cccd in a file name": ("don_nguyen_van_c_CCCD_038094012345_sdt_0919345678.txt", "038094012345"),
    "phone in a file name": ("to_trinh_sdt_0920345678.txt", "0920345678"),
    "grouped cccd in a file name": ("don_CCCD_038-095.012_345.txt", "038095012345"),
    "held, cccd in its name": ("bo_tri_kho_CCCD_038096012345.txt", "038096012345"),
}
# Typed by an administrator releasing the held file.
OVERRIDE = {"phone in an override reason": ("0922.345.678", "0922345678")}
DOCUMENT = ("QUYẾT ĐỊNH\nVề việc tiếp nhận hồ sơ cấp lại giấy tờ\nĐiều 1. Bộ phận một cửa tiếp nhận hồ sơ cấp lại "
            "giấy tờ của công dân {n}.\nĐiều 2. Quyết định có hiệu lực kể từ ngày ký.\n")
HELD = ("QUYẾT ĐỊNH\nVề việc bố trí kho lưu trữ số hai\nĐiều 1. Bố trí kho lưu trữ tại khu vực núi Hồng Lĩnh.\n"
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký.\nTỐI MẬT\n")
TABLES = ("conversations", "messages", "feedback", "audit", "index_jobs", "held_documents", "login_failures")


def compact(text: str) -> str:
    """A stored value as a reader would piece it together: NFKC, invisible characters gone, only letters,
    digits and @ kept (so "0912 - 345 - 678", tabs or zero-width spaces all read "0912345678")."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch.isalnum() or ch == "@").lower()


def leaks(rows: Iterable[tuple[str, tuple]]) -> list[str]:
    """Every (format, table) pair whose raw value is in some row, read as ``compact`` reads it."""
    raws = {name: compact(raw) for name, (_, raw) in {**FORMATS, **FILE_NAMES, **OVERRIDE}.items()}
    found: set[str] = set()
    for table, row in rows:
        text = compact(" ".join("" if v is None else str(v) for v in row))
        found |= {f"{name} in {table}" for name, raw in raws.items() if raw in text}
    return sorted(found)


def _bearer(http: httpx.Client, user: str) -> dict[str, str]:
    r = http.post("/v1/login", json={"username": user, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _wait(http: httpx.Client, admin: dict[str, str], job_id: str) -> dict:
    deadline = time.monotonic() + 180
    while True:
        job = http.get(f"/v1/documents/jobs/{job_id}", headers=admin).json()
        if job["status"] in ("done", "rejected", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def send_personal_data(url: str, official: str = "vp.nguyenvana") -> dict[str, object]:
    """Ask (a new conversation per format, so each title starts with the number), stream, give feedback with
    the number, sign in with the number as user name, upload files named with numbers; returns what the API
    answered (uploads' jobs, shown names) for the caller's own checks."""
    out: dict[str, object] = {"jobs": []}
    with httpx.Client(base_url=url, timeout=180) as http:
        me, admin = _bearer(http, official), _bearer(http, "admin")
        for i, (written, _) in enumerate(FORMATS.values()):
            question = f"Số {written} của tôi, thủ tục cấp lại giấy tờ bị mất thế nào?"
            if i % 3 == 2:
                with http.stream("POST", "/v1/ask/stream", headers=me, json={"question": question}) as r:
                    assert r.status_code == 200
                    lines = "".join(r.iter_text()).splitlines()
                final = next(lines[k + 1] for k, line in enumerate(lines) if line == "event: final")
                answer_id = json.loads(final.removeprefix("data:").strip())["answer_id"]
            else:
                r = http.post("/v1/ask", headers=me, json={"question": question})
                assert r.status_code == 200, r.text
                answer_id = r.json()["answer_id"]
            fb = http.post("/v1/feedback", headers=me, json={"answer_id": answer_id, "rating": "down",
                                                            "comment": f"Gọi lại cho tôi theo {written} nhé"})
            assert fb.status_code == 201, fb.text
            assert http.post("/v1/search", headers=me, json={"query": f"giấy tờ {written}"}).status_code == 200
            http.post("/v1/login", json={"username": written, "password": "sai-mat-khau"})
        for name, _raw in FILE_NAMES.values():
            body = (HELD if name.startswith("bo_tri_kho") else DOCUMENT.format(n=name[:8])).encode()
            r = http.post("/v1/documents", headers=admin, files={"file": (name, body, "text/plain")})
            assert r.status_code == 202, r.text
            out["jobs"].append(_wait(http, admin, r.json()["id"]))  # type: ignore[union-attr]
        (written, _), = OVERRIDE.values()
        r = http.post("/v1/documents", headers=admin, files={"file": (name, body, "text/plain")},
                      data={"override_reason": f"Đã gọi văn thư theo số {written}: dòng cuối không phải dấu mật"})
        assert r.status_code == 202, r.text
        out["override"] = _wait(http, admin, r.json()["id"])
    return out


def text_rows(query: Callable[[str], list[tuple]]) -> list[tuple[str, tuple]]:
    """Every row of the personal-data tables, through ``query`` (plain SQL on the engine under test)."""
    return [(table, row) for table in TABLES for row in query(f"SELECT * FROM {table}")]
