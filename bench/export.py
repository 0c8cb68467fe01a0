"""`python -m bench.export`: the backup worker's export of a large tenant, against a bare Query.

Starts a moto server in its own process (so its memory is not counted), creates the template's
resources, fills two tenants (5,000 and 50,000 items) and then, for each:

- times a bare paginated Query of the tenant's key range and the worker's full export (Query pages
  streamed into gzip, SHA-256 and S3, with the catalog writes), interleaved over several rounds;
- runs the export once more in a fresh process and reports its peak memory: the Python heap the
  export allocated (tracemalloc) and the process's peak resident size.

Targets: export time at most 1.5x the bare Query; peak memory flat from 5k to 50k items.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

from local.template import ROOT

TIME_RATIO_TARGET = 1.5
SIZES = (5_000, 50_000)
TENANT_IDS = {5_000: "01bench000000000000000005k0", 50_000: "01bench00000000000000050k00"}
_WORDS = ["kunde", "termin", "angebot", "rechnung", "mahnung", "vertrag", "projekt", "notiz", "anruf"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(endpoint: str) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_REGION": "eu-central-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_METRICS_NAMESPACE": "Kontor",
        "POWERTOOLS_SERVICE_NAME": "kontor",
    }


def _item(tenant_id: str, n: int, rng: random.Random) -> dict[str, Any]:
    """A contact row as the records context stores it (about 500 bytes)."""
    contact_id = f"{n:026d}"
    name = f"{rng.choice(_WORDS).title()} {rng.choice(_WORDS).title()} {n}"
    return {
        "pk": {"S": f"TENANT#{tenant_id}"},
        "sk": {"S": f"CONTACT#{contact_id}"},
        "gsi1pk": {"S": f"TENANT#{tenant_id}#CONTACTS"},
        "gsi1sk": {"S": f"{name.lower()}#{contact_id}"},
        "id": {"S": contact_id},
        "kind": {"S": rng.choice(["person", "company"])},
        "name": {"S": name},
        "email": {"S": f"kontakt{n}@example.com"},
        "phone": {"S": f"+49 30 {rng.randrange(10**6, 10**8)}"},
        "address": {"M": {"street": {"S": f"Hauptstraße {n % 300}"}, "city": {"S": "Köln"}}},
        "notes": {"S": " ".join(rng.choice(_WORDS) for _ in range(30))},
        "tags": {"L": [{"S": rng.choice(_WORDS)} for _ in range(3)]},
        "version": {"N": "1"},
        "created_at": {"S": "2026-11-23T09:00:00Z"},
        "updated_at": {"S": "2026-11-23T09:00:00Z"},
        "updated_by": {"S": "bench"},
    }


def _fill(table: str, tenant_id: str, count: int) -> None:
    import boto3

    dynamodb = boto3.client("dynamodb")
    rng = random.Random(count)
    batch: list[dict[str, Any]] = []
    for n in range(count):
        batch.append({"PutRequest": {"Item": _item(tenant_id, n, rng)}})
        if len(batch) == 25 or n == count - 1:
            pending = {table: batch}
            while pending:
                pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            batch = []


def _bare_query(table: str, tenant_id: str) -> int:
    import boto3

    pages = (
        boto3.client("dynamodb")
        .get_paginator("query")
        .paginate(
            TableName=table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"TENANT#{tenant_id}"}},
            ConsistentRead=True,
        )
    )
    return sum(len(page["Items"]) for page in pages)


def _request(tenant_id: str) -> str:
    """A pending manual backup, as the API creates it (not timed: the request's work, not the worker's)."""
    from backups.store import backups
    from kontor import clock, ids

    backup_id = ids.new_id()
    now = clock.iso(clock.now())
    backups.create(
        tenant_id, backup_id, "manual", created_at=now, created_by="bench", actor_via="system", note=None
    )
    return backup_id


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)


def _encode_seconds(tenant_id: str, count: int) -> float:
    """The file-writing share of an export: the same rows, generated here, into a sink that drops them."""
    from backups import archive

    rng = random.Random(count)
    rows = [_item(tenant_id, n, rng) for n in range(count)]
    header = archive.Header(tenant_id=tenant_id, backup_id="0" * 26, kind="manual", exported_at="now")
    started = time.perf_counter()
    archive.write(_Discard(), header, rows)  # type: ignore[arg-type]
    return time.perf_counter() - started


def _export(tenant_id: str, backup_id: str) -> dict[str, Any]:
    """The worker's export of a pending backup, by its own code; what it produced."""
    from backups import jobs

    done = jobs.export(tenant_id, backup_id)
    if done is None or done.state != "completed":
        raise SystemExit(f"the export did not complete: {done}")
    return {"items": done.item_count, "bytes": done.size}


