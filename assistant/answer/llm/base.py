"""The LLM seam: one small Protocol so the answering pipeline never depends on a vendor SDK."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from core.errors import AssistantError

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@runtime_checkable
class LLMBackend(Protocol):
    """A chat model: whole answers (``generate``) or text pieces as they come (``stream``)."""

    name: str

    def generate(self, messages: Sequence[ChatMessage], *, max_tokens: int = 512,
                 temperature: float = 0.1) -> str: ...

    def stream(self, messages: Sequence[ChatMessage], *, max_tokens: int = 512,
               temperature: float = 0.1) -> Iterator[str]: ...


class LLMError(AssistantError):
    """The model could not answer (timeout, unreachable, bad response). The message never holds secrets."""
