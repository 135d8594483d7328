"""Packing a cleaned legal body into citable chunks: Điều (or its Khoản) for acts, Mục items for plans,
appendix tables by row group, and a plain splitter for text with no structure.

Why: a chunk is the unit an answer cites, so it must be one unit a person can look up ("Điều 5 Khoản 2",
"Mục II.1") and small enough to embed; an over-long unit is cut between lines or sentences and cited
as "(phần k)" or by its Điểm range, never mid-sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from langchain_text_splitters import RecursiveCharacterTextSplitter

from core.documents import Chunk
from indexing.legal_outline import (
    APPENDIX,
    DIEU,
    LETTERED,
    NUMBERED,
    PIPES,
    ROMAN,
    ROMAN_VALUES,
    is_heading,
    level_heading,
    split_numbered,
)

_CLOSED = re.compile(r"[.!?;…|]$")  # a line ending so may close a part; a lead ending in ":" may not


def _sentences(text: str, max_chars: int) -> list[str]:
    """Sentence pieces of an over-long paragraph; clauses at "; " only when a sentence is still too long."""
    out: list[str] = []
    for p in re.split(r"(?<=[.!?…])\s+", text):
        if out and not (p[:1].isupper() or p[:1].isdigit() or p[:1] in "“\"(-"):
            out[-1] += " " + p
        elif p:
            out.append(p)
    return [c for s in out for c in (re.split(r"(?<=;)\s+", s) if len(s) > max_chars else [s]) if c]


def _pack(lines: list[str], max_chars: int) -> list[str]:
    """Greedy parts of at most max_chars cut between lines or sentences; a lead line stays with its items."""
    units: list[tuple[str, str]] = []
    for line in (x.strip() for x in lines):
        if line:
            pieces = _sentences(line, max_chars) if len(line) > max_chars else [line]
            units += [("\n", pieces[0])] + [(" ", p) for p in pieces[1:]]
    parts: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    size, carried = 0, False
    for joiner, t in units:
        if cur and size + len(t) + 1 > max_chars and not (carried and len(cur) == 1):
            carry = [cur.pop()] if len(cur) > 1 and not _CLOSED.search(cur[-1][1]) else []
            parts.append(cur)
            cur, carried, size = carry, bool(carry), sum(len(x) + 1 for _, x in carry)
        cur.append((joiner, t))
        size += len(t) + 1
    return [p[0][1] + "".join(j + t for j, t in p[1:]) for p in parts + [cur] if p]


class ChunkBuilder:
    """Collects chunks: unique paths, running order, citation "<units> — <document label>"."""

    def __init__(self, doc_id: str, label: str, title: str, max_chars: int) -> None:
        self.doc_id, self.label, self.title, self.max_chars = doc_id, label, title, max_chars
        self.chunks: list[Chunk] = []
        self.seen: Counter[tuple[str, ...]] = Counter()

    def add(self, path: list[str], cite: str, text: str, context: list[str], fields: dict[str, Any]) -> None:
        if not (text := text.strip("\n")).strip():
            return
        self.seen[tuple(path)] += 1
        if (n := self.seen[tuple(path)]) > 1:  # point ids come from the path: it must be unique
            path = path[:-1] + [f"{path[-1]} #{n}"]
        fields = {k: v for k, v in fields.items() if v} | {"order": len(self.chunks)}
        ctx = "\n".join(c for c in [self.title, *context] if c)
        self.chunks.append(Chunk(self.doc_id, path, f"{cite} — {self.label}", text, ctx, fields))

    def unit(self, path: list[str], cite: str, lines: list[str], context: list[str], fields: dict[str, Any]) -> None:
        """One chunk, or "(phần k)" parts cut at line/sentence boundaries when over max_chars."""
        text = "\n".join(lines).strip()
        parts = _pack(lines, self.max_chars) if len(text) > self.max_chars else [text]
        if len(parts) == 1:
            return self.add(path, cite, text, context, fields)
        lead = next((x.strip() for x in lines if x.strip()), "")
        for k, part in enumerate(parts, 1):
            letters = [m.group(1) for x in part.split("\n") if (m := LETTERED.match(x))]
            whole = bool(LETTERED.match(part) and letters)  # the part starts at a Điểm: cite the Điểm range
            sub = f" Điểm {letters[0]}" + (f"–{letters[-1]}" if len(letters) > 1 else "") if whole \
                else f" (phần {k})"
            extra = [lead] if k > 1 and len(lead) < 300 else []
            self.add(path[:-1] + [f"{path[-1]} (phần {k})"], cite + sub, part, context + extra,
                     fields | {"diem": letters[0] if whole and len(letters) == 1 else None})


def _emit_article(b: ChunkBuilder, lines: list[str], num: str, levels: dict[str, tuple[str, str]]) -> None:
    """One chunk per Điều; a long Điều is cited by Khoản, its title moving to the context."""
    path = [levels[k][0] for k in ("chuong", "muc") if k in levels] + [f"Điều {num}"]
    fields = {"dieu": num, **{k: v[0].split(" ", 1)[1] for k, v in levels.items()}}
    context = [levels[k][1] for k in ("phan", "chuong", "muc") if k in levels]
    heading = lines[0].strip()
    if len("\n".join(lines).strip()) <= b.max_chars:
        return b.add(path, f"Điều {num}", "\n".join(lines), context, fields)
    rest = (m.group(3) or "") if (m := DIEU.match(heading)) else ""
    in_heading = bool(NUMBERED.match(rest))  # "Điều 4. 1. …": the heading line is also Khoản 1
    intro, items = split_numbered([rest] + lines[1:] if in_heading else lines[1:], NUMBERED)
    if in_heading and items:
        items[0] = (items[0][0], [heading] + items[0][1][1:])
    else:
        intro = [heading] + intro
    if not items:
        return b.unit(path, f"Điều {num}", lines, context, fields)
    if any(x.strip() for x in intro[1:]):
        b.unit(path, f"Điều {num}", intro, context, fields)
    for k, item in items:
        ctx = context + ([heading] if item[0] != heading else [])
        b.unit(path + [f"Khoản {k}"], f"Điều {num} Khoản {k}", item, ctx, fields | {"khoan": k})


def pack_appendices(lines: list[str], b: ChunkBuilder) -> None:
    """Appendices: flattened tables become one "cell | cell |" line per row, grouped by Roman row groups."""
    starts = [i for i, x in enumerate(lines) if APPENDIX.match(x.strip())] + [len(lines)]
    for a, z in zip(starts, starts[1:], strict=False):
        block = lines[a:z]
        m = APPENDIX.match(block[0].strip())
        label = f"Phụ lục {m.group(1)}" if m and m.group(1) else "Phụ lục"
        first = next((i for i, x in enumerate(block) if x.strip()[:1] == "|" or x.rstrip()[-1:] == "|"), None)
        if first is None:
            b.unit([label], label, block, [], {"phu_luc": label})
            continue
        rows: list[list[str]] = []
        cells: list[str] = []
        for s in (x.strip() for x in block[first:] + ["|"]):
            if s and (PIPES.match(s) or (s.startswith("|") and s.count("|") >= 3)):
                rows += [cells] if cells else []
                rows += [] if PIPES.match(s) else [[c.strip() for c in s.strip("|").split("|")]]
                cells = []
            elif s:
                cells.append(s.rstrip("|").strip())
        header = rows.pop(0) if rows and not any(c[:1].isdigit() for c in rows[0]) else []
        groups: list[tuple[str | None, list[str]]] = [(None, [])]
        for row in ([c for c in r if c] for r in rows):
            if len(row) == 1 and (g := ROMAN.match(row[0])):
                groups.append((g.group(1), [row[0] + " |"]))
            elif row:
                groups[-1][1].append(" | ".join(row) + " |")
        caption = " ".join(x.strip() for x in block[:first] if x.strip())
        context = [caption] + ([" | ".join(header) + " |"] if header else [])
        for roman, rows_text in groups:
            path, cite = ([label, f"Mục {roman}"], f"{label}, Mục {roman}") if roman else ([label], label)
            b.unit(path, cite, rows_text, context, {"phu_luc": label})


def pack_act(body: list[str], b: ChunkBuilder) -> None:
    """Phần / Chương / Mục set the context; each Điều (numbers only go up, or restart at 1) is a unit."""
    levels: dict[str, tuple[str, str]] = {}
    pending: list[str] = []
    art: tuple[str, list[str], dict[str, tuple[str, str]]] | None = None
    prev, i = (0, ""), 0

    def flush() -> None:
        if pending:
            b.unit(["Mở đầu"], "Phần mở đầu", pending[:], [], {})
            pending.clear()
        if art:
            _emit_article(b, art[1], art[0], art[2])

    while i < len(body):
        s = body[i].strip()
        m = DIEU.match(s)
        if m and ((key := (int(m.group(1)), m.group(2))) > prev or key == (1, "")):
            flush()
            art, prev = (m.group(1) + m.group(2), [body[i]], dict(levels)), key
        elif heading := level_heading(s):
            flush()
            art = None
            level, label, title = heading
            j = next((k for k in range(i + 1, len(body)) if body[k].strip()), None)
            if not title and j is not None and not is_heading(body[j].strip()) and len(body[j]) < 250:
                title, i = body[j].strip(), j
            order = ("phan", "chuong", "muc")
            levels = {k: v for k, v in levels.items() if order.index(k) < order.index(level)}
            levels[level] = (label, f"{label}. {title}" if title else label)
        elif APPENDIX.match(s) and (s.isupper() or len(s) < 40):
            flush()
            return pack_appendices(body[i:], b)
        else:
            (art[1] if art else pending).append(body[i])
        i += 1
    flush()


def pack_plan(body: list[str], b: ChunkBuilder) -> None:
    """Plans and reports: I./II. sections → 1./2. items (→ a)/b) when long), then the appendix."""
    cut = next((i for i, x in enumerate(body) if APPENDIX.match(x.strip()) and x.strip().isupper()),
               len(body))
    sections: list[tuple[str | None, str, list[str]]] = [(None, "", [])]
    for line in body[:cut]:
        m = ROMAN.match(line.strip())
        if m and ROMAN_VALUES.get(m.group(1)) == len(sections) and m.group(2).split()[0].isupper():
            sections.append((m.group(1), line, []))
        else:
            sections[-1][2].append(line)
    for roman, heading, lines in sections:
        if roman is None and len(sections) > 1:
            b.unit(["Mở đầu"], "Phần mở đầu", lines, [], {})
            continue
        intro, subs = split_numbered(lines, NUMBERED)
        if not subs or any(x.strip() for x in intro):
            path, cite = ([f"Mục {roman}"], f"Mục {roman}") if roman else (["Mở đầu"], "Phần mở đầu")
            b.unit(path, cite, [heading, *intro], [], {"muc": roman})
        for n, sub in subs:
            path = [f"Mục {roman}", f"Điểm {n}"] if roman else [f"Mục {n}"]
            cite = f"Mục {roman}.{n}" if roman else f"Mục {n}"
            ctx, fields = [heading.strip()], {"muc": roman or n, "tieu_muc": n if roman else None}
            lead, items = split_numbered(sub[1:], LETTERED)
            if len("\n".join(sub)) <= b.max_chars or not items:
                b.unit(path, cite, sub, ctx, fields)
                continue
            b.unit(path, cite, sub[:1] + lead, ctx, fields)
            for letter, item in items:
                b.unit(path + [f"Tiết {letter}"], f"{cite}.{letter}", item, ctx + [sub[0].strip()],
                       fields | {"tiet": letter})
    if cut < len(body):
        pack_appendices(body[cut:], b)


def pack_plain(body: list[str], b: ChunkBuilder) -> None:
    """Text with no Điều and no numbered sections: "Đoạn k" pieces split at paragraphs, lines, sentences."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=b.max_chars, chunk_overlap=0, keep_separator="end",
        separators=["\n\n", "\n", ". ", "? ", "! ", "; "])
    for k, piece in enumerate(splitter.split_text("\n".join(body).strip()), 1):
        b.add([f"Đoạn {k}"], f"Đoạn {k}", piece, [], {})
