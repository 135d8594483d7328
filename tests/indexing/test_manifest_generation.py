"""``Manifest.generation``: the token readers of every entry (the procedure catalogue) rebuild on must change
after any write, through this handle or through another process's."""

from __future__ import annotations

from pathlib import Path

from indexing.manifest import Manifest


def test_generation_changes_after_a_write_here_or_elsewhere_and_only_then(tmp_path: Path) -> None:
    path = tmp_path / "manifest.sqlite"
    reader, writer = Manifest(path), Manifest(path)  # two handles: as two processes sharing a data dir
    try:
        start = reader.generation()
        assert reader.generation() == start  # reading changes nothing
        reader.mark_pending("a", "a.txt", "legal", "A", "h1", ["a#1"])
        mine = reader.generation()
        assert mine != start
        writer.mark_pending("b", "b.txt", "tthc", "B", "h2", ["b#1"])
        writer.mark_done("b")
        assert reader.generation() != mine
        assert [e.doc_id for e in reader.entries()] == ["a", "b"]
    finally:
        reader.close()
        writer.close()
