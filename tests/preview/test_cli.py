"""The `skyfleet` command line: global options on either side of the subcommand, a --help with
examples for every subcommand, a JSON summary for scripts."""

from __future__ import annotations

import argparse
import json
import shlex
from pathlib import Path

import pytest
from preview_projects import write_project

from skyfleet import cli
from skyfleet.commands import COMMANDS

PROGRAM = """
    import pulumi

    pulumi.export("greeting", pulumi.Config().require("greeting"))
"""


def _subparser(name: str) -> argparse.ArgumentParser:
    parser = cli._parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sub.choices[name]


@pytest.mark.parametrize("argv", [
    ["--project", "elsewhere", "preview", "--stack", "dev"],
    ["preview", "--project", "elsewhere", "--stack", "dev"],
    ["preview", "--stack", "dev", "--project", "elsewhere"],
])
def test_the_project_may_be_given_before_or_after_the_subcommand(argv: list[str]) -> None:
    args = cli._parser().parse_args(argv)
    assert (args.project, args.stack) == (Path("elsewhere"), "dev")


def test_without_a_project_option_the_project_is_the_current_folder() -> None:
    assert cli._parser().parse_args(["preview", "--all"]).project is None


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.NAME)
def test_every_subcommand_help_lists_its_options_and_examples(command) -> None:
    parser = _subparser(command.NAME)
    text = parser.format_help()
    for action in parser._actions:
        if action.help != argparse.SUPPRESS:
            for option in action.option_strings:
                assert option in text, f"{command.NAME} --help does not list {option}"
    assert "examples:" in text
    assert command.EXAMPLES
    for example in command.EXAMPLES:
        assert example in text


@pytest.mark.parametrize(
    "example", [e for c in COMMANDS for e in c.EXAMPLES], ids=lambda e: e.split(" ")[1]
)
def test_every_example_in_the_help_is_a_valid_command_line(example: str) -> None:
    program, *argv = shlex.split(example)
    assert program == "skyfleet"
    cli._parser().parse_args(argv)  # argparse exits on anything it does not know


def test_json_prints_only_the_summary_on_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = write_project(tmp_path / "project", PROGRAM, stacks={"dev": {"shop:greeting": "hi"}})
    code = cli.main(["preview", "--project", str(project), "--stack", "dev", "--out", str(tmp_path / "out"),
                     "--json"])
    captured = capsys.readouterr()
    assert code == 0
    summary = json.loads(captured.out)
    assert (summary["stack"], summary["exitCode"], summary["resources"]) == ("dev", 0, 0)
    assert "stack dev:" in captured.err  # the text summary went to stderr


def test_json_of_a_failing_stack_has_its_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = write_project(tmp_path / "project", PROGRAM, stacks={"dev": {}})
    code = cli.main(["--project", str(project), "preview", "--stack", "dev", "--out", str(tmp_path / "out"),
                     "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert json.loads(captured.out) == {"stack": "dev", "exitCode": 2}
    assert "Missing required configuration variable 'shop:greeting'" in captured.err


def test_config_on_the_command_line_must_be_key_equals_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path / "project", PROGRAM)
    assert cli.main(["--project", str(project), "preview", "--stack", "dev", "--config", "greeting"]) == 2
    assert "--config 'greeting': expected key=value" in capsys.readouterr().err
