"""Header and closing-block field accuracy per format on the generated NĐ30 documents (a benchmark, not a test).

    python benchmarks/header_fields.py [--formats docx,html,txt] [--json OUT.json]

Writes every document of ``tests/nd30_documents`` in each format to a temporary folder, reads it back through
the folder connector (child-process extraction, as ``assistant index`` does) and the legal parser, and prints,
per format, how many expected fields came out exactly and the documents with every field exact, plus the
parse time. Other formats (PDF, scans) plug in by adding a renderer to ``tests/nd30_documents.render``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connectors.files import FolderConnector  # noqa: E402
from core.documents import Document  # noqa: E402
from indexing.legal_parser import parse_legal  # noqa: E402
from tests.nd30_documents import DOCUMENTS, FORMATS, write_corpus  # noqa: E402


def measure(formats: tuple[str, ...]) -> dict[str, dict[str, object]]:
    expected = {d.name: d.expected for d in DOCUMENTS}
    out: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(Path(tmp), formats)
        for item in FolderConnector([Path(tmp)]).documents():
            if not isinstance(item, Document):
                raise SystemExit(f"rejected: {item}")
            fmt, name = Path(item.source).suffix.lstrip("."), Path(item.source).stem
            started = time.perf_counter()
            meta = parse_legal(item).metadata
            seconds = time.perf_counter() - started
            row = out.setdefault(fmt, {"fields": 0, "exact": 0, "documents": 0, "all_exact": 0, "seconds": 0.0,
                                       "wrong": []})
            wrong = [k for k, v in expected[name].items() if meta.get(k) != v]
            row["fields"] += len(expected[name])  # type: ignore[operator]
            row["exact"] += len(expected[name]) - len(wrong)  # type: ignore[operator]
            row["documents"] += 1  # type: ignore[operator]
            row["all_exact"] += not wrong  # type: ignore[operator]
            row["seconds"] += seconds  # type: ignore[operator]
            row["wrong"] += [f"{name}.{k}" for k in wrong]  # type: ignore[operator]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = measure(tuple(f.strip() for f in args.formats.split(",") if f.strip()))
    print(f"{'format':<8}{'fields exact':>16}{'documents all exact':>22}{'parse ms/doc':>15}")
    for fmt, row in sorted(results.items()):
        ms = 1000 * float(row["seconds"]) / int(row["documents"])  # type: ignore[arg-type]
        print(f"{fmt:<8}{row['exact']:>9}/{row['fields']:<6}{row['all_exact']:>15}/{row['documents']:<6}{ms:>15.1f}")
        if row["wrong"]:
            print(f"  wrong: {', '.join(row['wrong'])}")  # type: ignore[arg-type]
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
