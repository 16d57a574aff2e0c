//! Reading a config file from disk: a regular file, not too big, in UTF-8.

use std::path::Path;

use super::error::{ConfigError, line_col};

/// Largest config file read; anything bigger is not a config (and `/dev/zero` never ends).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Reads a config file: a regular file of at most `MAX_CONFIG_BYTES`, in UTF-8. The
/// problem names `name`; line 0 for the file as a whole.
pub(crate) fn read_config_text(path: &Path, name: &str) -> Result<String, ConfigError> {
    use std::io::Read;
    let whole = |message: String, help: &str| ConfigError {
        file: name.to_string(),
        line: 0,
        column: 0,
        message,
        help: Some(help.to_string()),
    };
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => whole(
            "config file not found".into(),
            "pass an existing file with --config, or run without it to use the built-in drill",
        ),
        _ => whole(
            format!("cannot read config: {e}"),
            "check the path and its permissions",
        ),
    })?;
    if !meta.is_file() {
        return Err(whole(
            format!("is {}, not a config file", file_kind(&meta)),
            "pass a TOML file with --config (see config.toml in the repo)",
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| {
        whole(
            format!("cannot read config: {e}"),
            "check the file's permissions",
        )
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| whole(format!("cannot read config: {e}"), "check the file"))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(whole(
            format!(
                "config is larger than {} KiB; a config is a short TOML file",
                MAX_CONFIG_BYTES / 1024
            ),
            "pass the right file with --config",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let prefix = std::str::from_utf8(bytes.get(..valid).unwrap_or_default()).unwrap_or("");
        let (line, column) = line_col(prefix, prefix.len());
        ConfigError {
            file: name.to_string(),
            line,
            column,
            message: format!(
                "not UTF-8 text: byte 0x{:02X} does not belong here",
                bytes.get(valid).copied().unwrap_or_default()
            ),
            help: Some("save the config as UTF-8".to_string()),
        }
    })
}

/// "a directory", "a character device", ... for messages.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}
