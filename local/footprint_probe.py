"""`python -m local.footprint_probe [--writes N] [--unpatched]`: memory and time of N transactional
writes on moto's DynamoDB, in this process; prints one JSON line
(see tests/integration/test_local_footprint.py)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
import tracemalloc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=1000)
    parser.add_argument("--unpatched", action="store_true")
    options = parser.parse_args()
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
    import boto3
    from moto import mock_aws

    from local import footprint

    if not options.unpatched:
        footprint.apply()
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(
            TableName="t",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        body = "x" * 400
        times: list[float] = []
        heap: list[int] = []
        tracemalloc.start()
        for n in range(options.writes):
            started = time.perf_counter()
            # What a record write is: the record and its audit entry, under conditions, in one transaction.
            client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": "t",
                            "Item": {
                                "pk": {"S": "TENANT#1"},
                                "sk": {"S": f"CONTACT#{n:06}"},
                                "b": {"S": body},
                            },
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": "t",
                            "Item": {"pk": {"S": "TENANT#1"}, "sk": {"S": f"AUDIT#{n:06}"}, "b": {"S": body}},
                        }
                    },
                ]
            )
            times.append(time.perf_counter() - started)
            if n % 100 == 99:
                heap.append(tracemalloc.get_traced_memory()[0])
        tracemalloc.stop()
    tenth = max(1, options.writes // 10)
    print(
        json.dumps(
            {
                "writes": options.writes,
                "first_ms": 1000 * sorted(times[:tenth])[tenth // 2],
                "last_ms": 1000 * sorted(times[-tenth:])[tenth // 2],
                "heap_mib_per_100": [round(h / 2**20, 2) for h in heap],
                "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
