"""The answering path: condense → retrieve as the principal → rerank → de-duplicate → budget → answer
(TTHC fields, or the configured :class:`AnswerWriter`: a model or verbatim extracts) → check citations →
refuse when the sources do not answer."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np

from assistant.answer.checked_stream import checked_tokens
from assistant.answer.citations import check_citations, mentions_no_answer
from assistant.answer.focus import HEADING_WEIGHT, MIN_COVERAGE, RANK_PENALTY, Focus, choose_unit
from assistant.answer.llm.base import LLMError
from assistant.answer.prompts import render_sources
from assistant.answer.records import RecordAnswerer, RecordReply
from assistant.answer.types import AnswerResult, Citation, Source
from assistant.answer.writers import AnswerWriter, ExtractiveWriter, count_tokens
from assistant.search.question import Question
from assistant.search.rerankers import Reranker
from assistant.search.retrieval import Filters, Retriever
from assistant.search.visible import VisibleChunks
from assistant.service.conversations import Channel, ConversationStore, Turn
from assistant.service.history_access import cited_visible, withhold_unseeable
from assistant.validity import (
    RelationStore,
    ValidityNotes,
    asks_validity,
    cited_validity,
    known_fate,
    missing_reply,
    status_line,
    with_validity,
)
from core.access import Principal
from core.deadlines import today_in_vietnam
from core.errors import BadQuestion
from core.vietnamese import fold, normalize_text, sparse_terms
from indexing.embedders import Embedder
from indexing.store import Hit

MAX_QUESTION_CHARS = 2000
REFUSAL_MESSAGE = (
    "Không tìm thấy căn cứ trong các văn bản mà bạn được phép truy cập để trả lời câu hỏi này. "
    "Dưới đây là các nguồn gần nhất để bạn tham khảo."
)
LLM_FALLBACK_WARNING = "Mô hình ngôn ngữ không phản hồi; câu trả lời dưới đây trích nguyên văn từ nguồn."


@dataclass
class AnswerConfig:
    top_k: int = 6
    candidates: int = 20
    mode: str = "hybrid"
    context_tokens: int = 3000
    refusal_min_similarity: float = 0.8775
    refusal_min_coverage: float = 0.9
    embedding_max_chars: int = 1200  # must match the indexer's, so evidence vectors come from the cache
    focus_min_coverage: float = MIN_COVERAGE  # key terms the answering unit must cover (assistant.answer.focus)
    focus_rank_penalty: float = RANK_PENALTY
    focus_heading_weight: float = HEADING_WEIGHT


@dataclass
class Prepared:
    """One request's question, sources and evidence, prepared before anything is written."""

    question: Question
    conversation_id: str
    sources: list[Source]
    evidence: dict[str, float] = field(default_factory=dict)
    sufficient: bool = True
    user_id: str = ""
    new_conversation: bool = False  # stored with the first exchange, not before (nothing half-written)
    validity: ValidityNotes = field(default_factory=ValidityNotes)
    missing: str | None = None  # the question names a document (or unit) that is not in the system
    channel: Channel | None = None  # how the question came in (the entry says; stored with the conversation)
    principal: Principal | None = None  # who asks: a refusal says what the system covers for them
    sections: set[int] = field(default_factory=set)  # markers of named procedures' sections retrieval left out


