"""While the app serves, what start-up built is frozen out of the collector's sight and the youngest
generation is collected less often (issue 24: the collector was a sixth of the server's GIL time); shutdown
undoes both, so a process that starts apps one after another (the tests) collects each closed one."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from assistant.api.app import YOUNG_COLLECTION_EVERY, create_app
from assistant.service.runtime import Runtime


def test_serving_freezes_the_start_up_heap_and_shutdown_undoes_it(runtime: Runtime) -> None:
    before = gc.get_threshold()
    with TestClient(create_app(runtime=runtime)) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (YOUNG_COLLECTION_EVERY, *before[1:])
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
