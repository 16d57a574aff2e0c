//! `:` commands: parsing into events (or view changes), completion, and the help table.

use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, Utc};

use crate::incident::state::STANDARD_ROLES;
use crate::incident::{EventKind, Incident, IncidentState, Severity};

pub use super::command_error::ParseError;

/// What a command does with the rest of its line. Which variant it is says whether the
/// command changes the incident: a `Record` handler can only make an event, a `View`
/// handler can only change this view.
#[derive(Clone, Copy)]
pub enum Handler {
    /// Changes the incident (refused in read-only views and replay): the event to record.
    Record(fn(&CommandSpec, &str, &Incident, DateTime<Utc>) -> Result<EventKind, ParseError>),
    /// Changes only this view, or leaves it.
    View(fn(&CommandSpec, &str) -> Result<ViewCommand, ParseError>),
    /// Writes, either at once (`Command::Record`) or through a popup the person completes
    /// first (`Command::Compose`); refused in read-only views like `Record`.
    Write(fn(&CommandSpec, &str, &Incident) -> Result<Command, ParseError>),
}

/// One command: its names, help, and the handler that carries it out. A command exists
/// only as an entry here, so none can be typed without its handler.
pub struct CommandSpec {
    pub name: &'static str,
    /// Other names that run it (`:q`, `:severity`).
    pub aliases: &'static [&'static str],
    pub args: &'static str,
    pub help: &'static str,
    pub handler: Handler,
}

impl CommandSpec {
    /// Changes the incident (refused in read-only views).
    pub fn writes(&self) -> bool {
        matches!(self.handler, Handler::Record(_) | Handler::Write(_))
    }

    /// "usage: :sev 1-4".
    pub fn usage(&self) -> String {
        format!("usage: :{} {}", self.name, self.args)
    }

    /// The usage, as the error of a line without what the command needs.
    pub fn usage_error(&self) -> ParseError {
        ParseError::Usage {
            usage: self.usage(),
        }
    }

    /// The argument, or the usage when there is none.
    fn need(&self, rest: &str) -> Result<String, ParseError> {
        if rest.is_empty() {
            Err(self.usage_error())
        } else {
            Ok(rest.to_string())
        }
    }
}

pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "note",
        aliases: &[],
        args: "TEXT",
        help: "add a note to the timeline",
        handler: Handler::Record(|c, rest, _, _| {
            Ok(EventKind::Note {
                text: c.need(rest)?,
            })
        }),
    },
    CommandSpec {
        name: "decide",
        aliases: &["decision"],
        args: "TEXT",
        help: "record a decision",
        handler: Handler::Record(|c, rest, _, _| {
            Ok(EventKind::Decision {
                text: c.need(rest)?,
            })
        }),
    },
    CommandSpec {
        name: "sev",
        aliases: &["severity"],
        args: "1-4",
        help: "set the severity",
        handler: Handler::Record(|c, rest, _, _| {
            let severity = Severity::parse(&c.need(rest)?)
                .ok_or_else(|| ParseError::Severity(rest.to_string()))?;
            Ok(EventKind::SeverityChanged { severity })
        }),
    },
    CommandSpec {
        name: "state",
        aliases: &[],
        args: "investigating|identified|monitoring|resolved",
        help: "set the state",
        handler: Handler::Record(|c, rest, _, _| {
            let state = IncidentState::parse(&c.need(rest)?)
                .ok_or_else(|| ParseError::State(rest.to_string()))?;
            Ok(EventKind::StateChanged { state })
        }),
    },
    CommandSpec {
        name: "role",
        aliases: &[],
        args: "ROLE NAME|-",
        help: "assign a role (commander, comms, ops, scribe or any); - unassigns",
        handler: Handler::Record(role),
    },
    CommandSpec {
        name: "impact",
        aliases: &[],
        args: "HH:MM[:SS]|YYYY-MM-DD HH:MM|RFC3339",
        help: "back-date when impact started (UTC; HH:MM is within the last 24 h)",
        handler: Handler::Record(|c, rest, _, now| {
            let at = parse_time(&c.need(rest)?, now)?;
            if at > now + chrono::Duration::minutes(1) {
                return Err(ParseError::FutureImpact);
            }
            Ok(EventKind::ImpactStarted { at })
        }),
    },
    CommandSpec {
        name: "declare",
        aliases: &[],
        args: "TITLE",
        help: "declare the incident (or rename it) at the current severity",
        handler: Handler::Record(|c, rest, incident, _| {
            let title = if rest.is_empty() {
                if incident.declared {
                    return Err(c.usage_error());
                }
                incident.title.clone()
            } else {
                rest.to_string()
            };
            Ok(EventKind::IncidentDeclared {
                title,
                severity: incident.severity,
            })
        }),
    },
    CommandSpec {
        name: "resolve",
        aliases: &[],
        args: "",
        help: "mark the incident resolved",
        handler: Handler::Record(|_, _, _, _| {
            Ok(EventKind::StateChanged {
                state: IncidentState::Resolved,
            })
        }),
    },
    CommandSpec {
        name: "update",
        aliases: &[],
        args: "[STATE TEXT | internal TEXT]",
        help: "status update: alone opens the composer; STATE TEXT sends a public one, internal TEXT an internal one",
        handler: Handler::Write(parse_update),
    },
    CommandSpec {
        name: "amend",
        aliases: &["correct"],
        args: "",
        help: "correct the selected timeline entry (↑ selects): text, time or strike, with a reason",
        handler: Handler::Write(|_, _, _| Ok(Command::Amend)),
    },
    CommandSpec {
        name: "action",
        aliases: &["followup", "follow-up"],
        args: "TEXT [@OWNER] [due:YYYY-MM-DD]",
        help: "record a follow-up (from the selected timeline entry, if any)",
        handler: Handler::Record(super::action_cmd::parse),
    },
    CommandSpec {
        name: "export",
        aliases: &[],
        args: "[markdown|json|csv|actions|actions-md]",
        help: "write a postmortem draft (or the follow-ups) next to the incident log",
        handler: Handler::View(|_, rest| {
            Ok(ViewCommand::Export(if rest.trim().is_empty() {
                crate::export::Format::Markdown
            } else {
                crate::export::Format::parse(rest)
                    .ok_or_else(|| ParseError::Format(rest.trim().to_string()))?
            }))
        }),
    },
    CommandSpec {
        name: "theme",
        aliases: &[],
        args: "NAME",
        help: "switch this view's theme",
        handler: Handler::View(|c, rest| Ok(ViewCommand::Theme(c.need(rest)?))),
    },
    CommandSpec {
        name: "help",
        // `:h` stayed help when `:handoff` came (vim's habit); handoff is `:ha`.
        aliases: &["h"],
        args: "",
        help: "show keys and commands",
        handler: Handler::View(|_, _| Ok(ViewCommand::Help)),
    },
    CommandSpec {
        name: "quit",
        aliases: &["q", "exit"],
        args: "",
        help: "leave the room",
        handler: Handler::View(|_, _| Ok(ViewCommand::Quit)),
    },
    CommandSpec {
        name: "incidents",
        aliases: &[],
        args: "",
        help: "the incidents of the log folder: / filters, Enter opens (resolved: replays)",
        handler: Handler::View(|_, _| Ok(ViewCommand::Incidents)),
    },
    CommandSpec {
        name: "handoff",
        aliases: &[],
        args: "NAME",
        help: "hand the commander role to NAME with a handoff brief (both see it)",
        handler: Handler::Record(|c, rest, incident, now| {
            super::handoff::handoff_event(incident, &c.need(rest)?, now)
        }),
    },
];

/// `:role ROLE NAME|-` (`:role commander NAME` while another commands is a handoff).
fn role(
    c: &CommandSpec,
    rest: &str,
    incident: &Incident,
    now: DateTime<Utc>,
) -> Result<EventKind, ParseError> {
    let r = c.need(rest)?;
    let (role, person) = match r.split_once(' ') {
        Some((a, b)) => (a.trim().to_lowercase(), b.trim().to_string()),
        None => return Err(c.usage_error()),
    };
    if role.is_empty() || person.is_empty() {
        return Err(c.usage_error());
    }
    let person = if person == "-" { String::new() } else { person };
    if super::handoff::role_is_handoff(incident, &role, &person) {
        return super::handoff::handoff_event(incident, &person, now);
    }
    Ok(EventKind::RoleAssigned { role, person })
}

/// What a command line asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Record this event (only a [`Handler::Record`] command makes one).
    Record(EventKind),
    /// Change this view or leave it.
    View(ViewCommand),
    /// Open the status-update composer (a [`Handler::Write`] command: refused read-only).
    Compose,
    /// Open the correction form on the selected timeline entry (refused read-only).
    Amend,
}

/// What a [`Handler::View`] command asks of the view.
#[derive(Clone, Debug, PartialEq)]
pub enum ViewCommand {
    Theme(String),
    Export(crate::export::Format),
    Help,
    Quit,
    /// The incident list (`:incidents`).
    Incidents,
}

