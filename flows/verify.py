"""The verify flow: the store's fixity check as a Prefect flow that can run on a schedule.

Wiring only: ``pipeline.audit.verify`` does the work. The flow publishes the problems as a table
artifact and fails (so the run shows red and a notification can fire) when there are any.

Run it once, or serve it on a cron schedule against a real ``prefect server``::

    python -m flows.verify --store /srv/archive
    PREFECT_API_URL=http://127.0.0.1:4200/api \
        python -m flows.verify --store /srv/archive --cron "0 4 * * *"
"""

from __future__ import annotations

import argparse

from prefect import flow
from prefect.artifacts import create_table_artifact

from pipeline.archive import Archive
from pipeline.audit import Problem, verify
from pipeline.errors import AuditError
from pipeline.store import Store


@flow(name="archivist-verify", log_prints=True)
def verify_store(store: str | None = None) -> list[Problem]:
    """Check every raw blob and archive file of ``store``; fail naming each problem."""
    the_store = Store.at(store)
    problems = verify(Archive(the_store))
    create_table_artifact([{"kind": p.kind, "path": p.path, "detail": p.detail} for p in problems],
                          key="verify-report", description=f"fixity of {the_store}")
    if problems:
        raise AuditError(f"{len(problems)} problem(s) in {the_store}: " + "; ".join(
            f"{p.kind} {p.path}" for p in problems))
    print(f"{len(the_store.blobs())} raw blobs and every archive file check out")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", help="store root or s3://bucket/prefix")
    parser.add_argument("--cron", help="serve on this schedule (needs PREFECT_API_URL)")
    args = parser.parse_args()
    if args.cron:
        verify_store.serve(name="archivist-verify", cron=args.cron,
                           parameters={"store": args.store})
    else:
        verify_store(args.store)


if __name__ == "__main__":
    main()
