"""Phiếu xử lý văn bản đến: what an incoming document is (header), what it asks of whom by when (its requests,
read by the tasks reader), who should lead and support among the province's units, which documents it cites
and whether they are in force, and a short summary; every item with its place in the document.

Why data first: the document management system stores the card as JSON and the UI, the CLI and the API render
the same dict in Vietnamese (``assistant.correspondence.incoming.render``). Nothing is guessed: a field the header
reader did not read is ``None`` (shown "chưa đọc được"), a deadline that cannot be dated keeps only its words, and a
cited document that is not in the store is "chưa tìm thấy trong kho".
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.answer.llm import LLMBackend
from assistant.correspondence.incoming.places import Lines, Place
from assistant.correspondence.incoming.summary import summarize
from assistant.tasks import Task, deadline_in, extract_tasks
from core.deadlines import parse_deadline, resolve_deadline
from core.documents import Document
from core.so_hieu import find_so_hieu, parse_so_hieu
from core.units import UnitDirectory, UnitRef
from core.vietnamese import fold, normalize_text
from indexing.legal_parser import parse_legal

HEADER_FIELDS = ("so_hieu", "loai_van_ban", "co_quan_ban_hanh", "ngay_ban_hanh", "trich_yeu", "do_khan", "do_mat",
                 "nguoi_ky", "chuc_vu", "quyen_han_ky")
_MARKER = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]|[a-zđ][.)]|[-+•])\s+")
CardLookup = Callable[[str], dict[str, Any] | None]  # số hiệu -> {doc_id, so_hieu, title, validity, …} or None


@dataclass(frozen=True)
class Request:
    """One thing the document asks: ``lead`` the units named to do it, ``support`` those to work with them,
    ``deadline`` as written with its date when it has one (``due``), ``resolved`` how that date was reached."""

    text: str
    lead: tuple[UnitRef, ...]
    support: tuple[UnitRef, ...]
    deadline_text: str
    due: date | None
    recurs: str
    place: Place

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "lead": [r.to_dict() for r in self.lead],
                "support": [r.to_dict() for r in self.support],
                "deadline": {"text": self.deadline_text, "due": self.due.isoformat() if self.due else None,
                             "recurs": self.recurs},
                "place": self.place.to_dict()}


@dataclass(frozen=True)
class Suggestion:
    """A unit suggested to lead or support, with the sentence that names it and where it stands."""

    unit: str
    role: str  # "chu_tri" | "phoi_hop"
    reason: str
    place: Place

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "role": self.role, "reason": self.reason, "place": self.place.to_dict()}


@dataclass
class Card:
    """The whole card; ``to_dict`` is what the API returns and the store keeps."""

    file: str
    header: dict[str, dict[str, Any]]
    ky_so: list[dict[str, Any]]
    requests: list[Request]
    lead: Suggestion | None
    support: list[Suggestion]
    cited: list[dict[str, Any]]
    summary: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "header": self.header, "ky_so": self.ky_so,
                "requests": [r.to_dict() for r in self.requests],
                "lead": self.lead.to_dict() if self.lead else None, "support": [s.to_dict() for s in self.support],
                "cited": self.cited, "summary": self.summary, "notes": self.notes}


def _header(meta: dict[str, Any], lines: Lines) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name in HEADER_FIELDS:
        value = meta.get(name)
        if value in (None, "", []):
            out[name] = {"value": None, "place": None}
            continue
        quote = str(value)
        if name == "ngay_ban_hanh" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", quote):
            y, m, d = quote.split("-")
            hit = lines.place(f"ngay {int(d):02d} thang {int(m):02d} nam {y}")
            hit = hit if hit.line else lines.place(f"ngay {int(d)} thang {int(m)} nam {y}")
        elif name == "so_hieu":
            hit = _so_hieu_place(quote, lines)
        else:
            hit = lines.place(quote[:50])
        out[name] = {"value": value, "place": hit.to_dict() if hit.line else {"cite": "phần đầu văn bản",
                                                                               "line": None, "page": None}}
    return out


def _so_hieu_place(value: str, lines: Lines) -> Place:
    """The first line stating this number, however it is spaced ("Số: 507 /UBND-KGVX")."""
    pattern = re.compile(r"(?<![\w/])" + r"\s*/\s*".join(re.escape(fold(p).strip()) for p in value.split("/"))
                         + r"(?![\w/])")
    for i, folded in enumerate(lines.folded):
        if pattern.search(folded):
            return Place("", i + 1, lines.pages[i] if lines.pages else None)
    return Place()


def _issued(meta: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(meta.get("ngay_ban_hanh") or ""))
    except ValueError:
        return None


def _request(task: Task, lines: Lines, issued: date | None, received: date | None) -> Request:
    deadline = resolve_deadline(task.deadline, issued, received)
    due = deadline.end
    if due is None and deadline.annual_day and issued is not None:
        due = deadline.due(issued)
    return Request(_MARKER.sub("", task.nhiem_vu, count=1), task.lead, task.support, deadline.text, due,
                   deadline.recurs, lines.place(task.nhiem_vu, task.citation))


_SHARED_BY = re.compile(r"^(?:hoàn thành\s+)?(?:trước|chậm nhất)", re.IGNORECASE)


def shared_deadlines(requests: list[Request], lines: Lines, issued: date | None, received: date | None
                     ) -> list[Request]:
    """A list of assignments followed by one line that gives them a deadline ("Các báo cáo gửi Văn phòng UBND
    tỉnh trước ngày 08/7/2026"): the requests of the list that state none take it, cited to that line."""
    at = {r.place.line: i for i, r in enumerate(requests) if r.place.line}
    out = list(requests)
    for number, line in enumerate(lines.lines, 1):
        if number in at or number - 1 not in at or fold(line).startswith("noi nhan"):
            continue
        phrase = deadline_in(line)
        if not phrase or not _SHARED_BY.match(phrase):
            continue
        deadline = resolve_deadline(parse_deadline(phrase), issued, received)
        if deadline.end is None:
            continue
        run = []
        k = number - 1
        while k in at:
            run.append(at[k])
            k -= 1
        if len(run) < 2 or any(out[i].deadline_text for i in run):
            continue  # one request, or a list whose items give their own deadlines: the line is no shared one
        for i in run:
            r = out[i]
            out[i] = Request(r.text, r.lead, r.support, f"{phrase} (hạn chung, dòng {number})", deadline.end,
                             r.recurs, r.place)
    return out


def _named(refs: tuple[UnitRef, ...], units: UnitDirectory) -> list[str]:
    """The province's own units among ``refs`` (not groups, not names the unit list lacks)."""
    return [r.name for r in refs if r.known and not r.group and r.name in units.kinds]


def suggest(requests: list[Request], units: UnitDirectory, kinh_gui: list[str], lines: Lines
            ) -> tuple[Suggestion | None, list[Suggestion]]:
    """The lead: the unit named to lead the most requests (the first one named on a tie), with the first sentence
    naming it as lead; supporting: every other unit named to lead or support. With no request naming a unit of
    the province, the units of "Kính gửi" (the first leads)."""
    counts: dict[str, int] = {}
    first: dict[str, tuple[Request, str]] = {}
    for req in requests:
        for name in _named(req.lead, units):
            counts[name] = counts.get(name, 0) + 1
            first.setdefault(name, (req, "chu_tri"))
        for name in _named(req.support, units):
            counts.setdefault(name, 0)
            first.setdefault(name, (req, "phoi_hop"))
    leads = [n for n in first if counts[n] > 0]
    if leads:
        best = max(leads, key=lambda n: (counts[n], -leads.index(n)))
        req, _ = first[best]
        lead = Suggestion(best, "chu_tri", req.text, req.place)
        support = [Suggestion(n, "phoi_hop", first[n][0].text, first[n][0].place) for n in first if n != best]
        return lead, support
    named: list[str] = []
    for text in kinh_gui:
        named += [r.name for r in units.resolve(text) if r.known and not r.group and r.name in units.kinds]
    named = list(dict.fromkeys(named))
    if not named:
        return None, []
    place = lines.place("Kính gửi", "Kính gửi")
    reason = "Kính gửi: " + "; ".join(kinh_gui)
    return (Suggestion(named[0], "chu_tri", reason, place),
            [Suggestion(n, "phoi_hop", reason, place) for n in named[1:]])


def cited_documents(doc: Document, own: str, lines: Lines, lookup: CardLookup | None) -> list[dict[str, Any]]:
    """Each document the text cites by số hiệu (its own number left out), once, at its first mention, with the
    indexed document and its validity when the lookup knows it, else "chưa tìm thấy trong kho"."""
    own_key = parsed.key if (parsed := parse_so_hieu(own)) else ""
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for i, line in enumerate(lines.lines):
        for found in find_so_hieu(line):
            sh = found.so_hieu
            if sh.year is None and not sh.type_code and not sh.issuer:
                continue  # "số 5" alone names no document
            if sh.key == own_key or sh.key in seen:
                continue
            seen.add(sh.key)
            written = line[max(0, found.start - 40):found.end + 80].strip()
            place = Place("", i + 1, lines.pages[i] if lines.pages else None)
            item: dict[str, Any] = {"so_hieu": sh.canonical, "written": written, "place": place.to_dict(),
                                    "found": False, "doc_id": None, "title": None, "validity": None,
                                    "replaced_by": [], "checked": lookup is not None}
            known = lookup(sh.canonical) if lookup is not None else None
            if known:
                item.update({"found": True, **known})
            out.append(item)
    return out


def build_card(doc: Document, units: UnitDirectory, *, lookup: CardLookup | None = None,
               llm: LLMBackend | None = None, received: date | None = None,
               fields: dict[str, Any] | None = None, file: str = "") -> Card:
    """The card of ``doc``. ``fields`` are the header fields a DMS sent (the text wins where it states one);
    ``received`` the day the document arrived (for "kể từ ngày nhận"); ``lookup`` finds a cited số hiệu among
    the documents the reader may see; ``llm`` writes the summary when configured."""
    if doc.kind not in ("legal", "text"):
        doc = dataclasses.replace(doc, kind="legal")
    meta = {**(fields or {}), **parse_legal(doc).metadata}
    lines = Lines(doc)
    issued = _issued(meta)
    notes: list[str] = []
    if issued is None:
        notes.append("chưa đọc được ngày văn bản: hạn tính từ ngày văn bản không quy ra ngày được")
    if received is None:
        notes.append("chưa biết ngày đến: hạn tính từ ngày nhận văn bản không quy ra ngày được")
    tasked = dataclasses.replace(doc, metadata={**doc.metadata, **meta})
    requests = shared_deadlines([_request(t, lines, issued, received) for t in extract_tasks(tasked, units)],
                                lines, issued, received)
    kinh_gui = meta.get("kinh_gui") or []
    if isinstance(kinh_gui, str):
        kinh_gui = [kinh_gui]
    lead, support = suggest(requests, units, [normalize_text(str(k)) for k in kinh_gui], lines)
    own = str(meta.get("so_hieu") or "")
    cited = cited_documents(doc, own, lines, lookup)
    summary = summarize(doc, meta, [(r.text, r.place) for r in requests], lines, llm)
    ky_so = [s for s in doc.metadata.get("ky_so") or [] if isinstance(s, dict)]
    return Card(file=file or doc.title, header=_header(meta, lines), ky_so=ky_so, requests=requests, lead=lead,
                support=support, cited=cited, summary=summary, notes=notes)
