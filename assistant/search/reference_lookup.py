"""Opening what a question names: "Điều 14 Luật Viên chức", "khoản 2 điều 37 bộ luật lao động", "NĐ 30/2020".

A reference is resolved against the titles (and ids) of the indexed documents, then to the chunks of that
Điều / Khoản / Điểm, read through the same access filter as any search (a hidden document resolves to
nothing, exactly like one that is not indexed). The retriever ranks these chunks first; a named document
that is not indexed is reported by ``missing`` so the answer can say so instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from core.aliases import default_aliases
from core.so_hieu import TYPE_NAMES, Reference, SoHieu, find_so_hieu, parse_reference, parse_so_hieu, title_key
from indexing.store import Hit, SearchFilter, VectorStore

_UNIT_NEXT = re.compile(r"^[\s,]*(?:điểm|khoản|điều|diem|khoan|dieu)\s", re.IGNORECASE)
# A named document starts with its type ("luat …", "nghi dinh …"); "luật này" names none.
_NAMED = re.compile(r"^(?:" + "|".join(sorted(TYPE_NAMES, key=len, reverse=True)) + r")\b(?! nay\b)")


@dataclass(frozen=True)
class ReferenceMatch:
    """What a question's reference resolved to: the document (None: not indexed or not visible) and the
    chunks of the unit asked for (all of them for a bare số hiệu: the caller searches inside)."""

    reference: Reference | None
    so_hieu: SoHieu | None
    named: str
    doc_id: str | None = None
    title: str | None = None
    hits: list[Hit] = field(default_factory=list)
    law_by_name: bool = False  # named by name and year ("Luật BHXH 2024"), resolved to no indexed title
    # Several indexed documents hold the số hiệu and the question does not tell them apart (year, date,
    # issuer): (doc_id, title, "ngày …, cơ quan …") of each, to ask back instead of picking one.
    choices: tuple[tuple[str, str, str], ...] = ()

    @property
    def ask_back(self) -> str | None:
        """"Có 2 văn bản cùng số hiệu 87/QĐ-UBND: …; bạn hỏi văn bản nào?", or None."""
        if len(self.choices) < 2:
            return None
        items = "; ".join(f"«{title}»" + (f" ({note})" if note else "") for _, title, note in self.choices)
        return (f"Có {len(self.choices)} văn bản cùng số hiệu {self.named}: {items}. Bạn hỏi văn bản nào? "
                f"Hãy nói thêm năm hoặc ngày ban hành, hay cơ quan ban hành.")

    @property
    def missing(self) -> str | None:
        """A one-line note when the named document or unit is not in the index (or the number names several:
        ``ask_back``), else None."""
        if self.doc_id is None and self.ask_back:
            return self.ask_back
        if self.doc_id is None:
            return f"Không tìm thấy văn bản «{self.named}» trong kho dữ liệu."
        if self.reference is not None and not self.hits:
            unit = unit_label(self.reference)
            return f"«{self.title}» trong kho dữ liệu không có {unit}."
        return None


# "theo Luật BHXH 2024", "Luật Bảo hiểm xã hội năm 2024": a law named by its name and year, no unit, no số
# hiệu (on the fold, which keeps every character's place). Not "pháp luật 2024", not a law "này".
_LAW_WITH_YEAR = re.compile(r"(?<![a-z])(?<!phap )((?:bo luat|luat|phap lenh)(?:\s+(?!nam\b)[a-z]+,?){1,9}?)"
                            r"\s+(?:nam\s+)?((?:19|20)\d\d)(?![\d/])")


def law_named_with_year(query: str, folded: str) -> tuple[str, str] | None:
    """(the name as typed with its year, its ``title_key`` without the year, abbreviations spelt out) of the
    law a question names by name and year ("lương hưu … theo luật bhxh 2024"), else None. ``folded`` is the
    question's fold (made once, with the question); a span found there is the same span of ``query``."""
    m = _LAW_WITH_YEAR.search(folded)
    if m is None or m.group(1).split()[-1] == "nay":
        return None
    words = [default_aliases().long_form(w) or w for w in query[m.start(1):m.end(1)].split()]
    return query[m.start(1):m.end(2)], title_key(" ".join(words))


_FIRST_UNIT = re.compile(r"\b(?:điểm|khoản|điều|diem|khoan|dieu)\s+\d", re.IGNORECASE)


