"""Streaming only what has passed the checks: generated text is held back until its sentence (or line) is
complete, then let out cleaned and citation-checked exactly like the final answer, so a client never sees a
marker that names no source, one its claim does not support, or an echo of the instructions."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import Any

from assistant.answer.citations import check_citations, settled_end
from assistant.answer.types import Source
from assistant.answer.writers import AnswerWriter


def _checked(writer: AnswerWriter, text: str, sources: list[Source], allowed: Collection[int] | None) -> str:
    body = text.rstrip()
    if not body:
        return text
    return check_citations(writer.clean(body, sources), sources, allowed)[0] + text[len(body):]


def checked_tokens(writer: AnswerWriter, stream: Iterable[str], sources: list[Source],
                   pieces: list[str], allowed: Collection[int] | None = None) -> Iterator[dict[str, Any]]:
    """``token`` events of whole checked sentences from ``stream``; every raw piece is appended to ``pieces``
    (the answerer checks their whole text again for the final result). ``allowed``: the markers the writer was
    shown (``check_citations``)."""
    held = ""
    for piece in stream:
        pieces.append(piece)
        held += piece
        end = settled_end(held)
        if end:
            out, held = _checked(writer, held[:end], sources, allowed), held[end:]
            if out:
                yield {"event": "token", "text": out}
    if held:
        out = _checked(writer, held, sources, allowed)
        if out:
            yield {"event": "token", "text": out}
