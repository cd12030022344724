"""Serve the policy pack to the Pulumi engine.

The CLI runs `python <pack dir> <engine address>` and reads the gRPC port the pack prints on
stdout. `PolicyPack(...)` starts that server and blocks, which is why only this module builds
it; everything else imports `policies.registry`.
"""

import sys
from pathlib import Path

_PACK_DIR = Path(__file__).resolve().parent

# `python <pack dir>` puts the pack directory itself first on sys.path, where `kubernetes.py`
# or `aws.py` would shadow top-level modules of those names. Import the validators as the
# `policies` package instead, the same way `skyfleet.analysis.policy_eval` does.
if sys.path and Path(sys.path[0] or ".").resolve() == _PACK_DIR:
    sys.path[0] = str(_PACK_DIR.parent)

from pulumi_policy import PolicyPack  # noqa: E402

from policies.registry import PACK_DESCRIPTION, PACK_NAME, POLICIES  # noqa: E402

if __name__ == "__main__":
    PolicyPack(name=PACK_NAME, description=PACK_DESCRIPTION, policies=POLICIES)
