"""Persistence: SQLAlchemy tables, Alembic migrations, opening a database safely."""
