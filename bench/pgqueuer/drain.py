"""Drain N no-op jobs with pgqueuer, for bench/run's side-by-side figure.

Our own harness, written against pgqueuer's public API (PgQueuer's
QueueManager, an entrypoint, Queries.enqueue, QueueExecutionMode.drain).
The schema must already be installed (`pgq install`, durable tables), in the
database the libpq variables (PGHOST, PGDATABASE, ...) name.

Steps, mirroring the Swift bench's drain:
  1. empty pgqueuer's queue and log tables;
  2. enqueue N jobs for the entrypoint "noop", 10,000 per statement;
  3. VACUUM (ANALYZE) and CHECKPOINT, so no checkpoint from the fill lands in
     the drain;
  4. run one QueueManager with batch_size B in drain mode (it returns once the
     queue is empty), in this one process;
  5. check the queue is empty and N jobs were logged successful, and print
     one JSON line: jobs, batch size, the server-side span (first 'picked'
     to last 'successful' in pgqueuer_log, the same clock and the same
     now()-per-transaction meaning as our started_at/finished_at), and the
     wall time of step 4.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import asyncpg

import pgqueuer
from pgqueuer import AsyncpgDriver, Job, QueueManager, Queries
from pgqueuer.types import QueueExecutionMode

ENTRYPOINT = "noop"
CHUNK = 10_000


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, required=True)
    parser.add_argument("--batch-size", type=int, required=True)
    args = parser.parse_args()

    # Connection parameters come from the libpq environment (asyncpg reads
    # PGHOST, which may be a Unix socket directory, PGPORT, PGUSER, PGDATABASE).
    admin = await asyncpg.connect()
    try:
        await admin.execute("TRUNCATE pgqueuer, pgqueuer_log, pgqueuer_statistics")
        queries = Queries(AsyncpgDriver(admin))
        left = args.jobs
        while left > 0:
            count = min(CHUNK, left)
            await queries.enqueue([ENTRYPOINT] * count, [None] * count, [0] * count)
            left -= count
        await admin.execute("VACUUM (ANALYZE) pgqueuer")
        await admin.execute("CHECKPOINT")

        worker = await asyncpg.connect()
        try:
            manager = QueueManager(Queries(AsyncpgDriver(worker)))

            @manager.entrypoint(ENTRYPOINT)
            async def noop(job: Job) -> None:
                return None

            started = time.monotonic()
            await manager.run(batch_size=args.batch_size, mode=QueueExecutionMode.drain)
            wall = time.monotonic() - started
        finally:
            await worker.close()

        remaining = await admin.fetchval("SELECT count(*) FROM pgqueuer")
        row = await admin.fetchrow(
            """
            SELECT count(*) FILTER (WHERE status = 'successful') AS successful,
                   count(*) FILTER (WHERE status NOT IN ('queued', 'picked', 'successful')) AS other,
                   extract(epoch FROM max(created) FILTER (WHERE status = 'successful')
                                    - min(created) FILTER (WHERE status = 'picked'))::float8 AS seconds
              FROM pgqueuer_log WHERE entrypoint = $1
            """,
            ENTRYPOINT,
        )
    finally:
        await admin.close()

    if remaining != 0 or row["successful"] != args.jobs or row["other"] != 0:
        print(
            f"pgqueuer drain incomplete: {remaining} left in the queue, "
            f"{row['successful']} successful and {row['other']} otherwise of {args.jobs}",
            file=sys.stderr,
        )
        return 1
    print(json.dumps({
        "jobs": args.jobs,
        "batch_size": args.batch_size,
        "seconds": row["seconds"],
        "wall_seconds": wall,
        "version": pgqueuer.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
