#!/usr/bin/env python3
"""Generates drills/checkout-outage.jsonl, the bundled drill.

Shaped after ../shared/SCENARIOS.md #2: only checkout fails during a sale, browsing works,
the cloud provider's status page stays green, the shop says nothing for a long time.
Every number here is invented for practice (see the header's "invented" field).
Deterministic: a fixed seed, so regenerating gives the same file.

    python3 drills/gen_checkout_outage.py > drills/checkout-outage.jsonl
"""
import json
import math
import random

rng = random.Random(412)
STEP = 15  # seconds between samples
DURATION = 3600

DEPLOY = 60        # checkout-service v412 rolled out
IMPACT = 120       # errors start
ROLLBACK = 1380    # rollback to v411 starts (deploy bot)
RECOVERED = 1680   # error rate back to baseline

SHOP = "shop status"
CLOUD = "Nimbus Cloud status"
ERR = "checkout error rate"
P95 = "checkout p95 latency"
OPM = "orders per minute"
REPORTS = "user reports"

header = {
    "warroom_drill": 1,
    "name": "checkout-outage",
    "title": "DRILL: Checkout failing during the summer sale",
    "severity": "SEV2",
    "summary": (
        "A reconstructed drill. Mid-morning on the second day of the summer sale, "
        "checkout-service v412 is rolled out. Two minutes later checkout starts failing: "
        "the error rate and p95 latency climb, orders per minute fall towards zero, and "
        "user reports rise from about 20 to thousands, while browsing keeps working and the "
        "cloud provider's status page stays green all along. An alert fires after a few "
        "minutes. The shop's own status page says nothing for 16 minutes (the comms gap). "
        "A rollback to v411 at minute 23 brings checkout back; the alert resolves and "
        "orders rebound above the usual rate for a while."
    ),
    "based_on": "SCENARIOS.md #2 (checkout-only failure during a sale, cloud provider green)",
    "invented": (
        "Everything numeric is invented for practice: all metric values and thresholds, "
        "the timings (deploy at 1:00, impact at 2:00, alert at 5:00, first public update "
        "at 18:00, rollback at 23:00, resolution at 50:00), the report counts and their "
        "baseline of ~20, the order rates, the version numbers, the names of people, "
        "services and of the cloud provider (Nimbus Cloud). Only the shape (checkout-only, "
        "provider green, late and vague communication) comes from the public reports."
    ),
    "speed": 6,
    "duration": DURATION,
    "impact": IMPACT,  # scenario second the impact starts: drill scores count from here
    "reference": {"detect": 75, "acknowledge": 240, "mitigate": 1560, "resolve": 2700},
}

events = []


def ev(t, by, kind):
    events.append({"t": float(t), "by": by, "kind": kind})


def src(name):
    return {"source": name}


def person(name):
    return {"person": name}


def smooth(x):
    """0 → 1 smoothstep."""
    x = max(0.0, min(1.0, x))
    return x * x * (3 - 2 * x)


def phase(t, a, b):
    return smooth((t - a) / (b - a))


def err_rate(t):
    base = 0.004
    up = phase(t, IMPACT, 660) * 0.34
    down = phase(t, ROLLBACK + 30, RECOVERED)
    v = base + up * (1 - down)
    return max(0.0, v * (1 + rng.uniform(-0.08, 0.08)))


def p95(t):
    base = 420.0
    up = phase(t, IMPACT, 600) * 3900
    down = phase(t, ROLLBACK + 30, RECOVERED + 60)
    return max(150.0, (base + up * (1 - down)) * (1 + rng.uniform(-0.06, 0.06)))


def opm(t):
    base = 1400.0 + 80 * math.sin(t / 600.0)
    fall = phase(t, IMPACT + 30, 900)
    rec = phase(t, ROLLBACK + 60, RECOVERED + 120)
    # pent-up demand after recovery: above the usual rate for a while, then back
    rebound = 0.35 * phase(t, RECOVERED, RECOVERED + 300) * (1 - phase(t, 2100, 2900))
    level = base * ((1 - 0.96 * fall) * (1 - rec) + rec * (1 + rebound))
    return max(0.0, level * (1 + rng.uniform(-0.04, 0.04)))


def reports(t):
    baseline = 20
    rise = phase(t, 300, 1800) ** 1.4 * 4700
    fall = phase(t, 1800, DURATION) ** 0.7
    v = baseline + rise * (1 - 0.97 * fall)
    return int(max(0, v * (1 + rng.uniform(-0.05, 0.05)))), baseline


# t=0: definitions and the state of both status pages
ev(0, src(ERR), {"type": "signal_defined", "series": ERR, "unit": "%",
                 "warn": 0.02, "crit": 0.05, "direction": "above"})
ev(0, src(P95), {"type": "signal_defined", "series": P95, "unit": "ms",
                 "warn": 1000.0, "crit": 2500.0, "direction": "above"})
ev(0, src(OPM), {"type": "signal_defined", "series": OPM, "unit": "/min",
                 "warn": 900.0, "crit": 400.0, "direction": "below"})
