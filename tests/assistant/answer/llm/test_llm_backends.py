"""LLM backends against real servers: a stub HTTP server for error paths and retries (always runs), and
llama.cpp's OpenAI-compatible server plus the local llama.cpp backend (model in a supervised child) on the
gemma3-270m GGUF (marked llm/slow).

The GGUF is a small base model: these tests check mechanics (text comes back, streams, errors are
clear), never answer quality.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.answer.llm import ChatMessage, LLMBackend, LLMError, make_backend
from assistant.answer.llm.llamacpp_backend import LlamaCppBackend, fold_system
from assistant.answer.llm.openai_backend import OpenAIBackend, endpoint_host
from core.child_process import describe_exit
from core.errors import ConfigurationError
from core.settings import Settings

MESSAGES = [ChatMessage("system", "Bạn là trợ lý. Trả lời ngắn gọn bằng tiếng Việt."),
            ChatMessage("user", "Thủ đô của Việt Nam là")]
SECRET = "sk-very-secret-key-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- configuration -----------------------------------------------------------------------------------


def test_extractive_is_the_default_and_means_no_backend():
    assert make_backend(Settings()) is None


def test_openai_backend_needs_a_url_and_never_shows_the_key():
    with pytest.raises(ConfigurationError, match="LLM_BASE_URL"):
        make_backend(Settings(llm_backend="openai"))
    settings = Settings(llm_backend="openai", llm_base_url="http://vllm.internal:8000/v1", llm_api_key=SECRET,
                        llm_model="qwen-vi")
    backend = make_backend(settings)
    assert isinstance(backend, OpenAIBackend) and isinstance(backend, LLMBackend)
    assert backend.name == "openai:qwen-vi@vllm.internal:8000"
    assert SECRET not in repr(settings) and SECRET not in backend.name


def test_llamacpp_backend_needs_a_gguf_path(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="GGUF"):
        make_backend(Settings(llm_backend="llamacpp"))
    pytest.importorskip("llama_cpp", reason="llama-cpp-python not installed (pip install '.[llamacpp]')")
    with pytest.raises(LLMError, match="not found"):
        make_backend(Settings(llm_backend="llamacpp", llm_gguf_path=tmp_path / "missing.gguf"))


def test_endpoint_host_drops_credentials_and_paths():
    assert endpoint_host("http://user:pw@10.0.0.5:8000/v1?key=x") == "10.0.0.5:8000"
    assert endpoint_host("https://llm.gov.vn/v1") == "llm.gov.vn"


def test_fold_system_puts_the_system_text_in_the_first_user_turn():
    folded = f"{MESSAGES[0].content}\n\n{MESSAGES[1].content}"
    assert fold_system(MESSAGES) == [{"role": "user", "content": folded}]


# --- a stub OpenAI-compatible server: retries and error mapping ----------------------------------------


class _Stub(BaseHTTPRequestHandler):
    failures_left = 0
    requests = 0
    status = 503

    def do_POST(self):  # noqa: N802 - http.server's naming
        cls = type(self)
        cls.requests += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if cls.failures_left > 0:
            cls.failures_left -= 1
            body, code = {"error": {"message": "overloaded", "type": "server_error"}}, cls.status
        else:
            body, code = {
                "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "stub",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": "Hà Nội [1]."}}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 3, "total_tokens": 6},
            }, 200
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def stub_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    _Stub.failures_left, _Stub.requests, _Stub.status = 0, 0, 503
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_a_failed_first_request_is_retried_with_backoff(stub_url: str):
    _Stub.failures_left = 1
    backend = OpenAIBackend(stub_url, model="stub", timeout_s=5, max_retries=2)
    started = time.monotonic()
    assert backend.generate(MESSAGES, max_tokens=8) == "Hà Nội [1]."
    assert _Stub.requests == 2
    assert time.monotonic() - started >= 0.3  # the openai client waited (0.5 s minus up to 25 % jitter)


def test_without_retries_a_server_error_is_one_clear_llm_error(stub_url: str):
    _Stub.failures_left = 5
    backend = OpenAIBackend(stub_url, api_key=SECRET, model="stub", timeout_s=5, max_retries=0)
    with pytest.raises(LLMError, match=r"127\.0\.0\.1:\d+ returned HTTP 503") as info:
        backend.generate(MESSAGES, max_tokens=8)
    assert SECRET not in str(info.value)
    assert _Stub.requests == 1


def test_a_wrong_model_name_says_which_setting_to_check(stub_url: str):
    _Stub.failures_left, _Stub.status = 1, 404
    backend = OpenAIBackend(stub_url, model="sai-ten", timeout_s=5, max_retries=0)
    with pytest.raises(LLMError, match="sai-ten.*ASSISTANT_LLM_MODEL"):
        backend.generate(MESSAGES, max_tokens=8)


def test_unreachable_port_is_an_llm_error_naming_the_host():
    backend = OpenAIBackend(f"http://127.0.0.1:{_free_port()}/v1", api_key=SECRET, timeout_s=2, max_retries=0)
    with pytest.raises(LLMError, match=r"cannot reach LLM endpoint 127\.0\.0\.1:\d+") as info:
        backend.generate(MESSAGES, max_tokens=8)
    assert SECRET not in str(info.value)
    with pytest.raises(LLMError, match="cannot reach"):
        list(backend.stream(MESSAGES, max_tokens=8))


# --- llama.cpp: the real OpenAI-compatible server and the local (child-process) model -----------------


class LlamaServer:
    """llama.cpp's OpenAI-compatible server as a child process the tests observe: started on demand, and a
    crash fails the test it happened in with the server's own log (the next test starts a fresh server)."""

    def __init__(self, gguf_path: Path, log_dir: Path) -> None:
        self.gguf_path, self.log_dir = gguf_path, log_dir
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = ""
        self.log = log_dir / "server-0.log"
        self.starts = 0

    def ensure_running(self) -> str:
        if self.proc is not None and self.proc.poll() is None:
            return self.base
        port = _free_port()
        self.starts += 1
        self.log = self.log_dir / f"server-{self.starts}.log"
        cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(self.gguf_path),
               "--model_alias", "local-model", "--host", "127.0.0.1", "--port", str(port),
               "--n_ctx", "2048", "--chat_format", "gemma", "--n_threads", str(os.cpu_count() or 1)]
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{port}/v1"
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"llama.cpp server {describe_exit(self.proc.returncode)} while starting:\n"
                            f"{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base}/models", timeout=1) as resp:
                    if resp.status == 200:
                        return self.base
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama.cpp server not ready after 90 s:\n{self.log_tail()}")
            time.sleep(0.3)

    def died(self) -> str | None:
        """None while it runs; else how it ended and its log."""
        if self.proc is None or self.proc.poll() is None:
            return None
        return f"llama.cpp server {describe_exit(self.proc.returncode)} during this test:\n{self.log_tail()}"

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="session")
def llama_server_process(gguf_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    server = LlamaServer(gguf_path, tmp_path_factory.mktemp("llama-server"))
    yield server
    server.stop()


@pytest.fixture
def llama_server(llama_server_process: LlamaServer) -> Iterator[str]:
    yield llama_server_process.ensure_running()
    death = llama_server_process.died()
    if death:
        pytest.fail(death)


@pytest.mark.llm
@pytest.mark.slow
class TestLlamaCppServer:
    def test_generate_returns_text(self, llama_server: str):
        backend = OpenAIBackend(llama_server, model="local-model", timeout_s=60, max_retries=0)
        text = backend.generate(MESSAGES, max_tokens=16, temperature=0.0)
        assert isinstance(text, str) and text.strip()

    def test_stream_yields_pieces(self, llama_server: str):
        backend = OpenAIBackend(llama_server, model="local-model", timeout_s=60, max_retries=0)
        pieces = list(backend.stream(MESSAGES, max_tokens=16, temperature=0.0))
        assert len(pieces) >= 2
        assert "".join(pieces).strip()

    def test_tiny_timeout_is_a_clear_llm_error(self, llama_server: str):
        backend = OpenAIBackend(llama_server, api_key=SECRET, model="local-model", timeout_s=0.001,
                                max_retries=0)
        with pytest.raises(LLMError, match=r"did not answer within 0\.001s \(timeout\)") as info:
            backend.generate(MESSAGES, max_tokens=16)
        assert SECRET not in str(info.value)

    def test_settings_build_the_same_backend(self, llama_server: str):
        backend = make_backend(Settings(llm_backend="openai", llm_base_url=llama_server, llm_timeout_s=60))
        assert backend is not None and backend.generate(MESSAGES, max_tokens=8).strip()


@pytest.fixture(scope="module")
def local_model(gguf_path: Path) -> Iterator[LLMBackend]:
    settings = Settings(llm_backend="llamacpp", llm_gguf_path=gguf_path, llm_context_tokens=1024,
                        llm_chat_format="gemma")
    backend = make_backend(settings)
    assert backend is not None
    yield backend
    backend.close()


@pytest.mark.llm
@pytest.mark.slow
class TestLlamaCppLocalModel:

    def test_generate(self, local_model: LLMBackend):
        assert local_model.name == "llamacpp:gemma-3-270m-q4_k_m.gguf"
        text = local_model.generate(MESSAGES, max_tokens=16, temperature=0.0)
        assert isinstance(text, str) and text.strip()

    def test_stream(self, local_model: LLMBackend):
        pieces = list(local_model.stream(MESSAGES, max_tokens=16, temperature=0.0))
        assert len(pieces) >= 2 and "".join(pieces).strip()

    def test_prompt_longer_than_the_context_is_an_llm_error(self, local_model: LLMBackend):
        too_long = [ChatMessage("user", "văn bản " * 2000)]
        with pytest.raises(LLMError, match="local model"):
            local_model.generate(too_long, max_tokens=8)

    def test_the_model_runs_in_a_child_and_its_crash_is_one_llm_error(self, local_model: LLMBackend,
                                                                      kill_when_busy) -> None:  # noqa: ANN001
        assert isinstance(local_model, LlamaCppBackend)
        child = local_model.worker.pid
        assert child is not None and child != os.getpid()
        # What a bad native build does to the process that runs the model, in the middle of a request.
        killer = kill_when_busy(child, signal.SIGSEGV)
        long_prompt = [ChatMessage("user", "Tóm tắt: " + "Ủy ban nhân dân tỉnh ban hành kế hoạch. " * 60)]
        with pytest.raises(LLMError, match=r"llama.cpp model gemma-3-270m-q4_k_m.gguf was killed by SIGSEGV"):
            local_model.generate(long_prompt, max_tokens=64, temperature=0.0)
        killer.join()
        # This process lives on, and the next request loads the model in a fresh child.
        assert local_model.generate(MESSAGES, max_tokens=8, temperature=0.0).strip()
        assert local_model.worker.pid not in (None, child)

    def test_a_crash_mid_stream_ends_the_stream_with_an_llm_error(self, local_model: LLMBackend):
        assert isinstance(local_model, LlamaCppBackend)
        stream = local_model.stream(MESSAGES, max_tokens=64, temperature=0.0)
        assert next(stream)
        child = local_model.worker.pid
        assert child is not None and child != os.getpid()
        os.kill(child, signal.SIGSEGV)
        with pytest.raises(LLMError, match="SIGSEGV"):
            list(stream)
        assert "".join(local_model.stream(MESSAGES, max_tokens=8, temperature=0.0)).strip()


# --- the whole answering path through the real server: streaming, markers, refusal, timeout fallback -----


@pytest.fixture(scope="module")
def answer_server(llama_server_process: LlamaServer) -> str:
    return llama_server_process.ensure_running()


@pytest.fixture(scope="module")
def answer_runtime(answer_server: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from assistant.service.runtime import Runtime
    from connectors.auto import iter_sources

    repo = Path(__file__).resolve().parents[4]
    settings = Settings(data_dir=tmp_path_factory.mktemp("llm-e2e"), llm_backend="openai",
                        llm_base_url=answer_server, llm_model="local-model", llm_timeout_s=120, llm_max_retries=0,
                        llm_max_tokens=48, llm_context_tokens=2048,
                        embedding_cache_path=repo / "build" / "test-cache" / "embeddings.sqlite")
    runtime = Runtime(settings)
    runtime.indexer().index(iter_sources([repo / "data" / "warehouse"], max_bytes=settings.max_file_bytes))
    yield runtime
    runtime.close()


@pytest.mark.llm
@pytest.mark.slow
def test_answer_through_the_server_streams_and_keeps_only_valid_markers(answer_runtime) -> None:  # noqa: ANN001
    principal = answer_runtime.principal("syt.lethicuc")
    events = list(answer_runtime.answerer(remember=False).ask_stream(
        "Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ quý III năm 2026 là bao nhiêu?", principal))
    kinds = [e["event"] for e in events]
    assert kinds[0] == "meta" and kinds[-1] == "final" and kinds.count("token") >= 1
    result = events[-1]["result"]
    # Streamed text is let out sentence by sentence once checked: no marker the sources do not have.
    streamed = "".join(e["text"] for e in events if e["event"] == "token")
    assert {int(m) for m in __import__("re").findall(r"\[(\d+)\]", streamed)} <= {s.marker for s in result.sources}
    assert result.backend.startswith("openai:")
    # A base model writes what it writes; what reaches the user is either a refusal or checked citations.
    if result.refused:
        assert result.citations == [] and "Không tìm thấy căn cứ" in result.answer
    else:
        markers = {int(m) for m in __import__("re").findall(r"\[(\d+)\]", result.answer)}
        assert markers <= {s.marker for s in result.sources}
        assert all(c.quote for c in result.citations)


@pytest.mark.llm
@pytest.mark.slow
def test_model_timeout_falls_back_to_quoted_sources(answer_runtime) -> None:  # noqa: ANN001
    from assistant.answer.answering import LLM_FALLBACK_WARNING
    from assistant.answer.llm.openai_backend import OpenAIBackend as Backend

    slow = Backend(answer_runtime.settings.llm_base_url, model="local-model", timeout_s=0.001, max_retries=0)
    answerer = answer_runtime.answerer(remember=False, writer=answer_runtime.writer(slow))
    result = answerer.ask("Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ quý III năm 2026 là bao nhiêu?",
                          answer_runtime.principal("syt.lethicuc"))
    assert LLM_FALLBACK_WARNING in result.warnings
    assert not result.refused and "96,4%" in result.answer
