"""An installed wheel finds its templates, translations, default calendar, migrations and fonts."""

import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile

import pytest

from webapp.config import ROOT

# Under pytest-xdist the module stays on one worker: setuptools builds the wheel in the source
# tree (build/, *.egg-info), which two builds at once would share.
pytestmark = pytest.mark.xdist_group("wheel")

SCRIPT = """
import sys
from flask_migrate import upgrade
import webapp
from webapp import create_app

assert webapp.__file__.startswith(sys.argv[1]), webapp.__file__
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[2], "TESTING": True})
with app.app_context():
    upgrade()
result = app.test_cli_runner().invoke(args=["load-calendars"])
assert result.exit_code == 0, (result.output, repr(result.exception))
page = app.test_client().get("/en/office")
print(page.status_code, app.template_folder.startswith(sys.argv[1]))
print("Opening hours" in page.get_data(as_text=True))
from webapp.pdf_text import FONTS
print(FONTS.is_relative_to(sys.argv[1]), sorted(p.name for p in FONTS.glob("*.ttf")))
from fpdf import FPDF
from webapp.pdf_text import use_bundled_fonts
pdf = FPDF()
family = use_bundled_fonts(pdf)
pdf.add_page()
pdf.set_font(family, "", 12)
pdf.cell(text="Sävsjö Форма الاستمارة ቅጥዒ")
print(bytes(pdf.output()).startswith(b"%PDF"))
"""


# What setuptools says about the project's configuration reaches pip's output as warnings.
WARNING = re.compile(r"(\w*Warning): (.*)")


def warnings_in(output: str) -> list[tuple[str, str]]:
    """(category, summary) of each warning pip printed, pip's own index notices left out."""
    return [m.groups() for m in WARNING.finditer(output)]


NOT_SOURCES = (".git", ".venv", "node_modules", "build", "instance", "*.egg-info", "__pycache__",
               ".pytest_cache", ".ruff_cache")  # fmt: skip


# Session scope: under pytest-xdist other modules' tests run between this module's on the same
# worker, which would tear a module fixture down and build the wheel again.
@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(wheel, pip's output): built in isolation with the setuptools pyproject.toml asks for."""
    out = tmp_path_factory.mktemp("wheel")
    # From a copy of the sources: setuptools builds in the tree's build/ folder, where another
    # build (an editable install) left or leaves its own (seen in CI: "File exists").
    source = tmp_path_factory.mktemp("source") / "narvaro"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCES))
    build = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    if build.returncode:
        pytest.skip(f"the wheel could not be built here: {build.stderr.strip()[-300:]}")
    return next(out.glob("narvaro-*.whl")), build.stdout + build.stderr


@pytest.fixture(scope="session")
def wheel(built):
    return built[0]


def test_the_wheel_builds_without_a_setuptools_warning(built):
    assert warnings_in(built[1]) == []


def test_an_editable_install_in_a_fresh_virtualenv_prints_no_setuptools_warning(tmp_path):
    # --no-deps: the dependencies are not what is tested, and installing them takes minutes.
    # The fresh virtualenv has no pip of its own; this pip installs into it (--python).
    venv.create(tmp_path / "venv", with_pip=False)
    python = tmp_path / "venv" / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    install = subprocess.run(  # noqa: S603 - fixed argv
        [*pip, "install", "--no-deps", "-e", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode:
        pytest.skip(f"no editable install here: {install.stderr.strip()[-300:]}")
    found = subprocess.run(  # noqa: S603 - fixed argv
        [str(python), "-c", "import webapp; print(webapp.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )

    assert warnings_in(install.stdout + install.stderr) == []
    assert found.stdout.strip() == str(ROOT / "webapp" / "__init__.py")


def test_wheel_carries_every_file_of_the_data_folders(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        "templates": "webapp/templates",
        "calendars": "webapp/calendars",
        "translations": "webapp/translations",
        "webapp/static": "webapp/static",
        "webapp/fonts": "webapp/fonts",
        "webapp/migrations": "webapp/migrations",
    }
    tracked = subprocess.run(  # noqa: S603 - fixed argv
        ["git", "-C", str(ROOT), "ls-files", *shipped],  # noqa: S607 - git from PATH
        capture_output=True,
        text=True,
        check=False,
    )
    if tracked.returncode:
        pytest.skip("not a git checkout")
    expected = {
        f"{inside}/{path.removeprefix(folder + '/')}"
        for path in tracked.stdout.split()
        for folder, inside in shipped.items()
        if path.startswith(folder + "/")
    }

    assert expected, "git listed no files"
    assert sorted(expected - names) == []


def test_wheel_carries_the_top_level_folders(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())

    for expected in (
        "webapp/templates/base.html",
        "webapp/translations/en/LC_MESSAGES/messages.po",
        "webapp/translations/en/LC_MESSAGES/messages.mo",
        "webapp/calendars/savsjo.toml",
        "webapp/migrations/env.py",
        "webapp/migrations/versions/0001_schedule_tables.py",
        "webapp/static/site.css",
        "webapp/accounts/common_passwords.txt",
        "webapp/fonts/NotoSans-Regular.ttf",
        "webapp/fonts/NotoSans-Bold.ttf",
        "webapp/fonts/NotoSansArabic-Regular.ttf",
        "webapp/fonts/NotoSansEthiopic-Regular.ttf",
        "webapp/fonts/OFL.txt",
        "webapp/fonts/README.md",
    ):
        assert expected in names


def test_unpacked_wheel_serves_english_pages_from_its_own_files(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "NARVARO_INSTANCE": str(tmp_path)}

    run = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", SCRIPT, str(site), str(tmp_path / "w.db")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )

    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines() == [
        "200 True",
        "True",
        "True ['NotoSans-Bold.ttf', 'NotoSans-Regular.ttf', 'NotoSansArabic-Regular.ttf', "
        "'NotoSansEthiopic-Regular.ttf']",
        "True",
    ]


def test_every_python_package_is_listed_for_the_wheel():
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "webapp").rglob("__init__.py")
    }

    assert found <= listed
