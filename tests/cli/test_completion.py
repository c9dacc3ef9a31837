"""`econtract completion`: scripts generated from the real parser, driven in a real bash.

The bash tests source the printed script in `bash -c` and call its completion function the way
bash does on Tab (COMP_WORDS, COMP_CWORD), then read COMPREPLY. What the parser has is the
expectation: every subcommand at every level, every option of every subcommand.
"""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import shtab

from econtract_async.cli import build_parser, main
from econtract_async.cli.completion import FILE_METAVARS, completion_script

BASH = shutil.which("bash")


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bash script as `econtract completion bash` prints it, in a file."""
    path = tmp_path_factory.mktemp("completion") / "econtract.bash"
    path.write_text(completion_script("bash"), encoding="utf-8")
    return path


def complete(script: Path, *words: str, cwd: Path | None = None) -> list[str]:
    """What bash offers on Tab after `words` (the last one is the word being completed)."""
    assert BASH is not None, "bash is needed to test the bash completion"
    line = " ".join(words)
    program = f"""
source {shlex.quote(str(script))}
COMP_WORDS=({" ".join(shlex.quote(w) for w in words)})
COMP_CWORD={len(words) - 1}
COMP_LINE={shlex.quote(line)}
COMP_POINT={len(line)}
COMPREPLY=()
_shtab_econtract econtract {shlex.quote(words[-1])} {shlex.quote(words[-2])}
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    done = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return sorted(word for word in done.stdout.split("\n") if word)


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every (command path, parser) of the command line, the top level first."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def subcommands(parser: argparse.ArgumentParser) -> list[str]:
    return sorted(
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    )


PARSER = build_parser(sandbox_options=True)
COMMANDS = list(commands(PARSER))


def test_the_command_line_has_the_commands_these_tests_walk() -> None:
    """The walk below sees the whole command line, the sandbox's own options included."""
    paths = {" ".join(path) for path, _ in COMMANDS}
    assert {"leads import", "leads resolve", "journal show", "products list", "sandbox"} <= paths
    assert "completion" in paths
    sandbox = dict(COMMANDS)[("sandbox",)]
    assert "--error-rate" in {o for a in sandbox._actions for o in a.option_strings}


def test_the_script_lists_every_subcommand_the_parser_has(bash_script: Path) -> None:
    """Each level's subcommand array in the script is exactly that parser's subcommands."""
    text = bash_script.read_text(encoding="utf-8")
    for path, parser in COMMANDS:
        names = subcommands(parser)
        if names:
            variable = "_".join(("_shtab_econtract", *path, "subparsers")).replace("-", "_")
            listed = re.search(rf"^{variable}=\((.*)\)$", text, flags=re.MULTILINE)
            assert listed is not None, path
            assert sorted(listed.group(1).split()) == names, path


@pytest.mark.parametrize(
    ("path", "parser"),
    [(path, parser) for path, parser in COMMANDS if subcommands(parser)],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else "",
)
def test_tab_after_a_command_offers_its_subcommands(
    bash_script: Path, path: tuple[str, ...], parser: argparse.ArgumentParser
) -> None:
    """`econtract [leads|journal|products] <Tab>` offers exactly the parser's subcommands."""
    assert complete(bash_script, "econtract", *path, "") == subcommands(parser)


@pytest.mark.parametrize(
    ("path", "parser"),
    [(path, parser) for path, parser in COMMANDS if not subcommands(parser)],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else "",
)
def test_tab_after_a_dash_offers_every_option_of_the_command(
    bash_script: Path, path: tuple[str, ...], parser: argparse.ArgumentParser
) -> None:
    """`econtract leads import --<Tab>` offers every long option that command accepts."""
    options = sorted(
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--")
    )
    assert options
    assert complete(bash_script, "econtract", *path, "--") == options


def test_a_prefix_completes_to_the_one_match(bash_script: Path) -> None:
    """`econtract pro<Tab>` is `products`; `econtract leads import --con<Tab>` `--concurrency`."""
    assert complete(bash_script, "econtract", "pro") == ["products"]
    assert complete(bash_script, "econtract", "leads", "import", "--con") == ["--concurrency"]


def test_choices_complete_as_values(bash_script: Path) -> None:
    """An option with choices offers them: `--lang` nl or fr, `completion` the shells."""
    assert complete(bash_script, "econtract", "products", "list", "--lang", "") == ["fr", "nl"]
    shells = complete(bash_script, "econtract", "completion", "")
    assert shells == sorted(shtab.SUPPORTED_SHELLS)


def test_file_arguments_complete_file_names(bash_script: Path, tmp_path: Path) -> None:
    """The import's FILE and --journal complete the names of files in the directory."""
    (tmp_path / "leads.csv").write_text("first_name\n", encoding="utf-8")
    (tmp_path / "leads.journal.db").write_bytes(b"")
    offered = complete(bash_script, "econtract", "leads", "import", "lea", cwd=tmp_path)
    assert offered == ["leads.csv", "leads.journal.db"]
    offered = complete(
        bash_script, "econtract", "leads", "import", "x.csv", "--journal", "leads.j", cwd=tmp_path
    )
    assert offered == ["leads.journal.db"]


def test_every_file_metavar_is_one_the_parser_uses() -> None:
    """The metavars that mean "a file" are all in use (a renamed metavar fails here)."""
    used = {action.metavar for _, parser in COMMANDS for action in parser._actions}
    assert used >= FILE_METAVARS


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o bashdefault -F _shtab_econtract econtract"),
        ("zsh", "#compdef econtract"),
        ("fish", "complete -c econtract"),
        ("tcsh", "complete econtract"),
    ],
)
def test_the_command_prints_the_script_for_each_shell(
    shell: str, marker: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`econtract completion SHELL` exits 0 with the script on stdout, nothing on stderr."""
    assert main(["completion", shell]) == 0
    captured = capsys.readouterr()
    assert marker in captured.out
    for name in ("leads", "journal", "sandbox", "products", "completion"):
        assert name in captured.out
    assert captured.err == ""


def test_an_unknown_shell_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """`econtract completion ksh` exits 2 and names the shells it knows."""
    assert main(["completion", "ksh"]) == 2
    error = capsys.readouterr().err
    assert "invalid choice: 'ksh'" in error
    assert "bash" in error
