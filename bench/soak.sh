#!/usr/bin/env bash
# Soak (issue 7): one `plazo run` for MINUTES (default 30) over a plan of
# 100,000 activities, with a config reload (SIGHUP) every minute and
# deliveries to a webhook receiver that answers 503 to 10 % of requests.
#   bench/soak.sh PLAZO_BIN [MINUTES]
# e.g.  nice bash bench/soak.sh build/plazo 30
#
# Environment (defaults): SOAK_DIR (/tmp/plazo-soak), ACTIVITIES (100000),
# SPREAD_DAYS (200), UNITS (12), FAIL_RATIO (0.1), SAMPLE_SECONDS (10),
# DRAIN_SECONDS (600), SEED (7).
#
# Where the traffic comes from. `plazo run --now` runs its clock in real
# time, so a soak of minutes sees one send time a day at most. Instead the
# soak moves the send time: the daemon starts at 2024-01-10T08:00:30 with
# send_time = "08:01", and each reload, once a minute, sets send_time to the
# next minute and before_days to the next day count, so every simulated
# minute has a send time of its own and a new set of reminders:
#   pass m (08:0m, 30 s after reload m-1)  before_days = [m]: the "upcoming"
#   reminders of the activities due 2024-01-10 + m days.
# The plan's deadlines are spread over SPREAD_DAYS days after 2024-01-10
# (ACTIVITIES / SPREAD_DAYS each, evenly over the units), digests are off
# and days count as calendar days, so every pass schedules one message per
# activity of its deadline: 500 a minute with the defaults. Each unit has its
# own webhook on its own receiver port (a destination of its own: plazo
# pauses destinations separately). The delivery policy is the default one
# (initial backoff 30 s, max 1 h, 10 attempts, concurrency 64).
#
# Every SAMPLE_SECONDS it writes a row to SOAK_DIR/soak.csv: plazo's VmRSS
# and VmHWM (and RssAnon, RssFile), open fds (and how many are sockets),
# threads and CPU seconds used, what the receiver got (accepted,
# distinct keys, 503s, duplicates), the outbox by status (SQLite, read only),
# delivery attempts and reloads (from /metrics), passes (from the log), the
# load average. After MINUTES it stops reloading and waits (up to
# DRAIN_SECONDS) until nothing is pending or retrying, stops plazo with
# SIGTERM, and checks that nothing was lost: the outbox holds every message
# the plan calls for, the receiver's distinct keys are exactly the outbox's
# sent keys, every message not sent has its reason, and the receiver's 503s
# are the delivery log's failed attempts. It prints the curve at every
# 5 minutes and one summary line (also in SOAK_DIR/summary.txt); exit 1
# when something was lost or plazo did not exit cleanly.
#
# Needs Debian's /usr/bin/python3 (standard library only). Everything
# listens on 127.0.0.1. The imported plan is kept in SOAK_DIR/plan-N-S-U/ and
# copied for every run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
if [[ $# -lt 1 ]]; then
  echo "usage: bench/soak.sh PLAZO_BIN [MINUTES]" >&2
  exit 64
fi
plazo=$(realpath "$1")
minutes=${2:-30}
work=${SOAK_DIR:-/tmp/plazo-soak}
activities=${ACTIVITIES:-100000}
spread=${SPREAD_DAYS:-200}
units=${UNITS:-12}
python=/usr/bin/python3
[[ -x $plazo ]] || { echo "soak: $plazo is not an executable" >&2; exit 64; }
if ! [[ $minutes =~ ^[0-9]+$ ]] || ((minutes < 1 || minutes > spread || minutes > 900)); then
  echo "soak: MINUTES must be 1..$((spread < 900 ? spread : 900)) (one before_days value, one" \
    "send time a minute)" >&2
  exit 64
fi
mkdir -p "$work"

free_ports() {
  "$python" - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# write_config FILE SEND_TIME BEFORE_DAY HEALTH_PORT RECEIVER_PORTS...
# (the driver below writes the same file on each reload; keep them alike)
write_config() {
  local file=$1 send_time=$2 before=$3 health=$4
  shift 4
  local ports=("$@")
  {
    echo '[daemon]'
    echo 'timezone = "America/Bogota"'
    echo "send_time = \"$send_time\""
    echo 'log_level = "info"'
    echo '[health]'
    echo "listen = \"127.0.0.1:$health\""
    echo '[reminders]'
    echo "before_days = [$before]"
    echo 'business_days = false'
    echo 'digest = false'
    echo 'escalate_after_days = 0'
    echo 'channels = ["webhook"]'
    for ((u = 1; u <= units; u++)); do
      printf '[webhooks.u%02d]\nurl = "http://127.0.0.1:%s/hook/u%02d"\nformat = "generic"\n' \
        "$u" "${ports[$(((u - 1) % ${#ports[@]}))]}" "$u"
    done
    for ((u = 1; u <= units; u++)); do
      printf '[[units]]\nid = "u%02d"\nname = "Unidad %02d"\nwebhooks = ["u%02d"]\n' "$u" "$u" "$u"
    done
  } >"$file"
}

# The plan: ACTIVITIES activities of plan SOAK 2024; activity i is due
# 2024-01-10 + (1 + i mod SPREAD) days and owned by unit (i div SPREAD) mod
# UNITS, so each deadline has the same count, spread over the units.
plan_dir=$work/plan-$activities-$spread-$units
if [[ ! -f $plan_dir/ready ]]; then
  rm -rf "$plan_dir"
  mkdir -p "$plan_dir"
  echo "soak: importing a plan of $activities activities into $plan_dir (once)..." >&2
  "$python" - "$activities" "$spread" "$units" "$plan_dir/plan.csv" <<'PY'
import datetime, sys
n, spread, units, path = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
start = datetime.date(2024, 1, 10)
with open(path, "w", encoding="utf-8") as out:
    out.write("N°;ACTIVIDAD;RESPONSABLE;FECHA\n")
    for i in range(n):
        due = start + datetime.timedelta(days=1 + i % spread)
        unit = (i // spread) % units + 1
        out.write(f"{i // 1000 + 1}.{i % 1000 + 1};Actividad de prueba {i};Unidad {unit:02d};"
                  f"{due:%d/%m/%Y}\n")
PY
  write_config "$plan_dir/plazo.toml" 08:00 1 9 9
  /usr/bin/time -f "import: %e s, %M KB peak" "$plazo" import "$plan_dir/plan.csv" --plan SOAK \
    --year 2024 --config "$plan_dir/plazo.toml" --database "$plan_dir/plan.db" \
    >"$plan_dir/import.out" 2>"$plan_dir/import.err"
  tail -n 1 "$plan_dir/import.err" >&2
  touch "$plan_dir/ready"
fi

run=$work/run
rm -rf "$run"
mkdir -p "$run"
cp "$plan_dir/plan.db" "$run/plazo.db"
read -r -a ports <<<"$(free_ports $((units + 1)))"
health_port=${ports[0]}
receiver_ports=("${ports[@]:1}")
write_config "$run/plazo.toml" 08:01 1 "$health_port" "${receiver_ports[@]}"
"$plazo" check-config --config "$run/plazo.toml" >"$run/check-config.out"

export SOAK_PLAZO=$plazo SOAK_RUN=$run SOAK_MINUTES=$minutes SOAK_SPREAD=$spread \
  SOAK_ACTIVITIES=$activities SOAK_UNITS=$units SOAK_HEALTH_PORT=$health_port \
  SOAK_RECEIVER_PORTS="${receiver_ports[*]}" SOAK_RECEIVER=$root/bench/soak_receiver.py \
  SOAK_FAIL_RATIO=${FAIL_RATIO:-0.1} SOAK_SAMPLE=${SAMPLE_SECONDS:-10} \
  SOAK_DRAIN=${DRAIN_SECONDS:-600} SOAK_SEED=${SEED:-7} SOAK_OUT=$work
exec "$python" - <<'PY'
import csv, datetime, json, os, signal, sqlite3, subprocess, sys, time, urllib.request

env = os.environ
plazo, run, out = env["SOAK_PLAZO"], env["SOAK_RUN"], env["SOAK_OUT"]
minutes, spread = int(env["SOAK_MINUTES"]), int(env["SOAK_SPREAD"])
activities, units = int(env["SOAK_ACTIVITIES"]), int(env["SOAK_UNITS"])
health = int(env["SOAK_HEALTH_PORT"])
ports = [int(p) for p in env["SOAK_RECEIVER_PORTS"].split()]
sample_every, drain_limit = float(env["SOAK_SAMPLE"]), float(env["SOAK_DRAIN"])
config, db, log_path = f"{run}/plazo.toml", f"{run}/plazo.db", f"{run}/plazo.log"
csv_path = f"{out}/soak.csv"
NOW = "2024-01-10T08:00:30"


def write_config(send_time, before):
    # Same file as write_config in the shell part.
    lines = ['[daemon]', 'timezone = "America/Bogota"', f'send_time = "{send_time}"',
             'log_level = "info"', '[health]', f'listen = "127.0.0.1:{health}"',
             '[reminders]', f'before_days = [{before}]', 'business_days = false',
             'digest = false', 'escalate_after_days = 0', 'channels = ["webhook"]']
    for u in range(1, units + 1):
        lines += [f'[webhooks.u{u:02d}]',
                  f'url = "http://127.0.0.1:{ports[(u - 1) % len(ports)]}/hook/u{u:02d}"',
                  'format = "generic"']
    for u in range(1, units + 1):
        lines += ['[[units]]', f'id = "u{u:02d}"', f'name = "Unidad {u:02d}"',
                  f'webhooks = ["u{u:02d}"]']
    with open(config + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(config + ".tmp", config)  # plazo never reads half a file


def get(port, path, timeout=2.0):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
        return r.read().decode()


def proc_status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            name, _, value = line.partition(":")
            fields[name] = value.split()[0] if value.split() else ""
    return fields


def cpu_seconds(pid):
    """User + system CPU time of `pid` so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def metric(text, name, labels=""):
    prefix = name + ("{" + labels + "}" if labels else "") + " "
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line[len(prefix):])
    return 0.0


def outbox_counts():
    counts = {s: 0 for s in ("pending", "retry", "in_flight", "sent", "dead")}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        for status, n in con.execute("SELECT status, count(*) FROM outbox GROUP BY status"):
            counts[status] = n
    finally:
        con.close()
    return counts


def log_passes():
    """(passes, passes that enqueued messages, messages enqueued), from the log."""
    passes, productive, enqueued = 0, 0, 0
    try:
        with open(log_path, errors="replace") as f:
            for line in f:
                if " pass at " in line and "new in the outbox" in line:
                    passes += 1
                    new = int(line.split(" new in the outbox")[0].rsplit(" ", 1)[1])
                    productive += new > 0
                    enqueued += new
    except FileNotFoundError:
        pass
    return passes, productive, enqueued


# Per-deadline counts, for what the plan calls for: pass m schedules every
# activity due 2024-01-10 + m days (i mod spread == m - 1).
def due_on(m):
    return sum(1 for _ in range(m - 1, activities, spread))


expected = sum(due_on(m) for m in range(1, minutes + 1))

receiver = subprocess.Popen(
    [sys.executable, env["SOAK_RECEIVER"], "--fail-ratio", env["SOAK_FAIL_RATIO"],
     "--seed", env["SOAK_SEED"], "--keys-file", f"{run}/received-keys.txt",
     "--stats-file", f"{run}/receiver-stats.json"] + sum([["--port", str(p)] for p in ports], []),
    stdout=open(f"{run}/receiver.out", "w"), stderr=subprocess.STDOUT)
for _ in range(100):
    try:
        get(ports[0], "/_stats")
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("soak: the receiver does not answer")

log = open(log_path, "w")
daemon = subprocess.Popen([plazo, "run", "--config", config, "--database", db, "--now", NOW],
                          stdout=log, stderr=log, env=dict(env, PLAZO_CONFIG="", PLAZO_DATABASE=""))
t0 = time.monotonic()
print(f"soak: plazo pid {daemon.pid}, {minutes} min + drain; receiver ports "
      f"{ports[0]}..{ports[-1]} ({env['SOAK_FAIL_RATIO']} answered 503); health {health}; "
      f"{expected} messages expected; curve in {csv_path}", file=sys.stderr, flush=True)
for _ in range(100):
    try:
        get(health, "/healthz")
        break
    except OSError:
        time.sleep(0.1)

columns = ["t_s", "phase", "rss_kb", "hwm_kb", "rss_anon_kb", "rss_file_kb", "fds", "sockets",
           "threads", "cpu_s", "received", "distinct",
           "rejected_503", "dup", "receiver_conns_open", "outbox_total", "pending", "retry",
           "in_flight", "sent", "dead", "attempts", "reloads_applied", "reloads_rejected",
           "passes", "load1"]  # passes: those that enqueued messages
rows = []
csv_file = open(csv_path, "w", newline="")
writer = csv.writer(csv_file)
writer.writerow(columns)
reloads_sent = 0
crash = None


def take_sample(phase):
    t = time.monotonic() - t0
    st = proc_status(daemon.pid)
    links = []
    for fd in os.listdir(f"/proc/{daemon.pid}/fd"):
        try:
            links.append(os.readlink(f"/proc/{daemon.pid}/fd/{fd}"))
        except OSError:
            pass  # closed meanwhile
    rcv = json.loads(get(ports[0], "/_stats"))
    counts = outbox_counts()
    try:
        metrics = get(health, "/metrics")
    except OSError:
        metrics = ""
    _, passes, _ = log_passes()
    row = {
        "t_s": round(t, 1), "phase": phase, "rss_kb": int(st["VmRSS"]), "hwm_kb": int(st["VmHWM"]),
        "rss_anon_kb": int(st["RssAnon"]), "rss_file_kb": int(st["RssFile"]), "fds": len(links),
        "sockets": sum(1 for l in links if l.startswith("socket:")), "threads": int(st["Threads"]),
        "cpu_s": round(cpu_seconds(daemon.pid), 2),
        "received": rcv["accepted"],
        "distinct": rcv["distinct"], "rejected_503": rcv["rejected"], "dup": rcv["dup"],
        "receiver_conns_open": rcv["open_connections"], "outbox_total": sum(counts.values()),
        **counts, "attempts": int(metric(metrics, "plazo_delivery_attempts_total")),
        "reloads_applied": int(metric(metrics, "plazo_config_reloads_total", 'result="applied"')),
        "reloads_rejected": int(metric(metrics, "plazo_config_reloads_total",
                                       'result="rejected"')),
        "passes": passes, "load1": float(open("/proc/loadavg").read().split()[0]),
    }
    rows.append(row)
    writer.writerow([row[c] for c in columns])
    csv_file.flush()
    return row


# Reload r (r = 1..minutes) at r minutes: send_time 08:(r+1) and before_days
# [r+1], so that pass r+1 runs 30 s later; the last one rewrites the same
# rules (no new pass).
next_sample, reload_no = 0.0, 1
soak_end = 60.0 * minutes
try:
    while True:
        now = time.monotonic() - t0
        if daemon.poll() is not None:
            crash = f"plazo exited with {daemon.returncode} at {now:.0f} s"
            break
        if now >= next_sample:
            take_sample("soak" if now < soak_end else "drain")
            next_sample += sample_every
        if reload_no <= minutes and now >= 60.0 * reload_no:
            m = reload_no + 1 if reload_no < minutes else minutes
            minute = 60 * 8 + m
            write_config(f"{minute // 60:02d}:{minute % 60:02d}", m)
            daemon.send_signal(signal.SIGHUP)
            reloads_sent += 1
            reload_no += 1
        if now >= soak_end and reload_no > minutes:
            last = rows[-1]
            busy = last["pending"] + last["retry"] + last["in_flight"]
            if (busy == 0 and last["passes"] >= minutes) or now >= soak_end + drain_limit:
                if rows[-1]["t_s"] < now - 0.5:
                    take_sample("drain")
                break
        targets = [next_sample] + ([60.0 * reload_no] if reload_no <= minutes else [])
        wait = min(targets) - (time.monotonic() - t0)
        time.sleep(min(max(wait, 0.01), 1.0))  # wakes at least once a second to see a crash
except (OSError, KeyError, ValueError) as e:  # /proc gone: plazo died between two looks
    if daemon.poll() is not None:
        crash = f"plazo exited with {daemon.returncode} at {time.monotonic() - t0:.0f} s"
    else:
        crash = f"the soak itself failed: {e!r}"
finally:
    stop_sim = (datetime.datetime.fromisoformat(NOW + "-05:00")
                + datetime.timedelta(seconds=time.monotonic() - t0))
    if daemon.poll() is None:
        stop_started = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=15)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        stop_seconds = time.monotonic() - stop_started
    else:
        stop_seconds = None
    receiver.send_signal(signal.SIGTERM)
    receiver.wait(timeout=30)
    csv_file.close()
log.close()
end_t = time.monotonic() - t0

# -- Verification ------------------------------------------------------------
entries = json.loads(subprocess.run(
    [plazo, "outbox", "--format", "json", "--config", config, "--database", db],
    check=True, capture_output=True, text=True).stdout)
attempt_log = json.loads(subprocess.run(
    [plazo, "outbox", "log", "--format", "json", "--config", config, "--database", db],
    check=True, capture_output=True, text=True).stdout)
received = {}
with open(f"{run}/received-keys.txt") as f:
    for line in f:
        key, count = line.split()
        received[key] = int(count)
rstats = json.load(open(f"{run}/receiver-stats.json"))

by_status = {}
for e in entries:
    by_status[e["status"]] = by_status.get(e["status"], 0) + 1
sent_keys = {e["key"] for e in entries if e["status"] == "sent"}
all_keys = {e["key"] for e in entries}
not_sent = [e for e in entries if e["status"] != "sent"]
# Each destination's last word in the log: paused (until when) or answering.
destination_state = {}
with open(log_path, errors="replace") as f:
    for line in f:
        if " destination " in line and (" paused until " in line or " answers again" in line):
            words = line.split()
            d = words[words.index("destination") + 1]
            destination_state[d] = (words[words.index("until") + 1] if "paused" in words
                                    else None)


def why_waiting(e):
    """Why a message that is not sent is not sent, or None when nothing explains it."""
    if e["status"] in ("retry", "dead") and e["last_error"]:
        return e["last_error"]
    if e["status"] == "pending":
        due = datetime.datetime.fromisoformat(e["next_attempt_at"])
        if due > stop_sim:
            return f"not due before the stop ({e['next_attempt_at']})"
        if destination_state.get(e["destination"]):
            return (f"deferred: its destination {e['destination']} was paused until "
                    f"{destination_state[e['destination']]}")
    return None


unexplained = [e for e in not_sent if why_waiting(e) is None]
missing_at_receiver = sent_keys - set(received)
received_not_sent = set(received) - sent_keys
unknown_at_receiver = set(received) - all_keys
missing_from_outbox = max(0, expected - len(entries))
lost = len(missing_at_receiver) + missing_from_outbox + len(unexplained)
results = {}
for a in attempt_log:
    results[a["result"]] = results.get(a["result"], 0) + 1
failed_503 = sum(1 for a in attempt_log if a["result"] in ("retry", "dead")
                 and a["status_code"] == 503)
failed_other = sum(1 for a in attempt_log if a["result"] in ("retry", "dead")
                   and a["status_code"] != 503)
with open(log_path, errors="replace") as f:
    log_lines = f.readlines()
levels = {}
for line in log_lines:
    parts = line.split(" ", 2)
    if len(parts) >= 2:
        levels[parts[1]] = levels.get(parts[1], 0) + 1
all_passes, passes, enqueued = log_passes()

receiver_fields = ("requests", "accepted", "rejected", "distinct", "dup", "connections",
                   "max_open_connections")
rss = [r["rss_kb"] for r in rows]
fds = [r["fds"] for r in rows]
mb = lambda kb: f"{kb / 1024:.1f}"


def slope_per_min(field):
    """Least-squares slope of `field` (per minute) over the soak after its first 5 minutes
    (the warm-up: caches, connection pool, allocator), or over all of it when shorter."""
    points = [(r["t_s"], r[field]) for r in rows if r["phase"] == "soak" and r["t_s"] >= 300]
    if len(points) < 3:
        points = [(r["t_s"], r[field]) for r in rows if r["phase"] == "soak"]
    if len(points) < 2:
        return 0.0
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    sxx = sum((p[0] - mx) ** 2 for p in points)
    return 60 * sum((p[0] - mx) * (p[1] - my) for p in points) / sxx if sxx else 0.0


# Figures at every 5 minutes (the sample nearest each mark), and at the end.
print("\n| min | RSS MB | HWM MB | fds (sockets) | threads | received | 503s | outbox sent | "
      "pending+retry | reloads | passes | load |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
marks = list(range(0, minutes + 1, 5 if minutes >= 10 else 1))
if marks[-1] != minutes:
    marks.append(minutes)
for mark in marks:
    r = min(rows, key=lambda r: abs(r["t_s"] - 60 * mark))
    print(f"| {mark} ({r['t_s']:.0f} s) | {mb(r['rss_kb'])} | {mb(r['hwm_kb'])} | "
          f"{r['fds']} ({r['sockets']}) | "
          f"{r['threads']} | {r['received']} | {r['rejected_503']} | {r['sent']} | "
          f"{r['pending'] + r['retry']} | {r['reloads_applied']} | {r['passes']} | "
          f"{r['load1']} |")
r = rows[-1]
print(f"| end ({r['t_s']:.0f} s, {r['phase']}) | {mb(r['rss_kb'])} | {mb(r['hwm_kb'])} | "
      f"{r['fds']} ({r['sockets']}) | {r['threads']} | {r['received']} | {r['rejected_503']} | "
      f"{r['sent']} | "
      f"{r['pending'] + r['retry']} | {r['reloads_applied']} | {r['passes']} | {r['load1']} |")

print(f"\ndetail: outbox {json.dumps(by_status)}; delivery log {json.dumps(results)}; "
      f"503 attempts in the log {failed_503}, other failures {failed_other}; receiver "
      f"{json.dumps({k: rstats[k] for k in receiver_fields})}")
print(f"detail: passes {all_passes}, {passes} of them with new messages ({enqueued} enqueued), "
      f"reloads sent {reloads_sent}; "
      f"log lines by level {json.dumps(levels)}; plazo stopped "
      f"{'in %.2f s' % stop_seconds if stop_seconds is not None else 'by itself'}, exit "
      f"{daemon.returncode}")
for e in unexplained[:20] + [e for e in not_sent if e not in unexplained][:20]:
    print(f"detail: not sent: id {e['id']} {e['status']} attempts {e['attempts']} next "
          f"{e['next_attempt_at']}: {why_waiting(e) or 'UNEXPLAINED: ' + repr(e)}")
if received_not_sent:
    print(f"detail: received but not marked sent: {sorted(received_not_sent)[:10]} "
          f"({len(unknown_at_receiver)} unknown to the outbox)")
if missing_at_receiver:
    print(f"detail: marked sent, never accepted by the receiver: "
          f"{sorted(missing_at_receiver)[:10]}")
if crash:
    print(f"detail: CRASH: {crash}; see {log_path}")

ok = (lost == 0 and not crash and daemon.returncode == 0 and not received_not_sent
      and rstats["distinct"] == len(sent_keys) and rstats["rejected"] == failed_503
      and passes >= minutes)
summary = (
    f"soak minutes={minutes} activities={activities} seconds={end_t:.0f} "
    f"rss_mb_start={mb(rss[0])} rss_mb_min={mb(min(rss))} rss_mb_max={mb(max(rss))} "
    f"rss_mb_end={mb(rss[-1])} hwm_mb={mb(rows[-1]['hwm_kb'])} "
    f"rss_anon_slope_kb_per_min={slope_per_min('rss_anon_kb'):.1f} cpu_s={rows[-1]['cpu_s']} "
    f"fd_start={fds[0]} fd_max={max(fds)} fd_end={fds[-1]} "
    f"expected={expected} outbox={len(entries)} sent={len(sent_keys)} "
    f"received_distinct={rstats['distinct']} dup={rstats['dup']} "
    f"failed_attempts={failed_503 + failed_other} rejected_503={rstats['rejected']} "
    f"still_retrying={by_status.get('retry', 0) + by_status.get('pending', 0)} "
    f"dead={by_status.get('dead', 0)} unexplained={len(unexplained)} reloads={rows[-1]['reloads_applied']}/{reloads_sent} "
    f"passes={passes} lost={lost} crash={'yes' if crash else 'no'} "
    f"exit={daemon.returncode} {'ok' if ok else 'FAILED'}")
print(summary)
with open(f"{out}/summary.txt", "w") as f:
    f.write(summary + "\n")
sys.exit(0 if ok else 1)
PY
