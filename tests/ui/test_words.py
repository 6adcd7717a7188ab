"""The words on screen live in resources/, and they keep the tone."""

import ast
import re
import tomllib
from importlib import resources
from pathlib import Path

import couplepause.ui

SETTERS = {"setText", "setAccessibleName", "setWindowTitle", "setPlaceholderText", "setToolTip", "addItem", "addTab"}
MAKERS = {"label", "button", "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "RoundButton"}
# Words that blame, shame, score or sound clinical have no place on screen.
UNKIND = re.compile(
    r"\b(fault|blame|wrong|fail(ed|ure)?|bad|score|streak|points?|badge|great job|well done|"
    r"patient|disorder|symptom|dysfunction|should have)\b",
    re.IGNORECASE,
)


def _literal_words(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(r"[A-Za-z]{2}", node.value):
        return node.value
    return None


def test_no_on_screen_words_are_written_in_python():
    found = []
    for path in Path(couplepause.ui.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in SETTERS | MAKERS:
                text = _literal_words(node.args[0])
                if text:
                    found.append(f"{path.name}:{node.lineno}: {text!r}")
    assert found == []


def test_words_keep_a_kind_tone():
    data = tomllib.loads(resources.files("couplepause.resources").joinpath("words.toml").read_text("utf-8"))
    unkind = []

    def walk(value, where):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for item in value:
                walk(item, where)
        elif (isinstance(value, str) and UNKIND.search(value)
              and where.split(".")[1] not in ("settings", "notices", "menu", "accessible", "problems", "problems_cli")):
            unkind.append(f"{where}: {value}")

    walk(data, "words")
    assert unkind == []


def test_both_partners_get_the_same_prompts_shape():
    data = tomllib.loads(resources.files("couplepause.resources").joinpath("words.toml").read_text("utf-8"))
    turns = data["turns"]
    assert len(turns["speaker_prompts"]) == len(turns["listener_prompts"])
    assert "{a}" not in str(data) or "{b}" in str(data)
