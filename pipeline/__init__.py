"""Archivist: an archival ingestion pipeline with provenance.

Stages, in the order data flows: ``capture`` -> ``extract`` -> ``clean`` -> ``segment`` ->
``archive`` -> ``audit``. Nothing here imports Prefect; ``flows/`` wires these functions into
Prefect tasks and flows.
"""

import os
from pathlib import Path

__version__ = "0.1.0"


def user_cache() -> Path:
    """Where Archivist keeps files it derives for this user (``$XDG_CACHE_HOME/archivist``):
    nothing in it is archive data, and deleting it only costs the time to make it again."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "archivist"
