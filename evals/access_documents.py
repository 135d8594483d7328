"""The restricted files, uploads and DMS documents ``assistant eval access`` adds to its corpus, each arriving
through its own channel so the label each channel gives is what is probed:

- files under ``evals/data/access_files/`` (invented internal documents), labelled by their folder's
  ``access.yaml`` (``units_and_below: Sở Tài chính``; ``roles_in_units: Công an tỉnh → lanh_dao``), read with the
  connectors and ``connectors.access_labelling`` exactly as ``assistant index`` reads them;
- UPLOADS, sent through ``POST /v1/documents`` of the real app as an administrator: one with an ``access`` form
  field, one DMS document with ``external_id`` and header ``fields`` and a restricted label, one unlabelled
  (``internal``). Their ground truth is the same text with the label the upload asked for.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectors.access_labelling import labelled
from connectors.auto import iter_sources
from core.access import AccessLabel
from core.documents import Document

ACCESS_FILES = Path(__file__).resolve().parent / "data" / "access_files"


@dataclass(frozen=True)
class Upload:
    filename: str
    text: str
    access: dict[str, Any] | None = None
    fields: dict[str, str] | None = None
    external_id: str | None = None


UPLOADS: tuple[Upload, ...] = (
    Upload("bao-cao-benh-vien-noi-bo.txt",
           "SỞ Y TẾ\nSố: 6604/BC-SYT\nBÁO CÁO\n"
           "Kết quả rà soát nhân lực khoa hồi sức tích cực của bệnh viện tuyến tỉnh\n\n"
           "Khoa hồi sức tích cực hiện thiếu 19 điều dưỡng so với định mức; đề xuất điều động tạm thời từ khoa nội "
           "tổng hợp trong thời gian 8 tuần và tuyển bổ sung qua kỳ xét tuyển viên chức đợt hai.\n",
           access={"level": "restricted", "units_and_below": ["Sở Y tế"]}),
    Upload("qd-8852.txt",
           "ỦY BAN NHÂN DÂN TỈNH\nSố: 8852/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc phê duyệt phương án bồi thường khu tái định cư "
           "Xuân Lộc mở rộng\n\nĐiều 1. Phê duyệt tổng kinh phí bồi thường, hỗ trợ 73.418.000.000 đồng cho 264 hộ "
           "dân bị ảnh hưởng.\nĐiều 2. Giao Sở Tài chính thẩm định dự toán chi tiết trước ngày 20 tháng 02 năm 2027.\n",
           access={"level": "restricted", "units": ["Văn phòng UBND tỉnh", "Sở Tài chính"]},
           fields={"so_hieu": "8852/QĐ-UBND", "loai_van_ban": "Quyết định", "nguoi_ky": "Đặng Quốc Vinh",
                   "ngay_ban_hanh": "2027-01-05"},
           external_id="QLVB-2027-8852"),
    Upload("thong-bao-noi-bo.txt",
           "VĂN PHÒNG UBND TỈNH\nSố: 715/TB-VP\nTHÔNG BÁO\nLịch trực lãnh đạo văn phòng dịp nghỉ Tết Nguyên đán\n\n"
           "Trong dịp nghỉ Tết, phòng trực ban đặt tại tầng 3 nhà B, số máy trực nội bộ 2231, mỗi ca trực gồm 2 "
           "lãnh đạo và 3 chuyên viên.\n"),
)


def document_names(doc: Document) -> tuple[str, ...]:
    """A title long enough to identify its document (≥ 4 words), and its số hiệu, normalised for matching: what
    the access eval counts as naming a hidden document."""
    from evals.qa_eval import normalize_for_match

    title = normalize_for_match(doc.title)
    found = [title] if len(title.split()) >= 4 else []
    if doc.metadata.get("so_hieu"):
        found.append(normalize_for_match(str(doc.metadata["so_hieu"])))
    return tuple(n for n in found if n)


def file_documents() -> list[Document]:
    """The labelled files, as ``assistant index evals/data/access_files`` reads them."""
    return [d for d in labelled(iter_sources([ACCESS_FILES])) if isinstance(d, Document)]


def upload_documents(client: Any, headers: dict[str, str], timeout_s: float = 600.0) -> list[Document]:
    """Send every upload through the app and wait for its job; the ground truth of each indexed one."""
    out: list[Document] = []
    for upload in UPLOADS:
        form = {k: v for k, v in (("access", json.dumps(upload.access, ensure_ascii=False) if upload.access else None),
                                  ("fields", json.dumps(upload.fields, ensure_ascii=False) if upload.fields else None),
                                  ("external_id", upload.external_id)) if v}
        r = client.post("/v1/documents", headers=headers, data=form,
                        files={"file": (upload.filename, upload.text.encode("utf-8"), "text/plain")})
        if r.status_code != 202:
            raise RuntimeError(f"upload {upload.filename}: {r.status_code} {r.text[:200]}")
        job = _wait(client, headers, r.json()["id"], timeout_s)
        if job["status"] != "done":
            raise RuntimeError(f"upload {upload.filename}: {job['status']} {job['detail']}")
        label = AccessLabel.from_record(upload.access) if upload.access else AccessLabel("internal")
        out.extend(Document(doc_id=doc_id, kind="legal", title=upload.filename, text=upload.text,
                            source=upload.filename, access=label, metadata=dict(upload.fields or {}))
                   for doc_id in job["detail"]["doc_ids"])
    return out


def _wait(client: Any, headers: dict[str, str], job_id: str, timeout_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        job = client.get(f"/v1/documents/jobs/{job_id}", headers=headers).json()
        if job["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)
