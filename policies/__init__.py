"""Skyfleet's CrossGuard policy pack.

Validators live in importable modules grouped by target (`pss`, `kubernetes`, `exposure`,
`rbac`, `stack`, `cost`, and one or two modules per cloud in `clouds/`), each declared with its
policy (`define.PolicyList`); `registry.POLICIES` lists them all. Only `__main__` builds the `PolicyPack`, because
building it starts the gRPC server and blocks.
"""
