"""The two load attacks of issue 28, timed, not a test: the 5 MB .docx that unpacks to 190 MB of XML (ratio ~36,
under every ratio limit; before the limits it took the API from 0.65 to 3.97 GB and the only index worker for 15+
minutes) and a 2,000-character question of combining marks (15–19 s before). Prints how long each takes to be
refused, the reason, and the largest resident memory of this process and of the extraction child.

    python benchmarks/hostile_input.py [--xml-mb 190]

The question goes through the real app (FastAPI TestClient on an empty data dir, demo users), so the figure
includes sign-in-free routing, validation and the refusal, not a search: it is refused before any search.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def bomb_docx(xml_mb: int, seed: int = 7, repeat: int = 11) -> bytes:
    """A .docx whose word/document.xml is ``xml_mb`` MB of paragraphs from a small vocabulary, each written
    ``repeat`` times in a row, so it deflates about 36:1 like the reported file (not the 1000:1 every ratio
    limit catches)."""
    rng = random.Random(seed)
    words = [f"{rng.choice('bcdghklmnpqrstvx')}{rng.choice('aeiouy')}{rng.choice('cmnpt')}" for _ in range(300)]
    paras = [("<w:p><w:r><w:t>" + " ".join(rng.choices(words, k=12)) + "</w:t></w:r></w:p>").encode() * repeat
             for _ in range(5000)]
    head = ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
            'main"><w:body>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z, z.open("word/document.xml", "w",
                                                                         force_zip64=True) as member:
        member.write(head.encode())
        written, target = 0, xml_mb * 1024 * 1024
        while written < target:
            block = b"".join(rng.choices(paras, k=200))
            member.write(block)
            written += len(block)
        member.write(b"</w:body></w:document>")
    return out.getvalue()


def time_bomb(xml_mb: int) -> None:
    from connectors.extraction_limits import ExtractionLimits
    from connectors.files import FolderConnector

    data = bomb_docx(xml_mb)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bom.docx"
        path.write_bytes(data)
        started = time.perf_counter()
        (item,) = list(FolderConnector([path], limits=ExtractionLimits()).documents())
        seconds = time.perf_counter() - started
    reason = getattr(item, "reason", "ĐÃ ĐỌC (không bị từ chối)")
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"bomb: {len(data) / 1e6:.1f} MB .docx, {xml_mb} MB XML (ratio {xml_mb * 1048576 / len(data):.0f}): "
          f"{seconds:.2f} s → {reason}; largest child RSS {child:.0f} MB")


def time_question() -> None:
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app
    from core.settings import Settings

    question = "a" + "\u0301" * 1999
    with tempfile.TemporaryDirectory() as folder, \
            TestClient(create_app(Settings(data_dir=Path(folder), users_file=ROOT / "data" / "users.yaml",
                                           demo=True))) as client:
        token = client.post("/v1/login", json={"username": "vp.nguyenvana", "password": "demo123"}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        for route, body in (("/v1/ask", {"question": question}), ("/v1/ask/stream", {"question": question}),
                            ("/v1/search", {"query": question})):
            started = time.perf_counter()
            r = client.post(route, json=body, headers=headers)
            print(f"question of 2,000 combining marks on {route}: HTTP {r.status_code} in "
                  f"{(time.perf_counter() - started) * 1000:.1f} ms: {r.json().get('detail', '')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--xml-mb", type=int, default=190)
    args = parser.parse_args()
    time_bomb(args.xml_mb)
    time_question()
    print(f"this process: largest RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
