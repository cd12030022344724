"""A cluster Skyfleet reaches but does not run. `cloud.py`: its facts; `cluster.py`: the component."""
