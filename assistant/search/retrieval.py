"""Retrieval under the asker's access: there is no function here that searches without a principal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from assistant.search.query_vectors import QueryVectors
from assistant.search.question import Question
from assistant.search.reference_lookup import ReferenceLookup, ReferenceMatch
from assistant.tthc import ProcedureCatalogue
from core.access import Principal
from core.deadlines import today_in_vietnam
from core.errors import BadQuestion
from core.vietnamese import degenerate_reason, fold, normalize_text
from indexing.embedders import Embedder
from indexing.mark_vocabulary import MarkVocabulary
from indexing.sparse_encoder import SparseEncoder, typed_with_marks
from indexing.store import Hit, SearchFilter, SearchMode, SparseVec, VectorStore


@dataclass(frozen=True)
class Filters:
    """Optional narrowing a user asks for; access is not here, it comes from the principal."""

    kinds: tuple[str, ...] = ()
    loai_van_ban: tuple[str, ...] = ()
    linh_vuc: tuple[str, ...] = ()
    co_quan_ban_hanh: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    in_force_only: bool = False
    as_of: date | None = None  # prefer what was in force then (default: today)

    def for_principal(self, principal: Principal) -> SearchFilter:
        return SearchFilter(
            principal=principal,
            kinds=self.kinds,
            loai_van_ban=tuple(normalize_text(v) for v in self.loai_van_ban),
            linh_vuc=tuple(normalize_text(v) for v in self.linh_vuc),
            co_quan_ban_hanh=tuple(normalize_text(v) for v in self.co_quan_ban_hanh),
            doc_ids=self.doc_ids,
            in_force_only=self.in_force_only,
        )


@dataclass
class Retriever:
    store: VectorStore
    embedder: Embedder
    sparse: SparseEncoder
    prefetch_limit: int = 50
    fusion: str = "dbsf"
    references: ReferenceLookup | None = None
    restorer: MarkVocabulary | None = None
    procedures: ProcedureCatalogue | None = None  # the procedure a question names is always a candidate
    query_vectors: QueryVectors | None = None  # each asker's recent question vectors (None: always embed)

    def query_vector(self, question: Question, principal: Principal) -> np.ndarray:
        """The dense vector of the question (its ``marked`` form: marks restored on one typed without them),
        from the asker's recent questions when kept (``assistant.search.query_vectors``), else the model's."""
        if self.query_vectors is not None:
            return self.query_vectors.vector(question.marked, principal)
        return self.embedder.embed_query(question.marked)

    def dense_text(self, query: str) -> str:
        """What the dense model should read: a question typed without marks gets them back from the index's
        own vocabulary (the sparse side searches the mark-free field instead). ``query`` is NFC already."""
        if self.restorer is None or typed_with_marks(query):
            return query
        return self.restorer.restore(query)

    def question(self, typed: str, principal: Principal, filters: Filters | None = None,
                 standalone: str | None = None) -> Question:
        """The question in every form a step reads, prepared once (``assistant.search.question``): ``typed``
        is the text as it came in, ``standalone`` what a follow-up condensed to (default: ``typed``). The
        document it names and the procedure it names are resolved here, under the principal's access."""
        typed = normalize_text(typed).strip()
        if typed and (reason := degenerate_reason(typed)) is not None:
            raise BadQuestion(reason)
        standalone = normalize_text(standalone).strip() if standalone is not None else typed
        from assistant.validity import question_date

        folded = fold(standalone)  # the one fold of the question; every later step reads ``Question.folded``
        reference = None
        if self.references is not None and isinstance(principal, Principal) and standalone:
            reference = self.references.lookup(standalone, folded, (filters or Filters()).for_principal(principal))
        question = Question(typed=typed, standalone=standalone, marked=self.dense_text(standalone),
                            folded=folded, typed_folded=folded if typed == standalone else fold(typed),
                            as_of=question_date(folded), reference=reference)
        if self.procedures is None:
            return question
        # The procedure it names, read from the forms just prepared (its NFC text and its fold).
        return replace(question, procedure=self.procedures.naming(question))

    def reference(self, query: str, principal: Principal, filters: Filters | None = None) -> ReferenceMatch | None:
        """What the query names ("Điều 14 Luật Viên chức", "NĐ 30/2020"), resolved under the principal's access;
        None when it names nothing. ``missing`` on the result says when the named document is not indexed."""
        return self.question(query, principal, filters).reference

    def search(self, query: str | Question, principal: Principal, *, filters: Filters | None = None, top_k: int = 8,
               mode: SearchMode = "hybrid", query_vector: Sequence[float] | None = None) -> list[Hit]:
        """Search for ``query``: a :class:`Question` the caller prepared (the answerer), or text (prepared
        here). ``query_vector`` lets a caller that already embedded the question reuse it."""
        if not isinstance(principal, Principal):
            raise TypeError("retrieval needs a Principal")
        question = query if isinstance(query, Question) else self.question(query, principal, filters)
        if not question.standalone:
            return []
        flt = (filters or Filters()).for_principal(principal)
        dense = None
        if mode in ("hybrid", "dense"):
            dense = (list(query_vector) if query_vector is not None
                     else self.query_vector(question, principal).tolist())
        sparse = self.sparse.encode_query(question.standalone) if mode in ("hybrid", "sparse") else None
        # The store filters inside the query, re-checks labels in Python (drop_leaks) and degrades a hybrid
        # query without sparse terms to dense: nothing of that is repeated here.
        hits = self.store.search(flt=flt, dense=dense, sparse=sparse, mode=mode, limit=top_k,
                                 prefetch_limit=max(self.prefetch_limit, top_k), fusion=self.fusion)
        hits = self._named_procedures_first(question, flt, dense, sparse, mode, top_k, hits)
        from assistant.validity import prefer_in_force

        hits = prefer_in_force(hits, (filters or Filters()).as_of, today_in_vietnam())
        match = question.reference
        if match is None or match.doc_id is None:
            return hits
        first = match.hits
        if match.reference is None:  # a bare số hiệu: the best chunks of that document first
            first = self.store.search(flt=replace(flt, doc_ids=(match.doc_id,)), dense=dense, sparse=sparse,
                                      mode=mode, limit=top_k, prefetch_limit=max(self.prefetch_limit, top_k),
                                      fusion=self.fusion)
        return _first(first, hits, top_k)

    def _named_procedures_first(self, question: Question, flt: SearchFilter, dense: list[float] | None,
                                sparse: SparseVec | None, mode: SearchMode, top_k: int, hits: list[Hit]) -> list[Hit]:
        """The chunks of the procedures the question names by title, read through the same filter, ranked first.
        Only for a question that names them (``named``): one that fits several alike may be about the law
        they all apply, and the answerer brings their sections after the ranked sources anyway."""
        if self.procedures is None or question.procedure is None or question.procedure.status != "named":
            return hits  # several fit alike (an ask-back, or an answer by case): they rank as retrieval ranks them
        named = [d for d in self.procedures.doc_ids(question.procedure) if not flt.doc_ids or d in flt.doc_ids]
        if not named:
            return hits
        first = self.store.search(flt=replace(flt, doc_ids=tuple(named)), dense=dense, sparse=sparse,
                                  mode=mode, limit=top_k, prefetch_limit=max(self.prefetch_limit, top_k),
                                  fusion=self.fusion)
        return _first(first, hits, top_k)

    def visible(self, chunk_ids: Sequence[str], principal: Principal) -> set[str]:
        """Which of ``chunk_ids`` exist and ``principal`` may see now (the store's access filter decides)."""
        if not chunk_ids:
            return set()
        return {hit.chunk_id for hit in self.store.get(list(chunk_ids), SearchFilter(principal=principal))}


def _first(first: Sequence[Hit], rest: Sequence[Hit], limit: int) -> list[Hit]:
    """``first`` ranked above ``rest``, each chunk once, at most ``limit``."""
    seen: set[str] = set()
    out: list[Hit] = []
    for hit in [*first, *rest]:
        if hit.chunk_id not in seen:
            seen.add(hit.chunk_id)
            out.append(hit)
    return out[:limit]
