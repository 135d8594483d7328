"""Laws delivered article by article as BEIR-style JSONL (the ALQAC corpus format).

Each line is ``{"_id", "law_id", "article_id", "text"}`` with ``text`` = the article's title line, a
blank line, then its body. Articles are regrouped into one Document per law, written the way the
legal parser expects ("Điều 5. Title" headings), so a law read from JSONL is chunked and cited like
a law read from a .docx.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from connectors.base import DEFAULT_MAX_BYTES, Rejection, read_bytes
from core.documents import Document
from core.errors import RejectedInput
from core.vietnamese import normalize_text


def law_type(name: str) -> str:
    """ "Bộ luật" / "Hiến pháp" / "Luật" from the law's name (the corpus names laws, not numbers)."""
    lowered = name.casefold()
    if lowered.startswith("bộ luật"):
        return "Bộ luật"
    if lowered.startswith("hiến pháp"):
        return "Hiến pháp"
    return "Luật"


def article_block(article_id: str, text: str) -> str:
    """``Điều <id>. <title line>\\n<body>`` from the BEIR text (title line, blank line, body)."""
    text = text.strip()
    if "\n\n" in text:
        title, body = text.split("\n\n", 1)
    else:
        title, _, body = text.partition("\n")
    title = " ".join(title.split())
    body = body.strip()
    head = f"Điều {article_id}. {title}" if title else f"Điều {article_id}."
    return f"{head}\n{body}" if body else head


def _parse_line(line: str) -> tuple[str, str, str]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RejectedInput(f"JSON hỏng ở cột {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise RejectedInput("JSON lồng nhau quá sâu") from None
    if not isinstance(row, dict):
        raise RejectedInput("mỗi dòng phải là một đối tượng JSON")
    law_id, article_id, text = row.get("law_id"), row.get("article_id"), row.get("text")
    if not isinstance(law_id, str) or not law_id.strip():
        raise RejectedInput("thiếu 'law_id'")
    if isinstance(article_id, bool) or not isinstance(article_id, str | int) or not str(article_id).strip():
        raise RejectedInput("thiếu 'article_id'")
    if not isinstance(text, str) or not text.strip():
        raise RejectedInput("thiếu 'text'")
    if len(law_id) > 300 or len(str(article_id)) > 50:
        raise RejectedInput("'law_id' hoặc 'article_id' quá dài (tối đa 300 / 50 ký tự)")
    return normalize_text(law_id.strip()), normalize_text(str(article_id).strip()), normalize_text(text)


class ArticlesConnector:
    """One Document per law in a BEIR-style JSONL file; a malformed line is a Rejection, not a stop."""

    def __init__(self, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes

    def documents(self) -> Iterator[Document | Rejection]:
        source = str(self.path)
        try:
            raw = read_bytes(self.path, self.max_bytes)
            try:
                content = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise RejectedInput("không đọc được: mã hoá không phải UTF-8") from None
        except RejectedInput as exc:
            yield Rejection(source, str(exc))
            return
        laws: dict[str, list[str]] = {}
        seen: set[tuple[str, str]] = set()
        for number, line in enumerate(content.splitlines(), 1):
            if not line.strip():
                continue
            try:
                law_id, article_id, text = _parse_line(line)
                if (law_id, article_id) in seen:
                    raise RejectedInput(f"Điều {article_id} của «{law_id}» bị lặp")
            except RejectedInput as exc:
                yield Rejection(source, f"dòng {number}: {exc}")
                continue
            seen.add((law_id, article_id))
            laws.setdefault(law_id, []).append(article_block(article_id, text))
        if not laws:
            yield Rejection(source, "không có điều luật hợp lệ nào trong tệp")
        for law_id, blocks in laws.items():
            yield Document(
                doc_id=f"law:{law_id}",
                kind="legal",
                title=law_id,
                text="\n\n".join(blocks),
                source=source,
                metadata={"loai_van_ban": law_type(law_id), "source_format": "beir"},
            )
