"""The stack program (`__main__.py` calls `run`): one Fleet from the selected stack's config."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pulumi

from components.fleet import Fleet

from .settings import NAMESPACE, read_settings

# Lists that want the Fleets `run` builds (see `collecting_fleets`).
_COLLECTORS: list[list[Fleet]] = []


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
    for collected in _COLLECTORS:
        collected.append(fleet)
    return fleet


@contextlib.contextmanager
def collecting_fleets() -> Iterator[list[Fleet]]:
    """The Fleets `run` builds while the block runs. The preview runs the project's `main` as
    Pulumi does (it never calls `run` itself); a `delivery: argocd` Fleet's objects for Git are
    plain values, registered nowhere, so this is how the preview and `skyfleet render` see them."""
    collected: list[Fleet] = []
    _COLLECTORS.append(collected)
    try:
        yield collected
    finally:
        _COLLECTORS.remove(collected)
