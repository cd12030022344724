"""The README's examples run as written."""

import re
import shlex
from pathlib import Path

import yaml

from skyfleet import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _block(heading: str, language: str) -> str:
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert match, f"no {language} block under {heading}"
    return match.group(1)


def test_the_top_of_the_readme_has_exactly_the_two_setup_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make preview", "make test"]


def test_the_own_program_example_is_the_example_program_the_suite_previews():
    """tests/examples/test_two_clouds.py previews and policy-checks that file."""
    code = _block("Use the components in your own program", "python")
    assert code == (ROOT / "examples" / "two-clouds" / "__main__.py").read_text()


def test_the_own_program_preview_commands_are_valid_command_lines():
    lines = _block("Use the components in your own program", "sh").splitlines()
    commands = [shlex.split(line.split("#")[0]) for line in lines if line.startswith("skyfleet ")]
    assert len(commands) == 2
    for command in commands:
        args = cli._parser().parse_args(command[1:])
        assert (ROOT / args.project / "Pulumi.yaml").is_file()


def test_the_stack_config_example_is_valid_yaml_with_the_documented_keys():
    config = yaml.safe_load(_block("Stack config", "yaml"))["config"]
    from skyfleet.stack.settings import KNOWN_KEYS

    assert {k.split(":", 1)[1] for k in config} <= set(KNOWN_KEYS)
