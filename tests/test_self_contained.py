"""The repository tests itself: nothing in it reads a fixtures folder beside the checkout."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from tests.fixtures import REPO_ROOT

# Written in pieces so this file does not match itself.
SIBLING_FOLDER: Final = "sha" + "red"
REFERENCES: Final = re.compile(
    # "../<folder>" (either slash), or a path built as ROOT.parent / "<folder>"
    rf"\.\.[/\\]{SIBLING_FOLDER}\b|[\"']{SIBLING_FOLDER}[\"']\s*/|/\s*[\"']{SIBLING_FOLDER}[\"']"
)
SKIPPED_FOLDERS: Final = {".git", ".venv", ".cache", "__pycache__", "node_modules"}
TEXT_SUFFIXES: Final = {".py", ".md", ".toml", ".cfg", ".ini", ".env", ".txt", ".yml", ".json", ""}


def repository_text_files() -> list[Path]:
    """Every text file of the repository, outside tool and build folders."""
    files = []
    for path in sorted(REPO_ROOT.rglob("*")):
        relative = path.relative_to(REPO_ROOT)
        if any(part in SKIPPED_FOLDERS or part.endswith(".egg-info") for part in relative.parts):
            continue
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            files.append(path)
    return files


def test_no_file_refers_to_a_fixtures_folder_beside_the_checkout() -> None:
    offenders = []
    for path in repository_text_files():
        text = path.read_text("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if REFERENCES.search(line):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}")
    assert not offenders, "files outside the repository are read:\n" + "\n".join(offenders)


def test_the_check_recognises_each_way_of_naming_the_sibling_folder() -> None:
    folder = SIBLING_FOLDER
    for line in (
        f"V=../{folder}/signing-vectors.json",
        f'SOURCE = ROOT.parent / "{folder}" / "odop-himachal.json"',
        f"EXAMPLES = Path(__file__).parents[3] / '{folder}' / 'ondc-examples'",
        f'SHARED = REPO_ROOT.parent / "{folder}"',
    ):
        assert REFERENCES.search(line), line
    assert not REFERENCES.search("(ONDC log-validation-utility, shared/validateLogs.ts)")
    assert not REFERENCES.search("the shared state (Redis) is unreachable")
