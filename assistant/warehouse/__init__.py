"""Summaries of the province's shared data warehouse: their chunks (``parser``) and the must-match of a reporting
period (``match``). The connectors that bring them in stay in ``connectors`` (files and the REST API).
This module is the face the rest of the product uses."""

from assistant.warehouse.match import ReportAnswerer
from assistant.warehouse.parser import parse_warehouse

__all__ = ["ReportAnswerer", "parse_warehouse"]
