#!/usr/bin/python3
"""An SMTP server for tests that aiosmtpd's Mailbox handler cannot play
(run with /usr/bin/python3; needs Debian's python3-aiosmtpd).

Listens on 127.0.0.1:PORT and stores each accepted message in --dir as
N.eml (the bytes received) and N.json (envelope sender, recipients, the
client's port, which tells connections apart, and the login used). Options:

  --reject ADDR=REPLY   answer RCPT TO:<ADDR> with REPLY, e.g. "550 5.1.1 No such user"
  --data-reply REPLY    answer the end of DATA with REPLY instead of accepting
  --user U --password P offer AUTH (over plain text, for tests) and accept only U/P
"""

import argparse
import json
import os
import signal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--data-reply")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    rejections = {}
    for rule in args.reject:
        address, reply = rule.split("=", 1)
        rejections[address.lower()] = reply
    os.makedirs(args.dir, exist_ok=True)
    counter = {"n": 0}

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            reply = rejections.get(address.lower())
            if reply is not None:
                return reply
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            if args.data_reply:
                return args.data_reply
            counter["n"] += 1
            base = os.path.join(args.dir, str(counter["n"]))
            login = None
            if session.authenticated and isinstance(session.auth_data, LoginPassword):
                login = session.auth_data.login.decode()
            meta = {
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "peer_port": session.peer[1],
                "login": login,
            }
            with open(base + ".eml.tmp", "wb") as out:
                out.write(envelope.original_content or envelope.content)
            with open(base + ".json.tmp", "w") as out:
                json.dump(meta, out)
            # The .json appears last, complete: tests wait for it.
            os.rename(base + ".eml.tmp", base + ".eml")
            os.rename(base + ".json.tmp", base + ".json")
            return "250 Message accepted for delivery"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == args.user
            and auth_data.password.decode() == args.password
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    kwargs = {}
    if args.user is not None:
        kwargs = {"authenticator": authenticator, "auth_require_tls": False}
    controller = Controller(Handler(), hostname="127.0.0.1", port=args.port, **kwargs)
    controller.start()
    try:
        signal.sigwait({signal.SIGTERM, signal.SIGINT})
    finally:
        controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
