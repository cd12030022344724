"""Every component's Pulumi type token is a literal string, so renaming a class changes no URN.

A type token is part of every URN below it: if it came from a class name, renaming the class
would replace every add-on of every deployed stack. The source is read with `ast`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from components.platform import ADDONS, MetricsServer

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r"skyfleet:[a-z]+:[A-Za-z]+")

EXPECTED = [
    "skyfleet:cluster:AksCluster",
    "skyfleet:cluster:EksCluster",
    "skyfleet:cluster:ExistingCluster",
    "skyfleet:cluster:GkeCluster",
    "skyfleet:fleet:Fleet",
    "skyfleet:platform:ArgoCD",
    "skyfleet:platform:CertManager",
    "skyfleet:platform:ClusterAutoscaler",
    "skyfleet:platform:ExternalDns",
    "skyfleet:platform:GatewayApiCrds",
    "skyfleet:platform:IngressController",
    "skyfleet:platform:LogCollector",
    "skyfleet:platform:Logging",
    "skyfleet:platform:MetricsServer",
    "skyfleet:platform:Monitoring",
    "skyfleet:platform:Platform",
    "skyfleet:workload:Microservice",
]


def _trees() -> list[ast.AST]:
    return [ast.parse(p.read_text(), str(p)) for p in sorted((ROOT / "components").rglob("*.py"))]


def test_the_components_declare_exactly_these_literal_type_tokens() -> None:
    found = {
        node.value
        for tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and TOKEN.fullmatch(node.value)
    }
    assert sorted(found) == EXPECTED


def test_no_type_token_is_built_from_a_name() -> None:
    built = [
        ast.unparse(node)
        for tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        and any(isinstance(v, ast.Constant) and str(v.value).startswith("skyfleet:")
                for v in node.values[:1])
    ]
    assert built == []


def test_every_registered_add_on_declares_its_own_token() -> None:
    for addon in ADDONS:
        assert "TYPE" in vars(addon.component), addon.component.__name__
        assert TOKEN.fullmatch(addon.component.TYPE)


def test_a_renamed_add_on_class_keeps_its_token() -> None:
    class RenamedMetricsServer(MetricsServer):
        pass

    assert RenamedMetricsServer.TYPE == "skyfleet:platform:MetricsServer"
