"""Chat-model backends: an OpenAI-compatible endpoint (vLLM, llama.cpp server) or a local GGUF.

``make_backend`` returns ``None`` for the extractive default (no model); the Runtime then gives the answerer the
extractive writer instead of an LLM writer (``assistant.answer.writers``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.answer.llm.base import ChatMessage, LLMBackend, LLMError
from core.errors import ConfigurationError

if TYPE_CHECKING:
    from core.settings import Settings

__all__ = ["ChatMessage", "LLMBackend", "LLMError", "make_backend"]


def make_backend(settings: Settings) -> LLMBackend | None:
    """The configured backend, or ``None`` when answers are extractive (no model configured)."""
    kind = settings.llm_backend
    if kind == "extractive":
        return None
    if kind == "openai":
        if not settings.llm_base_url:
            raise ConfigurationError("llm_backend=openai needs ASSISTANT_LLM_BASE_URL (e.g. http://host:8000/v1)")
        from assistant.answer.llm.openai_backend import OpenAIBackend

        return OpenAIBackend(
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key.get_secret_value(),
            model=settings.llm_model,
            timeout_s=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
        )
    if kind == "llamacpp":
        if settings.llm_gguf_path is None:
            raise ConfigurationError("llm_backend=llamacpp needs ASSISTANT_LLM_GGUF_PATH (a .gguf file)")
        from assistant.answer.llm.llamacpp_backend import LlamaCppBackend

        return LlamaCppBackend(model_path=settings.llm_gguf_path, n_ctx=settings.llm_context_tokens,
                               chat_format=settings.llm_chat_format, timeout_s=settings.llm_timeout_s)
    raise ConfigurationError(f"unknown llm_backend {kind!r}")
