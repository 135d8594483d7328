"""Request and response models: every field bounded, so the OpenAPI document states the limits and
oversized or malformed input is a 422 before any work is done."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.search.retrieval import Filters

Id = Annotated[str, Field(min_length=1, max_length=64)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
Question = Annotated[str, Field(min_length=1, max_length=2000)]
SourceKind = Literal["legal", "tthc", "warehouse", "article", "text"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    detail: str
    code: str


class FiltersIn(Strict):
    kinds: list[SourceKind] = Field(default_factory=list, max_length=5)
    loai_van_ban: list[ShortText] = Field(default_factory=list, max_length=20)
    linh_vuc: list[ShortText] = Field(default_factory=list, max_length=20)
    co_quan_ban_hanh: list[ShortText] = Field(default_factory=list, max_length=20)
    doc_ids: list[ShortText] = Field(default_factory=list, max_length=50)
    in_force_only: bool = False
    as_of: date | None = Field(default=None, description="prefer the text in force on this date (default today)")

    def to_filters(self) -> Filters:
        return Filters(kinds=tuple(self.kinds), loai_van_ban=tuple(self.loai_van_ban), linh_vuc=tuple(self.linh_vuc),
                       co_quan_ban_hanh=tuple(self.co_quan_ban_hanh), doc_ids=tuple(self.doc_ids),
                       in_force_only=self.in_force_only, as_of=self.as_of)


def filters_of(value: FiltersIn | None) -> Filters | None:
    return value.to_filters() if value is not None else None


# -- auth --------------------------------------------------------------------------------------------------
class LoginIn(Strict):
    username: Annotated[str, Field(min_length=1, max_length=128)]
    password: Annotated[str, Field(min_length=1, max_length=256)]


class OidcExchangeIn(Strict):
    """The UI's server swapping the one-time code of a sign-in through the provider for a token."""

    code: Annotated[str, Field(min_length=1, max_length=200)]
    browser: Annotated[str, Field(max_length=200)] = ""  # the browser's tla_oidc_browser cookie


class UserOut(BaseModel):
    id: str
    name: str
    unit: str
    roles: list[str]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    user: UserOut


class MeOut(UserOut):
    via: str = ""
    method: str


# -- ask / search ------------------------------------------------------------------------------------------
class AskIn(Strict):
    question: Question
    conversation_id: Id | None = None
    filters: FiltersIn | None = None


class TthcChannelOut(BaseModel):
    """One way to submit a procedure, with its own time limit and fee."""

    kenh: str = Field(description="hình thức nộp: Trực tiếp / Trực tuyến / Dịch vụ bưu chính")
    thoi_han: str = Field("", description="thời hạn giải quyết, as the portal states it")
    phi_le_phi: str = Field("", description="phí, lệ phí (\"Phí: 0 đồng\"); empty when the portal gives none")
    mo_ta: str = Field("", description="the portal's note for this channel")


class TthcPaperOut(BaseModel):
    ten: str = Field(description="tên giấy tờ")
    ban_chinh: int | None = None
    ban_sao: int | None = None
    mau_don: str | None = Field(None, description="file name of the form to fill in")


class TthcLegalBasisOut(BaseModel):
    so_ky_hieu: str = ""
    trich_yeu: str = ""
    ngay_ban_hanh: str = ""
    co_quan_ban_hanh: str = ""


class TthcOut(BaseModel):
    """The structured facts of an administrative procedure (TTHC) a chunk belongs to."""

    ma_thu_tuc: str
    ten_thu_tuc: str = ""
    linh_vuc: str = ""
    cap_thuc_hien: str = ""
    quyet_dinh: str = ""
    doi_tuong: str = ""
    co_quan_thuc_hien: str = ""
    co_quan_co_tham_quyen: str = ""
    ket_qua: str = ""
    channels: list[TthcChannelOut] = Field(default_factory=list)
    thanh_phan_ho_so: list[TthcPaperOut] = Field(default_factory=list)
    can_cu_phap_ly: list[TthcLegalBasisOut] = Field(default_factory=list)


TthcField = Annotated[TthcOut | None, Field(description="the procedure's facts; null for a source that is not a TTHC")]


class CitationOut(BaseModel):
    marker: int
    doc_id: str
    title: str
    so_hieu: str
    citation: str
    quote: str
    validity: str
    chunk_id: str
    tthc: TthcField = None


class SourceOut(BaseModel):
    marker: int
    chunk_id: str
    doc_id: str
    citation: str
    title: str
    validity: str
    score: float
    tthc: TthcField = None


class TableColumnOut(BaseModel):
    key: str
    label: str


class TaskTableOut(BaseModel):
    """A long task answer as rows (``assistant.tasks.answer_table``): each row's ``marker`` is its citation's;
    ``tasks_page`` is the query of the «Nhiệm vụ của đơn vị» page that lists the same tasks."""

    columns: list[TableColumnOut]
    rows: list[dict[str, Any]]
    tasks_page: dict[str, str] = Field(default_factory=dict)
    total: int = 0


