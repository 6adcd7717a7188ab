"""Every error a person reads is a Problem: a key and its values, worded from
resources/words.toml by its reader (the window: ``[problems]``; the command line:
``[problems_cli]``, else ``[problems]``). These tests read the source to find every
Problem raised and check that its words are there and take its values."""

from __future__ import annotations

import ast
import errno
import string

import pytest

from couplepause.common import paths
from couplepause.common.problems import Problem, in_window, on_command_line
from couplepause.common.texts import section
from couplepause.store.errors import StoreError, StoreUnavailable, cause, reason_of
from tests import source

SOURCE = source.SOURCE
# Only the command line says these modules' problems (it prints them; no window shows them).
COMMAND_LINE_MODULES = {"cli/commands.py", "cli/data.py", "cli/shared.py", "common/console.py", "app/launch.py", "app/desktop.py"}
# Values a Problem class gives itself (ImportRejected names the file it was handed).
IMPLICIT_VALUES = {"ImportRejected": {"name", "file"}}
NOT_VALUES = {"exit_code"}
WINDOW = section("problems")
COMMAND_LINE = section("problems_cli")


def _problem_classes() -> dict[str, str]:
    """Every subclass of Problem in the source, with the key it has when none is given."""
    classes = {"Problem": "unexpected"}
    defined = [node for path in source.modules() for node in source.nodes(path) if isinstance(node, ast.ClassDef)]
    found = True
    while found:
        found = False
        for node in defined:
            if node.name in classes:
                continue
            bases = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases]
            parent = next((b for b in bases if b in classes), None)
            if parent is None:
                continue
            key = classes[parent]
            for item in node.body:
                if (isinstance(item, ast.Assign) and [getattr(t, "id", "") for t in item.targets] == ["key"]
                        and isinstance(item.value, ast.Constant)):
                    key = item.value.value
            classes[node.name] = key
            found = True
    return classes


CLASSES = _problem_classes()


def _raised() -> list[tuple[str, int, str, str, set[str] | None]]:
    """(module, line, class, key, value names or None when unknown) of every Problem made."""
    made = []
    for path in source.modules():
        if path.name == "problems.py":
            continue
        for node in source.nodes(path):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in CLASSES:
                continue
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                key = node.args[0].value
            elif not node.args or name == "ImportRejected":
                key = CLASSES[name]
            else:
                continue  # a key chosen at run time
            given = {k.arg for k in node.keywords}
            values = None if None in given else (given - NOT_VALUES) | IMPLICIT_VALUES.get(name, set())
            made.append((str(path.relative_to(SOURCE)), node.lineno, name, key, values))
    return made


RAISED = _raised()


def _fields(text: str) -> set[str]:
    return {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(text) if field}


def _is_command_line(module: str) -> bool:
    return module in COMMAND_LINE_MODULES


def test_the_source_makes_many_problems():
    assert len(RAISED) > 100
    assert {"StoreError", "ExportError", "ImportRejected", "EpisodeError", "SettingError", "Refused"} <= set(CLASSES)


def _test_id(value) -> str:
    return "+".join(sorted(value)) if isinstance(value, set) else str(value)


@pytest.mark.parametrize(("module", "line", "cls", "key", "values"), RAISED, ids=_test_id)
def test_every_problem_made_has_words_that_take_its_values(module, line, cls, key, values):
    wordings = []
    if _is_command_line(module):
        assert key in COMMAND_LINE or key in WINDOW, f"{module}:{line}: no words for {key!r}"
        wordings.append(COMMAND_LINE.get(key) or WINDOW[key])
    else:  # the window says it, and the command line may too
        assert key in WINDOW, f"{module}:{line}: no window words for {key!r} in [problems]"
        wordings.append(WINDOW[key])
        if key in COMMAND_LINE:
            wordings.append(COMMAND_LINE[key])
    if values is None:
        return
    for text in wordings:
        missing = _fields(text) - values
        assert not missing, f"{module}:{line}: {cls}({key!r}) gives no {sorted(missing)} for {text!r}"