MEMORY_PROBE = """
import json, sys, tracemalloc
sys.path[:0] = {paths!r}
from bench.export import _export, _request


def high_water_kib():
    # VmHWM belongs to this process's own address space; ru_maxrss would also count the parent's
    # memory at fork time, before exec.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


from kontor.aws import client
client("dynamodb"); client("s3")  # clients exist before measuring, as in a warm worker
backup_id = _request({tenant!r})
rss_before = high_water_kib()
tracemalloc.start()
result = _export({tenant!r}, backup_id)
_, heap_peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
rss_peak = high_water_kib()
peaks = {{"heap_peak": heap_peak, "rss_before_kib": rss_before, "rss_peak_kib": rss_peak}}
print(json.dumps({{**result, **peaks}}))
"""


def _memory(tenant_id: str, environment: dict[str, str], paths: list[str]) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE.format(paths=paths, tenant=tenant_id)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, **environment},
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # moto's Query of a 50,000-item partition takes about a minute here: one round is the default.
    parser.add_argument("--rounds", type=int, default=1)
    options = parser.parse_args()

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        endpoint = f"http://127.0.0.1:{port}"
        environment = _environment(endpoint)
        os.environ.update(environment)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        return _run(options.rounds, environment)
    finally:
        server.kill()  # a moto server busy with a large table can ignore SIGTERM for a while
        server.wait(timeout=30)


def _run(rounds: int, environment: dict[str, str]) -> int:
    from local import provision, template
    from local.gateway import Functions

    loaded = template.load()
    Functions(loaded)  # the layer and the code folders on the import path
    stack = provision.provision(loaded)
    worker_env = stack.environment(loaded, "BackupWorkerFunction")
    os.environ.update(worker_env)
    environment = {**environment, **worker_env, "POWERTOOLS_LOG_LEVEL": "WARNING"}
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    paths = [str(ROOT), str(ROOT / "layers" / "common"), str(ROOT / "functions" / "backups")]
    table = stack.refs["Table"]

    for size in SIZES:
        started = time.perf_counter()
        _fill(table, TENANT_IDS[size], size)
        print(f"filled {size:>6} items in {time.perf_counter() - started:5.1f} s", flush=True)

    print(f"\nexport vs bare Query, median of {rounds} interleaved rounds (moto server on this machine)")
    print("(encode s: the export's own work - JSON, gzip, SHA-256 - on the same items, without AWS)")
    print(f"{'items':>7} {'query s':>8} {'export s':>9} {'ratio':>6} {'encode s':>9} {'file MiB':>9}")
    worst = 0.0
    results = {}
    for size in SIZES:
        tenant_id = TENANT_IDS[size]
        queries, exports = [], []
        produced: dict[str, Any] = {}
        for _ in range(rounds):
            started = time.perf_counter()
            found = _bare_query(table, tenant_id)
            queries.append(time.perf_counter() - started)
            backup_id = _request(tenant_id)
            started = time.perf_counter()
            produced = _export(tenant_id, backup_id)
            exports.append(time.perf_counter() - started)
        # The same key range both ways; the export also sees its own catalog row and audit entry.
        if produced["items"] != found + 2:
            raise SystemExit(f"export saw {produced['items']} items, the Query {found}")
        ratio = statistics.median(exports) / statistics.median(queries)
        worst = max(worst, ratio)
        results[size] = produced
        print(
            f"{size:>7} {statistics.median(queries):8.2f} {statistics.median(exports):9.2f} {ratio:6.2f} "
            f"{_encode_seconds(tenant_id, size):9.2f} {produced['bytes'] / 2**20:9.2f}"
        )

    print("\nexport peak memory, one fresh worker process per size")
    print(f"{'items':>7} {'heap peak MiB':>14} {'RSS before MiB':>15} {'RSS peak MiB':>13}")
    peaks = {}
    for size in SIZES:
        memory = _memory(TENANT_IDS[size], environment, paths)
        peaks[size] = memory["heap_peak"]
        print(
            f"{size:>7} {memory['heap_peak'] / 2**20:14.2f} {memory['rss_before_kib'] / 1024:15.1f} "
            f"{memory['rss_peak_kib'] / 1024:13.1f}"
        )
    growth = peaks[SIZES[-1]] / peaks[SIZES[0]]
    time_verdict = "met" if worst <= TIME_RATIO_TARGET else "MISSED"
    memory_verdict = "flat" if growth <= 1.5 else "GROWS"
    print(f"\nworst time ratio {worst:.2f} (target <= {TIME_RATIO_TARGET}): {time_verdict}")
    print(f"heap peak 50k / 5k = {growth:.2f} (10x the items): {memory_verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
