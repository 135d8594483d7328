"""Response shapes of the documents list and one document's record (``assistant.document_catalog``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from assistant.api.schemas import JobOut


class AccessOut(BaseModel):
    level: str
    units: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)
    roles_in_units: dict[str, list[str]] | None = Field(default=None, description=(
        "Đơn vị → vai trò: người của đơn vị đó VÀ giữ một trong các vai trò (AND)"))
    groups: list[str] | None = Field(default=None, description="Nhóm đơn vị (Các sở, ban, ngành, …)")
    units_and_below: list[str] | None = Field(default=None, description="Đơn vị và mọi đơn vị trực thuộc")


class DocumentRecordOut(BaseModel):
    doc_id: str
    kind: str
    title: str
    file: str
    source_format: str | None = None
    pages: int | None = None
    ocr_confidence: float | None = None
    chunks: int
    access: AccessOut
    updated_at: str
    metadata: dict[str, Any] = Field(default_factory=dict, description=(
        "Các trường của văn bản: so_hieu, loai_van_ban, co_quan_chu_quan, co_quan_ban_hanh, trich_yeu, dia_danh, "
        "ngay_ban_hanh, ngay_hieu_luc, do_mat, do_khan, can_cu, noi_nhan, quyen_han_ky, chuc_vu, nguoi_ky, "
        "metadata_conflicts, …"))


class DocumentListOut(BaseModel):
    documents: list[DocumentRecordOut]
    jobs: list[JobOut] = Field(default_factory=list, description="Upload jobs (administrators only)")
