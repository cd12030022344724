"""Azure: AKS clusters. `cloud.py` holds the facts shared code asks for; the rest builds AKS."""
