"""Wires settings to components once per process: the store is opened once, the model loaded once."""

from __future__ import annotations

import os
import threading
from functools import cached_property

from core.access import Principal, UserRecord, load_users
from core.errors import UnknownUser
from core.settings import Settings
from indexing.embedders import Embedder
from indexing.manifest import Manifest
from indexing.pipeline import Indexer
from indexing.sparse_encoder import SparseEncoder
from indexing.store import VectorStore

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class Runtime:
    def __init__(self, settings: Settings, *, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._given_embedder = embedder  # replaces the default one; closed by close() like it
        self.lock = threading.RLock()  # the embedded store and SQLite handles are shared by threads

    @cached_property
    def store(self) -> VectorStore:
        from indexing.stores import open_store

        return open_store(self.settings)

    @cached_property
    def embedder(self) -> Embedder:
        from indexing.embedding_cache import cached_embedder

        return self._given_embedder if self._given_embedder is not None else cached_embedder(self.settings)

    @cached_property
    def sparse(self) -> SparseEncoder:
        s = self.settings
        return SparseEncoder(segmenter=s.segmenter, k1=s.bm25_k1, b=s.bm25_b, avgdl=s.bm25_avgdl)

    @cached_property
    def manifest(self) -> Manifest:
        return Manifest(self.settings.manifest_path)

    @cached_property
    def sessions(self):  # noqa: ANN201 - sqlalchemy sessionmaker
        from assistant.db import make_engine, make_sessionmaker

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return make_sessionmaker(make_engine(self.settings.sql_url))

    @cached_property
    def llm(self):  # noqa: ANN201 - LLMBackend | None (None = extractive answers)
        from assistant.llm import make_backend

        return make_backend(self.settings)

    def retriever(self):  # noqa: ANN201
        from assistant.retrieval import Retriever

        return Retriever(self.store, self.embedder, self.sparse, prefetch_limit=self.settings.prefetch_limit,
                         fusion=self.settings.fusion)

    def answerer(self, remember: bool = True):  # noqa: ANN201
        from assistant.answering import AnswerConfig, Answerer
        from assistant.conversations import ConversationStore
        from assistant.rerankers import make_reranker

        s = self.settings
        config = AnswerConfig(top_k=min(s.top_k, 8), candidates=max(20, s.top_k), mode=s.search_mode,
                              context_tokens=max(512, s.llm_context_tokens - s.llm_max_tokens - 600),
                              max_tokens=s.llm_max_tokens, temperature=s.llm_temperature,
                              refusal_min_similarity=s.refusal_min_similarity,
                              refusal_min_coverage=s.refusal_min_coverage,
                              embedding_max_chars=s.embedding_max_chars)
        return Answerer(retriever=self.retriever(), embedder=self.embedder, llm=self.llm,
                        conversations=ConversationStore(self.sessions) if remember else None,
                        reranker=make_reranker(s.reranker, s.reranker_model_path), config=config)

    def indexer(self) -> Indexer:
        return Indexer(
            store=self.store,
            embedder=self.embedder,
            sparse=self.sparse,
            manifest=self.manifest,
            max_chunk_chars=self.settings.max_chunk_chars,
            embedding_max_chars=self.settings.embedding_max_chars,
            settings=self.settings,
        )

    def users(self) -> dict[str, UserRecord]:
        return load_users(self.settings.users_file)

    def principal(self, user_id: str) -> Principal:
        users = self.users()
        if user_id not in users:
            raise UnknownUser(f"không có người dùng {user_id!r} trong {self.settings.users_file.name}")
        return users[user_id].principal()

    def close(self) -> None:
        self.__dict__.setdefault("embedder", self._given_embedder)
        for name in ("store", "manifest", "embedder", "llm"):
            component = self.__dict__.pop(name, None)
            close = getattr(component, "close", None)
            if close:
                close()
