#!/usr/bin/env python3
"""Writes drills/storefront-outage.jsonl: a reconstructed drill after SCENARIOS.md #1.

Product pages, cart and checkout fail together; outage trackers pass 20,000 reports; the
regions recover at different times; the shop says little while it lasts. Every number here
is invented for practice (the shape follows the public reports). Deterministic: re-running
it writes the same file.
"""
import json
import math
import os
import random

random.seed(20260305)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "storefront-outage.jsonl")

DURATION = 9000          # scenario seconds (2.5 h)
IMPACT = 300             # everything starts failing here
STEP = 30                # metric sample interval
REGIONS = {              # region -> (recovery starts, recovered)
    "us": (4800, 5400),
    "eu": (6000, 6600),
    "apac": (7500, 8100),
}

header = {
    "warroom_drill": 1,
    "name": "storefront-outage",
    "title": "DRILL: Storefront and checkout down across regions",
    "severity": "SEV1",
    "summary": (
        "Reconstructed drill. Product pages stop rendering, items cannot be added to the cart "
        "and payments fail, all at once and in every region. Outage trackers pass 20,000 user "
        "reports. The cloud provider stays green. Regions come back one by one: US first, then "
        "EU, APAC last. Your job: confirm impact from two signals, declare, find the recent "
        "change, roll back, and keep customers informed, which the real company did not."
    ),
    "based_on": "SCENARIOS.md #1 (storefront and checkout outage, March 2026: 20,000+ reports, regional differences in recovery)",
    "invented": (
        "All metric values, error rates, latencies, order rates, the exact report counts per "
        "interval (only '20,000+' is reported), region recovery times, alert names, status-page "
        "texts and every timing are invented for practice."
    ),
    "speed": 10,
    "duration": DURATION,
    "impact": IMPACT,  # scenario second the impact starts: drill scores count from here
    "reference": {"detect": 90, "acknowledge": 300, "mitigate": 4800, "resolve": 8100},
}

lines = []


def ev(t, by, kind):
    lines.append({"t": float(t), "by": by, "kind": kind})


def src(name):
    return {"source": name}


PROM = src("prometheus")
# Signal definitions at t=0.
for r in REGIONS:
    ev(0, PROM, {"type": "signal_defined", "series": f"checkout errors {r}", "unit": "%",
                 "warn": 0.02, "crit": 0.05, "direction": "above"})
ev(0, PROM, {"type": "signal_defined", "series": "product page errors", "unit": "%",
             "warn": 0.02, "crit": 0.05, "direction": "above"})
ev(0, PROM, {"type": "signal_defined", "series": "add to cart failures", "unit": "%",
             "warn": 0.02, "crit": 0.05, "direction": "above"})
ev(0, PROM, {"type": "signal_defined", "series": "page load p95", "unit": "ms",
             "warn": 2500, "crit": 6000, "direction": "above"})
ev(0, PROM, {"type": "signal_defined", "series": "orders per minute", "unit": "/min",
             "warn": 900, "crit": 300, "direction": "below"})
ev(0, src("outage reports"), {"type": "signal_defined", "series": "outage reports", "unit": "x",
                              "warn": 3.0, "crit": 10.0, "direction": "above"})
ev(0, src("cloud status"), {"type": "status_page", "page": "cloud", "indicator": "none",
                            "description": "All Systems Operational"})
for comp in ["compute", "load balancers", "managed databases", "CDN"]:
    ev(0, src("cloud status"), {"type": "status_component", "page": "cloud", "component": comp,
                                "status": "operational"})


def region_health(r, t):
    """0 = healthy, 1 = fully failing."""
    if t < IMPACT:
        return 0.0
    start, end = REGIONS[r]
    if t < start:
        return 1.0
    if t < end:
        return 1.0 - (t - start) / (end - start)
    return 0.0


def noise(scale):
    return random.uniform(-scale, scale)


for t in range(0, DURATION + 1, STEP):
    bad = {r: region_health(r, t) for r in REGIONS}
    worst = max(bad.values())
    avg = sum(bad.values()) / len(bad)
    for r, b in bad.items():
        v = 0.004 + noise(0.002) + b * (0.55 + noise(0.1))
        ev(t, PROM, {"type": "metric", "series": f"checkout errors {r}", "value": round(max(v, 0.0), 4)})
    ev(t, PROM, {"type": "metric", "series": "product page errors",
                 "value": round(max(0.003 + noise(0.002) + avg * (0.6 + noise(0.1)), 0.0), 4)})
    ev(t, PROM, {"type": "metric", "series": "add to cart failures",
                 "value": round(max(0.002 + noise(0.001) + avg * (0.7 + noise(0.1)), 0.0), 4)})
    ev(t, PROM, {"type": "metric", "series": "page load p95",
                 "value": round(1200 + noise(150) + worst * (14000 + noise(2000)))})
    ev(t, PROM, {"type": "metric", "series": "orders per minute",
                 "value": round(max(2400 * (1 - avg) + noise(80), 0))})

# Outage reports every minute: baseline ~150, past 20,000 at the peak.
for t in range(0, DURATION + 1, 60):
    if t < IMPACT + 60:
        count = 140 + int(noise(20))
    else:
        avg = sum(region_health(r, t) for r in REGIONS) / len(REGIONS)
        rise = min(1.0, (t - IMPACT) / 1500)  # reports pile up over 25 minutes
        count = int(150 + avg * rise * 21500 + noise(300) * avg)
    ev(t, src("outage reports"), {"type": "reports", "source": "outage reports",
                                  "count": max(count, 0), "baseline": 150.0})

# Alerts.
alert = lambda name, state, summary, region=None: {  # noqa: E731
    "type": "alert", "name": name, "state": state,
    "labels": {"severity": "page", **({"region": region} if region else {})},
    "summary": summary, "fingerprint": f"{name}-{region or 'all'}"}
ev(IMPACT + 60, src("alertmanager"), alert("StorefrontErrorRate", "firing", "product page 5xx above 5%"))
for r, (start, end) in REGIONS.items():
    ev(IMPACT + 90, src("alertmanager"), alert("CheckoutErrorRate", "firing", f"checkout 5xx above 5% in {r}", r))
    ev(end + 120, src("alertmanager"), alert("CheckoutErrorRate", "resolved", f"checkout 5xx above 5% in {r}", r))
ev(max(e for _, e in REGIONS.values()) + 150, src("alertmanager"),
   alert("StorefrontErrorRate", "resolved", "product page 5xx above 5%"))

# A simulated colleague.
ev(660, {"person": "support lead (simulated)"},
   {"type": "note", "text": "Support queue exploding: product pages blank, carts empty, payment methods not loading. Sellers report API timeouts too."})
ev(1500, {"person": "release manager (simulated)"},
   {"type": "note", "text": "Storefront release 2026.03.05-2 went to 100% at 22:58 yesterday, no canary stage this time."})

# The provider stays green all along (nothing to post there); the shop's own status page is
# the people's job in this drill, so the scenario never writes to it.

lines.sort(key=lambda l: l["t"])  # stable: definitions stay before samples at t=0
with open(OUT, "w", encoding="utf-8") as f:
    f.write(json.dumps(header, ensure_ascii=False) + "\n")
    for l in lines:
        f.write(json.dumps(l, ensure_ascii=False) + "\n")
print(f"{OUT}: {len(lines)} events")
