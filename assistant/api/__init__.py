"""HTTP API: FastAPI app factory, auth, audit, routes (see app.py)."""
