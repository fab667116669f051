#!/usr/bin/python3
"""A webhook receiver for tests (Python stdlib only; run with /usr/bin/python3).

Listens on 127.0.0.1:PORT, records every request as one JSON line in --log
(method, path, headers, body, "status": the status line it answers with, null
with --hang, and "at": when it arrived, in seconds since the epoch; written
and flushed before answering) and answers as told:

  --status N            answer N (default 200)
  --retry-after VALUE   add a Retry-After header with VALUE
  --fail-first N        answer 503 to the first N requests, then --status
  --fail-for SECONDS    answer 503 to every request that arrives within
                        SECONDS of the first one, then --status
  --hang                never answer (the client must time out)
  --delay SECONDS       wait this long before answering (a slow receiver)
  --close               send the status line and part of a body, then close
  --hold-file PATH      while PATH exists, log requests but do not answer
                        them (a stalled receiver the test releases by
                        removing PATH)
  --hold-after N        hold only the requests after the first N
  --location URL        add a Location header (for 3xx tests)
  --secret S            also record "signature_ok": X-Plazo-Signature checked
                        as notifiers/WEBHOOKS.md tells receivers to
"""

import argparse
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--retry-after")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-for", type=float, default=0.0)
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--close", action="store_true")
    parser.add_argument("--location")
    parser.add_argument("--secret")
    parser.add_argument("--hold-file")
    parser.add_argument("--hold-after", type=int, default=0)
    args = parser.parse_args()

    lock = threading.Lock()
    state = {"count": 0, "first": None}
    log = open(args.log, "a", encoding="utf-8")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

        def log_message(self, format, *arguments):  # quiet
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                state["count"] += 1
                number = state["count"]
                arrived = time.monotonic()
                if state["first"] is None:
                    state["first"] = arrived
                failing = number <= args.fail_first or arrived - state["first"] < args.fail_for
                status = 503 if failing else args.status
                answered = None if args.hang else 200 if args.close else status
                record = {
                    "method": self.command,
                    "path": self.path,
                    "headers": {k: v for k, v in self.headers.items()},
                    "body": body.decode("utf-8", errors="replace"),
                    "status": answered,
                    "at": time.time(),
                }
                if args.secret is not None:
                    timestamp = self.headers.get("X-Plazo-Timestamp", "")
                    expected = "sha256=" + hmac.new(
                        args.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
                    ).hexdigest()
                    record["signature_ok"] = hmac.compare_digest(
                        expected, self.headers.get("X-Plazo-Signature", "")
                    )
                log.write(json.dumps(record) + "\n")
                log.flush()
            if args.hold_file is not None and number > args.hold_after:
                while os.path.exists(args.hold_file):
                    time.sleep(0.01)
            if args.hang:
                while True:
                    time.sleep(3600)
            if args.delay > 0:
                time.sleep(args.delay)  # the receiver's own slowness, not the test's
            if args.close:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
                self.wfile.flush()
                self.close_connection = True
                return
            reply = json.dumps({"received": number}).encode()
            self.send_response(status)
            if args.retry_after is not None:
                self.send_header("Retry-After", args.retry_after)
            if args.location is not None:
                self.send_header("Location", args.location)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        do_PUT = do_POST

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 512  # many concurrent connections in the tests

    server = Server(("127.0.0.1", args.port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
