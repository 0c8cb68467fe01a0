"""The one structured logger and metrics emitter (CloudWatch EMF) of every function."""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

# A request without a business event is normal, not worth a warning on every invocation.
warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger()
metrics = Metrics()


def count(event: str, tenant_id: str | None = None) -> None:
    """One business event (`TenantCreated`); the tenant is a property, not a dimension."""
    metrics.add_metric(name=event, unit=MetricUnit.Count, value=1)
    if tenant_id:
        metrics.add_metadata(key="tenant_id", value=tenant_id)
