"""The relations of a document through the CLI (``assistant documents relations``, ``import-relations``) and
the API (``GET /v1/documents/{id}/relations``), under access, with the Bộ pháp điển import beside them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.api.app import create_app
from assistant.cli import app
from assistant.service.runtime import Runtime
from core.settings import Settings
from tests.assistant.validity.validity_fixtures import (
    RESTRICTED,
    VERIFIED,
    amending_decision,
    new_decision,
    old_decision,
)

REPO = Path(__file__).resolve().parents[3]
CACHE = REPO / "build" / "test-cache" / "embeddings.sqlite"
HEADER = ("de_muc\tten_de_muc\tma_phap_dien\tdieu_phap_dien\tdieu_nguon\tloai_van_ban_nguon\tso_hieu_nguon\t"
          "vbpl_itemid_nguon\tngay_hieu_luc_nguon\tloai_quan_he\tvan_ban_tac_dong\tvbpl_itemid_tac_dong\tghi_chu_goc")
ROWS = [
    # Agrees with the amending decision's own text on Điều 3 …
    "1.1\tThủ tục\t1\tĐiều 1.1.QĐ.3. Thời hạn\t3\tQuyết định\t12/2025/QĐ-UBND\t1\t01/03/2025\tsua_doi\t"
    "Điều 1 Quyết định 20/2025/QĐ-UBND (hiệu lực 01/06/2025)\t2\t(Điều 3 … được sửa đổi bởi Điều 1 …)",
    # … but also records Điều 4, which that text does not touch: a disagreement to report.
    "1.1\tThủ tục\t2\tĐiều 1.1.QĐ.4. Hồ sơ\t4\tQuyết định\t12/2025/QĐ-UBND\t1\t01/03/2025\tsua_doi\t"
    "Điều 1 Quyết định 20/2025/QĐ-UBND (hiệu lực 01/06/2025)\t2\t(Điều 4 … được sửa đổi bởi Điều 1 …)",
    "1.1\tThủ tục\t3\tĐiều hỏng\tkhông số\tQuyết định\t12/2025/QĐ-UBND\t1\t01/03/2025\tsua_doi\t\t\t",
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("rel") / "data"
    rt = Runtime(Settings(validity_verified_through=VERIFIED, data_dir=data, embedding_cache_path=CACHE))
    rt.indexer().index([old_decision(), new_decision(access=RESTRICTED), amending_decision()])
    rt.close()
    return data


@pytest.fixture
def env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDING_CACHE_PATH", str(CACHE))
    monkeypatch.setenv("ASSISTANT_VALIDITY_VERIFIED_THROUGH", VERIFIED.isoformat())
    return data_dir


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["documents", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_lists_relations_history_and_hides_a_restricted_replacement(env: Path) -> None:
    code, out, _ = cli("relations", "qd-12-2025", "--user", "stc.vuthihoa", "--json")
    assert code == 0, out
    found = json.loads(out)
    assert found["validity"] == "con_hieu_luc"
    outgoing = {(r["kind"], r["target_so_hieu"], r["clause"]) for r in found["relations"]
                if r["direction"] == "outgoing"}
    assert ("replaces", "45/2023/QĐ-UBND", "Điều 6") in outgoing
    assert any(r["direction"] == "incoming" and r["actor_so_hieu"] == "20/2025/QĐ-UBND" and r["units"] ==
               ["khoản 2 Điều 3"] for r in found["relations"])
    assert found["history"][0] == "có hiệu lực 2025-03-01"
    assert "sửa đổi, bổ sung khoản 2 Điều 3 bởi 20/2025/QĐ-UBND (2025-06-01)" in found["history"]

    code, out, _ = cli("relations", "qd-45-2023", "--user", "syt.lethicuc", "--json")
    old = json.loads(out)
    assert old["validity"] == "het_hieu_luc" and old["expired_from"] == "2025-03-01"
    assert old["relations"] == [] and "12/2025" not in out  # read from a decision this user may not see

    code, _, err = cli("relations", "qd-12-2025", "--user", "syt.lethicuc")
    assert code == 2 and "qd-12-2025" in err and "không có văn bản" in err
    # The operator of this machine (no --user) sees the restricted replacement, and the status in words.
    code, out, _ = cli("relations", "qd-45-2023")
    assert code == 0, out
    assert "hết hiệu lực từ 01/03/2025" in out and "het_hieu_luc" not in out and "12/2025/QĐ-UBND" in out
    # dates and the relation's source in words (issue 31), not "2025-03-01" or "; text"
    assert "Lịch sử: có hiệu lực " in out and not re.search(r"\d{4}-\d{2}-\d{2}", out), out
    assert "theo văn bản" in out and "; text" not in out
    # documents show carries the same: relations and the computed validity.
    code, out, _ = cli("show", "qd-45-2023")
    assert code == 0, out
    assert "Hiệu lực và quan hệ:" in out and "hết hiệu lực từ 01/03/2025" in out
    code, out, _ = cli("show", "qd-12-2025", "--user", "stc.vuthihoa", "--json")
    shown = json.loads(out)
    assert shown["relations"]["validity"] == "con_hieu_luc"
    assert any(r["actor_so_hieu"] == "20/2025/QĐ-UBND" for r in shown["relations"]["relations"])
    code, _, err = cli("relations", "qd-12-2025", "--user", "khong-co-ai")
    assert code == 2 and "khong-co-ai" in err


def test_phapdien_import_sits_beside_the_text_and_disagreements_are_reported(env: Path, tmp_path: Path) -> None:
    tsv = tmp_path / "phapdien.tsv"
    tsv.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    code, out, _ = cli("import-relations", str(tsv), "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["imported"] == 2 and len(report["rejected"]) == 1
    assert "dòng 4" in report["rejected"][0]["reason"]
    assert report["documents"] == ["qd-12-2025"]
    assert report["disagreements"] == {"qd-12-2025": [
        "pháp điển ghi 20/2025/QĐ-UBND tác động Điều 4 của 12/2025/QĐ-UBND, văn bản sửa đổi không nêu"]}
    code, out, _ = cli("import-relations", str(tsv), "--json")  # a re-import replaces, never doubles
    assert json.loads(out)["imported"] == 2
    code, out, _ = cli("relations", "qd-12-2025", "--user", "stc.vuthihoa", "--json")
    sources = {r["source"] for r in json.loads(out)["relations"]}
    assert sources == {"text", "phapdien"}
    assert json.loads(out)["disagreements"]
    code, _, err = cli("import-relations", str(tmp_path / "khong-co.tsv"))
    assert code == 2 and "khong-co.tsv" in err


def test_api_relations_follow_access(env: Path) -> None:
    settings = Settings(validity_verified_through=VERIFIED, data_dir=env, embedding_cache_path=CACHE, demo=True,
                        rate_limit_per_minute=100_000, login_rate_limit_per_minute=100_000)
    with TestClient(create_app(settings)) as client:
        def login(user: str) -> dict[str, str]:
            r = client.post("/v1/login", json={"username": user, "password": "demo123"})
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        seen = client.get("/v1/documents/qd-12-2025/relations", headers=login("stc.vuthihoa"))
        assert seen.status_code == 200
        assert seen.json()["so_hieu"] == "12/2025/QĐ-UBND"
        outsider = login("syt.lethicuc")
        hidden = client.get("/v1/documents/qd-12-2025/relations", headers=outsider)
        unknown = client.get("/v1/documents/khong-co/relations", headers=outsider)
        assert hidden.status_code == unknown.status_code == 404 and hidden.json() == unknown.json()
        old = client.get("/v1/documents/qd-45-2023/relations", headers=outsider)
        assert old.status_code == 200 and old.json()["validity"] == "het_hieu_luc" and "12/2025" not in old.text
        assert client.get("/v1/documents/qd-45-2023/relations").status_code == 401
        question = "Thời hạn giải quyết hồ sơ đăng ký hộ kinh doanh trực tuyến là bao nhiêu ngày làm việc?"
        then = client.post("/v1/ask", json={"question": question, "filters": {"as_of": "2024-06-01"}},
                           headers=login("stc.vuthihoa"))
        assert then.status_code == 200 and then.json()["sources"][0]["doc_id"] == "qd-45-2023"
        bad = client.post("/v1/ask", json={"question": question, "filters": {"as_of": "hôm qua"}},
                          headers=login("stc.vuthihoa"))
        assert bad.status_code == 422 and "as_of" in bad.text
