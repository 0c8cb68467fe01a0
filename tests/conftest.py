"""Shared test set-up: fake AWS credentials (nothing may reach real AWS), the call recorder with
its Scan guard, and the import path of every function — all from template.yaml."""

from __future__ import annotations

import os

# Before anything imports botocore: tests never talk to real AWS.
for _name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
    os.environ.pop(_name, None)
os.environ.update(
    AWS_DEFAULT_REGION="eu-central-1",
    AWS_REGION="eu-central-1",
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    POWERTOOLS_SERVICE_NAME="kontor",
    POWERTOOLS_METRICS_NAMESPACE="Kontor",
    POWERTOOLS_LOG_LEVEL="WARNING",
    # A restore's wait for writes in flight, kept short (its rule is tested in tests/unit).
    KONTOR_FENCE_GRACE_SECONDS="0.5",
)

from local.fidelity import serialize_dynamodb_writes  # noqa: E402
from local.recorder import recorder  # noqa: E402

recorder.install()
serialize_dynamodb_writes()

from local.gateway import Functions  # noqa: E402
from local.template import load  # noqa: E402

TEMPLATE = load()
FUNCTIONS = Functions(TEMPLATE)  # also puts the layer and the code folders on the import path
