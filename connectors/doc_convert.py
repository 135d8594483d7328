"""Legacy Word 97-2003 ``.doc`` files, converted to .docx by LibreOffice (``soffice --headless``) and read by
``connectors.docx_parts`` like any .docx, so header, closing and appendix tables stay tables.

Why LibreOffice and not antiword (measured on a generated Nghị định 30 decision, this machine, 2 shared cores):
``soffice --convert-to docx`` takes 2.4–3.0 s a file and keeps every table cell, page header and text box;
``antiword`` takes 5 ms but prints tables as fixed-width ``|`` text with cells wrapped across lines
("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT" / "NAM"), which no table reader can put back. The program runs under
``core.child_process.run_command`` limits with a profile folder of its own per process (two conversions
sharing one profile block each other).
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path

from connectors.sniffing import is_zip_package, sniff
from core.child_process import ChildProcessError, ChildTimeout, Limits, run_command
from core.errors import RejectedInput

# No memory cap of its own: it inherits the extraction child's (a cap above that one cannot be set).
CONVERT_LIMITS = Limits(timeout_s=120.0)
INSTALL_HINT = "cần cài libreoffice-writer-nogui (apt-get install libreoffice-writer-nogui) để đọc tệp .doc"
_OLE = b"\xd0\xcf\x11\xe0"
_RTF = b"{\\rtf"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.lru_cache(maxsize=1)
def _profile() -> Path:
    path = Path(tempfile.mkdtemp(prefix="tro-ly-ao-soffice-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def doc_to_docx(data: bytes) -> bytes:
    """The .docx LibreOffice writes for a .doc (or an .rtf saved as .doc); a .docx renamed .doc as it is."""
    if is_zip_package(data):
        return data
    if not data.startswith((_OLE, _RTF)):
        raise RejectedInput(f"tệp .doc không phải tài liệu Word 97-2003: nội dung thực là {sniff(data)}")
    program = soffice()
    if program is None:
        raise RejectedInput(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="tro-ly-ao-doc-") as tmp:
        source = Path(tmp) / "van-ban.doc"
        source.write_bytes(data)
        # the import filter named, or LibreOffice reads a damaged .doc as plain text and "converts" its bytes
        infilter = "Rich Text Format" if data.startswith(_RTF) else "MS Word 97"
        argv = [program, f"-env:UserInstallation=file://{_profile()}", "--headless", "--norestore",
                f"--infilter={infilter}", "--convert-to", "docx", "--outdir", tmp, str(source)]
        env = {**os.environ, "HOME": tmp}
        try:
            run_command(argv, limits=CONVERT_LIMITS, env=env, cwd=tmp)
        except ChildTimeout:
            limit = f"{CONVERT_LIMITS.timeout_s:g}"
            raise RejectedInput(f"chuyển đổi .doc quá {limit} giây: tệp quá nặng, đã dừng") from None
        except ChildProcessError as exc:
            raise RejectedInput(f"không chuyển đổi được tệp .doc ({exc.summary[:120]})") from None
        target = source.with_suffix(".docx")
        if not target.exists():
            raise RejectedInput("tệp .doc (Word 97-2003) hỏng: LibreOffice không đọc được")
        return target.read_bytes()
