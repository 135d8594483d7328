"""Administrative procedures (thủ tục hành chính): the structured fields of a portal record (``fields``), its
chunks (``parser``), the catalogue of indexed procedure names (``catalogue``), what a question asks
(``questions``), which procedure it names (``match``) and the exact answer from that record's fields
(``answers``). This module is the face the rest of the product uses."""

from assistant.tthc.answers import ProcedureAnswerer
from assistant.tthc.catalogue import ProcedureCatalogue
from assistant.tthc.fields import TthcFields, structured_fields, tthc_fields_of
from assistant.tthc.parser import parse_tthc

__all__ = ["ProcedureAnswerer", "ProcedureCatalogue", "TthcFields", "parse_tthc", "structured_fields",
           "tthc_fields_of"]