/// Resolves a possibly abbreviated command name or alias (`:st` → `state`, `:q` → `quit`).
fn resolve(word: &str) -> Result<&'static CommandSpec, ParseError> {
    let w = word.to_ascii_lowercase();
    if let Some(c) = COMMANDS
        .iter()
        .find(|c| c.name == w || c.aliases.contains(&w.as_str()))
    {
        return Ok(c);
    }
    let m: Vec<&CommandSpec> = COMMANDS
        .iter()
        .filter(|c| !w.is_empty() && c.name.starts_with(&w))
        .collect();
    match m.as_slice() {
        [one] => Ok(one),
        [] => Err(ParseError::Unknown(crate::text::line_max(word, 40))),
        many => Err(ParseError::Ambiguous {
            word: w,
            names: many.iter().map(|c| c.name).collect(),
        }),
    }
}

/// Parses `HH:MM[:SS]` (UTC, the last such time within 24 h: today, or yesterday if that
/// is still to come), `YYYY-MM-DD HH:MM[:SS]` (UTC) or RFC 3339.
pub fn parse_time(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, ParseError> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Ok(t.and_utc());
        }
    }
    let t = NaiveTime::parse_from_str(s, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M"))
        .map_err(|_| ParseError::Time(crate::text::line_max(s, 40)))?;
    let today = now.date_naive().and_time(t).and_utc();
    if today > now {
        Ok(today - chrono::Duration::days(1))
    } else {
        Ok(today)
    }
}

/// A back-dated impact start further back than this is confirmed first.
pub const CONFIRM_IMPACT_AFTER: Duration = Duration::hours(6);

/// `13:58 UTC (14m ago)` today, `2026-11-20 23:59 UTC (yesterday, 14h13m ago)` otherwise.
pub fn describe_time(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let ago = crate::incident::format_duration((now - at).max(Duration::zero()));
    let day = at.date_naive();
    if day == now.date_naive() {
        format!("{} UTC ({ago} ago)", at.format("%H:%M:%S"))
    } else if Some(day) == now.date_naive().pred_opt() {
        format!(
            "{} UTC (yesterday, {ago} ago)",
            at.format("%Y-%m-%d %H:%M:%S")
        )
    } else {
        format!("{} UTC ({ago} ago)", at.format("%Y-%m-%d %H:%M:%S"))
    }
}

/// The question to ask before recording `kind`, if it needs a `y` first: an impact start
/// more than six hours back, or resolving an incident nobody declared.
pub fn confirmation(kind: &EventKind, incident: &Incident, now: DateTime<Utc>) -> Option<String> {
    match kind {
        EventKind::ImpactStarted { at } if now - *at > CONFIRM_IMPACT_AFTER => Some(format!(
            "Impact started {}? y = record, any other key = cancel",
            describe_time(*at, now)
        )),
        EventKind::StateChanged {
            state: IncidentState::Resolved,
        } if !incident.declared => Some(
            "The incident was never declared. Resolve it anyway? y = resolve, any other key = cancel"
                .to_string(),
        ),
        _ => None,
    }
}

/// What the status line says of `kind` (from the command `line`), after "not yet recorded: "
/// or "recorded: ".
pub fn described(kind: &EventKind, line: &str, now: DateTime<Utc>) -> String {
    match kind {
        EventKind::ImpactStarted { at } => {
            format!("impact started {}", describe_time(*at, now))
        }
        _ => format!(
            ":{}",
            crate::ui::paint::fit(&crate::text::line_max(line, 200), 60)
        ),
    }
}

/// Parses one command line (without the leading `:`) with its command's handler.
pub fn parse(input: &str, incident: &Incident, now: DateTime<Utc>) -> Result<Command, ParseError> {
    let input = crate::text::line(input);
    let input = input.trim();
    let (word, rest) = match input.split_once(' ') {
        Some((w, r)) => (w, r.trim()),
        None => (input, ""),
    };
    if word.is_empty() {
        return Err(ParseError::Empty);
    }
    let spec = resolve(word)?;
    match spec.handler {
        Handler::Record(run) => run(spec, rest, incident, now).map(Command::Record),
        Handler::View(run) => run(spec, rest).map(Command::View),
        Handler::Write(run) => run(spec, rest, incident),
    }
}

