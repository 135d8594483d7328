"""A PDF's digital signatures (ký số) read and checked, and the text a signature field writes onto the page.

Why: a province's gazette PDF carries 2–5 signatures: the issuing body's (its signing time), the gazette
centre's (a later incremental update that must not count as a change), sometimes a person's. pyHanko checks each
one's digest over the bytes it covers and what was changed after it (a later signature or form fill is allowed;
other content is a change); a certificate is trusted only against the roots the setting
``ASSISTANT_SIGNATURE_TRUST_ROOTS`` names (PEM/DER files or a folder), and without roots it says so. A
document signed in the DMS also gets its number and day written by signature fields ("Số: [565]/TB-UBND"):
``field_words`` gives those digits as words at their place on the page, so the header reads them.
"""

from __future__ import annotations

import io
import os
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from connectors.page_layout import Word

TRUST_ROOTS_ENV = "ASSISTANT_SIGNATURE_TRUST_ROOTS"
UNVERIFIED = "chứng thư chưa được xác minh"
_GAZETTE = re.compile(r"công\s*báo|cong\s*bao|ttcb", re.I)
_BODY = re.compile(r"ủy ban|uỷ ban|ubnd|hội đồng|sở |văn phòng|trung tâm|ban |bộ |cục |chi cục|phòng |tỉnh|"
                   r"huyện|xã |thành phố|công ty|trường", re.I)


