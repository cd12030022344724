"""The longest cluster name each cloud accepts still gives physical names its cloud accepts.

Names Skyfleet derives (log buckets, storage accounts, IAM roles) have tighter rules than the
cluster names they come from; each dev stack is previewed with its cluster renamed to the longest
valid name, capitals and '_' included where the cloud allows them, and the emulated cloud rules
(aws-s3-bucket-name, gcp-storage-bucket-name, azure-storage-account-name, aws-iam-role-name)
judge the result. Before the names were cut and hashed, EKS and GKE previews failed here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from skyfleet.preview import wire

from .project import DEV_STACKS, copy_project, edit_stack, preview, rename

# The longest names the validators accept (docs/clusters.md, "Rules").
LONGEST = {
    "aws-dev": "Skyfleet_Dev_" + "a" * 87,  # EKS: 100 of [A-Za-z0-9_-]
    "gcp-dev": "skyfleet-dev-" + "g" * 27,  # GKE: 40 lowercase
    "azure-dev": "Skyfleet-Dev-" + "z" * 50,  # AKS: 63
}
BUCKETS = {"aws-dev": ("aws:s3/bucket:Bucket", "bucket"), "gcp-dev": ("gcp:storage/bucket:Bucket", "name"),
           "azure-dev": ("azure-native:storage:StorageAccount", "name")}


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_the_longest_cluster_name_gives_a_log_store_name_the_cloud_accepts(stack: str, tmp_path: Path) -> None:
    assert len(LONGEST[stack]) in (100, 40, 63)
    project = copy_project(tmp_path)
    edit_stack(project, stack, rename("skyfleet:clusters", "skyfleet-dev", to=LONGEST[stack]))
    plan = preview(project, stack)  # raises PreviewError(CloudRuleError) on a refused name
    type_, key = BUCKETS[stack]
    [store] = plan.by_type(type_)
    assert 3 <= len(str(wire.reveal(store.state)[key])) <= 63
