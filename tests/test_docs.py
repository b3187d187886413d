"""The docs site builds with `mkdocs build --strict`, and the built pages show what a reader needs.

Strict mode catches a broken API reference or link; the other tests read the built HTML: maths
that MathJax will typeset (and the vendored MathJax that does it), signatures, the user API apart
from the extension hooks, the home page.
"""

import html
import html.parser
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs") / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
                            cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def test_mkdocs_build_strict(site):
    reference = (site / "api" / "metrics" / "index.html").read_text()
    assert "FrechetInceptionDistance" in reference and "highlight" in reference  # docstrings and their examples


class _MathsScanner(html.parser.HTMLParser):
    """Collects text outside code and outside arithmatex elements, the arithmatex elements, and scripts."""

    SKIP = {"script", "style", "pre", "code", "textarea"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.loose_text, self.maths, self.scripts = [], [], 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag in self.VOID:
            return
        maths = "arithmatex" in (attrs.get("class") or "").split()
        self.maths += maths
        self.stack.append((tag, maths or tag in self.SKIP))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not any(skip for _, skip in self.stack):
            self.loose_text.append(data)


RAW_MATHS = re.compile(r"\\\[|\\\]|\\\(|\\\)|\$\$|\\begin\{|\\(?:frac|sum|mathbb|lVert|log)\b")


def maths_problems(page_html, page_dir, site_root):
    """What keeps a built page's maths from rendering: raw TeX outside arithmatex, or no (local) MathJax."""
    scanner = _MathsScanner()
    scanner.feed(page_html)
    problems = [f"unrendered maths: ...{text.strip()[:80]}..." for text in scanner.loose_text
                if RAW_MATHS.search(text)]
    if scanner.maths:
        names = [pathlib.PurePosixPath(src.split("?")[0]).name for src in scanner.scripts]
        if "mathjax-config.js" not in names or "tex-svg-full.js" not in names:
            problems.append(f"{scanner.maths} formulas but no MathJax script (scripts: {names})")
        elif names.index("mathjax-config.js") > names.index("tex-svg-full.js"):
            problems.append("MathJax is loaded before its configuration")
        for src in scanner.scripts:
            if "mathjax" in src.lower():
                if re.match(r"^(https?:)?//", src):
                    problems.append(f"MathJax from the network: {src}")
                elif not (page_dir / src.split("?")[0]).resolve().is_file():
                    problems.append(f"MathJax script missing from the site: {src}")
    return problems, scanner.maths


def test_the_maths_checker_catches_raw_tex_and_a_missing_mathjax(tmp_path):
    raw = "<p>The loss \\[ \\lVert x \\rVert \\] is</p>"
    assert maths_problems(raw, tmp_path, tmp_path)[0]
    wrapped = '<div class="arithmatex">\\[ \\lVert x \\rVert \\]</div><pre><code>re.sub(r"\\(", x)</code></pre>'
    problems, count = maths_problems(wrapped, tmp_path, tmp_path)
    assert count == 1 and problems == ["1 formulas but no MathJax script (scripts: [])"]
    (tmp_path / "js" / "mathjax").mkdir(parents=True)
    (tmp_path / "js" / "mathjax-config.js").write_text("")
    (tmp_path / "js" / "mathjax" / "tex-svg-full.js").write_text("")
    scripts = '<script src="js/mathjax-config.js"></script><script src="js/mathjax/tex-svg-full.js"></script>'
    assert maths_problems(wrapped + scripts, tmp_path, tmp_path) == ([], 1)


def test_every_formula_is_typeset_by_the_shipped_mathjax(site):
    """Raw TeX outside an arithmatex element, or a page with formulas and no local MathJax, fails."""
    problems, formulas = [], 0
    for page in sorted(site.rglob("*.html")):
        found, count = maths_problems(page.read_text(), page.parent, site)
        formulas += count
        problems += [f"{page.relative_to(site)}: {p}" for p in found]
    assert not problems, "\n".join(problems[:20])
    assert formulas >= 10  # the guides' display formulas are all seen by the check
    shipped = site / "javascripts" / "mathjax" / "tex-svg-full.js"
    assert shipped.stat().st_size > 1_000_000 and "MathJax" in shipped.read_text()


def _signatures(page):
    return [html.unescape(re.sub(r"<[^>]+>", "", block))
            for block in re.findall(r'<div class="doc-signature highlight">(.*?)</div>', page.read_text(), re.S)]


def _headings(page):
    return re.findall(r'<h[2-4] id="([^"]+)"', page.read_text())


def test_the_api_reference_shows_signatures_and_hides_internal_bases(site):
    layers = " ".join(" ".join(s.split()) for s in _signatures(site / "api" / "layers" / "index.html"))
    for signature in ("ImagePool(pool_size=50, seed=None", "MinibatchStandardDeviation(group_size=4, epsilon=1e-08",
                      'reduction="sum"'):
        assert signature in layers, signature
    assert len(_signatures(site / "api" / "models" / "index.html")) >= 9
    for page in (site / "api").rglob("*.html"):
        text = page.read_text()
        assert "SavesSeedState" not in text and "Bases:" not in text, page


def test_the_models_page_is_the_user_api_and_the_hooks_are_apart(site):
    models = _headings(site / "api" / "models" / "index.html")
    for name in ("GAN", "GAN.compile", "GAN.fit", "GAN.generate", "DCGAN", "ConditionalGAN.generate"):
        assert f"keras_gan.models.{name}" in models, name
    hooks = ("build_step", "compute_generator_loss", "compute_discriminator_loss", "sample_latent", "prepare_step",
             "discriminate", "update_discriminator_metrics", "train_step")
    assert not [h for h in models for hook in hooks if h.endswith("." + hook)]
    extending = _headings(site / "api" / "extending" / "index.html")
    assert "keras_gan.models.AdversarialModel.compute_generator_loss" in extending
    assert "keras_gan.models.GAN.generator_objective" in extending and "keras_gan.tricks.Trick" in extending
    assert "keras_gan.schedules.UpdateSchedule" in extending
    assert not [h for h in extending if h.endswith((".compile", ".fit", ".generate"))]
    tricks = _headings(site / "api" / "tricks" / "index.html")
    assert "keras_gan.tricks.GradientPenalty" in tricks and "keras_gan.tricks.Trick" not in tricks
    assert not [h for h in tricks if h.endswith(("_terms", "_gate", "_logs"))]


def test_the_home_page_installs_and_trains_and_the_api_reference_is_a_link(site):
    home = (site / "index.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", home))
    assert "pip install" in text and "gan.fit(" in text and "gan.compile(" in text
    nav_links = re.findall(r'<a href="([^"]*)"[^>]*class="md-nav__link[^"]*"[^>]*>(.*?)</a>', home, re.S)
    targets = [href for href, label in nav_links if re.sub(r"<[^>]+>|\s+", " ", label).strip() == "API reference"]
    assert targets == ["api/"] and (site / "api" / "index.html").is_file()


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
