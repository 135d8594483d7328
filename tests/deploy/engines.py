"""Real engines on loopback, for the province-scale tests and benchmark: a PostgreSQL cluster in a temp dir, nginx
with the shipped config rendered for loopback ports, and ``assistant serve`` replicas.

PostgreSQL refuses to run as root and CI runs as root, so as root the cluster runs as an unprivileged system user
created here (``useradd``) through ``runuser``; as anyone else it runs as that user. Every process is started
in its own session and stopped (then killed) by its own id; every temp dir is removed, on failure too.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
NGINX_CONF = REPO / "deploy" / "nginx" / "nginx.conf"
PG_OS_USER = "tla-postgres"
PROXY_ADDRESS = "127.0.0.10"  # nginx connects to the replicas from here: the one address they trust


def pg_bin() -> Path | None:
    """Debian's PostgreSQL binaries (initdb, pg_ctl), newest version first; None when none is installed."""
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def missing_engines() -> str | None:
    """Why the engine tests cannot run here (naming the Debian package to install), or None."""
    missing = [name for name, ok in (("postgresql", pg_bin() is not None), ("nginx-light", shutil.which("nginx")))
               if not ok]
    try:
        import psycopg  # noqa: F401
    except ImportError:
        missing.append("psycopg (pip install '.[postgres]')")
    return f"not installed: {', '.join(missing)} (make engines)" if missing else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen, timeout: float = 20.0) -> None:
    """SIGTERM, then SIGKILL after ``timeout``; always reaped."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class PostgresCluster:
    """``initdb`` + ``pg_ctl start`` on 127.0.0.1:``port`` in a fresh temp dir, DDL statements logged."""

    def __init__(self) -> None:
        folder = pg_bin()
        if folder is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = folder
        self.port = free_port()
        self.password = secrets.token_hex(12)
        self.root = Path(tempfile.mkdtemp(prefix="tla-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", PG_OS_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        return done

    def start(self) -> PostgresCluster:
        if self.as_root:
            known = subprocess.run(["id", "-u", PG_OS_USER], capture_output=True).returncode == 0
            if not known:
                subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                                PG_OS_USER], check=True, capture_output=True)
            shutil.chown(self.root, user=PG_OS_USER)
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if self.as_root:
            shutil.chown(pwfile, user=PG_OS_USER)
        self._run("initdb", "-D", str(self.data), "-U", "assistant", f"--pwfile={pwfile}", "--auth=scram-sha-256",
                  "--encoding=UTF8", "--locale=C.UTF-8")
        pwfile.unlink()
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} "
                   "-c log_statement=ddl -c max_connections=200 -c fsync=off")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://assistant:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=assistant password={self.password} "
                             "dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def logged(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def render_nginx(conf: str, *, listen: int, upstreams: dict[str, list[int]], root: Path) -> str:
    """The shipped config with only what binds it to Docker changed: no Docker DNS (``resolver``, ``resolve``),
    each upstream's ``name:port`` server replaced by loopback ports, the listen port, log files and pid under
    ``root``, and ``proxy_bind`` to PROXY_ADDRESS (the compose file's fixed proxy address, on loopback). The log
    format adds which upstream answered, for the tests to read."""
    conf = re.sub(r"^\s*resolver [^;]*;\n", "", conf, flags=re.M)

    def servers(match: re.Match[str]) -> str:
        indent, name, params = match.group(1), match.group(2), match.group(4).replace(" resolve", "")
        return "".join(f"{indent}server 127.0.0.1:{port}{params};\n" for port in upstreams[name])

    conf = re.sub(r"^(\s*)server (\w+):(\d+)([^;]*);\n", servers, conf, flags=re.M)
    conf = re.sub(r"listen 80;", f"listen 127.0.0.1:{listen};", conf)
    log_format = "log_format upstreams '$request_method $uri $status $upstream_addr $upstream_status';"
    conf = conf.replace("access_log /dev/stdout;",
                        f"{log_format}\n    access_log {root / 'access.log'} upstreams;\n"
                        f"    proxy_bind {PROXY_ADDRESS};")
    conf = conf.replace("error_log /dev/stderr warn;", f"error_log {root / 'error.log'} warn;")
    temp = "".join(f"    {kind}_temp_path {root / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                            "scgi"))
    return conf.replace("http {\n", "http {\n" + temp, 1)


class Nginx:
    """nginx in the foreground (``daemon off``) with the rendered config, stopped with its own pid."""

    def __init__(self, upstreams: dict[str, list[int]]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.root = Path(tempfile.mkdtemp(prefix="tla-nginx-"))
        self.root.chmod(0o755)  # workers run as nobody and create their temp dirs here
        self.conf = self.root / "nginx.conf"
        text = render_nginx(NGINX_CONF.read_text(encoding="utf-8"), listen=self.port, upstreams=upstreams,
                            root=self.root)
        self.conf.write_text(text, encoding="utf-8")
        self.proc: subprocess.Popen | None = None

    def _command(self, *extra: str) -> list[str]:
        nginx = shutil.which("nginx") or "nginx"
        return [nginx, "-p", str(self.root), "-c", str(self.conf), "-e", str(self.root / "error.log"),
                "-g", f"daemon off; pid {self.root / 'nginx.pid'};", *extra]

    def check(self) -> subprocess.CompletedProcess:
        return subprocess.run(self._command("-t"), capture_output=True, text=True, timeout=30)

    def start(self) -> Nginx:
        self.proc = subprocess.Popen(self._command(), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.root / 'error.log').read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{self.url}/nginx-health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("nginx did not answer /nginx-health")

    def access_lines(self) -> list[str]:
        path = self.root / "access.log"
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []

    def stop(self) -> None:
        try:
            if self.proc is not None:
                stop_process(self.proc, timeout=10)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class Replica:
    """One ``assistant serve`` process on 127.0.0.1 with ``env``; its log (access lines included) in ``log``."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.address = f"127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1",
                                          "--port", str(self.port)], cwd=REPO, env=env, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"replica {self.name} not ready:\n{self.log.read_text(errors='replace')[-3000:]}")

    def served(self, path: str) -> int:
        """How many requests for ``path`` this replica has started answering (uvicorn's access log)."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return len(re.findall(rf'"[A-Z]+ {re.escape(path)} HTTP/1\.1" \d+', text))

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> None:
        stop_process(self.proc)