def _document_before_unit(query: str) -> str | None:
    """The document named before the unit ("Bộ luật Lao động, Điều 113"), folded as ``title_key`` folds titles;
    None unless that text starts with a document type."""
    first = _FIRST_UNIT.search(query)
    if first is None or first.start() == 0 or find_so_hieu(query[:first.start()]):
        return None  # a số hiệu before the unit is resolved as a number ("QĐ số 12/2025/QĐ-UBND khoản 2 Điều 3")
    head = title_key(query[:first.start()])
    for prefix in ("theo ", "tai ", "trong "):
        head = head.removeprefix(prefix)
    return head if _NAMED.match(head) else None


def unit_label(ref: Reference) -> str:
    parts = [f"điểm {ref.diem}" if ref.diem else "", f"khoản {ref.khoan}" if ref.khoan else "", f"Điều {ref.dieu}"]
    return " ".join(p for p in parts if p)


def _field(hit: Hit, name: str) -> str:
    return str((hit.payload.get("fields") or {}).get(name) or "").lower()


def unit_chunks(chunks: Sequence[Hit], ref: Reference) -> list[Hit]:
    """The chunks of the Điều, narrowed to the Khoản and Điểm when the document is chunked that finely
    (a Điều kept whole answers for each of its Khoản)."""
    selected = [h for h in chunks if _field(h, "dieu") == ref.dieu.lower()]
    for name, value in (("khoan", ref.khoan), ("diem", ref.diem)):
        if value:
            narrower = [h for h in selected if _field(h, name) == value.lower()]
            selected = narrower or selected
    return selected


@dataclass(frozen=True)
class _Titles:
    """``titles()`` as last read, with what each lookup reads of every entry computed once: the folded title
    key (``_by_title``), the document's own số hiệu when the entry is a bare number, and the dated số hiệu its
    title and id name (``_by_so_hieu``)."""

    version: object
    entries: tuple[tuple[str, str], ...]
    keys: tuple[str, ...]
    own: dict[str, SoHieu]
    numbers: tuple[tuple[SoHieu, ...], ...]

    @classmethod
    def of(cls, version: object, titles: Sequence[tuple[str, str]]) -> _Titles:
        entries = tuple(titles)
        own: dict[str, SoHieu] = {}
        for doc_id, text in entries:
            if " " not in text.strip() and (parsed := parse_so_hieu(text)) is not None and parsed.year is not None:
                own.setdefault(doc_id, parsed)
        numbers = tuple(tuple(f.so_hieu for f in find_so_hieu(f"{title} {doc_id}") if f.so_hieu.year is not None)
                        for doc_id, title in entries)
        return cls(version, entries, tuple(title_key(t) for _, t in entries), own, numbers)


_YEAR = re.compile(r"(?<![\d/])((?:19|20)\d\d)(?![\d/])")
_DATE = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)\b")


def _fits(meta: dict[str, Any], query: str, so_hieu: SoHieu) -> bool:
    """The question's year, date and issuer (when it gives them) are this document's."""
    text = query.replace(so_hieu.canonical, " ")
    issued = str(meta.get("ngay_ban_hanh") or "")
    if m := _DATE.search(text):
        if issued != f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}":
            return False
        text = text[:m.start()] + text[m.end():]
    years = set(_YEAR.findall(text))
    if years and issued[:4] not in years:
        return False
    folded = title_key(text)
    issuers = [title_key(str(meta.get(k) or "")) for k in ("co_quan_ban_hanh", "chuc_vu", "quyen_han_ky")]
    named = [i for i in issuers if len(i) > 6 and i in folded]
    mentions = "chu tich" in folded and "uy ban" not in folded.replace("chu tich uy ban", "")
    if mentions and not any("chu tich" in i for i in issuers):
        return False
    return bool(named) or not _ISSUERISH.search(folded) or mentions


_ISSUERISH = re.compile(r"\b(?:uy ban|ubnd|hoi dong|so|bo|chu tich)\b")


