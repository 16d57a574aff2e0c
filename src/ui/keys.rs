//! The key table: one list that drives both key handling and the `?` help screen.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key does in normal mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAction {
    FocusNext,
    FocusPrev,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Zoom,
    Tick,
    Note,
    Update,
    Amend,
    Filter,
    Command,
    Help,
    Quit,
    ForceQuit,
    Escape,
}

/// One key (code + required modifiers).
#[derive(Clone, Copy, Debug)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}
const fn code(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

/// A binding: keys, what they do, how help shows them, and an optional short hint for the
/// bottom bar.
pub struct Binding {
    pub keys: &'static [Key],
    pub action: KeyAction,
    pub label: &'static str,
    pub help: &'static str,
    pub hint: Option<&'static str>,
    /// Changes the incident (refused in read-only views).
    pub writes: bool,
}

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[code(KeyCode::Tab)],
        action: KeyAction::FocusNext,
        label: "Tab",
        help: "focus the next pane (or click a pane)",
        hint: Some("focus"),
        writes: false,
    },
    Binding {
        keys: &[code(KeyCode::BackTab)],
        action: KeyAction::FocusPrev,
        label: "Shift-Tab",
        help: "focus the previous pane",
        hint: None,
        writes: false,
    },
    Binding {
        keys: &[code(KeyCode::Up), k('k')],
        action: KeyAction::Up,
        label: "↑ k",
        help: "scroll up / select the previous item (the timeline moves by whole entries)",
        hint: None,
        writes: false,
    },
    Binding {
        keys: &[code(KeyCode::Down), k('j')],
        action: KeyAction::Down,
        label: "↓ j",
        help: "scroll down / select the next item",
        hint: None,
        writes: false,
    },
    Binding {
        keys: &[code(KeyCode::Left), k('h')],
        action: KeyAction::Left,
        label: "← h",
        help: "previous checklist (in Checklists; every list's progress stays in view)",
        hint: None,
        writes: false,
    },
    Binding {
        keys: &[code(KeyCode::Right), k('l')],
        action: KeyAction::Right,
        label: "→ l",
        help: "next checklist (in Checklists)",
        hint: None,
        writes: false,
    },
    Binding {
        keys: &[code(KeyCode::PageUp), ctrl('u')],
        action: KeyAction::PageUp,
        label: "PgUp C-u",
        help: "scroll up a page",
        hint: None,
        writes: false,
    },
    Binding {
        keys: &[code(KeyCode::PageDown), ctrl('d')],
        action: KeyAction::PageDown,
        label: "PgDn C-d",
        help: "scroll down a page",
        hint: None,
        writes: false,
    },
    Binding {
        keys: &[code(KeyCode::Home), k('g')],
        action: KeyAction::Top,
        label: "Home g",
        help: "go to the top (oldest): the timeline shows its first entry at the top",
        hint: None,
        writes: false,
    },
    Binding {
        keys: &[code(KeyCode::End), k('G')],
        action: KeyAction::Bottom,
        label: "End G",
        help: "go to the bottom (newest) and follow live again",
        hint: None,
        writes: false,
    },
    Binding {
        keys: &[k('z')],
        action: KeyAction::Zoom,
        label: "z",
        help: "zoom the focused pane to full screen, and back",
        hint: Some("zoom"),
        writes: false,
    },
    Binding {
        keys: &[k(' ')],
        action: KeyAction::Tick,
        label: "space",
        help: "tick / untick the selected checklist item",
        hint: Some("tick"),
        writes: true,
    },
    Binding {
        keys: &[k('n')],
        action: KeyAction::Note,
        label: "n",
        help: "write a note into the timeline",
        hint: Some("note"),
        writes: true,
    },
    Binding {
        keys: &[k('u')],
        action: KeyAction::Update,
        label: "u",
        help: "write a status update (public or internal): composer with preview",
        hint: Some("update"),
        writes: true,
    },
    Binding {
        keys: &[k('e')],
        action: KeyAction::Amend,
        label: "e",
        help: "correct the selected timeline entry (↑ selects): its text or time, or strike it, with a reason",
        hint: None,
        writes: true,
    },
    Binding {
        keys: &[k('/')],
        action: KeyAction::Filter,
        label: "/",
        help: "filter the timeline by text and kind:NAME (Esc clears)",
        hint: Some("filter"),
        writes: false,
    },
    Binding {
        keys: &[k(':')],
        action: KeyAction::Command,
        label: ":",
        help: "command mode (Tab completes, ↑↓ history)",
        hint: Some("command"),
        writes: false,
    },
    Binding {
        keys: &[k('?'), code(KeyCode::F(1))],
        action: KeyAction::Help,
        label: "? F1",
        help: "this help",
        hint: Some("help"),
        writes: false,
    },
    Binding {
        keys: &[code(KeyCode::Esc)],
        action: KeyAction::Escape,
        label: "Esc",
        help: "close help / un-zoom / clear the filter",
        hint: None,
        writes: false,
    },
    Binding {
        keys: &[k('q')],
        action: KeyAction::Quit,
        label: "q",
        help: "leave (asks first while the incident is open)",
        hint: Some("quit"),
        writes: false,
    },
    Binding {
        keys: &[ctrl('c')],
        action: KeyAction::ForceQuit,
        label: "Ctrl-C",
        help: "leave now",
        hint: None,
        writes: false,
    },
];

fn matches(key: &Key, ev: &KeyEvent) -> bool {
    let mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
    let same = match (key.code, ev.code) {
        // Terminals report Shift for upper-case letters and some symbols; ignore it.
        (KeyCode::Char(a), KeyCode::Char(b)) => {
            a == b || (key.mods.contains(KeyModifiers::CONTROL) && a == b.to_ascii_lowercase())
        }
        (a, b) => a == b,
    };
    same && mods == key.mods
}

/// The binding for a key press, if any (releases and repeats of releases are ignored).
pub fn lookup(ev: &KeyEvent) -> Option<&'static Binding> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    BINDINGS
        .iter()
        .find(|b| b.keys.iter().any(|k| matches(k, ev)))
}

/// The key table as Markdown (`| key | does |`), in table order: README's "Keys" section
/// is this text (a test compares them), as `?` help is drawn from the same table.
pub fn markdown_table() -> String {
    let mut out = String::from("| key | does |\n|---|---|\n");
    for b in BINDINGS {
        let keys = b.label.split(' ').collect::<Vec<_>>().join(" / ");
        let ro = if b.writes {
            " (not in read-only views)"
        } else {
            ""
        };
        out.push_str(&format!("| {keys} | {}{ro} |\n", b.help));
    }
    out
}
