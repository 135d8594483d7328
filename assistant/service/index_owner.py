"""One owner per index: the process that holds a data dir's embedded index, and how other commands find it.

The embedded engine allows one process per folder. When ``assistant serve`` runs, it owns the data dir and
writes ``owner.json`` (its pid, start time and URL) and ``owner.key`` (a local API key, mode 0600: only the
service's user, or root, can read it) there once it is ready. Every other command finds that file and becomes a
client of the service over HTTP; with no service running, it opens the index itself.

A service that died without cleaning up leaves a stale file: its pid is gone (or now belongs to another
program, which the recorded start time tells apart), so the file is removed and the caller goes on.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select

from assistant.service.db import ApiKey, Sessions
from core.access import Principal
from core.errors import AssistantError
from core.settings import Settings

OWNER_FILE = "owner.json"
KEY_FILE = "owner.key"
LOCAL_KEY_PREFIX = "local-owner:"  # API key names the CLI's local credential uses; `apikey create` refuses them
# The audit's "via" of a command that opened the index itself (no service running): the command line of this
# machine, as a local key's name says when it goes through the service. No API key can be named this (no prefix
# ``local-owner:`` and `apikey create` refuses it), so the audit page never mistakes it for a system's key.
IN_PROCESS_VIA = "cli"
# Who a command of this machine acts as without ``--user``: its operator, who could open the index and the
# database on this disk anyway. An administrator: every document and its relations (``documents``,
# ``relations``), and the tasks whose labels an administrator may read (``tasks``).
OPERATOR = Principal(user_id="operator", name="Quản trị máy chủ", roles=("admin",))


class OwnerError(AssistantError):
    """Another process owns the data dir and cannot be used (not answering), or cannot be displaced."""


@dataclass(frozen=True)
class OwnerRecord:
    pid: int
    pid_start: str
    url: str
    started_at: str


@dataclass(frozen=True)
class ServiceEndpoint:
    """How a client reaches the owning service: its URL and the local key to authenticate with."""

    url: str
    key: str
    pid: int


def _process_start(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (clock ticks since boot), or None when no such process runs."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(record: OwnerRecord) -> bool:
    return _process_start(record.pid) == record.pid_start


def read_owner(settings: Settings) -> OwnerRecord | None:
    path = settings.data_dir / OWNER_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return OwnerRecord(pid=int(data["pid"]), pid_start=str(data["pid_start"]), url=str(data["url"]),
                           started_at=str(data["started_at"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return OwnerRecord(pid=0, pid_start="", url="", started_at="")  # unreadable: treated as stale


def _remove_files(settings: Settings) -> None:
    for name in (OWNER_FILE, KEY_FILE):
        with contextlib.suppress(FileNotFoundError):
            (settings.data_dir / name).unlink()


def find_owner(settings: Settings, *, timeout_s: float = 3.0) -> ServiceEndpoint | None:
    """The live service owning ``settings.data_dir``; None when there is none (a stale record is removed).

    Raises :class:`OwnerError` when a live owner does not answer or its key cannot be read.
    """
    record = read_owner(settings)
    if record is None:
        return None
    if not _alive(record):
        _remove_files(settings)
        return None
    try:
        key = (settings.data_dir / KEY_FILE).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise OwnerError(f"dịch vụ (pid {record.pid}) đang giữ {settings.data_dir} nhưng không đọc được khoá "
                         f"{KEY_FILE}: {exc.strerror} — chạy lệnh bằng người dùng của dịch vụ") from None
    try:
        ok = httpx.get(f"{record.url}/healthz", timeout=timeout_s).status_code == 200
    except httpx.HTTPError:
        ok = False
    if not ok:
        raise OwnerError(f"dịch vụ (pid {record.pid}) đang giữ {settings.data_dir} nhưng không trả lời tại "
                         f"{record.url}; chờ nó khởi động xong hoặc dừng nó")
    return ServiceEndpoint(url=record.url, key=key, pid=record.pid)


class OwnerLease:
    """Held by the serving process from ready to shutdown; ``release`` removes the files and revokes the key."""

    def __init__(self, settings: Settings, sessions: Sessions, key_name: str) -> None:
        self.settings = settings
        self.sessions = sessions
        self.key_name = key_name

    def release(self) -> None:
        record = read_owner(self.settings)
        if record is not None and record.pid == os.getpid():
            _remove_files(self.settings)
        _revoke(self.sessions, self.key_name)


def _revoke(sessions: Sessions, name: str | None = None) -> None:
    with sessions.begin() as s:
        query = select(ApiKey).where(ApiKey.revoked.is_(False))
        query = query.where(ApiKey.name == name) if name else query.where(ApiKey.name.startswith(LOCAL_KEY_PREFIX))
        for row in s.scalars(query):
            row.revoked = True


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically with mode 0600 (never readable by others, even for a moment)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def claim(settings: Settings, sessions: Sessions, url: str) -> OwnerLease:
    """Record this process as the owner of ``settings.data_dir``, reachable at ``url``.

    Refuses when another live process owns it; takes over from a dead one (revoking its local keys).
    """
    from assistant.service.credentials import create_api_key

    current = read_owner(settings)
    if current is not None and current.pid != os.getpid() and _alive(current):
        raise OwnerError(f"{settings.data_dir} đã có dịch vụ khác giữ (pid {current.pid}, {current.url})")
    _revoke(sessions)  # keys of earlier (dead) owners
    start = _process_start(os.getpid()) or ""
    name = f"{LOCAL_KEY_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    key = create_api_key(sessions, name, may_act_for_users=True)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _write_private(settings.data_dir / KEY_FILE, key + "\n")
    record = OwnerRecord(pid=os.getpid(), pid_start=start, url=url.rstrip("/"),
                         started_at=datetime.now(UTC).isoformat(timespec="seconds"))
    _write_private(settings.data_dir / OWNER_FILE, json.dumps(asdict(record), indent=2) + "\n")
    return OwnerLease(settings, sessions, name)
