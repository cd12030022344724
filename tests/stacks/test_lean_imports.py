"""Issue 8: a stack imports only its own cloud's SDK (each costs seconds and hundreds of MB).

Each stack's program runs in a fresh interpreter (`run_stack`, nothing written), which then lists
the cloud SDK modules it imported (conftest.LEAN_IMPORTS).
"""

from __future__ import annotations

import pytest
from stack_plans import CLOUD_SDK_PREFIXES, STACKS, cloud_of


def _packages(modules: list[str]) -> set[str]:
    return {m.split(".", 1)[0] for m in modules}


@pytest.mark.parametrize("stack", [s for s in STACKS if cloud_of(s) in CLOUD_SDK_PREFIXES])
def test_a_cloud_stack_imports_its_own_cloud_sdk_only(lean_imports, stack):
    assert _packages(lean_imports[stack]) == {CLOUD_SDK_PREFIXES[cloud_of(stack)]}


@pytest.mark.parametrize("stack", [s for s in STACKS if cloud_of(s) not in CLOUD_SDK_PREFIXES])
def test_a_stack_on_an_existing_cluster_imports_no_cloud_sdk(lean_imports, stack):
    assert lean_imports[stack] == []
