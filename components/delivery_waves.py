"""Argo CD delivery in waves: one hub Argo CD syncs every cluster's services, wave by wave, with
ApplicationSet progressive syncs (`skyfleet:gitops.hub`, opt-in).

Progressive syncs order the Applications *of one ApplicationSet*, so the per-cluster
ApplicationSets of plain Argo CD delivery (components/delivery.py) cannot be ordered across
clusters. With `hub: <cluster>` that cluster's Argo CD holds one ApplicationSet, `fleet-workloads`,
generating one Application per (cluster, namespace folder), each labelled `skyfleet.io/wave: "N"`
(N from `skyfleet:waves`), and a `RollingSync` strategy with one step per wave selecting that
label. The ApplicationSet controller syncs a step's Applications and moves to the next only when
all of them are Healthy (a Deployment is Progressing until its new pods are available).

Upstream, at the pinned chart (argo-cd 10.1.1, Argo CD v3.4.4):
- argoproj/argo-cd docs/operator-manual/applicationset/Progressive-Syncs.md: a *Beta* feature
  (release-3.3 docs: "Beta Feature (Since v3.3.0)"), off unless the controller runs with
  `--enable-progressive-syncs`, or `applicationsetcontroller.enable.progressive.syncs: "true"` in
  `argocd-cmd-params-cm` (the chart's `configs.params`, what `ArgoCDArgs.progressive_syncs` sets on
  the hub); RollingSync forces autosync off on the generated Applications (so the template has no
  `automated` policy) and syncs them with their own syncPolicy (retry, syncOptions).
- The ApplicationSet CRD (../shared/k8s-data/crds/argo-cd-chart-10.1.1/applicationsets.argoproj.io.yaml):
  `spec.strategy.{type, deletionOrder, rollingSync.steps[].{matchExpressions[].{key, operator,
  values}, maxUpdate}}`; no `defaultPrune` at this version, so an object removed from Git is
  pruned by hand (`argocd app sync --prune`) or by a newer Argo CD (docs/gitops.md).

The other clusters must be registered in the hub's Argo CD under their fleet names (`argocd
cluster add <context> --name <cluster>`): a one-time step with each cloud's own credentials,
documented in docs/gitops.md; Pulumi still creates each cluster's Namespaces, ServiceAccounts and
Secrets there, and the ApplicationSet waits for all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pulumi

from components.delivery import FLEET_PROJECT, GITOPS_SYNC_OPTIONS, GitOpsArgs

if TYPE_CHECKING:
    from components.platform import Platform, PlatformArgs
    from components.workload import Microservice

WAVE_LABEL = "skyfleet.io/wave"
APPLICATION_SET = "fleet-workloads"
IN_CLUSTER_NAME = "in-cluster"  # the name Argo CD gives the cluster it runs in


def rolling_sync(waves: Sequence[Sequence[str]]) -> dict[str, Any]:
    """The `spec.strategy` of the hub's ApplicationSet: one RollingSync step per wave, selecting
    the Applications labelled with that wave; later waves are deleted first."""
    steps = [{"matchExpressions": [{"key": WAVE_LABEL, "operator": "In", "values": [str(n)]}]}
             for n in range(1, len(waves) + 1)]
    return {"type": "RollingSync", "deletionOrder": "Reverse", "rollingSync": {"steps": steps}}


def application_set_spec(
    stack: str, gitops: GitOpsArgs, waves: Sequence[Sequence[str]], folders: Mapping[str, Sequence[str]],
    hub: str, *, retry: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The hub's ApplicationSet: a list generator with one element per (cluster, namespace
    folder of `<path>/<stack>/<cluster>/`), each Application labelled with its cluster's wave and
    sent to that cluster (the hub itself is Argo CD's `in-cluster`)."""
    wave_of = {cluster: n for n, wave in enumerate(waves, start=1) for cluster in wave}
    elements = [
        {"cluster": cluster, "namespace": namespace, "wave": str(wave_of[cluster]),
         "destination": IN_CLUSTER_NAME if cluster == hub else cluster,
         "path": f"{gitops.cluster_path(stack, cluster)}/{namespace}"}
        for cluster in sorted(folders, key=lambda c: (wave_of[c], c)) for namespace in sorted(folders[cluster])
    ]
    sync_policy: dict[str, Any] = {"syncOptions": list(GITOPS_SYNC_OPTIONS)}
    if retry is not None:
        sync_policy["retry"] = dict(retry)
    return {
        "goTemplate": True,
        "goTemplateOptions": ["missingkey=error"],
        "generators": [{"list": {"elements": elements}}],
        "strategy": rolling_sync(waves),
        "template": {
            "metadata": {"name": "{{.cluster}}-{{.namespace}}", "labels": {WAVE_LABEL: "{{.wave}}"}},
            "spec": {
                "project": FLEET_PROJECT,
                "source": {"repoURL": gitops.repo_url, "targetRevision": gitops.revision, "path": "{{.path}}"},
                "destination": {"name": "{{.destination}}", "namespace": "{{.namespace}}"},
                "syncPolicy": sync_policy,
            },
        },
    }


def deliver_in_waves(
    hub: str, platform: Platform, services: Mapping[str, Mapping[str, Microservice]], gitops: GitOpsArgs,
    waves: Sequence[Sequence[str]],
) -> pulumi.Resource:
    """The hub's AppProject and `fleet-workloads` ApplicationSet over every cluster's services
    (`services`: cluster -> its Microservices), waiting for what Pulumi keeps on every cluster."""
    from components.platform import AppProjectArgs, ArgoCD, SyncRetryArgs

    argocd = platform.addons.get("argocd")
    if not isinstance(argocd, ArgoCD):  # check_delivery asked for it: a bug if missing
        raise RuntimeError(f"cluster {hub}: delivery 'argocd' without the Argo CD add-on")
    assert gitops.repo_url is not None  # check_delivery
    objects = {cluster: [m for s in mine.values() for m in s.git_objects] for cluster, mine in services.items()}
    folders = {cluster: sorted({str(m["metadata"]["namespace"]) for m in found}) for cluster, found in objects.items()}
    pulumi_owned = [
        r for mine in services.values() for s in mine.values()
        for r in ([s.namespace] if s.namespace is not None else []) + list(s.objects.values())
    ]
    every = [m for found in objects.values() for m in found]
    project = argocd.add_project(FLEET_PROJECT, AppProjectArgs(
        description=f"the Fleet's services on every cluster, from {gitops.repo_url}, in waves",
        source_repos=[gitops.repo_url],
        namespaces=sorted({str(m["metadata"]["namespace"]) for m in every}),
        kinds=[(str(m["apiVersion"]).rpartition("/")[0], str(m["kind"])) for m in every],
        clusters=sorted(c for c in services if c != hub),
    ))
    spec = application_set_spec(pulumi.get_stack(), gitops, waves, folders, hub, retry=SyncRetryArgs().to_spec())
    return argocd.add_application_set_spec(APPLICATION_SET, spec, depends_on=[project, *pulumi_owned])


def with_progressive_syncs(platform: PlatformArgs) -> PlatformArgs:
    """The platform args of the hub: its Argo CD runs the ApplicationSet controller with
    progressive syncs on (`ArgoCDArgs.progressive_syncs`)."""
    import dataclasses

    return dataclasses.replace(platform, argocd=dataclasses.replace(platform.argocd, progressive_syncs=True))
