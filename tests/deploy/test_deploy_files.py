"""The deployment files (deploy/): yamllint passes, and what the project relies on holds, read from the YAML
itself: every service and container has a health check (the API's wired to /healthz and /readyz), every
ASSISTANT_* variable is a field of Settings, the vLLM model and the Qdrant URL are settings that point at the
right services, secrets come from the environment, the API runs 2+ replicas behind the proxy. No Docker engine
or cluster is needed (none exists here): this reads files."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from core.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
K8S = DEPLOY / "k8s"
FIELDS = set(Settings.model_fields)
# Read by the UI process itself (ui/app.py, ui/api_client.py): the UI imports no core code, so it is not a field.
UI_ONLY = {"ASSISTANT_API_URL"}
ENV_NAME = re.compile(r"\bASSISTANT_[A-Z0-9_]*[A-Z0-9]\b")
SECRET = re.compile(r"PASSWORD|SECRET|API_KEY|_TOKEN$|DATABASE_URL")


def field_of(name: str) -> str:
    return name.removeprefix("ASSISTANT_").lower()


def k8s_docs() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    return docs


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def workloads(docs: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(workload, pod spec) for Deployments, StatefulSets and CronJobs."""
    out = []
    for d in docs:
        if d["kind"] in ("Deployment", "StatefulSet"):
            out.append((d, d["spec"]["template"]["spec"]))
        elif d["kind"] == "CronJob":
            out.append((d, d["spec"]["jobTemplate"]["spec"]["template"]["spec"]))
    return out


# --- lint ------------------------------------------------------------------------------------------------