class AskOut(BaseModel):
    answer: str
    citations: list[CitationOut]
    refused: bool
    answer_id: str
    conversation_id: str
    standalone_question: str
    warnings: list[str]
    sources: list[SourceOut]
    backend: str
    invalid_markers_removed: int = 0
    table: TaskTableOut | None = None


class SearchIn(Strict):
    query: Question
    top_k: Annotated[int, Field(ge=1, le=50)] = 8
    mode: Literal["hybrid", "dense", "sparse"] = "hybrid"
    filters: FiltersIn | None = None


class HitOut(BaseModel):
    chunk_id: str
    doc_id: str
    kind: str
    title: str
    so_hieu: str
    citation: str
    validity: str
    access: str
    score: float
    text: str
    tthc: TthcField = None


class SearchOut(BaseModel):
    hits: list[HitOut]


# -- conversations / feedback ------------------------------------------------------------------------------
class ConversationOut(BaseModel):
    id: str
    title: str
    channel: str | None = Field(None, description="ui | api | cli: how the conversation came in (null: before "
                                                   "channels were kept)")
    channel_label: str = Field("", description="the channel in words: Giao diện / Qua API / Qua dòng lệnh")
    created_at: str
    updated_at: str


class MessageOut(BaseModel):
    role: str
    content: str
    answer_id: str | None = None
    data: dict[str, Any] | None = None
    created_at: str


class ConversationDetailOut(ConversationOut):
    messages: list[MessageOut]


class ConversationsOut(BaseModel):
    conversations: list[ConversationOut]


class FeedbackIn(Strict):
    answer_id: Id
    rating: Literal["up", "down"]
    comment: Annotated[str, Field(max_length=2000)] = ""


class FeedbackOut(BaseModel):
    id: int
    answer_id: str
    rating: str


# -- documents ---------------------------------------------------------------------------------------------
class JobOut(BaseModel):
    id: str
    filename: str
    status: Literal["queued", "running", "done", "rejected", "failed"]
    user_id: str
    detail: dict[str, Any] | None = None
    created_at: str
    finished_at: str | None = None


# -- health ------------------------------------------------------------------------------------------------
class HealthOut(BaseModel):
    status: str
    checks: dict[str, str] = Field(default_factory=dict)


# -- OpenAI-compatible chat --------------------------------------------------------------------------------
class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: Annotated[str, Field(max_length=32)] = "text"
    text: Annotated[str, Field(max_length=20000)] = ""


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: Annotated[str, Field(max_length=20000)] | Annotated[list[ContentPart], Field(max_length=50)] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text")
        return self.content or ""


class ChatCompletionIn(BaseModel):
    """The OpenAI request shape; unknown OpenAI options (temperature, max_tokens, ...) are accepted and ignored."""

    model_config = ConfigDict(extra="ignore")
    model: Annotated[str, Field(max_length=200)] = "tro-ly-ao"
    messages: Annotated[list[ChatMessageIn], Field(min_length=1, max_length=100)]
    stream: bool = False
    user: Annotated[str, Field(max_length=128)] | None = None
    conversation_id: Id | None = None
    filters: FiltersIn | None = None


class IndexPathsIn(Strict):
    paths: list[Annotated[str, Field(min_length=1, max_length=4096)]] = Field(min_length=1, max_length=200)
    kind: Literal["auto", "legal", "tthc", "warehouse", "articles"] = "auto"
    prune: bool = False
    reindex: bool = False
    access: dict[str, Any] | str | None = Field(default=None, description=(
        "Nhãn truy cập cho các tệp (như trường access của kho dữ liệu); nhãn riêng của bản ghi và access.yaml "
        "xem docs/access.md"))
    override_reason: str | None = Field(default=None, max_length=2000, description=(
        "Chỉ cho đúng một tệp đang bị giữ chờ duyệt: lý do quản trị viên cho phép lập chỉ mục (ghi nhật ký)"))


class RejectionOut(BaseModel):
    path: str
    reason: str


class IndexReportOut(BaseModel):
    added: int
    updated: int
    unchanged: int
    removed: int
    rejected: list[RejectionOut]
    chunks: int
    seconds: float
    conflicts: list[dict[str, str]] = Field(default_factory=list)
    collisions: list[dict[str, str]] = Field(default_factory=list)  # one procedure code in two records


# -- documents (assistant.documents.catalog) ----------------------------------------------------------------

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
        "metadata_conflicts; a scan's field_sources, field_confidence, unreadable_fields, ky_hieu (the printed part "
        "of a number left unread), so_den / ngay_den (incoming stamp); ky_so: the PDF's digital signatures (signer, "
        "organisation, role, signing_time, changed_after_signing, trusted, summary), …"))


class DocumentListOut(BaseModel):
    documents: list[DocumentRecordOut]
    jobs: list[JobOut] = Field(default_factory=list, description="Upload jobs (administrators only)")
