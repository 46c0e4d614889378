"""Mail to staff: a pure builder for the message (plain text and HTML, in the reader's
language, no images or tracking) and a thin SMTP sender (the standard library's smtplib)."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

TIMEOUT = 10  # seconds: a slow mail server must not hold a worker for long


class MailError(RuntimeError):
    """The mail could not be handed to the mail server."""


def configured(config) -> bool:
    return bool(config.get("MAIL_SERVER"))


def password_link_message(*, to: str, sender: str, link: str, purpose: str, lang: str, hours: int):
    """The mail with a one-time set-password link, in `lang`."""
    with force_locale(lang):
        subject = (
            _("Välj ett nytt lösenord till Närvaro")
            if purpose == "forgot"
            else _("Välj ett lösenord till ditt konto i Närvaro")
        )
        context = {"link": link, "purpose": purpose, "hours": hours, "lang": lang}
        text = render_template("mail/password_link.txt", **context)
        html = render_template("mail/password_link.html", subject=subject, **context)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = lang  # after the parts: set_content drops Content-* headers
    return message


def _session(config, action) -> None:
    """Connect, secure and log in as configured, then run `action(smtp)`; MailError on failure."""
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    try:
        if config.get("MAIL_USE_SSL"):
            smtp = smtplib.SMTP_SSL(
                host, port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=TIMEOUT)
        with smtp:
            if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            action(smtp)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"{host}:{port}: {error}") from error


def send(message: EmailMessage, config) -> None:
    """Hand `message` to MAIL_SERVER; raises MailError for anything that goes wrong."""
    _session(config, lambda smtp: smtp.send_message(message))


def check(config) -> None:
    """Open a mail transaction and abandon it (RSET): the server is up and takes our sender.

    Used where no mail goes out, so a broken server shows the same either way."""

    def _probe(smtp):
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(config.get("MAIL_DEFAULT_SENDER") or "narvaro@localhost")
        if code >= 400:
            raise smtplib.SMTPSenderRefused(code, reply, "")
        smtp.rset()

    _session(config, _probe)
