"""The item bank and its content: blueprints, the item model, loading, linting, coverage, key
balance, the service catalog and career facts."""
