//! `storefront-outage`, a reconstructed drill after SCENARIOS.md #1: product pages, cart and
//! checkout fail together; outage trackers pass 20,000 reports; the regions recover at
//! different times; the shop says little while it lasts. Every number is invented for
//! practice (the shape follows the public reports). Deterministic: a fixed seed.

use warroom_core::drill::{Drill, DrillHeader, Reference};
use warroom_core::incident::{Actor, AlertState, Direction, Severity};

use super::python_random::{PyRandom, int, round, round_to};
use super::{Alert, Script, alert, metric, note, reports, signal, status_component, status_page};

/// Scenario seconds (2.5 h).
const DURATION: i64 = 9000;
/// Everything starts failing here.
const IMPACT: i64 = 300;
/// Metric sample interval.
const STEP: i64 = 30;
/// Region, recovery starts, recovered.
const REGIONS: [(&str, i64, i64); 3] =
    [("us", 4800, 5400), ("eu", 6000, 6600), ("apac", 7500, 8100)];

fn header() -> DrillHeader {
    DrillHeader {
        warroom_drill: 1,
        name: "storefront-outage".into(),
        title: "DRILL: Storefront and checkout down across regions".into(),
        severity: Severity::Sev1,
        summary: "Reconstructed drill. Product pages stop rendering, items cannot be added to the cart \
            and payments fail, all at once and in every region. Outage trackers pass 20,000 user \
            reports. The cloud provider stays green. Regions come back one by one: US first, then \
            EU, APAC last. Your job: confirm impact from two signals, declare, find the recent \
            change, roll back, and keep customers informed, which the real company did not."
            .into(),
        based_on: "SCENARIOS.md #1 (storefront and checkout outage, March 2026: 20,000+ reports, regional differences in recovery)"
            .into(),
        invented: "All metric values, error rates, latencies, order rates, the exact report counts per \
            interval (only '20,000+' is reported), region recovery times, alert names, status-page \
            texts and every timing are invented for practice."
            .into(),
        speed: 10.0,
        duration: DURATION as f64,
        // Drill scores count from the scenario second the impact starts.
        impact: Some(IMPACT as f64),
        reference: Reference {
            detect: Some(90.0),
            acknowledge: Some(300.0),
            mitigate: Some(4800.0),
            resolve: Some(8100.0),
            // The real company said nothing while it lasted: its first public word came
            // with the recovery.
            first_update: Some(8100.0),
            longest_silence: Some(8100.0),
        },
    }
}

/// 0 = healthy, 1 = fully failing.
fn region_health(start: i64, end: i64, t: i64) -> f64 {
    if t < IMPACT {
        0.0
    } else if t < start {
        1.0
    } else if t < end {
        1.0 - (t - start) as f64 / (end - start) as f64
    } else {
        0.0
    }
}

/// The mean health over the regions, summed in their order.
fn average(t: i64) -> f64 {
    let sum = REGIONS.iter().fold(0.0, |acc, &(_, start, end)| {
        acc + region_health(start, end, t)
    });
    sum / REGIONS.len() as f64
}

fn noise(rng: &mut PyRandom, scale: f64) -> f64 {
    rng.uniform(-scale, scale)
}

fn storefront_alert(state: AlertState) -> super::EventKind {
    alert(Alert {
        name: "StorefrontErrorRate",
        state,
        labels: &[("severity", "page")],
        summary: "product page 5xx above 5%",
        fingerprint: "StorefrontErrorRate-all",
    })
}

fn checkout_alert(state: AlertState, region: &str) -> super::EventKind {
    alert(Alert {
        name: "CheckoutErrorRate",
        state,
        labels: &[("severity", "page"), ("region", region)],
        summary: &format!("checkout 5xx above 5% in {region}"),
        fingerprint: &format!("CheckoutErrorRate-{region}"),
    })
}

