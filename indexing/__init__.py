"""Indexers: parse sources into citable chunks, encode them, and keep the vector store in step."""
