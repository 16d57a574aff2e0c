//! `checkout-outage`, the bundled drill, shaped after SCENARIOS.md #2: only checkout fails
//! during a sale, browsing works, the cloud provider's status page stays green, the shop
//! says nothing for a long time. Every number is invented for practice (the header's
//! `invented`). Deterministic: a fixed seed.

use warroom_core::drill::{Drill, DrillHeader, Reference};
use warroom_core::incident::{Actor, AlertState, Direction, EventKind, Severity};

use super::python_random::{PyRandom, int, round_to};
use super::{Alert, Script, alert, metric, note, reports, signal, status_component, status_page};

/// Seconds between samples.
const STEP: i64 = 15;
const DURATION: i64 = 3600;
/// checkout-service v412 rolled out.
const DEPLOY: i64 = 60;
/// Errors start.
const IMPACT: i64 = 120;
/// Rollback to v411 starts (deploy bot).
const ROLLBACK: i64 = 1380;
/// Error rate back to baseline.
const RECOVERED: i64 = 1680;

const SHOP: &str = "shop status";
const CLOUD: &str = "Nimbus Cloud status";
const ERR: &str = "checkout error rate";
const P95: &str = "checkout p95 latency";
const OPM: &str = "orders per minute";
const REPORTS: &str = "user reports";

fn header() -> DrillHeader {
    DrillHeader {
        warroom_drill: 1,
        name: "checkout-outage".into(),
        title: "DRILL: Checkout failing during the summer sale".into(),
        severity: Severity::Sev2,
        summary: "A reconstructed drill. Mid-morning on the second day of the summer sale, \
            checkout-service v412 is rolled out. Two minutes later checkout starts failing: \
            the error rate and p95 latency climb, orders per minute fall towards zero, and \
            user reports rise from about 20 to thousands, while browsing keeps working and the \
            cloud provider's status page stays green all along. An alert fires after a few \
            minutes. The shop's own status page says nothing for 16 minutes (the comms gap). \
            A rollback to v411 at minute 23 brings checkout back; the alert resolves and \
            orders rebound above the usual rate for a while."
            .into(),
        based_on: "SCENARIOS.md #2 (checkout-only failure during a sale, cloud provider green)"
            .into(),
        invented: "Everything numeric is invented for practice: all metric values and thresholds, \
            the timings (deploy at 1:00, impact at 2:00, alert at 5:00, first public update \
            at 18:00, rollback at 23:00, resolution at 50:00), the report counts and their \
            baseline of ~20, the order rates, the version numbers, the names of people, \
            services and of the cloud provider (Nimbus Cloud). Only the shape (checkout-only, \
            provider green, late and vague communication) comes from the public reports."
            .into(),
        speed: 6.0,
        duration: DURATION as f64,
        // Drill scores count from the scenario second the impact starts.
        impact: Some(IMPACT as f64),
        reference: Reference {
            detect: Some(75.0),
            acknowledge: Some(240.0),
            mitigate: Some(1560.0),
            resolve: Some(2700.0),
            // The shop's first public word came at 18:00, 16 minutes into the impact, and
            // that was its longest silence before the rollback.
            first_update: Some(960.0),
            longest_silence: Some(960.0),
        },
    }
}

