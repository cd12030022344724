"""Each cloud's policies, in modules named after the cloud (`aws.py`, `aws_stack.py`, ...).

A module here mirrors its cloud's package under components/cluster and exports `POLICIES`.
Adding a cloud adds a module; `registry.py` finds it.
"""
