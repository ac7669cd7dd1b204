#!/usr/bin/python3
"""smtp_sink.py -- a small SMTP server for tests, on Debian's python3-aiosmtpd.

    smtp_sink.py --port N --maildir DIR
                 [--fail-first K --fail-code 451 [--fail-stage data]]
                 [--reject-rcpt-code 550]
                 [--tls-cert CERT --tls-key KEY [--require-starttls | --smtps]]
                 [--auth user:password] [--stats FILE]

Listens on 127.0.0.1:N and prints "ready" once it accepts connections.
Every accepted message is stored byte for byte (after dot-unstuffing) as
DIR/new/NNNNNN.eml, written under DIR/tmp and renamed, so DIR reads as a
maildir; its envelope is appended to DIR/envelopes.jsonl as
{"file", "mail_from", "rcpt_tos", "peer", "connection"}.

--fail-first K answers the first K transactions with --fail-code at
--fail-stage (mail, rcpt or data; default data), then accepts: a server that
is "busy for a while".  --reject-rcpt-code refuses every recipient.
--auth requires AUTH (PLAIN or LOGIN) with these credentials; without TLS
it is allowed in clear text, for loopback tests only.

--stats FILE is rewritten as JSON after every event:
{"connections", "messages", "failed", "rejected", "auth_ok", "auth_failed"}.
That is one more file write per message: leave it off for benchmarks.
SIGTERM or SIGINT stops the server.
"""
import argparse
import asyncio
import itertools
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Stats:
    def __init__(self, path):
        self.path = path
        self.counts = dict(connections=0, messages=0, failed=0, rejected=0,
                           auth_ok=0, auth_failed=0)

    def bump(self, key):
        self.counts[key] += 1
        if self.path:
            tmp = self.path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(self.counts, f)
            os.replace(tmp, self.path)


class Handler:
    def __init__(self, args, stats):
        self.args = args
        self.stats = stats
        self.to_fail = args.fail_first
        self.seq = itertools.count(1)
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(args.maildir, sub), exist_ok=True)

    def _maybe_fail(self, stage):
        if self.to_fail > 0 and self.args.fail_stage == stage:
            self.to_fail -= 1
            self.stats.bump("failed")
            return "%d 4.3.0 sink busy, try again later" % self.args.fail_code \
                if self.args.fail_code < 500 else \
                "%d 5.3.0 sink refuses this message" % self.args.fail_code
        return None

    async def handle_MAIL(self, server, session, envelope, address, options):
        answer = self._maybe_fail("mail")
        if answer:
            return answer
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.args.reject_rcpt_code:
            self.stats.bump("rejected")
            return "%d 5.1.1 <%s>: recipient rejected by the sink" % (
                self.args.reject_rcpt_code, address)
        answer = self._maybe_fail("rcpt")
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        answer = self._maybe_fail("data")
        if answer:
            return answer
        n = next(self.seq)
        name = "%06d.eml" % n
        tmp = os.path.join(self.args.maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.args.maildir, "new", name))
        with open(os.path.join(self.args.maildir, "envelopes.jsonl"), "a") as f:
            f.write(json.dumps(dict(
                file=name, mail_from=envelope.mail_from,
                rcpt_tos=envelope.rcpt_tos, peer=list(session.peer)[:2],
                connection=getattr(server, "connection_number", 0))) + "\n")
        self.stats.bump("messages")
        return "250 2.0.0 OK queued as %s" % name


class SinkSMTP(SMTP):
    counter = itertools.count(1)
    stats = None

    def connection_made(self, transport):
        # aiosmtpd calls this again after STARTTLS on the same connection.
        if getattr(self, "connection_number", None) is None:
            self.connection_number = next(SinkSMTP.counter)
            SinkSMTP.stats.bump("connections")
        super().connection_made(transport)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--maildir", required=True)
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--fail-code", type=int, default=451)
    p.add_argument("--fail-stage", choices=("mail", "rcpt", "data"),
                   default="data")
    p.add_argument("--reject-rcpt-code", type=int, default=0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--require-starttls", action="store_true")
    p.add_argument("--smtps", action="store_true",
                   help="implicit TLS instead of STARTTLS")
    p.add_argument("--auth", help="user:password")
    p.add_argument("--stats")
    args = p.parse_args()

    stats = Stats(args.stats)
    SinkSMTP.stats = stats
    handler = Handler(args, stats)

    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)

    kwargs = dict(hostname="sink.test", ident="summit smtp_sink",
                  data_size_limit=64 * 1024 * 1024)
    if tls and not args.smtps:
        kwargs.update(tls_context=tls, require_starttls=args.require_starttls)
    if args.auth:
        user, _, password = args.auth.partition(":")

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login == user.encode()
                  and auth_data.password == password.encode())
            stats.bump("auth_ok" if ok else "auth_failed")
            # handled=False: aiosmtpd then answers 535 itself.
            return AuthResult(success=ok, handled=False)

        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=tls is not None)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SinkSMTP(handler, **kwargs), host=args.host, port=args.port,
        ssl=tls if args.smtps else None))
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    loop.run_until_complete(stop.wait())
    server.close()
    loop.run_until_complete(server.wait_closed())
    return 0


if __name__ == "__main__":
    sys.exit(main())
