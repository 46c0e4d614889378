"""Only what pyproject.toml cannot say: the top-level data folders ship inside the package.

templates/, translations/ and calendars/ stay at the top of the checkout (where `make run`,
pybabel and the people editing them look); a wheel carries them as webapp/templates etc., where
webapp/config.py looks when the checkout's folders are absent.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA_FOLDERS = {
    "templates": ("*.html", "*.txt"),
    "translations": ("*.po", "*.mo"),
    "calendars": ("*.toml",),
}


class BuildWithDataFolders(build_py):
    def run(self):
        super().run()
        for folder, patterns in DATA_FOLDERS.items():
            for pattern in patterns:
                for source in (HERE / folder).rglob(pattern):
                    target = Path(
                        self.build_lib, "webapp", folder, source.relative_to(HERE / folder)
                    )
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target)


setup(cmdclass={"build_py": BuildWithDataFolders})
