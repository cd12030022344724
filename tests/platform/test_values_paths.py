"""Value paths: flattening values and finding the paths a chart does not document."""

from __future__ import annotations

from skyfleet.analysis.values_paths import (
    unknown_paths,
    value_paths,
    with_paths,
    with_subcharts,
)

DOCUMENTED = {
    "deployment": {"replicas": 1, "podAnnotations": {}},
    "service": {"type": "LoadBalancer", "annotations": {}},
    "resources": {},
    "tag": None,
    "args": [],
    "ingressClass": {"enabled": True, "name": ""},
    "configs": {"cm": {"admin.enabled": True}},
}


def test_nested_mapping_flattens_to_dotted_leaf_paths() -> None:
    values = {"deployment": {"replicas": 2, "strategy": {"type": "RollingUpdate"}}, "debug": True}
    assert value_paths(values) == {"deployment.replicas", "deployment.strategy.type", "debug"}


def test_a_list_is_a_leaf() -> None:
    assert value_paths({"extraArgs": [{"name": "a"}, "--b"]}) == {"extraArgs"}


def test_an_empty_mapping_and_none_are_leaves() -> None:
    assert value_paths({"podAnnotations": {}, "tag": None}) == {"podAnnotations", "tag"}


def test_documented_paths_are_known() -> None:
    sent = {"deployment": {"replicas": 3}, "ingressClass": {"name": "public"}}
    assert unknown_paths(sent, DOCUMENTED) == []


def test_path_below_a_documented_empty_map_is_accepted() -> None:
    sent = {
        "service": {"annotations": {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"}}
    }
    assert unknown_paths(sent, DOCUMENTED) == []


def test_path_below_a_documented_null_is_accepted() -> None:
    assert unknown_paths({"tag": {"digest": "sha256:0"}}, DOCUMENTED) == []


def test_path_below_an_open_maps_entry_is_accepted() -> None:
    sent = {"ingressClass": {"labels": {"team": "web"}}}
    assert unknown_paths(sent, DOCUMENTED, open_maps=["ingressClass"]) == []


def test_misspelled_path_is_reported() -> None:
    sent = {"deployment": {"replica": 3}, "ingresClass": {"enabled": True}}
    assert unknown_paths(sent, DOCUMENTED) == ["deployment.replica", "ingresClass.enabled"]


def test_path_below_a_documented_scalar_or_list_is_reported() -> None:
    sent = {"service": {"type": {"name": "x"}}, "args": {"v": 4}}
    assert unknown_paths(sent, DOCUMENTED) == ["args.v", "service.type.name"]


def test_sending_a_whole_documented_map_is_known() -> None:
    assert unknown_paths({"ingressClass": {}, "args": ["--v=4"]}, DOCUMENTED) == []


def test_keys_containing_dots_are_matched_key_by_key() -> None:
    assert unknown_paths({"configs": {"cm": {"admin.enabled": False}}}, DOCUMENTED) == []
    assert unknown_paths({"configs": {"cm": {"exec.enabled": True}}}, DOCUMENTED) == [
        "configs.cm.exec.enabled"
    ]


def test_subchart_values_merge_under_the_subchart_key() -> None:
    parent = {"grafana": {"enabled": True, "adminPassword": "prom-operator"}, "crds": {}}
    subchart = {"admin": {"existingSecret": "", "userKey": "admin-user"}, "replicas": 1}
    merged = with_subcharts(parent, {"grafana": subchart})
    sent = {"grafana": {"enabled": True, "adminPassword": "x", "admin": {"existingSecret": "s"}}}
    assert unknown_paths(sent, merged) == []
    assert unknown_paths({"grafana": {"admin": {"existingSecrets": "s"}}}, merged) == [
        "grafana.admin.existingSecrets"
    ]


def test_a_map_open_on_either_side_of_a_subchart_merge_stays_open() -> None:
    merged = with_subcharts({"grafana": {"env": {"A": "1"}}}, {"grafana": {"env": {}}})
    assert unknown_paths({"grafana": {"env": {"B": "2"}}}, merged) == []


def test_with_paths_adds_keys_documented_only_in_comments() -> None:
    documented = with_paths(
        {"webhook": {"replicaCount": 1}, "image": "x"}, ["webhook.podAnnotations", "image.tag"]
    )
    assert unknown_paths({"webhook": {"podAnnotations": {"a": "b"}}}, documented) == []
    assert documented["image"] == "x"  # a documented scalar is not turned into a map
