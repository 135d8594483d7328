"""Differences between two runs: every numeric metric side by side with its delta, and what changed in the
configuration (models, settings, corpus, commit)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_CONFIG_KEYS = ("git_commit", "backend", "corpus_hash", "models", "settings", "user", "split", "limit")
_IGNORED_SETTINGS = {"data_dir", "embedding_cache_path", "collection", "qdrant_path"}


def load_run(path: Path) -> dict[str, Any]:
    """A run folder (with run.json) or a run JSON file."""
    path = Path(path)
    file = path / "run.json" if path.is_dir() else path
    if not file.is_file():
        raise FileNotFoundError(f"không tìm thấy kết quả chạy: {file}")
    return json.loads(file.read_text(encoding="utf-8"))


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    else:
        out[prefix] = data
    return out


def compare_runs(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    ma, mb = flatten(a.get("metrics") or {}), flatten(b.get("metrics") or {})
    for key in ("queries", "leaks", "seconds"):
        if key in a or key in b:
            ma.setdefault(key, a.get(key))
            mb.setdefault(key, b.get(key))
    deltas: dict[str, dict[str, Any]] = {}
    for key in sorted(set(ma) | set(mb)):
        va, vb = ma.get(key), mb.get(key)
        is_num = [isinstance(v, int | float) and not isinstance(v, bool) for v in (va, vb)]
        numeric = all(is_num)
        if any(is_num):
            deltas[key] = {"a": va, "b": vb, "delta": round(vb - va, 4) if numeric else None}
    ca = flatten({k: (a.get("config") or {}).get(k) for k in _CONFIG_KEYS})
    cb = flatten({k: (b.get("config") or {}).get(k) for k in _CONFIG_KEYS})
    changes = {k: {"a": ca.get(k), "b": cb.get(k)} for k in sorted(set(ca) | set(cb))
               if ca.get(k) != cb.get(k) and k.split(".")[-1] not in _IGNORED_SETTINGS}
    return {"kind_a": a.get("kind"), "kind_b": b.get("kind"), "deltas": deltas, "config_changes": changes}


def render(diff: dict[str, Any], only_changed: bool = False) -> str:
    lines = [f"A: {diff['kind_a']}   B: {diff['kind_b']}", "",
             f"{'metric':<36}{'A':>12}{'B':>12}{'Δ (B−A)':>12}"]
    for key, row in diff["deltas"].items():
        if only_changed and row["delta"] == 0:
            continue
        delta = row["delta"]
        mark = "" if delta in (None, 0) else ("  ▲" if delta > 0 else "  ▼")
        lines.append(f"{key:<36}{_s(row['a']):>12}{_s(row['b']):>12}{_s(delta, signed=True):>12}{mark}")
    if diff["config_changes"]:
        lines += ["", "configuration changes:"]
        lines += [f"  {k}: {v['a']!r} → {v['b']!r}" for k, v in diff["config_changes"].items()]
    return "\n".join(lines)


def _s(value: Any, signed: bool = False) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:+.4f}" if signed else f"{value:.4f}"
    return f"{value:+d}" if signed and isinstance(value, int) else str(value)