ev(0, src(REPORTS), {"type": "signal_defined", "series": REPORTS, "unit": "x",
                     "warn": 3.0, "crit": 10.0, "direction": "above"})
ev(0, src(SHOP), {"type": "status_page", "page": SHOP, "indicator": "none",
                  "description": "All Systems Operational"})
for c in ["Storefront", "Search", "Cart", "Checkout", "Payments", "Seller API"]:
    ev(0, src(SHOP), {"type": "status_component", "page": SHOP, "component": c,
                      "status": "operational"})
ev(0, src(CLOUD), {"type": "status_page", "page": CLOUD, "indicator": "none",
                   "description": "All Systems Operational"})
for c in ["Compute (eu-west-1)", "Managed databases", "Load balancers", "Object storage"]:
    ev(0, src(CLOUD), {"type": "status_component", "page": CLOUD, "component": c,
                       "status": "operational"})

# scripted moments (people here are simulated colleagues outside the room)
moments = [
    (DEPLOY, person("sam (release)"), {"type": "note", "text":
        "checkout-service v412 rolled out to 100% (sale-week exception, canary skipped)"}),
    (300, src("alertmanager"), {"type": "alert", "name": "CheckoutErrorRateHigh",
        "state": "firing", "labels": {"service": "checkout", "severity": "page", "team": "payments"},
        "summary": "checkout 5xx ratio above 5% for 3 minutes", "fingerprint": "drill-checkout-5xx"}),
    (540, person("lena (support)"), {"type": "note", "text":
        "support queue: customers say checkout shows the dog error page; browsing and cart work"}),
    (780, person("omar (social)"), {"type": "note", "text":
        "#checkoutdown is trending; people ask why the status page says everything is fine"}),
    (1080, src(SHOP), {"type": "status_page", "page": SHOP, "indicator": "major",
        "description": "Partial System Outage"}),
    (1080, src(SHOP), {"type": "status_component", "page": SHOP, "component": "Checkout",
        "status": "major_outage"}),
    (1080, src(SHOP), {"type": "status_incident", "page": SHOP, "id": "drill-inc-1",
        "title": "Errors at checkout", "status": "investigating", "update_id": "u1", "impact": "major",
        "body": "We are investigating reports of errors when placing orders. Browsing is not affected."}),
    (ROLLBACK, person("deploy bot"), {"type": "note", "text":
        "rollback started: checkout-service v412 → v411 (requested from the war room)"}),
    (1560, src(SHOP), {"type": "status_incident", "page": SHOP, "id": "drill-inc-1",
        "title": "Errors at checkout", "status": "identified", "update_id": "u2", "impact": "major",
        "body": "The issue has been identified and a fix is being rolled out."}),
    (1800, src("alertmanager"), {"type": "alert", "name": "CheckoutErrorRateHigh",
        "state": "resolved", "labels": {"service": "checkout", "severity": "page", "team": "payments"},
        "summary": "checkout 5xx ratio above 5% for 3 minutes", "fingerprint": "drill-checkout-5xx"}),
    (1920, src(SHOP), {"type": "status_component", "page": SHOP, "component": "Checkout",
        "status": "operational"}),
    (1920, src(SHOP), {"type": "status_page", "page": SHOP, "indicator": "minor",
        "description": "Minor Service Outage"}),
    (1920, src(SHOP), {"type": "status_incident", "page": SHOP, "id": "drill-inc-1",
        "title": "Errors at checkout", "status": "monitoring", "update_id": "u3", "impact": "major",
        "body": "A fix has been implemented and we are monitoring the results."}),
    (3000, src(SHOP), {"type": "status_incident", "page": SHOP, "id": "drill-inc-1",
        "title": "Errors at checkout", "status": "resolved", "update_id": "u4", "impact": "major",
        "body": "This incident has been resolved. Orders placed during the incident that show as failed were not charged."}),
    (3000, src(SHOP), {"type": "status_page", "page": SHOP, "indicator": "none",
        "description": "All Systems Operational"}),
]
mi = 0
for t in range(STEP, DURATION + 1, STEP):
    while mi < len(moments) and moments[mi][0] <= t:
        ev(*moments[mi])
        mi += 1
    ev(t, src(ERR), {"type": "metric", "series": ERR, "value": round(err_rate(t), 5)})
    ev(t, src(P95), {"type": "metric", "series": P95, "value": round(p95(t), 1)})
    ev(t, src(OPM), {"type": "metric", "series": OPM, "value": round(opm(t), 1)})
    count, baseline = reports(t)
    ev(t, src(REPORTS), {"type": "reports", "source": REPORTS, "count": count,
                         "baseline": float(baseline)})
while mi < len(moments):
    ev(*moments[mi])
    mi += 1

events.sort(key=lambda e: e["t"])  # stable: keeps the order within one second
print(json.dumps(header, ensure_ascii=False))
for e in events:
    print(json.dumps(e, ensure_ascii=False))
