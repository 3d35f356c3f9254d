"""Prefect flows over the pipeline. Importing this package sets Prefect defaults that suit a
local archive tool; anything already set in the environment wins."""

import os

# Offline and quiet by default: no analytics calls home.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# The temporary local server migrates its SQLite database on first start and is slow to come
# up on a busy 2-core machine; Prefect's 20 s default fails there.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
