"""The installed llama.cpp is the portable build: no AVX-512 or AMX instruction anywhere in its libraries.

A GGML_NATIVE build on a Sapphire-Rapids-class CPU compiles AVX-512/AMX kernels that die with a general
protection fault under some kernels; scripts/install_llama_cpp.sh builds for x86-64-v3 instead. This reads the
machine code of what is installed, so a wheel reused from an earlier native build fails here.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

# AVX-512 uses zmm registers or opmask registers k0-k7; AMX uses tile instructions.
WIDE = re.compile(r"%zmm\d|%k[0-7]\b|\b(tdpb\w+|ldtilecfg|tileloadd\w*|tilestored|tilezero)\b")


def _libraries() -> list[Path]:
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or spec.origin is None:
        if os.environ.get("CI"):
            pytest.fail("llama-cpp-python is missing in CI: `make venv` installs it")
        pytest.skip("llama-cpp-python not installed")
    libs = sorted((Path(spec.origin).parent / "lib").glob("*.so"))
    assert libs, "llama_cpp has no native libraries"
    return libs


@pytest.mark.llm
def test_llama_cpp_libraries_hold_no_avx512_or_amx_code():
    if shutil.which("objdump") is None:
        pytest.skip("objdump (binutils) not installed")
    for lib in _libraries():
        listing = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(lib)], capture_output=True,
                                 text=True, check=True, timeout=120).stdout
        assert "ymm" in listing or "xmm" in listing, f"{lib.name}: no vector code at all?"
        wide = sorted({m.group(0) for m in WIDE.finditer(listing)})
        assert not wide, f"{lib.name} holds AVX-512/AMX instructions {wide[:5]}: rebuild with make venv"
