"""A local GGUF model through llama.cpp, in-process: a laptop or an offline server with no model server.

``llama_cpp`` is an optional extra (``pip install .[llamacpp]``), imported only when this backend is used.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.llm.base import ChatMessage, LLMError

# Chat formats whose template drops the system role: the system text is folded into the first user turn,
# as Gemma's own chat template does.
_NO_SYSTEM_ROLE = {"gemma"}


def fold_system(messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
    system = "\n\n".join(m.content for m in messages if m.role == "system")
    out = [{"role": m.role, "content": m.content} for m in messages if m.role != "system"]
    if system:
        if out and out[0]["role"] == "user":
            out[0] = {"role": "user", "content": f"{system}\n\n{out[0]['content']}"}
        else:
            out.insert(0, {"role": "user", "content": system})
    return out


class LlamaCppBackend:
    """``llama_cpp.Llama`` + ``create_chat_completion``; one call at a time (the model is not thread-safe)."""

    def __init__(self, model_path: str | Path, *, n_ctx: int = 4096, chat_format: str | None = None,
                 n_threads: int | None = None) -> None:
        try:
            import llama_cpp
        except ImportError:
            raise LLMError("llm_backend=llamacpp needs llama-cpp-python: pip install '.[llamacpp]'") from None
        path = Path(model_path)
        if not path.is_file():
            raise LLMError(f"GGUF model file not found: {path}")
        self.chat_format = chat_format
        self.name = f"llamacpp:{path.name}"
        try:
            self._llm = llama_cpp.Llama(model_path=str(path), n_ctx=n_ctx, chat_format=chat_format,
                                        n_threads=n_threads or os.cpu_count() or 1, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"cannot load GGUF model {path.name}: {exc}") from None
        self._lock = threading.Lock()

    def _messages(self, messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
        if self.chat_format in _NO_SYSTEM_ROLE:
            return fold_system(messages)
        return [{"role": m.role, "content": m.content} for m in messages]

    def generate(self, messages: Sequence[ChatMessage], *, max_tokens: int = 512,
                 temperature: float = 0.1) -> str:
        with self._lock:
            try:
                reply: Any = self._llm.create_chat_completion(
                    messages=self._messages(messages), max_tokens=max_tokens, temperature=temperature)
            except (ValueError, RuntimeError) as exc:  # e.g. prompt longer than n_ctx
                raise LLMError(f"local model {self.name} failed: {exc}") from None
        try:
            text = reply["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            text = None
        if text is None:
            raise LLMError(f"local model {self.name} returned no text")
        return text

    def stream(self, messages: Sequence[ChatMessage], *, max_tokens: int = 512,
               temperature: float = 0.1) -> Iterator[str]:
        with self._lock:
            try:
                chunks: Any = self._llm.create_chat_completion(
                    messages=self._messages(messages), max_tokens=max_tokens, temperature=temperature,
                    stream=True)
                for chunk in chunks:
                    piece = (chunk.get("choices") or [{}])[0].get("delta", {}).get("content")
                    if piece:
                        yield piece
            except (ValueError, RuntimeError) as exc:
                raise LLMError(f"local model {self.name} failed: {exc}") from None
