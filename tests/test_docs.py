"""The docs site builds with `mkdocs build --strict`: a broken API reference or link fails here."""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).parents[1]


def test_mkdocs_build_strict(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    reference = (tmp_path / "site" / "api" / "metrics" / "index.html").read_text()
    assert "FrechetInceptionDistance" in reference and "highlight" in reference  # docstrings and their examples


def test_every_docs_page_is_in_the_navigation():
    config = (ROOT / "mkdocs.yml").read_text()
    pages = [p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")]
    missing = [p for p in pages if p not in config]
    assert not missing, f"add these pages to mkdocs.yml's nav: {missing}"


def test_doctest_fencing_keeps_outputs_with_their_inputs():
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    try:
        from doctest_blocks import fence_doctests
    finally:
        sys.path.pop(0)
    text = "Example:\n\n>>> x = 1\n>>> x\n1\n\nAfter."
    assert fence_doctests(text) == "Example:\n\n```pycon\n>>> x = 1\n>>> x\n1\n```\n\nAfter."


def test_every_picture_a_page_shows_exists_and_every_picture_is_shown():
    import re

    pages = list((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md"]
    shown, missing = set(), []
    for page in pages:
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", page.read_text()):
            path = (page.parent / target).resolve()
            shown.add(path)
            if not path.is_file():
                missing.append(f"{page.relative_to(ROOT)}: {target}")
    assert not missing, f"pictures that do not exist (run scripts/make_doc_figures.py): {missing}"
    unused = [p.name for p in (ROOT / "docs" / "images").glob("*.png") if p.resolve() not in shown]
    assert not unused, f"pictures no page shows: {unused}"
