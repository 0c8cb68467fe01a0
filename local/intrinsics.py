"""CloudFormation's intrinsic functions and conditions, resolved against one stack's values.

The local stack resolves the template's properties with it before creating resources; the IAM
check resolves the translated template's policies with the local stack's physical names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

NOVALUE = object()  # what `!Ref AWS::NoValue` resolves to: the value is dropped


@dataclass
class Environment:
    """What a deployed stack resolves intrinsics to: here, the local stack's physical ids."""

    refs: dict[str, str]
    arns: dict[str, str]
    parameters: dict[str, Any]
    region: str
    account: str
    stack_name: str = "kontor-local"
    conditions: dict[str, Any] = field(default_factory=dict)

    def pseudo(self, name: str) -> str | None:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account,
            "AWS::Partition": "aws",
            "AWS::StackName": self.stack_name,
            "AWS::URLSuffix": "amazonaws.com",
        }.get(name)

    def ref(self, name: str) -> Any:
        value = self.pseudo(name)
        if value is not None:
            return value
        if name in self.parameters:
            return self.parameters[name]
        return self.refs[name]

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.conditions[name]))

    def resolve(self, value: Any) -> Any:
        """CloudFormation intrinsics resolved; `NOVALUE` where `AWS::NoValue` removes a value."""
        if isinstance(value, list):
            return [v for v in (self.resolve(item) for item in value) if v is not NOVALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            [(key, argument)] = value.items()
            if key == "Ref":
                return NOVALUE if argument == "AWS::NoValue" else self.ref(argument)
            if key == "Fn::GetAtt":
                name, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
                if attribute != "Arn":
                    raise KeyError(f"unsupported attribute {name}.{attribute}")
                return self.arns[name]
            if key == "Fn::Sub":
                text, variables = (argument, {}) if isinstance(argument, str) else argument
                variables = {k: self.resolve(v) for k, v in variables.items()}

                def substitute(match: re.Match[str]) -> str:
                    name = match.group(1)
                    if name in variables:
                        return str(variables[name])
                    if "." in name and self.pseudo(name) is None:
                        return str(self.resolve({"Fn::GetAtt": name.split(".", 1)}))
                    return str(self.ref(name))

                # `${!…}` is a literal `${…}` (an IAM policy variable such as `${!aws:PrincipalTag/x}`).
                resolved = re.sub(r"\$\{([\w:.]+)\}", substitute, text)
                return resolved.replace("${!", "${")
            if key == "Fn::Join":
                separator, parts = argument
                return separator.join(str(p) for p in self.resolve(parts))
            if key == "Fn::If":
                name, then, otherwise = argument
                return self.resolve(then if self.condition(name) else otherwise)
            if key == "Fn::Equals":
                left, right = self.resolve(argument)
                return str(left) == str(right)
            if key == "Fn::Not":
                return not self.resolve(argument[0])
            if key == "Fn::And":
                return all(self.resolve(argument))
            if key == "Fn::Or":
                return any(self.resolve(argument))
            if key == "Condition":
                return self.condition(argument)
        return {k: v for k, v in ((k, self.resolve(v)) for k, v in value.items()) if v is not NOVALUE}
