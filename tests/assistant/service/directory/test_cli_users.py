"""``assistant users`` with directory people: both sources listed with a source column, ``users show``, and
``set-password`` refused for a directory person, naming the directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.service.db import open_sessions
from assistant.service.directory import PeopleStore, Person

REPO = Path(__file__).resolve().parents[4]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data))
    monkeypatch.setenv("ASSISTANT_USERS_FILE", str(REPO / "data" / "users.yaml"))
    monkeypatch.setenv("ASSISTANT_LDAP_URL", "ldaps://danhba.tinh.gov.vn:636")
    store = PeopleStore(open_sessions(f"sqlite:///{data / 'assistant.sqlite'}"))
    store.save(Person(id="an.nv", name="Nguyễn Văn An", unit="Sở Tài chính", roles=("chuyen_vien",),
                      position="Chuyên viên", source="ldap", dn="uid=an.nv,ou=people,dc=tinh,dc=vn"), signed_in=True)
    store.save(Person(id="cuong.lv", name="Lê Văn Cường", source="ldap"), signed_in=True)
    store.disable("cuong.lv")
    return tmp_path


def test_users_lists_both_sources(env: Path) -> None:
    runner = CliRunner()
    rows = {r["id"]: r for r in json.loads(runner.invoke(app, ["users", "--json"]).stdout)}
    assert rows["vp.nguyenvana"]["source"] == "file" and rows["an.nv"]["source"] == "ldap"
    assert rows["an.nv"]["unit"] == "Sở Tài chính" and rows["an.nv"]["last_sign_in"]
    assert rows["cuong.lv"]["disabled"]
    text = runner.invoke(app, ["users"]).stdout
    assert "danh bạ LDAP" in text and "tệp người dùng" in text and "ĐÃ KHOÁ" in text
    assert "chỉ đọc văn bản công khai" in text  # no unit, said in words


def test_users_show(env: Path) -> None:
    runner = CliRunner()
    shown = json.loads(runner.invoke(app, ["users", "show", "an.nv"]).stdout)
    assert shown["position"] == "Chuyên viên" and shown["dn"].startswith("uid=an.nv")
    file_person = json.loads(runner.invoke(app, ["users", "show", "vp.nguyenvana"]).stdout)
    assert file_person["source"] == "file" and file_person["has_password"]
    missing = runner.invoke(app, ["users", "show", "khong.co"])
    assert missing.exit_code == 2 and "khong.co" in missing.output


def test_set_password_only_for_users_file_people(env: Path) -> None:
    result = CliRunner().invoke(app, ["users", "set-password", "an.nv"], input="mat-khau-moi-dai\n")
    assert result.exit_code == 2
    assert "danh bạ LDAP" in result.output and "ldaps://danhba.tinh.gov.vn:636" in result.output


def test_an_api_key_may_be_made_for_a_directory_person(env: Path) -> None:
    result = CliRunner().invoke(app, ["apikey", "create", "dms", "--on-behalf", "--users", "an.nv"])
    assert result.exit_code == 0, result.output


def test_people_of_the_openid_provider_are_listed_and_their_password_is_not_set_here(
        env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_OIDC_ISSUER", "https://id.tinh.gov.vn/oidc")
    store = PeopleStore(open_sessions(f"sqlite:///{env / 'data' / 'assistant.sqlite'}"))
    store.save(Person(id="binh.tt", name="Trần Thị Bình", unit="Sở Tài chính", roles=("chuyen_vien", "lanh_dao"),
                      source="oidc", dn="https://id.tinh.gov.vn/oidc#binh.tt"), signed_in=True)
    runner = CliRunner()
    rows = {r["id"]: r for r in json.loads(runner.invoke(app, ["users", "--json"]).stdout)}
    assert rows["binh.tt"]["source"] == "oidc" and rows["an.nv"]["source"] == "ldap"
    assert "cổng định danh OIDC" in runner.invoke(app, ["users"]).stdout
    result = runner.invoke(app, ["users", "set-password", "binh.tt"], input="mat-khau-moi-dai\n")
    assert result.exit_code == 2 and "https://id.tinh.gov.vn/oidc" in result.output
