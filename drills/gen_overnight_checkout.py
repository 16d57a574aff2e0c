#!/usr/bin/env python3
"""Writes drills/overnight-checkout.jsonl: a reconstructed drill after SCENARIOS.md #4.

A three-hour overnight checkout outage: a change made the day before starts failing every
payment at night, orders per minute drop to zero, customers land on an error page; after
recovery the next hour runs above average without making up the loss. Every number is
invented for practice except the shape (about three hours, sales at zero, recovery hour
above average). Deterministic.
"""
import json
import os
import random

random.seed(20160203)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "overnight-checkout.jsonl")

DURATION = 16200         # 4.5 h of scenario time
IMPACT = 900             # 22:15 in the story (drill starts 22:00)
RECOVERED = IMPACT + 3 * 3600
STEP = 30
NIGHT_ORDERS = 120.0     # invented overnight baseline per minute

header = {
    "warroom_drill": 1,
    "name": "overnight-checkout",
    "title": "DRILL: Overnight checkout outage after yesterday's change",
    "severity": "SEV1",
    "summary": (
        "Reconstructed drill. Late in the evening every checkout starts failing and customers "
        "land on an error page; orders per minute fall to zero and stay there for about three "
        "hours. The day shift saw a few odd payment errors the afternoon before, right after a "
        "change to the payment token cache. Few people are awake: get paged, confirm, declare, "
        "look at yesterday's changes, roll back, and post updates. After recovery the next hour "
        "runs above average, but the lost sales are not made up."
    ),
    "based_on": "SCENARIOS.md #4 (three-hour checkout outage, night of 3 to 4 February 2016, sales at zero, change made the day before)",
    "invented": (
        "All metric values and order rates (only 'zero while it lasted' and 'recovery hour above "
        "average' are reported), error rates, latencies, report counts, the change number and "
        "its description, alert names, status-page texts and every timing except the roughly "
        "three-hour length are invented for practice."
    ),
    "speed": 20,
    "duration": DURATION,
    "impact": IMPACT,  # scenario second the impact starts: drill scores count from here
    "reference": {"detect": 300, "acknowledge": 900, "mitigate": 10800, "resolve": 12600},
}

lines = []


def ev(t, by, kind):
    lines.append({"t": float(t), "by": by, "kind": kind})


PROM = {"source": "prometheus"}
ev(0, PROM, {"type": "signal_defined", "series": "orders per minute", "unit": "/min",
             "warn": 60, "crit": 10, "direction": "below"})
ev(0, PROM, {"type": "signal_defined", "series": "checkout errors", "unit": "%",
             "warn": 0.02, "crit": 0.05, "direction": "above"})
ev(0, PROM, {"type": "signal_defined", "series": "payment token latency p95", "unit": "ms",
             "warn": 800, "crit": 3000, "direction": "above"})
ev(0, {"source": "outage reports"}, {"type": "signal_defined", "series": "outage reports", "unit": "x",
                                     "warn": 3.0, "crit": 10.0, "direction": "above"})
ev(0, {"source": "cloud status"}, {"type": "status_page", "page": "cloud", "indicator": "none",
                                   "description": "All Systems Operational"})
ev(0, {"source": "payments provider"}, {"type": "status_page", "page": "payments provider",
                                        "indicator": "none", "description": "All Systems Operational"})


def orders(t):
    """Evening decline, zero while down, recovery hour above average (pent-up demand)."""
    evening = NIGHT_ORDERS * (1.4 - 0.4 * min(t / 7200, 1.0))
    if IMPACT <= t < RECOVERED:
        return 0.0
    if RECOVERED <= t < RECOVERED + 3600:
        return evening * 1.6 + random.uniform(-8, 8)
    return max(evening + random.uniform(-10, 10), 0.0)


for t in range(0, DURATION + 1, STEP):
    down = IMPACT <= t < RECOVERED
    ev(t, PROM, {"type": "metric", "series": "orders per minute", "value": round(orders(t), 1)})
    err = 0.97 + random.uniform(-0.02, 0.02) if down else 0.003 + random.uniform(0, 0.002)
    ev(t, PROM, {"type": "metric", "series": "checkout errors", "value": round(err, 4)})
    lat = 4200 + random.uniform(-400, 400) if down else 240 + random.uniform(-30, 30)
    ev(t, PROM, {"type": "metric", "series": "payment token latency p95", "value": round(lat)})

for t in range(0, DURATION + 1, 120):
    if IMPACT + 240 <= t < RECOVERED:
        count = int(min(800, 20 + (t - IMPACT) / 6) + random.uniform(-20, 20))
    else:
        count = 18 + int(random.uniform(-6, 6))
    ev(t, {"source": "outage reports"}, {"type": "reports", "source": "outage reports",
                                         "count": max(count, 0), "baseline": 20.0})

AM = {"source": "alertmanager"}
firing = {"type": "alert", "name": "CheckoutErrorRate", "state": "firing",
          "labels": {"severity": "page", "service": "checkout"},
          "summary": "checkout 5xx above 5% for 5 minutes", "fingerprint": "checkout-errors"}
ev(IMPACT + 300, AM, firing)
ev(IMPACT + 600, AM, {**firing, "name": "OrdersZero", "fingerprint": "orders-zero",
                      "summary": "no orders for 10 minutes"})
ev(RECOVERED + 300, AM, {**firing, "state": "resolved"})
ev(RECOVERED + 420, AM, {**firing, "name": "OrdersZero", "fingerprint": "orders-zero",
                         "summary": "no orders for 10 minutes", "state": "resolved"})

ev(1800, {"person": "day-shift engineer (simulated)"},
   {"type": "note", "text": "Saw a handful of payment token errors yesterday around 15:30, right after change CHG-8812 (payment token cache TTL). Thought it was noise."})
ev(2400, {"person": "customer care (simulated)"},
   {"type": "note", "text": "Night shift: customers call that checkout shows an error page; some say they will order elsewhere."})

lines.sort(key=lambda l: l["t"])
with open(OUT, "w", encoding="utf-8") as f:
    f.write(json.dumps(header, ensure_ascii=False) + "\n")
    for l in lines:
        f.write(json.dumps(l, ensure_ascii=False) + "\n")
print(f"{OUT}: {len(lines)} events")
