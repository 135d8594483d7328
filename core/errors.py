"""The few errors the product raises on purpose; each message is safe to show to the user."""


class AssistantError(Exception):
    """Base class: the message names what is wrong and is safe to print."""


class RejectedInput(AssistantError):
    """A source file or record that cannot be indexed (unreadable, empty, oversized, secret, malformed)."""


class SecretDocument(RejectedInput):
    """A document bearing a state-secret stamp (độ mật). Never stored."""


class UnknownUser(AssistantError):
    """A user id that is not in the users file."""


class ConfigurationError(AssistantError):
    """Settings that cannot work together."""
