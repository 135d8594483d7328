"""The OpenID provider's settings and its failure when it cannot be reached, without a provider: a closed
loopback port (nothing listens) must give DirectoryUnavailable, never a token accepted or a wrong-token 401."""

from __future__ import annotations

import pytest

from assistant.service.directory import DirectoryMapping, DirectoryUnavailable, OidcConfig, OidcProvider, pkce_pair
from core.errors import ConfigurationError
from core.units import unit_directory
from tests.slapd_server import free_port


def provider(issuer: str) -> OidcProvider:
    return OidcProvider(OidcConfig(issuer=issuer, client_id="tro-ly-ao", timeout_s=1),
                        mapping=DirectoryMapping, units=unit_directory)


def test_a_provider_that_does_not_answer_is_unavailable_not_a_refusal() -> None:
    closed = provider(f"http://127.0.0.1:{free_port()}/api/oidc")
    with pytest.raises(DirectoryUnavailable) as caught:
        closed.verify("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.e30.c2ln")
    assert "cổng định danh" in caught.value.message
    with pytest.raises(DirectoryUnavailable):
        closed.authorization_url("state", "nonce", "challenge")


@pytest.mark.parametrize("issuer, client_id, scopes", [
    ("http://id.tinh.gov.vn/oidc", "tro-ly-ao", ("openid",)),  # plain HTTP to another machine
    ("id.tinh.gov.vn", "tro-ly-ao", ("openid",)),
    ("https://id.tinh.gov.vn/oidc", "", ("openid",)),
    ("https://id.tinh.gov.vn/oidc", "tro-ly-ao", ("profile",)),
])
def test_bad_settings_are_named(issuer: str, client_id: str, scopes: tuple[str, ...]) -> None:
    with pytest.raises(ConfigurationError, match="ASSISTANT_OIDC_"):
        OidcConfig(issuer=issuer, client_id=client_id, scopes=scopes)


def test_the_pkce_challenge_is_the_s256_of_the_verifier() -> None:
    import base64
    import hashlib

    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128  # RFC 7636 4.1
    assert challenge == base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert pkce_pair()[0] != verifier
