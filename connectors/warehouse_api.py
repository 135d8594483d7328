"""Pull connector for the warehouse / LGSP-style REST API: pages of records in the warehouse format.

The API (contract in docs/deployment.md) answers ``GET <url>?updated_since=<ISO>&page_size=<n>`` with

    {"records": [<warehouse record>, ...], "next_cursor": "opaque" | null}          (cursor paging), or
    {"records": [...], "page": 1, "total_pages": 7}                                   (page paging)

Each record is the format of docs/warehouse-format.md and goes through the same validation as a file
(``connectors.warehouse.warehouse_document``): a bad record is one Rejection, the others are indexed.

Incremental: the largest ``updated_at`` seen by a run that read every page is kept in a small JSON state
file (one entry per URL) and sent as ``updated_since`` next time. The bound is inclusive, so a record
updated in the same second as the watermark is fetched again; the indexer skips it as unchanged.
The state advances only after the caller has indexed the documents (``commit()``), so a crash or a
failed page means the next run fetches the same records again rather than missing any.

Retries: timeouts, connection errors, 429 and 5xx are retried with exponential backoff (honouring a
``Retry-After`` of a few seconds); other 4xx fail at once (a wrong token does not get better).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from connectors.base import Rejection, normalize_record
from connectors.warehouse import warehouse_document
from core.documents import Document
from core.errors import ConfigurationError, RejectedInput
from core.settings import Settings

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 30.0
MAX_PAGES = 100_000  # a server that never stops paging is a bug, not a corpus


class WarehouseApiError(RejectedInput):
    """The API could not be read (after retries, or a status that retrying will not fix)."""


def _safe_url(url: str) -> str:
    """The URL without credentials or query (for messages and document sources)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


