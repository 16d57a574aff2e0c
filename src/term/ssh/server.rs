//! The accept loop and the russh handler of one connection.
//!
//! Before login a connection holds a [`preauth::Slot`] (capped in total and per address)
//! and has `[ssh] login_grace` to log in; then it is closed. Every key or certificate the
//! room judges is written to the audit trail ([`audit`]).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use russh::keys::ssh_key::{Certificate, PrivateKey};
use russh::server::{Auth, ChannelOpenHandle, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, ChannelOpenFailure, MethodKind, MethodSet};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, watch};

use super::audit::{self, Credential, Login};
use super::auth::{Access, Admitted, RateLimiter};
use super::preauth::{PreAuth, Slot};
use super::refusal::Refusal;
use super::session;
use crate::config::SshConfig;
use crate::room::RoomHandle;

/// What every connection of one server shares.
pub struct Shared {
    pub room: RoomHandle,
    pub access: Access,
    pub limiter: RateLimiter,
    pub preauth: Arc<PreAuth>,
    pub login_grace: Duration,
    pub max_sessions: usize,
    pub idle_timeout: Duration,
    pub stall_timeout: Duration,
    pub frame_interval: Duration,
    /// Views open now.
    pub active: AtomicUsize,
    /// Set to true when the server stops.
    pub shutdown: watch::Sender<bool>,
    /// Open views per person (joined on the first, left after the last).
    pub presence: Mutex<HashMap<String, usize>>,
    /// The audit trail, for subscribers.
    pub logins: broadcast::Sender<Login>,
}

impl Shared {
    pub fn new(
        room: RoomHandle,
        access: Access,
        config: &SshConfig,
        options: super::ServeOptions,
    ) -> Self {
        Shared {
            room,
            access,
            limiter: RateLimiter::new(config.max_auth_failures),
            preauth: PreAuth::new(
                config.max_unauthenticated,
                config.max_unauthenticated_per_ip,
            ),
            login_grace: config.login_grace,
            max_sessions: config.max_sessions,
            idle_timeout: config.idle_timeout,
            stall_timeout: options.stall_timeout,
            frame_interval: options.frame_interval.max(Duration::from_millis(1)),
            active: AtomicUsize::new(0),
            shutdown: watch::channel(false).0,
            presence: Mutex::new(HashMap::new()),
            logins: broadcast::channel(256).0,
        }
    }
}

fn publickey_only() -> MethodSet {
    MethodSet::from(&[MethodKind::PublicKey][..])
}

/// What the accept loop and the handler of one connection both see.
struct ConnState {
    /// True once logged in.
    authed: watch::Sender<bool>,
    /// The last user name the client asked for.
    user: Mutex<Option<String>>,
    /// Whether a certificate reached the room's checks.
    cert_judged: AtomicBool,
    /// Held until login.
    slot: Mutex<Option<Slot>>,
}

impl ConnState {
    fn set_user(&self, user: &str) {
        if let Ok(mut u) = self.user.lock() {
            *u = Some(user.to_string());
        }
    }
    fn user(&self) -> Option<String> {
        self.user.lock().ok().and_then(|u| u.clone())
    }
    fn logged_in(&self) {
        if let Ok(mut s) = self.slot.lock() {
            s.take();
        }
        let _ = self.authed.send(true);
    }
}

