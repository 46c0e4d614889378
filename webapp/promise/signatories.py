"""Whose places a follow-up shows, and how: every per-place figure is keyed by the place's
municipality and slug (two municipalities that signed one promise may both have a "torget"),
and a promise signed by several municipalities shows each one apart, its places under it.

One rule for every surface (the public page, the API, the board's PDF and workbook). Pure:
the session comes in, values go out.
"""

from dataclasses import dataclass

from sqlalchemy import case, select

from webapp.models import Place, Promise

PlaceKey = tuple[int, str]


def place_key(place) -> PlaceKey:
    """A place's key in every per-place figure: (its municipality's id, its slug)."""
    return (place.municipality_id, place.slug)


@dataclass(frozen=True)
class Signatory:
    """One municipality's places in a follow-up: its office first, then its presence places
    in its file's order. `municipality` is None when the promise has one signatory: its
    places are then shown as they always were, without a heading."""

    municipality: object
    places: tuple

    @property
    def presence_places(self) -> tuple:
        return tuple(p for p in self.places if not p.is_office)


def shared(promise: Promise) -> bool:
    """Signed by more than one municipality: its follow-up shows each one apart."""
    return len(promise.municipalities) > 1


def signatories(session, promise: Promise) -> list[Signatory]:
    """The places the session reads, grouped per municipality that signed `promise`, in the
    promise's order; one unnamed group for a promise of one municipality."""
    rows = session.scalars(
        select(Place).order_by(case((Place.kind == "office", 0), else_=1), Place.position, Place.id)
    ).all()
    if not shared(promise):
        return [Signatory(None, tuple(rows))]
    return [
        Signatory(town, tuple(p for p in rows if p.municipality_id == town.id))
        for town in promise.municipalities
    ]
