"""The README documents what exists."""

from __future__ import annotations

from pathlib import Path

from search_app.settings import SETTINGS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme():
    for setting in SETTINGS:
        assert f"`{setting.name}`" in README and f"GOVSEARCH_{setting.name}" in README


def test_readme_opens_with_the_two_commands():
    commands = [line.strip() for line in README.split("## Quickstart", 1)[1].splitlines() if line.startswith("    ")]
    assert commands[0].endswith("govsearch serve") and commands[1].endswith("pytest")


def test_every_saved_search_command_is_in_the_readme():
    from search_app.saved_cli import saved_group

    for name in saved_group.commands:
        assert f"saved {name}" in README, name
