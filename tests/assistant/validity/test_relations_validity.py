"""Indexing a document that replaces or amends an indexed one changes the old one's validity fields by a
payload update only, in either order, on both store engines."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from assistant.service.runtime import Runtime
from assistant.validity.compute import changes_of_unit
from core.access import ANONYMOUS
from core.legal_status import VALIDITY_EXPIRED, VALIDITY_IN_FORCE, status_at
from core.settings import Settings
from indexing.embedders import Embedder
from indexing.store import SearchFilter
from tests.assistant.validity.validity_fixtures import VERIFIED, amending_decision, new_decision, old_decision

REPO = Path(__file__).resolve().parents[3]


class CountingEmbedder:
    """The real embedder, counting the texts it embeds (to show a status change embeds nothing)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.embedded = 0
        self.name, self.dim = inner.name, inner.dim

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def close(self) -> None:
        getattr(self.inner, "close", lambda: None)()


@pytest.fixture(params=["edge", "qdrant"])
def runtime(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Runtime]:
    from indexing.embedding_cache import cached_embedder

    settings = Settings(validity_verified_through=VERIFIED, data_dir=tmp_path / "data", vector_store=request.param,
                        embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite")
    rt = Runtime(settings, embedder=CountingEmbedder(cached_embedder(settings)))
    yield rt
    rt.close()


def payload_of(rt: Runtime, doc_id: str) -> dict:
    hits = rt.store.doc_chunks(doc_id, SearchFilter(principal=ANONYMOUS))
    assert hits, doc_id
    first = hits[0].payload
    assert all(h.payload.get("validity") == first.get("validity") for h in hits)
    return first


@pytest.mark.parametrize("order", ["old_first", "new_first"])
def test_replacing_decision_flips_the_old_one_without_re_embedding(runtime: Runtime, order: str) -> None:
    old, new = old_decision(), new_decision()
    first, second = (old, new) if order == "old_first" else (new, old)
    runtime.indexer().index([first])
    embedded = runtime.embedder.embedded  # type: ignore[attr-defined]
    report = runtime.indexer().index([second])
    assert report.added == 1
    second_chunks = len(runtime.manifest.get(second.doc_id).chunk_ids)  # type: ignore[union-attr]
    assert runtime.embedder.embedded - embedded == second_chunks  # type: ignore[attr-defined]

    gone = payload_of(runtime, "qd-45-2023")
    assert gone["validity"] == VALIDITY_EXPIRED
    assert gone["het_hieu_luc_tu"] == "2025-03-01"
    [by] = gone["thay_the_boi"]
    assert (by["by"], by["by_doc_id"], by["clause"]) == ("12/2025/QĐ-UBND", "qd-12-2025", "Điều 6")
    assert payload_of(runtime, "qd-12-2025")["validity"] == VALIDITY_IN_FORCE
    # Before the replacement took effect the old decision was in force: the same payload says so.
    assert status_at(gone, date(2024, 5, 1), date.today()) == VALIDITY_IN_FORCE
    found = runtime.store.search(flt=SearchFilter(principal=ANONYMOUS, in_force_only=True),
                                 dense=runtime.embedder.embed_query("thời hạn giải quyết hồ sơ").tolist(),
                                 mode="dense", limit=10)
    assert found and {h.payload["doc_id"] for h in found} == {"qd-12-2025"}


def test_removing_the_replacement_puts_the_old_one_back_in_force(runtime: Runtime) -> None:
    runtime.indexer().index([old_decision(), new_decision()])
    assert payload_of(runtime, "qd-45-2023")["validity"] == VALIDITY_EXPIRED
    assert runtime.indexer().remove_document("qd-12-2025")
    back = payload_of(runtime, "qd-45-2023")
    assert back["validity"] == VALIDITY_IN_FORCE and back["thay_the_boi"] == []


@pytest.mark.parametrize("order", ["target_first", "amendment_first"])
def test_amended_unit_names_the_amending_clause(runtime: Runtime, order: str) -> None:
    docs = [new_decision(), amending_decision()]
    runtime.indexer().index(docs if order == "target_first" else docs[::-1])
    payload = payload_of(runtime, "qd-12-2025")
    assert payload["validity"] == VALIDITY_IN_FORCE
    changes = {(c["kind"], tuple(c["units"]), c["by"], c["clause"], c["from"]) for c in payload["sua_doi"]}
    assert ("amends", ("khoản 2 Điều 3",), "20/2025/QĐ-UBND", "khoản 1 Điều 1", "2025-06-01") in changes
    assert ("repeals", ("Điều 5",), "20/2025/QĐ-UBND", "khoản 2 Điều 1", "2025-06-01") in changes
    today = date(2026, 1, 1)
    touched = changes_of_unit(payload, {"dieu": "3", "khoan": "2"}, None, today)
    assert [c["clause"] for c in touched if c["kind"] == "amends" and c["units"]] == ["khoản 1 Điều 1"]
    assert changes_of_unit(payload, {"dieu": "1"}, None, today) == []
    assert changes_of_unit(payload, {"dieu": "3", "khoan": "2"}, date(2025, 4, 1), today) == []
