"""``assistant search`` and ``assistant ask``: as a user, from this process or through the owning service."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from assistant.cli.common import fail, local_runtime, print_json, reported, service_client
from core.access import load_users
from core.settings import Settings

MODES = ("hybrid", "dense", "sparse")


def check_user(settings: Settings, user: str) -> None:
    """The same message for an unknown user whether the index is local or served."""
    with reported():
        users = load_users(settings.users_file)
    if user not in users:
        fail(f"không có người dùng {user!r} trong {settings.users_file.name}")


def search(
    query: Annotated[str, typer.Argument(help="Câu hỏi / từ khoá")],
    user: Annotated[str, typer.Option("--user", help="Mã người dùng trong tệp người dùng")],
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=50)] = 5,
    mode: Annotated[str, typer.Option(help="hybrid|dense|sparse")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Tìm kiếm với tư cách USER: chỉ ra những gì người đó được xem."""
    if mode not in MODES:
        fail(f"--mode {mode!r} không hợp lệ; chọn hybrid|dense|sparse")
    settings = Settings()
    check_user(settings, user)
    client = service_client(settings)
    if client is not None:
        with client, reported():
            hits = client.search(query, user, top_k, mode)
    else:
        from assistant.api.audit import audited
        from assistant.api.presenters import hit_dict
        from assistant.service.index_owner import IN_PROCESS_VIA

        with local_runtime(settings) as runtime:
            principal = runtime.principal(user)
            # audited as the API's search is: the index opened here is the same index, read as the same person
            with audited(runtime.sessions, principal, IN_PROCESS_VIA, "search", query) as draft:
                found = runtime.retriever().search(query, principal, top_k=top_k, mode=mode)  # type: ignore[arg-type]
                draft.retrieved = [h.chunk_id for h in found]
            hits = [hit_dict(h) for h in found]
    show_hits(hits, as_json)


def show_hits(hits: list[dict[str, Any]], as_json: bool) -> None:
    rows = [{"chunk_id": h["chunk_id"], "doc_id": h["doc_id"], "citation": h["citation"], "score": h["score"],
             "text": h["text"], "access": h["access"]} for h in hits]
    if as_json:
        print_json({"hits": rows})
        return
    if not rows:
        typer.echo("Không tìm thấy kết quả phù hợp.")
    for i, row in enumerate(rows, 1):
        snippet = " ".join(str(row["text"]).split())[:240]
        typer.echo(f"[{i}] {row['citation']}  (điểm {row['score']}, {row['access']})\n    {snippet}")


def ask(
    question: Annotated[str, typer.Argument(help="Câu hỏi")],
    user: Annotated[str, typer.Option("--user", help="Mã người dùng trong tệp người dùng")],
    conversation: Annotated[str | None, typer.Option("--conversation", help="Tiếp tục một hội thoại")] = None,
    in_force_only: Annotated[bool, typer.Option("--in-force-only")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Hỏi với tư cách USER; câu trả lời trích dẫn đúng văn bản, điều, khoản."""
    settings = Settings()
    check_user(settings, user)
    client = service_client(settings)
    if client is not None:
        with client, reported():
            result = client.ask(question, user, conversation, in_force_only)
    else:
        from assistant.api.audit import audited, fill_audit
        from assistant.search.retrieval import Filters
        from assistant.service.conversations import Channel
        from assistant.service.index_owner import IN_PROCESS_VIA

        with local_runtime(settings) as runtime:
            principal = runtime.principal(user)
            # one audit row as the API's ask writes (who, what was retrieved and cited, outcome), "via" the
            # command line: a question asked at the server's terminal is not missing from the trail
            with audited(runtime.sessions, principal, IN_PROCESS_VIA, "ask", question) as draft:
                answer = runtime.answerer().ask(question, principal, conversation,
                                                Filters(in_force_only=in_force_only), Channel.CLI)
                fill_audit(draft, answer)
            if pending := runtime.backlog.count():  # an index whose filling was interrupted: said, as the API does
                from assistant.api.routes_ask import DENSE_PENDING

                answer.warnings.append(DENSE_PENDING.format(pending=f"{pending:,}".replace(",", ".")))
            result = answer.as_dict()
    show_answer(result, as_json)


CITATION_KEYS = ("marker", "doc_id", "citation", "quote", "title", "so_hieu", "validity")
SOURCE_KEYS = ("marker", "chunk_id", "doc_id", "citation", "title", "validity", "score")


def show_answer(result: dict[str, Any], as_json: bool) -> None:
    """``result`` has the shape of ``AnswerResult.as_dict()`` (which the API's answer also has)."""
    if as_json:
        print_json({**result, "citations": [{k: c[k] for k in CITATION_KEYS} for c in result["citations"]],
                    "sources": [{k: s[k] for k in SOURCE_KEYS} for s in result["sources"]]})
        return
    table = result.get("table") or (result.get("record") or {}).get("table")
    if table and result["citations"]:  # a long task answer: the header line, the rows as a table, the page
        from assistant.tasks import format_table

        typer.echo(result["answer"].split("\n", 1)[0] + "\n")
        typer.echo(format_table(table))
        typer.echo(f"\nNguồn: mỗi số [n] là một dòng của {result['citations'][0]['citation'].split(' — ', 1)[-1]}"
                   " (xem đầy đủ: trang «Nhiệm vụ của đơn vị» hoặc `assistant tasks`).")
        typer.echo(f"\n(hội thoại: {result['conversation_id']})", err=True)
        return
    typer.echo(result["answer"])
    for warning in result.get("warnings") or []:  # e.g. vectors still being filled in, the model's fallback
        if warning not in result["answer"]:
            typer.echo(f"\n{warning}")
    if result["citations"]:
        typer.echo("\nNguồn:")
        for c in result["citations"]:
            typer.echo(f"[{c['marker']}] {c['citation']}\n    «{c['quote']}»")
    elif result["refused"] and result["sources"]:
        typer.echo("\nNguồn gần nhất:")
        for s in result["sources"][:5]:
            typer.echo(f"- {s['citation']}")
    typer.echo(f"\n(hội thoại: {result['conversation_id']})", err=True)
