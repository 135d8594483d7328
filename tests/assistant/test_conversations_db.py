"""The service's SQL records: tables created safely when several processes start against one database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_processes_starting_together_all_get_the_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    code = ("import sys; from assistant.db import make_engine; from sqlalchemy import inspect;"
            "e = make_engine(sys.argv[1]); print(sorted(inspect(e).get_table_names()))")
    procs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _, err in outputs]
    for out, _ in outputs:
        assert "conversations" in out and "audit" in out
