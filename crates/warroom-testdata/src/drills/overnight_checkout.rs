//! `overnight-checkout`, a reconstructed drill after SCENARIOS.md #4: a three-hour
//! overnight checkout outage. A change made the day before starts failing every payment at
//! night, orders per minute drop to zero, customers land on an error page; after recovery
//! the next hour runs above average without making up the loss. Every number is invented
//! for practice except the shape (about three hours, sales at zero, recovery hour above
//! average). Deterministic: a fixed seed.

use warroom_core::drill::{Drill, DrillHeader, Reference};
use warroom_core::incident::{Actor, AlertState, Direction, EventKind, Severity};

use super::python_random::{PyRandom, int, round, round_to};
use super::{Alert, Script, alert, metric, note, reports, signal, status_page};

/// 4.5 h of scenario time.
const DURATION: i64 = 16200;
/// 22:15 in the story (the drill starts 22:00).
const IMPACT: i64 = 900;
const RECOVERED: i64 = IMPACT + 3 * 3600;
const STEP: i64 = 30;
/// Invented overnight baseline per minute.
const NIGHT_ORDERS: f64 = 120.0;

fn header() -> DrillHeader {
    DrillHeader {
        warroom_drill: 1,
        name: "overnight-checkout".into(),
        title: "DRILL: Overnight checkout outage after yesterday's change".into(),
        severity: Severity::Sev1,
        summary: "Reconstructed drill. Late in the evening every checkout starts failing and customers \
            land on an error page; orders per minute fall to zero and stay there for about three \
            hours. The day shift saw a few odd payment errors the afternoon before, right after a \
            change to the payment token cache. Few people are awake: get paged, confirm, declare, \
            look at yesterday's changes, roll back, and post updates. After recovery the next hour \
            runs above average, but the lost sales are not made up."
            .into(),
        based_on: "SCENARIOS.md #4 (three-hour checkout outage, night of 3 to 4 February 2016, sales at zero, change made the day before)"
            .into(),
        invented: "All metric values and order rates (only 'zero while it lasted' and 'recovery hour above \
            average' are reported), error rates, latencies, report counts, the change number and \
            its description, alert names, status-page texts and every timing except the roughly \
            three-hour length are invented for practice."
            .into(),
        speed: 20.0,
        duration: DURATION as f64,
        // Drill scores count from the scenario second the impact starts.
        impact: Some(IMPACT as f64),
        reference: Reference {
            detect: Some(300.0),
            acknowledge: Some(900.0),
            mitigate: Some(10800.0),
            resolve: Some(12600.0),
            // Invented: a night shift's first update after half an hour, then a long silence
            // while the rollback was found.
            first_update: Some(1800.0),
            longest_silence: Some(5400.0),
        },
    }
}

fn down(t: i64) -> bool {
    (IMPACT..RECOVERED).contains(&t)
}

/// Evening decline, zero while down, recovery hour above average (pent-up demand).
fn orders(rng: &mut PyRandom, t: i64) -> f64 {
    let evening = NIGHT_ORDERS * (1.4 - 0.4 * (t as f64 / 7200.0).min(1.0));
    if down(t) {
        0.0
    } else if (RECOVERED..RECOVERED + 3600).contains(&t) {
        evening * 1.6 + rng.uniform(-8.0, 8.0)
    } else {
        (evening + rng.uniform(-10.0, 10.0)).max(0.0)
    }
}

fn checkout_alert(state: AlertState) -> EventKind {
    alert(Alert {
        name: "CheckoutErrorRate",
        state,
        labels: &[("severity", "page"), ("service", "checkout")],
        summary: "checkout 5xx above 5% for 5 minutes",
        fingerprint: "checkout-errors",
    })
}

fn orders_zero_alert(state: AlertState) -> EventKind {
    alert(Alert {
        name: "OrdersZero",
        state,
        labels: &[("severity", "page"), ("service", "checkout")],
        summary: "no orders for 10 minutes",
        fingerprint: "orders-zero",
    })
}

pub(super) fn drill() -> Drill {
    let mut rng = PyRandom::new(20_160_203);
    let mut s = Script::default();
    let prom = || Actor::source("prometheus");
    let outage = || Actor::source("outage reports");

    s.ev(
        0,
        prom(),
        signal("orders per minute", "/min", 60.0, 10.0, Direction::Below),
    );
    s.ev(
        0,
        prom(),
        signal("checkout errors", "%", 0.02, 0.05, Direction::Above),
    );
    let latency = "payment token latency p95";
    s.ev(
        0,
        prom(),
        signal(latency, "ms", 800.0, 3000.0, Direction::Above),
    );
    s.ev(
        0,
        outage(),
        signal("outage reports", "x", 3.0, 10.0, Direction::Above),
    );
    s.ev(
        0,
        Actor::source("cloud status"),
        status_page("cloud", "none", "All Systems Operational"),
    );
    s.ev(
        0,
        Actor::source("payments provider"),
        status_page("payments provider", "none", "All Systems Operational"),
    );

    for t in (0..=DURATION).step_by(STEP as usize) {
        let o = orders(&mut rng, t);
        s.ev(t, prom(), metric("orders per minute", round_to(o, 1)));
        let err = if down(t) {
            0.97 + rng.uniform(-0.02, 0.02)
        } else {
            0.003 + rng.uniform(0.0, 0.002)
        };
        s.ev(t, prom(), metric("checkout errors", round_to(err, 4)));
        let lat = if down(t) {
            4200.0 + rng.uniform(-400.0, 400.0)
        } else {
            240.0 + rng.uniform(-30.0, 30.0)
        };
        s.ev(t, prom(), metric(latency, round(lat)));
    }

    for t in (0..=DURATION).step_by(120) {
        let count = if (IMPACT + 240..RECOVERED).contains(&t) {
            let expected = (20.0 + (t - IMPACT) as f64 / 6.0).min(800.0);
            int(expected + rng.uniform(-20.0, 20.0))
        } else {
            18 + int(rng.uniform(-6.0, 6.0))
        };
        s.ev(t, outage(), reports("outage reports", count, 20.0));
    }

    let am = || Actor::source("alertmanager");
    s.ev(IMPACT + 300, am(), checkout_alert(AlertState::Firing));
    s.ev(IMPACT + 600, am(), orders_zero_alert(AlertState::Firing));
    s.ev(RECOVERED + 300, am(), checkout_alert(AlertState::Resolved));
    s.ev(
        RECOVERED + 420,
        am(),
        orders_zero_alert(AlertState::Resolved),
    );

    s.ev(
        1800,
        Actor::person("day-shift engineer (simulated)"),
        note(
            "Saw a handful of payment token errors yesterday around 15:30, right after change CHG-8812 (payment token cache TTL). Thought it was noise.",
        ),
    );
    s.ev(
        2400,
        Actor::person("customer care (simulated)"),
        note(
            "Night shift: customers call that checkout shows an error page; some say they will order elsewhere.",
        ),
    );

    s.finish(header())
}
