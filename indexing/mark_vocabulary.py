"""Putting the marks back on a question typed without them, from the index's own words (no model download).

The indexer counts every marked syllable and every pair of adjacent syllables it writes
(``MarkVocabulary.add``). ``restore`` then reads a mark-free question syllable by syllable, takes the
spellings the corpus has for each ("ban" → bán, bàn, ban, bạn …) and picks the most likely sequence with
a bigram Viterbi (add-one smoothed, backing off to unigram counts), so the dense model gets a marked
question ("le phi tham dinh" → "lệ phí thẩm định"). Syllables the user did mark are kept as typed.
Counts only grow (a re-indexed document is counted again; a removed one is not subtracted): the
relative frequencies, which is all the restorer uses, barely move; ``clear`` starts over on a re-index.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from core.vietnamese import has_marks, normalize_text, strip_marks

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CLAUSE = re.compile(r"[^\w\s]+|\n")
MAX_CANDIDATES = 6


class MarkVocabulary:
    """Syllable and syllable-pair counts in SQLite at ``path``; thread-safe (one lock around the handle)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS syl (plain TEXT, form TEXT, n INTEGER, PRIMARY KEY (plain, form))")
        self._db.execute("CREATE TABLE IF NOT EXISTS pair (a TEXT, b TEXT, n INTEGER, PRIMARY KEY (a, b))")
        self._db.commit()
        self._memo: dict[str, list[tuple[str, int]]] = {}

    def add(self, texts: Iterable[str]) -> None:
        """Count the syllables and adjacent pairs (within a clause) of ``texts``."""
        syllables: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for text in texts:
            for clause in _CLAUSE.split(normalize_text(text).lower()):
                words = _WORD.findall(clause)
                syllables.update(words)
                pairs.update(zip(words, words[1:], strict=False))
        with self._lock:
            self._db.executemany("INSERT INTO syl VALUES (?, ?, ?) ON CONFLICT(plain, form) DO UPDATE SET n = n + "
                                 "excluded.n", [(strip_marks(w), w, n) for w, n in syllables.items()])
            self._db.executemany("INSERT INTO pair VALUES (?, ?, ?) ON CONFLICT(a, b) DO UPDATE SET n = n + "
                                 "excluded.n", [(a, b, n) for (a, b), n in pairs.items()])
            self._db.commit()
            self._memo.clear()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def clear(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM syl")
            self._db.execute("DELETE FROM pair")
            self._db.commit()
            self._memo.clear()

    def _forms(self, plain: str) -> list[tuple[str, int]]:
        if plain not in self._memo:
            rows = self._db.execute("SELECT form, n FROM syl WHERE plain = ? ORDER BY n DESC LIMIT ?",
                                    (plain, MAX_CANDIDATES)).fetchall()
            self._memo[plain] = [(str(f), int(n)) for f, n in rows]
        return self._memo[plain]

    def _pair(self, a: str, b: str) -> int:
        row = self._db.execute("SELECT n FROM pair WHERE a = ? AND b = ?", (a, b)).fetchone()
        return int(row[0]) if row else 0

    def restore(self, text: str) -> str:
        """``text`` with marks put back on its unmarked syllables (the rest of the text unchanged)."""
        text = normalize_text(text)
        words = list(_WORD.finditer(text))
        if not words:
            return text
        with self._lock:
            chosen = self._viterbi([m.group(0) for m in words])
        out, last = [], 0
        for m, word in zip(words, chosen, strict=True):
            original = m.group(0)
            out.append(text[last:m.start()])
            out.append(word.upper() if original.isupper() and len(original) > 1
                       else word.capitalize() if original[0].isupper() else word)
            last = m.end()
        out.append(text[last:])
        return "".join(out)

    def _viterbi(self, words: list[str]) -> list[str]:
        """argmax over spellings of prod P(form_i | form_i-1), with
        P(b | a) = (pairs(a, b) + P(b)) / (count(a) + 1) and P(b) the smoothed share of b among its spellings."""
        lattice: list[list[tuple[str, int]]] = []
        for word in words:
            low = word.lower()
            forms = [(low, 1)] if has_marks(low) else self._forms(low)
            lattice.append(forms or [(low, 1)])
        best: list[dict[str, tuple[float, str | None]]] = []  # form -> (log-probability, previous form)
        for i, forms in enumerate(lattice):
            total = sum(n for _, n in forms) + len(forms)
            column: dict[str, tuple[float, str | None]] = {}
            for form, n in forms:
                prior = (n + 1) / total
                if i == 0:
                    column[form] = (math.log(prior), None)
                    continue
                counts = dict(lattice[i - 1])
                column[form] = max((score + math.log((self._pair(prev, form) + prior) / (counts[prev] + 1)), prev)
                                   for prev, (score, _) in best[-1].items())
            best.append(column)
        form = max(best[-1], key=lambda f: best[-1][f][0])
        path = [form]
        for i in range(len(best) - 1, 0, -1):
            form = best[i][form][1] or form
            path.append(form)
        return path[::-1]
