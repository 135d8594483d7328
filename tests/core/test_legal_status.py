"""A status is "còn hiệu lực" only when something confirms it; dates alone give "chưa xác minh"."""

from __future__ import annotations

from datetime import date

from core.legal_status import (
    VALIDITY_EXPIRED,
    VALIDITY_IN_FORCE,
    VALIDITY_NOT_YET,
    VALIDITY_UNKNOWN,
    status_at,
    unverified_reason,
)

TODAY = date(2026, 12, 7)
LAW = {"hieu_luc_tu": "2010-01-01", "thay_the_boi": [], "sua_doi": [], "nguon_ghi": None}


def test_an_effective_date_with_no_repeal_on_record_is_unverified() -> None:
    assert status_at(LAW, None, TODAY) == VALIDITY_UNKNOWN
    assert "sau ngày có hiệu lực 01/01/2010" in unverified_reason(LAW)


def test_relations_verified_through_the_day_asked_confirm_it() -> None:
    verified = {**LAW, "xac_minh_den": "2026-06-30"}
    assert status_at(verified, date(2020, 1, 1), TODAY) == VALIDITY_IN_FORCE
    assert status_at(verified, None, TODAY) == VALIDITY_UNKNOWN  # checked up to June, asked about December


def test_the_source_status_line_confirms_and_a_repeal_or_a_future_date_still_decides() -> None:
    stated = {**LAW, "nguon_ghi": "Còn hiệu lực"}
    assert status_at(stated, None, TODAY) == VALIDITY_IN_FORCE
    assert status_at(stated, date(2015, 1, 1), TODAY) == VALIDITY_IN_FORCE
    replaced = {**stated, "thay_the_boi": [{"from": "2025-07-01"}]}
    assert status_at(replaced, None, TODAY) == VALIDITY_EXPIRED
    assert status_at({**LAW, "hieu_luc_tu": "2027-01-01"}, None, TODAY) == VALIDITY_NOT_YET
