"""Sign-in through an organisation's OpenID Provider: the `[[sign_in]]` entries of a data file,
the redirect URI each one registers, and what an ID token's claims give. Plain Python, no Flask;
the protocol itself (discovery, PKCE, state, nonce, signature and claim checks) is Authlib's,
in webapp.staff.oidc_views.

    [[sign_in]]
    name = "polisen"                  # /staff/oidc/polisen/login and …/callback
    label = "Logga in med Polisens konto"
    issuer = "https://idp.example.se/realms/polisen"
    client_id = "narvaro"
    client_secret_env = "NARVARO_OIDC_POLISEN_SECRET"   # the secret itself never in the file
    roles_claim = "groups"
    roles = { "narvaro-police" = "police", "narvaro-admin" = "admin" }
    passwords_for = ["it-admin@polisen.example"]   # optional: password login is then off for
                                                   # the organisation's other accounts

In a police area's file the provider is the area's (its accounts belong to no one municipality);
in a municipality's file it is that municipality's.
"""

import re
import tomllib
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from webapp import audit
from webapp.models import Municipality, User
from webapp.permissions import ROLES

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
FIELDS = {"name", "label", "issuer", "client_id", "client_secret_env", "roles_claim", "roles"}
OPTIONAL = {"passwords_for"}
# `amr` values that mean a second factor was given at the provider (RFC 8176).
SECOND_FACTORS = frozenset({"mfa", "otp", "hwk", "sms", "swk", "sc", "fpt", "face", "iris"})
# When several mapped groups give several roles, the account gets the first of these.
PRECEDENCE = ("admin", "police", "municipality")


class SignInError(ValueError):
    """A `[[sign_in]]` entry that cannot be used: `where` names the field."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret_env: str
    roles_claim: str
    roles: dict = field(hash=False)
    municipality: str | None = None  # the slug of the municipality whose file named it
    # None: password login stays for everyone; else only these accounts (break-glass admins).
    passwords_for: frozenset | None = None

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def read_sign_in(entries, *, municipality: str | None, production: bool) -> tuple:
    """The providers of one file's `[[sign_in]]` list, validated."""
    if entries is None:
        return ()
    if not isinstance(entries, list):
        raise SignInError("sign_in", "a list of [[sign_in]] tables is expected")
    providers = []
    for i, entry in enumerate(entries):
        where = f"sign_in[{i}]"
        if not isinstance(entry, dict):
            raise SignInError(where, "a table is expected")
        for key in entry:
            if key not in FIELDS | OPTIONAL:
                known = ", ".join(sorted(FIELDS | OPTIONAL))
                raise SignInError(f"{where}.{key}", f"unknown field ({known})")
        text = {key: _string(entry, key, where) for key in FIELDS - {"roles"}}
        passwords_for = _emails(entry.get("passwords_for"), f"{where}.passwords_for")
        if not NAME.match(text["name"]):
            raise SignInError(f"{where}.name", "lower-case letters, digits and '-' only")
        if text["name"] in {p.name for p in providers}:
            raise SignInError(f"{where}.name", f"{text['name']!r} is named twice")
        _check_issuer(text["issuer"], f"{where}.issuer", production=production)
        roles = entry.get("roles")
        if not isinstance(roles, dict) or not roles:
            raise SignInError(f"{where}.roles", 'a table like { "group" = "police" } is needed')
        for group, role in roles.items():
            if role not in ROLES:
                raise SignInError(f"{where}.roles.{group}", f"one of {', '.join(ROLES)}")
        providers.append(
            Provider(
                **text, roles=dict(roles), municipality=municipality, passwords_for=passwords_for
            )
        )
    return tuple(providers)


def combine(*groups) -> dict:
    """name -> Provider over every file of the installation; a name is used once."""
    out: dict = {}
    for providers in groups:
        for provider in providers:
            if provider.name in out:
                raise SignInError("sign_in.name", f"{provider.name!r} is named twice")
            out[provider.name] = provider
    return out


def _emails(value, where) -> frozenset | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and "@" in v for v in value):
        raise SignInError(where, 'a list of e-mail addresses like ["admin@example.se"]')
    return frozenset(v.strip().lower() for v in value)


def password_login_allowed(providers, organisation: str | None, email: str) -> bool:
    """Whether the account `email` of `organisation` (a municipality's slug; None: the area's,
    or the one municipality's) may log in with its password: yes, unless a provider of its
    organisation switched passwords off and does not name it."""
    for provider in providers:
        if provider.municipality == organisation and provider.passwords_for is not None:
            if email not in provider.passwords_for:
                return False
    return True


