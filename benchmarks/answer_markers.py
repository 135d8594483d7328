"""Answer latency and citation-marker hygiene over a question set (a benchmark, not a test).

    python benchmarks/answer_markers.py --data-dir var --questions 50 [--llm-url http://127.0.0.1:8080/v1]

Without --llm-url it measures the extractive backend (no LLM). With it, every question goes through the
``openai`` backend (e.g. llama.cpp's server with the gemma3 GGUF, or vLLM) and the script counts how many
[n] markers the model wrote that did not refer to a provided source and were removed by the checker.
Questions: ALQAC queries (deterministic sample) — run it on an index that holds the corpus they ask about.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.service.runtime import Runtime  # noqa: E402
from core.access import Principal  # noqa: E402
from core.settings import Settings  # noqa: E402

MARKER = re.compile(r"\[(\d+)\]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=Path("../shared/benchmarks/alqac24_25/queries.jsonl"))
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--llm-url", default=None)
    parser.add_argument("--max-tokens", type=int, default=160)
    parser.add_argument("--out", type=Path, default=Path("build/benchmarks/answer_markers.json"))
    args = parser.parse_args()

    extra = {}
    if args.llm_url:
        extra = {"llm_backend": "openai", "llm_base_url": args.llm_url, "llm_max_tokens": args.max_tokens,
                 "llm_context_tokens": 2048, "llm_timeout_s": 120}
    settings = Settings(data_dir=args.data_dir, **extra)
    runtime = Runtime(settings)
    answerer = runtime.answerer(remember=False)
    principal = Principal(user_id="bench", unit="Văn phòng UBND tỉnh", roles=("chuyen_vien",))
    lines = [json.loads(x) for x in args.queries.read_text(encoding="utf-8").splitlines() if x.strip()]
    questions = [q["text"] for q in lines[:: max(1, len(lines) // args.questions)]][: args.questions]

    latencies, written, removed, refused = [], 0, 0, 0
    for question in questions:
        pieces: list[str] = []
        started = time.perf_counter()
        result = None
        for event in answerer.ask_stream(question, principal):
            if event["event"] == "token":
                pieces.append(event["text"])
            elif event["event"] == "reset":
                pieces = []
            elif event["event"] == "final":
                result = event["result"]
        raw_markers = len(MARKER.findall("".join(pieces)))  # tokens split "[1]" into pieces
        latencies.append((time.perf_counter() - started) * 1000)
        written += raw_markers
        removed += result.invalid_markers_removed
        refused += int(result.refused)
    runtime.close()
    latencies.sort()
    report = {
        "backend": answerer.backend_name, "questions": len(questions),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "markers_written": written, "invalid_markers_removed": removed,
        "invalid_share": round(removed / written, 4) if written else None, "refused": refused,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
