"""The few errors the product raises on purpose; each message is safe to show to the user."""


class AssistantError(Exception):
    """Base class: the message names what is wrong and is safe to print."""


class RejectedInput(AssistantError):
    """A source file or record that cannot be indexed (unreadable, empty, oversized, secret, malformed)."""


class SecretDocument(RejectedInput):
    """A document bearing a state-secret stamp (độ mật). Never stored."""


class HeldDocument(SecretDocument):
    """A document that may bear a stamp outside where stamps stand (hidden, deep in the body, doubtful): not
    stored, held for an administrator's review (``assistant.service.held_documents``)."""

    def __init__(self, reason: str, stamp: str = "", page: int = 0) -> None:
        super().__init__(reason)
        self.stamp = stamp
        self.page = page


class BadQuestion(AssistantError):
    """An empty, oversized or degenerate question (rejected before any search: HTTP 400)."""


class UnknownUser(AssistantError):
    """A user id that is not in the users file."""


class ConfigurationError(AssistantError):
    """Settings that cannot work together."""