@dataclass
class Answerer:
    """Condense → retrieve → rerank → de-duplicate → budget → write → check; ``writer`` writes the text and
    ``fallback`` quotes the sources when the writer's model fails."""

    retriever: Retriever
    embedder: Embedder
    writer: AnswerWriter = field(default_factory=ExtractiveWriter)
    conversations: ConversationStore | None = None
    reranker: Reranker | None = None
    config: AnswerConfig = field(default_factory=AnswerConfig)
    fallback: AnswerWriter = field(default_factory=ExtractiveWriter)
    # Exact answers from records (procedures, assigned tasks, warehouse reports), asked in order; the first
    # reply wins. The Runtime gives the list.
    records: list[RecordAnswerer] = field(default_factory=list)
    relations: RelationStore | None = None  # what indexed texts say about a document that is not indexed
    # What the system covers for one person (``assistant.documents.Coverage``): said in every refusal.
    coverage: Callable[[Principal], str] | None = None

    @property
    def backend_name(self) -> str:
        return self.writer.name

    # -- preparation -------------------------------------------------------------------------------------
    def prepare(self, question: str, principal: Principal, conversation_id: str | None = None,
                filters: Filters | None = None, channel: Channel | None = None) -> Prepared:
        typed = normalize_text(question or "").strip()  # the one normalisation of what the asker typed
        if not typed:
            raise BadQuestion("câu hỏi trống (empty question)")
        if len(typed) > MAX_QUESTION_CHARS:
            raise BadQuestion(f"câu hỏi dài quá {MAX_QUESTION_CHARS} ký tự")
        conv_id, history, new = "", [], False
        if self.conversations is not None:
            conv_id, new = self.conversations.reserve(principal.user_id, conversation_id)
            history = [] if new else self.visible_history(principal, conv_id)
        standalone = self.writer.condense(typed, history)
        filters = filters or Filters()
        asked = self.retriever.question(typed, principal, filters, standalone=standalone)
        if filters.as_of is None and asked.as_of is not None:
            filters = replace(filters, as_of=asked.as_of)
        qvec = self.retriever.query_vector(asked, principal)  # marks restored on a question typed without them
        hits = self.retriever.search(asked, principal, filters=filters, top_k=self.config.candidates,
                                     mode=self.config.mode, query_vector=qvec.tolist())  # type: ignore[arg-type]
        if self.reranker is not None:
            hits = self.reranker.rerank(asked.standalone, hits, self.config.candidates)
        hits = dedupe_hits(hits)[: self.config.top_k]
        sources = [Source.of(i + 1, h) for i, h in enumerate(hits)]
        _, sources = render_sources(sources, self.config.context_tokens, count_tokens)
        evidence = self._evidence(asked.folded, qvec, sources)
        visible = VisibleChunks(self.retriever.store, principal)
        sections = named_procedure_sections(asked, sources, visible)
        sources = sources + sections
        sources, notes = with_validity(sources, principal, filters.as_of, today_in_vietnam(), visible)
        match = asked.reference
        missing = missing_reply(match)
        if match is not None and match.doc_id is not None and asks_validity(asked.folded):  # "… còn hiệu lực"
            head = match.hits[:1] or visible.doc_chunks(match.doc_id)
            if head:
                notes.lead = status_line(head[0].payload, filters.as_of, today_in_vietnam())
        sufficient = bool(sources) and (
            evidence["similarity"] >= self.config.refusal_min_similarity
            or evidence["coverage"] >= self.config.refusal_min_coverage
        )
        if missing and match is not None and self.relations is not None:
            fate, told = known_fate(self.relations, match, visible)
            if told:
                missing, sources, sufficient = fate, told, True  # says "… chưa có trong hệ thống" itself
        return Prepared(asked, conv_id, sources, evidence, sufficient, user_id=principal.user_id,
                        new_conversation=new, validity=notes, missing=missing, channel=channel,
                        principal=principal, sections={s.marker for s in sections})

    def visible_history(self, principal: Principal, conversation_id: str) -> list[Turn]:
        """The conversation as a follow-up may use it: answers citing what the asker may no longer see are
        withheld (``assistant.service.history_access``)."""
        assert self.conversations is not None
        turns = self.conversations.history(principal.user_id, conversation_id)
        return withhold_unseeable(turns, lambda ids: self.cited_visible(ids, principal))

    def cited_visible(self, ids: list[str], principal: Principal) -> set[str]:
        """The cited ids (chunks, and records such as tasks) the asker may see now (``history_access``)."""
        return cited_visible(ids, principal, self.retriever.visible, self.records)

    def _evidence(self, folded: str, qvec: np.ndarray, sources: list[Source]) -> dict[str, float]:
        """Best dense similarity (vectors come from the embedding cache) and query-term coverage, read on the
        fold (``Question.folded``) on both sides: a question typed without marks is not short of evidence
        because its restorer wrote "ngay nào" for "ngày nào"."""
        if not sources:
            return {"similarity": 0.0, "coverage": 0.0}
        top = sources[:3]
        texts = [_embedding_text(s.payload, self.config.embedding_max_chars) for s in top]
        vectors = self.embedder.embed_documents(texts)
        similarity = float(np.max(vectors @ qvec)) if len(vectors) else 0.0
        q_terms = set(sparse_terms(folded, "syllable")) - _STOPWORDS_FOLDED
        coverage = 0.0
        if q_terms:
            for s in top:
                terms = _source_terms(s.text + " " + str(s.payload.get("context", "")))
                coverage = max(coverage, len(q_terms & terms) / len(q_terms))
        return {"similarity": round(similarity, 4), "coverage": round(coverage, 4)}

    # -- answering ---------------------------------------------------------------------------------------
    def ask(self, question: str, principal: Principal, conversation_id: str | None = None,
            filters: Filters | None = None, channel: Channel | None = None) -> AnswerResult:
        """``channel``: the entry the question came through (the API route, the CLI), kept with the
        conversation so the official's history tells their own questions from those asked for them."""
        result: AnswerResult | None = None
        for event in self.ask_stream(question, principal, conversation_id, filters, channel):
            if event["event"] == "final":
                result = event["result"]
        assert result is not None
        return result

    def ask_stream(self, question: str, principal: Principal, conversation_id: str | None = None,
                   filters: Filters | None = None, channel: Channel | None = None) -> Iterator[dict[str, Any]]:
        """Events: ``meta`` (ids), ``token`` (whole sentences once checked), ``reset`` (the model failed: the
        fallback's tokens follow), ``final`` (the checked result)."""
        prepared = self.prepare(question, principal, conversation_id, filters, channel)
        answer_id = str(uuid.uuid4())
        yield {"event": "meta", "answer_id": answer_id, "conversation_id": prepared.conversation_id,
               "standalone_question": prepared.question.marked}
        warnings: list[str] = []
        # A record reply answers past the evidence gate (must-match is the stronger test).
        record = self.record_reply(prepared.question, principal, prepared.sources)
        if record is not None and record.own_sources:  # e.g. assigned tasks: the records are the sources
            # their validity notes and amending clauses are read for them, as for retrieved sources
            visible = VisibleChunks(self.retriever.store, principal)
            lead = prepared.validity.lead
            prepared.sources, prepared.validity = with_validity(record.sources, principal, prepared.question.as_of,
                                                                today_in_vietnam(), visible)
            prepared.validity.lead = lead
            prepared.sufficient = True
        if prepared.missing and (record is None or not (record.found or record.own_sources)):
            # never answer from another document as if it were the one named
            yield {"event": "token", "text": prepared.missing}
            result = self._refusal(prepared)
            result.answer = prepared.missing
            if prepared.sufficient and "[1]" in prepared.missing:  # the indexed clause that names its fate
                result.refused = False
                result.citations = [Citation(s.marker, s.chunk_id, s.doc_id, s.title, s.so_hieu, s.citation,
                                             " ".join(s.text.split())[:300], s.validity) for s in prepared.sources]
        elif record is None and (not prepared.sufficient or (focus := self.focus(prepared)) is None):
            result = self._refusal(prepared)  # no evidence, or no retrieved unit covers what the question is about
        elif record is not None and not record.found:  # must-match: never answer from another procedure
            yield {"event": "token", "text": record.text}
            result = self._refusal(prepared)
            result.answer, result.record = record.text + self._covers(prepared), record.facts
        else:
            pieces: list[str] = []
            if record is not None:
                writer, shown = self.fallback, None
                yield from checked_tokens(writer, [record.text], prepared.sources, pieces)
            else:
                writer = self.writer
                # The writer follows retrieval: it is shown the chosen unit only, and only the unit's markers
                # may stand in what it writes (a model that names another retrieved source's number was not
                # shown that source: the checker drops the marker, whichever writer wrote it).
                unit = focus.sources
                shown = {s.marker for s in unit}
                try:
                    yield from checked_tokens(writer, writer.write(prepared.question.marked, unit, prepared.sources),
                                              prepared.sources, pieces, shown)
                except LLMError:
                    warnings.append(LLM_FALLBACK_WARNING)
                    yield {"event": "reset"}
                    writer, pieces = self.fallback, []
                    yield from checked_tokens(writer, writer.write(prepared.question.marked, unit, prepared.sources),
                                              prepared.sources, pieces, shown)
            raw = "".join(pieces)
            result = self._checked(prepared, writer.clean(raw, prepared.sources), warnings, shown)
            if record is not None:
                result.record = record.facts
        result.answer_id = answer_id
        result.backend = self.backend_name
        result.evidence, result.sufficient = dict(prepared.evidence), prepared.sufficient
        self._remember(prepared, result)
        yield {"event": "final", "result": result}

    def focus(self, prepared: Prepared) -> Focus | None:
        """The retrieved unit the writer answers from (``assistant.answer.focus``); the amending clauses added
        beside the sources are not candidates (they are cited next to what they amend), nor the named
        procedures' sections fetched after them (they are for the procedure's record answer, not ranked)."""
        beside = {m for markers in prepared.validity.companions.values() for m in markers} | prepared.sections
        retrieved = [s for s in prepared.sources if s.marker not in beside]
        return choose_unit(prepared.question.folded, retrieved, self.config.focus_min_coverage,
                           self.config.focus_rank_penalty, self.config.focus_heading_weight)

    def record_reply(self, question: Question, principal: Principal, sources: list[Source]) -> RecordReply | None:
        """The first reply of the record answerers, in the Runtime's order; None when none has one."""
        for answerer in self.records:
            reply = answerer.reply(question, principal, sources)
            if reply is not None:
                return reply
        return None

    def _checked(self, prepared: Prepared, raw: str, warnings: list[str],
                 shown: set[int] | None = None) -> AnswerResult:
        """``raw`` checked against the sources; ``shown``: the markers the writer was given (None: all)."""
        answer, citations, removed = check_citations(raw, prepared.sources, shown)
        if mentions_no_answer(answer) or not answer.strip() or not citations:
            refusal = self._refusal(prepared)
            refusal.invalid_markers_removed = removed
            refusal.warnings = warnings
            return refusal
        notes, beside = cited_validity(citations, prepared.sources, prepared.validity)
        citations = citations + beside  # the amending clauses, cited next to what they amend
        warnings += [n for n in notes if n not in warnings]
        if prepared.validity.lead:  # the question asks whether the named document is in force
            answer = prepared.validity.lead + "\n\n" + answer
        if any(w.startswith("Lưu ý:") for w in warnings):
            answer = answer + "\n\n" + "\n".join(w for w in warnings if w.startswith("Lưu ý:"))
        return AnswerResult(answer=answer, citations=citations, refused=False,
                            conversation_id=prepared.conversation_id, standalone_question=prepared.question.marked,
                            sources=prepared.sources, invalid_markers_removed=removed, warnings=warnings)

    def _covers(self, prepared: Prepared) -> str:
        """"\n\n" and what the system covers for the asker (counts by kind of what they may see); "" without."""
        if self.coverage is None or prepared.principal is None:
            return ""
        return "\n\n" + self.coverage(prepared.principal)

    def _refusal(self, prepared: Prepared) -> AnswerResult:
        return AnswerResult(answer=REFUSAL_MESSAGE + self._covers(prepared), citations=[], refused=True,
                            conversation_id=prepared.conversation_id, standalone_question=prepared.question.marked,
                            sources=prepared.sources)

    def _remember(self, prepared: Prepared, result: AnswerResult) -> None:
        if self.conversations is None or not prepared.conversation_id:
            return
        asked: dict[str, Any] = {"standalone": prepared.question.marked}
        if prepared.channel is not None:
            asked["channel"] = str(prepared.channel)
        self.conversations.append_exchange(prepared.user_id, prepared.conversation_id, [
            Turn("user", prepared.question.typed, data=asked),
            Turn("assistant", result.answer, answer_id=result.answer_id,
                 data={"refused": result.refused, "citations": [c.as_dict() for c in result.citations],
                       **({"table": table} if (table := (result.record or {}).get("table")) else {})}),
        ], new=prepared.new_conversation, title=prepared.question.typed[:120], channel=prepared.channel)


