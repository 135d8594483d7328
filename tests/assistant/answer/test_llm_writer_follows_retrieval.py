"""With an LLM configured (the ``openai`` backend) the same sources, order and checks apply as with the extractive
writer (issue 26), on a real text of ../shared/corpus/laws: the model is shown the chosen unit only, a marker it
writes for another retrieved source is dropped (it was never shown that source), reference questions are quoted
as without a model, and an answer with no marker of the unit is a refusal.

The model is an OpenAI-compatible HTTP server of this test that streams a scripted answer: what these tests check
is what the service does with a model's output, which a real model cannot be made to write on demand (the real
llama.cpp server path is tested in tests/assistant/answer/llm/test_llm_backends.py)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.answer.llm.openai_backend import OpenAIBackend
from assistant.service.runtime import Runtime
from core.access import Principal
from tests.assistant.law_runtime import law_runtime

TEXT = "luat-can-bo-cong-chuc-22-2008-QH12.txt"
OFFICIAL = Principal(user_id="t", name="Cán bộ", unit="", roles=())
QUESTION = "Công chức nộp đơn xin thôi việc thì cơ quan phải trả lời trong bao nhiêu ngày?"


class _Model(BaseHTTPRequestHandler):
    """Streams ``answer`` as chat-completion chunks and keeps each request's messages."""

    answer = ""
    requests: list[list[dict]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        type(self).requests.append(body.get("messages") or [])
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        words = re.findall(r"\S+\s*", type(self).answer)
        for piece in [*words, None]:
            delta = {"role": "assistant", "content": piece} if piece is not None else {}
            chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "scripted",
                     "choices": [{"index": 0, "delta": delta, "finish_reason": None if piece else "stop"}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def model_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Model)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    rt = law_runtime(tmp_path_factory, [TEXT])
    yield rt
    rt.close()


def _with_model(runtime: Runtime, model_url: str):  # noqa: ANN202 - an Answerer
    backend = OpenAIBackend(model_url, model="scripted", timeout_s=30, max_retries=0)
    return runtime.answerer(remember=False, writer=runtime.writer(backend))


def _claim(text: str) -> str:
    """A sentence made of a source's own first words (so the checker finds it supported by that source)."""
    return " ".join(text.split()[:14]).rstrip(".,;:")


def _extractive_choice(runtime: Runtime):  # noqa: ANN202 - (Prepared, the unit's markers, its first source, another)
    """What the extractive answerer prepares for ``QUESTION``: the sources, the chosen unit's markers, the unit's
    first source and a retrieved source outside the unit long enough to quote from."""
    plain = runtime.answerer(remember=False)
    prepared = plain.prepare(QUESTION, OFFICIAL)
    focus = plain.focus(prepared)
    assert focus is not None
    unit = {s.marker for s in focus.sources}
    other = next(s for s in prepared.sources if s.marker not in unit and len(s.text.split()) >= 14)
    return prepared, unit, focus.sources[0], other


def test_the_model_sees_the_chosen_unit_and_a_marker_of_another_source_is_dropped(runtime: Runtime,
                                                                                  model_url: str) -> None:
    prepared, unit, own, other = _extractive_choice(runtime)
    _Model.answer = f"{_claim(own.text)} [{own.marker}]. {_claim(other.text)} [{other.marker}]."
    _Model.requests = []

    answerer = _with_model(runtime, model_url)
    assert [s.chunk_id for s in answerer.prepare(QUESTION, OFFICIAL).sources] == \
        [s.chunk_id for s in prepared.sources]  # the same sources in the same order, whoever writes
    events = list(answerer.ask_stream(QUESTION, OFFICIAL))
    result = events[-1]["result"]

    prompt = " ".join(m["content"] for m in _Model.requests[-1] if m["role"] == "user")
    assert _claim(own.text) in " ".join(prompt.split())
    assert _claim(other.text) not in " ".join(prompt.split())  # never shown to the model
    assert result.backend.startswith("openai:") and not result.refused
    assert {c.marker for c in result.citations} <= unit and own.marker in {c.marker for c in result.citations}
    assert result.invalid_markers_removed >= 1
    streamed = "".join(e["text"] for e in events if e["event"] == "token")
    assert f"[{other.marker}]" not in streamed and f"[{other.marker}]" not in result.answer


def test_an_answer_citing_only_sources_outside_the_unit_is_a_refusal(runtime: Runtime, model_url: str) -> None:
    _, _, _, other = _extractive_choice(runtime)
    _Model.answer = f"{_claim(other.text)} [{other.marker}]."
    result = _with_model(runtime, model_url).ask(QUESTION, OFFICIAL)
    assert result.refused and result.citations == []


def test_a_reference_question_is_quoted_as_without_a_model(runtime: Runtime, model_url: str) -> None:
    _Model.answer = "Điều 1 quy định phạm vi điều chỉnh [1]."
    _Model.requests = []
    question = "Điều 14 Luật Cán bộ, công chức quy định gì?"
    with_model = _with_model(runtime, model_url).ask(question, OFFICIAL)
    without = runtime.answerer(remember=False).ask(question, OFFICIAL)
    assert with_model.answer == without.answer and not with_model.refused
    assert [(c.chunk_id, c.citation) for c in with_model.citations] == \
        [(c.chunk_id, c.citation) for c in without.citations]
    assert {c.citation.split(" — ")[0] for c in with_model.citations} == {"Điều 14"}
    assert _Model.requests == []  # the named unit is quoted; the model is not asked to retell it
