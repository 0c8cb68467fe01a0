"""Starting the local stack: moto server, resources from the template, environment, HTTP front."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from moto.server import ThreadedMotoServer
from werkzeug.serving import BaseWSGIServer, make_server

from local import fidelity, footprint, provision, template
from local.gateway import Gateway
from local.recorder import recorder

REGION = "eu-central-1"
# Local defaults for what a deployment passes as parameters: mails link to a SPA on localhost.
LOCAL_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_LAMBDA_FUNCTION_NAME": "kontor-local",
    "POWERTOOLS_METRICS_NAMESPACE": "Kontor",
}


@dataclass
class LocalStack:
    moto: ThreadedMotoServer
    endpoint: str
    stack: provision.Stack
    gateway: Gateway
    region: str = REGION

    @classmethod
    def start(cls) -> LocalStack:
        recorder.install()  # before any botocore session exists
        footprint.apply()  # memory and write time flat under sustained load (moto keeps everything)
        fidelity.serialize_dynamodb_writes()
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the gateway logs its own requests
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        moto.start()
        host, port = moto.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        for name, value in LOCAL_ENVIRONMENT.items():
            os.environ.setdefault(name, value)
        os.environ["AWS_ENDPOINT_URL"] = endpoint

        loaded = template.load()
        stack = provision.provision(loaded)
        for function in loaded.functions:
            os.environ.update(stack.environment(loaded, function))
        gateway = Gateway(loaded, stack, endpoint=endpoint, region=os.environ["AWS_DEFAULT_REGION"])
        gateway.functions.environments = {
            name: stack.own_environment(loaded, name) for name in loaded.functions
        }
        return cls(
            moto=moto,
            endpoint=endpoint,
            stack=stack,
            gateway=gateway,
            region=os.environ["AWS_DEFAULT_REGION"],
        )

    def serve(self, host: str, port: int) -> BaseWSGIServer:
        server = make_server(host, port, self.gateway, threaded=True)
        os.environ["KONTOR_API_URL"] = self.api_url(server.server_port)
        return server

    def create_operator(self, email: str = "support@kontor.example.com") -> str:
        """A verified login for the vendor's staff, signed up through the API and made an operator;
        its password."""
        import json
        import re
        import secrets

        from werkzeug.test import Client

        from local.gateway import outbox

        client = Client(self.gateway)
        password = secrets.token_urlsafe(15)
        signup = client.post(
            "/signup",
            json={
                "email": email,
                "password": password,
                "name": "Kontor Support",
                "tenant_name": "Kontor Support",
            },
        )
        if signup.status_code != 202:
            raise RuntimeError(f"the local operator could not sign up: {json.loads(signup.data)}")
        token = re.search(r"token=([\w-]+)", outbox(email)[0]["text"])
        if token is None:
            raise RuntimeError(f"no verification link was sent to {email}")
        client.post("/signup/verify", json={"token": token[1], "password": password})
        granted = client.post("/_local/operators", json={"email": email})
        if granted.status_code != 200:
            raise RuntimeError(f"the local operator could not be made: {json.loads(granted.data)}")
        return password

    @staticmethod
    def api_url(port: int) -> str:
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.moto.stop()
