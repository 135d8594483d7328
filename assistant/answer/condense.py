"""Follow-up questions become standalone queries before retrieval: with the LLM when configured, by rule
otherwise ("còn lệ phí thì sao?" after a question about a procedure → that procedure's fee)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.llm.base import ChatMessage, LLMBackend, LLMError
from assistant.answer.prompts import Prompt, clean_prompt_text, load_prompt
from assistant.service.conversations import Turn
from core.vietnamese import normalize_text

_FOLLOW_UP = re.compile(
    r"(\b(đó|này|nó|ấy|trên|vậy|thế|còn|thì sao|như thế nào|thủ tục đó|văn bản đó|điều đó|khoản đó)\b|^(và|còn)\b)",
    re.IGNORECASE,
)


def looks_like_follow_up(question: str) -> bool:
    words = question.split()
    return len(words) <= 6 or bool(_FOLLOW_UP.search(question.lower()))


def last_user_question(history: Sequence[Turn]) -> str | None:
    for turn in reversed(history):
        if turn.role == "user":
            data = turn.data or {}
            return str(data.get("standalone") or turn.content)
    return None


def condense_by_rule(question: str, history: Sequence[Turn]) -> str:
    """Attach the previous standalone question as context when the new one does not stand alone."""
    question = normalize_text(question).strip()
    previous = last_user_question(history)
    if not previous or not looks_like_follow_up(question):
        return question
    return f"{question} ({previous})"


def condense_with_llm(question: str, history: Sequence[Turn], llm: LLMBackend, max_tokens: int = 128,
                      prompt: Prompt | None = None) -> str:
    """Ask the model for one standalone question; fall back to the rule when it answers nothing usable.

    ``prompt`` is the condense prompt the caller loaded from its settings' folder (default: the shipped one)."""
    if not history:
        return normalize_text(question).strip()
    prompt = prompt or load_prompt("condense")
    lines = [f"{'Người hỏi' if t.role == 'user' else 'Trợ lý'}: {clean_prompt_text(t.content[:500])}"
             for t in history[-6:]]
    text = prompt.template.format(history="\n".join(lines), question=clean_prompt_text(question))
    try:
        out = llm.generate([ChatMessage("user", text)], max_tokens=max_tokens, temperature=0.0)
    except LLMError:
        return condense_by_rule(question, history)
    out = normalize_text(out).strip().splitlines()[0].strip() if out.strip() else ""
    echoed = " ".join(out.split()).lower() in " ".join(prompt.template.template.split()).lower()
    if len(out) < 5 or len(out) > 600 or echoed:  # an echo of the instructions is not a question
        return condense_by_rule(question, history)
    return out
