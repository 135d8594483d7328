"""Administrative procedures (thủ tục hành chính): the structured fields of a portal record (``fields``), its
chunks (``parser``), the catalogue of indexed procedure names (``catalogue``), what a question asks
(``questions``), which procedure it names (``match``) and the exact answer from that record's fields
(``answers``). This module is the face the rest of the product uses."""

from assistant.tthc.answers import TthcReply, record_reply
from assistant.tthc.catalogue import ProcedureCatalogue
from assistant.tthc.fields import TthcFields, structured_fields, tthc_fields_of
from assistant.tthc.parser import parse_tthc

__all__ = ["ProcedureCatalogue", "TthcFields", "TthcReply", "parse_tthc", "record_reply", "structured_fields",
           "tthc_fields_of"]
