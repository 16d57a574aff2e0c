//! `warroom completions SHELL`: the completion script for bash, zsh, fish, elvish or
//! PowerShell, generated from the clap definitions (subcommands, flags, theme and drill
//! names).
use std::ffi::OsStr;
use std::process::ExitCode;

use clap::ValueEnum;
use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap_complete::Shell;

/// Prints the script for `shell` on stdout.
pub fn run(shell: ShellName) -> ExitCode {
    let mut cmd = super::version::command();
    let mut out = Vec::new();
    clap_complete::generate(Shell::from(shell), &mut cmd, "warroom", &mut out);
    if shell == ShellName::Fish {
        out.extend_from_slice(fish_drills().as_bytes());
    }
    super::man::write_stdout(&out)
}

/// clap_complete's fish script offers no values for positional arguments: the bundled
/// drills for `warroom drill`, with files still offered (a drill may be a file).
fn fish_drills() -> String {
    let mut s = String::new();
    for v in (drill_names().0)() {
        let help = v.get_help().map(|h| h.to_string()).unwrap_or_default();
        s.push_str(&format!(
            "complete -c warroom -n \"__fish_warroom_using_subcommand drill\" -a {} -d {}\n",
            fish_quote(v.get_name()),
            fish_quote(&help)
        ));
    }
    s
}

/// A fish single-quoted word.
fn fish_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The shells `warroom completions` writes for, and where each looks for the script.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShellName {
    /// save as ~/.local/share/bash-completion/completions/warroom
    Bash,
    /// save as `_warroom` in a folder of $fpath
    Zsh,
    /// save as ~/.config/fish/completions/warroom.fish
    Fish,
    /// in rc.elv: eval (warroom completions elvish | slurp)
    Elvish,
    /// in $PROFILE: warroom completions powershell | Out-String | Invoke-Expression
    Powershell,
}

impl From<ShellName> for Shell {
    fn from(s: ShellName) -> Shell {
        match s {
            ShellName::Bash => Shell::Bash,
            ShellName::Zsh => Shell::Zsh,
            ShellName::Fish => Shell::Fish,
            ShellName::Elvish => Shell::Elvish,
            ShellName::Powershell => Shell::PowerShell,
        }
    }
}

/// Accepts any text, and offers the names it is given for completion and in `--help`:
/// a built-in name, or else a file (a drill file, a theme in a themes folder).
#[derive(Clone, Debug)]
pub struct NameOrOther(fn() -> Vec<PossibleValue>);

impl TypedValueParser for NameOrOther {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.0)().into_iter()))
    }
}

/// The bundled drills (`checkout-outage`, …) as `warroom drill NAME` takes them, each with
/// its title.
pub fn drill_names() -> NameOrOther {
    NameOrOther(|| {
        crate::sources::drill::BUILTIN
            .iter()
            .map(|(file, text)| {
                let title = crate::sources::drill::DrillHeader::parse(
                    text.lines().next().unwrap_or_default(),
                )
                .map(|h| h.title)
                .unwrap_or_default();
                PossibleValue::new(file.strip_suffix(".jsonl").unwrap_or(file)).help(title)
            })
            .collect()
    })
}

/// The built-in themes, each with its description.
pub fn theme_names() -> NameOrOther {
    NameOrOther(|| {
        crate::ui::theme::BUILTIN
            .iter()
            .map(|name| {
                let about = crate::ui::theme::Theme::builtin(name)
                    .map(|t| t.description)
                    .unwrap_or_default();
                PossibleValue::new(*name).help(about)
            })
            .collect()
    })
}
