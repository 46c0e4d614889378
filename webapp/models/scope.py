"""Which municipality a row belongs to, and which municipalities a session may see.

A row made without `municipality_id` takes its place's (or, for a promise entry, its
promise owner's) when flushed: the one rule for who owns a new row. A session scoped with
`scope_to(session, ids)` reads only those municipalities' owned rows and promises, in every
ORM query, relationship load and `session.get`: the tenant is applied here, once, rather
than by each query.

Accounts and audit entries have a reach of their own (`scope_accounts_to`): an admin of one
municipality reads that municipality's accounts and audit entries only, on the pages that
administer them.
"""

from contextlib import contextmanager

from sqlalchemy import event, select
from sqlalchemy.orm import Session, with_loader_criteria

from webapp.models.base import Owned
from webapp.models.promise import Promise, PromiseActivity, PromiseEntry, promise_municipality
from webapp.models.schedule import Place
from webapp.models.staff import AuditEvent, User

SCOPE = "municipality_ids"
ACCOUNTS = "account_municipality_ids"
# An execution option: this one query reads every account (a new address must be unique in
# the whole installation, whoever asks).
EVERY_ACCOUNT = "every_account"


def scope_to(session: Session, ids) -> None:
    """Limit what `session` reads to the municipalities `ids` (None: every municipality)."""
    session.info[SCOPE] = None if ids is None else tuple(sorted(ids))


def scope_of(session: Session) -> tuple | None:
    return session.info.get(SCOPE)


def scope_accounts_to(session: Session, ids) -> None:
    """Limit the accounts and audit entries `session` reads to those of the municipalities
    `ids` (None: every one, and the police area's own)."""
    session.info[ACCOUNTS] = None if ids is None else tuple(sorted(ids))


@contextmanager
def signatories_of(session: Session, promise: Promise):
    """Within: a scoped session reads the rows of every municipality that signed `promise`
    (its figures count them all); an unscoped one stays unscoped."""
    before = session.info.get(SCOPE)
    if before is not None:
        scope_to(session, [m.id for m in promise.municipalities])
    try:
        yield
    finally:
        session.info[SCOPE] = before


@event.listens_for(Session, "do_orm_execute")
def _scoped(state) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    accounts = state.session.info.get(ACCOUNTS)
    if accounts is not None and not state.execution_options.get(EVERY_ACCOUNT):
        state.statement = state.statement.options(
            with_loader_criteria(
                User, lambda cls: cls.municipality_id.in_(accounts), include_aliases=True
            ),
            with_loader_criteria(
                AuditEvent, lambda cls: cls.municipality_id.in_(accounts), include_aliases=True
            ),
        )
    ids = state.session.info.get(SCOPE)
    if ids is None:
        return
    signed = select(promise_municipality.c.promise_id).where(
        promise_municipality.c.municipality_id.in_(ids)
    )
    state.statement = state.statement.options(
        with_loader_criteria(Owned, lambda cls: cls.municipality_id.in_(ids), include_aliases=True),
        with_loader_criteria(Promise, lambda cls: cls.id.in_(signed), include_aliases=True),
    )


@event.listens_for(Session, "before_flush")
def _owner_of_new_rows(session, _context, _instances) -> None:
    for row in session.new:
        if isinstance(row, Owned) and row.municipality_id is None:
            row.municipality_id = _owner(session, row)


def _owner(session, row) -> int | None:
    if isinstance(row, PromiseEntry):
        activity = row.activity or session.get(PromiseActivity, row.activity_id)
        return activity.promise.municipality_id if activity else None
    place = getattr(row, "place", None)
    if place is None and getattr(row, "place_id", None) is not None:
        place = session.get(Place, row.place_id)
    return place.municipality_id if place is not None else None
