"""Schemathesis against the app's own /openapi.json, as an administrator (so every operation is reached):
no generated request may produce a 5xx. A separate data dir keeps fuzzed uploads and deletions away from
the other tests' index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from assistant.api.app import create_app
from assistant.service.credentials import issue_token, jwt_secret
from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.access import load_users

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def fuzz_runtime(tmp_path_factory: pytest.TempPathFactory, users_copy: Path, settings_for) -> Iterator[Runtime]:  # noqa: ANN001
    cfg = settings_for(tmp_path_factory.mktemp("fuzz-data"), users_copy)
    rt = Runtime(cfg)
    rt.indexer().index(iter_sources([REPO / "data" / "samples"], max_bytes=cfg.max_file_bytes))
    yield rt
    rt.close()


@pytest.fixture(scope="module")
def fuzz_app(fuzz_runtime: Runtime):  # noqa: ANN201
    return create_app(fuzz_runtime.settings, fuzz_runtime)


@pytest.fixture(scope="module")
def admin_headers(fuzz_runtime: Runtime) -> dict[str, str]:
    cfg = fuzz_runtime.settings
    token, _ = issue_token(load_users(cfg.users_file)["admin"], jwt_secret(cfg), 60)
    return {"Authorization": f"Bearer {token}"}


MAX_EXAMPLES = 15  # per operation and generation mode: the whole run stays well under two minutes


def test_schemathesis_finds_no_server_error(fuzz_app, admin_headers: dict[str, str]) -> None:  # noqa: ANN001
    """Valid and invalid requests for every operation of /openapi.json; any 5xx is collected and reported.

    (schemathesis' own pytest plugin does not run under this pytest version, so the operations'
    Hypothesis strategies are driven directly.)"""
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck), phases=[Phase.generate])
            def run(case) -> None:  # noqa: ANN001
                response = case.call(headers=dict(admin_headers))
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.path} → {response.status_code}: {response.text[:200]}")

            try:
                run()
            except Unsatisfiable:  # no invalid input exists for an operation without parameters
                assert mode is GenerationMode.NEGATIVE
    assert operations >= 15
    assert failures == []