def test_the_command_line_words_only_what_the_window_knows_or_the_command_line_raises():
    command_line_keys = {key for module, _l, _c, key, _v in RAISED if _is_command_line(module)}
    strays = sorted(key for key in COMMAND_LINE if key not in WINDOW and key not in command_line_keys)
    assert strays == []


def test_every_problem_word_is_used():
    constants = {
        node.value
        for path in source.modules()
        for node in source.nodes(path)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    unused = sorted(f"{name}.{key}" for name, table in (("problems", WINDOW), ("problems_cli", COMMAND_LINE))
                    for key in table if key not in constants)
    assert unused == []


def test_the_window_never_names_a_flag_or_a_command():
    named = [f"{key}: {text}" for key, text in WINDOW.items()
             if "--" in text or "'couplepause " in text or "choose another --" in text]
    assert named == []


def test_every_wording_is_one_line_and_the_command_line_keeps_its_form():
    for table in (WINDOW, COMMAND_LINE):
        assert all("\n" not in text and text == text.strip() for text in table.values())
    assert [key for key, text in COMMAND_LINE.items() if text.endswith(".")] == []
    assert [key for key, text in COMMAND_LINE.items() if text[:1].isupper() and not text.startswith("Qt")] == []


# -------------------------------------------------------------- the main paths
def test_a_cause_is_worded_for_each_reader():
    full = reason_of(OSError(errno.ENOSPC, "No space left on device"))
    assert in_window(full) == "The disk is full." and on_command_line(full) == "the disk is full"
    assert cause(OSError(errno.EROFS, "Read-only file system")) == "The disk that holds the data folder is read-only."


def test_a_folder_that_cannot_be_used_is_one_problem_with_its_cause(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    from couplepause.store.repository import Repository

    with pytest.raises(StoreError) as caught:
        Repository(blocker / "store").open()
    problem = caught.value
    assert problem.key == "cannot_use_folder" and isinstance(problem.values["reason"], Problem)
    assert cause(problem) == in_window(problem.values["reason"])  # the window's own sentence around it
    assert str(problem).startswith("couplepause cannot use its data folder ")
    line = on_command_line(problem)
    assert "--data-dir" in line and ";" in line and not line.endswith(".")


def test_a_data_folder_in_the_way_says_so_to_each_reader(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(paths.DataDirError) as caught:
        paths.ensure_data_dir(blocker)
    assert str(caught.value) == f"A file stands where the data folder {blocker} should be."
    assert cause(caught.value) == str(caught.value)
    assert on_command_line(caught.value) == f"{blocker} is a file, not a folder; choose another --data-dir"


def test_the_guard_s_problems_are_told_by_their_cause():
    locked = StoreUnavailable("cannot_lock", folder="/data", reason=Problem("lock_held_elsewhere"))
    assert str(locked).startswith("couplepause cannot lock its data folder: Another program")
    assert cause(locked) == in_window(Problem("lock_held_elsewhere"))


def test_a_record_s_fault_goes_inside_the_sentence_of_a_file_that_cannot_be_read(tmp_path):
    from couplepause.core.episode import EpisodeError, parse_instant
    from couplepause.export.json_format import ImportRejected

    with pytest.raises(EpisodeError) as caught:
        parse_instant("2026-03-01T21:04:05")
    rejected = ImportRejected("import_episode", tmp_path / "ours.json", where="episodes[3]", detail=caught.value)
    assert str(rejected).startswith("ours.json holds a pause that can’t be read (episodes[3]: time has no UTC offset")
    assert on_command_line(rejected).startswith(f"{tmp_path / 'ours.json'}: episodes[3]: time has no UTC offset")


def test_a_custom_breathing_pattern_that_does_not_work_says_why():
    from couplepause.settings import KEYS, SettingError

    with pytest.raises(SettingError) as caught:
        KEYS["custom_pattern"].check("4,0")
    assert str(caught.value) == "That breathing pattern doesn’t work: write four numbers: in, hold, out, hold (for example 4,0,6,0)."
    with pytest.raises(SettingError) as caught:
        KEYS["turn_minutes"].check("99")
    assert str(caught.value) == "Please choose between 1 and 10 minutes."
