"""Compiled templates are shared by the apps of one process and follow edits (template_code)."""

from jinja2 import Environment, FileSystemLoader

from tests.conftest import make_app
from webapp.template_code import TEMPLATE_CODE, ProcessBytecodeCache


def test_a_second_app_loads_the_first_apps_compiled_templates(tmp_path):
    first, second = (make_app(f"sqlite:///{tmp_path / f'{n}.db'}") for n in "ab")
    assert first.jinja_env.bytecode_cache is TEMPLATE_CODE
    compiled = []
    original = TEMPLATE_CODE.dump_bytecode
    TEMPLATE_CODE.dump_bytecode = lambda bucket: (compiled.append(bucket.key), original(bucket))
    try:
        first.jinja_env.get_template("errors/unavailable.html")
        count = len(compiled)  # zero when an earlier test already compiled it
        template = second.jinja_env.get_template("errors/unavailable.html")
    finally:
        del TEMPLATE_CODE.dump_bytecode
    assert len(compiled) == count
    assert template.environment is second.jinja_env


def test_an_edited_template_is_compiled_again(tmp_path):
    cache = ProcessBytecodeCache()
    page = tmp_path / "page.html"
    page.write_text("Öppet {{ hours }}", encoding="utf-8")

    def render():
        env = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache, autoescape=True)
        return env.get_template("page.html").render(hours="10–15")

    assert render() == "Öppet 10–15"
    assert render() == "Öppet 10–15"  # from the cache
    page.write_text("Stängt {{ hours }}", encoding="utf-8")
    assert render() == "Stängt 10–15"
