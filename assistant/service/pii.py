"""Personal data masked wherever the service keeps or prints text it was given: CCCD / CMND numbers (plain
or grouped), Vietnamese mobile and landline numbers (with +84, (+84), (024)…), bank account numbers next to
"STK" / "số tài khoản", and e-mail addresses (Unicode local parts included).

Masking keeps the first and last characters, so an officer reading the audit can still tell two records
apart (``0912***678``, ``001***567``, ``n***@example.com``) without the record holding the number itself.
"""

from __future__ import annotations

import re
import unicodedata

_EMAIL = r"(?P<email>[\w.%+-]+@[\w-]+(?:\.[\w-]+)+)"
_BANK = (r"(?P<bank_label>(?i:\bSTK|\bs[oố]\s+t[aà]i\s+kho[aả]n|\btài\s+khoản\s+số)\s*(?:s[oố])?\s*[:.]?\s*)"
         r"(?P<bank>\d(?:[ .-]?\d){5,19})")
# +84 / (+84) / 84 / 0 / (0xx), then 9 (mobile) or 10 (landline) more digits, grouped by spaces, dots, dashes.
_PHONE = r"(?P<phone>(?:\(\+84\)|\+84|(?<![\d.,])84|\(0(?=\d{1,3}\))|(?<![\d.,])0)(?:[ .)-]{0,2}\d){9,10})"
# Căn cước công dân: 12 digits, plain or grouped 3-3-3-3 / 4-4-4.
_CCCD = r"(?P<cccd>\d{12}|\d{3}(?P<s3>[ .-])\d{3}(?P=s3)\d{3}(?P=s3)\d{3}|\d{4}(?P<s4>[ .-])\d{4}(?P=s4)\d{4})"
_CMND = r"(?P<cmnd>\d{9}|\d{3}(?P<s9>[ -])\d{3}(?P=s9)\d{3})"  # chứng minh nhân dân (old format)
_PATTERN = re.compile(rf"(?<![\w@.+-]){_EMAIL}|{_BANK}|(?<![\d.,]){_CCCD}(?![\d.,]\d|\d)"
                      rf"|{_PHONE}(?![\d]|[.,]\d)|(?<![\d.,]){_CMND}(?![\d]|[.,]\d)")


# A number starting with 0 (a phone, a CCCD: province codes start 0) of 9–12 digits however it is grouped:
# "0912 - 345 - 678", "0912/345/678", "038090 012345", "038-090.012 345". Amounts ("1.000.000.000") do not
# start with 0, dates and document numbers have fewer digits.
_GROUPED = re.compile(r"(?<![\w.,/-])0\d(?:\s{0,2}[./-]?\s{0,2}\d){7,10}(?![\d]|[.,/-]\d)")
_AT = re.compile(r"(?<=[\w.%+-])\s+@\s*(?=[\w-])|(?<=[\w.%+-])@\s+(?=[\w-])")
_SPACES = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")


def normalise_for_pii(text: str) -> str:
    """The text as personal data is matched on: NFKC (full-width digits and letters), invisible characters
    (zero-width space and joiners, soft hyphen, BOM) dropped, tabs and no-break or wide spaces as one space,
    "name @ domain" closed up. What is stored is this normalised, masked text."""
    text = unicodedata.normalize("NFKC", text) if not text.isascii() else text
    # Each distinct character's category read once (a 2,000-character answer has ~100), the text rebuilt only
    # when it holds an invisible one: every answer and question is masked before it is stored.
    invisible = {ch for ch in set(text) if unicodedata.category(ch) == "Cf"}
    if invisible:
        text = "".join(ch for ch in text if ch not in invisible)
    return _AT.sub("@", _SPACES.sub(" ", text))


def _keep_ends(text: str, head: int, tail: int) -> str:
    if len(text) <= head + tail:
        return "*" * len(text)
    return f"{text[:head]}***{text[-tail:]}"


def _replace(match: re.Match[str]) -> str:
    if match.group("email"):
        local, _, domain = match.group("email").partition("@")
        return f"{local[:1]}***@{domain}"
    if match.group("bank"):
        return match.group("bank_label") + _keep_ends(re.sub(r"\D", "", match.group("bank")), 2, 2)
    if match.group("phone"):
        digits = re.sub(r"\D", "", match.group("phone"))
        prefix = "+" if "+" in match.group("phone") else ""
        return prefix + _keep_ends(digits, 4, 3)
    number = re.sub(r"\D", "", match.group("cccd") or match.group("cmnd"))
    return _keep_ends(number, 3, 3)


def mask_pii(text: str | None) -> str:
    """The one masking function: the text normalised (``normalise_for_pii``) with every CCCD/CMND number,
    phone number, bank account number and e-mail masked, however spaced, separated or written."""
    if not text:
        return ""
    masked = _PATTERN.sub(_replace, normalise_for_pii(text))
    return _GROUPED.sub(lambda m: _keep_ends(re.sub(r"\D", "", m.group()), 3, 3), masked)


def mask_and_cut(text: str | None, limit: int) -> str:
    """Masked, at most ``limit`` characters: cut a little beyond the limit first (so a huge text costs
    nothing), mask, then cut (so no number is split before it could be recognised)."""
    return mask_pii((text or "")[: limit + 64])[:limit]


def mask_file_name(name: str) -> str:
    """A file name with personal data masked. In names an underscore separates like a space
    ("CCCD_038-090.012_345"), so the name is matched with underscores as spaces; unchanged when nothing was
    masked (the underscores kept), otherwise returned as matched (spaces)."""
    spaced = name.replace("_", " ")
    masked = mask_pii(spaced)
    return name if masked == spaced else masked
