//! `warroom` (no subcommand): open the war room on the local terminal.
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use chrono::Utc;

use super::args::OpenArgs;
use crate::config::Config;
use crate::incident::{Actor, Draft, EventKind};
use crate::room::{self, RoomOptions};
use crate::term::local;
use crate::ui::app::App;

/// Opens the room for `config` and starts everything that feeds it: the drills of drill
/// sources and the live sources, seeded with what the log already holds so a continued
/// room does not repeat it. Used by `warroom` and `warroom serve`.
pub async fn start_room(
    config: &Config,
    opts: RoomOptions,
) -> Result<(crate::room::RoomHandle, crate::room::RoomInfo), room::RoomError> {
    let (room, info) = room::open(config, opts).await?;
    for plan in &info.drills {
        plan.spawn(&room);
    }
    let known = room.read().clone();
    // The tasks end when the room closes (their sends fail).
    drop(crate::sources::spawn_all_seeded(
        config,
        room.sender(),
        &known,
    ));
    // Status updates go to the `[[publish]]` targets; the runners end with the room.
    drop(crate::publish::runner::spawn_all(config, &room));
    Ok((room, info))
}

pub fn run(args: &OpenArgs) -> ExitCode {
    if !super::speed_ok("", args.speed) {
        return ExitCode::from(2);
    }
    let mut config = match crate::assets::load_config(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            say(format_args!("{e}"));
            return ExitCode::from(1);
        }
    };
    if let Err(e) = super::use_theme(&mut config, args.theme.as_deref()) {
        say(format_args!("warroom: {e}"));
        return ExitCode::from(2);
    }
    if let Err(e) =
        super::log_store::apply(&mut config, args.store.as_deref(), args.incident.as_deref())
    {
        say(format_args!("warroom: {e}"));
        return ExitCode::from(2);
    }
    let log_file = init_tracing();
    if let Some(f) = &log_file {
        local::set_diagnostic_log(f.clone());
    }
    let user = user_name(args.user.as_deref());
    let mut log_path = chosen_log(args.log.as_ref(), args.new, &config);
    if args.no_drill {
        without_drills(&mut config);
    }
    // No config of its own (the bundled drill): offer the open incidents here first.
    if config.path.is_none() && log_path.is_none() && super::incidents::interactive() {
        match super::start_offer::offer(&config) {
            Some(c) if c.replay => return super::incidents::open_choice(&c, None),
            Some(c) => {
                without_drills(&mut config);
                log_path = Some(c.path);
            }
            None => {}
        }
    }
    loop {
        let (code, picked) = run_room(args, &config, &user, log_file.as_ref(), log_path);
        let Some(c) = picked else { return code };
        if c.replay {
            return super::incidents::open_choice(&c, None);
        }
        // Picked in `:incidents`: open that incident's room (never the config's drill
        // into it); one of the shared stream is joined by its id on the same store.
        without_drills(&mut config);
        match c.incident {
            Some(id) => {
                config.incident.id = Some(id);
                log_path = None;
            }
            None => log_path = Some(c.path),
        }
    }
}

/// A picked incident is opened as it is: the config's drills do not play into it.
pub fn without_drills(config: &mut Config) {
    config
        .sources
        .retain(|s| !matches!(s.kind, crate::config::SourceKind::Drill(_)));
}

