"""The province's OpenID Connect provider (issue 30): its bearer tokens accepted by the API, and the
authorization-code flow with PKCE (S256) by which the UI signs an official in.

Everything about the provider comes from its discovery document (``{issuer}/.well-known/openid-configuration``):
the endpoints and the JWKS address. Keys are cached and fetched again when a token names a key id the cache
does not hold (the provider rotated its keys). A token is accepted only when its RS256/ES256 signature, its
issuer, its audience (this service's client id) and its expiry check out; the person is then mapped from the
token's claims and groups by the same mapping file as LDAP entries (``DirectoryMapping``), so a claim
``department`` or a group ``lanh-dao`` gives the same unit and role as the directory would.

The provider unreachable raises DirectoryUnavailable (503 for the official), never a yes; a token that does
not check out raises InvalidProviderToken (401).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlparse

import httpx
import jwt

from assistant.service.directory.directory import DirectoryUnavailable
from assistant.service.directory.mapping import DirectoryMapping
from assistant.service.directory.person import SOURCE_OIDC, Person
from core.errors import ConfigurationError
from core.units import UnitDirectory
from core.vietnamese import normalize_text

log = logging.getLogger(__name__)
UNAVAILABLE = ("Không kết nối được cổng định danh của tỉnh, xin thử lại sau ít phút / "
               "the identity provider is unavailable")
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]  # asymmetric only: never HS256 or none
DISCOVERY_TTL_S = 3600.0
USERINFO_CACHE = 4096  # access tokens whose userinfo answer is kept until they expire


class InvalidProviderToken(Exception):
    """A token that does not check out: bad signature, another issuer or audience, expired, wrong nonce."""


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str = ""  # empty: a public client (PKCE alone)
    redirect_uri: str = ""  # where the provider sends the official back: this API's /v1/oidc/callback
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    id_claim: str = "sub"  # the claim that becomes the person's id in the people table
    groups_claim: str = "groups"  # the claim listing the person's groups (mapped like LDAP group DNs)
    audience: str = ""  # the API's audience when the provider names one in access tokens; else client_id
    timeout_s: float = 5.0
    jwks_cooldown_s: float = 5.0  # at most one JWKS fetch per this many seconds for unknown key ids
    leeway_s: int = 30  # clock difference tolerated between the provider and this service

    def __post_init__(self) -> None:
        host = urlparse(self.issuer).hostname or ""
        if not (self.issuer.startswith("https://") or (self.issuer.startswith("http://")
                                                       and host in ("127.0.0.1", "localhost", "::1"))):
            # Keys and tokens over plain HTTP could be swapped on the way: only a provider on this machine.
            raise ConfigurationError(f"ASSISTANT_OIDC_ISSUER phải là địa chỉ https:// (http:// chỉ cho máy này), "
                                     f"có {self.issuer!r}")
        if not self.client_id:
            raise ConfigurationError("ASSISTANT_OIDC_CLIENT_ID chưa được đặt")
        if "openid" not in self.scopes:
            raise ConfigurationError("ASSISTANT_OIDC_SCOPES phải có openid")


def _strings(value: Any) -> list[str]:
    """A claim that is one string or a list of them ("aud", "groups") as a list; anything else as none."""
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcProvider:
    """One provider: discovery, keys, token checks, the code flow, and claims -> Person."""

    source = SOURCE_OIDC

    def __init__(self, config: OidcConfig, mapping: Callable[[], DirectoryMapping],
                 units: Callable[[], UnitDirectory]) -> None:
        self.config = config
        self._mapping = mapping
        self._units = units
        self._lock = threading.Lock()
        self._discovery: dict[str, Any] | None = None
        self._discovered_at = 0.0
        self._jwks: jwt.PyJWKClient | None = None
        self._userinfo: dict[str, tuple[float, dict[str, Any]]] = {}  # sha256(token) -> (exp, claims)

    # -- discovery and keys ---------------------------------------------------------------------------------
    def discovery(self) -> dict[str, Any]:
        """The provider's discovery document, fetched once an hour (and at first use)."""
        with self._lock:
            if self._discovery is not None and time.monotonic() - self._discovered_at < DISCOVERY_TTL_S:
                return self._discovery
            url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                response = httpx.get(url, timeout=self.config.timeout_s)
                response.raise_for_status()
                document = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise DirectoryUnavailable(UNAVAILABLE, f"discovery {url}: {exc}") from None
            if not isinstance(document, dict) or document.get("issuer") != self.config.issuer \
                    or not document.get("jwks_uri"):
                # The document must name the configured issuer exactly (OIDC Discovery 4.3).
                raise DirectoryUnavailable(UNAVAILABLE, f"discovery {url}: issuer {document.get('issuer')!r} "
                                                        f"is not {self.config.issuer!r} or no jwks_uri")
            if self._jwks is None or self._jwks.uri != document["jwks_uri"]:
                # cache_keys keeps keys by kid; an unknown kid makes PyJWKClient fetch the set again.
                self._jwks = jwt.PyJWKClient(document["jwks_uri"], cache_keys=True, lifespan=3600,
                                             timeout=self.config.timeout_s,
                                             cooldown_duration=self.config.jwks_cooldown_s)
            self._discovery, self._discovered_at = document, time.monotonic()
            return document

    def _signing_key(self, token: str) -> Any:
        self.discovery()
        assert self._jwks is not None
        try:
            return self._jwks.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as exc:
            raise DirectoryUnavailable(UNAVAILABLE, f"JWKS: {exc}") from None
        except (jwt.PyJWKClientError, jwt.DecodeError) as exc:  # unknown kid after a refresh, malformed token
            raise InvalidProviderToken(f"signing key: {exc}") from None

    # -- tokens ---------------------------------------------------------------------------------------------
    def verify(self, token: str, *, nonce: str | None = None) -> dict[str, Any]:
        """The claims of a token signed by the provider for this service, unexpired; InvalidProviderToken
        otherwise. ``nonce``: the one sent at the start of the code flow (id tokens).

        Audience: an id token names this client in ``aud``; an access token (RFC 9068) names the resource in
        ``aud`` (the configured ``audience``) or, where the provider puts the scopes there (glewlwyd), names
        this client in ``client_id`` / ``azp``. A token for another client is refused either way."""
        key = self._signing_key(token)
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key.key, algorithms=ALGORITHMS, issuer=self.config.issuer, leeway=self.config.leeway_s,
                options={"require": ["iss", "sub", "exp", "iat"], "verify_aud": False})
        except jwt.PyJWTError as exc:
            raise InvalidProviderToken(f"{type(exc).__name__}: {exc}") from None
        aud = claims.get("aud")
        audiences = _strings(aud)
        if self.config.audience:
            ok = self.config.audience in audiences
        else:
            ok = self.config.client_id in audiences or self.config.client_id in (claims.get("client_id"),
                                                                                 claims.get("azp"))
        if not ok or (claims.get("azp") not in (None, self.config.client_id) and not self.config.audience):
            raise InvalidProviderToken(f"audience {aud!r} / client {claims.get('client_id')!r} is not this service")
        if nonce is not None and not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise InvalidProviderToken("nonce does not match")
        return claims

    def bearer_claims(self, token: str) -> dict[str, Any]:
        """A bearer token's claims for mapping the person: an id token's own; an access token's merged with
        the provider's userinfo answer for it (access tokens often carry no name, unit or groups), asked once
        per token and kept until the token expires."""
        claims = self.verify(token)
        header = jwt.get_unverified_header(token)
        is_access = str(header.get("typ", "")).lower() in ("at+jwt", "application/at+jwt") \
            or claims.get("type") == "access_token" or "scope" in claims
        if not is_access:
            return claims
        return {**self._userinfo_of(token, claims), **{k: claims[k] for k in ("iss", "sub", "exp", "iat")}}

    def _userinfo_of(self, token: str, claims: Mapping[str, Any]) -> dict[str, Any]:
        digest = hashlib.sha256(token.encode()).hexdigest()
        now = time.time()
        with self._lock:
            cached = self._userinfo.get(digest)
            if cached is not None and cached[0] > now:
                return cached[1]
        endpoint = self.discovery().get("userinfo_endpoint")
        if not endpoint:
            return dict(claims)  # nothing more to ask: the token's own claims
        status, info = self._call("GET", endpoint, "userinfo", headers={"Authorization": f"Bearer {token}"})
        if status != 200 or not isinstance(info, dict) or info.get("sub") != claims.get("sub"):
            # a revoked token, or an answer about someone else (OIDC Core 5.3.2: sub must match)
            raise InvalidProviderToken(f"userinfo refused the token: {status}")
        with self._lock:
            if len(self._userinfo) >= USERINFO_CACHE:
                for key in [k for k, (exp, _) in self._userinfo.items() if exp <= now] or \
                        list(self._userinfo)[: USERINFO_CACHE // 4]:
                    self._userinfo.pop(key, None)
            self._userinfo[digest] = (float(claims.get("exp", now)), info)
        return info

    def _call(self, method: str, endpoint: str, what: str, **kwargs: Any) -> tuple[int, Any]:
        """One request to the provider: (status, JSON body or None). Unreachable or a 5xx is the provider being
        down (DirectoryUnavailable, 503 for the official), never a refusal of the person."""
        try:
            response = httpx.request(method, endpoint, timeout=self.config.timeout_s, **kwargs)
        except httpx.HTTPError as exc:
            raise DirectoryUnavailable(UNAVAILABLE, f"{what}: {exc}") from None
        if response.status_code >= 500:
            raise DirectoryUnavailable(UNAVAILABLE, f"{what} answered {response.status_code}")
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, None

    def person(self, claims: Mapping[str, Any]) -> Person:
        """The official a token names, unit and roles through the mapping file (claims as attributes, the
        groups claim as groups)."""
        raw_id = claims.get(self.config.id_claim) or ""
        person_id = normalize_text(str(raw_id)).strip()
        if not person_id or len(person_id) > 128:
            raise InvalidProviderToken(f"no usable {self.config.id_claim!r} claim")
        attributes: dict[str, Sequence[str]] = {}
        for key, value in claims.items():
            if isinstance(value, str):
                attributes[key] = [value]
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                attributes[key] = value
        groups = _strings(claims.get(self.config.groups_claim))
        mapping = self._mapping()
        mapped = mapping.apply(attributes, groups, self._units(),
                               fallback_name=str(claims.get("name") or person_id))
        return Person(id=person_id, name=mapped.name, unit=mapped.unit, roles=mapped.roles,
                      position=mapped.position, source=SOURCE_OIDC, dn=f"{self.config.issuer}#{claims['sub']}",
                      groups=tuple(groups))

    # -- the authorization-code flow with PKCE -------------------------------------------------------------
    def authorization_url(self, state: str, nonce: str, code_challenge: str) -> str:
        endpoint = self.discovery().get("authorization_endpoint")
        if not endpoint:
            raise DirectoryUnavailable(UNAVAILABLE, "discovery has no authorization_endpoint")
        query = urlencode({"response_type": "code", "client_id": self.config.client_id,
                           "redirect_uri": self.config.redirect_uri, "scope": " ".join(self.config.scopes),
                           "state": state, "nonce": nonce, "code_challenge": code_challenge,
                           "code_challenge_method": "S256"})
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

    def exchange(self, code: str, verifier: str, nonce: str) -> dict[str, Any]:
        """Trade the code for tokens at the token endpoint (with the PKCE verifier) and return the verified
        id token's claims (nonce included)."""
        endpoint = self.discovery().get("token_endpoint")
        if not endpoint:
            raise DirectoryUnavailable(UNAVAILABLE, "discovery has no token_endpoint")
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.config.redirect_uri,
                "code_verifier": verifier, "client_id": self.config.client_id}
        auth = (self.config.client_id, self.config.client_secret) if self.config.client_secret else None
        status, body = self._call("POST", endpoint, "token endpoint", data=form, auth=auth)
        if status != 200 or not isinstance(body, dict) or not body.get("id_token"):
            raise InvalidProviderToken(f"token endpoint refused the code: {status} "
                                       f"{str(body.get('error', '')) if isinstance(body, dict) else ''}")
        return self.verify(str(body["id_token"]), nonce=nonce)
