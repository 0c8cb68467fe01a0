"""The backup worker: one work-queue message per backup, tenant or restore.

Failures are reported per message (batch item failures), so SQS retries only what failed and one
bad tenant does not hold up the others.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from backups import jobs
from kontor.observability import logger, metrics

# A batch whose every message failed is reported like any other, not raised: SQS then retries
# exactly those messages, and the next batch is not delayed by a whole-batch retry.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def work(record: SQSRecord) -> None:
    message = json.loads(record.body)
    logger.append_keys(tenant_id=message.get("tenant_id"), job=message.get("job"))
    try:
        jobs.HANDLERS[message["job"]](message)
    except Exception:
        logger.exception("job failed; SQS will retry it")
        raise


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=work, processor=processor, context=context)
