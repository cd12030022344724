"""Waves across stacks: the order in which the deploy workflow runs `pulumi up` (issue 21).

Each stack's `skyfleet:wave` is a whole number >= 1; CI deploys wave 1's changed stacks, then
wave 2's, and so on, each wave a job that `needs:` every earlier one, so a failed wave stops
every later wave (.github/workflows/deploy.yml). Default when the key is unset: 1 for a dev
stack, 2 for a prod stack (dev first, then prod, as before waves). Rules across stacks:
- every dev stack rolls before every prod stack (the production approval sits before the first
  prod wave: a dev stack after it would deploy behind prod's reviewers, or before them);
- a wave holds only dev or only prod stacks (one GitHub environment per job);
- waves are numbered 1, 2, ... without a gap (one job per number; a gap would be a job with no
  stack ever).

`deploy_jobs_problems` checks a workflow file against these waves: the test suite and
`skyfleet waves --check-workflow` fail when a stack's wave changes and deploy.yml does not.
Pure planning: nothing here registers a resource or runs a command.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.errors import Problems

KEY = "skyfleet:wave"
PRODUCTION = "production"  # the GitHub environment of prod stacks (docs/gitops.md, "Environments")
RULE = "must be a whole number >= 1: the deploy workflow's wave for this stack (1 deploys first)"


def stack_environment(stack: str, config: Mapping[str, Any] | None) -> str:
    """`skyfleet:environment` from the stack's config, else the stack name's suffix (`aws-prod`)."""
    value = (config or {}).get("skyfleet:environment")
    if isinstance(value, str) and value:
        return value
    return "prod" if stack.endswith("prod") else "dev"


def check_wave(value: Any, problems: Problems, path: str = "wave") -> None:
    """`skyfleet:wave` of one stack file; None (unset) is the documented default."""
    if value is None:
        return
    problems.check(isinstance(value, int) and not isinstance(value, bool) and value >= 1, path, value, RULE)


def stack_wave(config: Mapping[str, Any] | None, environment: str) -> int:
    """The stack's wave: its `skyfleet:wave`, else 1 for dev and 2 for prod (an invalid value is
    refused by `check_wave` before any deploy; here it falls back to the default)."""
    value = (config or {}).get(KEY)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    return 2 if environment == "prod" else 1


@dataclass(frozen=True)
class StackWave:
    number: int
    environment: str  # "dev" or "prod", as `skyfleet diff` classes stacks
    stacks: tuple[str, ...]

    @property
    def github_environment(self) -> str:
        return PRODUCTION if self.environment == "prod" else "dev"


def plan_stack_waves(configs: Mapping[str, Mapping[str, Any]]) -> tuple[list[StackWave], Problems]:
    """The waves of every stack whose config is in `configs` (stack -> fully qualified config),
    in order, and every problem found (paths `stacks/Pulumi.<stack>.yaml: skyfleet:wave`)."""
    problems = Problems()
    numbers: dict[str, int] = {}
    environments: dict[str, str] = {}
    for stack, config in sorted(configs.items()):
        check_wave(config.get(KEY), problems, f"stacks/Pulumi.{stack}.yaml: {KEY}")
        numbers[stack] = stack_wave(config, stack_environment(stack, config))
        environments[stack] = stack_environment(stack, config)
    dev = [numbers[s] for s in numbers if environments[s] != "prod"]
    for stack in sorted(s for s in numbers if environments[s] == "prod"):
        problems.check(
            not dev or numbers[stack] > max(dev), f"stacks/Pulumi.{stack}.yaml: {KEY}", numbers[stack],
            f"a prod stack must roll after every dev stack (the last dev wave is {max(dev) if dev else 0}): "
            "the production approval comes before the first prod wave",
        )
    present = sorted(set(numbers.values()))
    problems.check(present == list(range(1, len(present) + 1)), KEY, present,
                   "waves must be numbered 1, 2, ... without a gap (one deploy job per wave)")
    waves = []
    for number in present:
        stacks = tuple(s for s in sorted(numbers) if numbers[s] == number)
        kinds = {environments[s] for s in stacks}
        problems.check(len(kinds) == 1, f"{KEY} {number}", list(stacks),
                       "a wave holds dev stacks or prod stacks, not both (one GitHub environment per wave)")
        waves.append(StackWave(number, "prod" if "prod" in kinds else "dev", stacks))
    return waves, problems


def job_name(number: int) -> str:
    return f"wave-{number}"


def soak_job_name(number: int) -> str:
    return f"soak-{number}"


def deploy_jobs_problems(waves: list[StackWave], jobs: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What in a deploy workflow's `jobs` does not match `waves`: one `wave-N` job per wave calling
    pulumi-stacks.yml with that wave's matrix and environment, needing every earlier wave (and
    soak) job, and no `wave-*` job for a wave that does not exist."""
    found: list[str] = []
    expected = {job_name(w.number) for w in waves}
    outputs = (jobs.get("plan") or {}).get("outputs") or {}
    for wave in waves:
        for output in (job_name(wave.number), f"any-{job_name(wave.number)}"):
            if output not in outputs:
                found.append(f"jobs.plan.outputs.{output}: missing: the wave {wave.number} job reads it")
    for name in sorted(n for n in jobs if n.startswith("wave-") and n not in expected):
        found.append(f"jobs.{name}: no stack is in this wave any more (waves: {', '.join(sorted(expected))})")
    for wave in waves:
        name = job_name(wave.number)
        job = jobs.get(name)
        if job is None:
            found.append(f"jobs.{name}: missing: stacks {', '.join(wave.stacks)} are in wave {wave.number}")
            continue
        given = job.get("with") or {}
        if given.get("matrix") != f"${{{{ needs.plan.outputs.{name} }}}}":
            found.append(f"jobs.{name}.with.matrix: must be ${{{{ needs.plan.outputs.{name} }}}}")
        if given.get("environment") != wave.github_environment:
            found.append(f"jobs.{name}.with.environment: {given.get('environment')!r}: wave {wave.number} "
                         f"holds {wave.environment} stacks ({', '.join(wave.stacks)}): must be "
                         f"{wave.github_environment!r}")
        needs = job.get("needs") or []
        needs = [needs] if isinstance(needs, str) else list(needs)
        earlier = [job_name(n) for n in range(1, wave.number)] + [soak_job_name(n) for n in range(1, wave.number)]
        missing = [n for n in ["plan", *earlier] if n not in needs]
        if missing:
            found.append(f"jobs.{name}.needs: lacks {', '.join(missing)}: a wave needs every earlier one")
    return found


def format_waves(waves: list[StackWave]) -> str:
    return "\n".join(f"wave {w.number} ({w.environment}, GitHub environment {w.github_environment}): "
                     f"{', '.join(w.stacks)}" for w in waves)
