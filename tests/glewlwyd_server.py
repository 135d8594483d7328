"""A real OpenID Connect provider for the sign-in tests: Debian's ``glewlwyd`` (2.7) in a temporary folder on a
free loopback port, its SQLite database made from the schema the package ships, then set up through its own
admin API as a province would: an OIDC plugin signing RS256 with a key generated here, a public client for this
service (PKCE), and officials with a department and groups. Tokens are obtained the way a browser obtains them:
sign in at glewlwyd's login API, grant the client, follow the authorization redirect (``redirect_back``), or
in a real browser through glewlwyd's own login page: the package's webapp (glewlwyd-common,
/usr/share/glewlwyd/webapp) is served by glewlwyd itself from a copy in the temporary folder: the package's
``config.json`` there is a link to a folder (/etc/glewlwyd/config-2.7.json/), not to the file in it, and
glewlwyd serves no file whose real path lies outside its static folder (the webapp's js/ links into
/usr/share/javascript and /usr/share/nodejs).

Skips (naming the package) where glewlwyd is not installed: ``make directory-server`` installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.slapd_server import free_port

GLEWLWYD = "/usr/bin/glewlwyd"
SCHEMA = Path("/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3")  # the package's SQLite schema + admin
WEBAPP = Path("/usr/share/glewlwyd/webapp")  # glewlwyd-common: the login, grant and admin pages
WEBAPP_CONFIG = Path("/etc/glewlwyd/config-2.7.json")  # the webapp's config.json (a folder holding it in Debian)
MIME_TYPES = {".html": "text/html", ".css": "text/css", ".js": "application/javascript", ".json": "application/json",
              ".png": "image/png", ".ico": "image/x-icon", ".ttf": "font/ttf", ".woff": "font/woff",
              ".woff2": "font/woff2", ".eot": "application/vnd.ms-fontobject", ".svg": "image/svg+xml",
              ".map": "application/octet-stream"}
ADMIN = ("admin", "password")  # the administrator the package's schema creates
CLIENT_ID = "tro-ly-ao"
PLUGIN = "oidc"
CONFIG = """\
port={port}
bind_address="127.0.0.1"
external_url="http://127.0.0.1:{port}"
login_url="login.html"
api_prefix="api"
allow_origin="*"
log_mode="file"
log_level="WARNING"
log_file="{folder}/glewlwyd.log"
cookie_secure=0
cookie_same_site="empty"
session_expiration=3600
session_key="GLEWLWYD2_SESSION_ID"
admin_session_authentication="cookie"
profile_session_authentication="cookie"
allow_multiple_user_per_session=true
login_api_enabled=true
admin_scope="g_admin"
profile_scope="g_profile"
user_module_path="/usr/lib/glewlwyd/user"
client_module_path="/usr/lib/glewlwyd/client"
user_auth_scheme_module_path="/usr/lib/glewlwyd/scheme"
plugin_module_path="/usr/lib/glewlwyd/plugin"
hash_algorithm="SHA512"
database = {{
  type = "sqlite3"
  path = "{folder}/glewlwyd.db"
}};
{static}"""


def webapp_copy(folder: Path) -> Path | None:
    """The package's webapp as glewlwyd can serve it: a copy of its files, and its config.json as a file. None
    where glewlwyd-common is not installed (the login API still works; the browser test skips)."""
    config = WEBAPP_CONFIG / "config.json" if WEBAPP_CONFIG.is_dir() else WEBAPP_CONFIG
    if not (WEBAPP / "login.html").is_file() or not config.is_file():
        return None
    target = folder / "webapp"  # copied, links resolved: glewlwyd serves no file whose real path lies outside
    try:
        shutil.copytree(WEBAPP, target, ignore=lambda _dir, names: [n for n in names if n == "config.json"])
    except (OSError, shutil.Error):  # a link into a package that is missing: no login pages, the API still works
        shutil.rmtree(target, ignore_errors=True)
        return None
    (target / "config.json").write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def static_config(webapp: Path | None) -> str:
    if webapp is None:
        return ""
    types = ",\n".join(f'  {{ extension = "{ext}"\n    mime_type = "{mime}" }}' for ext, mime in MIME_TYPES.items())
    return f'static_files_path = "{webapp}/"\nstatic_files_mime_types = (\n{types}\n)\n'



def glewlwyd_binary() -> str | None:
    """The glewlwyd executable with its SQLite schema and OIDC plugin, or None where the package is missing."""
    if not (os.access(GLEWLWYD, os.X_OK) and SCHEMA.is_file()
            and Path("/usr/lib/glewlwyd/plugin/libprotocol_oidc.so").is_file()):
        return None
    return GLEWLWYD


def rsa_jwk(kid: str) -> tuple[dict[str, Any], Any]:
    """A fresh RS256 private JWK (for glewlwyd's plugin) and the key itself (for tests that sign with it)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key))
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return jwk, key


@dataclass
class Glewlwyd:
    port: int
    folder: Path
    process: subprocess.Popen[bytes]
    redirect_uri: str
    keys: dict[str, Any] = field(default_factory=dict)  # kid -> private key (the provider's own signing keys)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def issuer(self) -> str:
        return f"{self.base}/{PLUGIN}"

    @contextmanager
    def admin(self) -> Iterator[httpx.Client]:
        """A client signed in to glewlwyd's admin API as the package's administrator."""
        with httpx.Client(base_url=self.base, timeout=10) as client:
            r = client.post("/auth/", json={"username": ADMIN[0], "password": ADMIN[1]})
            assert r.status_code == 200, r.text
            yield client

    def add_user(self, username: str, name: str, password: str, department: str, groups: list[str]) -> None:
        with self.admin() as a:
            r = a.post("/user/", json={"username": username, "name": name, "password": password, "enabled": True,
                                       "scope": ["openid", "g_profile"], "department": department,
                                       "groups": groups})
            assert r.status_code == 200, r.text

    def update_user(self, username: str, **values: Any) -> None:
        with self.admin() as a:
            user = a.get(f"/user/{username}").json()
            user.update(values)
            user.pop("source", None)
            r = a.put(f"/user/{username}", json=user)
            assert r.status_code == 200, r.text

    def rotate_key(self, kid: str) -> None:
        """Sign from now on with a new key ``kid`` (the old one stays published), as a provider rotates."""
        jwk, key = rsa_jwk(kid)
        self.keys[kid] = key
        with self.admin() as a:
            plugin = a.get(f"/mod/plugin/{PLUGIN}").json()
            keys = json.loads(plugin["parameters"]["jwks-private"])["keys"]
            plugin["parameters"]["jwks-private"] = json.dumps({"keys": [jwk, *keys]})
            plugin["parameters"]["default-kid"] = kid
            assert a.put(f"/mod/plugin/{PLUGIN}", json=plugin).status_code == 200
            assert a.put(f"/mod/plugin/{PLUGIN}/reset").status_code == 200

    def redirect_back(self, authorize_url: str, username: str, password: str) -> str:
        """What a browser does at the provider: sign in through glewlwyd's login API, grant this service the
        scopes, then follow the authorization URL (glewlwyd sends it to its login page first, which continues
        with ``g_continue``). Returns the URL glewlwyd redirects to: ``redirect_uri?code=…&state=…``."""
        with httpx.Client(timeout=10) as browser:
            r = browser.post(f"{self.base}/auth/", json={"username": username, "password": password})
            assert r.status_code == 200, r.text
            scope = parse_qs(urlparse(authorize_url).query)["scope"][0]
            r = browser.put(f"{self.base}/auth/grant/{CLIENT_ID}", json={"scope": scope})
            assert r.status_code == 200, r.text
            r = browser.get(authorize_url)
            assert r.status_code == 302, r.text
            location = r.headers["location"]
            if "/login.html" in location:
                callback = parse_qs(urlparse(location).query)["callback_url"][0]
                r = browser.get(callback + "&g_continue")
                assert r.status_code == 302, r.text
                location = r.headers["location"]
            return location

    @property
    def has_webapp(self) -> bool:
        return (self.folder / "webapp" / "login.html").exists()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _setup(server: Glewlwyd) -> None:
    jwk, key = rsa_jwk("k1")
    server.keys["k1"] = key
    with server.admin() as a:
        # The user backend keeps a department and a list of groups for each official.
        module = next(m for m in a.get("/mod/user/").json() if m["name"] == "database")
        module["parameters"]["data-format"].update({
            "department": {"multiple": False, "read": True, "write": True, "profile-read": True,
                           "profile-write": False},
            "groups": {"multiple": True, "read": True, "write": True, "profile-read": True, "profile-write": False}})
        assert a.put("/mod/user/database", json=module).status_code == 200
        assert a.put("/mod/user/database/reset").status_code == 200
        claim = {"type": "string", "mandatory": True, "on-demand": False, "scope": []}
        plugin = {"module": "oidc", "name": PLUGIN, "display_name": "Cổng định danh", "parameters": {
            "iss": server.issuer, "jwks-private": json.dumps({"keys": [jwk]}), "default-kid": "k1",
            "jwt-type": "rsa", "jwt-key-size": "256", "access-token-duration": 900, "refresh-token-duration": 3600,
            "code-duration": 600, "refresh-token-rolling": True, "allow-non-oidc": False,
            "auth-type-code-enabled": True, "auth-type-token-enabled": False, "auth-type-id-token-enabled": True,
            "auth-type-none-enabled": False, "auth-type-password-enabled": False,
            "auth-type-client-enabled": False, "auth-type-refresh-enabled": True,
            "pkce-allowed": True, "pkce-method-plain-allowed": False, "subject-type": "public", "scope": [],
            "name-claim": "mandatory", "email-claim": "no", "address-claim": {"type": "no"}, "jwks-show": True,
            "claims": [{"name": "department", "user-property": "department", **claim},
                       {"name": "groups", "user-property": "groups", **claim}]}}
        r = a.post("/mod/plugin/", json=plugin)
        assert r.status_code == 200, r.text
        assert a.put(f"/mod/plugin/{PLUGIN}/enable").status_code == 200
        r = a.post("/client/", json={"client_id": CLIENT_ID, "name": "Trợ lý ảo", "enabled": True,
                                     "confidential": False, "redirect_uri": [server.redirect_uri],
                                     "authorization_type": ["code", "refresh_token"], "scope": []})
        assert r.status_code == 200, r.text


@contextmanager
def running_glewlwyd(redirect_uri: str = "http://testserver/v1/oidc/callback") -> Iterator[Glewlwyd]:
    """glewlwyd on a free port with the OIDC plugin and this service's client; stopped and removed after."""
    binary = glewlwyd_binary()
    assert binary is not None
    folder = Path(tempfile.mkdtemp(prefix="glewlwyd-"))
    try:
        with sqlite3.connect(folder / "glewlwyd.db") as db:
            db.executescript(SCHEMA.read_text(encoding="utf-8"))
        port = free_port()
        static = static_config(webapp_copy(folder))
        (folder / "glewlwyd.conf").write_text(CONFIG.format(port=port, folder=folder, static=static),
                                              encoding="utf-8")
        process = subprocess.Popen([binary, f"--config-file={folder / 'glewlwyd.conf'}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        server = Glewlwyd(port=port, folder=folder, process=process, redirect_uri=redirect_uri)
        try:
            deadline = time.monotonic() + 20
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"glewlwyd exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
                try:
                    httpx.get(f"{server.base}/auth/scheme/", timeout=1)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("glewlwyd did not answer within 20 s") from None
                    time.sleep(0.1)
            _setup(server)
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def glewlwyd_with(officials: Mapping[str, tuple[str, str, str, list[str]]]) -> Iterator[Glewlwyd]:
    """``running_glewlwyd`` holding ``officials`` (username → name, password, department, groups); the test is
    skipped where Debian's glewlwyd is not installed."""
    import pytest

    if glewlwyd_binary() is None:
        pytest.skip("Debian's glewlwyd is not installed (apt-get install glewlwyd; `make directory-server`)")
    with running_glewlwyd() as server:
        for username, (name, password, department, groups) in officials.items():
            server.add_user(username, name, password, department, groups)
        yield server
