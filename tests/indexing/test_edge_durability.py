"""The embedded engine's writes (points, vectors, payload updates, deletions) survive the process dying right
after them (its write-ahead log), so the indexer need not flush the segments after every document."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from core.access import Principal
from indexing.store import SearchFilter
from indexing.stores.edge_store import EdgeStore

REPO = Path(__file__).resolve().parents[2]
WRITER = """
import os, sys, uuid
from indexing.store import SparseVec, StoredPoint
from indexing.stores.edge_store import EdgeStore
store = EdgeStore(sys.argv[1])
store.ensure_collection(4)
store.upsert([StoredPoint(id=str(uuid.uuid5(uuid.NAMESPACE_OID, str(i))), dense=[1.0, 0.0, 0.0, float(i)],
                          sparse=SparseVec([i], [1.0]),
                          payload={"doc_id": f"d{i}", "text": "Điều 1", "access_level": "public"})
              for i in range(50)])
store.set_dense({str(uuid.uuid5(uuid.NAMESPACE_OID, "0")): [0.0, 1.0, 0.0, 0.0]})
store.set_payload([str(uuid.uuid5(uuid.NAMESPACE_OID, "1"))], {"hieu_luc": "hết hiệu lực"})
store.delete([str(uuid.uuid5(uuid.NAMESPACE_OID, "2"))])
os._exit(0)  # no flush, no close: as if the process were killed
"""


def test_writes_survive_a_process_that_dies_without_flushing(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", WRITER, str(tmp_path / "shard")], cwd=REPO,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    store = EdgeStore(tmp_path / "shard")
    store.ensure_collection(4)
    assert store.count() == 49
    flt = SearchFilter(principal=Principal(user_id="cv"))
    hits = store.get([str(uuid.uuid5(uuid.NAMESPACE_OID, str(i))) for i in (1, 2)], flt)
    assert [h.payload.get("hieu_luc") for h in hits] == ["hết hiệu lực"]
    store.close()