/// 0 → 1 smoothstep.
fn smooth(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

fn phase(t: i64, a: i64, b: i64) -> f64 {
    smooth((t - a) as f64 / (b - a) as f64)
}

fn err_rate(rng: &mut PyRandom, t: i64) -> f64 {
    let base = 0.004;
    let up = phase(t, IMPACT, 660) * 0.34;
    let down = phase(t, ROLLBACK + 30, RECOVERED);
    let v = base + up * (1.0 - down);
    (v * (1.0 + rng.uniform(-0.08, 0.08))).max(0.0)
}

fn p95(rng: &mut PyRandom, t: i64) -> f64 {
    let base = 420.0;
    let up = phase(t, IMPACT, 600) * 3900.0;
    let down = phase(t, ROLLBACK + 30, RECOVERED + 60);
    ((base + up * (1.0 - down)) * (1.0 + rng.uniform(-0.06, 0.06))).max(150.0)
}

fn opm(rng: &mut PyRandom, t: i64) -> f64 {
    let base = 1400.0 + 80.0 * (t as f64 / 600.0).sin();
    let fall = phase(t, IMPACT + 30, 900);
    let rec = phase(t, ROLLBACK + 60, RECOVERED + 120);
    // Pent-up demand after recovery: above the usual rate for a while, then back.
    let rebound = 0.35 * phase(t, RECOVERED, RECOVERED + 300) * (1.0 - phase(t, 2100, 2900));
    let level = base * ((1.0 - 0.96 * fall) * (1.0 - rec) + rec * (1.0 + rebound));
    (level * (1.0 + rng.uniform(-0.04, 0.04))).max(0.0)
}

/// The report count at `t` and its baseline.
fn user_reports(rng: &mut PyRandom, t: i64) -> (i64, i64) {
    let baseline = 20;
    let rise = phase(t, 300, 1800).powf(1.4) * 4700.0;
    let fall = phase(t, 1800, DURATION).powf(0.7);
    let v = baseline as f64 + rise * (1.0 - 0.97 * fall);
    (
        int((v * (1.0 + rng.uniform(-0.05, 0.05))).max(0.0)),
        baseline,
    )
}

fn src(name: &str) -> Actor {
    Actor::source(name)
}

fn incident_update(status: &str, update_id: &str, body: &str) -> EventKind {
    EventKind::StatusIncident {
        page: SHOP.into(),
        id: "drill-inc-1".into(),
        title: "Errors at checkout".into(),
        status: status.into(),
        body: body.into(),
        update_id: Some(update_id.into()),
        impact: Some("major".into()),
        posted_at: None,
    }
}

fn checkout_alert(state: AlertState) -> EventKind {
    alert(Alert {
        name: "CheckoutErrorRateHigh",
        state,
        labels: &[
            ("service", "checkout"),
            ("severity", "page"),
            ("team", "payments"),
        ],
        summary: "checkout 5xx ratio above 5% for 3 minutes",
        fingerprint: "drill-checkout-5xx",
    })
}

/// Scripted moments; the people here are simulated colleagues outside the room.
fn moments() -> Vec<(i64, Actor, EventKind)> {
    vec![
        (
            DEPLOY,
            Actor::person("sam (release)"),
            note("checkout-service v412 rolled out to 100% (sale-week exception, canary skipped)"),
        ),
        (300, src("alertmanager"), checkout_alert(AlertState::Firing)),
        (
            540,
            Actor::person("lena (support)"),
            note(
                "support queue: customers say checkout shows the dog error page; browsing and cart work",
            ),
        ),
        (
            780,
            Actor::person("omar (social)"),
            note(
                "#checkoutdown is trending; people ask why the status page says everything is fine",
            ),
        ),
        (
            1080,
            src(SHOP),
            status_page(SHOP, "major", "Partial System Outage"),
        ),
        (
            1080,
            src(SHOP),
            status_component(SHOP, "Checkout", "major_outage"),
        ),
        (
            1080,
            src(SHOP),
            incident_update(
                "investigating",
                "u1",
                "We are investigating reports of errors when placing orders. Browsing is not affected.",
            ),
        ),
        (
            ROLLBACK,
            Actor::person("deploy bot"),
            note("rollback started: checkout-service v412 → v411 (requested from the war room)"),
        ),
        (
            1560,
            src(SHOP),
            incident_update(
                "identified",
                "u2",
                "The issue has been identified and a fix is being rolled out.",
            ),
        ),
        (
            1800,
            src("alertmanager"),
            checkout_alert(AlertState::Resolved),
        ),
        (
            1920,
            src(SHOP),
            status_component(SHOP, "Checkout", "operational"),
        ),
        (
            1920,
            src(SHOP),
            status_page(SHOP, "minor", "Minor Service Outage"),
        ),
        (
            1920,
            src(SHOP),
            incident_update(
                "monitoring",
                "u3",
                "A fix has been implemented and we are monitoring the results.",
            ),
        ),
        (
            3000,
            src(SHOP),
            incident_update(
                "resolved",
                "u4",
                "This incident has been resolved. Orders placed during the incident that show as failed were not charged.",
            ),
        ),
        (
            3000,
            src(SHOP),
            status_page(SHOP, "none", "All Systems Operational"),
        ),
    ]
}

pub(super) fn drill() -> Drill {
    let mut rng = PyRandom::new(412);
    let mut s = Script::default();

    // t = 0: definitions and the state of both status pages.
    s.ev(0, src(ERR), signal(ERR, "%", 0.02, 0.05, Direction::Above));
    s.ev(
        0,
        src(P95),
        signal(P95, "ms", 1000.0, 2500.0, Direction::Above),
    );
    s.ev(
        0,
        src(OPM),
        signal(OPM, "/min", 900.0, 400.0, Direction::Below),
    );
    s.ev(
        0,
        src(REPORTS),
        signal(REPORTS, "x", 3.0, 10.0, Direction::Above),
    );
    s.ev(
        0,
        src(SHOP),
        status_page(SHOP, "none", "All Systems Operational"),
    );
    for c in [
        "Storefront",
        "Search",
        "Cart",
        "Checkout",
        "Payments",
        "Seller API",
    ] {
        s.ev(0, src(SHOP), status_component(SHOP, c, "operational"));
    }
    s.ev(
        0,
        src(CLOUD),
        status_page(CLOUD, "none", "All Systems Operational"),
    );
    for c in [
        "Compute (eu-west-1)",
        "Managed databases",
        "Load balancers",
        "Object storage",
    ] {
        s.ev(0, src(CLOUD), status_component(CLOUD, c, "operational"));
    }
    // Which page is ours and which the provider's (as `own = true` / `provider = true` on
    // a status-page source say it): the silent-page alarm watches our own page.
    s.ev(
        0,
        src(SHOP),
        EventKind::StatusSummary {
            page: SHOP.into(),
            text: "our public page: All Systems Operational, no open incidents".into(),
            role: Some("own".into()),
            changes: 0,
            degraded: None,
            opening: false,
        },
    );
    s.ev(
        0,
        src(CLOUD),
        EventKind::StatusSummary {
            page: CLOUD.into(),
            text: "provider page: All Systems Operational, no open incidents".into(),
            role: Some("provider".into()),
            changes: 0,
            degraded: None,
            opening: false,
        },
    );

    let mut moments = moments().into_iter().peekable();
    for t in (STEP..=DURATION).step_by(STEP as usize) {
        while let Some((at, by, kind)) = moments.next_if(|m| m.0 <= t) {
            s.ev(at, by, kind);
        }
        s.ev(t, src(ERR), metric(ERR, round_to(err_rate(&mut rng, t), 5)));
        s.ev(t, src(P95), metric(P95, round_to(p95(&mut rng, t), 1)));
        s.ev(t, src(OPM), metric(OPM, round_to(opm(&mut rng, t), 1)));
        let (count, baseline) = user_reports(&mut rng, t);
        s.ev(t, src(REPORTS), reports(REPORTS, count, baseline as f64));
    }
    for (at, by, kind) in moments {
        s.ev(at, by, kind);
    }
    s.finish(header())
}
