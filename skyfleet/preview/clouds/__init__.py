"""Each cloud's emulators, one module per cloud; importing this package registers them all.

A module here mirrors its cloud's package under components/cluster: what that cloud's
provider computes (ids, ARNs, endpoints, issuers) for the resources and calls its cluster
component uses. Adding a cloud adds a module; this file finds it.
"""

from __future__ import annotations

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
