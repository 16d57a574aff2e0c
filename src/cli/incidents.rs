//! `warroom incidents [DIR]`: list the incident logs of a directory, open ones first.
//!
//! When stdin and stdout are both terminals (and `--plain` is not given) the list is a
//! picker (`ui::incidents_popup`): `/` filters, Enter opens an open incident (or joins
//! it: a log another room holds is refused with its holder, to be joined over SSH) and
//! replays a resolved one. Otherwise (a pipe, a file, a script) it is the printed table.
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::desk::list::Listing;
use crate::ui::incidents_popup::{Choice, IncidentsPopup, Outcome};

#[derive(Args, Debug, Clone)]
pub struct IncidentsArgs {
    /// Directory of incident logs (default: incidents)
    #[arg(default_value = "incidents")]
    pub dir: PathBuf,
    /// Print the table even on a terminal (no picker)
    #[arg(long)]
    pub plain: bool,
}

/// Both ends are a terminal: a person is there to pick.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Exit 0 with the list (logs that cannot be read are named, not fatal); 2 when the
/// directory cannot be read. On a terminal, the picker; Enter opens the choice.
pub fn run(args: &IncidentsArgs, config: Option<&std::path::Path>) -> ExitCode {
    match crate::desk::list::list(&args.dir) {
        Ok(listing) if !args.plain && interactive() && !listing.incidents.is_empty() => {
            match pick(listing, "Incidents") {
                Ok(Some(choice)) => open_choice(&choice, config),
                Ok(None) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("warroom incidents: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Ok(listing) => {
            print!(
                "{}",
                crate::desk::list::render(&listing, chrono::Utc::now())
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("warroom incidents: {}", crate::text::line(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

/// Runs the picker on this terminal until Enter (the choice) or Esc (`None`).
pub fn pick(listing: Listing, title: &str) -> std::io::Result<Option<Choice>> {
    use crossterm::event::{self, Event, KeyEventKind};
    let _guard = crate::term::local::TerminalGuard::enter()?;
    let backend = ratatui::backend::CrosstermBackend::new(std::io::stdout());
    let mut term = ratatui::Terminal::new(backend)?;
    let theme = crate::ui::theme::Theme::default()
        .with_depth(crate::assets::themes::color_depth_from_env());
    let mut popup = IncidentsPopup::new(listing, chrono::Utc::now(), title);
    loop {
        term.draw(|f| {
            let area = f.area();
            popup.draw(f.buffer_mut(), area, &theme, chrono::Utc::now())
        })?;
        // Redrawn at least once a second: the ages tick.
        if !event::poll(std::time::Duration::from_secs(1))? {
            continue;
        }
        match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                if k.modifiers
                    .contains(crossterm::event::KeyModifiers::CONTROL)
                    && matches!(k.code, crossterm::event::KeyCode::Char('c'))
                {
                    return Ok(None);
                }
                match popup.key(&k) {
                    Outcome::Stay => {}
                    Outcome::Close => return Ok(None),
                    Outcome::Pick(c) => return Ok(Some(c)),
                }
            }
            _ => {}
        }
    }
}

/// Opens what was picked in a fresh `warroom` process on this terminal: `warroom --log
/// LOG --no-drill` for an open incident (with `--config FILE` when given; the config's
/// drills never play into a picked incident), `warroom replay LOG` for a resolved one.
/// Its exit code is ours.
pub fn open_choice(choice: &Choice, config: Option<&std::path::Path>) -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("warroom: cannot find this program to open the incident: {e}");
            return ExitCode::from(1);
        }
    };
    let mut cmd = std::process::Command::new(exe);
    if choice.replay {
        cmd.arg("replay").arg(&choice.path);
    } else {
        if let Some(c) = config {
            cmd.arg("--config").arg(c);
        }
        match &choice.incident {
            Some(id) => cmd.arg("--incident").arg(id),
            None => cmd.arg("--log").arg(&choice.path),
        };
        cmd.arg("--no-drill");
    }
    match cmd.status() {
        Ok(s) => ExitCode::from(s.code().map_or(1, |c| u8::try_from(c).unwrap_or(1))),
        Err(e) => {
            eprintln!("warroom: cannot open {}: {e}", choice.path.display());
            ExitCode::from(1)
        }
    }
}
