"""The repository speaks of itself: comments, docstrings, templates and docs cite the law or the repository's own docs
(docs/domain.md, docs/decisions/), never notes kept outside it nor the tracker's issue numbers."""
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()

OUTSIDE = [
    # notes that are not in the repository
    (re.compile(r"\b(?:DOMAIN|STACK|STYLE)\.md\b"), "a file outside the repository"),
    (re.compile(r"\bDOMAIN\s*§"), "a section of a file outside the repository (cite docs/domain.md)"),
    (re.compile(r"/work/shared\b|\bshared/(?:DOMAIN|seeds)\b"), "a folder outside the repository"),
    # the tracker's numbering: the word followed by a number, with or without '#' (not "issued", "issues a certificate")
    (re.compile(r"\b[Ii]ssue\s+#?\d+\b"), "an issue number (say what the code does, or cite docs/)"),
    # who wrote what
    (re.compile(r"\banother helper\b|\bhelper's\b|\bprevious session\b"), "who wrote what"),
]
TEXT_SUFFIXES = {".py", ".md", ".html", ".txt", ".toml", ".po", ".cfg", ".ini", ".yml", ".yaml", ".sh", ".conf",
                 ".service", ".css", ".js", ".json", ".example", ""}
SKIP_PARTS = {"vendor", "node_modules", ".venv", ".git", "out", "var"}


def tracked_files():
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        names = [n for n in listed.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (an unpacked release): every file
        names = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file()]
    for name in names:
        path = Path(name)
        if name == THIS or SKIP_PARTS & set(path.parts) or path.suffix not in TEXT_SUFFIXES:
            continue
        if (ROOT / path).is_file():
            yield name


def findings(text):
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern, what in OUTSIDE:
            if pattern.search(line):
                yield number, what, line.strip()


def test_no_text_points_outside_the_repository():
    found = []
    for name in tracked_files():
        try:
            text = (ROOT / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        found += [f"{name}:{n}: {what}: {line[:120]}" for n, what, line in findings(text)]
    assert not found, "\n".join(found)


# Lines of the kind the check must find. Built from parts, so that this file does not itself hold such a reference.
ISSUE, DOMAIN, SHARED = "Issue", "DOMAIN", "/work/" + "shared"
POINTING_OUTSIDE = [
    f"Rules of {DOMAIN} §4 items 1–5", "allow it before Django loads (" + "STACK" + ".md).", "see " + "STYLE" + ".md",
    f"({ISSUE.lower()} 4 item 2)", f'"""{ISSUE} 6 security: login lockout', f"found in {SHARED}/seeds",
    "(dtbd/reports is another " + "helper's)", f"Goals ({ISSUE.lower()} #3): < 5 s",
]


@pytest.mark.parametrize("line", POINTING_OUTSIDE)
def test_the_check_finds_references_outside(line):
    assert list(findings(line))


@pytest.mark.parametrize("line", [
    "issues the certificates, notifies the learners", "Credited to the year of issue, not another one.",
    "certificates issued in 2025", "MAIL_DOMAIN = 'tuyenquang.gov.vn'", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "docs/domain.md §11.1", "Template helpers shared by every page", "the session is not verified",
    "no issues (3 checks)",
])
def test_the_check_leaves_ordinary_words_alone(line):
    assert not list(findings(line))
