"""The secrecy gate against an adversary (issue 28), not a test: how many generated stamped files are kept out
of the index, per half, and how many ordinary documents are refused or held.

    python benchmarks/stamp_gate.py [--shared ../shared] [--skip-scans] [--keep DIR]

The stamped set is ``benchmarks/stamped_files.py`` (written into a temporary folder, or ``--keep DIR``). Each
file goes the way an upload goes: ``connectors.files.FolderConnector`` (the extraction child, OCR included) and
then the indexer's gate. Controls, which must give 0 refusals and 0 holds: the 13 laws
(``corpus/laws``), the 731 plan (``corpus/legal/731-KH-UBND-2025-ha-tinh.txt``), the ALQAC corpus
(``benchmarks/alqac24_25/corpus.jsonl``), the TTHC records (``corpus/tthc``, ``corpus/tthc-province``) and the
real scanned PDFs of ``data/official-docs-dev`` (OCR: about a minute; ``--skip-scans`` leaves them out).
Prints one line per half and per control set, and every miss or false stop by name.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.stamped_files import generate  # noqa: E402
from connectors.base import Rejection  # noqa: E402
from connectors.files import FolderConnector  # noqa: E402
from core.documents import Document  # noqa: E402


def gate_verdict(doc: Document) -> str:
    """What the indexer's gate does with ``doc``: "refused", "held" or "indexed"."""
    from core import secrecy

    if hasattr(secrecy, "gate_decision"):
        decision = secrecy.gate_decision(doc)
        return decision.action if decision else "indexed"
    return "refused" if secrecy.document_stamp(doc) else "indexed"


def verdicts(paths: list[Path]) -> dict[str, Counter]:
    """Per source file: how many of its documents were refused, held, indexed, or rejected by the reader."""
    out: dict[str, Counter] = {}
    for item in FolderConnector(paths).documents():
        source = Path(item.path if isinstance(item, Rejection) else (item.source or item.doc_id)).name
        verdict = "reader" if isinstance(item, Rejection) else gate_verdict(item)
        out.setdefault(source, Counter())[verdict] += 1
    return out


def stamped(out_dir: Path) -> int:
    cases = generate(out_dir)
    by_name = verdicts([out_dir / c.name for c in cases])
    misses = 0
    for half in ("tune", "held-out"):
        mine = [c for c in cases if c.half == half]
        total = Counter()
        for c in mine:
            got = by_name.get(c.name, Counter({"missing": 1}))
            total.update({k: 1 for k in got if got[k]} if len(got) > 1 else got)
            if got.get("indexed"):
                misses += 1
                print(f"  MISS {half}: {c.name} ({c.form}) indexed")
        kept = len(mine) - sum(1 for c in mine if by_name.get(c.name, Counter()).get("indexed"))
        print(f"stamped {half:8s}: {kept}/{len(mine)} kept out of the index "
              f"(refused {total['refused']}, held {total['held']}, reader rejected {total['reader']})")
    return misses


def controls(shared: Path, skip_scans: bool) -> int:
    sets = {
        "13 laws": [shared / "corpus/laws"],
        "731 plan": [shared / "corpus/legal/731-KH-UBND-2025-ha-tinh.txt"],
        "ALQAC corpus": [shared / "benchmarks/alqac24_25/corpus.jsonl"],
        "TTHC records": [shared / "corpus/tthc", shared / "corpus/tthc-province"],
    }
    if not skip_scans:
        sets["official-docs-dev"] = sorted((shared / "data/official-docs-dev").glob("*.pdf"))
    stops = 0
    for label, paths in sets.items():
        started = time.perf_counter()
        by_source = verdicts(paths)
        total = Counter()
        for source, got in sorted(by_source.items()):
            total.update(got)
            for verdict in ("refused", "held"):
                if got[verdict]:
                    stops += got[verdict]
                    print(f"  FALSE {verdict.upper()}: {label}: {source}")
        print(f"control {label}: {sum(total.values())} documents, refused {total['refused']}, held {total['held']}, "
              f"indexed {total['indexed']}, reader rejected {total['reader']} ({time.perf_counter() - started:.0f} s)")
    return stops


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--skip-scans", action="store_true", help="leave out the OCR'd official-docs-dev PDFs")
    parser.add_argument("--keep", type=Path, help="write the stamped files here instead of a temporary folder")
    parser.add_argument("--stamped-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        misses = stamped(args.keep or Path(tmp))
    stops = 0 if args.stamped_only else controls(args.shared, args.skip_scans)
    print(json.dumps({"stamped_indexed": misses, "control_refused_or_held": stops}))
    return 1 if misses or stops else 0


if __name__ == "__main__":
    raise SystemExit(main())
