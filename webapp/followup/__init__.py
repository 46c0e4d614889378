"""The public follow-up of the citizen promise: /<lang>/promises and one page per promise,
and the Atom feed of follow-up updates. The figures come from webapp.promise.followup."""

from webapp.followup.views import bp

__all__ = ["bp"]