/// `:update` (the composer), `:update [public] STATE TEXT`, `:update internal TEXT`.
fn parse_update(c: &CommandSpec, rest: &str, incident: &Incident) -> Result<Command, ParseError> {
    use crate::incident::Audience;
    if rest.is_empty() {
        return Ok(Command::Compose);
    }
    let (word, text) = rest.split_once(' ').unwrap_or((rest, ""));
    let (audience, state, text) = match word.to_ascii_lowercase().as_str() {
        "internal" => (Audience::Internal, incident.state, text.trim()),
        "public" => {
            let (st, t) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
            let st = public_state(c, st)?
                .ok_or_else(|| ParseError::PublicWithoutState { usage: c.usage() })?;
            (Audience::Public, st, t.trim())
        }
        w => match public_state(c, w)? {
            Some(st) => (Audience::Public, st, text.trim()),
            None => {
                return Err(ParseError::NotAState {
                    usage: c.usage(),
                    word: crate::text::line_max(word, 30),
                });
            }
        },
    };
    if text.is_empty() {
        return Err(ParseError::UpdateWithoutText { usage: c.usage() });
    }
    Ok(Command::Record(EventKind::StatusUpdate {
        audience,
        state,
        components: Vec::new(),
        body: text.to_string(),
        targets: Vec::new(),
    }))
}

/// The state of a public update, written in full: a public message never goes out on a
/// guess, so a prefix (`investigatin`) is refused naming the state it would have been.
fn public_state(c: &CommandSpec, w: &str) -> Result<Option<IncidentState>, ParseError> {
    let t = w.trim().to_ascii_lowercase();
    if let Some(st) = IncidentState::ALL.into_iter().find(|st| st.as_str() == t) {
        return Ok(Some(st));
    }
    match IncidentState::parse(&t) {
        Some(st) => Err(ParseError::StateNotInFull {
            usage: c.usage(),
            word: crate::text::line_max(w, 30),
            state: st.as_str(),
        }),
        None => Ok(None),
    }
}

fn common_prefix(v: &[String]) -> String {
    let Some(first) = v.first() else {
        return String::new();
    };
    let mut n = first.len();
    for s in &v[1..] {
        n = n.min(
            first
                .char_indices()
                .zip(s.chars())
                .take_while(|((_, a), b)| a == b)
                .map(|((i, a), _)| i + a.len_utf8())
                .last()
                .unwrap_or(0),
        );
    }
    first.get(..n).unwrap_or("").to_string()
}

/// Completes a command line: returns the new line and the candidates shown.
pub fn complete(input: &str, incident: &Incident, themes: &[String]) -> (String, Vec<String>) {
    let (word, rest) = match input.split_once(' ') {
        Some((w, r)) => (w, Some(r)),
        None => (input, None),
    };
    let Some(rest) = rest else {
        let c: Vec<String> = COMMANDS
            .iter()
            .filter(|c| c.name.starts_with(&word.to_ascii_lowercase()))
            .map(|c| c.name.to_string())
            .collect();
        return match c.len() {
            0 => (input.to_string(), c),
            1 => (format!("{} ", c[0]), c),
            _ => (common_prefix(&c).max(input.to_string()), c),
        };
    };
    let Ok(spec) = resolve(word) else {
        return (input.to_string(), Vec::new());
    };
    let name = spec.name;
    let options: Vec<String> = match name {
        "state" => IncidentState::ALL
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        "sev" => vec!["1".into(), "2".into(), "3".into(), "4".into()],
        "update" if !rest.contains(' ') => IncidentState::ALL
            .iter()
            .map(|s| s.as_str().to_string())
            .chain(["internal".to_string()])
            .collect(),
        "theme" => themes.to_vec(),
        // `:action … @` completes the owner from the people of the incident.
        "action" if rest.rsplit(' ').next().is_some_and(|w| w.starts_with('@')) => incident
            .participants
            .iter()
            .map(|p| format!("@{p}"))
            .collect(),
        "handoff" | "role" => {
            if name == "handoff" || rest.contains(' ') {
                let mut p: Vec<String> = incident.present.iter().cloned().collect();
                for x in &incident.participants {
                    if !p.contains(x) {
                        p.push(x.clone());
                    }
                }
                p
            } else {
                let mut r: Vec<String> = STANDARD_ROLES.iter().map(|s| s.to_string()).collect();
                for k in incident.roles.keys() {
                    if !r.contains(k) {
                        r.push(k.clone());
                    }
                }
                r
            }
        }
        _ => Vec::new(),
    };
    let (fixed, last) = match rest.rsplit_once(' ') {
        Some((a, b)) => (format!("{a} "), b),
        None => (String::new(), rest),
    };
    let c: Vec<String> = options
        .into_iter()
        .filter(|o| o.to_lowercase().starts_with(&last.to_lowercase()))
        .collect();
    let done = match c.len() {
        0 => last.to_string(),
        1 => format!("{} ", c[0]),
        _ => {
            let p = common_prefix(&c);
            if p.len() > last.len() {
                p
            } else {
                last.to_string()
            }
        }
    };
    (format!("{name} {fixed}{done}"), c)
}
