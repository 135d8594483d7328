"""Prompts live in files (``prompts/*.vi.md``) so wording changes are reviewed, versioned and testable.

Each file starts with front matter (``name``, ``version``); the body is a LangChain f-string template.
``render_sources`` turns retrieved chunks into the numbered block the model cites as [1]..[n].
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from langchain_core.prompts import PromptTemplate

from assistant.answer.citations import plain, sentence_spans
from assistant.answer.types import Source
from core.errors import ConfigurationError
from core.vietnamese import normalize_text

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
# The tags that delimit sources in answer.vi.md, and whatever a model may read as one: look-alike brackets,
# spaces or invisible characters inside, "nguồn" with its diacritics. No field can close the block early.
_LT, _GT = "<‹〈⟨〈❮❬«", ">›〉⟩〉❯❭»"
_O = "oóòỏõọôốồổỗộơớờởỡợ"
_SOURCE_TAGS = re.compile(rf"[{_LT}]\s*/?\s*ngu\s*[{_O}]\s*n\s*/?\s*[{_GT}]", re.IGNORECASE)
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_VALIDITY_NOTE = {"het_hieu_luc": "văn bản đã hết hiệu lực", "chua_co_hieu_luc": "văn bản chưa có hiệu lực"}


class PromptError(ConfigurationError):
    """A prompt file that is missing or malformed, or a render without one of its variables."""


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    template: PromptTemplate
    path: Path

    @property
    def variables(self) -> list[str]:
        return sorted(self.template.input_variables)

    def render(self, **values: Any) -> str:
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise PromptError(f"prompt {self.path.name} needs variable(s) {', '.join(missing)}; "
                              f"got {', '.join(sorted(values)) or 'none'}")
        return self.template.format(**{v: values[v] for v in self.variables})


SHIPPED_PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


def _prompts_dir(prompts_dir: Path | None) -> Path:
    """The folder asked for; the shipped ``prompts/`` otherwise (the Runtime passes ``Settings.prompts_dir``)."""
    return Path(prompts_dir) if prompts_dir is not None else SHIPPED_PROMPTS


def load_prompt(name: str, prompts_dir: Path | None = None) -> Prompt:
    """``load_prompt("answer")`` reads ``<prompts_dir>/answer.vi.md``."""
    path = _prompts_dir(prompts_dir) / f"{name}.vi.md"
    if not path.is_file():
        raise PromptError(f"prompt file not found: {path} (set ASSISTANT_PROMPTS_DIR?)")
    raw = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(raw)
    if not match:
        raise PromptError(f"prompt file {path.name} must start with front matter (---, name:, version:, ---)")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
        version = int(meta["version"])
        declared = str(meta["name"])
    except (yaml.YAMLError, KeyError, TypeError, ValueError):
        raise PromptError(f"prompt file {path.name}: front matter needs a name and an integer version") \
            from None
    body = raw[match.end():].strip() + "\n"
    try:
        template = PromptTemplate.from_template(body, template_format="f-string")
    except (ValueError, KeyError) as exc:
        raise PromptError(f"prompt file {path.name} is not a valid template: {exc}") from None
    return Prompt(name=declared, version=version, template=template, path=path)


@lru_cache(maxsize=4096)
def clean_prompt_text(text: str) -> str:
    """Any text that reaches a prompt (source bodies, titles, citations, questions, history): compatibility
    forms folded (full-width ＜／ｎｇｕｏｎ＞), invisible characters dropped, delimiter look-alikes replaced.
    Kept per text: every request cleans each of its sources again, and the same chunks come back (a pure
    function of the text, nothing of the asker in it)."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _SOURCE_TAGS.sub(" ", normalize_text(text))


def source_header(source: Source, marker: int) -> str:
    """"[n] <citation>", with the số hiệu when the citation lacks it and a note when not in force; one line,
    cleaned like a body (a title is as untrusted as the text)."""
    header = f"[{marker}] {source.citation or source.title}"
    if source.so_hieu and source.so_hieu not in header:
        header += f" ({source.so_hieu})"
    note = _VALIDITY_NOTE.get(source.validity)
    header = f"{header} — {note}" if note else header
    return " ".join(clean_prompt_text(header).split())


def _block(source: Source, marker: int, text: str) -> str:
    return f"{source_header(source, marker)}\n{clean_prompt_text(text).strip()}"


def render_sources(sources: Sequence[Source], budget_tokens: int,
                   count_tokens: Callable[[str], int]) -> tuple[str, list[Source]]:
    """Show sources under their own markers, in order, until ``budget_tokens`` is spent; return (block, sources
    shown). A source without a marker (0) is numbered by its place. Markers are kept because the writer may be
    given a subset (the unit it answers from, ``assistant.answer.focus``) whose citations are checked against
    the whole numbered list; the text is shown with its own bracketed numbers made plain.

    A source that does not fit whole is cut at the last sentence end that fits (and is the last one
    shown); one whose first sentence does not fit is dropped. Returned sources carry their marker
    and the text the model actually saw, so quotes are checked against that text.
    """
    blocks: list[str] = []
    shown: list[Source] = []
    used = 0
    sep = "\n\n"
    for source in sources:
        marker = source.marker or len(shown) + 1
        cost_sep = count_tokens(sep) if blocks else 0
        block = _block(source, marker, plain(source.text))
        cost = count_tokens(block) + cost_sep
        text, truncated = source.text, False
        if used + cost > budget_tokens:
            text = _fit_sentences(source, marker, budget_tokens - used - cost_sep, count_tokens)
            if text is None:
                break
            block, truncated = _block(source, marker, plain(text)), True
            cost = count_tokens(block) + cost_sep
        blocks.append(block)
        shown.append(dataclasses.replace(source, marker=marker, text=text))
        used += cost
        if truncated:
            break
    return sep.join(blocks), shown


def _fit_sentences(source: Source, marker: int, budget: int,
                   count_tokens: Callable[[str], int]) -> str | None:
    """The longest prefix of whole sentences whose block fits ``budget`` tokens, or None."""
    best: str | None = None
    for _, end in sentence_spans(source.text):
        prefix = source.text[:end]
        if count_tokens(_block(source, marker, prefix)) > budget:
            break
        best = prefix
    return best
