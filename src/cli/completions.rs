//! `warroom completions SHELL`: the completion script for bash, zsh, fish, elvish or
//! PowerShell, generated from the clap definitions (subcommands, flags, theme and drill
//! names).
use std::ffi::OsStr;
use std::process::ExitCode;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap_complete::Shell;

/// Prints the script for `shell` on stdout.
pub fn run(shell: Shell) -> ExitCode {
    let mut cmd = super::version::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "warroom", &mut out);
    super::man::write_stdout(&out)
}

/// Accepts any text, and offers `names` for completion and in `--help`: a built-in name
/// or a file (a drill file, a theme in a themes folder).
#[derive(Clone, Debug)]
pub struct NameOrOther(fn() -> Vec<&'static str>);

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
        Some(Box::new((self.0)().into_iter().map(PossibleValue::new)))
    }
}

/// The bundled drills' names (`checkout-outage`, …), as `warroom drill NAME` takes them.
pub fn drill_names() -> NameOrOther {
    NameOrOther(|| {
        crate::sources::drill::BUILTIN
            .iter()
            .map(|(file, _)| file.strip_suffix(".jsonl").unwrap_or(file))
            .collect()
    })
}

/// The built-in themes' names.
pub fn theme_names() -> NameOrOther {
    NameOrOther(|| crate::ui::theme::BUILTIN.to_vec())
}
