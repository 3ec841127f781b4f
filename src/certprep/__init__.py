"""certprep: offline-first exam preparation for Azure AI engineers.

The core (bank, engine, store) knows nothing about terminals or browsers; the CLI and the
web app are thin adapters over it.
"""

__version__ = "0.1.0"
