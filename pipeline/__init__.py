"""Archivist: an archival ingestion pipeline with provenance.

Stages, in the order data flows: ``capture`` -> ``extract`` -> ``clean`` -> ``segment`` ->
``archive`` -> ``audit``. Nothing here imports Prefect; ``flows/`` wires these functions into
Prefect tasks and flows.
"""

__version__ = "0.1.0"
