"""`make operator EMAIL=… [STACK=…]`: make a Kontor login one of the vendor's operators.

Against the local stack (`make run`) it asks the stack's own local route; against a deployed stack
it reads the stack's resources from CloudFormation, sets the environment the functions get from
template.yaml, and grants the role with the same code the product uses (`kontor.operators`).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any

from local.template import ROOT, load


def environment(resources: dict[str, str], parameters: dict[str, str], region: str) -> dict[str, str]:
    """The functions' global environment (template.yaml's Globals), resolved against a stack."""

    def resolve(value: Any) -> str:
        if isinstance(value, dict) and "Ref" in value:
            name = value["Ref"]
            return parameters[name] if name in parameters else resources[name]
        return str(value)

    variables = {name: resolve(value) for name, value in load().global_environment.items()}
    return {**variables, "AWS_REGION": region, "AWS_DEFAULT_REGION": region}


def grant_on_stack(email: str, stack: str, region: str) -> str:
    import boto3

    cloudformation = boto3.client("cloudformation", region_name=region)
    resources = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for page in cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack)
        for r in page["StackResourceSummaries"]
    }
    [described] = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in described.get("Parameters", [])}
    os.environ.update(environment(resources, parameters, region))
    sys.path.insert(0, str(ROOT / "layers" / "common"))
    from kontor import operators

    return operators.grant(email, added_by=f"cli:{getpass.getuser()}")


def grant_locally(email: str, api: str) -> str:
    request = urllib.request.Request(  # noqa: S310 - the local stack's own URL
        f"{api}/_local/operators",
        data=json.dumps({"email": email}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.load(response)["user_id"]
    except urllib.error.HTTPError as refused:
        raise SystemExit(json.load(refused).get("error", {}).get("message", str(refused))) from None


def main() -> None:
    parser = argparse.ArgumentParser(description="Make a Kontor login an operator (the vendor's staff).")
    parser.add_argument("--email", required=True, help="the login's address; it must have signed up")
    parser.add_argument("--stack", help="a deployed stack's name (else: the local stack)")
    parser.add_argument(
        "--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    )
    parser.add_argument("--api", default="http://127.0.0.1:3000", help="the local stack's URL")
    options = parser.parse_args()
    if options.stack:
        if not options.region:
            parser.error("--region (or AWS_REGION) is needed for a deployed stack")
        user_id = grant_on_stack(options.email, options.stack, options.region)
    else:
        user_id = grant_locally(options.email, options.api)
    print(f"{options.email} ({user_id}) is an operator now.")


if __name__ == "__main__":
    main()
