"""One-time codes that hand a finished OpenID sign-in from the API over to the UI (issue 30).

Streamlit runs on the server, so the UI cannot hold the provider's redirect itself: the API's callback
verifies the provider's answer, records the person, and sends the browser back to the UI with a one-time code;
the UI's server swaps that code for the service's own token (``POST /v1/oidc/exchange``). The code is what a
stolen URL, a browser history or a proxy log would expose, so it is worth nothing alone:

- random (256 bits), kept only as its sha256, in SQL so any API replica takes the exchange;
- short-lived (``HANDOFF_TTL``, two minutes) and used once: the first exchange marks it used in one UPDATE
  guarded by ``used_at IS NULL AND expires_at > now``, so two replicas racing on it cannot both win;
- bound to the browser that started the sign-in: ``/v1/oidc/login`` gave that browser a secret in an
  HttpOnly cookie, the code row keeps the secret's sha256, and the exchange must bring the same secret (the UI
  reads it from the browser's cookies). A code started in one browser and slipped into another (login CSRF)
  is refused, and burnt.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update

from assistant.service.credentials import secret_digest
from assistant.service.db import OidcHandoffRow, Sessions, utcnow

log = logging.getLogger(__name__)
HANDOFF_TTL = timedelta(minutes=2)


@dataclass(frozen=True)
class Handoff:
    person_id: str


class HandoffRefused(Exception):
    """The code is unknown, used, expired or brought by another browser: one answer for all (the reason is
    logged, never told)."""


def issue_handoff(sessions: Sessions, person_id: str, browser_secret: str,
                  ttl: timedelta = HANDOFF_TTL) -> str:
    """A fresh one-time code for ``person_id``, bound to ``browser_secret``; rows expired a while ago go."""
    if not browser_secret:
        raise ValueError("a handoff needs the browser secret of the sign-in")
    code = secrets.token_urlsafe(32)
    now = utcnow()
    with sessions.begin() as s:
        s.execute(delete(OidcHandoffRow).where(OidcHandoffRow.expires_at < now - timedelta(hours=1)))
        s.add(OidcHandoffRow(code_hash=secret_digest(code), browser_hash=secret_digest(browser_secret),
                             person_id=person_id, created_at=now, expires_at=now + ttl))
    return code


def redeem_handoff(sessions: Sessions, code: str, browser_secret: str) -> Handoff:
    """The person a code signs in, consuming the code; HandoffRefused otherwise."""
    if not code or len(code) > 200:
        raise HandoffRefused("no code")
    digest, now = secret_digest(code), utcnow()
    with sessions.begin() as s:  # committed whatever follows: a code shown to the wrong browser stays burnt
        won = s.execute(update(OidcHandoffRow)
                        .where(OidcHandoffRow.code_hash == digest, OidcHandoffRow.used_at.is_(None),
                               OidcHandoffRow.expires_at > now)
                        .values(used_at=now)).rowcount
        row = s.get(OidcHandoffRow, digest)
        person_id = row.person_id if row is not None else ""
        replayed = row is not None and row.used_at is not None
        same_browser = row is not None and bool(browser_secret) and \
            secrets.compare_digest(row.browser_hash, secret_digest(browser_secret))
    if row is None:
        raise HandoffRefused("unknown code")
    if won != 1:  # used already (a replay, or two tabs) or expired: no sign-in, the log says which
        log.warning("OpenID handoff refused: %s for %s", "replayed" if replayed else "expired", person_id)
        raise HandoffRefused("used or expired")
    if not same_browser:
        log.warning("OpenID handoff refused: brought by another browser for %s (code burnt)", person_id)
        raise HandoffRefused("another browser")
    return Handoff(person_id=person_id)