/// Runs one room on this terminal; the exit code, and the incident picked in its
/// `:incidents` list (the room was left to open it).
fn run_room(
    args: &OpenArgs,
    config: &Config,
    user: &str,
    log_file: Option<&PathBuf>,
    log_path: Option<PathBuf>,
) -> (ExitCode, Option<crate::ui::incidents_popup::Choice>) {
    let user = user.to_string();
    let log_file = log_file.cloned();
    let slot = crate::ui::incidents_popup::ChoiceSlot::default();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            say(format_args!("warroom: cannot start: {e}"));
            return (ExitCode::from(1), None);
        }
    };
    let opts = RoomOptions {
        user: user.clone(),
        log_path,
        speed: args.speed,
    };
    let result = rt.block_on(async {
        let (room, info) = start_room(config, opts).await?;
        // `--ssh ADDR` (or `[ssh] listen`): responders join this room beside the local view.
        let ssh_addr = args.ssh.clone().or_else(|| config.ssh.listen.clone());
        let server = match ssh_addr {
            Some(addr) => {
                let server = crate::term::ssh::serve(room.clone(), &config.ssh, &addr).await?;
                let text = format!(
                    "Responders can join over SSH: ssh -t -p {} NAME@HOST (host key {})",
                    server.local_addr().port(),
                    server.fingerprint()
                );
                tracing::info!(addr = %server.local_addr(), "{text}");
                let _ = room
                    .record(Draft::new(
                        Utc::now(),
                        Actor::System,
                        EventKind::Note { text },
                    ))
                    .await;
                Some(server)
            }
            None => None,
        };
        let mut app = app_for(&room, &user);
        app.opts.chosen = Some(slot.clone());
        app.opts.opens_rooms = true;
        if let Some(m) = continuing(&room, &info) {
            app.notify(m, false);
        }
        let exit = local::run(room.clone(), app, &user).await;
        if let Some(server) = server {
            server.stop().await;
        }
        room.shutdown().await;
        Ok::<_, anyhow::Error>((exit?, info, room.health()))
    });
    rt.shutdown_timeout(Duration::from_millis(500));
    // The terminal may be gone (closed window): nothing here may fail on a write.
    match result {
        Ok((exit, info, health)) => {
            tracing::info!(?exit, "bye");
            if let Some(e) = &health.log_error {
                say(format_args!(
                    "warroom: {} actions could not be written to {} ({e}); they are in {}",
                    health.waiting_actions,
                    info.log_path.display(),
                    log_file
                        .as_deref()
                        .map_or("no diagnostic log".into(), |f| f.display().to_string())
                ));
                return (ExitCode::from(1), None);
            }
            if exit != local::Exit::Hangup {
                // The first thing printed after leaving: where the record is.
                let _ = writeln!(
                    std::io::stdout(),
                    "incident log: {}",
                    info.log_path.display()
                );
            }
            (ExitCode::SUCCESS, slot.take())
        }
        Err(e) => {
            local::restore_terminal();
            say(format_args!("warroom: {e:#}"));
            if let Some(f) = log_file {
                say(format_args!("details: {}", f.display()));
            }
            (ExitCode::from(1), None)
        }
    }
}

/// The log the room writes: `--log`, else with `--new` a fresh one from the template,
/// else `None` (the room continues the open incident of the config, or starts one).
pub fn chosen_log(log: Option<&PathBuf>, new: bool, config: &Config) -> Option<PathBuf> {
    match log {
        Some(l) => Some(l.clone()),
        None if new => room::new_log_path(config, Utc::now()),
        None => None,
    }
}

/// "continuing the incident opened 14:02 UTC (…)" when the room continued a log.
pub fn continuing(room: &crate::room::RoomHandle, info: &crate::room::RoomInfo) -> Option<String> {
    if !info.continued {
        return None;
    }
    let opened = room.read().first_at?;
    let when = if opened.date_naive() == Utc::now().date_naive() {
        opened.format("%H:%M UTC").to_string()
    } else {
        opened.format("%Y-%m-%d %H:%M UTC").to_string()
    };
    Some(format!(
        "continuing the incident opened {when} ({}); `warroom --new` starts another",
        crate::text::line(&info.log_path.display().to_string())
    ))
}

/// One line to stderr; a terminal that is gone is not an error.
fn say(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The local view: this terminal's colour depth (`COLORTERM`, `TERM`, `NO_COLOR`) and the
/// room's theme (the config's, see [`crate::room::Look`]).
fn app_for(room: &crate::room::RoomHandle, user: &str) -> App {
    App::new(crate::term::view_options(
        room,
        user,
        crate::assets::themes::color_depth_from_env(),
    ))
}

/// The person's name: `--user` (or `$WARROOM_USER`), then `$USER`, else "commander".
pub fn user_name(given: Option<&str>) -> String {
    let clean = |s: &str| crate::text::line_max(s.trim(), 40);
    given
        .map(clean)
        .filter(|s| !s.is_empty())
        .or_else(|| {
            std::env::var("USER")
                .ok()
                .map(|s| clean(&s))
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "commander".to_string())
}

/// Where warroom's own log goes: `$XDG_STATE_HOME/warroom/warroom.log` (or
/// `~/.local/state/warroom/warroom.log`).
pub fn log_file_path() -> Option<PathBuf> {
    crate::paths::diagnostic_log()
}

/// Sends tracing to the log file (never to the screen). `WARROOM_LOG` sets the filter.
/// Returns the file's path, or `None` when it could not be opened (then nothing is logged).
fn init_tracing() -> Option<PathBuf> {
    let path = log_file_path()?;
    std::fs::create_dir_all(path.parent()?).ok()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("WARROOM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init()
        .ok()?;
    Some(path)
}