class WatermarkState:
    """``{"<url>": {"updated_since": "<ISO>", "at": "<when the run finished>"}}`` in a JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"tệp trạng thái {self.path} hỏng: {exc}") from None
        return data if isinstance(data, dict) else {}

    def get(self, url: str) -> str | None:
        entry = self._read().get(_safe_url(url))
        return entry.get("updated_since") if isinstance(entry, dict) else None

    def set(self, url: str, updated_since: str) -> None:
        data = self._read()
        data[_safe_url(url)] = {"updated_since": updated_since,
                                "at": datetime.now().astimezone().isoformat(timespec="seconds")}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.path)  # atomic: a crash leaves the old watermark, never half a file


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def _later(a: str | None, b: str | None) -> str | None:
    """The later of two ISO date-times (naive ones compared as given); None when neither parses."""
    ta, tb = _parse_time(a), _parse_time(b)
    if ta is None:
        return b if tb is not None else None
    if tb is None:
        return a
    try:
        return b if tb > ta else a
    except TypeError:  # one naive, one aware: compare as if both were in the same zone
        return b if tb.replace(tzinfo=None) > ta.replace(tzinfo=None) else a


class WarehouseApiConnector:
    """Documents from the API since the last watermark; ``commit()`` after indexing advances it."""

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        auth_header: str = "Authorization",
        page_size: int = 100,
        timeout_s: float = 30.0,
        max_retries: int = 4,
        backoff_s: float = 0.5,
        state: WatermarkState | None = None,
        updated_since: str | None = None,
        full: bool = False,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not url or urlsplit(url).scheme not in ("http", "https"):
            raise ConfigurationError("ASSISTANT_WAREHOUSE_API_URL phải là URL http(s)")
        if page_size <= 0:
            raise ConfigurationError("ASSISTANT_WAREHOUSE_API_PAGE_SIZE phải là số dương")
        self.url = url
        self.page_size = page_size
        self.max_retries = max(0, max_retries)
        self.backoff_s = backoff_s
        self.state = state
        self.since = None if full else (updated_since or (state.get(url) if state else None))
        self._sleep = sleep
        headers = {"Accept": "application/json", "User-Agent": "tro-ly-ao/warehouse-pull"}
        if token:
            headers[auth_header] = f"Bearer {token}" if auth_header.lower() == "authorization" else token
        self._client = httpx.Client(headers=headers, timeout=timeout_s, transport=transport,
                                    follow_redirects=False)
        # Filled while reading: the newest updated_at seen, pages read, whether every page was read.
        self.high_water: str | None = self.since
        self.pages = 0
        self.records = 0
        self.complete = False

    @classmethod
    def from_settings(cls, settings: Settings, *, full: bool = False, url: str | None = None,
                      **kwargs: Any) -> WarehouseApiConnector:
        url = url or settings.warehouse_api_url
        if not url:
            raise ConfigurationError("chưa đặt ASSISTANT_WAREHOUSE_API_URL")
        token = settings.warehouse_api_token.get_secret_value() if settings.warehouse_api_token else None
        state_path = settings.warehouse_api_state_path or settings.data_dir / "warehouse_api_state.json"
        return cls(url, token=token, auth_header=settings.warehouse_api_auth_header,
                   page_size=settings.warehouse_api_page_size, timeout_s=settings.warehouse_api_timeout_s,
                   max_retries=settings.warehouse_api_max_retries, state=WatermarkState(state_path), full=full,
                   **kwargs)

    # --- HTTP --------------------------------------------------------------------------------------------

    def _get(self, params: dict[str, Any]) -> dict[str, Any]:
        """One page, retried on transient failures; raises WarehouseApiError with a one-line reason."""
        where = _safe_url(self.url)
        attempt = 0
        while True:
            try:
                response = self._client.get(self.url, params=params)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                reason = f"{type(exc).__name__}"
                retry_after = None
            else:
                if response.status_code == 200:
                    try:
                        data = response.json()
                    except ValueError:
                        raise WarehouseApiError(f"{where}: trả về không phải JSON") from None
                    if not isinstance(data, dict):
                        raise WarehouseApiError(f"{where}: trang phải là đối tượng JSON có 'records'")
                    return data
                if response.status_code not in RETRY_STATUSES:
                    raise WarehouseApiError(f"{where}: HTTP {response.status_code} (không thử lại)")
                reason = f"HTTP {response.status_code}"
                retry_after = _retry_after(response.headers.get("Retry-After"))
            if attempt >= self.max_retries:
                raise WarehouseApiError(f"{where}: {reason} sau {attempt + 1} lần thử")
            delay = retry_after if retry_after is not None else self.backoff_s * (2**attempt)
            log.warning("warehouse API %s: %s; retrying in %.1fs", where, reason, delay)
            self._sleep(delay)
            attempt += 1

    def pages_of_records(self) -> Iterator[list[Any]]:
        """Every page's records, following ``next_cursor`` or ``page``/``total_pages``."""
        params: dict[str, Any] = {"page_size": self.page_size}
        if self.since:
            params["updated_since"] = self.since
        page_no = 1
        for _ in range(MAX_PAGES):
            data = self._get(params)
            records = data.get("records")
            if not isinstance(records, list):
                raise WarehouseApiError(f"{_safe_url(self.url)}: trang thiếu danh sách 'records'")
            self.pages += 1
            yield records
            cursor = data.get("next_cursor")
            if cursor:
                params = {k: v for k, v in params.items() if k != "page"} | {"cursor": cursor}
                continue
            total = data.get("total_pages")
            if isinstance(total, int) and not isinstance(total, bool) and "next_cursor" not in data:
                current = data.get("page", page_no)
                if isinstance(current, int) and current < total and records:
                    page_no = current + 1
                    params = params | {"page": page_no}
                    continue
            return
        raise WarehouseApiError(f"{_safe_url(self.url)}: quá {MAX_PAGES} trang")

    # --- the Connector protocol ----------------------------------------------------------------------------

    def documents(self) -> Iterator[Document | Rejection]:
        """Documents and per-record Rejections; a failed page ends the run with one Rejection."""
        base = _safe_url(self.url)
        try:
            for records in self.pages_of_records():
                for i, raw in enumerate(records, 1):
                    self.records += 1
                    record = normalize_record(raw)
                    rid = record.get("id") if isinstance(record, dict) else None
                    label = f"bản ghi «{rid}»" if isinstance(rid, str) and rid.strip() else f"bản ghi thứ {i}"
                    source = f"{base}#{rid.strip()}" if isinstance(rid, str) and rid.strip() else base
                    if isinstance(record, dict):
                        self.high_water = _later(self.high_water, record.get("updated_at"))
                    try:
                        yield warehouse_document(record, source)
                    except RejectedInput as exc:
                        yield Rejection(source, f"{label}: {exc}")
        except WarehouseApiError as exc:
            yield Rejection(base, str(exc))
            return
        self.complete = True

    def commit(self) -> bool:
        """Advance the stored watermark, only after a complete run; True when it was written."""
        if self.state is None or not self.complete or not self.high_water:
            return False
        self.state.set(self.url, self.high_water)
        return True

    def close(self) -> None:
        self._client.close()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER_S)
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
