"""Cloud-neutral stack policies: rules about how resources relate, which one resource cannot
show. Cloud-specific ones live with their cloud (`clouds/aws_stack.py`, `clouds/azure.py`)."""

from __future__ import annotations

from .define import ADVISORY, Config, Findings, PolicyList, Resources, blame, of_type
from .pods import DEPLOYMENT
from .props import Props, as_map, dig, number

PDB = "kubernetes:policy/v1:PodDisruptionBudget"


POLICIES = PolicyList()


def _namespace(props: Props) -> str:
    return str(dig(props, "metadata", "namespace") or "default")


def _selects(pdb: Props, pod_labels: Props) -> bool:
    """Whether the PDB's matchLabels (non-empty) are a subset of the pod labels."""
    wanted = as_map(dig(pdb, "spec", "selector", "matchLabels"))
    return bool(wanted) and all(pod_labels.get(key) == value for key, value in wanted.items())


@POLICIES.stack("deployment-has-pdb", ADVISORY)
def check_deployments_have_pdb(resources: Resources, config: Config) -> Findings:
    """Every replicated Deployment is covered by a PodDisruptionBudget."""
    pdbs = [r.props for r in of_type(resources, PDB)]
    for deployment in of_type(resources, DEPLOYMENT):
        replicas = number(dig(deployment.props, "spec", "replicas"))
        if replicas is not None and replicas < 2:
            continue  # a PDB on a single replica would only block node drains
        namespace = _namespace(deployment.props)
        labels = as_map(dig(deployment.props, "spec", "template", "metadata", "labels"))
        if not any(_namespace(pdb) == namespace and _selects(pdb, labels) for pdb in pdbs):
            name = dig(deployment.props, "metadata", "name") or deployment.name
            yield blame(
                deployment,
                f'Deployment "{name}" in namespace "{namespace}" has no PodDisruptionBudget, '
                "so a node drain may evict all its pods at once",
                "add a PodDisruptionBudget (e.g. maxUnavailable: 1) in its namespace whose "
                "selector.matchLabels are a subset of the pod template labels",
            )
