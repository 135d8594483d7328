"""What the system covers, as one person may see it: how many indexed documents of each kind they may read, in
one Vietnamese sentence for a refusal ("Trong phạm vi bạn được xem, hệ thống có: 13 văn bản …, 809 thủ tục …").

Why: a refusal that only says "not found" leaves the official guessing whether the subject is outside the
system or the question was worded badly. The counts come from the manifest through the same access rule as the
documents list (``catalog.may_see``), so a restricted document is never counted for someone who may not read it.
Reading every manifest entry costs more than a refusal should, so the sentence is kept per (manifest generation,
principal) and recomputed only when the manifest changes.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock

from assistant.documents.catalog import visible_documents
from core.access import Principal
from indexing.manifest import Manifest

# The kinds in the order they are named, with their Vietnamese names; a kind not listed is "tài liệu khác".
KIND_NAMES = (("legal", "văn bản pháp luật, văn bản hành chính"), ("articles", "điều luật (bộ dữ liệu luật)"),
              ("tthc", "thủ tục hành chính"), ("warehouse", "báo cáo số liệu của kho dữ liệu"))
NOTHING = "Trong phạm vi bạn được xem, hệ thống chưa có văn bản nào."


def coverage_counts(manifest: Manifest, principal: Principal) -> dict[str, int]:
    """Documents ``principal`` may see, counted by kind."""
    counts: dict[str, int] = {}
    for entry in visible_documents(manifest, principal):
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    return counts


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def coverage_text(counts: dict[str, int]) -> str:
    """The counts as one sentence, kinds in a fixed order, numbers grouped with dots ("1.234")."""
    named = dict(KIND_NAMES)
    parts = [f"{_number(counts[k])} {name}" for k, name in KIND_NAMES if counts.get(k)]
    other = sum(n for k, n in counts.items() if k not in named)
    if other:
        parts.append(f"{_number(other)} tài liệu khác")
    if not parts:
        return NOTHING
    return ("Trong phạm vi bạn được xem, hệ thống có: " + ", ".join(parts)
            + ". Bạn có thể hỏi lại với tên, số hiệu văn bản hoặc tên thủ tục cụ thể.")


class Coverage:
    """``Coverage(manifest)(principal)`` → the sentence, cached per manifest generation and principal."""

    def __init__(self, manifest: Manifest, version: Callable[[], object] | None = None) -> None:
        self.manifest = manifest
        self.version = version or manifest.generation
        self._lock = Lock()
        self._cache: dict[tuple[object, str, str, tuple[str, ...]], str] = {}

    def __call__(self, principal: Principal) -> str:
        version = self.version()
        key = (version, principal.user_id, principal.unit, tuple(principal.roles))
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        text = coverage_text(coverage_counts(self.manifest, principal))
        with self._lock:
            if any(k[0] != version for k in self._cache):  # the manifest changed: drop the old sentences
                self._cache = {k: v for k, v in self._cache.items() if k[0] == version}
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = text
        return text
