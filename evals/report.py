"""Reports in the output folder: ``run.json`` (machines), ``report.md`` (people), PNG charts (matplotlib)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

RETRIEVAL_KEYS = ("recall@1", "recall@5", "recall@10", "recall@100", "mrr@10", "ndcg@10", "f2", "p50_ms", "p95_ms")


def write_report(out_dir: Path, data: dict[str, Any]) -> dict[str, Path]:
    """Write every artefact for one run; returns {name: path}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "run.json", "markdown": out_dir / "report.md"}
    paths["json"].write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    paths.update(_charts(out_dir, data))
    paths["markdown"].write_text(markdown(data, charts=[p.name for k, p in paths.items() if k.startswith("png")]),
                                 encoding="utf-8")
    return paths


# -- charts --------------------------------------------------------------------------------------------------
def _charts(out_dir: Path, data: dict[str, Any]) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    curves = data.get("recall_curve") or {}
    if any(curves.values()):
        fig, ax = plt.subplots(figsize=(6, 4))
        for mode, curve in curves.items():
            if curve:
                ax.plot(range(1, len(curve) + 1), curve, label=mode)
        ax.set_xscale("log")
        ax.set_xlabel("k")
        ax.set_ylabel("recall@k")
        ax.set_ylim(0, 1.02)
        ax.grid(True, alpha=0.3)
        ax.legend()
        ax.set_title("Recall@k")
        paths["png_recall"] = _save(fig, out_dir / "recall_at_k.png")
    by_type = (data.get("metrics") or {}).get("by_type") or {}
    if by_type:
        fig, ax = plt.subplots(figsize=(6, 4))
        names, values, notes = [], [], []
        for qtype, entry in by_type.items():
            value = entry.get("accuracy") if "accuracy" in entry else entry.get("f1")
            names.append(f"{qtype}\n({'accuracy' if 'accuracy' in entry else 'token F1'}, n={entry.get('n')})")
            values.append(value or 0.0)
            notes.append("n/a" if value is None else f"{value:.2f}")
        bars = ax.bar(names, values, color="#3b7dd8")
        for bar, note in zip(bars, notes, strict=True):
            ax.annotate(note, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom")
        ax.set_ylim(0, 1.1)
        ax.set_title(f"Accuracy by question type ({data.get('backend', '')})")
        paths["png_types"] = _save(fig, out_dir / "accuracy_by_type.png")
    latencies = data.get("latencies_ms") or {}
    if any(latencies.values()):
        fig, ax = plt.subplots(figsize=(6, 4))
        for name, values in latencies.items():
            if values:
                ax.hist(values, bins=30, alpha=0.55, label=name)
        ax.set_xlabel("ms")
        ax.set_ylabel("queries")
        ax.legend()
        ax.set_title("Latency")
        paths["png_latency"] = _save(fig, out_dir / "latency.png")
    rows = data.get("per_question") or []
    if data.get("kind") == "refusal" and rows:
        fig, ax = plt.subplots(figsize=(6, 4))
        for should, colour, label in ((False, "#2a9d8f", "answerable"), (True, "#e76f51", "unanswerable")):
            pts = [r["evidence"] for r in rows if r["should_refuse"] == should and r.get("evidence")]
            ax.scatter([p["similarity"] for p in pts], [p["coverage"] for p in pts], s=12, c=colour, label=label)
        th = data.get("thresholds") or {}
        if th:
            ax.axvline(th["refusal_min_similarity"], color="grey", ls="--", lw=1)
            ax.axhline(th["refusal_min_coverage"], color="grey", ls="--", lw=1)
        ax.set_xlabel("best dense similarity")
        ax.set_ylabel("query-term coverage")
        ax.legend()
        ax.set_title("Evidence (answer iff right of or above a line)")
        paths["png_evidence"] = _save(fig, out_dir / "evidence.png")
    return paths


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# -- markdown ------------------------------------------------------------------------------------------------
def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value else "0"
    return str(value)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in rows]
    return lines


