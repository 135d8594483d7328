"""``assistant users`` and ``assistant apikey``: who may use the service, without opening the index."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from assistant.cli.common import fail, print_json, reported
from assistant.db import Sessions, open_sessions
from assistant.index_owner import LOCAL_KEY_PREFIX
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


@users_app.command("hash-password")
def hash_password() -> None:
    """Read a password (prompt, or one line on stdin) and print its argon2id hash for the users file."""
    from assistant.api.auth import hash_password as argon2_hash

    if sys.stdin.isatty():
        password = typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail("mật khẩu trống")
    typer.echo(argon2_hash(password))


@apikey_app.command("create")
def apikey_create(
    name: Annotated[str, typer.Argument(help="Key name, e.g. the calling system: dms")],
    on_behalf: Annotated[bool, typer.Option("--on-behalf", help="May act for users (X-On-Behalf-Of)")] = False,
    user: Annotated[str | None, typer.Option("--user", help="The key's own user id (its unit and roles)")] = None,
) -> None:
    """Create a key and print it once; only its sha256 is stored."""
    from sqlalchemy.exc import IntegrityError

    from assistant.api.auth import create_api_key

    settings = Settings()
    if name.startswith(LOCAL_KEY_PREFIX):
        fail(f"tên khoá {name!r} dành cho dịch vụ (tiền tố {LOCAL_KEY_PREFIX})")
    with reported():
        known = load_users(settings.users_file)
    if user is not None and user not in known:
        fail(f"không có người dùng {user!r} trong tệp người dùng")
    try:
        key = create_api_key(sessions(settings), name, may_act_for_users=on_behalf, user_id=user)
    except IntegrityError:
        fail(f"đã có khoá tên {name!r}")
    typer.echo(key)
    typer.echo("Lưu khoá này ngay: nó không được hiển thị lại.", err=True)


@apikey_app.command("revoke")
def apikey_revoke(name: Annotated[str, typer.Argument(help="Key name")]) -> None:
    """Revoke a key by name (the row stays, for the audit trail)."""
    from sqlalchemy import select

    from assistant.db import ApiKey

    with sessions(Settings()).begin() as s:
        row = s.scalars(select(ApiKey).where(ApiKey.name == name)).first()
        if row is None:
            fail(f"không có khoá tên {name!r}")
        row.revoked = True
    typer.echo(f"đã thu hồi khoá {name}")
