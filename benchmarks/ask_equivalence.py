"""Answers of one checkout, dumped so that two checkouts can be compared (a benchmark, not a test).

    python benchmarks/ask_equivalence.py --questions evals/data/tthc_questions.jsonl \
        --corpus ../shared/corpus/tthc --out build/ask-eq/after-tthc
    python benchmarks/ask_equivalence.py --diff build/ask-eq/before-tthc build/ask-eq/after-tthc

The first form indexes ``--corpus`` (repeatable; ``--kind articles`` for a BEIR ``corpus.jsonl``) into
``--data-dir`` (default ``OUT/data``) the way ``assistant index`` does, then asks every question of
``--questions`` (JSONL with ``text`` and ``_id``/``id``; ``--limit`` keeps the first N) through the answerer of
``Runtime(Settings())`` in this one process, as the eval user (a signed-in official with no unit, as
``assistant eval qa`` asks) or ``--user``. It writes ``OUT/answers.jsonl`` (one line per question: the
``AnswerResult.as_dict()`` the CLI's ``ask --json`` is built from, with the per-call ids ``answer_id`` and
``conversation_id`` removed), ``OUT/index.json`` (the index report without its seconds) and ``OUT/timing.json``
(the ask loop's wall time, per-ask p50/p95 and the load average before and after; one untimed warm-up ask
first, so the loop excludes loading the models).

The second form compares two such folders question by question, prints the count of identical answers and a
unified diff of each one that differs, and exits 1 when any differs. Run the first form once per checkout
with that checkout first on ``PYTHONPATH`` (and the same embedding cache, ``ASSISTANT_EMBEDDING_CACHE_PATH``,
to skip re-embedding), then the second.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if (ROOT / "assistant").is_dir():  # run from a checkout's benchmarks/: that checkout's code
    sys.path.insert(0, str(ROOT))

VOLATILE = ("answer_id", "conversation_id")  # new for every call
KINDS = ("auto", "legal", "tthc", "warehouse", "articles")


def load_rows(paths: list[Path], limit: int) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
            if line.strip():
                row = json.loads(line)
                qid = str(row.get("_id") or row.get("id") or f"{path.name}:{number}")
                rows.append({"id": qid, "text": row["text"]})
    return rows[:limit] if limit else rows


def normalised(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k not in VOLATILE}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def code_version() -> dict[str, str]:
    import assistant

    where = Path(assistant.__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "-C", str(where), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=False).stdout.strip()
    except OSError:
        commit = ""
    return {"checkout": str(where), "commit": commit}


def open_runtime(settings: Any) -> Any:
    try:  # the layout after issue 24 (capability packages), else the flat one before it
        from assistant.service.runtime import Runtime
    except ImportError:
        from assistant.runtime import Runtime
    return Runtime(settings)


def index(runtime: Any, paths: list[Path], kind: str) -> dict[str, Any]:
    """What ``assistant index PATHS --kind KIND`` does without a service."""
    from connectors.auto import iter_sources
    from connectors.extraction_limits import ExtractionLimits

    settings = runtime.settings
    sources = iter_sources(paths, kind=kind, max_bytes=settings.max_file_bytes,
                           limits=ExtractionLimits.from_settings(settings))
    report = runtime.indexer().index(sources).as_dict()
    if not settings.dense_backfill:
        runtime.dense_backfill().drain()
    report.pop("seconds", None)
    return report


def dump(args: argparse.Namespace) -> int:
    from core.access import Principal
    from core.settings import Settings

    rows = load_rows(args.questions, args.limit)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=args.data_dir or out / "data")
    runtime = open_runtime(settings)
    try:
        report = index(runtime, args.corpus, args.kind)
        (out / "index.json").write_text(json.dumps({**report, **code_version()}, ensure_ascii=False, indent=2),
                                        encoding="utf-8")
        principal = (runtime.principal(args.user) if args.user
                     else Principal(user_id="eval", name="Đánh giá", unit="", roles=()))
        answerer = runtime.answerer(remember=False)
        answerer.ask(rows[0]["text"], principal)  # warm-up: models and caches loaded outside the timed loop
        load_before = os.getloadavg()
        seconds: list[float] = []
        started = time.perf_counter()
        with (out / "answers.jsonl").open("w", encoding="utf-8") as fh:
            for row in rows:
                t0 = time.perf_counter()
                result = answerer.ask(row["text"], principal).as_dict()
                seconds.append(time.perf_counter() - t0)
                line = {"id": row["id"], "question": row["text"], "result": normalised(result)}
                fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        loop = time.perf_counter() - started
        load_after = os.getloadavg()
    finally:
        runtime.close()
    timing = {"questions": len(rows), "loop_seconds": round(loop, 3),
              "p50_ms": round(1000 * statistics.median(seconds), 1),
              "p95_ms": round(1000 * percentile(seconds, 0.95), 1),
              "mean_ms": round(1000 * statistics.fmean(seconds), 1),
              "loadavg_before": [round(x, 2) for x in load_before],
              "loadavg_after": [round(x, 2) for x in load_after], **code_version()}
    (out / "timing.json").write_text(json.dumps(timing, indent=2), encoding="utf-8")
    print(f"{len(rows)} câu hỏi · vòng hỏi {timing['loop_seconds']} s · p50 {timing['p50_ms']} ms · "
          f"p95 {timing['p95_ms']} ms · load {timing['loadavg_before']} → {timing['loadavg_after']} · {out}")
    return 0


def read_answers(folder: Path) -> dict[str, dict[str, Any]]:
    lines = (folder / "answers.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines) if row}


def diff(before_dir: Path, after_dir: Path, show: int) -> int:
    before, after = read_answers(before_dir), read_answers(after_dir)
    ids = list(before) + [i for i in after if i not in before]
    same = [i for i in ids if i in before and i in after and before[i] == after[i]]
    changed = [i for i in ids if i not in same]
    print(f"{len(same)}/{len(ids)} câu trả lời giống hệt ({before_dir} ↔ {after_dir})")
    for qid in changed[:show] if show else changed:
        a = json.dumps(before.get(qid), ensure_ascii=False, indent=1, sort_keys=True).splitlines()
        b = json.dumps(after.get(qid), ensure_ascii=False, indent=1, sort_keys=True).splitlines()
        print(f"--- {qid}")
        print("\n".join(difflib.unified_diff(a, b, str(before_dir), str(after_dir), lineterm="", n=1)))
    return 1 if changed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, action="append", default=[], help="JSONL question set")
    parser.add_argument("--corpus", type=Path, action="append", default=[], help="Files/folders to index")
    parser.add_argument("--kind", default="auto", choices=KINDS, help="As `assistant index --kind`")
    parser.add_argument("--out", type=Path, help="Folder for answers.jsonl, index.json, timing.json")
    parser.add_argument("--data-dir", type=Path, default=None, help="Index folder (default OUT/data)")
    parser.add_argument("--limit", type=int, default=0, help="Only the first N questions (0 = all)")
    parser.add_argument("--user", default=None, help="Ask as this user of the users file (default: eval)")
    parser.add_argument("--diff", type=Path, nargs=2, metavar=("BEFORE", "AFTER"),
                        help="Compare two OUT folders instead of asking")
    parser.add_argument("--show", type=int, default=0, help="With --diff: print at most N diffs (0 = all)")
    args = parser.parse_args()
    if args.diff:
        return diff(*args.diff, show=args.show)
    if not args.questions or not args.corpus or args.out is None:
        parser.error("--questions, --corpus and --out are needed (or --diff BEFORE AFTER)")
    missing = [str(p) for p in [*args.questions, *args.corpus] if not p.exists()]
    if missing:
        parser.error(f"not found: {', '.join(missing)}")
    return dump(args)


if __name__ == "__main__":
    sys.exit(main())
