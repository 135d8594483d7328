"""Every part of a .docx, read from its XML: body (content controls inline), tables as rows of cells, page
headers and footers (default, first, even) with their tables, text boxes, and the property strings.

Why XML and not python-docx's object model: python-docx reads neither text boxes, body-level content
controls nor even-page headers, and a secrecy stamp may sit in any of them. The package's sizes are checked
before anything is inflated (``connectors.extraction_limits``).
"""

from __future__ import annotations

import itertools
import posixpath
import zipfile
import zlib
from typing import Any

from connectors.extraction_limits import ExtractionLimits, check_zip_package
from connectors.sniffing import is_zip_package, sniff
from core.errors import RejectedInput
from core.extracted_text import ExtractedText, TextBlock

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL_TYPE_MAIN = "/officeDocument"
_TABLE_IDS = itertools.count(1)  # only needs to tell one table's rows from the next one's
_CORE_FIELDS = {"title": "title", "subject": "subject", "keywords": "keywords", "description": "comments",
                "category": "category", "contentStatus": "content_status"}


def _local(el: Any) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _inline_text(el: Any, boxes: list[TextBlock], out: list[str]) -> None:
    for child in el:
        tag = _local(child)
        if tag == "txbxContent":
            boxes.extend(_blocks(child, boxes))
        elif tag in ("Fallback", "delText", "instrText") or tag.endswith("Pr"):
            continue  # VML copy of a text box, deleted text, field codes, formatting
        elif tag == "t":
            out.append(child.text or "")
        elif tag == "tab":
            out.append("\t")
        elif tag in ("br", "cr"):
            out.append("\n")
        elif tag == "noBreakHyphen":
            out.append("-")
        else:
            _inline_text(child, boxes, out)


def _table_rows(table: Any, boxes: list[TextBlock]) -> list[TextBlock]:
    rows = []
    table_id = next(_TABLE_IDS)
    for tr in table:
        if _local(tr) != "tr":
            continue
        cells = ["\n".join(b.text for b in _blocks(tc, boxes)) for tc in _cells(tr)]
        if any(c.strip() for c in cells):
            rows.append(TextBlock.row(cells, table=table_id))
    return rows


def _cells(tr: Any) -> list[Any]:
    """A row's cells once each (a merged cell is one ``w:tc`` spanning columns), content controls opened."""
    out = []
    for child in tr:
        tag = _local(child)
        if tag == "tc":
            out.append(child)
        elif tag == "sdt":
            content = child.find(f"{{{_W}}}sdtContent")
            out.extend(_cells(content) if content is not None else [])
    return out


def _blocks(container: Any, boxes: list[TextBlock]) -> list[TextBlock]:
    """Paragraphs and table rows of a body, header, footer, cell, text box or content control, in order."""
    out: list[TextBlock] = []
    for child in container:
        tag = _local(child)
        if tag == "p":
            parts: list[str] = []
            _inline_text(child, boxes, parts)
            out.extend(TextBlock(line) for line in "".join(parts).split("\n"))
        elif tag == "tbl":
            out.extend(_table_rows(child, boxes))
        elif tag in ("sdt", "sdtContent", "customXml", "smartTag", "ins"):
            out.extend(_blocks(child, boxes))
    return out


def _xml(package: zipfile.ZipFile, name: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    return etree.fromstring(package.read(name), parser=parser)


def _rels(package: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """``{rId: (type, target part name)}`` of one part."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if rels_name not in package.namelist():
        return {}
    out = {}
    for rel in _xml(package, rels_name):
        target = rel.get("Target", "")
        full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), full)
    return out


def _main_part(package: zipfile.ZipFile) -> str:
    for kind, target in _rels(package, "").values():
        if kind.endswith(_REL_TYPE_MAIN):
            return target
    return "word/document.xml"


def _properties(package: zipfile.ZipFile) -> dict[str, str]:
    names = set(package.namelist())
    out: dict[str, str] = {}
    if "docProps/core.xml" in names:
        for el in _xml(package, "docProps/core.xml"):
            key = _CORE_FIELDS.get(_local(el))
            if key and (el.text or "").strip():
                out[key] = el.text.strip()
    if "docProps/custom.xml" in names:
        for prop in _xml(package, "docProps/custom.xml"):
            value = " ".join(t.strip() for t in prop.itertext() if t.strip())
            if prop.get("name") and value:
                out[prop.get("name")] = value
    return out


def _page_parts(package: zipfile.ZipFile, main: str, root: Any, boxes: list[TextBlock]) -> tuple[dict, dict]:
    rels = _rels(package, main)
    headers: dict[str, list[TextBlock]] = {}
    footers: dict[str, list[TextBlock]] = {}
    read: set[str] = set()
    for ref in root.iter(f"{{{_W}}}headerReference", f"{{{_W}}}footerReference"):
        _kind, target = rels.get(ref.get(f"{{{_R}}}id", ""), ("", ""))
        if not target or target in read or target not in package.namelist():
            continue
        read.add(target)
        into = headers if _local(ref) == "headerReference" else footers
        into.setdefault(ref.get(f"{{{_W}}}type", "default"), []).extend(_blocks(_xml(package, target), boxes))
    return headers, footers


def docx_parts(data: bytes, limits: ExtractionLimits) -> ExtractedText:
    """All parts of a .docx; RejectedInput for a file that is not one, is damaged, or would inflate too far."""
    if not is_zip_package(data):
        raise RejectedInput(f"tệp .docx không phải tài liệu Word (DOCX): nội dung thực là {sniff(data)}")
    from lxml.etree import XMLSyntaxError

    package = check_zip_package(data, limits)
    try:
        main = _main_part(package)
        root = _xml(package, main)
        body = root.find(f"{{{_W}}}body")
        if body is None:
            raise KeyError("w:body")
        boxes: list[TextBlock] = []
        blocks = _blocks(body, boxes)
        headers, footers = _page_parts(package, main, root, boxes)
        return ExtractedText(body=blocks, headers=headers, footers=footers, text_boxes=boxes,
                             metadata=_properties(package))
    except XMLSyntaxError as exc:
        if "memory" in str(exc).lower() or str(exc).startswith("unknown error"):  # libxml2 out of memory
            raise RejectedInput("đọc tệp vượt giới hạn bộ nhớ (nghi bom giải nén)") from None
        raise RejectedInput(f"tệp .docx hỏng hoặc bị cắt cụt ({type(exc).__name__})") from None
    except (zipfile.BadZipFile, KeyError, EOFError, zlib.error, NotImplementedError) as exc:
        raise RejectedInput(f"tệp .docx hỏng hoặc bị cắt cụt ({type(exc).__name__})") from None
