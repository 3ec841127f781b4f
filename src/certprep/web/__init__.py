"""The web app: a thin FastAPI adapter over the core (certprep serve)."""
