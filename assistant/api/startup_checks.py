"""Checks the API makes before it serves anyone: no account keeps a known demo password outside demo mode.

The repository's ``data/users.yaml`` gives every demo official the password ``demo123``; a deployment that
copied it would open the admin account to anyone who read the README. ``ASSISTANT_DEMO=1`` (set by
``make demo``) is the one way to start with such accounts.
"""

from __future__ import annotations

from pathlib import Path

from assistant.service.credentials import verify_password
from assistant.service.users_file import KNOWN_DEMO_PASSWORDS
from core.access import load_users
from core.errors import ConfigurationError
from core.settings import Settings


def demo_accounts(users_file: Path) -> list[str]:
    """Ids of the accounts whose password hash verifies one of the known demo passwords."""
    return [user.id for user in load_users(users_file).values()
            if user.password_hash and any(verify_password(user.password_hash, p) for p in KNOWN_DEMO_PASSWORDS)]


def refuse_demo_accounts(settings: Settings) -> None:
    """Raise, naming the accounts, when demo passwords are found and demo mode is off."""
    if settings.demo:
        return
    found = demo_accounts(settings.users_file)
    if found:
        raise ConfigurationError(
            f"{settings.users_file}: tài khoản {', '.join(found)} dùng mật khẩu demo; đặt mật khẩu thật "
            "(assistant users set-password USER) hoặc bật chế độ demo (ASSISTANT_DEMO=1)")
