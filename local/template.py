"""template.yaml as data: resources, functions, routes, schedules and queue consumers.

The local stack and the tests read everything from here, so nothing is declared twice.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (`!Ref X`) as their long form (`{"Ref": "X"}`)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


@dataclass(frozen=True)
class Route:
    method: str  # upper case
    path: str  # as in the template: /tenants/{tenantId}
    function: str  # logical id
    public: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\{(\w+)\\\+\\}", r"(?P<\1>.+)", re.escape(self.path))
        regex = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", regex)
        return re.compile(f"^{regex}$")

    @property
    def specificity(self) -> tuple[int, int]:
        """Static segments win over parameters, as in API Gateway."""
        segments = self.path.strip("/").split("/")
        return (-sum(not s.startswith("{") for s in segments), -len(segments))


@dataclass(frozen=True)
class Schedule:
    name: str  # the event's logical name (the deployed name is derived from the stack's)
    function: str
    expression: str
    input: str | None = None  # ScheduleV2's `Input`: the event the function receives, as JSON text

    @property
    def job(self) -> str | None:
        """The job the schedule starts (`{"job": …}` in its Input)."""
        return json.loads(self.input).get("job") if self.input else None


@dataclass(frozen=True)
class QueueConsumer:
    function: str
    queue: str  # logical id of the queue
    batch_size: int


@dataclass(frozen=True)
class Function:
    logical_id: str
    code_uri: Path
    handler: str  # module.path.attribute
    environment: dict[str, Any] = field(default_factory=dict)
    timeout: float = 3  # seconds, as Lambda's default


@dataclass(frozen=True)
class Template:
    raw: dict[str, Any]

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return self.raw["Resources"]

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {name: res for name, res in self.resources.items() if res["Type"] == kind}

    @property
    def parameters(self) -> dict[str, Any]:
        return {name: spec.get("Default") for name, spec in self.raw.get("Parameters", {}).items()}

    @property
    def global_environment(self) -> dict[str, Any]:
        return self.raw.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})

    @property
    def functions(self) -> dict[str, Function]:
        return {
            name: Function(
                logical_id=name,
                code_uri=ROOT / res["Properties"]["CodeUri"],
                handler=res["Properties"]["Handler"],
                environment=res["Properties"].get("Environment", {}).get("Variables", {}),
                timeout=res["Properties"].get(
                    "Timeout", self.raw.get("Globals", {}).get("Function", {}).get("Timeout", 3)
                ),
            )
            for name, res in self.of_type("AWS::Serverless::Function").items()
        }

    def _events(self, *kinds: str) -> list[tuple[str, str, dict[str, Any]]]:
        return [
            (function, event_name, event.get("Properties", {}))
            for function, res in self.of_type("AWS::Serverless::Function").items()
            for event_name, event in res["Properties"].get("Events", {}).items()
            if event["Type"] in kinds
        ]

    @property
    def routes(self) -> list[Route]:
        found = [
            Route(
                method=props["Method"].upper(),
                path=props["Path"],
                function=function,
                public=props.get("Auth", {}).get("Authorizer") == "NONE",
            )
            for function, _, props in self._events("Api")
        ]
        return sorted(found, key=lambda route: route.specificity)

    @property
    def schedules(self) -> list[Schedule]:
        return [
            Schedule(
                name=event_name,
                function=function,
                expression=props["ScheduleExpression"],
                input=props.get("Input"),
            )
            for function, event_name, props in self._events("Schedule", "ScheduleV2")
        ]

    @property
    def queue_consumers(self) -> list[QueueConsumer]:
        return [
            QueueConsumer(
                function=function,
                queue=props["Queue"]["Fn::GetAtt"][0],
                batch_size=props.get("BatchSize", 10),
            )
            for function, _, props in self._events("SQS")
        ]


@functools.cache
def load(path: Path = TEMPLATE) -> Template:
    return Template(yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader))  # noqa: S506 - SafeLoader subclass
