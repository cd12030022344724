"""Benchmarks: the reference fleet under the offline preview, against a plain Pulumi program.

`python -m benchmarks` (or `make bench`) runs both sides in fresh subprocesses for each fleet size
and writes `bench-out/results.json`; see docs/benchmarks.md.
"""
