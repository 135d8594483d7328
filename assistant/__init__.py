"""The assistant: retrieval under the asker's access, cited answers, CLI and HTTP API."""
