"""The service's SQL records: tables created safely when several processes start against one database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_processes_starting_together_all_get_the_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    code = ("import sys; from assistant.service.db import make_engine; from sqlalchemy import inspect;"
            "e = make_engine(sys.argv[1]); print(sorted(inspect(e).get_table_names()))")
    procs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _, err in outputs]
    for out, _ in outputs:
        assert "conversations" in out and "audit" in out


def test_a_new_conversation_is_stored_only_with_its_first_whole_exchange(tmp_path: Path) -> None:
    import pytest

    from assistant.service.conversations import ConversationNotFound, ConversationStore, Turn
    from assistant.service.db import open_sessions

    store = ConversationStore(open_sessions(f"sqlite:///{tmp_path / 'c.sqlite'}"))
    conv, new = store.reserve("vp.nguyenvana", None)
    assert new and store.list("vp.nguyenvana") == []  # reserved, nothing written (an answer may never finish)
    exchange = [Turn("user", "Lệ phí cấp phép là bao nhiêu?"), Turn("assistant", "Miễn lệ phí [1].", answer_id="a1")]
    store.append_exchange("vp.nguyenvana", conv, exchange, new=True, title="Lệ phí cấp phép")
    assert [c["title"] for c in store.list("vp.nguyenvana")] == ["Lệ phí cấp phép"]
    assert [t.role for t in store.history("vp.nguyenvana", conv)] == ["user", "assistant"]
    assert store.reserve("vp.nguyenvana", conv) == (conv, False)
    with pytest.raises(ConversationNotFound):
        store.reserve("syt.lethicuc", conv)  # another person's id is unknown to them
    with pytest.raises(ConversationNotFound):
        store.append_exchange("syt.lethicuc", conv, exchange, new=False)
    assert len(store.history("vp.nguyenvana", conv)) == 2

    store.delete("vp.nguyenvana", conv)  # deleted while an answer was being written: it stays deleted
    store.append_exchange("vp.nguyenvana", conv, exchange, new=False)
    assert store.list("vp.nguyenvana") == []


def test_sqlite_connections_use_wal_with_normal_sync(tmp_path: Path) -> None:
    """Every pooled SQLite connection: WAL, synchronous=NORMAL (1; commits atomic, fsync at checkpoints: the
    documented choice in ``make_engine``), foreign keys on."""
    from sqlalchemy import text

    from assistant.service.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'sync.sqlite'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
