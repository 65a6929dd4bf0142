"""examples/python/news_tour.py as a user runs it: the tour's answers, and a
picture of the neighbourhood drawn by networkx."""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def tour_table(section):
    """The rows of the table under `## <section>.` in docs/tour.md, as lists of cells."""
    with open(os.path.join(ROOT, "docs", "tour.md"), encoding="utf-8") as tour:
        text = tour.read()
    body = text[text.index("## %s. " % section):]
    body = body[:body.index("\n## ")]
    rows = [line for line in body.splitlines() if line.startswith("| ")]
    return [[cell.strip().strip('"') for cell in row.strip("|").split("|")] for row in rows[1:]]


def test_the_notebook_answers_the_tours_questions_and_draws(tmp_path):
    picture = tmp_path / "power-of-siberia.png"
    run = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "python", "news_tour.py"), str(picture)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert re.match(r"loaded \d+ quads: \d+ entities, \d+ relations", lines[0])
    # §5, the members of the SCO, as the tour shows them.
    members = [line.split(None, 1) for line in lines[1:11]]
    assert members == tour_table(5)
    assert lines[11] == ("240000000000 USD in 2024, confidence 0.95: "
                         "Russia willing to strengthen all-round collaboration with China: Putin")
    # §20, the chain from Putin to the EAEU, one step per line with its article.
    assert lines[12] == "Vladimir Putin"
    assert lines[13] == "  —president_of→ Russia   [xinhua-2025-06-20-putin-collaboration, 0.99]"
    assert lines[16] == "  —based_on_cooperation_of→ Eurasian Economic Union   [izvestia-2025-putin-xinhua-interview, 0.8]"
    assert "  Power of Siberia —connects→ China" in lines
    assert "  Power of Siberia —connects→ Russia" in lines
    assert lines[-1] == "drew %s" % picture
    with open(picture, "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"
    assert picture.stat().st_size > 10000


def python_blocks(path, after):
    """The ```python blocks of a Markdown file that follow the heading `after`, up to the next '## '."""
    with open(path, encoding="utf-8") as markdown:
        text = markdown.read()
    section = text[text.index(after):]
    end = section.find("\n## ", len(after))
    section = section if end == -1 else section[:end]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_readme_and_docs_python_examples_run(tmp_path):
    # Where they expect to be: a checkout with the store `make shell` built.
    shutil.copytree(os.environ["RELATA_NEWS_DB"], tmp_path / "build" / "news.db")
    os.makedirs(tmp_path / "data")
    os.symlink(os.path.join(ROOT, "data", "news"), tmp_path / "data" / "news")
    blocks = python_blocks(os.path.join(ROOT, "README.md"), "## Python") + \
        python_blocks(os.path.join(ROOT, "docs", "python.md"), "# Python")[:1]
    assert len(blocks) == 2
    for block in blocks:
        run = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, block + run.stderr
        assert "https://relata.dev/e/brics BRICS" in run.stdout.splitlines()


def test_the_package_installs_and_imports_from_its_prefix(tmp_path):
    install = subprocess.run([os.environ["RELATA_CMAKE"], "--install", os.environ["RELATA_BUILD_DIR"],
                              "--prefix", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    site = tmp_path / "lib" / "python3" / "dist-packages"
    run = subprocess.run([sys.executable, "-c", "import relata, relata.rdflib; print(relata.__file__); "
                          "print(relata.Database.memory().query('ASK { }'))"],
                         env={**os.environ, "PYTHONPATH": str(site)}, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [str(site / "relata" / "__init__.py"), "True"]
