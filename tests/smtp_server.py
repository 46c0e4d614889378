"""A real SMTP server (aiosmtpd) on a free local port, keeping what it receives."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler: accepts every mail, or refuses every sender when `refuse` is set."""

    def __init__(self):
        self.messages = []
        self.refuse = False

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse:
            return "554 5.7.1 Sender refused"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted"


@pytest.fixture
def smtp():
    """(inbox, port) of a running SMTP server; stopped after the test."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()
