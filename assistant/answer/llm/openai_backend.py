"""Any OpenAI-compatible chat endpoint: vLLM in production (``vllm serve … --served-model-name``), the
llama.cpp server on a laptop.

LangChain's ``ChatOpenAI`` gives the chat-model interface and retries: its ``max_retries`` goes to the
``openai`` client, which retries connection errors, timeouts, 408/409/429 and 5xx with exponential
backoff (0.5 s doubling, capped at 8 s, 0-25 % jitter; see ``openai._base_client._calculate_retry_timeout``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NoReturn
from urllib.parse import urlsplit

import openai
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from assistant.answer.llm.base import ChatMessage, LLMError

_LC_MESSAGE = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}


def endpoint_host(base_url: str) -> str:
    """Host[:port] only: what an error message may show (never credentials or query strings)."""
    parts = urlsplit(base_url)
    host = parts.hostname or base_url.split("/")[0]
    return f"{host}:{parts.port}" if parts.port else host


def to_langchain(messages: Sequence[ChatMessage]) -> list[BaseMessage]:
    try:
        return [_LC_MESSAGE[m.role](content=m.content) for m in messages]
    except KeyError as exc:
        raise LLMError(f"unknown chat role {exc.args[0]!r}") from None


class OpenAIBackend:
    """Chat completions over HTTP. Errors become one ``LLMError`` naming the endpoint host."""

    def __init__(self, base_url: str, *, api_key: str = "EMPTY", model: str = "local-model",
                 timeout_s: float = 60.0, max_retries: int = 2) -> None:
        self.base_url = base_url
        self.host = endpoint_host(base_url)
        self.model = model
        self.timeout_s = timeout_s
        self.name = f"openai:{model}@{self.host}"
        self._chat = ChatOpenAI(base_url=base_url, api_key=SecretStr(api_key or "EMPTY"), model=model,
                                timeout=timeout_s, max_retries=max_retries)

    def _kwargs(self, max_tokens: int, temperature: float) -> dict[str, Any]:
        # ChatOpenAI sends ``max_completion_tokens``; llama.cpp's server only reads ``max_tokens``
        # (vLLM reads both), so the legacy name rides along in the body.
        return {"max_tokens": max_tokens, "temperature": temperature,
                "extra_body": {"max_tokens": max_tokens}}

    def generate(self, messages: Sequence[ChatMessage], *, max_tokens: int = 512,
                 temperature: float = 0.1) -> str:
        try:
            reply = self._chat.invoke(to_langchain(messages), **self._kwargs(max_tokens, temperature))
        except Exception as exc:  # noqa: BLE001 - every failure becomes one clear, secret-free message
            self._raise(exc)
        text = reply.text if isinstance(reply, AIMessage) else None
        if text is None:
            raise LLMError(f"LLM endpoint {self.host} returned a response without text")
        return text

    def stream(self, messages: Sequence[ChatMessage], *, max_tokens: int = 512,
               temperature: float = 0.1) -> Iterator[str]:
        try:
            for chunk in self._chat.stream(to_langchain(messages), **self._kwargs(max_tokens, temperature)):
                piece = chunk.text
                if piece:
                    yield piece
        except LLMError:
            raise
        except Exception as exc:  # noqa: BLE001
            self._raise(exc)

    def _raise(self, exc: Exception) -> NoReturn:
        host, kind = self.host, type(exc).__name__
        if isinstance(exc, openai.APITimeoutError):
            msg = f"LLM endpoint {host} did not answer within {self.timeout_s:g}s (timeout)"
        elif isinstance(exc, openai.APIConnectionError):
            msg = f"cannot reach LLM endpoint {host} (connection failed)"
        elif isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            msg = (f"LLM endpoint {host} refused the API key (HTTP {exc.status_code}); "
                   "check ASSISTANT_LLM_API_KEY")
        elif isinstance(exc, openai.NotFoundError):
            msg = (f"LLM endpoint {host} has no model {self.model!r} (HTTP 404); check ASSISTANT_LLM_MODEL "
                   "against the server's --served-model-name")
        elif isinstance(exc, openai.APIStatusError):
            msg = f"LLM endpoint {host} returned HTTP {exc.status_code}"
        else:
            msg = f"LLM endpoint {host} failed: bad or unreadable response ({kind})"
        raise LLMError(msg) from None
