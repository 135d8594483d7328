"""The composition root: every part of the product is built here, from one ``Settings``, once per process.

Nothing else joins parts together or replaces them. Parts are built on first use (a CLI command that only lists
users never loads the model), each exactly once even when request threads ask together, and the Runtime owns
their thread safety: the store serialises its calls (one short call at a time, so a search waits for at most one
upsert batch), the manifest and the embedding cache guard their SQLite handles, and on SQLite the service's
writes take turns.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from core.access import Principal, UserRecord, load_users
from core.aliases import default_aliases
from core.errors import ConfigurationError, UnknownUser
from core.settings import Settings
from core.units import UnitDirectory, unit_directory
from indexing.chunking import RecordParser
from indexing.dense_backfill import DenseBackfill
from indexing.dense_backlog import DenseBacklog
from indexing.embedders import Embedder
from indexing.index_observer import IndexObserver
from indexing.manifest import Manifest
from indexing.mark_vocabulary import MarkVocabulary
from indexing.pipeline import Indexer, pipeline_limits
from indexing.sparse_encoder import SparseEncoder
from indexing.store import VectorStore

if TYPE_CHECKING:
    from assistant.answer.answering import Answerer
    from assistant.answer.llm.base import LLMBackend
    from assistant.answer.records import RecordAnswerer
    from assistant.answer.writers import AnswerWriter, PromptSet
    from assistant.search.retrieval import Retriever
    from assistant.service.db import Sessions
    from assistant.service.directory import Directory, OidcProvider, People
    from assistant.tasks import TaskStore
    from assistant.validity import RelationsObserver, RelationStore

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

T = TypeVar("T")


class Runtime:
    """Store, embedder, sparse encoder, manifest, SQL sessions, LLM backend, retriever, answerer, indexer.

    ``embedder`` replaces the default (the configured model behind the SQLite embedding cache): evaluations
    wrap it to memoise query vectors. The runtime closes whatever it holds, the given embedder included.
    """

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._parts: dict[str, Any] = {}
        if embedder is not None:
            self._parts["embedder"] = embedder
        self._build_lock = threading.RLock()

    def _once(self, name: str, build: Callable[[], T]) -> T:
        """``build()`` on first use only (its result may be None: no LLM configured), once across threads."""
        if name not in self._parts:
            with self._build_lock:
                if name not in self._parts:
                    self._parts[name] = build()
        return self._parts[name]

    # -- parts -------------------------------------------------------------------------------------------------

    @property
    def store(self) -> VectorStore:
        from indexing.stores import open_store
        from indexing.stores.serialized import SerializedStore

        return self._once("store", lambda: SerializedStore(open_store(self.settings)))

    @property
    def embedder(self) -> Embedder:
        from indexing.embedding_cache import cached_embedder

        return self._once("embedder", lambda: cached_embedder(self.settings))

    @property
    def sparse(self) -> SparseEncoder:
        s = self.settings
        return self._once("sparse", lambda: SparseEncoder(
            segmenter=s.segmenter, k1=s.bm25_k1, b=s.bm25_b, avgdl=s.bm25_avgdl, bigrams=s.sparse_bigrams,
            mark_free=s.sparse_mark_free, aliases=default_aliases() if s.sparse_aliases else None))

    @property
    def manifest(self) -> Manifest:
        return self._once("manifest", lambda: Manifest(self.settings.manifest_path))

    @property
    def backlog(self) -> DenseBacklog:
        """Chunks written sparse-only whose dense vectors the owner's backfill still has to fill."""
        return self._once("backlog", lambda: DenseBacklog(self.settings.data_dir / "dense_backlog.sqlite"))

    def dense_backfill(self) -> DenseBackfill:
        """The filler of the backlog (one per process: the index owner starts it). Its progress goes to this
        process's standard error, the terminal of ``assistant serve`` (and so of ``make demo``)."""
        return self._once("backfill", lambda: DenseBackfill(self.backlog, self.store, self.embedder,
                                                            report=_stderr_line))

    @property
    def vocabulary(self) -> MarkVocabulary:
        """Syllable counts of the index, for putting marks back on questions typed without them."""
        return self._once("vocabulary", lambda: MarkVocabulary(self.settings.data_dir / "mark_vocabulary.sqlite"))

    @property
    def sessions(self) -> Sessions:
        from assistant.service.db import open_sessions

        def build() -> Sessions:
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
            return open_sessions(self.settings.sql_url)

        return self._once("sessions", build)

    @property
    def llm(self) -> LLMBackend | None:
        """The configured chat model; None when answers are extractive (no model configured)."""
        from assistant.answer.llm import make_backend

        return self._once("llm", lambda: make_backend(self.settings))

    @property
    def prompts(self) -> PromptSet:
        from assistant.answer.writers import PromptSet

        return self._once("prompts", lambda: PromptSet.load(self.settings.prompts_dir))

    @property
    def relations(self) -> RelationStore:
        """Legal relations and the validity computed from them, in the service's database."""
        from assistant.validity import RelationStore

        return self._once("relations", lambda: RelationStore(self.sessions))

    # -- assemblies ------------------------------------------------------------------------------------------

    def retriever(self) -> Retriever:
        """Search over the index; refuses (ConfigurationError) an index encoded with other settings."""
        from assistant.search.retrieval import Retriever
        from indexing.index_fingerprint import check_index_settings

        self._once("index_checked", lambda: check_index_settings(self.manifest, self.settings,
                                                                 embedder=self.embedder))
        from assistant.search.reference_lookup import ReferenceLookup

        def titles() -> list[tuple[str, str]]:
            # Each legal document's own số hiệu first: "Quyết định 12/2025/QĐ-UBND" opens that decision, not
            # the one whose title names it ("… sửa đổi … Quyết định số 12/2025/QĐ-UBND").
            numbers = [(d.doc_id, d.so_hieu) for d in self.relations.documents() if d.so_hieu]
            return numbers + [(e.doc_id, e.title) for e in self.manifest.entries()]

        def titles_version() -> object:
            # A legal document enters or leaves the relations with its manifest entry (the indexer tells the
            # relations observer after the manifest); the store's own count covers the moment in between.
            return self.manifest.generation(), self.relations.documents_version

        from assistant.search.query_vectors import QueryVectors
        from assistant.tthc import ProcedureCatalogue

        def procedures() -> list[tuple[str, str]]:
            return [(e.doc_id, e.title) for e in self.manifest.entries() if e.kind == "tthc"]

        def fields(doc_id: str) -> dict:
            entry = self.manifest.get(doc_id)
            return dict(entry.metadata) if entry is not None else {}

        return Retriever(self.store, self.embedder, self.sparse, prefetch_limit=self.settings.prefetch_limit,
                         fusion=self.settings.fusion,
                         references=ReferenceLookup(self.store, titles, self.manifest.numbered, version=titles_version,
                                                    details=fields),
                         restorer=self.vocabulary,
                         procedures=ProcedureCatalogue(procedures, version=self.manifest.generation),
                         # one per process: the answerers' retrievers and the search route's share it
                         query_vectors=self._once("query_vectors", lambda: QueryVectors(
                             self.embedder, self.settings.query_vector_cache)))

    def writer(self, llm: LLMBackend | None = None) -> AnswerWriter:
        """The LLM writer for ``llm`` (default: the configured backend), else the extractive writer."""
        from assistant.answer.writers import ExtractiveWriter, LLMWriter

        llm = llm or self.llm
        if llm is None:
            return ExtractiveWriter()
        s = self.settings
        return LLMWriter(llm, self.prompts, max_tokens=s.llm_max_tokens, temperature=s.llm_temperature,
                         context_tokens=answer_context_tokens(s))

    def answerer(self, remember: bool = True, writer: AnswerWriter | None = None) -> Answerer:
        from assistant.answer.answering import AnswerConfig, Answerer
        from assistant.search.rerankers import make_reranker
        from assistant.service.conversations import ConversationStore

        s = self.settings
        config = AnswerConfig(top_k=s.top_k, candidates=max(20, s.top_k), mode=s.search_mode,
                              context_tokens=answer_context_tokens(s),
                              refusal_min_similarity=s.refusal_min_similarity,
                              refusal_min_coverage=s.refusal_min_coverage,
                              embedding_max_chars=s.embedding_max_chars)
        return Answerer(retriever=self.retriever(), embedder=self.embedder, writer=writer or self.writer(),
                        conversations=ConversationStore(self.sessions) if remember else None,
                        reranker=make_reranker(s.reranker, s.reranker_model_path), config=config,
                        records=self.record_answerers(), relations=self.relations, coverage=self.coverage())

    def coverage(self) -> Callable[[Principal], str]:
        """What the system covers for one person (counts by kind of the documents they may see), for refusals."""
        from assistant.documents import Coverage

        return self._once("coverage", lambda: Coverage(self.manifest))

    def record_answerers(self) -> list[RecordAnswerer]:
        """The exact answers from records, in the order the answerer asks them: the unit a reference names
        ("Điều 14 Luật …", quoted whole), assigned tasks (never for a question that names a procedure), a named
        document's issue date, issuer or signer (its metadata), a named procedure's fields, a warehouse report's
        period."""
        from assistant.answer.document_facts import DocumentFactsAnswerer
        from assistant.answer.references import ReferenceAnswerer
        from assistant.tasks import TaskAnswerer
        from assistant.tthc import ProcedureAnswerer
        from assistant.warehouse import ReportAnswerer

        return [ReferenceAnswerer(), TaskAnswerer(self.task_store()), DocumentFactsAnswerer(), ProcedureAnswerer(),
                ReportAnswerer()]

    def indexer(self) -> Indexer:
        return Indexer(
            store=self.store,
            embedder=self.embedder,
            sparse=self.sparse,
            manifest=self.manifest,
            max_chunk_chars=self.settings.max_chunk_chars,
            embedding_max_chars=self.settings.embedding_max_chars,
            settings=self.settings,
            vocabulary=self.vocabulary,
            observers=self.index_observers(),
            parsers=self.record_parsers(),
            max_document_chars=self.settings.max_document_chars,
            max_document_chunks=self.settings.max_document_chunks,
            backlog=self.backlog,
            defer_dense=self.settings.dense_backfill,
            pipeline=pipeline_limits(self.settings),
        )

    def record_parsers(self) -> dict[str, RecordParser]:
        """The parsers of the record kinds a capability owns, by document kind (indexing.chunking)."""
        return record_parsers()

    def index_observers(self) -> list[IndexObserver]:
        """The records kept beside the chunks, told of every document the indexer writes or removes."""
        return [self.task_store(), self.relations_observer()]

    def units(self) -> UnitDirectory:
        """The province's unit list (``Settings.unit_list``) with the users file's units, for reading and asking
        about tasks, the incoming-document card and drafts."""
        try:
            users = self.users()
        except ConfigurationError:  # indexing needs no users file: the shipped list alone then
            users = {}
        return unit_directory((u.unit for u in users.values()), unit_list=self.settings.unit_list)

    def task_store(self) -> TaskStore:
        from assistant.tasks import TaskStore

        return self._once("task_store", lambda: TaskStore(self.sessions, self.units()))

    def relations_observer(self) -> RelationsObserver:
        """Relations and validity kept in step with the index (also used by the pháp điển import)."""
        from assistant.validity import RelationsObserver

        def chunk_ids(doc_id: str) -> list[str]:
            entry = self.manifest.get(doc_id)
            return list(entry.chunk_ids) if entry is not None else []

        return RelationsObserver(self.relations, self.store, chunk_ids,
                                 verified_through=self.settings.validity_verified_through)

    # -- people ----------------------------------------------------------------------------------------------

    def users(self) -> dict[str, UserRecord]:
        return load_users(self.settings.users_file)

    def directory(self) -> Directory | None:
        """The province's directory when sign-in goes through one (``directory = "ldap"``), else None (the users
        file alone). One per process: it keeps its service account's connection open."""
        def build() -> Directory | None:
            s = self.settings
            if s.directory != "ldap":
                return None
            from assistant.service.directory import LdapConfig, LdapDirectory, MappingFile

            if not s.ldap_url:
                raise ConfigurationError("ASSISTANT_DIRECTORY=ldap cần ASSISTANT_LDAP_URL")
            config = LdapConfig(url=s.ldap_url, bind_dn=s.ldap_bind_dn,
                                bind_password=s.ldap_bind_password.get_secret_value() if s.ldap_bind_password else "",
                                search_base=s.ldap_search_base, user_filter=s.ldap_user_filter,
                                id_attribute=s.ldap_id_attribute, group_base=s.ldap_group_base,
                                group_filter=s.ldap_group_filter, start_tls=s.ldap_start_tls, ca_file=s.ldap_ca_file,
                                timeout_s=s.ldap_timeout_s)
            return LdapDirectory(config, mapping=MappingFile(s.directory_mapping_file), units=self.units)

        return self._once("directory", build)

    def oidc(self) -> OidcProvider | None:
        """The province's OpenID Connect provider when ``oidc_issuer`` is set, else None. One per process: it
        caches the discovery document and the signing keys."""
        def build() -> OidcProvider | None:
            s = self.settings
            if not s.oidc_issuer:
                return None
            from assistant.service.directory import MappingFile, OidcConfig, OidcProvider

            config = OidcConfig(issuer=s.oidc_issuer, client_id=s.oidc_client_id,
                                client_secret=s.oidc_client_secret.get_secret_value() if s.oidc_client_secret
                                else "", redirect_uri=s.oidc_redirect_uri, scopes=tuple(s.oidc_scopes.split()),
                                id_claim=s.oidc_id_claim, groups_claim=s.oidc_groups_claim, audience=s.oidc_audience,
                                timeout_s=s.oidc_timeout_s, jwks_cooldown_s=s.oidc_jwks_cooldown_s)
            return OidcProvider(config, mapping=MappingFile(s.directory_mapping_file), units=self.units)

        return self._once("oidc", build)

    def people(self, users_file_user: Callable[[str], UserRecord | None] | None = None) -> People:
        """Sign-in and "who is this now" over the configured directory, the people table and the users file
        (read through ``users_file_user``: the API's cached reader, which drops demo accounts outside demo mode;
        default: the file read afresh)."""
        from datetime import timedelta

        from assistant.service.directory import People, PeopleStore, UsersFileDirectory

        def read_file(user_id: str) -> UserRecord | None:
            try:
                return self.users().get(user_id)
            except ConfigurationError:
                return None

        file = UsersFileDirectory(users_file_user or read_file)
        return People(self.directory() or file, PeopleStore(self.sessions), file,
                      recheck=timedelta(minutes=self.settings.directory_recheck_minutes),
                      users_file_fallback=self.settings.directory_users_file_fallback)

    def principal(self, user_id: str) -> Principal:
        users = self.users()
        if user_id not in users:
            raise UnknownUser(f"không có người dùng {user_id!r} trong {self.settings.users_file.name}")
        return users[user_id].principal()

    def close(self) -> None:
        """Close what was opened, newest first; a second call does nothing."""
        with self._build_lock:
            parts, self._parts = self._parts, {}
        backfill = parts.get("backfill")
        if backfill is not None:
            backfill.stop()
        for name in ("directory", "llm", "store", "manifest", "vocabulary", "backlog", "embedder", "sessions"):
            close = getattr(parts.get(name), "close", None)
            if close is not None:
                close()


def answer_context_tokens(settings: Settings) -> int:
    """Tokens of sources the model may read: its context less the answer and the instructions (~600)."""
    return max(512, settings.llm_context_tokens - settings.llm_max_tokens - 600)


def record_parsers() -> dict[str, RecordParser]:
    """The parsers of the record kinds a capability owns, by document kind: what ``indexing.chunking`` is given
    (also by evaluations that chunk a corpus as the indexer does)."""
    from assistant.tthc import parse_tthc
    from assistant.warehouse import parse_warehouse

    return {"tthc": parse_tthc, "warehouse": parse_warehouse}


def _stderr_line(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
