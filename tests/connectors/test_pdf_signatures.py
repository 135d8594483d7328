"""Digital signatures (ký số) read and checked: a PDF signed here with a certificate made here, then signed again
incrementally (allowed), then changed after signing (flagged); the trust-roots setting; the real gazette PDFs."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from connectors.pdf_signatures import TRUST_ROOTS_ENV, UNVERIFIED, field_words, read_signatures, role

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "official-docs-dev"


def _cert(name: str, org: str):  # noqa: ANN202
    from asn1crypto import keys, x509
    from cryptography import x509 as cx
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = cx.Name([cx.NameAttribute(NameOID.COMMON_NAME, name), cx.NameAttribute(NameOID.ORGANIZATION_NAME, org)])
    now = dt.datetime.now(dt.UTC)
    cert = (cx.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(cx.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(cx.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(cx.KeyUsage(True, True, False, False, False, True, True, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    pkcs8 = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    return x509.Certificate.load(der), keys.PrivateKeyInfo.load(pkcs8), der


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, "QUYET DINH so 12/QD-UBND")
    c.save()
    return out.getvalue()


def _sign(data: bytes, field: str, cert, key) -> bytes:  # noqa: ANN001
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                  cert_registry=SimpleCertificateStore.from_certs([cert]))
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data), strict=False),
                     signers.PdfSignatureMetadata(field_name=field), signer=signer, output=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def signed() -> dict:
    body_cert, body_key, body_der = _cert("Ủy ban nhân dân tỉnh Hà Tĩnh", "Tỉnh Hà Tĩnh")
    gazette_cert, gazette_key, _ = _cert("TRUNG TÂM CÔNG BÁO VÀ TIN HỌC", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH")
    once = _sign(_pdf(), "Signature1", body_cert, body_key)
    twice = _sign(once, "Signature2", gazette_cert, gazette_key)
    return {"once": once, "twice": twice, "root": body_der}


def test_a_signature_is_read_intact_and_unverified_without_roots(signed: dict, monkeypatch) -> None:
    monkeypatch.delenv(TRUST_ROOTS_ENV, raising=False)
    (sig,) = read_signatures(signed["once"])
    assert sig["signer"] == "Ủy ban nhân dân tỉnh Hà Tĩnh" and sig["role"] == "issuing body"
    assert sig["intact"] is True and sig["changed_after_signing"] is False and sig["trusted"] is None
    assert sig["signing_time"] and sig["summary"].startswith("Ký số: Ủy ban nhân dân tỉnh Hà Tĩnh, ")
    assert sig["summary"].endswith("nội dung chưa bị sửa sau khi ký; " + UNVERIFIED)


def test_a_later_incremental_signature_is_not_a_change(signed: dict) -> None:
    first, second = read_signatures(signed["twice"])
    assert (first["role"], second["role"]) == ("issuing body", "gazette")
    assert first["intact"] and second["intact"]
    assert not first["changed_after_signing"] and not second["changed_after_signing"]


def test_content_added_after_signing_is_flagged(signed: dict) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(signed["once"]), strict=False)
    w.add_stream_to_page(0, w.add_object(generic.StreamObject(stream_data=b"0 0 m 100 100 l S")))
    out = io.BytesIO()
    w.write(out)
    (sig,) = read_signatures(out.getvalue())
    assert sig["changed_after_signing"] is True
    assert "bị sửa sau khi ký" in sig["summary"]


def test_trust_roots_setting_verifies_the_chain(signed: dict, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "root.der").write_bytes(signed["root"])
    monkeypatch.setenv(TRUST_ROOTS_ENV, str(tmp_path))
    (sig,) = read_signatures(signed["once"])
    assert sig["trusted"] is True and sig["summary"].endswith("chứng thư hợp lệ")


def test_unsigned_and_damaged_files_have_no_signatures() -> None:
    assert read_signatures(_pdf()) == []
    assert read_signatures(b"%PDF-1.7\n garbage") == []


def test_roles() -> None:
    assert role("TRUNG TÂM CÔNG BÁO VÀ TIN HỌC", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI") == "gazette"
    assert role("Sở Tư pháp tỉnh Quảng Ngãi", "Tỉnh Quảng Ngãi") == "issuing body"
    assert role("Phùng Tô Long", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI") == "person"


@pytest.mark.skipif(not DEV.is_dir(), reason="../shared/data/official-docs-dev is not here")
def test_every_signed_dev_pdf_has_its_signatures_read_and_none_flagged() -> None:
    files = [DEV / f"dev_{n:02d}.pdf" for n in range(1, 13)]
    for path in files:
        sigs = read_signatures(path.read_bytes())
        assert sigs, path.name
        assert all(s["intact"] and s["changed_after_signing"] is False for s in sigs), json.dumps(sigs)
        assert any(s["role"] in ("issuing body", "gazette") for s in sigs)


@pytest.mark.skipif(not DEV.is_dir(), reason="../shared/data/official-docs-dev is not here")
def test_a_number_and_day_filled_by_signature_fields_become_words() -> None:
    words = field_words((DEV / "dev_11.pdf").read_bytes())
    texts = sorted(w.text for w in words.get(1, []))
    assert len(texts) == 2 and all(t.isdigit() for t in texts)
