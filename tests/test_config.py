"""Settings read from the environment, and those the app refuses to start without in production."""

import pytest

from webapp.config import DEFAULT_SECRET, ConfigError, check_production, from_environment

PRODUCTION = {
    "ENV_NAME": "production",
    "SECRET_KEY": "s" * 40,
    "PUBLIC_BASE_URL": "https://narvaro.example.se",
}


def test_production_with_every_setting_starts():
    assert check_production(dict(PRODUCTION)) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"PUBLIC_BASE_URL": ""}, "PUBLIC_BASE_URL must be set in production"),
        ({"PUBLIC_BASE_URL": None}, "PUBLIC_BASE_URL must be set in production"),
        ({"PUBLIC_BASE_URL": "narvaro.example.se"}, "PUBLIC_BASE_URL must be set in production"),
        ({"SECRET_KEY": DEFAULT_SECRET}, "SECRET_KEY must be set"),
        ({"DEBUG": True}, "DEBUG must be off"),
    ],
)
def test_production_refuses_to_start_without(change, message):
    with pytest.raises(ConfigError) as caught:
        check_production({**PRODUCTION, **change})

    assert str(caught.value).startswith(message)


def test_development_needs_no_public_base_url():
    assert check_production({"ENV_NAME": "development", "PUBLIC_BASE_URL": ""}) is None


def test_the_forgot_answer_floor_is_a_setting(monkeypatch):
    monkeypatch.delenv("FORGOT_ANSWER_FLOOR", raising=False)
    assert from_environment()["FORGOT_ANSWER_FLOOR"] == 0.4
    monkeypatch.setenv("FORGOT_ANSWER_FLOOR", "0.25")
    assert from_environment()["FORGOT_ANSWER_FLOOR"] == 0.25
    monkeypatch.setenv("FORGOT_ANSWER_FLOOR", "0")
    assert from_environment()["FORGOT_ANSWER_FLOOR"] == 0.0


@pytest.mark.parametrize("value", ["slow", "-0.1", "11", "nan", "inf"])
def test_a_bad_forgot_answer_floor_stops_the_start(monkeypatch, value):
    monkeypatch.setenv("FORGOT_ANSWER_FLOOR", value)

    with pytest.raises(ConfigError, match="FORGOT_ANSWER_FLOOR must be a number of seconds"):
        from_environment()
