#!/usr/bin/env python3
"""Builds the seed corpus under fuzz/corpus/ from /work/shared/fixtures (real payloads) and
the repo's own drills, config and themes, plus a few hand-written inputs for what has no
fixture (human log events, commands, keystrokes). Run from the repo root; the output is
committed, so running it again is only needed to refresh the seeds."""
import json, os, shutil, sys

FIX = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/fixtures"
OUT = "fuzz/corpus"


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def copy(target, src, name=None):
    put(target, name or os.path.basename(src), open(src, "rb").read())


# Sources: the fixtures as they are.
for f in ("query_vector.json", "query_range_matrix.json", "error_bad_data.json"):
    copy("prometheus", f"{FIX}/prometheus/{f}")
put("prometheus", "scalar_nan.json", '{"status":"success","data":{"resultType":"scalar","result":[1435781451.781,"NaN"]}}')
for f in ("summary.json", "incidents.json", "components.json", "status.json"):
    copy("statuspage", f"{FIX}/statuspage/{f}")
copy("feed", f"{FIX}/feeds/githubstatus_history.atom")
put("feed", "rss.xml", """<?xml version="1.0"?><rss version="2.0"><channel><title>AWS Health</title>
<item><title>Service is operating normally: [RESOLVED] Increased error rates</title>
<description>&lt;p&gt;Resolved - checkout is back.&lt;/p&gt;&lt;p&gt;Investigating&lt;/p&gt;</description>
<guid>https://status.aws.amazon.com/#ec2-us-east-1_1</guid><pubDate>Thu, 21 Nov 2026 14:02:00 PST</pubDate></item>
</channel></rss>""")
for f in ("webhook_firing.json", "webhook_resolved.json"):
    copy("alertmanager", f"{FIX}/alertmanager/{f}")
put("alertmanager", "grafana_legacy.json", '{"title":"[Alerting] checkout errors","ruleId":7,"ruleName":"checkout errors","state":"alerting","message":"5xx above 5%","tags":{"team":"shop"}}')
copy("reports", f"{FIX}/outage_reports/downdetector_api_readme_excerpt.json")

# Config and themes: the repo's own.
copy("config", "config.toml")
put("config", "all_kinds.toml", """[incident]
title = "Checkout failing"
severity = "SEV2"
log = "incidents/{date}-{slug}.jsonl"
[ui]
theme = "light"
[ssh]
authorized_keys = "responders.keys"
max_sessions = 64
idle_timeout = "1h"
[[source]]
kind = "prometheus"
name = "checkout error rate"
url = "http://127.0.0.1:9090"
query = 'sum(rate(x[1m]))'
every = "15s"
window = "1h30m"
unit = "%"
warn = 0.01
crit = 0.05
label = "{{region}}"
[[source]]
kind = "statuspage"
name = "github"
url = "https://www.githubstatus.com"
[[source]]
kind = "feed"
name = "aws"
url = "https://status.aws.amazon.com/rss/all.rss"
auth = { bearer_env = "TOKEN" }
[[source]]
kind = "reports"
name = "user reports"
url = "http://127.0.0.1:8080/reports"
ratio = 3.0
[[source]]
kind = "alertmanager"
name = "alerts"
listen = "127.0.0.1:9099"
path = "/alertmanager"
[[source]]
kind = "drill"
name = "checkout drill"
path = "checkout-outage"
speed = 60
[checklists]
detection = ["Confirm impact"]
mitigation = ["Freeze deploys"]
communication = ["First public update"]
""")
for f in sorted(os.listdir("themes")):
    copy("theme", f"themes/{f}")

# Drills: the head of each (header + first events), small.
for f in sorted(os.listdir("drills")):
    if f.endswith(".jsonl"):
        lines = open(f"drills/{f}", encoding="utf-8").read().splitlines(True)
        put("drill", f, "".join(lines[:60]))

