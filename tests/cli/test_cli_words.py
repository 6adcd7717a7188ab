"""The command line's words live in resources/words.toml (``[cli]``, and its problems
in ``[problems_cli]``), not in the command line's modules (couplepause/cli/). These tests read the source: no
prose is left in a string literal there, every ``words("cli", key)`` has its words
and gives them their values, and every key in ``[cli]`` is still said somewhere."""

from __future__ import annotations

import ast
import re
import string

import pytest

from couplepause.common.texts import section
from tests import source

SOURCE = source.SOURCE
COMMAND_LINE = [*sorted((SOURCE / "cli").glob("*.py")), SOURCE / "common" / "console.py"]
CLI = section("cli")
# Keyword arguments and calls whose text a person reads.
SAID_AS = {"help", "description", "epilog", "usage", "prompt", "version"}
SAID_BY = {"print", "say", "getpass", "write"}
# Two words in a row: a phrase, not a key, a command name or a metavar.
PHRASE = re.compile(r"[A-Za-z]{2,}[ ,;:.!?]+[A-Za-z]{2,}")


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _literal_text(node: ast.AST) -> str:
    """The letters a literal (a string or an f-string's fixed parts) says by itself."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    return ""


def _name(func: ast.AST) -> str:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


@pytest.mark.parametrize("path", COMMAND_LINE, ids=lambda p: p.name)
def test_no_words_are_passed_to_argparse_or_printed_from_python(path):
    said = []
    for node in source.nodes(path):
        if not isinstance(node, ast.Call):
            continue
        said += [(node.lineno, k.arg, _literal_text(k.value)) for k in node.keywords if k.arg in SAID_AS]
        if _name(node.func) in SAID_BY:
            said += [(node.lineno, _name(node.func), _literal_text(arg)) for arg in node.args]
    # Only letters are words ("" and " " between values are not; --version is a name and a number).
    said = [(line, how, text) for line, how, text in said if re.search("[A-Za-z]", text)]
    assert said == [], f"words in {path.name}; put them in [cli] of resources/words.toml"


@pytest.mark.parametrize("path", COMMAND_LINE, ids=lambda p: p.name)
def test_no_phrase_is_left_in_a_string_literal(path):
    tree = source.tree(path)
    docstrings = _docstrings(tree)
    phrases = [
        (node.lineno, _literal_text(node))
        for node in ast.walk(tree)
        if isinstance(node, (ast.Constant, ast.JoinedStr))
        and id(node) not in docstrings
        and PHRASE.search(_literal_text(node))
    ]
    assert phrases == [], f"prose in {path.name}; put it in [cli] of resources/words.toml"


def _cli_words_used() -> list[tuple[str, int, str, set[str] | None]]:
    """(module, line, key, value names or None when given as **values) of every
    ``words("cli", key, ...)`` in the source."""
    used = []
    for path in source.modules():
        for node in source.nodes(path):
            if not (isinstance(node, ast.Call) and _name(node.func) == "words" and len(node.args) >= 2):
                continue
            where, key = node.args[0], node.args[1]
            if not (isinstance(where, ast.Constant) and where.value == "cli"):
                continue
            assert isinstance(key, ast.Constant), f"{path.name}:{node.lineno}: name the [cli] key as it is"
            names = {k.arg for k in node.keywords}
            used.append((path.name, node.lineno, key.value, None if None in names else names))
    return used


USED = _cli_words_used()


def test_every_cli_key_said_has_its_words_and_their_values():
    assert USED
    for module, line, key, names in USED:
        assert key in CLI, f"{module}:{line}: [cli] has no {key!r}"
        wanted = {field for _, field, _, _ in string.Formatter().parse(CLI[key]) if field}
        if names is not None:
            assert names == wanted, f"{module}:{line}: {key!r} takes {sorted(wanted)}, given {sorted(names)}"


def test_every_key_in_cli_is_said_somewhere():
    stale = sorted(set(CLI) - {key for _, _, key, _ in USED})
    assert stale == [], "words in [cli] that couplepause no longer says"


def test_help_texts_have_no_percent_sign():
    # argparse reads % in a help text as a placeholder (%(default)s).
    assert [key for key, text in CLI.items() if "%" in text] == []