def _note(meta: dict[str, Any]) -> str:
    """"ngày 16/01/2025, Ủy ban nhân dân tỉnh Quảng Ngãi" for an ask-back."""
    parts = []
    if issued := str(meta.get("ngay_ban_hanh") or ""):
        y, _, rest = issued.partition("-")
        mo, _, d = rest.partition("-")
        parts.append(f"ngày {d}/{mo}/{y}" if d else issued)
    elif month := str(meta.get("thang_nam") or ""):
        parts.append(f"tháng {month[5:]}/{month[:4]}")
    parts += [str(meta[k]) for k in ("co_quan_ban_hanh",) if meta.get(k)]
    if meta.get("nguoi_ky"):
        parts.append(f"người ký {meta['nguoi_ky']}")
    return ", ".join(parts)


class ReferenceLookup:
    """Resolves references against ``titles()`` (doc_id, title) of the indexed documents."""

    def __init__(self, store: VectorStore, titles: Callable[[], Sequence[tuple[str, str]]],
                 numbered: Callable[[SoHieu], Sequence[tuple[str, str]]] | None = None,
                 version: Callable[[], object] | None = None,
                 details: Callable[[str], dict[str, Any]] | None = None) -> None:
        """``numbered(so_hieu)``: (doc_id, title) of indexed documents whose own số hiệu matches (the manifest's
        số hiệu index), so "QĐ 1234/QĐ-UBND" resolves though neither title nor id carries the number.
        ``version()``: a cheap token that changes whenever ``titles()`` may; with it the titles are read and
        prepared once per change instead of on every question that names a document (reading every manifest
        entry and legal document, then folding each title, cost more than the rest of the lookup).
        ``details(doc_id)``: a document's header fields; with it a số hiệu held by several documents (87/QĐ-UBND
        of the UBND and of its Chủ tịch; 11/CT-UBND of 2021 and of 2024) is told apart by the year, date or
        issuer the question gives, else asked back (``ReferenceMatch.choices``)."""
        self.store = store
        self.titles = titles
        self.numbered = numbered
        self.version = version
        self.details = details
        self._cached: _Titles | None = None  # swapped whole: request threads read one consistent value

    def _current(self) -> _Titles:
        version = self.version() if self.version is not None else None
        cached = self._cached
        if cached is None or version is None or cached.version != version:
            cached = _Titles.of(version, self.titles())
            if version is not None:
                self._cached = cached
        return cached

    def _by_title(self, named: str) -> tuple[str, str] | None:
        """The document whose folded title is the longest prefix (on word boundaries) of ``named``."""
        best: tuple[int, str, str] | None = None
        current = self._current()
        for (doc_id, title), key in zip(current.entries, current.keys, strict=True):
            if key and (named == key or named.startswith(key + " ")) and (best is None or len(key) > best[0]):
                best = (len(key), doc_id, title)
        return (best[1], best[2]) if best else None

    def _by_so_hieu(self, so_hieu: SoHieu, query: str = "") -> tuple[str, str] | list[tuple[str, str, str]] | None:
        """The document holding ``so_hieu``; a list of choices when several do and ``query`` does not say which."""
        if self.numbered is not None and (found := list(self.numbered(so_hieu))):
            if len(found) == 1 or self.details is None:
                return found[0][0], found[0][1]
            described = [(doc_id, title, self.details(doc_id) or {}) for doc_id, title in found]
            fitting = [d for d in described if _fits(d[2], query, so_hieu)]
            if len(fitting) == 1:
                return fitting[0][0], fitting[0][1]
            return [(doc_id, title, _note(meta)) for doc_id, title, meta in (fitting or described)]
        current = self._current()
        # An entry that is a bare số hiệu is the document's own; a document with one is not opened by another
        # number its title names ("Quyết định sửa đổi … Quyết định số 12/2025/QĐ-UBND" is not 12/2025).
        own = current.own
        for (doc_id, title), numbers in zip(current.entries, current.numbers, strict=True):
            if doc_id in own and not own[doc_id].matches(so_hieu):
                continue
            if any(n.matches(so_hieu) for n in numbers):
                return doc_id, title
        return None

    def _one_of(self, choices: list[tuple[str, str, str]], ref: Reference | None,
                flt: SearchFilter) -> tuple[str, str] | list[tuple[str, str, str]] | None:
        """Documents sharing a số hiệu, narrowed to those the asker may see (an ask-back never names a document
        they may not read) and, when a unit is asked, to those that hold it (the web page that repeats a decision's
        number has no Điều 2): one left is the answer, none is "not found", several are asked back."""
        chunks = {c[0]: self.store.doc_chunks(c[0], flt) for c in choices}  # read once: visibility, then units
        visible = [c for c in choices if chunks[c[0]]]
        if ref is not None and len(visible) > 1:
            holding = [c for c in visible if unit_chunks(chunks[c[0]], ref)]
            visible = holding or visible
        if len(visible) > 1 and visible[0][2] and len({(title, note) for _, title, note in visible}) == 1:
            # copies of one document (same title, date, issuer, signer: a web page repeating a decision): the
            # copy whose own text agrees with the fields it came with is quoted, nothing is asked back
            def conflicts(choice: tuple[str, str, str]) -> bool:
                return bool(self.details and (self.details(choice[0]) or {}).get("metadata_conflicts"))
            visible = [min(visible, key=conflicts)]
        if len(visible) == 1:
            return visible[0][0], visible[0][1]
        return visible or None

    def _law_by_name(self, query: str, folded: str) -> ReferenceMatch | None:
        """A law named by name and year that no indexed title starts ("luật bhxh 2024" with no Luật Bảo hiểm xã
        hội here) → a match with no document, so the answer says it is not in the system instead of quoting
        another law's nearest article; None when the name resolves (the question is then searched as before)."""
        named = law_named_with_year(query, folded)
        if named is None:
            return None
        shown, key = named
        if self._by_title(key) or self._by_title(f"bo {key}") or any(
                k.startswith(key + " ") for k in self._current().keys):
            return None
        return ReferenceMatch(None, None, shown, law_by_name=True)

    def lookup(self, query: str, folded: str, flt: SearchFilter) -> ReferenceMatch | None:
        """None when the query names no document; else what it resolved to, under ``flt``. ``folded`` is the
        query's fold, made once where the question is prepared."""
        ref = parse_reference(query)
        if ref is not None and ref.document and not ref.so_hieu and not _NAMED.match(ref.document):
            first, _, rest = ref.document.partition(" ")
            long = default_aliases().long_form(first)  # "Điều 169 BLLĐ …" names the Bộ luật lao động
            if long:
                ref = replace(ref, document=title_key(f"{long} {rest}"))
        if ref is not None and not ref.so_hieu and not (ref.document and _NAMED.match(ref.document)):
            named_first = _document_before_unit(query)  # "Luật Cán bộ, công chức Điều 150 quy định gì?"
            if named_first:
                ref = replace(ref, document=named_first)
        if ref is not None and (ref.so_hieu or (ref.document and _NAMED.match(ref.document))):
            so_hieu, named = ref.so_hieu, ref.document or ""
        else:
            found = find_so_hieu(query)
            if not found:
                return self._law_by_name(query, folded)
            # "… số 92/2015/QH13 khoản 2 Điều 32 còn hiệu lực không": the unit right after the number is its own.
            after = parse_reference(query[found[0].end:]) if _UNIT_NEXT.match(query[found[0].end:]) else None
            ref = replace(after, so_hieu=found[0].so_hieu, document=None) if after is not None else None
            so_hieu, named = found[0].so_hieu, found[0].so_hieu.canonical
        doc = self._by_so_hieu(so_hieu, query) if so_hieu is not None else None
        if isinstance(doc, list):  # several documents hold the number
            doc = self._one_of(doc, ref, flt)
            if isinstance(doc, list):  # and the question does not tell them apart: ask which
                return ReferenceMatch(ref, so_hieu, so_hieu.canonical if so_hieu is not None else named,
                                      choices=tuple(doc))
        if doc is None and ref is not None and ref.document:
            doc = self._by_title(ref.document)
        if doc is not None and ref is not None and ref.so_hieu is None:
            named = doc[1]
        shown = so_hieu.canonical if so_hieu is not None and doc is None else named
        if doc is None:
            return ReferenceMatch(ref, so_hieu, shown)
        chunks = self.store.doc_chunks(doc[0], flt)
        if not chunks:  # indexed but not visible to this principal: the same answer as not indexed
            return ReferenceMatch(ref, so_hieu, shown)
        hits = unit_chunks(chunks, ref) if ref is not None else []
        return ReferenceMatch(ref, so_hieu, shown, doc_id=doc[0], title=doc[1], hits=hits)
