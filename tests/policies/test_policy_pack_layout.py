"""The pack as `pulumi policy publish` uploads it: the policies/ folder on its own.

A test builds that folder somewhere else (under a name that is not a Python identifier, as
Pulumi Cloud's versioned install folders are) and loads and serves it in a clean interpreter:
no project on sys.path, no editable-install finder, only the site-packages where
requirements.txt's dependency is installed.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from google.protobuf import empty_pb2
from grpc_harness import Stub, analyze_stack, analyzer
from packaging.requirements import Requirement
from policy_testing import CONTAINER, DEPLOYMENT, SECURE_DEPLOYMENT, at, resource

from policies.registry import POLICIES

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
SITE_PACKAGES = sysconfig.get_paths()["purelib"]
# -I: no PYTHONPATH, no user site, no script directory; -S: no site module, so no .pth files
# (the project's editable install is one). The dependencies come from site-packages alone.
# -u: the port must reach the pipe at once (the CLI sets PYTHONUNBUFFERED, which -I ignores).
CLEAN = [sys.executable, "-I", "-S", "-u", "-c"]
PRELUDE = f"import sys; sys.path.append({SITE_PACKAGES!r})\n"

LOAD = PRELUDE + """
import importlib.util, json
pack = sys.argv[1]
for name in ("policies", "skyfleet", "components"):
    assert importlib.util.find_spec(name) is None, f"{name} is importable"
spec = importlib.util.spec_from_file_location("pack_main", pack + "/__main__.py")
main = importlib.util.module_from_spec(spec)
spec.loader.exec_module(main)
registry = main.load_registry()
outside = sorted(
    m.__name__ for m in list(sys.modules.values())
    if getattr(m, "__file__", None) and not m.__file__.startswith((pack, sys.base_prefix,
                                                                   sys.argv[2]))
)
print(json.dumps({"policies": [p.name for p in registry.POLICIES], "outside": outside}))
"""
SERVE = PRELUDE + """
import runpy
sys.argv = [sys.argv[1], "127.0.0.1:1"]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def published_files() -> list[Path]:
    """What the pack folder holds, as uploaded: no virtualenv, no bytecode."""
    return sorted(
        path
        for path in PACK_DIR.rglob("*")
        if path.is_file() and not {"venv", "__pycache__"} & set(path.relative_to(PACK_DIR).parts)
    )


def build_pack(target: Path) -> Path:
    for path in published_files():
        destination = target / path.relative_to(PACK_DIR)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return target


@pytest.fixture(scope="module")
def built_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_pack(tmp_path_factory.mktemp("pulumi-policies") / "skyfleet" / "0.2.0")


def load_in_clean_interpreter(pack: Path) -> dict[str, list[str]]:
    run = subprocess.run(
        [*CLEAN, LOAD, str(pack), SITE_PACKAGES],
        capture_output=True, text=True, timeout=60, cwd=pack.parent, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    loaded: dict[str, list[str]] = json.loads(run.stdout)
    return loaded


def test_built_pack_loads_every_policy_in_a_clean_interpreter(built_pack: Path) -> None:
    loaded = load_in_clean_interpreter(built_pack)
    assert loaded["policies"] == [p.name for p in POLICIES]
    assert loaded["outside"] == [], "modules loaded from outside the pack and its dependencies"


# A fourth cloud's policies (say Oracle OKE), written as a new file and nothing else.
OCI_POLICIES = """
from collections.abc import Iterator

from ..define import MANDATORY, Config, PolicyList, each_whole, violation
from ..props import Props

POLICIES = PolicyList()


@POLICIES.resource("oke-private-endpoint", MANDATORY, each_whole("oci:ContainerEngine/cluster:Cluster"))
def check_private_endpoint(cluster: Props, config: Config) -> Iterator[str]:
    \"\"\"The OKE API endpoint has no public IP.\"\"\"
    yield from ()
"""


def test_a_new_clouds_policies_are_one_new_file_in_clouds(tmp_path: Path) -> None:
    pack = build_pack(tmp_path / "skyfleet" / "0.2.0")
    (pack / "clouds" / "oci.py").write_text(OCI_POLICIES)

    loaded = load_in_clean_interpreter(pack)["policies"]

    assert "oke-private-endpoint" in loaded
    assert set(loaded) - {"oke-private-endpoint"} == {p.name for p in POLICIES}


@pytest.fixture(scope="module")
def served(built_pack: Path) -> Iterator[Stub]:
    with analyzer([*CLEAN, SERVE, str(built_pack)], built_pack.parent) as stub:
        yield stub


def test_built_pack_serves_the_analyzer_protocol(served: Stub) -> None:
    info = served.GetAnalyzerInfo(empty_pb2.Empty(), timeout=10)
    deployment = resource(DEPLOYMENT, at(SECURE_DEPLOYMENT, f"{CONTAINER}.securityContext.privileged", True))

    assert [p.name for p in info.policies] == [p.name for p in POLICIES]
    assert "no-privileged-containers" in {d.policyName for d in analyze_stack(served, [deployment])}


def _third_party_imports() -> set[str]:
    found: set[str] = set()
    for path in (p for p in published_files() if p.suffix == ".py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name != "__future__"}


def _requirements() -> list[Requirement]:
    lines = (PACK_DIR / "requirements.txt").read_text().splitlines()
    return [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]


def test_every_third_party_import_is_a_listed_requirement() -> None:
    listed = {r.name.replace("-", "_") for r in _requirements()}
    assert _third_party_imports() <= listed


def test_requirements_admit_the_versions_the_tests_run() -> None:
    for requirement in _requirements():
        installed = importlib.metadata.version(requirement.name)
        assert requirement.specifier.contains(installed), (requirement, installed)


def test_project_file_is_versioned_and_keeps_its_virtualenv_inside() -> None:
    project = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    major, minor, patch = (int(part) for part in project["version"].split("."))

    assert (major, minor, patch) >= (0, 2, 0)
    assert project["runtime"]["name"] == "python"
    virtualenv = Path(project["runtime"]["options"]["virtualenv"])
    assert not virtualenv.is_absolute() and ".." not in virtualenv.parts
