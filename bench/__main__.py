"""`python -m bench`: cold-start cost of every handler module against a bare `import boto3`.

Each import runs in a fresh interpreter (no shared module cache), several rounds interleaved so
machine noise hits every row alike; the table shows medians and the ratio to boto3.
Target: every handler at most 1.8x the bare boto3 import.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

from local.template import ROOT, load

TARGET_RATIO = 1.8
PROBE = """
import sys, time
sys.path[:0] = {paths!r}
start = time.perf_counter()
import {module}
print(time.perf_counter() - start)
"""


def _import_seconds(module: str, paths: list[str]) -> float:
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    output = subprocess.run(
        [sys.executable, "-c", PROBE.format(paths=paths, module=module)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=environment,
    )
    return float(output.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    options = parser.parse_args()

    template = load()
    paths = [str(ROOT / "layers" / "common"), *sorted({str(f.code_uri) for f in template.functions.values()})]
    targets = {"boto3 (baseline)": "boto3"}
    targets.update({name: f.handler.rsplit(".", 1)[0] for name, f in sorted(template.functions.items())})

    for module in targets.values():  # warm the bytecode caches once, as a deployed package has them
        _import_seconds(module, paths)
    samples: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(options.rounds):
        for name, module in targets.items():
            samples[name].append(_import_seconds(module, paths))

    baseline = statistics.median(samples["boto3 (baseline)"])
    print(f"cold import, median of {options.rounds} fresh interpreters (python {sys.version.split()[0]})")
    print(f"{'function':<28} {'module':<32} {'ms':>8} {'x boto3':>8}")
    worst = 0.0
    for name, module in targets.items():
        median = statistics.median(samples[name])
        ratio = median / baseline
        if name != "boto3 (baseline)":
            worst = max(worst, ratio)
        print(f"{name:<28} {module:<32} {median * 1000:8.1f} {ratio:8.2f}")
    verdict = "met" if worst <= TARGET_RATIO else "MISSED"
    print(f"worst ratio {worst:.2f} (target <= {TARGET_RATIO:.1f}): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
