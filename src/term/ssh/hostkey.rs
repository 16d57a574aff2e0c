//! The server's host key: ed25519, generated once, kept mode 0600.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rand::TryRngCore;
use russh::keys::ssh_key::private::{Ed25519Keypair, KeypairData};
use russh::keys::ssh_key::{HashAlg, LineEnding, PrivateKey};

use super::SshError;

/// `$XDG_DATA_HOME/warroom/host_key`, else `~/.local/share/warroom/host_key`.
pub fn default_path() -> Option<PathBuf> {
    crate::paths::default_host_key()
}

/// The SHA256 fingerprint as OpenSSH prints it (`SHA256:...`).
pub fn fingerprint(key: &PrivateKey) -> String {
    key.public_key().fingerprint(HashAlg::Sha256).to_string()
}

/// Loads the host key at `path`, or creates it (ed25519, mode 0600) when the file does not
/// exist. A key file readable by others is tightened to 0600.
pub fn load_or_create(path: &Path) -> Result<PrivateKey, SshError> {
    let err = |what: String| SshError::HostKey {
        path: path.to_path_buf(),
        what,
    };
    match fs::read_to_string(path) {
        Ok(text) => {
            restrict_mode(path).map_err(|e| err(format!("cannot set mode 0600: {e}")))?;
            let key = PrivateKey::from_openssh(text.as_bytes())
                .map_err(|e| err(format!("not an OpenSSH private key: {e}")))?;
            if key.is_encrypted() {
                return Err(err(
                    "the key is encrypted; warroom needs an unencrypted host key".into(),
                ));
            }
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            create(path).map_err(|e| err(e.to_string()))
        }
        Err(e) => Err(err(format!("cannot read: {e}"))),
    }
}

/// Why a new host key could not be made.
#[derive(Debug, thiserror::Error)]
enum CreateError {
    #[error("no randomness from the OS: {0}")]
    Random(rand::rand_core::OsError),
    #[error("cannot build the key: {0}")]
    Build(russh::keys::ssh_key::Error),
    #[error("cannot encode the key: {0}")]
    Encode(russh::keys::ssh_key::Error),
    /// `what`: create, write or rename.
    #[error("cannot {what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> CreateError {
    let path = path.to_path_buf();
    move |source| CreateError::Io { what, path, source }
}

fn create(path: &Path) -> Result<PrivateKey, CreateError> {
    let mut seed = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut seed)
        .map_err(CreateError::Random)?;
    let pair = Ed25519Keypair::from_seed(&seed);
    let key = PrivateKey::new(KeypairData::Ed25519(pair), "warroom host key")
        .map_err(CreateError::Build)?;
    let pem = key
        .to_openssh(LineEnding::LF)
        .map_err(CreateError::Encode)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(io("create", dir))?;
    }
    // Written to a temporary file created 0600, then renamed: never visible half-written
    // or with a wider mode.
    let tmp = path.with_extension("tmp");
    let _ = fs::remove_file(&tmp);
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp).map_err(io("create", &tmp))?;
    f.write_all(pem.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(io("write", &tmp))?;
    fs::rename(&tmp, path).map_err(io("rename", &tmp))?;
    tracing::info!(path = %path.display(), "generated a new ssh host key");
    Ok(key)
}

#[cfg(unix)]
fn restrict_mode(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        tracing::warn!(path = %path.display(), "host key was readable by others; set to 0600");
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict_mode(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_with_mode_0600_and_reloaded_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("host_key");
        let a = load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let b = load_or_create(&path).unwrap();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert!(fingerprint(&a).starts_with("SHA256:"));
    }

    #[test]
    fn a_damaged_key_file_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("host_key");
        fs::write(&path, "garbage").unwrap();
        let e = load_or_create(&path).unwrap_err();
        assert!(e.to_string().contains("host_key"), "{e}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "garbage");
    }
}