_STOPWORDS = {"là", "của", "và", "có", "các", "được", "trong", "cho", "không", "thì", "theo", "với", "những",
              "một", "này", "đó", "hay", "hoặc", "sai", "đúng", "nào", "gì", "bao", "nhiêu", "như", "thế", "khi",
              "về", "tại", "do", "người", "phải", "từ", "đến", "bị", "trường", "hợp"}


_STOPWORDS_FOLDED = frozenset(fold(w) for w in _STOPWORDS)


@lru_cache(maxsize=4096)
def _source_terms(text: str) -> frozenset[str]:
    """A source's syllables for the coverage test, kept: the same chunks come back request after request
    (a pure function of the text, nothing of the asker in it)."""
    return frozenset(sparse_terms(fold(text), "syllable"))


def _embedding_text(payload: dict[str, Any], max_chars: int) -> str:
    """The exact text the indexer embedded, so the cache answers without running the model."""
    context, text = payload.get("context") or "", payload.get("text") or ""
    full = f"{context}\n{text}" if context else text
    return full[:max_chars]


def dedupe_hits(hits: list[Hit]) -> list[Hit]:
    """Drop a chunk whose text repeats, or is contained in, a better-ranked chunk."""
    kept: list[Hit] = []
    seen_texts: list[str] = []
    for hit in hits:
        text = " ".join(str(hit.payload.get("text", "")).split())
        if any(text and (text == t or text in t) for t in seen_texts):
            continue
        kept.append(hit)
        seen_texts.append(text)
    return kept


MAX_NAMED_SECTIONS = 5  # procedures whose sections an ambiguous naming brings (``assistant.tthc.answers.MAX_CASES``)


def named_procedure_sections(question: Question, sources: list[Source], visible: VisibleChunks) -> list[Source]:
    """The sections of the one procedure the question names that retrieval left out, numbered after the
    retrieved sources: a procedure's answer is read from its record ("Thời hạn giải quyết: 1 ngày") and must cite
    the section that says so, which the top few chunks ("Trình tự thực hiện" in four parts) may not hold. They
    come after the ranked sources, so the ranking and what the writer is given first are unchanged."""
    naming = question.procedure
    if naming is None or naming.status not in ("named", "ambiguous") or not naming.codes:
        return []
    have = {s.chunk_id for s in sources}
    # an ask-back between a few equals answers each of them (``assistant.tthc`` by case): their sections too
    codes = naming.codes[:1] if naming.status == "named" else naming.codes[:MAX_NAMED_SECTIONS]
    hits = [h for code in codes for h in visible.doc_chunks(f"tthc:{code}") if h.chunk_id not in have]
    return [Source.of(len(sources) + i + 1, h) for i, h in enumerate(hits)]
