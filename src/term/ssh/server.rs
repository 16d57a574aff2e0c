//! The accept loop and the russh handler of one connection.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use russh::keys::ssh_key::{PrivateKey, PublicKey};
use russh::server::{Auth, ChannelOpenHandle, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, ChannelOpenFailure, MethodKind, MethodSet};
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::auth::{Access, RateLimiter, Role};
use super::session;
use crate::config::SshConfig;
use crate::room::RoomHandle;

/// What every connection of one server shares.
pub struct Shared {
    pub room: RoomHandle,
    pub access: Access,
    pub limiter: RateLimiter,
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
            max_sessions: config.max_sessions,
            idle_timeout: config.idle_timeout,
            stall_timeout: options.stall_timeout,
            frame_interval: options.frame_interval.max(Duration::from_millis(1)),
            active: AtomicUsize::new(0),
            shutdown: watch::channel(false).0,
            presence: Mutex::new(HashMap::new()),
        }
    }
}

fn publickey_only() -> MethodSet {
    MethodSet::from(&[MethodKind::PublicKey][..])
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
        if shared.limiter.blocked(peer.ip()) {
            tracing::warn!(%peer, "ssh: too many failed logins from this address; refused");
            drop(sock);
            continue;
        }
        let handler = Conn {
            shared: shared.clone(),
            ip: peer.ip(),
            user: None,
            opened: false,
        };
        let config = config.clone();
        let mut shutdown = shared.shutdown.subscribe();
        tokio::spawn(async move {
            let running = match russh::server::run_stream(config, sock, handler).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::debug!(%peer, "ssh connection setup failed: {e}");
                    return;
                }
            };
            let handle = running.handle();
            tokio::pin!(running);
            tokio::select! {
                r = &mut running => {
                    if let Err(e) = r {
                        tracing::debug!(%peer, "ssh connection ended: {e}");
                    }
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
        });
    }
}

/// One SSH connection.
struct Conn {
    shared: Arc<Shared>,
    ip: IpAddr,
    /// Set once a key is verified: (name, role).
    user: Option<(String, Role)>,
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

    fn check(&self, user: &str, key: &PublicKey) -> Option<Role> {
        if self.shared.limiter.blocked(self.ip) {
            return None;
        }
        let role = self.shared.access.check(user, key);
        if role.is_none() {
            tracing::info!(ip = %self.ip, user, "ssh: key not admitted for this name");
            self.shared.limiter.fail(self.ip);
        }
        role
    }
}

impl russh::server::Handler for Conn {
    type Error = russh::Error;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        Ok(Conn::reject())
    }

    async fn auth_password(&mut self, _user: &str, _password: &str) -> Result<Auth, Self::Error> {
        self.shared.limiter.fail(self.ip);
        Ok(Conn::reject())
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        _user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        self.shared.limiter.fail(self.ip);
        Ok(Conn::reject())
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(match self.check(user, offer.public_key) {
            Some(_) => Auth::Accept,
            None => Conn::reject(),
        })
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(match self.check(user, key.public_key) {
            Some(role) => {
                tracing::info!(ip = %self.ip, user, ?role, "ssh: admitted");
                self.user = Some((user.to_string(), role));
                Auth::Accept
            }
            None => Conn::reject(),
        })
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some((name, role)) = self.user.clone().filter(|_| !self.opened) else {
            reply
                .reject(ChannelOpenFailure::AdministrativelyProhibited)
                .await;
            return Ok(());
        };
        self.opened = true;
        reply.accept().await;
        let ctx = session::Ctx {
            shared: self.shared.clone(),
            name,
            role,
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