pub async fn accept_loop(listener: TcpListener, key: PrivateKey, shared: Arc<Shared>) {
    let config = Arc::new(russh::server::Config {
        server_id: russh::SshId::Standard("SSH-2.0-warroom".into()),
        methods: publickey_only(),
        auth_rejection_time: Duration::from_millis(300),
        auth_rejection_time_initial: Some(Duration::ZERO),
        keys: vec![key],
        // Idle sessions are ended by the session itself (with a message); this only
        // collects connections that never open a view.
        inactivity_timeout: Some(shared.idle_timeout.max(Duration::from_secs(60))),
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 3,
        max_auth_attempts: 6,
        nodelay: true,
        ..Default::default()
    });
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        let (sock, peer) = tokio::select! {
            _ = shutdown.changed() => return,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    tracing::warn!("ssh accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let slot = match shared.preauth.admit(peer.ip()) {
            Ok(s) => s,
            Err(full) => {
                tracing::warn!(%peer, ?full, "ssh: too many connections not logged in; closed");
                drop(sock);
                continue;
            }
        };
        let state = Arc::new(ConnState {
            authed: watch::channel(false).0,
            user: Mutex::new(None),
            cert_judged: false.into(),
            slot: Mutex::new(Some(slot)),
        });
        let handler = Conn {
            shared: shared.clone(),
            peer,
            state: state.clone(),
            user: None,
            opened: false,
        };
        tokio::spawn(connection(
            config.clone(),
            sock,
            peer,
            handler,
            state,
            shared.clone(),
        ));
    }
}

