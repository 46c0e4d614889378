"""The architecture rules in pyproject.toml ([tool.importlinter]) hold, and would catch a break."""

import shutil
import subprocess
import sys

import pytest

from tests.support.contracts import lint_imports
from webapp.config import ROOT


def test_import_contracts_are_kept():
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    "module",
    [
        "webapp.schedule.office",
        "webapp.public.summary",
        "webapp.feeds.ical",
        "webapp.feedback.service",
        "webapp.feedback.inbox",
        "webapp.feedback.tokens",
        "webapp.feedback.cases",
    ],
)
def test_a_flask_import_in_the_domain_breaks_the_contract(tmp_path, module):
    shutil.copytree(ROOT / "webapp", tmp_path / "webapp", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    source = tmp_path.joinpath(*module.split(".")).with_suffix(".py")
    source.write_text("from flask import g  # noqa\n" + source.read_text())

    result = lint_imports(tmp_path)

    assert result.returncode == 1
    assert "The domain imports no Flask or Werkzeug BROKEN" in result.stdout
    assert f"{module} -> flask" in result.stdout


# webapp.public.summary imports no Flask itself, but importing it runs webapp/public/__init__.py,
# which makes the public Blueprint: the contract holds for it, this check can't yet.
def test_importing_the_domain_loads_no_flask():
    code = (
        "import sys, webapp.schedule.store, webapp.schedule.loading, webapp.schedule.planning, "
        "webapp.schedule.office_edits, webapp.audit, webapp.permissions, webapp.feeds.ical, "
        "webapp.feedback.service, webapp.feedback.inbox, webapp.feedback.tokens, "
        "webapp.feedback.cases, webapp.feedback.receipts, webapp.feedback.word_mask, "
        "webapp.accounts.passwords, webapp.accounts.resets, webapp.accounts.sealing, "
        "webapp.accounts.sessions, webapp.accounts.throttles, webapp.accounts.two_step, "
        "webapp.accounts.users; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'werkzeug', 'flask_sqlalchemy', 'flask_babel', 'flask_limiter', 'wtforms')))"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
