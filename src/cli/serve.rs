//! `warroom serve --ssh ADDR`: a headless room; responders join over SSH only.
use std::process::ExitCode;

use super::args::{OpenArgs, ServeArgs};
use crate::config::Config;
use crate::term::ssh;

pub fn run(open: &OpenArgs, args: &ServeArgs) -> ExitCode {
    if !super::speed_ok("serve", args.speed) {
        return ExitCode::from(2);
    }
    let mut config = match crate::assets::load_config(open.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = super::use_theme(&mut config, open.theme.as_deref()) {
        eprintln!("warroom serve: {e}");
        return ExitCode::from(2);
    }
    if let Err(e) =
        super::log_store::apply(&mut config, open.store.as_deref(), open.incident.as_deref())
    {
        eprintln!("warroom serve: {e}");
        return ExitCode::from(2);
    }
    init_logging();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("warroom serve: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    rt.block_on(serve(config, args))
}

async fn serve(config: Config, args: &ServeArgs) -> ExitCode {
    let user = std::env::var("USER").unwrap_or_else(|_| "commander".into());
    let opts = crate::room::RoomOptions {
        user,
        log_path: super::open::chosen_log(args.log.as_ref(), args.new, &config),
        speed: args.speed,
    };
    let (room, info) = match super::open::start_room(&config, opts).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("warroom serve: {e}");
            return ExitCode::from(1);
        }
    };
    let server = match ssh::serve(room.clone(), &config.ssh, &args.ssh).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("warroom serve: {e}");
            return ExitCode::from(1);
        }
    };
    // One summary line per login on stderr (the full audit trail is in the log).
    let mut logins = server.logins();
    tokio::spawn(async move {
        use std::io::Write;
        use tokio::sync::broadcast::error::RecvError;
        loop {
            let line = match logins.recv().await {
                Ok(login) => format!("warroom: ssh login {login}"),
                Err(RecvError::Lagged(n)) => format!("warroom: {n} ssh login lines skipped"),
                Err(RecvError::Closed) => return,
            };
            let _ = writeln!(std::io::stderr(), "{line}");
        }
    });
    let addr = server.local_addr();
    println!(
        "warroom: serving \"{}\" over ssh on {addr}",
        config.incident.title
    );
    println!("host key fingerprint: {}", server.fingerprint());
    println!(
        "join with: ssh -t -p {} NAME@HOST   (Ctrl-C here stops the room)",
        addr.port()
    );
    println!("incident log: {}", info.log_path.display());
    if let Some(m) = super::open::continuing(&room, &info) {
        println!("{m}");
    }
    wait_for_stop().await;
    println!("warroom: stopping ({} views open)", server.sessions());
    server.stop().await;
    room.shutdown().await;
    ExitCode::SUCCESS
}

/// Ctrl-C or SIGTERM.
async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Logs go to stderr only when `WARROOM_LOG` is set (e.g. `WARROOM_LOG=info`): serve has no
/// screen of its own to disturb.
fn init_logging() {
    if let Ok(filter) = std::env::var("WARROOM_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .try_init();
    }
}
