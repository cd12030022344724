"""Stack config (camelCase mappings) -> typed add-on args: the shared reader of
`components/config_reader.py`, which reads the dataclasses' own fields.

A field `release_name` is the config key `releaseName`; fields that carry secrets or Pulumi
outputs are marked `metadata={"config": False}` and are only reachable from Python.
"""

from __future__ import annotations

from components.config_reader import camel, config_fields, read_config

# The names the add-ons have always imported.
from_config = read_config

__all__ = ["camel", "config_fields", "from_config"]
