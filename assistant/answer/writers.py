"""Who writes the answer text from the retrieved sources: a language model, or verbatim extracts.

Both sit behind :class:`AnswerWriter`, so the answering path never asks "is there a model?". The extractive
writer is a real implementation (the default with no model configured, and the fallback when a model fails),
not a missing one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from assistant.answer.condense import condense_by_rule, condense_with_llm
from assistant.answer.extractive import extractive_answer
from assistant.answer.llm.base import ChatMessage, LLMBackend
from assistant.answer.prompts import Prompt, clean_prompt_text, load_prompt, render_sources
from assistant.answer.types import Source
from assistant.service.conversations import Turn


def count_tokens(text: str) -> int:
    """A cheap, conservative estimate for Vietnamese (≈ 3 characters a token across common tokenizers)."""
    return max(1, len(text) // 3)


@runtime_checkable
class AnswerWriter(Protocol):
    """Condenses a follow-up into a standalone question and writes the answer, piece by piece.

    ``write`` answers from ``sources`` (the unit retrieval chose); ``background`` (the other retrieved sources)
    is never quoted or cited, only read for which words are common to all of them.
    ``write`` may raise ``LLMError``; the answerer then falls back to quoted sources. ``clean`` removes what a
    writer is known to add that is not answer (a model echoing its instructions) before citations are checked.
    """

    name: str

    def condense(self, question: str, history: Sequence[Turn]) -> str: ...

    def write(self, question: str, sources: list[Source], background: Sequence[Source] = ()) -> Iterator[str]: ...

    def clean(self, raw: str, sources: list[Source]) -> str: ...


class ExtractiveWriter:
    """Quotes the clauses that answer, verbatim, with their markers: no model, nothing invented."""

    name = "extractive"

    def condense(self, question: str, history: Sequence[Turn]) -> str:
        return condense_by_rule(question, history)

    def write(self, question: str, sources: list[Source], background: Sequence[Source] = ()) -> Iterator[str]:
        yield extractive_answer(question, sources, background=background)

    def clean(self, raw: str, sources: list[Source]) -> str:
        return raw


@dataclass(frozen=True)
class PromptSet:
    """The three prompt files an LLM writer uses, read once from one folder (``Settings.prompts_dir``)."""

    system: Prompt
    answer: Prompt
    condense: Prompt

    @classmethod
    def load(cls, prompts_dir: Path) -> PromptSet:
        return cls(system=load_prompt("system", prompts_dir), answer=load_prompt("answer", prompts_dir),
                   condense=load_prompt("condense", prompts_dir))


class LLMWriter:
    """A chat model answers from the numbered sources; its markers are checked afterwards by the answerer."""

    def __init__(self, llm: LLMBackend, prompts: PromptSet, *, max_tokens: int = 512, temperature: float = 0.1,
                 context_tokens: int = 3000) -> None:
        if max_tokens <= 0:
            raise ValueError(f"max_tokens must be positive, got {max_tokens}")
        if context_tokens <= 0:
            raise ValueError(f"context_tokens must be positive, got {context_tokens}")
        self.llm = llm
        self.prompts = prompts
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.context_tokens = context_tokens
        self.name = llm.name

    def condense(self, question: str, history: Sequence[Turn]) -> str:
        if not history:
            return condense_by_rule(question, history)
        return condense_with_llm(question, history, self.llm, prompt=self.prompts.condense)

    def write(self, question: str, sources: list[Source], background: Sequence[Source] = ()) -> Iterator[str]:
        system = self.prompts.system.template.format()
        sources_text, _ = render_sources(sources, self.context_tokens, count_tokens)
        user = self.prompts.answer.template.format(sources=sources_text, question=clean_prompt_text(question))
        messages = [ChatMessage("system", system), ChatMessage("user", user)]
        return self.llm.stream(messages, max_tokens=self.max_tokens, temperature=self.temperature)

    def clean(self, raw: str, sources: list[Source]) -> str:
        sources_text, _ = render_sources(sources, self.context_tokens, count_tokens)
        echoes = [self.prompts.system.template.format(), self.prompts.answer.template.template, sources_text]
        return strip_prompt_echo(raw, echoes)


def strip_prompt_echo(answer: str, prompt_texts: list[str]) -> str:
    """Drop lines a model copied from its instructions or its sources' headers: an echoed "[1], [2]" or
    "[1] Điều 3 — Luật …" is not a citation. A real claim line ends with its marker, which the prompt never
    has after a sentence, so it survives."""
    prompts = " ".join(" ".join(t.split()) for t in prompt_texts).lower()
    kept = []
    for line in answer.splitlines():
        flat = " ".join(line.split()).lower().lstrip("-*0123456789. ")
        if flat in ("<nguon>", "</nguon>") or (len(flat) >= 12 and flat in prompts):
            continue
        kept.append(line)
    return "\n".join(kept)
