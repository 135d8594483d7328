"""``assistant users`` and ``assistant apikey``: who may use the service, without opening the index."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import fail, print_json, reported
from assistant.service.db import Sessions, open_sessions
from assistant.service.directory import SOURCE_FILE, SOURCE_WORDS, PeopleStore, StoredPerson
from assistant.service.index_owner import IN_PROCESS_VIA, LOCAL_KEY_PREFIX
from core.access import ROLE_WORDS, UserRecord, load_users
from core.deadlines import moment
from core.errors import ConfigurationError
from core.settings import Settings

users_app = typer.Typer(help="Người dùng (tệp người dùng và người đăng nhập qua danh bạ); không có lệnh con: liệt kê.",
                        add_completion=False)
apikey_app = typer.Typer(help="Khoá API của các hệ thống (chỉ lưu mã băm).", no_args_is_help=True, add_completion=False)


def sessions(settings: Settings) -> Sessions:
    """The service's SQL records: no store, no model, so usable while the API runs."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return open_sessions(settings.sql_url)


def _file_users(settings: Settings) -> dict[str, UserRecord]:
    """The users file's people; with a directory configured the file may be absent (its people: none)."""
    try:
        return load_users(settings.users_file)
    except ConfigurationError as exc:
        if settings.directory == "file":
            fail(str(exc))
        return {}


def _directory_people(settings: Settings) -> list[StoredPerson]:
    return PeopleStore(sessions(settings)).all()


def _file_row(user: UserRecord) -> dict[str, object]:
    return {**user.public_dict(), "position": "", "source": SOURCE_FILE, "disabled": False, "last_sign_in": None}


def _directory_row(stored: StoredPerson) -> dict[str, object]:
    return stored.public_dict()


@users_app.callback(invoke_without_command=True)
def users(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="In JSON")] = False) -> None:
    """Liệt kê người dùng: người trong tệp người dùng và người đã đăng nhập qua danh bạ (cột nguồn)."""
    if ctx.invoked_subcommand is not None:
        return
    settings = Settings()
    rows = [_file_row(u) for u in _file_users(settings).values()]
    rows += [_directory_row(p) for p in _directory_people(settings)]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        roles = ", ".join(ROLE_WORDS.get(r, r) for r in row["roles"]) or "—"  # type: ignore[union-attr]
        source = SOURCE_WORDS.get(str(row["source"]), str(row["source"]))
        state = "  ĐÃ KHOÁ" if row["disabled"] else ""
        unit = row["unit"] or "(chưa có đơn vị: chỉ đọc văn bản công khai)"
        typer.echo(f"{row['id']:<16} {row['name']:<28} {unit:<24} {roles:<20} {source}{state}")


@users_app.command("show")
def show(user_id: Annotated[str, typer.Argument(help="Mã người dùng")]) -> None:
    """In (JSON) hồ sơ một người: đơn vị, vai trò, chức vụ, nguồn (tệp người dùng hoặc danh bạ), lần đăng nhập
    gần nhất; có thể có hai hồ sơ nếu cùng mã ở cả hai nguồn."""
    settings = Settings()
    found: list[dict[str, object]] = []
    user = _file_users(settings).get(user_id)
    if user is not None:
        found.append({**_file_row(user), "has_password": bool(user.password_hash)})
    stored = PeopleStore(sessions(settings)).get(user_id)
    if stored is not None:
        found.append(_directory_row(stored))
    if not found:
        fail(f"không có người dùng {user_id!r} trong {settings.users_file.name} và chưa ai mang mã này đăng nhập "
             "qua danh bạ")
    print_json(found[0] if len(found) == 1 else found)


def _read_password() -> str:
    if sys.stdin.isatty():
        return typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users_app.command("hash-password")
def hash_password() -> None:
    """Đọc một mật khẩu (hỏi, hoặc một dòng từ stdin) và in mã băm argon2id để ghi vào tệp người dùng."""
    from assistant.service.credentials import hash_password as argon2_hash

    password = _read_password()
    if not password:
        fail("mật khẩu trống")
    typer.echo(argon2_hash(password))


@users_app.command("set-password")
def set_password(
    user_id: Annotated[str, typer.Argument(help="Mã người dùng trong tệp người dùng")],
    users_file: Annotated[Path | None, typer.Option("--file", help="Tệp người dùng (mặc định: $ASSISTANT_USERS_FILE)")]
    = None,
) -> None:
    """Đặt mật khẩu cho một người (hỏi, hoặc một dòng từ stdin): mã băm argon2id được ghi vào tệp người dùng và
    mọi phiên đăng nhập cấp cho người đó trước đây bị thu hồi."""
    from assistant.service.credentials import bump_token_version
    from assistant.service.credentials import hash_password as argon2_hash
    from assistant.service.users_file import check_new_password, set_password_hash

    settings = Settings()
    path = users_file or settings.users_file
    in_file = user_id in _file_users(settings) if users_file is None else True
    stored = PeopleStore(sessions(settings)).get(user_id)
    if not in_file and stored is not None:
        where = (settings.oidc_issuer if stored.person.source == "oidc" else settings.ldap_url) or "danh bạ của tỉnh"
        fail(f"{user_id} là người của {SOURCE_WORDS.get(stored.person.source, stored.person.source)} ({where}): "
             "mật khẩu được đổi trong danh bạ, không trong tệp người dùng")
    password = _read_password()
    with reported():
        check_new_password(password)
        set_password_hash(path, user_id, argon2_hash(password))
    bump_token_version(sessions(settings), user_id)
    typer.echo(f"đã đặt mật khẩu cho {user_id} trong {path}; các phiên đăng nhập cũ đã bị thu hồi", err=True)


