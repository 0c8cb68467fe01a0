"""The schedules' entry point: EventBridge Scheduler sends `{"job": "backup" | "prune"}`."""

from __future__ import annotations

from typing import Any

from backups import jobs, queue
from kontor import keys
from kontor.observability import logger, metrics

JOBS = {"backup": (keys.BACKUP_DUE, queue.SCHEDULED), "prune": (keys.PRUNE_DUE, queue.PRUNE)}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    job = event.get("job")
    if job not in JOBS:
        raise ValueError(f"unknown job {job!r}: the schedule's Input must name one of {sorted(JOBS)}")
    partition, message = JOBS[job]
    return {"job": job, "dispatched": jobs.dispatch(partition, message)}
