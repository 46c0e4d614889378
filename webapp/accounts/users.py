"""Staff accounts: create, change role, disable and re-enable. Flushes only."""

from sqlalchemy import select

from webapp import audit
from webapp.accounts.passwords import hash_password, local_words, password_problem
from webapp.accounts.sessions import end_all_sessions
from webapp.models import EVERY_ACCOUNT, ROLES, Municipality, Place, User


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


class AccountError(ValueError):
    """Why an account could not be created; `code` names the problem."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def find_user(session, email: str) -> User | None:
    """The account with `email`, whoever asks: an address is unique in the installation."""
    query = select(User).where(User.email == normalise_email(email))
    return session.scalar(query.execution_options(**{EVERY_ACCOUNT: True}))


def local_names(session) -> list[str]:
    """The municipality's and places' names in every language: the first guesses for a
    password here."""
    rows = [*session.scalars(select(Municipality)), *session.scalars(select(Place))]
    return [
        name
        for row in rows
        for name in [row.name, *_translated_names(row)]
        if isinstance(name, str) and name
    ]


def _translated_names(row):
    # translations hold {locale: {field: text}}, and other keys such as a list of promises.
    return [t.get("name") for t in (row.translations or {}).values() if isinstance(t, dict)]


def create_user(
    session, *, email, password, role, now, hasher, actor=None, via="ui", municipality=None
) -> User:
    """A new active account; raises AccountError("role"|"exists"|<password problem>).

    Passwords made of the municipality's or a place's name count as common."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError("role")
    problem = password_problem(password, email, local_words(local_names(session)))
    if problem:
        raise AccountError(problem)
    _unused(session, email)  # before the costly hash
    return _new_account(
        session,
        User(
            email=email,
            password_hash=hash_password(password, hasher),
            role=role,
            municipality_id=municipality.id if municipality is not None else None,
        ),
        now=now,
        actor=actor,
        action="user.create",
        after={"via": via},
        label="" if actor else via,
    )


def _unused(session, email: str) -> None:
    if find_user(session, email) is not None:
        raise AccountError("exists")


def _new_account(session, user: User, *, now, actor, action, after, label="") -> User:
    """Add `user` (active from `now`; its e-mail checked by _unused) and audit it as `action`."""
    user.active, user.created_at = True, now
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=action,
        obj=user,
        now=now,
        after={**audit.user_state(user), **after},
        label=label,
    )
    return user


def invite_user(
    session, *, email, role, issuer: str, municipality_id: int | None, now, actor
) -> User:
    """An account that signs in through the provider at `issuer` only: no password, bound to
    the person's (issuer, sub) at their first sign-in there with this e-mail verified
    (accounts.providers.account_for). Raises AccountError("role"|"exists")."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError("role")
    _unused(session, email)
    user = User(
        email=email,
        password_hash="",  # signs in through its provider only
        role=role,
        municipality_id=municipality_id,
        oidc_issuer=issuer,  # oidc_subject stays empty until the first sign-in
    )
    return _new_account(
        session, user, now=now, actor=actor, action="user.invite", after={"issuer": issuer}
    )


def invited(user: User) -> bool:
    """Invited to sign in through a provider, and not signed in there yet."""
    return bool(user.oidc_issuer) and not user.oidc_subject


KEEP = object()  # change_user: leave the account's municipality as it is


def change_user(session, user: User, *, role: str, active: bool, now, actor, home=KEEP) -> bool:
    """Set role and active, and `home`, the municipality the account belongs to (None: the
    whole area); disabling ends every session of the user at once."""
    moved = home is not KEEP and (home.id if home else None) != user.municipality_id
    if moved:  # by id, which a renamed slug leaves as it is; the log page names it
        before = {"email": user.email, "municipality_id": user.municipality_id}
        user.municipality_id = home.id if home else None
        session.flush()
        after = {"email": user.email, "municipality_id": user.municipality_id}
        audit.record(
            session, actor=actor, action="user.municipality", obj=user, now=now,
            before=before, after=after,
        )  # fmt: skip
    return (
        _change_role_or_state(session, user, role=role, active=active, now=now, actor=actor)
        or moved
    )


def _change_role_or_state(session, user: User, *, role: str, active: bool, now, actor) -> bool:
    before = audit.user_state(user)
    if role not in ROLES:
        raise AccountError("role")
    if user.role == role and user.active == active:
        return False
    user.role = role
    if user.active and not active:
        user.active = False
        user.disabled_at = now
        end_all_sessions(session, user)
    elif active and not user.active:
        user.active = True
        user.disabled_at = None
    session.flush()
    after = audit.user_state(user)
    action = (
        "user.disable"
        if before["active"] and not active
        else "user.enable"
        if active and not before["active"]
        else "user.role"
    )
    audit.record(session, actor=actor, action=action, obj=user, now=now, before=before, after=after)
    return True


def all_users(session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))
