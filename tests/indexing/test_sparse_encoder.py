"""The sparse encoder: stable term indices (a saved index stays searchable) and hand-checked BM25 weights."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from indexing.sparse_encoder import SparseEncoder, term_index


def documented_hash(term: str) -> int:
    """The documented rule, written out again: blake2b-4 of the UTF-8 bytes, little-endian, 31 bits."""
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "little") & 0x7FFFFFFF


def test_term_index_matches_the_documented_hash() -> None:
    for term in ("ma", "túy", "ma_túy", "người", "nghị_định", "a"):
        assert term_index(term) == documented_hash(term)
        assert 0 <= term_index(term) < 2**31


def test_term_index_is_stable_across_processes() -> None:
    """A fresh interpreter with another hash seed gives the same indices (Python's hash() would not)."""
    terms = ["ma", "túy", "ma_túy", "cai_nghiện"]
    code = (
        "from indexing.sparse_encoder import term_index; "
        f"print(','.join(str(term_index(t)) for t in {terms!r}))"
    )
    for seed in ("1", "12345"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout.strip()
        assert out == ",".join(str(documented_hash(t)) for t in terms)


def test_known_values_never_change() -> None:
    """Pinned values: changing the hash silently would orphan every existing index."""
    assert term_index("ma_túy") == 884515226
    assert term_index("luật") == 1761787753


def test_bm25_document_weights_by_hand() -> None:
    enc = SparseEncoder(segmenter="syllable", k1=1.2, b=0.75, avgdl=4.0)
    # terms: ma, túy, ma, túy, ma, cai -> dl = 6; tf(ma)=3, tf(túy)=2, tf(cai)=1
    vec = enc.encode_document("Ma túy ma TÚY, ma cai")
    norm = 1.2 * (1 - 0.75 + 0.75 * 6 / 4.0)  # = 1.65
    expected = {
        documented_hash("ma"): 3 * 2.2 / (3 + norm),  # 6.6 / 4.65 = 1.4194
        documented_hash("túy"): 2 * 2.2 / (2 + norm),  # 4.4 / 3.65 = 1.2055
        documented_hash("cai"): 1 * 2.2 / (1 + norm),  # 2.2 / 2.65 = 0.8302
    }
    assert vec.indices == sorted(expected)
    assert vec.values == pytest.approx([expected[i] for i in vec.indices])
    assert expected[documented_hash("ma")] == pytest.approx(1.41935, abs=1e-4)


def test_b_zero_ignores_length_and_k1_zero_is_binary() -> None:
    no_len = SparseEncoder(segmenter="syllable", k1=1.2, b=0.0, avgdl=4.0)
    short, long = no_len.encode_document("ma"), no_len.encode_document("ma " + "x " * 50)
    i = documented_hash("ma")
    assert short.values[short.indices.index(i)] == pytest.approx(long.values[long.indices.index(i)])
    binary = SparseEncoder(segmenter="syllable", k1=0.0, b=0.75, avgdl=4.0)
    assert binary.encode_document("ma ma ma túy").values == pytest.approx([1.0, 1.0])


def test_query_is_one_per_distinct_term_and_sorted() -> None:
    enc = SparseEncoder(segmenter="syllable", k1=1.2, b=0.75, avgdl=180.0)
    vec = enc.encode_query("ma túy ma túy cai nghiện")
    assert vec.indices == sorted({documented_hash(t) for t in ("ma", "túy", "cai", "nghiện")})
    assert vec.values == [1.0] * 4


def test_normalisation_makes_tone_placement_irrelevant() -> None:
    enc = SparseEncoder(segmenter="syllable", k1=1.2, b=0.75, avgdl=180.0)
    assert enc.encode_query("hoà bình") == enc.encode_query("hòa bình")


def test_empty_and_punctuation_only_text() -> None:
    enc = SparseEncoder(segmenter="syllable", k1=1.2, b=0.75, avgdl=180.0)
    assert enc.encode_document("").indices == []
    assert enc.encode_query("… !!! --").indices == []


def test_collisions_are_summed(monkeypatch: pytest.MonkeyPatch) -> None:
    import indexing.sparse_encoder as module

    monkeypatch.setattr(module, "term_index", lambda term: 7)
    enc = SparseEncoder(segmenter="syllable", k1=1.2, b=0.0, avgdl=1.0)
    assert enc.encode_query("ma túy").indices == [7]
    assert enc.encode_query("ma túy").values == [2.0]
    doc = enc.encode_document("ma túy")
    assert doc.indices == [7] and doc.values == pytest.approx([2 * 2.2 / (1 + 1.2)])


def test_underthesea_adds_compound_terms() -> None:
    pytest.importorskip("underthesea")
    enc = SparseEncoder(segmenter="underthesea", k1=1.2, b=0.75, avgdl=180.0)
    vec = enc.encode_query("cai nghiện ma túy")
    assert documented_hash("ma_túy") in vec.indices or documented_hash("cai_nghiện") in vec.indices
    assert documented_hash("ma") in vec.indices


def test_invalid_parameters() -> None:
    with pytest.raises(ValueError):
        SparseEncoder(segmenter="syllable", k1=1.2, b=1.5, avgdl=10)
    with pytest.raises(ValueError):
        SparseEncoder(segmenter="nope", k1=1.2, b=0.75, avgdl=10).encode_query("x")


def test_pairs_and_mark_free_field() -> None:
    from core.aliases import default_aliases

    enc = SparseEncoder(segmenter="syllable", bigrams=True, mark_free=True, aliases=default_aliases())
    assert enc.terms("Luật Viên chức, UBND") == ["luật", "viên", "chức", "ubnd", "ủy", "ban", "nhân", "dân",
                                                 "luật+viên", "viên+chức", "ủy+ban", "ban+nhân", "nhân+dân"]
    doc = set(enc.encode_document("Luật Viên chức").indices)
    assert {term_index(t) for t in ("luật+viên", "~luat", "~vien+chuc")} <= doc
    # Typed with marks: the marked field only ("bán" is not "ban"); typed without: the mark-free field only.
    assert set(enc.encode_query("bán đấu giá").indices) == {term_index(t) for t in
                                                             ("bán", "đấu", "giá", "bán+đấu", "đấu+giá")}
    assert set(enc.encode_query("ban dau gia").indices) == {term_index(t) for t in
                                                             ("~ban", "~dau", "~gia", "~ban+dau", "~dau+gia")}


def test_mark_free_terms_share_the_marked_length_normalisation() -> None:
    enc = SparseEncoder(segmenter="syllable", k1=1.2, b=0.75, avgdl=4.0, mark_free=True)
    vec = dict(zip(enc.encode_document("ma túy").indices, enc.encode_document("ma túy").values, strict=True))
    assert vec[term_index("~tuy")] == pytest.approx(vec[term_index("túy")])
