"""An SMTP receiver for the email channel's tests, on aiosmtpd: STARTTLS with CERT and KEY
(required before AUTH and MAIL), AUTH PLAIN/LOGIN of USER and PASSWORD; each message is saved
as DIR/N.eml, its envelope as DIR/N.json. With --no-tls it offers neither STARTTLS nor AUTH
(a server that would take a password in the clear).
Usage: smtp_receiver.py DIR [--tls CERT KEY USER PASSWORD | --no-tls]
Prints its port on the first line of standard output once it listens on 127.0.0.1."""
import json
import os
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

DIR = sys.argv[1]
TLS = sys.argv[2] == "--tls"


class Handler:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        with open(os.path.join(DIR, f"{n}.eml"), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(os.path.join(DIR, f"{n}.json"), "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                       "tls": session.ssl is not None,
                       "login": (session.authenticated and session.auth_data.login.decode()) or None}, f)
        return "250 OK saved"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login.decode() == sys.argv[5] and auth_data.password.decode() == sys.argv[6]
    # handled=False: aiosmtpd answers a failure with 535 itself.
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()

if TLS:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(sys.argv[3], sys.argv[4])
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=True, authenticator=authenticator, auth_require_tls=True)
else:
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
controller.start()
print(port, flush=True)
threading.Event().wait()
