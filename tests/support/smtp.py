"""A real SMTP server (aiosmtpd) on a free local port, keeping what it receives."""

import asyncio
import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from tests.support.servers import free_port


class Inbox:
    """aiosmtpd handler: accepts every mail, or refuses every sender when `refuse` is set,
    the recipients in `refuse_recipients`, or drops the connection at DATA when
    `drop_at_data` is set; it takes `data_delay` seconds to receive a message (a server that
    checks it first). `commands` lists the commands the server answered, in order."""

    def __init__(self):
        self.messages = []
        self.refuse = False
        self.refuse_recipients = set()
        self.drop_at_data = False
        self.data_delay = 0.0
        self.commands = []

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.commands.append("MAIL")
        if self.refuse:
            return "554 5.7.1 Sender refused"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.commands.append("RCPT")
        if address in self.refuse_recipients:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.commands.append("DATA")
        if self.drop_at_data:
            server.transport.close()
            return "421 4.3.0 Closing"
        await asyncio.sleep(self.data_delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted"

    async def handle_NOOP(self, server, session, envelope, arg):
        self.commands.append("NOOP")
        return "250 OK"

    async def handle_RSET(self, server, session, envelope):
        self.commands.append("RSET")
        return "250 OK"


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