pub(super) fn drill() -> Drill {
    let mut rng = PyRandom::new(20_260_305);
    let mut s = Script::default();
    let prom = || Actor::source("prometheus");
    let outage = || Actor::source("outage reports");

    // Signal definitions at t = 0.
    for (r, _, _) in REGIONS {
        let series = format!("checkout errors {r}");
        s.ev(
            0,
            prom(),
            signal(&series, "%", 0.02, 0.05, Direction::Above),
        );
    }
    s.ev(
        0,
        prom(),
        signal("product page errors", "%", 0.02, 0.05, Direction::Above),
    );
    s.ev(
        0,
        prom(),
        signal("add to cart failures", "%", 0.02, 0.05, Direction::Above),
    );
    s.ev(
        0,
        prom(),
        signal("page load p95", "ms", 2500.0, 6000.0, Direction::Above),
    );
    s.ev(
        0,
        prom(),
        signal("orders per minute", "/min", 900.0, 300.0, Direction::Below),
    );
    s.ev(
        0,
        outage(),
        signal("outage reports", "x", 3.0, 10.0, Direction::Above),
    );
    let cloud = || Actor::source("cloud status");
    s.ev(
        0,
        cloud(),
        status_page("cloud", "none", "All Systems Operational"),
    );
    for comp in ["compute", "load balancers", "managed databases", "CDN"] {
        s.ev(0, cloud(), status_component("cloud", comp, "operational"));
    }

    for t in (0..=DURATION).step_by(STEP as usize) {
        let bad = REGIONS.map(|(r, start, end)| (r, region_health(start, end, t)));
        let worst = bad.iter().map(|b| b.1).fold(f64::MIN, f64::max);
        let avg = average(t);
        for (r, b) in bad {
            let v = 0.004 + noise(&mut rng, 0.002) + b * (0.55 + noise(&mut rng, 0.1));
            let series = format!("checkout errors {r}");
            s.ev(t, prom(), metric(&series, round_to(v.max(0.0), 4)));
        }
        let v = 0.003 + noise(&mut rng, 0.002) + avg * (0.6 + noise(&mut rng, 0.1));
        s.ev(
            t,
            prom(),
            metric("product page errors", round_to(v.max(0.0), 4)),
        );
        let v = 0.002 + noise(&mut rng, 0.001) + avg * (0.7 + noise(&mut rng, 0.1));
        s.ev(
            t,
            prom(),
            metric("add to cart failures", round_to(v.max(0.0), 4)),
        );
        let v = 1200.0 + noise(&mut rng, 150.0) + worst * (14000.0 + noise(&mut rng, 2000.0));
        s.ev(t, prom(), metric("page load p95", round(v)));
        let v = 2400.0 * (1.0 - avg) + noise(&mut rng, 80.0);
        s.ev(t, prom(), metric("orders per minute", round(v.max(0.0))));
    }

    // Outage reports every minute: baseline ~150, past 20,000 at the peak.
    for t in (0..=DURATION).step_by(60) {
        let count = if t < IMPACT + 60 {
            140 + int(noise(&mut rng, 20.0))
        } else {
            let avg = average(t);
            // Reports pile up over 25 minutes.
            let rise = ((t - IMPACT) as f64 / 1500.0).min(1.0);
            int(150.0 + avg * rise * 21500.0 + noise(&mut rng, 300.0) * avg)
        };
        s.ev(t, outage(), reports("outage reports", count, 150.0));
    }

    // Alerts.
    let am = || Actor::source("alertmanager");
    s.ev(IMPACT + 60, am(), storefront_alert(AlertState::Firing));
    for (r, _, end) in REGIONS {
        s.ev(IMPACT + 90, am(), checkout_alert(AlertState::Firing, r));
        s.ev(end + 120, am(), checkout_alert(AlertState::Resolved, r));
    }
    let last = REGIONS.iter().map(|r| r.2).max().unwrap_or(DURATION);
    s.ev(last + 150, am(), storefront_alert(AlertState::Resolved));

    // Simulated colleagues.
    s.ev(
        660,
        Actor::person("support lead (simulated)"),
        note(
            "Support queue exploding: product pages blank, carts empty, payment methods not loading. Sellers report API timeouts too.",
        ),
    );
    s.ev(
        1500,
        Actor::person("release manager (simulated)"),
        note(
            "Storefront release 2026.03.05-2 went to 100% at 22:58 yesterday, no canary stage this time.",
        ),
    );

    // The provider stays green all along (nothing to post there); the shop's own status
    // page is the people's job in this drill, so the scenario never writes to it.
    s.finish(header())
}
