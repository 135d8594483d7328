"""Sign-in through a directory of a province's size (issue 30; not a test): 20,000 generated officials in 500
units, in a real OpenLDAP slapd started here (Debian's package, tests/slapd_server.py), the mapping file
mapping their 500 department spellings to units and two groups to roles.

    python benchmarks/directory_signin.py [--people 20000] [--units 500] [--sign-ins 2000] [--threads 8]

What it measures, in order:
1. The load: LDIF generated ({SSHA} passwords, one group of leaders with one official in 20 as members), slapadd
   time, slapd start.
2. Sign-in as the API does it (``POST /v1/login`` through the real app in this process: per-address limit,
   the lock-out row in SQLite, the directory's three LDAP operations, the people row, audit, token) for
   ``--sign-ins`` random officials one at a time, then the same number from ``--threads`` threads: p50 / p95 /
   p99 ms, sign-ins per second, and the directory's load per sign-in: LDAP operations counted by the client,
   and slapd's own CPU ms (from /proc).
3. The re-check a token gets when its record is older than ``directory_recheck_minutes``: a request
   (``GET /v1/me``) with the re-check forced each time: p95 and LDAP operations per re-check.

Prints JSON; report the load average it prints beside the figures (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.slapd_server import (  # noqa: E402
    GROUPS_BASE,
    PEOPLE_BASE,
    SERVICE_DN,
    SERVICE_PASSWORD,
    base_ldif,
    group_ldif,
    person_ldif,
    running_slapd,
)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc",
         "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến"]
TITLES = ["Chuyên viên", "Chuyên viên chính", "Phó Trưởng phòng", "Trưởng phòng", "Cán sự"]


def password_of(i: int) -> str:
    return f"mat-khau-can-bo-{i:05d}"


def generate(people: int, units: int, seed: int = 7) -> tuple[str, dict[str, str], list[str]]:
    """(LDIF, department spelling -> unit, uids)."""
    rng = random.Random(seed)
    unit_names = {f"DV{u:03d}": f"Đơn vị hành chính số {u:03d}" for u in range(units)}
    departments = list(unit_names)
    chunks = [base_ldif()]
    uids, leaders = [], []
    for i in range(people):
        uid = f"cb{i:05d}"
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        chunks.append(person_ldif(uid, name, password_of(i), departments[i % units], rng.choice(TITLES)))
        uids.append(uid)
        if i % 20 == 0:
            leaders.append(uid)
    chunks.append(group_ldif("lanh-dao", leaders))
    chunks.append(group_ldif("quan-tri", uids[:5]))
    return "".join(chunks), unit_names, uids


def mapping_yaml(unit_names: dict[str, str]) -> str:
    lines = ["name_attribute: displayName", "position_attribute: title", "unit:", "  attributes: [departmentNumber]",
             "  units:"]
    lines += [f'    "{k}": "{v}"' for k, v in unit_names.items()]
    lines += ["roles:", "  default: [chuyen_vien]", "  groups:", f'    "cn=lanh-dao,{GROUPS_BASE}": lanh_dao',
              '    "cn=quan-tri": admin']
    return "\n".join(lines) + "\n"


def cpu_ms(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def quantiles(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    pick = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]  # noqa: E731
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 2), "p95_ms": round(pick(0.95), 2),
            "p99_ms": round(pick(0.99), 2), "max_ms": round(ms[-1], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--sign-ins", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rechecks", type=int, default=1000)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from fastapi.testclient import TestClient

    from assistant.api.app import create_app
    from assistant.service.runtime import Runtime
    from core.settings import Settings

    out: dict[str, object] = {"people": args.people, "units": args.units, "load_average_start": os.getloadavg()}
    t0 = time.perf_counter()
    ldif, unit_names, uids = generate(args.people, args.units)
    out["generate_s"] = round(time.perf_counter() - t0, 2)
    folder = Path(tempfile.mkdtemp(prefix="directory-bench-"))
    (folder / "mapping.yaml").write_text(mapping_yaml(unit_names), encoding="utf-8")
    (folder / "users.yaml").write_text("users: []\n", encoding="utf-8")
    t0 = time.perf_counter()
    with running_slapd(ldif, start_s=120) as slapd:
        out["slapadd_and_start_s"] = round(time.perf_counter() - t0, 2)
        settings = Settings(
            data_dir=folder / "data", users_file=folder / "users.yaml", demo=True,
            embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite",
            rate_limit_per_minute=10_000_000, login_rate_limit_per_minute=10_000_000,
            login_concurrency=max(4, args.threads), directory="ldap", ldap_url=slapd.url, ldap_bind_dn=SERVICE_DN,
            ldap_bind_password=SERVICE_PASSWORD, ldap_search_base=PEOPLE_BASE, ldap_group_base=GROUPS_BASE,
            directory_mapping_file=folder / "mapping.yaml", directory_recheck_minutes=15)
        runtime = Runtime(settings)
        with TestClient(create_app(settings, runtime)) as client:
            directory = runtime.directory()
            rng = random.Random(11)

            def sign_in(i: int) -> tuple[float, str]:
                started = time.perf_counter()
                r = client.post("/v1/login", json={"username": uids[i], "password": password_of(i)})
                elapsed = (time.perf_counter() - started) * 1000
                if r.status_code != 200:
                    raise RuntimeError(f"sign-in {uids[i]}: {r.status_code} {r.text}")
                return elapsed, r.json()["access_token"]

            sign_in(0)  # warm: service connection, mapping, SQL
            picks = [rng.randrange(args.people) for _ in range(args.sign_ins)]
            for label, threads in (("sequential", 1), (f"{args.threads}_threads", args.threads)):
                ops0, cpu0, t0 = directory.operations, cpu_ms(slapd.process.pid), time.perf_counter()
                with ThreadPoolExecutor(threads) as pool:
                    results = list(pool.map(sign_in, picks))
                wall = time.perf_counter() - t0
                n = len(picks)
                out[f"sign_in_{label}"] = {
                    **quantiles([r[0] for r in results]), "per_s": round(n / wall, 1),
                    "ldap_operations_per_sign_in": round((directory.operations - ops0) / n, 2),
                    "slapd_cpu_ms_per_sign_in": round((cpu_ms(slapd.process.pid) - cpu0) / n, 3)}

            # Re-check on token use: the record made older than the window before each request.
            from datetime import UTC, datetime, timedelta

            from sqlalchemy import update

            from assistant.service.db import PersonRow

            stale = datetime.now(UTC) - timedelta(minutes=16)
            recheck_ms = []
            for i in picks[:args.rechecks]:
                _, token = sign_in(i)
                with runtime.sessions.begin() as s:
                    s.execute(update(PersonRow).where(PersonRow.id == uids[i]).values(checked_at=stale))
                ops_before = directory.operations
                started = time.perf_counter()
                r = client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
                recheck_ms.append((time.perf_counter() - started) * 1000)
                if r.status_code != 200:
                    raise RuntimeError(f"re-check {uids[i]}: {r.status_code} {r.text}")
                if directory.operations - ops_before != 2:
                    raise RuntimeError("a record older than the window was not re-checked")
            fresh_ms = []
            for _ in range(len(recheck_ms)):  # the same request inside the window: no directory operation
                ops_before = directory.operations
                started = time.perf_counter()
                client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
                fresh_ms.append((time.perf_counter() - started) * 1000)
                if directory.operations != ops_before:
                    raise RuntimeError("a fresh record was re-checked")
            out["request_with_recheck"] = {**quantiles(recheck_ms), "ldap_operations_per_recheck": 2}
            out["request_inside_window"] = {**quantiles(fresh_ms), "ldap_operations": 0}
        runtime.close()
    shutil.rmtree(folder, ignore_errors=True)
    out["load_average_end"] = os.getloadavg()
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
