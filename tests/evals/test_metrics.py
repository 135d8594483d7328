import math

import pytest

from evals.metrics import dedupe, f2_at, mrr_at, ndcg_at, recall_at, retrieval_report


def test_recall_and_mrr_by_hand():
    ranked = ["a", "b", "c", "d"]
    assert recall_at(ranked, {"b", "x"}, 1) == 0.0
    assert recall_at(ranked, {"b", "x"}, 2) == 0.5
    assert mrr_at(ranked, {"c"}, 10) == pytest.approx(1 / 3)
    assert mrr_at(ranked, {"c"}, 2) == 0.0


def test_ndcg_by_hand():
    # relevant at ranks 1 and 3 out of 2 relevant: (1 + 1/log2(4)) / (1 + 1/log2(3))
    expected = (1 + 1 / 2) / (1 + 1 / math.log2(3))
    assert ndcg_at(["a", "b", "c"], {"a", "c"}, 10) == pytest.approx(expected)


def test_f2_by_hand():
    # k=2, one of two retrieved correct, one of one relevant: P=0.5, R=1 → 5*0.5*1/(2+1) = 0.8333
    assert f2_at(["a", "b"], {"a"}, 2) == pytest.approx(5 * 0.5 / 3)
    assert f2_at(["b"], {"a"}, 1) == 0.0


def test_report_dedupes_chunks_of_one_article():
    assert dedupe(["L||1", "L||1", "L||2"]) == ["L||1", "L||2"]
    report = retrieval_report({"q1": ["L||1", "L||1", "L||2"], "q2": ["L||9"]},
                              {"q1": {"L||2"}, "q2": {"L||9"}})
    assert report["recall@1"] == 0.5
    assert report["mrr@10"] == pytest.approx((0.5 + 1.0) / 2)
