"""Reading the formats a province holds (not a test): OCR character error rate, OCR pages per second, and
header-field accuracy per format on generated Nghị định 30 decisions.

    python benchmarks/document_formats.py --docs 4

For each generated decision (``tests/scanned_documents.py``, seeds 0..N-1, one page at 300 dpi with an
appendix on page 2): a .docx, a .doc (LibreOffice from the .docx), a text PDF, a clean scan (PNG page images in a
PDF) and a degraded scan (1.2° skew, 0.8 px blur, 2% salt-and-pepper noise, a red seal over the signer). Prints:
- CER (Levenshtein over the reference's length, whitespace collapsed, diacritics counted) of every scanned page
  against what a perfect reader of the same page gives (the drawn words through the same page layout);
- OCR pages/s: scanned pages over the wall time of ``extract_parts`` (two Tesseract processes at a time), and
  the CPU seconds a page costs (this process + Tesseract), i.e. the rate 2 free cores would give;
- the .doc converters (LibreOffice, antiword) and page renderers (pypdfium2 in-process, pdftoppm) per call;
- header fields exact (so_hieu, loai_van_ban, ngay_ban_hanh, nguoi_ky, trich_yeu) per format, from
  ``indexing.chunking.chunk_document`` (the legal parser as it is on this branch).
Targets (issue 13): CER ≤ 1%, ≥ 1 page/s on 2 cores, header fields exact on ≥ 95% of documents.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from connectors.doc_convert import doc_to_docx  # noqa: E402
from connectors.extractors import extract_parts  # noqa: E402
from connectors.files import first_line_title  # noqa: E402
from connectors.page_numbers import line_pages, page_metadata  # noqa: E402
from connectors.text_decoding import normalized_body  # noqa: E402
from core.documents import Document  # noqa: E402
from core.tables import tables_from_blocks  # noqa: E402
from indexing.chunking import chunk_document  # noqa: E402
from tests.page_renderers import degrade, docx_bytes, page_image, scan_pdf, text_pdf, with_red_seal  # noqa: E402
from tests.scanned_documents import Official, char_error_rate, lay_out, official, reference_text  # noqa: E402

FIELDS = ("so_hieu", "loai_van_ban", "ngay_ban_hanh", "nguoi_ky", "trich_yeu")


def expected(doc: Official) -> dict[str, str]:
    return {**doc.fields, "trich_yeu": doc.trich_yeu}


def as_document(name: str, suffix: str, data: bytes) -> tuple[Document, object]:
    parts = extract_parts(suffix, data)
    text = normalized_body(parts.body_text())
    doc = Document(doc_id=f"file:{name}", kind="legal", title=first_line_title(text), text=text, source=name,
                   metadata={"source_format": suffix.lstrip("."), **page_metadata(parts)}, parts=parts,
                   tables=tables_from_blocks(parts.body), line_pages=line_pages(parts.body, text))
    return doc, parts


def fields_exact(doc: Document, want: dict[str, str]) -> dict[str, bool]:
    parsed, _ = chunk_document(doc, max_chunk_chars=2400)
    return {k: str(parsed.metadata.get(k, "")).strip() == want[k] for k in FIELDS}


def soffice_doc(docx: bytes, tmp: Path) -> bytes:
    src = tmp / "x.docx"
    src.write_bytes(docx)
    subprocess.run([shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{tmp}/lo", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp), str(src)], check=True, capture_output=True)
    return (tmp / "x.doc").read_bytes()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=4)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="formats-bench-"))
    cer: dict[str, list[float]] = {"clean": [], "degraded": []}
    ocr_pages, ocr_wall, ocr_cpu = 0, 0.0, 0.0
    exact: dict[str, list[dict[str, bool]]] = {f: [] for f in ("docx", "doc", "pdf", "scan", "scan-degraded")}
    timings: dict[str, list[float]] = {"soffice .doc→.docx": [], "antiword .doc→text": [],
                                      "pypdfium2 page render": [], "pdftoppm page render": []}
    try:
        for seed in range(args.docs):
            src = official(seed, table=True)
            lay = lay_out(src, table_on_new_page=True)
            want = expected(src)
            docx = docx_bytes(src)
            exact["docx"].append(fields_exact(as_document("a.docx", ".docx", docx)[0], want))
            if shutil.which("soffice"):
                doc_data = soffice_doc(docx, tmp)
                t = time.perf_counter()
                doc_to_docx(doc_data)
                timings["soffice .doc→.docx"].append(time.perf_counter() - t)
                if shutil.which("antiword"):
                    (tmp / "a.doc").write_bytes(doc_data)
                    t = time.perf_counter()
                    subprocess.run(["antiword", "-m", "UTF-8.txt", str(tmp / "a.doc")], capture_output=True)
                    timings["antiword .doc→text"].append(time.perf_counter() - t)
                exact["doc"].append(fields_exact(as_document("a.doc", ".doc", doc_data)[0], want))
            pdf = text_pdf(lay)
            exact["pdf"].append(fields_exact(as_document("a.pdf", ".pdf", pdf)[0], want))
            _render_timings(pdf, tmp, timings)
            pages = [page_image(lay, p) for p in range(1, lay.pages + 1)]
            bad = [degrade(with_red_seal(pages[0], lay, src.nguoi_ky), seed=seed)] + \
                  [degrade(p, seed=seed + 100) for p in pages[1:]]
            for kind, images in (("clean", pages), ("degraded", bad)):
                data = scan_pdf(images)
                t, cpu = time.perf_counter(), _cpu()
                doc, parts = as_document(f"{kind}.pdf", ".pdf", data)
                ocr_wall += time.perf_counter() - t
                ocr_cpu += _cpu() - cpu
                ocr_pages += len(images)
                for p in range(1, lay.pages + 1):
                    read = "\n".join(b.text for b in parts.body if b.page == p)
                    cer[kind].append(char_error_rate(reference_text(lay, p), read))
                exact["scan" if kind == "clean" else "scan-degraded"].append(fields_exact(doc, want))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _report(cer, ocr_pages, ocr_wall, exact, timings)
    print(f"OCR CPU: {ocr_cpu / ocr_pages:.2f} CPU-s a page (this process + Tesseract) = "
          f"{2 * ocr_pages / ocr_cpu:.2f} pages/s on 2 free cores")


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the Tesseract runs)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _render_timings(pdf: bytes, tmp: Path, timings: dict[str, list[float]]) -> None:
    import pypdfium2 as pdfium

    t = time.perf_counter()
    doc = pdfium.PdfDocument(pdf)
    doc[0].render(scale=300 / 72).to_pil()
    doc.close()
    timings["pypdfium2 page render"].append(time.perf_counter() - t)
    if shutil.which("pdftoppm"):
        (tmp / "r.pdf").write_bytes(pdf)
        t = time.perf_counter()
        subprocess.run(["pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-png", str(tmp / "r.pdf"), str(tmp / "r")],
                       check=True, capture_output=True)
        timings["pdftoppm page render"].append(time.perf_counter() - t)


def _report(cer: dict[str, list[float]], pages: int, wall: float, exact: dict[str, list[dict[str, bool]]],
            timings: dict[str, list[float]]) -> None:
    print("| scans at 300 dpi | pages | mean CER | worst page CER |")
    print("|---|---|---|---|")
    for kind, values in cer.items():
        if values:
            print(f"| {kind} | {len(values)} | {100 * sum(values) / len(values):.2f}% | {100 * max(values):.2f}% |")
    print(f"\nOCR: {pages} pages in {wall:.1f} s wall = {pages / wall:.2f} pages/s (2 Tesseract processes)\n")
    print("| step | calls | mean s |")
    print("|---|---|---|")
    for name, values in timings.items():
        if values:
            print(f"| {name} | {len(values)} | {sum(values) / len(values):.3f} |")
    print("\n| format | docs | " + " | ".join(FIELDS) + " | all fields exact |")
    print("|---|---|" + "---|" * (len(FIELDS) + 1))
    for fmt, rows in exact.items():
        if rows:
            per = [f"{100 * sum(r[k] for r in rows) / len(rows):.0f}%" for k in FIELDS]
            whole = 100 * sum(all(r.values()) for r in rows) / len(rows)
            print(f"| {fmt} | {len(rows)} | " + " | ".join(per) + f" | {whole:.0f}% |")


if __name__ == "__main__":
    main()
