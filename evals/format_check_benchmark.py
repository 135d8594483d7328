"""The thể thức benchmark: every document of ``format_check_set`` (correct and planted, as .docx, a share
printed to PDF and saved as .doc by LibreOffice) and the real scanned documents of the dev set, checked by
``assistant.correspondence.drafting.check_format``; prints precision and recall per rule family and the findings
that were wrong. Run: ``python -m evals.format_check_benchmark [--shared ../shared] [--no-convert]``.

Why per family: a checker that finds every font error but fires on correct dates is no use to a văn thư; each
family must stand on its own (precision ≥ 0.95, recall ≥ 0.9, the issue's bar).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.correspondence.drafting import FAMILIES, check_format, read_document
from evals.format_check_set import Case, correct_cases, lookup, planted_cases

REPO = Path(__file__).resolve().parents[1]
TODAY_ISO = "2026-12-07"


def convert(cases: list[Case], target: str) -> list[Case]:
    """The same documents saved by LibreOffice as ``target`` ("pdf" or "doc"), in one program run."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None or not cases:
        return []
    with tempfile.TemporaryDirectory(prefix="nd30-bench-") as tmp:
        paths = []
        for case in cases:
            path = Path(tmp) / f"{case.name}{case.suffix}"
            path.write_bytes(case.data)
            paths.append(path)
        out = Path(tmp) / "out"
        filt = "pdf" if target == "pdf" else "doc:MS Word 97"
        subprocess.run([program, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                        "--convert-to", filt, "--outdir", str(out), *map(str, paths)], check=True,
                       capture_output=True, timeout=600, env={**os.environ, "HOME": tmp})
        return [Case(f"{c.name}.{target}", f".{target}", (out / f"{c.name}.{target}").read_bytes(), set(c.planted))
                for c in cases if (out / f"{c.name}.{target}").exists()]


def real_cases(shared: Path) -> list[Case]:
    """The dev set's real documents (scanned PDFs of Ủy ban nhân dân tỉnh Quảng Ngãi): no deviation planted;
    a finding on them is a false positive."""
    folder = shared / "data" / "official-docs-dev"
    return [Case(p.name, ".pdf", p.read_bytes(), real=True) for p in sorted(folder.glob("dev_*.pdf"))]


def score(cases: list[Case]) -> tuple[dict[str, dict[str, float]], list[str]]:
    from datetime import date

    counts = {f: {"tp": 0, "fp": 0, "fn": 0} for f in FAMILIES}
    errors: list[str] = []
    for case in cases:
        doc = read_document(f"x{case.suffix}", case.data)
        findings = check_format(doc, lookup, date.fromisoformat(TODAY_ISO))
        found = {f.family for f in findings}
        for fam in FAMILIES:
            if fam in found and fam in case.planted:
                counts[fam]["tp"] += 1
            elif fam in found:
                counts[fam]["fp"] += 1
                errors.append(f"FP {fam}: {case.name}: " + "; ".join(f.message for f in findings if f.family == fam))
            elif fam in case.planted:
                counts[fam]["fn"] += 1
                errors.append(f"FN {fam}: {case.name} ({doc.source})")
    table: dict[str, dict[str, float]] = {}
    for fam, c in counts.items():
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        table[fam] = {**c, "precision": round(p, 3), "recall": round(r, 3)}
    return table, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--no-convert", action="store_true", help="skip the PDF and .doc copies (LibreOffice)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    planted, correct = planted_cases(), correct_cases()
    cases = planted + correct
    if not args.no_convert:
        to_pdf = correct[:8] + [c for c in planted if c.name.startswith(
            ("font-arial", "font-quoc", "font-date", "margin-left", "margin-right", "so-no-zero", "date-day",
             "date-no-comma", "swap-header", "missing-tieu", "luu-missing", "can-cu-replaced", "combo-1", "combo-3"))]
        cases += convert(to_pdf, "pdf") + convert(correct[8:10] + planted[:2] + planted[20:22], "doc")
    real = real_cases(args.shared)
    cases += real
    table, errors = score(cases)
    sources = [read_document(c.name, c.data).source for c in real]
    scans, digital = sources.count("scan"), sources.count("pdf")
    by_source: dict[str, int] = {}
    for c in cases:
        by_source[c.suffix] = by_source.get(c.suffix, 0) + 1
    n_planted = sum(1 for c in cases if c.planted)
    print(f"thể thức benchmark: {len(cases)} documents ({n_planted} with planted deviations, "
          f"{len(cases) - n_planted} correct of which {len(real)} real documents of the dev set: {digital} "
          f"born-digital PDFs judged in full, {scans} scans judged on nothing — no fonts, margins or typed "
          f"number to read); "
          f"by type {by_source}")
    print(f"{'family':12} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    ok = True
    for fam, row in table.items():
        print(f"{fam:12} {row['tp']:>4} {row['fp']:>4} {row['fn']:>4} {row['precision']:>10.3f} {row['recall']:>8.3f}")
        ok &= row["precision"] >= 0.95 and row["recall"] >= 0.9
    for line in errors:
        print("  " + line)
    seconds = time.perf_counter() - started
    print(f"{'PASS' if ok else 'FAIL'} (precision ≥ 0.95, recall ≥ 0.9 per family) in {seconds:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
