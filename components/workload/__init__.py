"""Workloads: a service described once (`ServiceSpec`), rendered the same on every cluster.

`spec.py` (typed spec), `validate.py` (its rules), `probes.py`, `parse.py` (workloads.yaml),
`render.py` (pure manifests), `microservice.py` (the component), `deploy.py` (every service on
one cluster).
"""

from .deploy import deploy_services
from .microservice import Microservice, create_service_namespace
from .parse import load_workloads, parse_workloads
from .probes import Exec, HttpGet, Probe, TcpSocket
from .spec import (
    Autoscaling,
    ContainerPort,
    Disruption,
    IngressSpec,
    Limits,
    MetricsSpec,
    Requests,
    Resources,
    Rollout,
    RouteSpec,
    ServiceSpec,
)
from .validate import check_platform, validate_spec

__all__ = [
    "Autoscaling",
    "ContainerPort",
    "Disruption",
    "Exec",
    "HttpGet",
    "IngressSpec",
    "Limits",
    "MetricsSpec",
    "Microservice",
    "Probe",
    "Requests",
    "Resources",
    "Rollout",
    "RouteSpec",
    "ServiceSpec",
    "TcpSocket",
    "check_platform",
    "create_service_namespace",
    "deploy_services",
    "load_workloads",
    "parse_workloads",
    "validate_spec",
]