def _config_block(config: dict[str, Any]) -> list[str]:
    if not config:
        return []
    s = config.get("settings") or {}
    rows = [
        ["git commit", f"{config.get('git_commit', '?')}{' (dirty)' if config.get('git_dirty') else ''}"],
        ["created", config.get("created_at", "")],
        ["embedder", (config.get("models") or {}).get("embedder")],
        ["reranker", (config.get("models") or {}).get("reranker")],
        ["LLM backend", config.get("backend")],
        ["LLM model", (config.get("models") or {}).get("llm_model")],
        ["corpus hash", config.get("corpus_hash")],
        ["corpus", ", ".join(config.get("corpus") or [])],
        ["vector store / fusion", f"{s.get('vector_store')} / {s.get('fusion')}"],
        ["segmenter", s.get("segmenter")],
        ["refusal thresholds (similarity, coverage)",
         f"{s.get('refusal_min_similarity')}, {s.get('refusal_min_coverage')}"],
    ]
    for key in ("user", "split", "limit", "bench", "questions"):
        if key in config:
            rows.append([key, config[key]])
    return ["## Configuration", "", *_table(["", ""], rows), ""]


def markdown(data: dict[str, Any], charts: list[str] | None = None) -> str:
    kind = data.get("kind", "run")
    lines = [f"# Evaluation report: {kind}", ""]
    metrics = data.get("metrics") or {}
    if kind == "retrieval":
        lines += [f"{data.get('queries')} queries ({data.get('judged_queries')} judged), "
                  f"{data.get('seconds')} s; F2 at k = {data.get('f2_k')}.", ""]
        lines += _table(["mode", *RETRIEVAL_KEYS], [[m, *(v.get(k) for k in RETRIEVAL_KEYS)]
                                                    for m, v in metrics.items()])
        fails = data.get("failures") or []
        if fails:
            lines += ["", "## Hybrid misses (relevant article not in the top 10)", ""]
            lines += [f"- `{f['query_id']}` {f['text'][:140]} — relevant {', '.join(f['relevant'])}; "
                      f"got {', '.join(f['top3'])}" for f in fails]
    elif kind == "qa":
        lines += [f"{data.get('queries')} questions, backend `{data.get('backend')}`, {data.get('seconds')} s.", ""]
        rows = []
        for qtype, e in (metrics.get("by_type") or {}).items():
            rows.append([qtype, e.get("n"), e.get("accuracy"), e.get("em"), e.get("f1"), e.get("refusal_rate"),
                         e.get("note", "")])
        lines += _table(["type", "n", "accuracy", "EM", "token F1", "refusal rate", "note"], rows)
        lines += ["", *_table(["metric", "value"], [[k, v] for k, v in metrics.items() if k != "by_type"])]
    elif kind == "refusal":
        lines += [f"{metrics.get('answerable')} answerable + {metrics.get('unanswerable')} unanswerable questions, "
                  f"{data.get('seconds')} s. Positive class: *should refuse*.", ""]
        lines += _table(["metric", "value"], [[k, v] for k, v in metrics.items()])
        errors = data.get("errors") or []
        if errors:
            lines += ["", "## Errors", ""]
            lines += [f"- {'missed refusal' if e['should_refuse'] else 'false refusal'}: {e['text'][:140]} "
                      f"(similarity {e['evidence'].get('similarity')}, coverage {e['evidence'].get('coverage')})"
                      for e in errors]
    elif kind == "access":
        lines += [f"**{data.get('leaks')} leaks** in {data.get('asks')} answers "
                  f"({data.get('probes')} probes × {data.get('users')} users), {data.get('seconds')} s.", ""]
        lines += _table(["user", "asks", "refused", "forbidden documents", "leaks"],
                        [[u, s["asks"], s["refused"], s["forbidden_documents"], s["leaks"]]
                         for u, s in (data.get("per_user") or {}).items()])
        reach = (data.get("reach") or {}).get("targets") or {}
        if reach:
            lines += ["", "Probe reach (protected documents an authorised user got as a source): "
                      + ", ".join(f"{d} {'yes' if ok else 'NO'}" for d, ok in reach.items())]
        if data.get("leak_details"):
            lines += ["", "## Leaks", ""]
            lines += [f"- {x['user']} · {x['probe']} · {x['where']}: {x['what']} «{x['evidence']}»"
                      for x in data["leak_details"]]
    else:
        lines += _table(["metric", "value"], [[k, v] for k, v in metrics.items()])
    lines += [""]
    for chart in charts or []:
        lines += [f"![{chart}]({chart})", ""]
    lines += _config_block(data.get("config") or {})
    return "\n".join(lines) + "\n"