# Log lines and files: drill events turned into log events, plus human events.
HUMAN = [
    {"type": "incident_declared", "title": "Checkout failing", "severity": "SEV2"},
    {"type": "severity_changed", "severity": "SEV1"},
    {"type": "state_changed", "state": "identified"},
    {"type": "role_assigned", "role": "commander", "person": "ana"},
    {"type": "decision", "text": "roll back v412"},
    {"type": "checklist_defined", "list": "mitigation", "items": ["Freeze deploys", "Roll back"]},
    {"type": "checklist_toggled", "list": "mitigation", "item": "Freeze deploys", "done": True},
    {"type": "joined", "person": "ben"},
    {"type": "left", "person": "ben"},
    {"type": "impact_started", "at": "2026-11-21T13:58:00Z"},
    {"type": "drill_started", "scenario": "checkout-outage", "speed": 60.0, "title": "DRILL", "severity": "SEV2"},
    {"type": "source_health", "source": "prometheus", "ok": False, "error": "connection refused"},
    {"type": "metric", "series": "error rate", "value": "NaN"},
    {"type": "some_future_kind", "x": [1, {"y": None}]},
]
events = []
seen = {}
src = open("drills/checkout-outage.jsonl", encoding="utf-8").read().splitlines()[1:]
for l in src:
    d = json.loads(l)
    k = d["kind"]["type"]
    if seen.get(k, 0) < 3:
        seen[k] = seen.get(k, 0) + 1
        events.append((d["by"], d["kind"], d["t"]))
for i, k in enumerate(HUMAN):
    events.append(({"person": "ana"} if i % 3 else "system", k, 60.0 * i))


def at(t):
    s = int(t)
    return "2026-11-21T14:%02d:%02d.%03dZ" % ((s // 60) % 60, s % 60, int((t - s) * 1000))


lines = []
for i, (by, kind, t) in enumerate(events, 1):
    line = json.dumps({"id": i, "at": at(t), "by": by, "kind": kind}, ensure_ascii=False, separators=(",", ":"))
    lines.append(line)
    put("log_line", "%02d_%s.json" % (i, kind["type"]), line + "\n")
header = '{"warroom_log":1,"incident":"2026-11-21-checkout","created_at":"2026-11-21T14:00:00Z"}\n'
body = "".join(l + "\n" for l in lines)
put("log_file", "clean.jsonl", header + body)
put("log_file", "torn_tail.jsonl", header + body + lines[0][: len(lines[0]) // 2])
mid = len(lines) // 2
put("log_file", "damaged_middle.jsonl", header + "".join(l + "\n" for l in lines[:mid]) + '{"id":99,"at":\n\n' + "".join(l + "\n" for l in lines[mid:]))
put("log_file", "header_only.jsonl", header.rstrip("\n"))

# Commands typed after ':'.
for i, c in enumerate([
    "note checkout 5xx since 13:58", "decide roll back v412", "sev 1", "severity SEV2",
    "state identified", "st monitoring", "role commander ana", "role comms-lead ben",
    "impact 13:58", "impact 2026-11-21T13:58:00Z", "declare Checkout failing", "resolve",
    "export markdown", "export csv", "theme light", "help", "quit", "q", "n", "",
]):
    put("command", "%02d.txt" % i, c)

# Keystrokes from an SSH client: keys, function keys, mouse, paste, UTF-8.
for name, b in [
    ("typing", b":note hello \xc3\xa9\xe2\x9c\x93\r"),
    ("arrows", b"\x1b[A\x1b[B\x1b[C\x1b[D\x1bOA\x1b[1;5C\x1b[1;2D"),
    ("fkeys", b"\x1bOP\x1b[15~\x1b[24~\x1b[3~\x1b[5~\x1b[6~\x1b[H\x1b[F"),
    ("mouse", b"\x1b[<0;10;5M\x1b[<0;10;5m\x1b[<64;3;3M\x1b[M @@"),
    ("paste", b"\x1b[200~pasted \x1b[31mred\r\nline\x1b[201~"),
    ("alt_ctrl", b"\x1bx\x1b\x1b\x03\x09\x1b[Z\x7f\x08\x00"),
    ("focus", b"\x1b[I\x1b[O\x1b[?1;2c"),
    ("filter", b"/kind:note,decision\x1b"),
]:
    put("ssh_input", name + ".bin", b)