def test_yamllint_passes_on_deploy():
    exe = shutil.which("yamllint", path=str(Path(sys.executable).parent)) or shutil.which("yamllint")
    if exe is None:
        pytest.skip("yamllint not installed (it is in the dev extra: pip install -e '.[dev]')")
    done = subprocess.run([exe, "-c", str(DEPLOY / ".yamllint"), "-f", "parsable", str(DEPLOY)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_assistant_variable_in_deploy_files_is_a_setting():
    """Any ASSISTANT_* name anywhere under deploy/ (YAML, env examples, scripts) must be a Settings field."""
    found: dict[str, set[str]] = {}
    for path in DEPLOY.rglob("*"):
        if path.is_file() and path.suffix in {".yml", ".yaml", ".env", ".example", ".sh", ".conf", ""}:
            for name in ENV_NAME.findall(path.read_text(encoding="utf-8", errors="replace")):
                found.setdefault(name, set()).add(str(path.relative_to(REPO)))
    assert found, "no ASSISTANT_ variables found under deploy/"
    unknown = {n: sorted(p) for n, p in found.items() if n not in UI_ONLY and field_of(n) not in FIELDS}
    assert not unknown, f"not fields of core.settings.Settings: {unknown}"
    ui_source = "".join(p.read_text(encoding="utf-8") for p in (REPO / "ui").rglob("*.py"))
    for name in UI_ONLY & set(found):
        assert name in ui_source, f"{name} is allowed because the UI reads it, but ui/ does not"


# --- docker compose --------------------------------------------------------------------------------------


def test_compose_services_all_have_health_checks_and_the_api_is_replicated():
    services = compose()["services"]
    assert {"postgres", "qdrant", "vllm", "api", "indexer", "ui", "proxy"} <= set(services)
    for name, service in services.items():
        test = (service.get("healthcheck") or {}).get("test")
        assert test and test != ["NONE"], f"service {name!r} has no health check"
    api_probe = " ".join(services["api"]["healthcheck"]["test"])
    assert "/readyz" in api_probe and "/readyz" in " ".join(services["indexer"]["healthcheck"]["test"])
    replicas = str(services["api"]["deploy"]["replicas"])
    default = re.fullmatch(r"\$\{API_REPLICAS:-(\d+)\}", replicas)
    assert int(default.group(1) if default else replicas) >= 2
    assert services["vllm"]["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] == ["gpu"]
    for name in ("postgres", "qdrant", "api", "indexer", "ui"):
        assert services[name]["deploy"]["resources"]["limits"]["memory"], name


def _compose_env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    return {k: str(v) for k, v in env.items()}


def test_compose_points_the_api_at_vllm_qdrant_and_postgres_through_settings():
    services = compose()["services"]
    env = _compose_env(services["api"])
    assert env["ASSISTANT_VECTOR_STORE"] == "qdrant"
    qdrant = urlsplit(env["ASSISTANT_QDRANT_URL"])
    assert qdrant.hostname == "qdrant" and qdrant.port == 6333
    llm = urlsplit(env["ASSISTANT_LLM_BASE_URL"])
    assert env["ASSISTANT_LLM_BACKEND"] == "openai" and llm.hostname == "vllm" and llm.path == "/v1"
    vllm_args = services["vllm"]["command"]
    port = next(a.split("=", 1)[1] for a in vllm_args if a.startswith("--port="))
    assert int(port) == llm.port
    # The model is one variable: what vLLM serves is what the API asks for.
    served = next(a.split("=", 1)[1] for a in vllm_args if a.startswith("--served-model-name="))
    assert served == env["ASSISTANT_LLM_MODEL"] and served.startswith("${")
    assert any(a.startswith("--model=/models/${") for a in vllm_args)
    db = env["ASSISTANT_DATABASE_URL"]
    assert db.startswith("postgresql+psycopg://") and "@postgres:5432/" in db
    # The indexer and the jobs run with the same settings as the API.
    assert _compose_env(services["indexer"]) == env and _compose_env(services["tools"]) == env


def test_compose_secrets_come_from_the_environment():
    services = compose()["services"]
    for name, service in services.items():
        for key, value in _compose_env(service).items():
            if SECRET.search(key):
                assert "${" in value, f"{name}.{key} is written in the file; take it from the environment"
    env = _compose_env(services["api"])
    for key in ("ASSISTANT_JWT_SECRET", "ASSISTANT_QDRANT_API_KEY", "ASSISTANT_LLM_API_KEY"):
        assert re.search(r"\$\{[A-Z_]+:\?", env[key]), f"{key} must be required (${{VAR:?}})"
    example = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    for line in example.splitlines():
        if not line.startswith("#") and SECRET.search(line.split("=")[0]):
            assert line.strip().endswith("="), f"deploy/.env.example must not hold a secret value: {line}"


def test_compose_settings_parse_with_their_defaults(tmp_path: Path):
    """The API's environment, with ${VAR:-default} resolved and dummy secrets, is valid Settings input."""
    env = _compose_env(compose()["services"]["api"])

    def resolve(value: str) -> str:
        value = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)
        return re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", "dummy", value)

    values = {field_of(k): resolve(v) for k, v in env.items() if k.startswith("ASSISTANT_")}
    settings = Settings(**values)
    assert settings.vector_store == "qdrant" and settings.qdrant_on_disk is True
    assert settings.qdrant_shard_number >= 1 and settings.llm_backend == "openai"


def test_nginx_balances_the_api_and_streams_answers():
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text(encoding="utf-8")
    assert re.search(r"upstream api \{[^}]*server api:8000", conf)
    assert "proxy_buffering off" in conf  # SSE: /v1/ask/stream
    assert re.search(r"location /v1/documents \{[^}]*proxy_pass http://indexer", conf)
    proxy = compose()["services"]["proxy"]
    assert any(v.startswith("./nginx/nginx.conf:") for v in proxy["volumes"])


# --- Kubernetes -------------------------------------------------------------------------------------------


def test_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


def test_k8s_every_container_has_probes_and_sized_resources():
    docs = k8s_docs()
    loads = workloads(docs)
    assert {d["metadata"]["name"] for d, _ in loads} >= {"assistant-api", "assistant-indexer", "assistant-ui",
                                                         "qdrant", "vllm", "postgres"}
    for workload, pod in loads:
        for c in pod["containers"]:
            where = f"{workload['kind']}/{workload['metadata']['name']}/{c['name']}"
            if workload["kind"] != "CronJob":  # a job runs to completion: nothing to probe
                assert c.get("readinessProbe") and c.get("livenessProbe"), f"{where}: probes"
            res = c.get("resources") or {}
            for kind in ("requests", "limits"):
                assert res.get(kind, {}).get("memory") and res.get(kind, {}).get("cpu"), f"{where}: {kind}"


def test_k8s_api_probes_are_healthz_and_readyz():
    for workload, pod in workloads(k8s_docs()):
        if workload["metadata"]["name"] in ("assistant-api", "assistant-indexer"):
            c = pod["containers"][0]
            assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
            assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
            assert c["startupProbe"]["httpGet"]["path"] == "/healthz"
    api = next(d for d in k8s_docs() if d["kind"] == "Deployment" and d["metadata"]["name"] == "assistant-api")
    assert api["spec"]["replicas"] >= 2


def _configmap(docs: list[dict[str, Any]], name: str) -> dict[str, str]:
    return next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == name)["data"]


def test_k8s_env_names_are_settings_and_secrets_come_from_secrets():
    docs = k8s_docs()
    config = _configmap(docs, "assistant-config")
    names = set(config)
    for _, pod in workloads(docs):
        for c in pod["containers"]:
            for e in c.get("env") or []:
                names.add(e["name"])
                if SECRET.search(e["name"]):
                    assert "secretKeyRef" in (e.get("valueFrom") or {}), f"{e['name']} must come from a Secret"
    unknown = {n for n in names if n.startswith("ASSISTANT_") and n not in UI_ONLY and field_of(n) not in FIELDS}
    assert not unknown, unknown
    assert not any(SECRET.search(k) for k in config), "secrets in the ConfigMap"
    assert not any(d["kind"] == "Secret" for d in docs), "no Secret with values in the repository"
    keys = {line.split("=", 1)[0] for line in (K8S / "secrets.example.env").read_text().splitlines()
            if line and not line.startswith("#")}
    refs = {e["valueFrom"]["secretKeyRef"]["key"] for _, pod in workloads(docs) for c in pod["containers"]
            for e in c.get("env") or [] if "secretKeyRef" in (e.get("valueFrom") or {})}
    assert refs <= keys, f"secret keys used but not documented in secrets.example.env: {refs - keys}"


def test_k8s_vllm_model_and_qdrant_url_are_settings():
    docs = k8s_docs()
    config = _configmap(docs, "assistant-config")
    services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
    qdrant = urlsplit(config["ASSISTANT_QDRANT_URL"])
    assert qdrant.hostname in services
    assert qdrant.port in {p["port"] for p in services[qdrant.hostname]["spec"]["ports"]}
    llm = urlsplit(config["ASSISTANT_LLM_BASE_URL"])
    assert llm.hostname == "vllm" and llm.port in {p["port"] for p in services["vllm"]["spec"]["ports"]}
    vllm = next(pod for w, pod in workloads(docs) if w["metadata"]["name"] == "vllm")["containers"][0]
    assert "--served-model-name=$(ASSISTANT_LLM_MODEL)" in vllm["args"]
    assert "--model=$(VLLM_MODEL_PATH)" in vllm["args"]
    model_env = next(e for e in vllm["env"] if e["name"] == "ASSISTANT_LLM_MODEL")
    assert model_env["valueFrom"]["configMapKeyRef"] == {"name": "assistant-config", "key": "ASSISTANT_LLM_MODEL"}
    assert "VLLM_MODEL_PATH" in _configmap(docs, "vllm-config")
    assert vllm["resources"]["limits"]["nvidia.com/gpu"] == 1
    settings = Settings(**{field_of(k): v for k, v in config.items() if k.startswith("ASSISTANT_")})
    assert settings.qdrant_replication_factor == 2 and settings.qdrant_write_consistency_factor <= 2
    qdrant_set = next(d for d in docs if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "qdrant")
    assert settings.qdrant_replication_factor <= qdrant_set["spec"]["replicas"]


def test_k8s_containers_use_the_project_image_or_pinned_images():
    for _, pod in workloads(k8s_docs()):
        for c in pod["containers"]:
            image = c["image"]
            assert image == "tro-ly-ao" or (":" in image and not image.endswith(":latest")), image
