"""`python -m local --port 3000`: serve the whole API on embedded AWS (moto)."""

from __future__ import annotations

import argparse
import logging
import os

from local.stack import LocalStack


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve Kontor's API locally on an embedded moto server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument(
        "--no-delivery",
        action="store_true",
        help="leave queued work until POST /_local/queues/drain or a fired schedule (tests)",
    )
    parser.add_argument(
        "--no-operator", action="store_true", help="do not create the local operator login (tests)"
    )
    parser.add_argument(
        "--console-links",
        action="store_true",
        help="mail links open the console this server serves at / (not the template's SpaBaseUrl)",
    )
    options = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    stack = LocalStack.start()
    server = stack.serve(options.host, options.port)
    if options.console_links:  # before the first request reads the settings
        os.environ["KONTOR_SPA_BASE_URL"] = stack.api_url(server.server_port)
    if not options.no_delivery:
        stack.gateway.jobs.deliver_in_background()
    print(f"Kontor API        {stack.api_url(server.server_port)}", flush=True)
    print(f"Cognito endpoint  {stack.endpoint}", flush=True)
    print(f"User pool id      {stack.stack.refs['UserPool']}", flush=True)
    print(f"User pool client  {stack.stack.refs['UserPoolClient']}", flush=True)
    print(f"Region            {stack.region}", flush=True)
    if not options.no_operator:
        password = stack.create_operator()
        print(f"Operator login    support@kontor.example.com  {password}", flush=True)
    if stack.gateway.console.built:
        print(f"Web console       {stack.api_url(server.server_port)}/", flush=True)
    print("Ready. Ctrl-C stops.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
