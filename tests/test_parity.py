"""`skyfleet parity`: identical services are clean; drift is reported with its field path."""

import copy

import yaml

from components.platform.info import PlatformInfo
from components.workload import ContainerPort, Probe, ServiceSpec
from components.workload import render as r
from skyfleet.analysis.parity import compare, format_report, main_parity

PLATFORM = PlatformInfo(ingress_class="traefik", ingress_namespace="ingress")
API = ServiceSpec(
    name="api",
    namespace="apps",
    image="ghcr.io/skyfleet/api:1.4.2",
    ports={"http": ContainerPort(port=8080)},
    liveness=Probe.http_get("/livez"),
    readiness=Probe.http_get("/readyz"),
)
AWS, GCP = ("aws-dev", "main"), ("gcp-dev", "main")


def _objects(**annotations):
    objects = r.render_service_objects(
        API, PLATFORM, checksum="c", service_account_annotations=annotations
    )
    return {(o["kind"], o["metadata"]["name"]): o for o in [r.render_namespace("apps"), *objects]}


def _with(objects, kind, change):
    changed = copy.deepcopy(objects)
    change(changed[(kind, "api")])
    return changed


def test_identical_services_give_a_clean_report():
    report = compare({AWS: _objects(), GCP: _objects()})
    assert report.clean and report.objects == 6  # Namespace + 5 objects of the service


def test_a_drifted_replica_count_is_reported_with_its_path():
    drifted = _with(_objects(), "Deployment", lambda d: d["spec"].update(replicas=3))
    report = compare({AWS: _objects(), GCP: drifted})
    assert (
        format_report(report).splitlines()[0]
        == "Deployment apps/api: spec.replicas: aws-dev/main=2 gcp-dev/main=3"
    )


def test_a_drifted_image_is_reported_with_its_path():
    drifted = _with(
        _objects(),
        "Deployment",
        lambda d: d["spec"]["template"]["spec"]["containers"][0].update(
            image="ghcr.io/skyfleet/api:1.5.0"
        ),
    )
    (difference,) = compare({AWS: _objects(), GCP: drifted}).differences
    assert difference.path == "spec.template.spec.containers[0].image"
    assert dict(difference.values) == {
        "aws-dev/main": "ghcr.io/skyfleet/api:1.4.2",
        "gcp-dev/main": "ghcr.io/skyfleet/api:1.5.0",
    }


def test_an_allowed_identity_annotation_difference_is_not_reported():
    report = compare(
        {
            AWS: _objects(**{"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/api"}),
            GCP: _objects(**{"iam.gke.io/gcp-service-account": "api@p.iam.gserviceaccount.com"}),
        }
    )
    assert report.clean and report.allowed == 2


def test_an_object_missing_on_one_cluster_is_reported():
    partial = {k: v for k, v in _objects().items() if k[0] != "PodDisruptionBudget"}
    (line, _) = format_report(compare({AWS: _objects(), GCP: partial})).splitlines()
    assert line == "PodDisruptionBudget apps/api: missing on gcp-dev/main (present on aws-dev/main)"


def test_objects_without_the_workload_label_are_not_compared():
    platform_object = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "traefik", "namespace": "ingress"},
    }
    report = compare({AWS: [*_objects().values(), platform_object], GCP: list(_objects().values())})
    assert report.clean


def _write(out, stack, objects):
    for (kind, name), obj in objects.items():
        folder = obj["metadata"].get("namespace", "_cluster")
        path = out / stack / "manifests" / "main" / folder / f"{kind}-{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(obj))


def test_main_reads_the_preview_folders_and_fails_on_drift(tmp_path, capsys):
    _write(tmp_path, "aws-dev", _objects())
    _write(
        tmp_path, "gcp-dev", _with(_objects(), "Deployment", lambda d: d["spec"].update(replicas=3))
    )
    assert main_parity(tmp_path, []) == 1
    assert "spec.replicas: aws-dev/main=2 gcp-dev/main=3" in capsys.readouterr().out


def test_main_passes_on_identical_previews(tmp_path):
    _write(tmp_path, "aws-dev", _objects())
    _write(tmp_path, "gcp-dev", _objects())
    assert main_parity(tmp_path, ["aws-dev", "gcp-dev"]) == 0


def test_main_reports_a_stack_that_was_not_previewed(tmp_path, capsys):
    assert main_parity(tmp_path, ["aws-dev"]) == 2
    assert "run `skyfleet preview` first" in capsys.readouterr().err
