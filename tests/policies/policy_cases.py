"""Every policy case, offline and over gRPC alike (test_policy_cases*.py)."""

from __future__ import annotations

import policy_cases_clouds
import policy_cases_cost
import policy_cases_exposure
import policy_cases_kubernetes
import policy_cases_pss
import policy_cases_rbac
import policy_cases_stack
from policy_testing import Case

CASES: list[Case] = [
    *policy_cases_pss.CASES,
    *policy_cases_kubernetes.CASES,
    *policy_cases_exposure.CASES,
    *policy_cases_rbac.CASES,
    *policy_cases_clouds.CASES,
    *policy_cases_stack.CASES,
    *policy_cases_cost.CASES,
]
