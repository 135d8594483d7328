"""Header fields of real official documents against a truth file: per-field accuracy, fields stated wrong, pages/s.

    python -m evals.header_fields ../shared/data/official-docs-dev [--files 1-12] [--json OUT]

Each PDF goes the way ``assistant index`` takes it (extraction child: text layer or OCR with the page read by
position, digital signatures) and through the legal parser. A field is right when it equals the truth after NFC,
case, white space and the alias module (``core.aliases``: "UBND" = "Ủy ban nhân dân") — trích yếu exactly after
that, no fuzzy ratio; wrong when a different value is stated; unread when the field is absent (marked
unreadable). Pages per second are wall time over all files, extraction and header reading together.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from pathlib import Path
from typing import Any

from connectors.extraction_child import ExtractionChild
from connectors.files import file_document
from core.aliases import default_aliases
from core.vietnamese import normalize_text
from indexing.legal_parser import parse_legal

FIELDS = ("so_hieu", "loai_van_ban", "co_quan_ban_hanh", "ngay_ban_hanh", "trich_yeu", "nguoi_ky")
NUMBER_FIELDS = ("so_hieu", "ngay_ban_hanh")


def canonical(value: Any) -> str:
    """NFC, abbreviations expanded (``core.aliases``), case and white space folded."""
    text = normalize_text(str(value))
    table = default_aliases()
    for long in table.expansions(text):
        for short in table.short_forms(long):
            text = re.sub(rf"(?<![\w&]){re.escape(short)}(?![\w&])", long, text, flags=re.I)
    return " ".join(text.casefold().split())


def judge(truth: Any, read: Any) -> str:
    if read in (None, "", []):
        return "unread"
    return "right" if canonical(truth) == canonical(read) else "wrong"


def _selected(rows: list[dict[str, Any]], spec: str | None) -> list[dict[str, Any]]:
    if not spec:
        return rows
    wanted: set[int] = set()
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        wanted.update(range(int(lo), int(hi or lo) + 1))
    return [r for r in rows if int(re.sub(r"\D", "", Path(r["file"]).stem) or 0) in wanted]


def _signed(path: Path) -> bool:
    return b"/Sig" in path.read_bytes()


def _cpu() -> float:
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(folder: Path, spec: str | None) -> dict[str, Any]:
    rows = [json.loads(x) for x in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    rows = _selected(rows, spec)
    counts = {f: {"right": 0, "wrong": 0, "unread": 0} for f in FIELDS}
    details: list[dict[str, Any]] = []
    pages = 0
    signed = signed_read = changed = 0
    load_before = os.getloadavg()
    started = time.perf_counter()
    cpu0 = _cpu()
    with ExtractionChild() as child:
        for row in rows:
            path = folder / row["file"]
            doc = file_document(path, path.stem, 64 * 1024 * 1024, child)
            meta = parse_legal(doc).metadata
            pages += int(doc.metadata.get("pages") or 0)
            item: dict[str, Any] = {"file": row["file"]}
            for f in FIELDS:
                verdict = judge(row.get(f), meta.get(f))
                counts[f][verdict] += 1
                item[f] = {"verdict": verdict, "read": meta.get(f)}
            ky_so = meta.get("ky_so") or []
            if _signed(path):
                signed += 1
                signed_read += bool(ky_so)
            changed += sum(bool(s.get("changed_after_signing")) for s in ky_so)
            item["unreadable_fields"] = meta.get("unreadable_fields", [])
            details.append(item)
    wall = time.perf_counter() - started
    cpu = _cpu() - cpu0  # this process, the extraction child and its Tesseracts (reaped when the child closed)
    return {"documents": len(rows), "pages": pages, "wall_s": round(wall, 1),
            "pages_per_s": round(pages / wall, 2) if wall else 0.0, "cpu_s": round(cpu, 1),
            "pages_per_s_two_cores_by_cpu": round(2 * pages / cpu, 2) if cpu else 0.0, "fields": counts,
            "wrong_numbers_stated": sum(counts[f]["wrong"] for f in NUMBER_FIELDS),
            "signed_pdfs": signed, "signatures_read": signed_read, "changed_after_signing": changed,
            "load_average": os.getloadavg(), "load_average_before": load_before, "details": details}


def report(result: dict[str, Any]) -> str:
    n = result["documents"]
    out = [f"{'field':<18}{'right':>8}{'wrong':>8}{'unread':>8}{'accuracy':>10}"]
    for f, c in result["fields"].items():
        out.append(f"{f:<18}{c['right']:>8}{c['wrong']:>8}{c['unread']:>8}{100 * c['right'] / max(1, n):>9.0f}%")
    out.append(f"documents {n}, all six right: "
               f"{sum(all(d[f]['verdict'] == 'right' for f in FIELDS) for d in result['details'])}")
    out.append(f"wrong numbers stated (số hiệu + ngày): {result['wrong_numbers_stated']}; "
               f"fields stated wrong: {sum(c['wrong'] for c in result['fields'].values())}")
    out.append(f"ký số read on {result['signatures_read']}/{result['signed_pdfs']} signed PDFs; "
               f"signatures flagged as changed after signing: {result['changed_after_signing']}")
    load = ", ".join(f"{x:.2f}" for x in result["load_average"])
    before = ", ".join(f"{x:.2f}" for x in result.get("load_average_before", ()))
    per_page = result["cpu_s"] / max(1, result["pages"])
    out.append(f"{result['pages']} pages in {result['wall_s']} s wall: {result['pages_per_s']} pages/s "
               f"(load average before {before}, at the end {load}); {result['cpu_s']} s CPU of this process and "
               f"its children (extraction child, Tesseract) = {per_page:.2f} s a page: "
               f"{result['pages_per_s_two_cores_by_cpu']} pages/s on 2 cores if nothing else ran and both were busy")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--files", help="numbers of the files to read, e.g. 1-12 or 13-18")
    parser.add_argument("--json", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="print each document's fields")
    args = parser.parse_args()
    result = measure(args.folder, args.files)
    if args.verbose:
        for d in result["details"]:
            print(d["file"], json.dumps({f: d[f] for f in FIELDS if d[f]["verdict"] != "right"}, ensure_ascii=False))
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
