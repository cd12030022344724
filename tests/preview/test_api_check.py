"""`skyfleet preview` fails, naming stack, release and kind, when a release creates a kind the
cluster would not serve at that point (the defect every stack shipped with: Traefik's Gateway
provider on and no Gateway API CRDs)."""

from __future__ import annotations

from skyfleet.commands.preview import preview_one
from tests.safety.project import copy_project, edit_stack, put


def test_a_release_creating_a_kind_no_crd_provides_fails_the_preview(tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    edit_stack(project, "gcp-dev", put("skyfleet:platform", "gatewayApi", "enabled", value=False))
    out = tmp_path / "out"
    assert preview_one(project, "gcp-dev", out, quiet=True) == 5
    errors = capsys.readouterr().err
    assert (
        "error: stack gcp-dev: skyfleet-dev-platform-ingress-release creates "
        "gateway.networking.k8s.io/v1 GatewayClass, which Kubernetes 1.35 does not serve"
    ) in errors
    assert not (out / "gcp-dev").exists()


def test_the_shipped_stack_passes_the_check(tmp_path):
    project = copy_project(tmp_path / "project")
    assert preview_one(project, "gcp-dev", tmp_path / "out", quiet=True) == 0