/// Runs one connection: closed after the login grace time unless logged in by then.
async fn connection(
    config: Arc<russh::server::Config>,
    sock: tokio::net::TcpStream,
    peer: SocketAddr,
    handler: Conn,
    state: Arc<ConnState>,
    shared: Arc<Shared>,
) {
    let grace = shared.login_grace;
    let deadline = tokio::time::Instant::now() + grace;
    let mut shutdown = shared.shutdown.subscribe();
    let mut authed = state.authed.subscribe();
    // Resolves when the grace time is over and the connection is still not logged in.
    let grace_over = async move {
        tokio::time::sleep_until(deadline).await;
        if *authed.borrow_and_update() {
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(grace_over);
    let running = tokio::select! {
        r = russh::server::run_stream(config, sock, handler) => match r {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(%peer, "ssh connection setup failed: {e}");
                return;
            }
        },
        _ = &mut grace_over => {
            tracing::info!(%peer, "ssh: no handshake within the login grace time; closed");
            return;
        }
    };
    let handle = running.handle();
    tokio::pin!(running);
    let mut timed_out = false;
    tokio::select! {
        r = &mut running => {
            if let Err(e) = r {
                tracing::debug!(%peer, "ssh connection ended: {e}");
            }
        }
        _ = &mut grace_over => {
            timed_out = true;
            let _ = tokio::time::timeout(
                Duration::from_secs(1),
                handle.disconnect(russh::Disconnect::ByApplication, "login grace time exceeded".into(), String::new()),
            )
            .await;
        }
        _ = shutdown.changed() => {
            // Views restore their terminals first; then the connection goes.
            let _ = tokio::time::timeout(Duration::from_secs(2), &mut running).await;
            let _ = tokio::time::timeout(
                Duration::from_secs(1),
                handle.disconnect(russh::Disconnect::ByApplication, "warroom stopped".into(), String::new()),
            )
            .await;
        }
    }
    // Every connection that named a user and did not log in ends with a line, like sshd's
    // "Connection closed by authenticating user". Certificates outside their validity
    // window or badly signed are refused by the SSH layer before the room sees them: this
    // line is where such an attempt shows.
    let logged_in = *state.authed.borrow();
    if !logged_in && let Some(user) = state.user() {
        let why = Refusal::NotLoggedIn {
            grace: timed_out.then_some(grace),
            cert_maybe_refused: !state.cert_judged.load(Ordering::Relaxed)
                && shared.access.has_cert_authority(),
        };
        audit::record(
            &shared.logins,
            Login::new(&user, peer, Credential::None, Err(why)),
        );
    }
}

/// One SSH connection.
struct Conn {
    shared: Arc<Shared>,
    peer: SocketAddr,
    state: Arc<ConnState>,
    /// Set once a key is verified.
    user: Option<Admitted>,
    /// One view per connection.
    opened: bool,
}

impl Conn {
    fn reject() -> Auth {
        Auth::Reject {
            proceed_with_methods: Some(publickey_only()),
            partial_success: false,
        }
    }

    /// The decision on a key or certificate: refused while it is locked out.
    fn decide(
        &self,
        credential: &Credential,
        decide: impl FnOnce(&Access) -> Result<Admitted, Refusal>,
    ) -> Result<Admitted, Refusal> {
        if self
            .shared
            .limiter
            .blocked(self.peer.ip(), credential.fingerprint())
        {
            return Err(Refusal::TooManyFailures);
        }
        decide(&self.shared.access)
    }

    /// Writes the audit line, counts a failure or marks the connection logged in.
    fn conclude(
        &mut self,
        user: &str,
        credential: Credential,
        decision: Result<Admitted, Refusal>,
    ) -> Auth {
        if matches!(credential, Credential::Certificate { .. }) {
            self.state.cert_judged.store(true, Ordering::Relaxed);
        }
        let fp = credential.fingerprint().to_string();
        let outcome = decision.as_ref().map(|a| a.role).map_err(Clone::clone);
        audit::record(
            &self.shared.logins,
            Login::new(user, self.peer, credential, outcome),
        );
        match decision {
            Ok(admitted) => {
                self.user = Some(admitted);
                self.state.logged_in();
                Auth::Accept
            }
            Err(_) => {
                self.shared.limiter.fail(self.peer.ip(), &fp);
                Conn::reject()
            }
        }
    }
}

impl russh::server::Handler for Conn {
    type Error = russh::Error;

    async fn auth_none(&mut self, user: &str) -> Result<Auth, Self::Error> {
        self.state.set_user(user);
        Ok(Conn::reject())
    }

    async fn auth_password(&mut self, user: &str, _password: &str) -> Result<Auth, Self::Error> {
        self.state.set_user(user);
        Ok(Conn::reject())
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        self.state.set_user(user);
        Ok(Conn::reject())
    }

    /// Only a probe: a key no entry admits is refused here (and audited), unless a
    /// certificate authority is configured, because a certificate's key is offered the
    /// same way and is judged once its certificate is verified.
    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        self.state.set_user(user);
        let key = offer.public_key;
        let ip = self.peer.ip();
        let credential = Credential::key(key);
        let decision = self.decide(&credential, |a| a.check(user, key, ip));
        let locked = self.shared.limiter.blocked(ip, credential.fingerprint());
        if decision.is_ok() || (!locked && self.shared.access.has_cert_authority()) {
            return Ok(Auth::Accept);
        }
        Ok(self.conclude(user, credential, decision))
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        self.state.set_user(user);
        let key = key.public_key;
        let ip = self.peer.ip();
        let credential = Credential::key(key);
        let decision = self.decide(&credential, |a| a.check(user, key, ip));
        Ok(self.conclude(user, credential, decision))
    }

    async fn auth_openssh_certificate(
        &mut self,
        user: &str,
        certificate: &Certificate,
    ) -> Result<Auth, Self::Error> {
        self.state.set_user(user);
        let ip = self.peer.ip();
        let credential = Credential::cert(certificate);
        let decision = self.decide(&credential, |a| a.check_cert(user, certificate, ip));
        Ok(self.conclude(user, credential, decision))
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(Admitted { name, role, pty }) = self.user.clone().filter(|_| !self.opened) else {
            reply
                .reject(ChannelOpenFailure::AdministrativelyProhibited)
                .await;
            return Ok(());
        };
        self.opened = true;
        reply.accept().await;
        let ctx = session::Connection {
            shared: self.shared.clone(),
            name,
            role,
            pty_allowed: pty,
            addr: self.peer,
            handle: session.handle(),
        };
        tokio::spawn(session::run(channel, ctx));
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        _cols: u32,
        _rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // The view answers with a message and closes (warroom runs no commands).
        session.channel_success(channel)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        _value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }
}
