"""``assistant eval access``: probe as every demo user for text they may not see (exit 1 on a leak)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from core.settings import REPO_ROOT, Settings
from evals.cli.common import CacheOpt, JsonOpt, LimitOpt, OutOpt, fail, finish, missing_paths, out_dir, run_on_store

if TYPE_CHECKING:
    from evals.store_cache import EvalStore

SUMMARY_KEYS = ("probes", "users", "asks", "asks_by_channel", "log_lines_checked", "log_lines_asker_url", "leaks",
                "leak_details", "per_user", "reach", "seconds", "config")


def access(
    paths: Annotated[list[Path] | None, typer.Option("--paths", help="Kho để lập chỉ mục và thăm dò (lặp lại được; "
                                                                     "mặc định data/warehouse, data/samples)")] = None,
    probes: Annotated[Path | None, typer.Option("--probes", help="Tệp JSONL các câu thăm dò")] = None,
    planted: Annotated[bool, typer.Option("--planted/--no-planted",
                                          help="Lập chỉ mục một văn bản công khai có chỉ dẫn chèn vào")] = True,
    anonymous: Annotated[bool, typer.Option("--anonymous/--no-anonymous",
                                            help="Thăm dò cả với tư cách khách chưa đăng nhập")] = True,
    limit: LimitOpt = 0,
    out: OutOpt = None,
    cache_queries: CacheOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Hỏi các câu thăm dò với tư cách từng người dùng demo; đếm câu trả lời, trích dẫn, trích đoạn lộ nội dung họ
    không được xem."""
    import secrets

    from assistant.service.credentials import create_api_key
    from connectors.auto import iter_sources
    from core.documents import Document
    from evals.access_eval import (
        DEFAULT_PROBES,
        PLANTED_DOCUMENTS,
        load_probes,
        probe_principals,
        run_access,
        source_chunks,
    )
    from evals.config import run_config
    from evals.store_cache import open_eval_store

    settings = Settings()
    paths = list(paths or [REPO_ROOT / "data" / "warehouse", REPO_ROOT / "data" / "samples"])
    missing_paths(paths)
    try:
        probe_rows = load_probes(probes or DEFAULT_PROBES)
    except (OSError, ValueError) as exc:
        fail(str(exc))
    probe_rows = probe_rows[:limit] if limit else probe_rows
    from evals.validity_documents import VALIDITY_DOCUMENTS

    # The planted injection, and a public decision replaced by a restricted one (validity notes must not leak).
    extra = [*PLANTED_DOCUMENTS, *VALIDITY_DOCUMENTS] if planted else []
    # Restricted internal files labelled by their folder's access.yaml (uploads follow through the app).
    from evals.access_documents import file_documents, upload_documents

    extra += file_documents()

    def run(store: EvalStore) -> dict[str, Any]:
        from evals.access_channels import (
            AskerRequests,
            DocumentsRouteChannel,
            LibraryChannel,
            OpenAIRouteChannel,
            TasksRouteChannel,
            captured_logs,
        )

        documents = [d for d in iter_sources(paths, "auto", settings.max_file_bytes) if isinstance(d, Document)]
        principals = probe_principals([u.principal() for u in store.runtime.users().values()], anonymous)
        asked = AskerRequests()  # the probe clients' own URLs: masked in their own request log lines only
        openai, tasks = OpenAIRouteChannel(store.runtime, asked), TasksRouteChannel(store.runtime, asked)
        try:
            admin = next(u.id for u in store.runtime.users().values() if "admin" in u.roles)
            key = create_api_key(store.runtime.sessions, f"eval-uploads-{secrets.token_hex(4)}", user_id=admin)
            uploads = upload_documents(openai.client, {"X-API-Key": key})
            chunks = source_chunks([*documents, *extra, *uploads], settings.max_chunk_chars)
            with captured_logs(asked) as logs:
                channels = {"library": LibraryChannel(store.runtime.answerer()), "openai": openai,
                            "documents": DocumentsRouteChannel(openai), "tasks": tasks}
                return run_access(None, principals, probe_rows, chunks, channels=channels, logs=logs)
        finally:
            openai.close()
            tasks.close()

    store = open_eval_store(settings, paths, kind="auto", extra=extra, cache_queries=cache_queries)
    data = run_on_store(store, run)
    data["config"] = run_config(settings, corpus_hash=store.corpus_hash, corpus=store.sources,
                                questions=str(probes or DEFAULT_PROBES), planted=planted,
                                query_cache=cache_queries)
    lines = [f"{data['probes']} câu thăm dò × {data['users']} người dùng = {data['asks']} câu trả lời · "
             f"rò rỉ: {data['leaks']} · {data['seconds']} giây"]
    lines += [f"RÒ RỈ {x['user']} · {x['probe']} · {x['where']}: {x['what']} «{x['evidence']}»"
              for x in data["leak_details"]]
    finish(data, out_dir(settings, out, "access"), as_json, SUMMARY_KEYS, "\n".join(lines))
    if data["leaks"]:
        raise typer.Exit(1)
