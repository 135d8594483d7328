"""The access label each incoming document gets, the same way for every channel (``assistant index``, the
owning service's ``/v1/local/index``, uploads, the DMS).

Precedence, first that applies:
1. the record's own label (a warehouse record's required ``access`` field): the data owner's word;
2. the label given with the run (``assistant index --access '{…}'``, an upload's ``access`` form field);
3. the nearest ``access.yaml`` in the file's folder or a folder above it (same shape as a record's label);
4. the channel's default: ``public`` for files an operator indexes (as before), ``internal`` for uploads and
   DMS documents (an unlabelled upload is never public).

A label is part of a document's content hash, so a changed label on an unchanged file counts as updated.
An ``access.yaml`` that cannot be read rejects every file under it, naming the yaml and the reason: a broken
label is never taken as public.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from connectors.base import Rejection
from core.access import AccessLabel
from core.documents import Document

ACCESS_FILE = "access.yaml"
OWN_LABEL_KINDS = ("warehouse",)  # kinds whose records carry their own (required) label


def parse_access(text: str, where: str = "access") -> AccessLabel:
    """A label given as JSON text (a CLI option, a form field); ValueError naming ``where`` and the reason."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: không phải JSON hợp lệ ({exc.msg}, vị trí {exc.pos})") from None
    try:
        return AccessLabel.from_record(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: {exc}") from None


def read_access_file(path: Path) -> AccessLabel:
    """One ``access.yaml``; ValueError naming the file and the reason."""
    try:
        value = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: không đọc được ({type(exc).__name__})") from None
    try:
        return AccessLabel.from_record(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from None


class FolderLabels:
    """The nearest ``access.yaml`` of each folder, read once per run."""

    def __init__(self) -> None:
        self._by_dir: dict[Path, AccessLabel | ValueError | None] = {}

    def nearest(self, path: Path) -> AccessLabel | None:
        """The label of the nearest access.yaml above ``path``; raises ValueError when that file is broken."""
        folder = Path(path).resolve().parent
        found = self._lookup(folder)
        if isinstance(found, ValueError):
            raise found
        return found

    def _lookup(self, folder: Path) -> AccessLabel | ValueError | None:
        if folder in self._by_dir:
            return self._by_dir[folder]
        candidate = folder / ACCESS_FILE
        result: AccessLabel | ValueError | None
        if candidate.is_file():
            try:
                result = read_access_file(candidate)
            except ValueError as exc:
                result = exc
        else:
            result = None if folder.parent == folder else self._lookup(folder.parent)
        self._by_dir[folder] = result
        return result


def labelled(items: Iterable[Document | Rejection], given: AccessLabel | None = None,
             default: AccessLabel | None = None, folders: bool = True) -> Iterator[Document | Rejection]:
    """Each document with its label by the precedence above; ``default`` None keeps the connector's own
    (public for files). ``folders`` False skips access.yaml (an upload's temporary folder has none to read)."""
    labels = FolderLabels()
    for item in items:
        if isinstance(item, Rejection) or item.kind in OWN_LABEL_KINDS:
            yield item
            continue
        label = given
        if label is None and folders and item.source:
            try:
                label = labels.nearest(Path(item.source.split("#", 1)[0]))
            except ValueError as exc:
                yield Rejection(item.source, f"nhãn truy cập không hợp lệ: {exc}")
                continue
        label = label or default
        yield item if label is None or label == item.access else dataclasses.replace(item, access=label)