def field_words(data: bytes) -> dict[int, list[Word]]:
    """Digits a signature field draws on a page (a DMS fills "Số" and "ngày" that way), as words in PDF points
    from the top-left, by page number. A field's other text (the "Ký bởi: …" overlay) is not page text."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    out: dict[int, list[Word]] = {}
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return out
    try:
        for index in range(len(doc)):
            page = doc[index]
            rects = []
            for k in range(raw.FPDFPage_GetAnnotCount(page.raw)):
                annot = raw.FPDFPage_GetAnnot(page.raw, k)
                if raw.FPDFAnnot_GetSubtype(annot) == raw.FPDF_ANNOT_WIDGET:
                    r = raw.FS_RECTF()
                    if raw.FPDFAnnot_GetRect(annot, r):
                        rects.append((r.left, r.bottom, r.right, r.top))
                raw.FPDFAnnot_Close(annot) if hasattr(raw, "FPDFAnnot_Close") else raw.FPDFPage_CloseAnnot(annot)
            if not rects:
                continue
            height = page.get_height()
            before = _chars(page)
            raw.FPDFPage_Flatten(page.raw, raw.FLAT_NORMALDISPLAY)
            after = _chars(doc[index])
            seen = dict.fromkeys(before, 0)
            for c in before:
                seen[c] += 1
            new = []
            for c in after:
                if seen.get(c):
                    seen[c] -= 1
                else:
                    new.append(c)
            for left, bottom, right, top in rects:
                inside = [c for c in new if left - 1 <= c[1] and c[3] <= right + 1 and bottom - 1 <= c[2]
                          and c[4] <= top + 1]
                text = "".join(c[0] for c in inside).strip()
                if inside and re.fullmatch(r"\d{1,6}", text):
                    out.setdefault(index + 1, []).append(Word(
                        text, min(c[1] for c in inside), height - max(c[4] for c in inside),
                        max(c[3] for c in inside), height - min(c[2] for c in inside), 100.0))
    finally:
        doc.close()
    return out


def _chars(page) -> list[tuple[str, int, int, int, int]]:  # noqa: ANN001 - a pypdfium2 page
    """(char, left, bottom, right, top) of every visible character, rounded to points."""
    text = page.get_textpage()
    out = []
    for i in range(text.count_chars()):
        ch = text.get_text_range(i, 1)
        if ch.strip():
            box = text.get_charbox(i)
            out.append((ch, round(box[0]), round(box[1]), round(box[2]), round(box[3])))
    return out


def _roots() -> list[Any]:
    """Certificates named by the trust-roots setting (a file or a folder of .pem/.crt/.cer/.der)."""
    setting = os.environ.get(TRUST_ROOTS_ENV, "").strip()
    if not setting:
        return []
    from asn1crypto import pem, x509

    path = Path(setting)
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    out = []
    for f in files:
        data = f.read_bytes()
        blobs = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        out += [x509.Certificate.load(b) for b in blobs]
    return out


def role(signer: str, organisation: str) -> str:
    """"gazette" (the provincial gazette centre), "issuing body" (an organisation's certificate) or "person"."""
    both = f"{signer} {organisation}"
    if _GAZETTE.search(both) or "ttcb" in both.lower():
        return "gazette"
    if _BODY.search(signer):
        return "issuing body"
    return "person"


def read_signatures(data: bytes) -> list[dict[str, Any]]:
    """Every signature of the PDF in signing order: signer, organisation, role, signing time (ISO), whether the
    bytes it covers are intact, whether the file was changed after it beyond what it permits, whether its
    certificate chains to a configured root (None: no roots set), and a Vietnamese summary line."""
    import logging

    for name in ("pyhanko", "pyhanko_certvalidator"):  # an untrusted chain is reported per signature, not logged
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext
    except ImportError:
        return []
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 - a damaged or unsigned file has no readable signatures
        return []
    roots = _roots()
    out = []
    for sig in embedded:
        out.append(_one(sig, roots, validate_pdf_signature, ValidationContext))
    return out


def _one(sig, roots, validate, context_cls) -> dict[str, Any]:  # noqa: ANN001
    item: dict[str, Any] = {"field": sig.field_name}
    try:
        cert = sig.signer_cert
        subject = cert.subject.native
        item["signer"] = str(subject.get("common_name", "") or "")
        item["organisation"] = str(subject.get("organization_name", "") or "")
        item["issuer"] = str(cert.issuer.native.get("common_name", "") or "")
    except Exception:  # noqa: BLE001
        item["signer"] = item["organisation"] = ""
    when = _signing_time(sig)
    item["signing_time"] = when.isoformat() if when else None
    item["role"] = role(item["signer"], item["organisation"])
    try:
        ctx = context_cls(trust_roots=roots, allow_fetching=False) if roots else \
            context_cls(allow_fetching=False)
        status = validate(sig, signer_validation_context=ctx)
        item["intact"] = bool(status.intact and status.valid)
        level = getattr(status, "modification_level", None)
        item["modification"] = level.name.lower() if level is not None else None
        item["changed_after_signing"] = not bool(getattr(status, "docmdp_ok", True)) or \
            (level is not None and level.name == "OTHER")
        item["trusted"] = bool(status.trusted) if roots else None
    except Exception as exc:  # noqa: BLE001 - a signature that cannot be checked says so
        item["intact"] = None
        item["changed_after_signing"] = None
        item["trusted"] = None
        item["error"] = f"{type(exc).__name__}: {str(exc)[:120]}"
    item["summary"] = summary(item)
    return item


def _signing_time(sig) -> datetime | None:  # noqa: ANN001
    # the signature dictionary's /M carries the signer's offset; some tools write local time as UTC in the CMS
    for get in (lambda: _pdf_date(str(sig.sig_object.get("/M", ""))), lambda: sig.self_reported_timestamp):
        try:
            if value := get():
                return value
        except Exception:  # noqa: BLE001, S112
            continue
    return None


def _pdf_date(text: str) -> datetime | None:
    """A PDF date ("D:20241118072514+07'00'") with its offset."""
    m = re.match(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:([+-])(\d\d)'?(\d\d)?|Z)?", text)
    if not m:
        return None
    tz = None
    if m.group(7):
        delta = timedelta(hours=int(m.group(8)), minutes=int(m.group(9) or 0))
        tz = timezone(delta if m.group(7) == "+" else -delta)
    elif text[16:17] == "Z":
        tz = UTC
    return datetime(*(int(g) for g in m.groups()[:6]), tzinfo=tz)  # type: ignore[misc]


def summary(item: dict[str, Any]) -> str:
    """"Ký số: Ủy ban nhân dân tỉnh Quảng Ngãi, 16/04/2020 07:37 — nội dung chưa bị sửa sau khi ký;
    chứng thư chưa được xác minh"."""
    who = item.get("signer") or item.get("organisation") or "không rõ người ký"
    when = ""
    if item.get("signing_time"):
        t = datetime.fromisoformat(item["signing_time"])
        when = f", {t:%d/%m/%Y %H:%M}"
    if item.get("intact") is None:
        state = "không kiểm tra được chữ ký"
    elif not item["intact"]:
        state = "chữ ký không khớp nội dung (tệp đã bị sửa)"
    elif item.get("changed_after_signing"):
        state = "nội dung bị sửa sau khi ký"
    else:
        state = "nội dung chưa bị sửa sau khi ký"
    trust = UNVERIFIED if item.get("trusted") is None else \
        ("chứng thư hợp lệ" if item["trusted"] else "chứng thư không được tin cậy")
    return f"Ký số: {who}{when} — {state}; {trust}"
