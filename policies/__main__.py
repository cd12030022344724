"""Serve the policy pack to the Pulumi engine.

The CLI runs `python <pack dir> <engine address>` and reads the gRPC port the pack prints on
stdout. `PolicyPack(...)` starts that server and blocks, which is why only this module builds
it; everything else imports the registry.

The pack folder is self-contained, so `pulumi policy publish` can upload it as it is: its
modules import one another relatively, and this file loads the folder as a package under
a fixed name wherever it was unpacked (Pulumi Cloud installs a published pack into a
versioned folder whose name is not a Python identifier). Nothing outside the folder is
imported, and the only third-party dependency is listed in `requirements.txt`.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

PACK_DIR = Path(__file__).resolve().parent
PACKAGE = "skyfleet_policy_pack"


def load_registry() -> ModuleType:
    """The pack's `registry` module, imported from this folder and nowhere else."""
    if __package__:  # `python -m policies` from the project: already a package
        return importlib.import_module(f"{__package__}.registry")
    # `python <pack dir>` puts the folder itself first on sys.path, where `kubernetes.py`
    # or `aws.py` would shadow top-level modules of those names.
    if sys.path and Path(sys.path[0] or ".").resolve() == PACK_DIR:
        del sys.path[0]
    spec = importlib.util.spec_from_file_location(
        PACKAGE, PACK_DIR / "__init__.py", submodule_search_locations=[str(PACK_DIR)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the policy pack from {PACK_DIR}")
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = package
    spec.loader.exec_module(package)
    return importlib.import_module(f"{PACKAGE}.registry")


if __name__ == "__main__":
    from pulumi_policy import PolicyPack

    registry = load_registry()
    PolicyPack(
        name=registry.PACK_NAME, description=registry.PACK_DESCRIPTION, policies=registry.POLICIES
    )
