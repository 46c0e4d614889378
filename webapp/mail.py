"""Mail to staff: a pure builder for the message (plain text and HTML, in the reader's
language, no images or tracking) and a thin SMTP sender (the standard library's smtplib)."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from webapp import i18n
from webapp.bidi import LRI, PDI, isolate_runs

TIMEOUT = 10  # seconds: a slow mail server must not hold a worker for long


class MailError(RuntimeError):
    """The mail could not be handed to the mail server."""


def configured(config) -> bool:
    return bool(config.get("MAIL_SERVER"))


def plain_text(text: str, lang: str) -> str:
    """A mail's text part as a right-to-left reader's mail program shows it in order: each
    line's numbers, codes and addresses, and each line that is only a link, between the
    isolates LRI … PDI. Left-to-right languages' text is left as it is."""
    if i18n.direction(lang) != "rtl":
        return text
    lines = text.split("\n")
    return "\n".join(
        f"{LRI}{line}{PDI}" if line.startswith("https://") else isolate_runs(line) for line in lines
    )


def password_link_message(
    *, to: str, sender: str, link: str, purpose: str, lang: str, hours: int, name: str
):
    """The mail with a one-time set-password link, in `lang`, naming `name`: the
    municipality or police area the account works for, in `lang`."""
    with force_locale(lang):
        subject = (
            _("Välj ett nytt lösenord till Närvaro för %(name)s", name=name)
            if purpose == "forgot"
            else _("Välj ett lösenord till ditt konto i Närvaro för %(name)s", name=name)
        )
        context = {"link": link, "purpose": purpose, "hours": hours, "lang": lang, "name": name}
        text = plain_text(render_template("mail/password_link.txt", **context), lang)
        html = render_template(
            "mail/password_link.html", subject=subject, dir=i18n.direction(lang), **context
        )
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = lang  # after the parts: set_content drops Content-* headers
    return message


class MailUnavailable(MailError):
    """Connecting, securing, logging in or giving our sender failed: the same for every
    recipient, so it may be shown to anyone."""


class MailNotDelivered(MailError):
    """The server took the connection and our sender, then refused or dropped this mail."""


def _open(config, sender: str) -> smtplib.SMTP:
    """Connect, secure, log in, and check that our sender is taken (MAIL FROM, then RSET)."""
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    smtp = None
    try:
        if config.get("MAIL_USE_SSL"):
            smtp = smtplib.SMTP_SSL(
                host, port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=TIMEOUT)
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(sender)
        if code >= 400:
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        smtp.rset()
    except (OSError, smtplib.SMTPException) as error:
        _close(smtp)
        raise MailUnavailable(f"{host}:{port}: {error}") from error
    return smtp


def _close(smtp) -> None:
    """QUIT if the server still listens; a failure here changes nothing already done."""
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _no_recipient(smtp, sender: str) -> None:
    """As many round trips as sending (MAIL, RCPT, DATA, the message), without a recipient:
    a mail for nobody takes about as long as a real one."""
    smtp.mail(sender)
    smtp.noop()
    smtp.noop()
    smtp.rset()


def describe(error: BaseException) -> str:
    """What went wrong, for the log: the kind and the SMTP codes, never an address (servers
    often repeat the recipient in their reply)."""
    cause = error.__cause__ or error
    if isinstance(cause, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _reply in cause.recipients.values()})
        return f"recipient refused ({', '.join(map(str, codes))})"
    if isinstance(cause, smtplib.SMTPResponseException):
        return f"{type(cause).__name__} ({cause.smtp_code})"
    return f"{type(cause).__name__}: {cause}"


def sender(config) -> str:
    """The From address: MAIL_DEFAULT_SENDER, else narvaro@ the host of PUBLIC_BASE_URL.
    From configuration only, never from a request (its Host header is the client's to say)."""
    host = urlsplit(config.get("PUBLIC_BASE_URL") or "").hostname or "localhost"
    return config.get("MAIL_DEFAULT_SENDER") or f"narvaro@{host}"


def deliver(config, make_message) -> None:
    """Open the mail server (MailUnavailable), then send what `make_message()` returns.

    None is a mail for nobody: the same conversation up to the recipient, then RSET. Anything
    that fails after the server took our sender raises MailNotDelivered, so a caller can
    answer the same whether or not there was a recipient."""
    smtp = _open(config, sender(config))
    try:
        message = make_message()
        if message is None:
            _no_recipient(smtp, sender(config))
        else:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotDelivered(describe(error)) from error
    finally:
        _close(smtp)


def send(message: EmailMessage, config) -> None:
    """Hand `message` to MAIL_SERVER; raises MailError for anything that goes wrong."""
    deliver(config, lambda: message)
