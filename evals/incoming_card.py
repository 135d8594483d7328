"""The incoming-document card against hand-read truth: requests, the units named in them and their deadlines.

    python -m evals.incoming_card [--shared ../shared] [--dev ../shared/data/official-docs-dev] [-v]

The set (``evals/data/incoming/``): 32 + 8 letters, decisions, plans, notices and a công điện written for
this eval on the model of real Hà Tĩnh and Quảng Ngãi documents, plus the real 731 plan of
``../shared/corpus/legal`` (scored on its "VI. Tổ chức thực hiện", the part that assigns work in running text).
``truth.jsonl`` was written by hand from reading each document, before and apart from the code: per request a
few words that start it (``anchor``), the units it names to lead and to support (canonical names of the unit
list), and its due date (``null`` when the document gives none, or one that cannot be dated without the day the
letter arrived). Rows with ``"split": "heldout"`` were written after the reader's rules were set and are
printed apart from the development rows the rules were tuned on.

Scores, micro over the documents of each split: a card's request is right when its text holds a true request's
anchor (each matched once); units are (request, unit) pairs, role-blind ("unit") and lead only ("lead");
deadlines are (request, due date) pairs over requests that have one. Header fields (số hiệu, ngày, độ khẩn) are
counted on the written set. ``--dev`` also reads the real scans of ``official-docs-dev`` (OCR, slow) and scores
the card's header fields against that folder's truth, as ``evals.header_fields`` judges them.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from assistant.correspondence.incoming import build_card, read_incoming
from core.units import unit_directory
from core.vietnamese import fold

DATA = Path(__file__).resolve().parent / "data" / "incoming"
MAX_BYTES = 64 * 1024 * 1024


def _norm(text: str) -> str:
    return " ".join(fold(text).split())


def _path(name: str, shared: Path) -> Path:
    return shared / name.removeprefix("shared:") if name.startswith("shared:") else DATA / name


def _pr(right: int, predicted: int, expected: int) -> dict[str, float | int]:
    return {"right": right, "predicted": predicted, "expected": expected,
            "precision": round(right / predicted, 4) if predicted else 1.0,
            "recall": round(right / expected, 4) if expected else 1.0}


def score_document(truth: dict[str, Any], card: dict[str, Any]) -> dict[str, Any]:
    """Counts for one document and what went wrong, for ``-v``."""
    predicted = card["requests"]
    if truth.get("scope"):
        predicted = [r for r in predicted if (r["place"].get("cite") or "").startswith(truth["scope"])]
    free = list(range(len(predicted)))
    pairs: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    for want in truth["requests"]:
        anchor = _norm(want["anchor"])
        hit = next((i for i in free if anchor in _norm(predicted[i]["text"])), None)
        if hit is not None:
            free.remove(hit)
        pairs.append((want, predicted[hit] if hit is not None else None))
    extra = [predicted[i] for i in free]
    c = {k: 0 for k in ("req_right", "unit_right", "unit_pred", "unit_exp", "lead_right", "lead_pred", "lead_exp",
                        "due_right", "due_pred", "due_exp")}
    problems: list[str] = []
    c["req_pred"], c["req_exp"] = len(predicted), len(truth["requests"])
    for want, got in pairs:
        exp_units = set(want["lead"]) | set(want["support"])
        c["unit_exp"] += len(exp_units)
        c["lead_exp"] += len(want["lead"])
        c["due_exp"] += want["due"] is not None
        if got is None:
            problems.append(f"missed «{want['anchor']}»")
            continue
        c["req_right"] += 1
        lead = {u["name"] for u in got["lead"]}
        units = lead | {u["name"] for u in got["support"]}
        c["unit_pred"] += len(units)
        c["unit_right"] += len(units & exp_units)
        c["lead_pred"] += len(lead)
        c["lead_right"] += len(lead & set(want["lead"]))
        due = got["deadline"]["due"]
        c["due_pred"] += due is not None
        c["due_right"] += due is not None and due == want["due"]
        if units != exp_units or lead != set(want["lead"]):
            problems.append(f"units «{want['anchor']}»: {sorted(lead)} + {sorted(units - lead)} "
                            f"(truth {want['lead']} + {want['support']})")
        if due != want["due"]:
            problems.append(f"due «{want['anchor']}»: {due} «{got['deadline']['text']}» (truth {want['due']})")
    for got in extra:
        names = {u["name"] for u in got["lead"]} | {u["name"] for u in got["support"]}
        c["unit_pred"] += len(names)
        c["lead_pred"] += len(got["lead"])
        c["due_pred"] += got["deadline"]["due"] is not None
        problems.append(f"extra «{got['text'][:70]}»")
    header = card["header"]
    for name in ("so_hieu", "ngay_ban_hanh", "do_khan"):
        c[f"h_{name}"] = (header.get(name) or {}).get("value") == truth.get(name)
        if not c[f"h_{name}"]:
            problems.append(f"{name}: {(header.get(name) or {}).get('value')!r} (truth {truth.get(name)!r})")
    return {"counts": c, "problems": problems}


def measure(shared: Path) -> dict[str, Any]:
    rows = [json.loads(x) for x in (DATA / "truth.jsonl").read_text("utf-8").splitlines() if x.strip()]
    units = unit_directory()
    details = []
    started = time.perf_counter()
    for row in rows:
        path = _path(row["file"], shared)
        doc = read_incoming(path.name, path.read_bytes(), MAX_BYTES)
        card = build_card(doc, units, file=path.name).to_dict()
        scored = score_document(row, card)
        details.append({"file": row["file"], **scored})
    out: dict[str, Any] = {"documents": len(rows), "seconds": round(time.perf_counter() - started, 1),
                           "details": details, "load_average": os.getloadavg()}
    for split in ("dev", "heldout", "all"):
        chosen = [d for d, r in zip(details, rows, strict=True) if split == "all" or r.get("split", "dev") == split]
        t = {k: sum(int(d["counts"][k]) for d in chosen) for k in (chosen[0]["counts"] if chosen else {})}
        if not t:
            continue
        out[split] = {"documents": len(chosen),
                      "requests": _pr(t["req_right"], t["req_pred"], t["req_exp"]),
                      "units": _pr(t["unit_right"], t["unit_pred"], t["unit_exp"]),
                      "lead_units": _pr(t["lead_right"], t["lead_pred"], t["lead_exp"]),
                      "deadlines": _pr(t["due_right"], t["due_pred"], t["due_exp"]),
                      "header": {k[2:]: t[k] for k in t if k.startswith("h_")}}
    return out


def measure_dev(folder: Path) -> dict[str, Any]:
    """The card's header fields on the real scans, judged as ``evals.header_fields`` judges them."""
    from connectors.extraction_child import ExtractionChild
    from connectors.extraction_limits import ExtractionLimits
    from core.errors import RejectedInput
    from evals.header_fields import FIELDS, judge

    rows = [json.loads(x) for x in (folder / "truth.jsonl").read_text("utf-8").splitlines() if x.strip()]
    units = unit_directory()
    counts = {f: {"right": 0, "wrong": 0, "unread": 0} for f in (*FIELDS, "do_khan")}
    signed = 0
    started = time.perf_counter()
    failed = []
    with ExtractionChild(ExtractionLimits(timeout_s=1800.0)) as child:  # a shared, loaded machine: no cut-off
        for row in rows:
            path = folder / row["file"]
            try:
                doc = read_incoming(path.name, path.read_bytes(), MAX_BYTES, child)
            except RejectedInput as exc:  # counted unread, field by field
                failed.append(f"{row['file']}: {exc}")
                for f in counts:
                    counts[f]["unread" if row.get(f) is not None or f != "do_khan" else "right"] += 1
                continue
            card = build_card(doc, units, file=path.name).to_dict()
            signed += bool(card["ky_so"])
            for f in counts:
                read = (card["header"].get(f) or {}).get("value")
                if f == "do_khan" and row.get(f) is None:
                    counts[f]["right" if read is None else "wrong"] += 1
                    continue
                counts[f][judge(row.get(f), read)] += 1
    return {"documents": len(rows), "fields": counts, "ky_so_read": signed, "failed": failed,
            "seconds": round(time.perf_counter() - started, 1), "load_average": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--dev", type=Path, help="also score header fields on these real scans (OCR)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    result = measure(args.shared)
    if args.verbose:
        for d in result["details"]:
            for p in d["problems"]:
                print(f"{d['file']}: {p}")
    print(f"documents {result['documents']} ({result['seconds']} s, load {os.getloadavg()[0]:.1f})")
    titles = {"dev": "development set (the reader's rules were tuned on it)",
              "heldout": "held-out set (written after the rules were set)", "all": "all"}
    for split in ("dev", "heldout", "all"):
        if split not in result:
            continue
        part = result[split]
        print(f"-- {titles[split]}: {part['documents']} documents")
        for name in ("requests", "units", "lead_units", "deadlines"):
            r = part[name]
            print(f"   {name:<11} precision {r['precision']:.3f} recall {r['recall']:.3f} "
                  f"(right {r['right']}, predicted {r['predicted']}, expected {r['expected']})")
        print("   header right: " + ", ".join(f"{k} {v}/{part['documents']}" for k, v in part["header"].items()))
    if args.dev:
        dev = measure_dev(args.dev)
        result["dev"] = dev
        print(f"dev scans {dev['documents']} ({dev['seconds']} s, load {os.getloadavg()[0]:.1f}): ký số read on "
              f"{dev['ky_so_read']}; not read: {dev['failed'] or 'none'}")
        for f, c in dev["fields"].items():
            print(f"  {f:<18} right {c['right']:>3} wrong {c['wrong']:>3} unread {c['unread']:>3}")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")


if __name__ == "__main__":
    main()
