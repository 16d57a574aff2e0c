//! `warroom man`: the man page (roff), generated from the clap definitions: the main page
//! and, after it, one section per subcommand with its synopsis and options.
use std::io::Write;
use std::process::ExitCode;

use clap_mangen::Man;

/// The whole page as roff.
pub fn page() -> std::io::Result<Vec<u8>> {
    let mut cmd = super::version::command();
    cmd.build();
    let mut out = Vec::new();
    // An empty date would shift the `.TH` fields (clap_mangen writes it unquoted).
    let date = match env!("WARROOM_GIT_DATE") {
        "" => concat!("version ", env!("CARGO_PKG_VERSION")),
        d => d,
    };
    Man::new(cmd.clone()).date(date).render(&mut out)?;
    for sub in cmd.get_subcommands() {
        subcommand(sub, &mut out)?;
    }
    Ok(out)
}

/// `.SH WARROOM DRILL` then the subcommand's synopsis, description and options, each as a
/// subsection (`.SS`); nested subcommands (`log verify`) follow. clap's own `help`
/// subcommands are left out: the page is the help.
fn subcommand(sub: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    if sub.is_hide_set() || sub.get_name() == "help" {
        return Ok(());
    }
    let name = sub.get_bin_name().unwrap_or(sub.get_name()).to_string();
    let man = Man::new(sub.clone());
    let mut body = Vec::new();
    man.render_synopsis_section(&mut body)?;
    man.render_description_section(&mut body)?;
    if sub.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut body)?;
    }
    writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
    for line in String::from_utf8_lossy(&body).lines() {
        match line.strip_prefix(".SH ") {
            Some(title) => writeln!(out, ".SS {title}")?,
            None => writeln!(out, "{line}")?,
        }
    }
    for nested in sub.get_subcommands() {
        subcommand(nested, out)?;
    }
    Ok(())
}

pub fn run() -> ExitCode {
    match page() {
        Ok(p) => write_stdout(&p),
        Err(e) => {
            eprintln!("warroom man: {e}");
            ExitCode::from(1)
        }
    }
}

/// Writes `bytes` to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub fn write_stdout(bytes: &[u8]) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("warroom: cannot write to stdout: {e}");
            ExitCode::from(1)
        }
    }
}