def _string(entry, key, where) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SignInError(f"{where}.{key}", "a text is required")
    return value.strip()


def _check_issuer(issuer: str, where: str, *, production: bool) -> None:
    """https:// always; http:// only outside production and only on the loopback address."""
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and not production and _loopback(parts.hostname):
        return
    raise SignInError(where, "an https:// address (http:// only on loopback, outside production)")


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return host is not None and ip_address(host).is_loopback
    except ValueError:
        return False


def redirect_uri(public_base_url: str, name: str) -> str:
    """What the organisation's IT department registers at its provider."""
    return f"{public_base_url.rstrip('/')}/staff/oidc/{name}/callback"


def role_from_claims(provider: Provider, claims: dict) -> str | None:
    """The role the provider's groups give (the highest in PRECEDENCE), or None: refused."""
    groups = claims.get(provider.roles_claim)
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list):
        return None
    given = {provider.roles[g] for g in groups if isinstance(g, str) and g in provider.roles}
    return next((role for role in PRECEDENCE if role in given), None)


def second_factor(claims: dict) -> bool:
    """True when the token's `amr` shows a second factor at the provider."""
    amr = claims.get("amr")
    return isinstance(amr, list) and any(value in SECOND_FACTORS for value in amr)


def providers_in_file(path, *, production: bool) -> dict:
    """name -> Provider from a data file: a police area's (its own `[[sign_in]]` and each of its
    municipalities') or one municipality's."""
    path = Path(path)
    data = _toml(path)
    if "police_area" not in data:  # the installation's one municipality: accounts of it all
        return combine(read_sign_in(data.get("sign_in"), municipality=None, production=production))
    groups = [read_sign_in(data.get("sign_in"), municipality=None, production=production)]
    for name in data["police_area"].get("municipalities") or ():
        town = _toml(path.parent / name)
        slug = (town.get("municipality") or {}).get("slug")
        groups.append(read_sign_in(town.get("sign_in"), municipality=slug, production=production))
    return combine(*groups)


def _toml(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        return {}


def municipality_id(session, provider: Provider) -> int | None:
    """The municipality whose accounts `provider` signs in (None: the police area's)."""
    if provider.municipality is None:
        return None
    return session.scalar(select(Municipality.id).where(Municipality.slug == provider.municipality))


def account_for(
    session, provider: Provider, claims: dict, *, now, municipality_id: int | None
) -> tuple[User | None, str]:
    """The account of (issuer, sub), its role set from the claim and audited; (None, why) when
    refused. A new account belongs to `municipality_id` (None: the police area). Flushes only."""
    issuer, subject = claims["iss"], claims["sub"]
    role = role_from_claims(provider, claims)
    user = session.scalar(
        select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    )
    if role is None:
        return None, "no_role"
    email = (claims.get("email") or "").strip().lower()
    if user is None and email and claims.get("email_verified") is True:
        # Invited by an admin to this provider (accounts.users.invite_user): bound to the first
        # (issuer, sub) that signs in with the address verified; never a password account,
        # nor an account another provider or another sub already holds.
        user = session.scalar(
            select(User).where(
                User.email == email,
                User.oidc_issuer == issuer,
                User.oidc_subject.is_(None),
                User.active.is_(True),
            )
        )
        if user is not None:
            user.oidc_subject = subject
            after = {"email": email, "issuer": issuer}
            audit.record(session, actor=user, action="user.bind", obj=user, now=now, after=after)
    if user is None:
        if not email or session.scalar(select(User.id).where(User.email == email)):
            return None, "email_taken" if email else "no_email"
        user = User(
            email=email,
            password_hash="",  # no password: this account signs in through its provider
            role=role,
            active=True,
            created_at=now,
            oidc_issuer=issuer,
            oidc_subject=subject,
            municipality_id=municipality_id,
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            actor=user,
            action="user.create",
            obj=user,
            now=now,
            after={"role": role, "issuer": issuer},
        )
    if not user.active:
        return None, "disabled"
    if user.role != role:
        audit.record(
            session,
            actor=user,
            action="user.role_from_provider",
            obj=user,
            now=now,
            before={"role": user.role},
            after={"role": role, "issuer": issuer},
        )
        user.role = role
    audit.record(
        session,
        actor=user,
        action="login.oidc",
        obj=user,
        now=now,
        after={
            "provider": provider.name,
            "issuer": issuer,
            "role": role,
            "second_factor": second_factor(claims),
        },
    )
    return user, ""
