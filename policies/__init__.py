"""Skyfleet's CrossGuard policy pack.

Validators live in importable modules grouped by target (`kubernetes`, `aws`, `gcp`, `azure`,
`stack`); `registry.POLICIES` lists them all. Only `__main__` builds the `PolicyPack`, because
building it starts the gRPC server and blocks.
"""
