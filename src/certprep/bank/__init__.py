"""The item bank: blueprints, items, loading, linting and coverage."""
