"""Connectors turn sources (folders of files, TTHC exports, warehouse summaries, article JSONL) into Documents."""
