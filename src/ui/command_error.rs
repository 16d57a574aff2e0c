//! Why a `:` command line was not carried out. Each message is shown as typed here on the
//! command line (in the error style), so it names what to type instead.

/// Why a command line (`ui::command::parse`) made no event or view change.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ParseError {
    #[error("empty command (try :help)")]
    Empty,
    /// The word, cut for the screen.
    #[error("unknown command :{0} (try :help)")]
    Unknown(String),
    #[error(":{word} is ambiguous: {}", names.join(", "))]
    Ambiguous {
        word: String,
        names: Vec<&'static str>,
    },
    /// The command's usage line ("usage: :sev 1-4").
    #[error("{usage}")]
    Usage { usage: String },
    #[error("bad severity {0:?}: use 1, 2, 3 or 4")]
    Severity(String),
    #[error("bad state {0:?}: investigating, identified, monitoring or resolved")]
    State(String),
    #[error("bad time {0:?}: use HH:MM, HH:MM:SS, YYYY-MM-DD HH:MM (UTC) or RFC 3339")]
    Time(String),
    #[error("impact can't start in the future")]
    FutureImpact,
    #[error("unknown format {0:?}: markdown, json, csv, actions or actions-md")]
    Format(String),
    #[error("{usage}: after `public` comes the state")]
    PublicWithoutState { usage: String },
    #[error(
        "{usage}: {word:?} is not a state (investigating, identified, monitoring, resolved) or `internal`"
    )]
    NotAState { usage: String, word: String },
    #[error("{usage}: the update needs its text")]
    UpdateWithoutText { usage: String },
    /// A public update's state given by a prefix: never sent on a guess.
    #[error(
        "{usage}: write the state of a public update in full: {word:?} is not `{state}` (Tab completes); nothing sent"
    )]
    StateNotInFull {
        usage: String,
        word: String,
        state: &'static str,
    },
    #[error("{usage}: one @owner per follow-up")]
    SecondOwner { usage: String },
    #[error("{usage}: one due: date per follow-up")]
    SecondDue { usage: String },
    #[error("bad due date {0:?}: write due:YYYY-MM-DD, e.g. due:2026-12-05; nothing recorded")]
    DueDate(String),
    #[error("{usage}: the follow-up needs its text")]
    ActionWithoutText { usage: String },
    #[error("usage: :handoff NAME")]
    HandoffWithoutName,
    #[error("{0} is already commander")]
    AlreadyCommander(String),
}
