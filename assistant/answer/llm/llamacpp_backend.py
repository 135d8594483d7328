"""A local GGUF model through llama.cpp: a laptop or an offline server with no model server.

The model runs in a child process (:class:`core.child_process.ChildWorker`), not in the caller's: llama.cpp is
native code, and a crash there (a CPU-specific build on the wrong kernel, a bad GGUF) must cost one request,
never the API. A crash or a timeout becomes an ``LLMError`` (the answerer then falls back to quoted sources) and
the next request starts a fresh child. ``llama_cpp`` is an optional extra (``pip install .[llamacpp]``).
"""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.answer.llm.base import ChatMessage, LLMError
from core.child_process import ChildProcessError
from core.child_worker import ChildWorker

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


class LoadedModel:
    """What lives in the child: ``llama_cpp.Llama`` and the two calls the backend makes."""

    def __init__(self, model_path: str, n_ctx: int, chat_format: str | None, n_threads: int) -> None:
        import llama_cpp

        self.label = Path(model_path).name
        try:
            self.llm = llama_cpp.Llama(model_path=model_path, n_ctx=n_ctx, chat_format=chat_format,
                                       n_threads=n_threads, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"cannot load GGUF model {self.label}: {exc}") from None

    def complete(self, messages: list[dict[str, str]], max_tokens: int, temperature: float) -> str:
        try:
            reply: Any = self.llm.create_chat_completion(messages=messages, max_tokens=max_tokens,
                                                         temperature=temperature)
        except (ValueError, RuntimeError) as exc:  # e.g. prompt longer than n_ctx
            raise LLMError(f"local model {self.label} failed: {exc}") from None
        try:
            text = reply["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            text = None
        if text is None:
            raise LLMError(f"local model {self.label} returned no text")
        return text

    def pieces(self, messages: list[dict[str, str]], max_tokens: int, temperature: float) -> Iterator[str]:
        try:
            chunks: Any = self.llm.create_chat_completion(messages=messages, max_tokens=max_tokens,
                                                          temperature=temperature, stream=True)
            for chunk in chunks:
                piece = (chunk.get("choices") or [{}])[0].get("delta", {}).get("content")
                if piece:
                    yield piece
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"local model {self.label} failed: {exc}") from None


class LlamaCppBackend:
    """Chat completions from a GGUF in a supervised child process; one call at a time (as llama.cpp allows)."""

    def __init__(self, model_path: str | Path, *, n_ctx: int = 4096, chat_format: str | None = None,
                 n_threads: int | None = None, timeout_s: float = 120.0, load_timeout_s: float = 120.0) -> None:
        if importlib.util.find_spec("llama_cpp") is None:
            raise LLMError("llm_backend=llamacpp needs llama-cpp-python: pip install '.[llamacpp]'")
        path = Path(model_path)
        if not path.is_file():
            raise LLMError(f"GGUF model file not found: {path}")
        self.chat_format = chat_format
        self.timeout_s = timeout_s
        self.name = f"llamacpp:{path.name}"
        factory = functools.partial(LoadedModel, str(path), n_ctx, chat_format, n_threads or os.cpu_count() or 1)
        self.worker = ChildWorker(factory, name=f"llama.cpp model {path.name}", start_timeout_s=load_timeout_s)
        try:
            self.worker.start()  # load now: a bad model file is a start-up error, not the first user's
        except ChildProcessError as exc:
            last = exc.log_tail.strip().splitlines()[-1:] if exc.log_tail.strip() else []
            raise LLMError(f"cannot load GGUF model {path.name}: {exc.summary}"
                           + (f" ({last[0][:300]})" if last else "")) from None

    def _messages(self, messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
        if self.chat_format in _NO_SYSTEM_ROLE:
            return fold_system(messages)
        return [{"role": m.role, "content": m.content} for m in messages]

    def generate(self, messages: Sequence[ChatMessage], *, max_tokens: int = 512,
                 temperature: float = 0.1) -> str:
        try:
            return self.worker.call("complete", self._messages(messages), max_tokens, temperature,
                                    timeout_s=self.timeout_s)
        except ChildProcessError as exc:
            raise LLMError(f"local model {self.name} failed: {exc.summary}") from None

    def stream(self, messages: Sequence[ChatMessage], *, max_tokens: int = 512,
               temperature: float = 0.1) -> Iterator[str]:
        try:
            yield from self.worker.stream("pieces", self._messages(messages), max_tokens, temperature,
                                          timeout_s=self.timeout_s)
        except ChildProcessError as exc:
            raise LLMError(f"local model {self.name} failed: {exc.summary}") from None

    def close(self) -> None:
        self.worker.close()
