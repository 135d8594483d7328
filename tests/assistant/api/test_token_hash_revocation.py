"""Sessions follow the users file (issue 28): a token dies when its person's password hash changes or
disappears, however the file was edited, and a demo hash pasted in later is refused outside demo mode."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.api.auth import UsersDirectory, caller_from_token
from assistant.api.errors import ApiError
from assistant.service.credentials import hash_password, issue_token
from assistant.service.db import Sessions, make_engine

SECRET = "s" * 40
DEMO_HASH = hash_password("demo123")


def _users(path: Path, password_hash: str | None) -> None:
    line = f'    password_hash: "{password_hash}"\n' if password_hash else ""
    path.write_text(f"users:\n  - id: a.b\n    name: A B\n    unit: Sở Y tế\n    roles: [chuyen_vien]\n{line}",
                    encoding="utf-8")
    time.sleep(0.01)


@pytest.fixture()
def sessions(tmp_path: Path) -> Sessions:
    return Sessions(make_engine(f"sqlite:///{tmp_path / 's.db'}"))


@pytest.mark.parametrize("change", ["changed", "removed"])
def test_a_changed_or_removed_hash_revokes_old_tokens(change: str, tmp_path: Path, sessions: Sessions) -> None:
    path = tmp_path / "users.yaml"
    _users(path, hash_password("mat-khau-that-1"))
    users = UsersDirectory(path, refuse_demo=True)
    token, _ = issue_token(users.get("a.b"), SECRET, 60)
    assert caller_from_token(SECRET, users, token, None, sessions).principal.user_id == "a.b"
    _users(path, hash_password("mat-khau-moi-2") if change == "changed" else None)
    with pytest.raises(ApiError) as err:
        caller_from_token(SECRET, users, token, None, sessions)
    assert err.value.status == 401


def test_a_demo_hash_pasted_later_is_refused_on_reload(tmp_path: Path, sessions: Sessions) -> None:
    path = tmp_path / "users.yaml"
    _users(path, hash_password("mat-khau-that-1"))
    users = UsersDirectory(path, refuse_demo=True)
    assert users.get("a.b") is not None
    _users(path, DEMO_HASH)
    assert users.get("a.b") is None  # no login, no token accepted
    assert UsersDirectory(path, refuse_demo=False).get("a.b") is not None  # demo mode keeps it
