"""Question sets in JSONL (docs/question-set-format.md): the benchmark's own queries or an evaluator's file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.vietnamese import normalize_text

QUESTION_TYPES = ("Đúng/Sai", "Trắc nghiệm", "Tự luận")


class QuestionSetError(ValueError):
    """A malformed line of a question file; the message names the file and line."""


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL question set: ``text`` is required; ``_id`` (or ``id``) defaults to the line number;
    ``question_type`` defaults to "Tự luận"; ``choices``, ``answer``, ``relevant`` and ``answerable`` are
    optional."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    with Path(path).open(encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise QuestionSetError(f"{where}: JSON hỏng: {exc.msg}") from None
            if not isinstance(row, dict):
                raise QuestionSetError(f"{where}: mỗi dòng phải là một đối tượng JSON")
            text = row.get("text")
            if not isinstance(text, str) or not text.strip():
                raise QuestionSetError(f"{where}: thiếu 'text'")
            qid = str(row.get("_id") or row.get("id") or f"line-{number}")
            if qid in seen:
                raise QuestionSetError(f"{where}: trùng _id {qid!r}")
            seen.add(qid)
            qtype = normalize_text(str(row.get("question_type") or "Tự luận"))
            if qtype not in QUESTION_TYPES:
                raise QuestionSetError(f"{where}: question_type phải là một trong {QUESTION_TYPES}")
            choices = row.get("choices")
            if qtype == "Trắc nghiệm" and not (isinstance(choices, dict) and choices):
                raise QuestionSetError(f"{where}: câu Trắc nghiệm cần 'choices' {{\"A\": …, \"B\": …}}")
            relevant = row.get("relevant") or []
            if not isinstance(relevant, list):
                raise QuestionSetError(f"{where}: 'relevant' phải là danh sách _id của corpus")
            rows.append({**row, "_id": qid, "text": normalize_text(text), "question_type": qtype,
                         "relevant": [normalize_text(str(r)) for r in relevant],
                         "answerable": bool(row.get("answerable", True))})
    return rows
