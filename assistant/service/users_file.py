"""Writing a password hash into the users file: the whole file replaced at once (written aside, then
renamed), so a service re-reading it never sees half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from core.access import load_users
from core.errors import ConfigurationError, UnknownUser

MIN_PASSWORD_CHARS = 10
KNOWN_DEMO_PASSWORDS = ("demo123",)  # the repository's demo users file (data/users.yaml) uses these


def set_password_hash(path: Path, user_id: str, password_hash: str) -> None:
    """Store ``password_hash`` for ``user_id`` (comments in the file are not kept: YAML is re-written)."""
    known = load_users(path)  # validates the file first, with its own clear errors
    if user_id not in known:
        raise UnknownUser(f"không có người dùng {user_id!r} trong {path}")
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for entry in raw["users"]:
        if str(entry.get("id")) == user_id:
            entry["password_hash"] = password_hash
    text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=120)
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent, prefix=f".{Path(path).name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, Path(path).stat().st_mode & 0o777)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ConfigurationError(f"không ghi được {path}: {exc.strerror}") from None


def check_new_password(password: str) -> None:
    """Refuse empty, short and known demo passwords, naming the rule broken."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ConfigurationError(f"mật khẩu cần ít nhất {MIN_PASSWORD_CHARS} ký tự")
    if password in KNOWN_DEMO_PASSWORDS:
        raise ConfigurationError("mật khẩu này là mật khẩu demo, hãy chọn mật khẩu khác")
