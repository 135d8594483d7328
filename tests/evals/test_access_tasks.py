"""The "tasks" probe channel of ``assistant eval access``: GET /v1/tasks of the real app, acting for each user,
shows no task of the planted restricted plan to anyone outside Sở Y tế, and does reach Sở Y tế."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.service.runtime import Runtime
from assistant.tasks.extraction import extract_tasks
from core.access import ANONYMOUS
from core.settings import Settings
from evals.access_channels import Reply, TasksRouteChannel
from evals.access_eval import load_probes, run_access, source_chunks
from evals.planted_plan import PLANTED_PLAN

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = Runtime(Settings(data_dir=tmp_path / "data", users_file=REPO / "data" / "users.yaml"))
    rt.task_store().replace(PLANTED_PLAN.doc_id, extract_tasks(PLANTED_PLAN, rt.units()))
    yield rt
    rt.close()


def test_task_probes_leak_nothing_and_reach_the_plans_readers(runtime: Runtime) -> None:
    probes = [p for p in load_probes() if p.get("channel") == "tasks"]
    assert len(probes) >= 4
    principals = [u.principal() for u in runtime.users().values()] + [ANONYMOUS]
    chunks = source_chunks([PLANTED_PLAN], runtime.settings.max_chunk_chars)
    channel = TasksRouteChannel(runtime)
    try:
        data = run_access(None, principals, probes, chunks, channels={"tasks": channel})
    finally:
        channel.close()
    assert data["leaks"] == 0, data["leak_details"]
    assert data["metrics"]["reach"] == 1.0  # Sở Y tế's officials do get the plan's tasks
    assert data["asks_by_channel"] == {"tasks": len(probes) * len(principals)}


def test_a_tasks_route_that_ignores_access_is_caught(runtime: Runtime) -> None:
    class Leaky:
        name = "tasks"

        def replies(self, probe: dict, principal: object) -> list[Reply]:
            tasks = runtime.task_store().find(runtime.principal("syt.lethicuc"))
            return [Reply(texts=[("task", v.task.nhiem_vu) for v in tasks],
                          doc_ids=[("task", v.task.doc_id) for v in tasks])]

    chunks = source_chunks([PLANTED_PLAN], runtime.settings.max_chunk_chars)
    probe = {"id": "p", "text": "Nhiệm vụ", "channel": "tasks", "targets": []}
    data = run_access(None, [runtime.principal("ca.hoangminhduc")], [probe], chunks, channels={"tasks": Leaky()})
    assert data["leaks"] >= 2 and {x["what"] for x in data["leak_details"]} >= {"forbidden document",
                                                                                "forbidden figure"}
