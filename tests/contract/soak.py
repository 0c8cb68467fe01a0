"""`python -m tests.contract.soak [--minutes 30]`: the contract test's signed-in run for a fixed time
(fuzzing and stateful phases) against a local stack of its own, sampling the stack's memory.

Prints the stack's resident memory every 15 seconds and Schemathesis' summary; the full output goes
to `artifacts/soak.txt`. Not part of `make test` (see README → The contract test).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import threading
import time
from pathlib import Path

os.environ.update(
    AWS_DEFAULT_REGION="eu-central-1",
    AWS_ACCESS_KEY_ID="local",
    AWS_SECRET_ACCESS_KEY="local",
    POWERTOOLS_LOG_LEVEL="WARNING",
)

from local.template import ROOT
from tests.e2e.conftest import running_stack
from tests.e2e.test_contract import CONFIG, SCHEMATHESIS, _seed


def _rss_mib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) // 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30)
    minutes = parser.parse_args().minutes
    with running_stack("--no-delivery") as api:
        port = api.url.rsplit(":", 1)[1]
        found = subprocess.run(["pgrep", "-f", "--", f"local --port {port}"], capture_output=True, text=True)
        pid = int(found.stdout.split()[0])
        owner = api.new_account("Last GmbH")
        seeded = _seed(api, owner)
        environment = {
            **os.environ,
            "KONTOR_TENANT_ID": owner.tenant_id,
            "KONTOR_USER_ID": owner.user_id,
            **{f"KONTOR_{name.upper()}": value for name, value in seeded.items()},
            "NO_COLOR": "1",
        }
        samples: list[tuple[int, int]] = []
        started = time.monotonic()
        done = threading.Event()

        def sample() -> None:
            while not done.wait(15 if samples else 0):
                samples.append((round(time.monotonic() - started), _rss_mib(pid)))
                print(f"{samples[-1][0]:>6} s  {samples[-1][1]:>6} MiB", flush=True)

        threading.Thread(target=sample, daemon=True).start()
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "--config-file",
                str(CONFIG),
                "run",
                f"{api.url}/openapi.json",
                "--url",
                api.url,
                "-H",
                f"Authorization: Bearer {owner.token}",
                "--max-time",
                str(round(minutes * 60)),
                "--phases",
                "fuzzing,stateful",
                "--max-examples",
                "1000000",
            ],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        done.set()
        samples.append((round(time.monotonic() - started), _rss_mib(pid)))
    output = run.stdout + run.stderr
    (ROOT / "artifacts").mkdir(exist_ok=True)
    (ROOT / "artifacts" / "soak.txt").write_text(output, encoding="utf-8")
    print(output[output.find("SUMMARY") :] if "SUMMARY" in output else output[-4000:])
    highest = max(mib for _, mib in samples)
    print(f"resident memory of the local stack: {samples[0][1]} MiB at the start, {highest} MiB at most")


if __name__ == "__main__":
    main()
