"""``assistant users`` and ``assistant apikey``: who may use the service, without opening the index."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import fail, print_json, reported
from assistant.service.db import Sessions, open_sessions
from assistant.service.index_owner import LOCAL_KEY_PREFIX
from core.access import load_users
from core.settings import Settings

users_app = typer.Typer(help="Users of the users file; without a sub-command, list them.", add_completion=False)
apikey_app = typer.Typer(help="Service API keys (stored hashed).", no_args_is_help=True, add_completion=False)


def sessions(settings: Settings) -> Sessions:
    """The service's SQL records: no store, no model, so usable while the API runs."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return open_sessions(settings.sql_url)


@users_app.callback(invoke_without_command=True)
def users(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the users of the users file."""
    if ctx.invoked_subcommand is not None:
        return
    with reported():
        records = load_users(Settings().users_file)
    rows = [r.public_dict() for r in records.values()]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['id']:<16} {row['name']:<28} {row['unit']:<24} {', '.join(row['roles'])}")


def _read_password() -> str:
    if sys.stdin.isatty():
        return typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users_app.command("hash-password")
def hash_password() -> None:
    """Read a password (prompt, or one line on stdin) and print its argon2id hash for the users file."""
    from assistant.service.credentials import hash_password as argon2_hash

    password = _read_password()
    if not password:
        fail("mật khẩu trống")
    typer.echo(argon2_hash(password))


@users_app.command("set-password")
def set_password(
    user_id: Annotated[str, typer.Argument(help="User id in the users file")],
    users_file: Annotated[Path | None, typer.Option("--file", help="Users file (default: $ASSISTANT_USERS_FILE)")]
    = None,
) -> None:
    """Set a person's password (prompt, or one line on stdin): its argon2id hash goes into the users file, and
    every token issued to the person before is revoked."""
    from assistant.service.credentials import bump_token_version
    from assistant.service.credentials import hash_password as argon2_hash
    from assistant.service.users_file import check_new_password, set_password_hash

    settings = Settings()
    path = users_file or settings.users_file
    password = _read_password()
    with reported():
        check_new_password(password)
        set_password_hash(path, user_id, argon2_hash(password))
    bump_token_version(sessions(settings), user_id)
    typer.echo(f"đã đặt mật khẩu cho {user_id} trong {path}; các phiên đăng nhập cũ đã bị thu hồi", err=True)


@users_app.command("erase")
def erase(
    user_id: Annotated[str, typer.Argument(help="The person's user id (need not be in the users file any more)")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
) -> None:
    """Erase a person's records (Nghị định 13/2023): their conversations and feedback are deleted, their audit
    rows pseudonymised, their tokens revoked; the erasure is written to the audit."""
    import getpass

    from assistant.service.credentials import bump_token_version
    from assistant.service.retention import erase_person

    if not yes and not typer.confirm(f"Xoá toàn bộ hội thoại, phản hồi của {user_id} và ẩn danh nhật ký?"):
        raise typer.Exit(1)
    records = sessions(Settings())
    done = erase_person(records, user_id, actor=f"cli:{getpass.getuser()}")
    bump_token_version(records, user_id)
    print_json(done)


@apikey_app.command("create")
def apikey_create(
    name: Annotated[str, typer.Argument(help="Key name, e.g. the calling system: dms")],
    on_behalf: Annotated[bool, typer.Option("--on-behalf", help="May act for users (X-On-Behalf-Of)")] = False,
    user: Annotated[str | None, typer.Option("--user", help="The key's own user id (its unit and roles)")] = None,
    units: Annotated[str | None, typer.Option("--units", help="On-behalf only for people of these units "
                                              "(comma-separated)")] = None,
    users: Annotated[str | None, typer.Option("--users", help="On-behalf only for these user ids "
                                              "(comma-separated)")] = None,
) -> None:
    """Create a key and print it once; only its sha256 is stored."""
    from sqlalchemy.exc import IntegrityError

    from assistant.service.credentials import create_api_key

    settings = Settings()
    if name.startswith(LOCAL_KEY_PREFIX):
        fail(f"tên khoá {name!r} dành cho dịch vụ (tiền tố {LOCAL_KEY_PREFIX})")
    with reported():
        known = load_users(settings.users_file)
    if user is not None and user not in known:
        fail(f"không có người dùng {user!r} trong tệp người dùng")
    unit_list = [u.strip() for u in (units or "").split(",") if u.strip()]
    user_list = [u.strip() for u in (users or "").split(",") if u.strip()]
    if (unit_list or user_list) and not on_behalf:
        fail("--units / --users chỉ dùng cùng --on-behalf")
    unknown = [u for u in user_list if u not in known]
    if unknown:
        fail(f"không có người dùng {', '.join(map(repr, unknown))} trong tệp người dùng")
    try:
        key = create_api_key(sessions(settings), name, may_act_for_users=on_behalf, user_id=user,
                             units=unit_list or None, users=user_list or None)
    except IntegrityError:
        fail(f"đã có khoá tên {name!r}")
    typer.echo(key)
    typer.echo("Lưu khoá này ngay: nó không được hiển thị lại.", err=True)


@apikey_app.command("revoke")
def apikey_revoke(name: Annotated[str, typer.Argument(help="Key name")]) -> None:
    """Revoke a key by name (the row stays, for the audit trail)."""
    from sqlalchemy import select

    from assistant.service.db import ApiKey

    with sessions(Settings()).begin() as s:
        row = s.scalars(select(ApiKey).where(ApiKey.name == name)).first()
        if row is None:
            fail(f"không có khoá tên {name!r}")
        row.revoked = True
    typer.echo(f"đã thu hồi khoá {name}")
