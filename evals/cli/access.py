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
                "leak_details", "per_user", "reach", "seconds", "directory", "config")


def access(
    paths: Annotated[list[Path] | None, typer.Option("--paths", help="Kho để lập chỉ mục và thăm dò (lặp lại được; "
                                                                     "mặc định data/warehouse, data/samples)")] = None,
    probes: Annotated[Path | None, typer.Option("--probes", help="Tệp JSONL các câu thăm dò")] = None,
    planted: Annotated[bool, typer.Option("--planted/--no-planted",
                                          help="Lập chỉ mục một văn bản công khai có chỉ dẫn chèn vào")] = True,
    anonymous: Annotated[bool, typer.Option("--anonymous/--no-anonymous",
                                            help="Thăm dò cả với tư cách khách chưa đăng nhập")] = True,
    people: Annotated[str, typer.Option("--people", help="Người dùng lấy từ đâu: file (tệp người dùng) hoặc slapd "
                                                         "(danh bạ LDAP thật của Debian, khởi động cho lần chạy, "
                                                         "các mục sinh từ tệp người dùng, ánh xạ bằng tệp ánh xạ)")
                      ] = "file",
    limit: LimitOpt = 0,
    out: OutOpt = None,
    cache_queries: CacheOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Hỏi các câu thăm dò với tư cách từng người dùng demo; đếm câu trả lời, trích dẫn, trích đoạn lộ nội dung họ
    không được xem."""
    import secrets
    from contextlib import ExitStack

    from assistant.service.credentials import create_api_key
    from connectors.auto import iter_sources
    from core.access import load_users
    from core.documents import Document
    from core.errors import ConfigurationError
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

    if people not in ("file", "slapd"):
        fail(f"--people phải là file hoặc slapd, có {people!r}")
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
        directory_report: dict[str, Any] | None = None
        if directory is not None:  # everyone signed in through slapd: the principals the directory makes
            from evals.access_directory import sign_in_everyone

            signed_in, directory_report = sign_in_everyone(store.runtime.people(), directory)
            if directory_report["wrong"]:
                fail("danh bạ: " + "; ".join(f"{w['id']}: {w['problem']}" for w in directory_report["wrong"]))
            principals = probe_principals(signed_in, anonymous)
            admin = next(p.user_id for p in signed_in if "admin" in p.roles)
        else:
            principals = probe_principals([u.principal() for u in store.runtime.users().values()], anonymous)
            admin = next(u.id for u in store.runtime.users().values() if "admin" in u.roles)
        asked = AskerRequests()  # the probe clients' own URLs: masked in their own request log lines only
        openai, tasks = OpenAIRouteChannel(store.runtime, asked), TasksRouteChannel(store.runtime, asked)
        try:
            key = create_api_key(store.runtime.sessions, f"eval-uploads-{secrets.token_hex(4)}", user_id=admin)
            uploads = upload_documents(openai.client, {"X-API-Key": key})
            chunks = source_chunks([*documents, *extra, *uploads], settings.max_chunk_chars)
            with captured_logs(asked) as logs:
                channels = {"library": LibraryChannel(store.runtime.answerer()), "openai": openai,
                            "documents": DocumentsRouteChannel(openai), "tasks": tasks}
                result = run_access(None, principals, probe_rows, chunks, channels=channels, logs=logs)
            if directory_report is not None:
                result["directory"] = directory_report
            return result
        finally:
            openai.close()
            tasks.close()

    with ExitStack() as stack:
        directory = None
        if people == "slapd":
            from evals.access_directory import slapd_settings

            try:
                settings, directory = stack.enter_context(slapd_settings(settings, load_users(settings.users_file)))
            except (ImportError, RuntimeError, ConfigurationError) as exc:
                fail(f"không khởi động được danh bạ slapd (cần gói Debian slapd, ldap-utils và thư mục tests/ của "
                     f"mã nguồn): {exc}")
        store = open_eval_store(settings, paths, kind="auto", extra=extra, cache_queries=cache_queries)
        data = run_on_store(store, run)
    data["config"] = run_config(settings, corpus_hash=store.corpus_hash, corpus=store.sources,
                                questions=str(probes or DEFAULT_PROBES), planted=planted,
                                query_cache=cache_queries, people=people)
    lines = [f"{data['probes']} câu thăm dò × {data['users']} người dùng = {data['asks']} câu trả lời · "
             f"rò rỉ: {data['leaks']} · {data['seconds']} giây"]
    if "directory" in data:
        lines.append(f"người dùng từ danh bạ slapd: {data['directory']['signed_in']}/{data['directory']['people']} "
                     f"đăng nhập qua LDAP, đúng đơn vị và vai trò theo tệp ánh xạ")
    lines += [f"RÒ RỈ {x['user']} · {x['probe']} · {x['where']}: {x['what']} «{x['evidence']}»"
              for x in data["leak_details"]]
    finish(data, out_dir(settings, out, "access"), as_json, SUMMARY_KEYS, "\n".join(lines))
    if data["leaks"]:
        raise typer.Exit(1)
