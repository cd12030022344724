"""The example's Pulumi program: the project's own, on this folder's stack config and services.

`pulumi up -s waves` here (or `skyfleet preview`, tests/examples/test_three_clouds.py) builds the
fleet of stacks/Pulumi.waves.yaml with the services of stacks/workloads.yaml.
"""

from skyfleet.stack.program import run

run()
