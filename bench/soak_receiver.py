#!/usr/bin/python3
"""Webhook receiver for the soak (bench/soak.sh): fails a share of requests.

Usage:
  soak_receiver.py --port P [--port P2 ...] [--fail-ratio 0.1] [--seed 7]
                   [--keys-file F] [--stats-file F]

Listens on 127.0.0.1 on every --port (each port is a destination of its own
for plazo, which pauses destinations separately), speaks HTTP/1.1 with
keep-alive, and answers each POST 503 with probability --fail-ratio (drawn
from a generator seeded with --seed), else 200. The idempotency key of a
request is its Idempotency-Key header (or the body's "key" when the header
is missing). Counted: requests, accepted (200), rejected (503), distinct
accepted keys, duplicates (a key accepted again), requests without a key,
connections opened and open now, per port.

  GET /_stats (any port)   JSON of the counters
  SIGTERM / SIGINT         writes --stats-file (JSON) and --keys-file (one
                           line per accepted key: "KEY COUNT"), then exits

Standard library only; run with /usr/bin/python3. Binds 127.0.0.1 only.
"""
import argparse
import asyncio
import json
import os
import random
import re
import resource
import signal
import sys
import time

KEY_IN_BODY = re.compile(rb'"key":\s*"([^"]+)"')
MAX_HEAD = 64 * 1024
MAX_BODY = 16 * 1024 * 1024


class Stats:
    def __init__(self, ports):
        self.requests = 0
        self.accepted = 0
        self.rejected = 0
        self.no_key = 0  # accepted requests that carried no key
        self.bad = 0
        self.other = 0
        self.keys = {}  # accepted key -> times accepted
        self.connections = 0
        self.open = 0
        self.max_open = 0
        self.first = 0.0
        self.last = 0.0
        self.per_port = {p: {"accepted": 0, "rejected": 0} for p in ports}

    def as_dict(self):
        distinct = len(self.keys)
        return {
            "requests": self.requests, "accepted": self.accepted, "rejected": self.rejected,
            "distinct": distinct, "dup": self.accepted - self.no_key - distinct,
            "no_key": self.no_key, "bad": self.bad, "other": self.other,
            "connections": self.connections, "open_connections": self.open,
            "max_open_connections": self.max_open, "first": self.first, "last": self.last,
            "per_port": {str(p): v for p, v in self.per_port.items()},
        }


def response(status, reason, body, close):
    head = "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % (
        status, reason, len(body))
    if close:
        head += "Connection: close\r\n"
    return head.encode() + b"\r\n" + body


def make_protocol(stats, port, fail_ratio, rng):
    class Receiver(asyncio.Protocol):
        def connection_made(self, transport):
            self.t = transport
            self.buf = bytearray()
            stats.connections += 1
            stats.open += 1
            stats.max_open = max(stats.max_open, stats.open)

        def connection_lost(self, exc):
            stats.open -= 1

        def data_received(self, data):
            buf = self.buf
            buf += data
            while True:
                end_of_head = buf.find(b"\r\n\r\n")
                if end_of_head < 0:
                    if len(buf) > MAX_HEAD:
                        self.refuse()
                    return
                head = bytes(buf[:end_of_head])
                lines = head.split(b"\r\n")
                parts = lines[0].split(b" ")
                if len(parts) < 3:
                    return self.refuse()
                method, path, version = parts[0], parts[1], parts[2]
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    headers[name.strip().lower()] = value.strip()
                if b"transfer-encoding" in headers:
                    return self.refuse()  # plazo sends Content-Length
                try:
                    length = int(headers.get(b"content-length", b"0"))
                except ValueError:
                    return self.refuse()
                if length > MAX_BODY:
                    return self.refuse()
                start = end_of_head + 4
                if len(buf) < start + length:
                    return
                body = bytes(buf[start:start + length])
                del buf[:start + length]
                connection = headers.get(b"connection", b"").lower()
                close = connection == b"close" or (version == b"HTTP/1.0" and
                                                   connection != b"keep-alive")
                self.t.write(self.answer(method, path, headers, body, close))
                if close:
                    self.t.close()
                    return
                if not buf:
                    return

        def refuse(self):
            stats.bad += 1
            self.t.write(response(400, "Bad Request", b"{}", True))
            self.t.close()

        def answer(self, method, path, headers, body, close):
            if path.startswith(b"/_stats"):
                return response(200, "OK", json.dumps(stats.as_dict()).encode(), close)
            if method != b"POST":
                stats.other += 1
                return response(405, "Method Not Allowed", b"{}", close)
            now = time.time()
            stats.requests += 1
            if not stats.first:
                stats.first = now
            stats.last = now
            key = headers.get(b"idempotency-key")
            if not key:
                found = KEY_IN_BODY.search(body)
                key = found.group(1) if found else None
            if rng.random() < fail_ratio:
                stats.rejected += 1
                stats.per_port[port]["rejected"] += 1
                return response(503, "Service Unavailable", b'{"error":"soak"}', close)
            stats.accepted += 1
            stats.per_port[port]["accepted"] += 1
            if key is None:
                stats.no_key += 1
            else:
                text = key.decode("ascii", "replace")
                stats.keys[text] = stats.keys.get(text, 0) + 1
            return response(200, "OK", b'{"ok":true}', close)

    return Receiver


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, action="append", required=True)
    parser.add_argument("--fail-ratio", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keys-file")
    parser.add_argument("--stats-file")
    args = parser.parse_args()
    if not 0 <= args.fail_ratio <= 1:
        sys.exit("soak_receiver: --fail-ratio must be between 0 and 1")

    stats = Stats(args.port)
    rng = random.Random(args.seed)

    async def run():
        loop = asyncio.get_running_loop()
        servers = []
        for port in args.port:
            servers.append(await loop.create_server(
                make_protocol(stats, port, args.fail_ratio, rng), "127.0.0.1", port,
                backlog=1024, reuse_address=True))
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        print("soak_receiver: listening on 127.0.0.1 ports %s, fail ratio %.3f, pid %d" % (
            ",".join(map(str, args.port)), args.fail_ratio, os.getpid()), file=sys.stderr,
            flush=True)
        await stop.wait()
        for server in servers:
            server.close()

    asyncio.run(run())
    summary = stats.as_dict()
    summary["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    if args.stats_file:
        with open(args.stats_file, "w") as f:
            json.dump(summary, f)
    if args.keys_file:
        with open(args.keys_file, "w") as f:
            for key, count in sorted(stats.keys.items()):
                f.write("%s %d\n" % (key, count))
    print("soak_receiver: requests=%d accepted=%d rejected=%d distinct=%d dup=%d" % (
        summary["requests"], summary["accepted"], summary["rejected"], summary["distinct"],
        summary["dup"]), flush=True)


if __name__ == "__main__":
    main()
