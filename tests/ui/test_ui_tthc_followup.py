"""A follow-up about the same procedure does not repeat its card (issue 26): the card is drawn with the first
answer that cites the procedure; a later answer citing it shows only its own text (the asked part)."""

from __future__ import annotations

from ui.components.tthc_card import card_citation


def _answer(doc_id: str, refused: bool = False) -> dict:
    return {"role": "assistant", "refused": refused, "content": "…",
            "citations": [{"marker": 1, "doc_id": doc_id, "chunk_id": "c", "citation": "Thời hạn"}]}


def test_the_card_is_shown_once_per_procedure_in_a_conversation() -> None:
    shown: set[str] = set()
    assert card_citation(_answer("tthc:1.001193"), shown) is not None  # first answer: the card
    assert card_citation(_answer("tthc:1.001193"), shown) is None  # the follow-up: its text only
    assert card_citation(_answer("tthc:1.000894"), shown) is not None  # another procedure: its own card
    assert card_citation(_answer("tthc:1.000656", refused=True), shown) is None
    assert card_citation(_answer("tthc:1.001193")) is not None  # without a conversation: always


def test_an_answer_citing_no_procedure_has_no_card() -> None:
    assert card_citation(_answer("luat:22/2008/QH12"), set()) is None
