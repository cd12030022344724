"""The stack program (`__main__.py` calls `run`): one Fleet from the selected stack's config."""

from __future__ import annotations

import pulumi

from components.fleet import Fleet

from .settings import NAMESPACE, read_settings


def run() -> Fleet:
    """Registers the stack's Fleet and its outputs; returns the Fleet (`skyfleet render` reads its
    `git_objects`)."""
    settings = read_settings()
    config = pulumi.Config(NAMESPACE)
    # Secret values stay Pulumi secrets from config to the Kubernetes Secret that holds them.
    secrets: pulumi.Input[dict[str, str]] = config.get_secret_object("secrets") or {}
    fleet = Fleet(settings.stack, settings.fleet, secrets=secrets)
    pulumi.export("clusters", fleet.cluster_outputs)
    pulumi.export("kubeconfigs", fleet.kubeconfigs)
    return fleet
