"""`python -m bench.billing`: the monthly billing job for one month of 1,000 and of 10,000 tenants.

Starts a moto server in its own process, creates the template's resources and writes the billing
rows tenant creation writes — for 40 % of the tenants an account of their own, the rest partners
with five sub-tenants each on the partner's invoice; every other tenant with a licensed module, every
account with a company profile — then moves the product clock to the first of the next month and
runs the job by its own code: the dispatcher (`billing.monthly`) and, for each message it queued,
the worker. Prints the time and the AWS calls of each, per account and per tenant.

Target: reads in proportion to the accounts and tenants billed (10x the tenants: about 10x the
calls and the time), never to the table.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from bench.export import _environment, _free_port

SIZES = (1_000, 10_000)
MONTH = "2026-11"
BILLED_AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
SUBTENANTS_PER_PARTNER = 5


def _tenant_id(size: int, n: int) -> str:
    return f"01bench{size:06d}{n:013d}"


def _rows(size: int) -> tuple[list[dict[str, Any]], int]:
    """Every row of `size` tenants as tenant creation (and a booking, a profile) writes them."""
    from kontor import billing, keys
    from kontor.models import (
        BilledTenantItem,
        BillingAccountItem,
        CompanyItem,
        SpanItem,
        TenantItem,
    )

    rows: list[Any] = []
    accounts = 0
    standalone = size * 4 // 10
    n = 0
    while n < size:
        account = _tenant_id(size, n)
        group = [account]
        if n >= standalone:  # a partner and its sub-tenants
            group += [_tenant_id(size, n + k) for k in range(1, SUBTENANTS_PER_PARTNER + 1)]
        group = group[: size - n]
        n += len(group)
        accounts += 1
        rows.append(
            BillingAccountItem(
                keys.tenant_pk(account),
                keys.BILLING_ACCOUNT_SK,
                next_month=MONTH,
                created_at="2026-11-10T08:00:00Z",
                **billing.account_due(account, MONTH),
            )
        )
        rows.append(
            CompanyItem(
                keys.tenant_pk(account),
                keys.COMPANY_SK,
                legal_name=f"Firma {account}",
                street="Hauptstraße 1",
                postal_code="10115",
                city="Berlin",
                country="DE",
                billing_email=f"rechnung-{account}@example.com",
                owner_name="Inhaberin",
                updated_at="2026-11-10T08:00:00Z",
                updated_by="bench",
            )
        )
        for index, tenant_id in enumerate(group):
            rows.append(
                TenantItem(
                    keys.tenant_pk(tenant_id),
                    keys.TENANT_SK,
                    id=tenant_id,
                    name=f"Mandant {tenant_id}",
                    created_at="2026-11-10T08:00:00Z",
                    created_by="bench",
                    bill_to=account,
                    parent_id=account if index else None,
                )
            )
            rows.append(
                BilledTenantItem(
                    keys.tenant_pk(account),
                    keys.billed_tenant_sk(tenant_id),
                    tenant_id=tenant_id,
                    since="2026-11-10T08:00:00Z",
                )
            )
            rows.append(billing.plan_span(tenant_id, "BASIC", starts_at="2026-11-10T08:00:00Z"))
            if int(tenant_id[-1]) % 2 == 0:
                rows.append(
                    SpanItem(
                        keys.tenant_pk(tenant_id),
                        keys.span_sk("2026-12-15T08:00:00Z", "podcasts"),
                        kind="module",
                        code="podcasts",
                        starts_at="2026-11-15T08:00:00Z",
                        ends_at="2026-12-15T08:00:00Z",
                        monthly_price_cents=990,
                    )
                )
    return [row.serialize() | {"pk": {"S": row.pk}, "sk": {"S": row.sk}} for row in rows], accounts


def _fill(table: str, items: list[dict[str, Any]]) -> None:
    import boto3

    dynamodb = boto3.client("dynamodb")
    for start in range(0, len(items), 25):
        pending: dict[str, Any] = {table: [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]}
        while pending:
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def _sent_by(dispatch: Any) -> tuple[Any, list[dict[str, Any]]]:
    """Run `dispatch` and keep a copy of every message it queues (what SQS hands the worker):
    moto's ReceiveMessage looks at every message of the queue on each call, which would time
    moto, not the job (nothing else reads the queue here, so its copies stay there)."""
    from kontor import jobs

    sent: list[dict[str, Any]] = []
    original = jobs.send_each

    def send_each(job: str, messages: Any) -> int:
        def kept() -> Any:
            for fields in messages:
                sent.append({"job": job, **fields})
                yield fields

        return original(job, kept())

    jobs.send_each = send_each  # type: ignore[assignment]
    try:
        return dispatch(), sent
    finally:
        jobs.send_each = original  # type: ignore[assignment]


def _run_month() -> dict[str, Any]:
    from billing import jobs
    from local.recorder import recorder

    started = time.perf_counter()
    with recorder.recording() as dispatch_calls:
        dispatched, messages = _sent_by(lambda: jobs.REGISTRY.dispatch(jobs.BILLING_MONTHLY))
    dispatch_seconds = time.perf_counter() - started
    work_calls: Counter[str] = Counter()
    started = time.perf_counter()
    failed = 0
    for message in messages:
        with recorder.recording() as calls:
            try:
                jobs.REGISTRY.run(message)
            except Exception as error:  # SQS would deliver it again; counted and reported
                failed += 1
                print(f"failed: {message['tenant_id']}: {type(error).__name__}: {error}", flush=True)
        work_calls.update(calls)
    return {
        "dispatched": dispatched,
        "dispatch_seconds": dispatch_seconds,
        "dispatch_calls": dict(dispatch_calls),
        "work_seconds": time.perf_counter() - started,
        "work_calls": dict(work_calls),
        "failed": failed,
    }


def _run(sizes: tuple[int, ...]) -> int:
    from kontor import clock
    from local import provision, template
    from local.gateway import Functions
    from local.recorder import recorder

    recorder.install()
    loaded = template.load()
    Functions(loaded)  # the layer and the code folders on the import path
    stack = provision.provision(loaded)
    os.environ.update(stack.environment(loaded, "BillingWorkerFunction"))
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    table = stack.refs["Table"]
    clock.advance(BILLED_AT - clock.now())

    results = {}
    for size in sizes:
        items, accounts = _rows(size)
        started = time.perf_counter()
        _fill(table, items)
        took = time.perf_counter() - started
        print(
            f"wrote {size:>6} tenants ({accounts} accounts, {len(items)} rows) in {took:6.1f} s", flush=True
        )
        result = _run_month()
        if result["dispatched"] != accounts:
            raise SystemExit(f"dispatched {result['dispatched']} accounts, expected {accounts}")
        again = _run_month()  # the same month once more: nothing is due, nothing billed
        if again["dispatched"] != 0:
            raise SystemExit("a second run found accounts due")
        results[size] = {**result, "accounts": accounts}
        print(json.dumps({"tenants": size, **results[size]}), flush=True)

    print(f"\nbilling one month ({MONTH}) on a moto server on this machine; the job's own code")
    print(
        f"{'tenants':>8} {'accounts':>9} {'dispatch s':>11} {'work s':>8} {'ms/tenant':>10} "
        f"{'calls':>7} {'calls/tenant':>13}"
    )
    for size, r in results.items():
        calls = sum(r["dispatch_calls"].values()) + sum(r["work_calls"].values())
        seconds = r["dispatch_seconds"] + r["work_seconds"]
        print(
            f"{size:>8} {r['accounts']:>9} {r['dispatch_seconds']:11.2f} {r['work_seconds']:8.1f} "
            f"{1000 * seconds / size:10.2f} {calls:>7} {calls / size:13.2f}"
        )
    small, large = results[sizes[0]], results[sizes[-1]]
    for kind in ("dispatch_calls", "work_calls"):
        print(f"\n{kind.replace('_', ' ')} by operation (1,000 | 10,000 tenants):")
        for operation in sorted(set(small[kind]) | set(large[kind])):
            print(f"  {operation:<34} {small[kind].get(operation, 0):>7} {large[kind].get(operation, 0):>8}")
    time_ratio = (large["dispatch_seconds"] + large["work_seconds"]) / (
        small["dispatch_seconds"] + small["work_seconds"]
    )
    call_ratio = (sum(large["work_calls"].values()) + sum(large["dispatch_calls"].values())) / (
        sum(small["work_calls"].values()) + sum(small["dispatch_calls"].values())
    )
    growth = sizes[-1] / sizes[0]
    print(f"\n{growth:.0f}x the tenants: {call_ratio:.2f}x the calls, {time_ratio:.2f}x the time")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="tenants per run")
    options = parser.parse_args()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        endpoint = f"http://127.0.0.1:{port}"
        os.environ.update(_environment(endpoint))
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        return _run(tuple(options.sizes))
    finally:
        server.kill()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