@users_app.command("erase")
def erase(
    user_id: Annotated[str, typer.Argument(help="Mã người dùng (không cần còn trong tệp người dùng)")],
    yes: Annotated[bool, typer.Option("--yes", help="Không hỏi xác nhận")] = False,
) -> None:
    """Xoá dữ liệu của một người (Nghị định 13/2023): hội thoại và phản hồi bị xoá, nhật ký kiểm toán được
    ẩn danh, phiên đăng nhập bị thu hồi; việc xoá được ghi vào nhật ký kiểm toán."""
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
    name: Annotated[str, typer.Argument(help="Tên khoá, ví dụ hệ thống gọi đến: dms")],
    on_behalf: Annotated[bool, typer.Option("--on-behalf",
                                            help="Được hành động thay người dùng (X-On-Behalf-Of)")] = False,
    user: Annotated[str | None, typer.Option("--user",
                                             help="Người dùng của chính khoá (đơn vị và vai trò của người đó)")] = None,
    units: Annotated[str | None, typer.Option("--units", help="Chỉ thay người của các đơn vị này "
                                              "(cách nhau bởi dấu phẩy)")] = None,
    users: Annotated[str | None, typer.Option("--users", help="Chỉ thay những người dùng này "
                                              "(cách nhau bởi dấu phẩy)")] = None,
) -> None:
    """Tạo một khoá và in ra một lần; chỉ lưu mã băm sha256."""
    from sqlalchemy.exc import IntegrityError

    from assistant.service.credentials import create_api_key

    settings = Settings()
    if name.startswith(LOCAL_KEY_PREFIX):
        fail(f"tên khoá {name!r} dành cho dịch vụ (tiền tố {LOCAL_KEY_PREFIX})")
    if name == IN_PROCESS_VIA:  # the audit's name for this machine's command line
        fail(f"tên khoá {name!r} dành cho dòng lệnh trên máy chủ; chọn tên khác")
    with reported():
        known = set(_file_users(settings)) | {p.person.id for p in _directory_people(settings)}
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
def apikey_revoke(name: Annotated[str, typer.Argument(help="Tên khoá")]) -> None:
    """Thu hồi một khoá theo tên (bản ghi được giữ để kiểm toán)."""
    from sqlalchemy import select

    from assistant.service.db import ApiKey

    with sessions(Settings()).begin() as s:
        row = s.scalars(select(ApiKey).where(ApiKey.name == name)).first()
        if row is None:
            fail(f"không có khoá tên {name!r}")
        row.revoked = True
    typer.echo(f"đã thu hồi khoá {name}")


@apikey_app.command("list")
def apikey_list(as_json: Annotated[bool, typer.Option("--json", help="In JSON")] = False) -> None:
    """Các khoá API: tên, người dùng của khoá, quyền hành động thay người dùng (và giới hạn), ngày tạo, thu hồi.
    Khoá tự thân không bao giờ được lưu hay in ra (chỉ có mã băm)."""
    from sqlalchemy import select

    from assistant.service.db import ApiKey

    with sessions(Settings())() as s:
        rows = [{"name": k.name, "user": k.user_id, "on_behalf": k.may_act_for_users,
                 "units": list(k.allowed_units or []), "users": list(k.allowed_users or []),
                 "created": k.created_at.isoformat() if k.created_at else None, "revoked": k.revoked,
                 "local_owner": k.name.startswith(LOCAL_KEY_PREFIX)}
                for k in s.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id))]
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("Chưa có khoá API nào.")
    for row in rows:
        if row["local_owner"]:
            who = "dòng lệnh của máy chủ (khoá nội bộ)"
        else:
            who = f"người dùng {row['user']}" if row["user"] else "hệ thống"
        scope = "không"
        if row["on_behalf"]:
            limits = [*row["units"], *row["users"]]
            scope = "thay mọi người dùng" if not limits else "thay người của " + ", ".join(limits)
        created = moment(row["created"]) if row["created"] else "?"
        state = "ĐÃ THU HỒI" if row["revoked"] else "đang dùng"
        typer.echo(f"{row['name']:<24} {who:<28} hành động thay: {scope:<28} tạo {created}  {state}")
