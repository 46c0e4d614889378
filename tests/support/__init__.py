"""Helpers the tests share (no tests in here: pytest collects only test_*.py)."""
