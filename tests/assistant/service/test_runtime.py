"""The Runtime as the composition root: parts built once (also under concurrent first use), a given embedder
used and closed, the answer writer chosen once, and readers not waiting on an indexing run."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from assistant.answer.writers import ExtractiveWriter, LLMWriter
from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.access import Principal
from core.settings import Settings
from indexing.embedding_cache import cached_embedder
from indexing.stores.serialized import SerializedStore

REPO = Path(__file__).resolve().parents[3]
CACHE = REPO / "build" / "test-cache" / "embeddings.sqlite"
READER = Principal(user_id="vp", unit="Văn phòng UBND tỉnh", roles=("chuyen_vien",))


def settings_for(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedding_cache_path=CACHE, **overrides)  # type: ignore[arg-type]


class GatedEmbedder:
    """The real cached embedder, except that document embedding waits until the test opens the gate: it holds
    an indexing run in the middle of its slowest step."""

    def __init__(self, settings: Settings) -> None:
        self.inner = cached_embedder(settings)
        self.name, self.dim = self.inner.name, self.inner.dim
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.closed = False

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if texts and "Thí điểm" in texts[0]:
            self.entered.set()
            assert self.gate.wait(60), "the test never opened the gate"
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def close(self) -> None:
        self.closed = True
        self.inner.close()


def test_parts_are_built_once_even_when_threads_ask_together(tmp_path: Path):
    runtime = Runtime(settings_for(tmp_path))
    try:
        with ThreadPoolExecutor(8) as pool:
            stores = list(pool.map(lambda _: runtime.store, range(16)))
            manifests = list(pool.map(lambda _: runtime.manifest, range(16)))
        assert all(s is stores[0] for s in stores) and isinstance(stores[0], SerializedStore)
        assert all(m is manifests[0] for m in manifests)
        assert runtime.sessions is runtime.sessions
    finally:
        runtime.close()
        runtime.close()  # a second close does nothing


def test_the_writer_follows_the_settings_and_a_given_model(tmp_path: Path):
    runtime = Runtime(settings_for(tmp_path))
    assert isinstance(runtime.writer(), ExtractiveWriter) and runtime.llm is None

    class Model:
        name = "mo-hinh-thu"

    writer = runtime.writer(Model())  # type: ignore[arg-type]
    assert isinstance(writer, LLMWriter) and writer.name == "mo-hinh-thu"
    assert writer.prompts.answer.path.parent == runtime.settings.prompts_dir
    assert runtime.answerer(remember=False, writer=writer).backend_name == "mo-hinh-thu"
    runtime.close()


def test_searches_do_not_wait_for_an_indexing_run(tmp_path: Path):
    settings = settings_for(tmp_path)
    embedder = GatedEmbedder(settings)
    runtime = Runtime(settings, embedder=embedder)
    runtime.indexer().index(iter_sources([REPO / "data" / "warehouse"]))
    new_doc = tmp_path / "quyet-dinh-moi.md"
    new_doc.write_text("# QUYẾT ĐỊNH thí điểm\n\nĐiều 1. Thí điểm trợ lý ảo tại Sở Nội vụ từ quý IV năm 2026.\n",
                       encoding="utf-8")
    indexing = threading.Thread(target=lambda: runtime.indexer().index(iter_sources([new_doc])))
    indexing.start()
    try:
        assert embedder.entered.wait(60), "indexing never reached the embedding step"
        # The indexing run is now in the middle of embedding; a reader must not be blocked behind it.
        with ThreadPoolExecutor(1) as pool:
            hits = pool.submit(runtime.retriever().search, "tỷ lệ hồ sơ trực tuyến", READER, top_k=3).result(30)
        assert hits
        assert runtime.manifest.get("kho:VP-TTHC-2026Q3") is not None  # the manifest answers too
    finally:
        embedder.gate.set()
        indexing.join(60)
    hits = runtime.retriever().search("thí điểm trợ lý ảo Sở Nội vụ", READER, top_k=1)
    assert hits and "Thí điểm trợ lý ảo" in hits[0].payload["text"]
    runtime.close()
    assert embedder.closed  # the runtime closes the embedder it was given


def test_a_search_refuses_an_index_encoded_with_other_settings(tmp_path: Path):
    from core.errors import ConfigurationError

    runtime = Runtime(settings_for(tmp_path))
    runtime.indexer().index(iter_sources([REPO / "data" / "warehouse"]))
    runtime.close()
    changed = Runtime(settings_for(tmp_path, segmenter="pyvi"))
    with pytest.raises(ConfigurationError, match="segmenter"):
        changed.retriever()
    changed.close()
