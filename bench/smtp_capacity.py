#!/usr/bin/python3
"""What the local SMTP server itself can take: N messages of plazo's size and
shape (multipart/alternative, UTF-8, ~4 KB) sent by THREADS Python smtplib
clients, each on one connection, as fast as the server answers.

  /usr/bin/python3 bench/smtp_capacity.py PORT [N] [THREADS]

Prints: smtp_capacity n=N threads=T seconds=S per_s=R
Run it against the same server kind plazo's email benchmark uses (aiosmtpd
with the Mailbox handler, bench/delivery_bench.sh email:N); 127.0.0.1 only.
"""
import email.message
import email.policy
import smtplib
import sys
import threading
import time


def message(i):
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"] = "PAAC <paac@example.org>"
    m["To"] = "Secretaría General <general@example.org>"
    m["Subject"] = f"[PAAC] Secretaría General: 1 próxima a vencer ({i})"
    m["Auto-Submitted"] = "auto-generated"
    text = "Actividad de prueba con un texto largo, vence el 30 de noviembre de 2023.\n" * 20
    m.set_content(text)
    m.add_alternative(text.replace("\n", "<br>\n"), subtype="html")
    return m.as_bytes()


def main():
    port = int(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    payloads = [message(i) for i in range(n)]
    per = [payloads[k::threads] for k in range(threads)]

    def send(batch):
        with smtplib.SMTP("127.0.0.1", port) as client:
            for body in batch:
                client.sendmail("paac@example.org", ["general@example.org"], body)

    workers = [threading.Thread(target=send, args=(b,)) for b in per]
    start = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.monotonic() - start
    print(f"smtp_capacity n={n} threads={threads} seconds={seconds:.2f} per_s={n / seconds:.0f}")


if __name__ == "__main__":
    main()
