"""Evaluation suite (``assistant eval …``; docs/question-set-format.md).

- ``beir``: BEIR folders, corpus-id mapping, dev/train split, slices; ``questions``: JSONL question sets.
- ``store_cache``: a fresh store per corpus content hash, sharing one embedding cache.
- ``metrics``: retrieval metrics; ``retrieval_eval``, ``qa_eval``, ``refusal_eval``, ``access_eval``: the runs.
- ``report`` (JSON, Markdown, PNG), ``config`` (models, settings, corpus hash, git commit), ``compare``.
- ``cli``: the typer sub-app mounted as ``assistant eval``; ``data/``: probes and unanswerable sets.
"""
