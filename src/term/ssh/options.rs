//! The options of an authorized_keys entry, read as `sshd` reads them
//! (`auth-options.c`): `name` or `name="value"`, comma separated, names case-insensitive,
//! values in double quotes where `\"` stands for a quote and commas and spaces are text.
//!
//! What the room does with each option:
//! - restricting, honoured: `from="pattern-list"` (see [`super::pattern`]),
//!   `expiry-time="YYYYMMDD[HHMM[SS]][Z]"` (local time unless `Z`), `no-pty` and `restrict`
//!   (no pty, so no room view; `restrict,pty` gives the pty back), `cert-authority` with
//!   optional `principals="a,b"`;
//! - the room's own: `warroom-name="NAME"`, `warroom-observer`;
//! - accepted and without effect, because the room never forwards, runs rc files or runs
//!   commands: `no-port-forwarding`, `no-agent-forwarding`, `no-X11-forwarding`,
//!   `no-user-rc`, `command="…"` (the room serves its view, never the command);
//! - anything else (`permitlisten`, `permitopen`, `environment`, `tunnel`,
//!   `verify-required`, `no-touch-required`, misspellings…): the entry is not used and
//!   `warroom check` names it. Access is never wider than written.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// One option as written: its lower-cased name and its unquoted value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opt {
    pub name: String,
    pub value: Option<String>,
}

/// Why an entry's options are refused (the entry is then not used).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    /// Up to 20 characters from where it stops making sense.
    #[error("malformed options near {0:?}")]
    Malformed(String),
    #[error("option `{0}`: the value must be in double quotes")]
    Unquoted(String),
    #[error("option `{0}`: missing closing quote")]
    Unclosed(String),
    #[error("option `{0}` takes no value")]
    TakesNoValue(String),
    #[error("option `{0}` needs a value (`{0}=\"…\"`)")]
    NeedsValue(String),
    #[error("from=\"{value}\": {source}")]
    From {
        value: String,
        source: super::pattern::PatternError,
    },
    #[error("expiry-time=\"{0}\" is not YYYYMMDD[HHMM[SS]][Z]")]
    Expiry(String),
    #[error("option `{0}` is not supported; this key will be refused")]
    Unsupported(String),
    #[error("option `principals` applies only with `cert-authority`")]
    PrincipalsWithoutCa,
}

/// Splits an options string into options. Errors name what is malformed.
pub fn parse(s: &str) -> Result<Vec<Opt>, OptionsError> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b'_') {
            i += 1;
        }
        if i == start {
            return Err(OptionsError::Malformed(clip(&s[start..])));
        }
        let name = s[start..i].to_ascii_lowercase();
        let mut value = None;
        if i < b.len() && b[i] == b'=' {
            i += 1;
            if i >= b.len() || b[i] != b'"' {
                return Err(OptionsError::Unquoted(name));
            }
            i += 1;
            let mut v = Vec::new();
            loop {
                match b.get(i) {
                    None => return Err(OptionsError::Unclosed(name)),
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(b'\\') if b.get(i + 1) == Some(&b'"') => {
                        v.push(b'"');
                        i += 2;
                    }
                    Some(c) => {
                        v.push(*c);
                        i += 1;
                    }
                }
            }
            value = Some(String::from_utf8_lossy(&v).into_owned());
        }
        out.push(Opt { name, value });
        match b.get(i) {
            None => {}
            Some(b',') if i + 1 < b.len() => i += 1,
            Some(_) => return Err(OptionsError::Malformed(clip(&s[i..]))),
        }
    }
    Ok(out)
}

fn clip(s: &str) -> String {
    s.chars().take(20).collect()
}

/// Where the options of a line end: at the first space or tab outside quotes.
/// Returns (options, rest).
pub fn split_line(line: &str) -> (&str, &str) {
    let b = line.as_bytes();
    let mut quoted = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if quoted && b.get(i + 1) == Some(&b'"') => i += 1,
            b'"' => quoted = !quoted,
            b' ' | b'\t' if !quoted => return (&line[..i], line[i..].trim_start()),
            _ => {}
        }
        i += 1;
    }
    (line, "")
}

/// What an entry's options allow and require.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    pub name: Option<String>,
    pub observer: bool,
    /// `from=`: the client address must match.
    pub from: Option<String>,
    /// `expiry-time=`: not usable after this instant.
    pub expiry: Option<DateTime<Utc>>,
    /// False after `no-pty` or `restrict` (unless `pty` follows).
    pub pty: bool,
    pub cert_authority: bool,
    /// `principals=`: a certificate must name one of these (and the SSH user).
    pub principals: Option<Vec<String>>,
}

/// Options accepted without effect: the room never forwards, runs rc files or commands.
const NOT_APPLICABLE: &[&str] = &[
    "no-port-forwarding",
    "no-agent-forwarding",
    "no-x11-forwarding",
    "no-user-rc",
    "command",
];

/// The rules of an options string, or why the entry may not be used.
pub fn rules(options: &str) -> Result<Rules, OptionsError> {
    let mut r = Rules {
        pty: true,
        ..Rules::default()
    };
    for opt in parse(options)? {
        let flag = |r: &mut Rules, f: fn(&mut Rules)| match &opt.value {
            None => {
                f(r);
                Ok(())
            }
            Some(_) => Err(OptionsError::TakesNoValue(opt.name.clone())),
        };
        let value = || {
            opt.value
                .clone()
                .ok_or_else(|| OptionsError::NeedsValue(opt.name.clone()))
        };
        match opt.name.as_str() {
            "warroom-name" => r.name = Some(value()?),
            "warroom-observer" => flag(&mut r, |r| r.observer = true)?,
            "no-pty" | "restrict" => flag(&mut r, |r| r.pty = false)?,
            "pty" => flag(&mut r, |r| r.pty = true)?,
            "cert-authority" => flag(&mut r, |r| r.cert_authority = true)?,
            "principals" => {
                let v = value()?;
                r.principals = Some(v.split(',').map(|p| p.trim().to_string()).collect());
            }
            "from" => {
                let v = value()?;
                super::pattern::validate(&v).map_err(|source| OptionsError::From {
                    value: v.clone(),
                    source,
                })?;
                r.from = Some(v);
            }
            "expiry-time" => {
                let v = value()?;
                r.expiry = Some(expiry_time(&v).ok_or_else(|| OptionsError::Expiry(v.clone()))?);
            }
            "command" => {
                value()?;
            }
            n if NOT_APPLICABLE.contains(&n) => flag(&mut r, |_| {})?,
            other => {
                return Err(OptionsError::Unsupported(other.to_string()));
            }
        }
    }
    if r.principals.is_some() && !r.cert_authority {
        return Err(OptionsError::PrincipalsWithoutCa);
    }
    Ok(r)
}

/// `YYYYMMDD[HHMM[SS]][Z]`: local time unless it ends in `Z` (as sshd).
pub fn expiry_time(s: &str) -> Option<DateTime<Utc>> {
    let (digits, utc) = match s.strip_suffix(['Z', 'z']) {
        Some(d) => (d, true),
        None => (s, false),
    };
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let num = |a: usize, b: usize| digits.get(a..b).and_then(|x| x.parse::<u32>().ok());
    let (h, m, sec) = match digits.len() {
        8 => (0, 0, 0),
        12 => (num(8, 10)?, num(10, 12)?, 0),
        14 => (num(8, 10)?, num(10, 12)?, num(12, 14)?),
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(num(0, 4)?).ok()?, num(4, 6)?, num(6, 8)?)?;
    let naive: NaiveDateTime = date.and_hms_opt(h, m, sec)?;
    if utc {
        Some(naive.and_utc())
    } else {
        Local
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(name: &str, value: Option<&str>) -> Opt {
        Opt {
            name: name.into(),
            value: value.map(String::from),
        }
    }

    #[test]
    fn quoted_values_keep_commas_spaces_and_escaped_quotes() {
        assert_eq!(
            parse(r#"from="10.0.0.0/8,!10.1.*",command="echo \"a, b\"",No-Pty"#).unwrap(),
            vec![
                o("from", Some("10.0.0.0/8,!10.1.*")),
                o("command", Some("echo \"a, b\"")),
                o("no-pty", None),
            ]
        );
        assert!(parse(r#"from="10.0.0.1"#).is_err());
        assert!(parse("from=10.0.0.1").is_err());
        assert!(parse("no-pty,").is_err());
        assert!(parse("no-pty,,pty").is_err());
        assert!(parse(r#"from="x"junk"#).is_err());
    }

    #[test]
    fn a_line_splits_after_its_quoted_options() {
        let (opts, rest) = split_line(r#"command="a b",from="x y" ssh-ed25519 AAAA c"#);
        assert_eq!(opts, r#"command="a b",from="x y""#);
        assert_eq!(rest, "ssh-ed25519 AAAA c");
    }

    #[test]
    fn unknown_options_refuse_the_entry_and_restrict_takes_the_pty() {
        let e = rules("permitlisten=\"8080\"").unwrap_err().to_string();
        assert_eq!(
            e,
            "option `permitlisten` is not supported; this key will be refused"
        );
        assert!(!rules("restrict").unwrap().pty);
        assert!(rules("restrict,pty").unwrap().pty);
        assert!(!rules("no-pty").unwrap().pty);
        assert!(rules("no-port-forwarding,no-X11-forwarding,command=\"ls\"").is_ok());
        assert!(rules("from=\"10.0.0.0/33\"").is_err());
        assert!(rules("expiry-time=\"2026130\"").is_err());
        assert!(rules("principals=\"ana\"").is_err());
        assert_eq!(
            rules("cert-authority,principals=\"ana, bo\"")
                .unwrap()
                .principals,
            Some(vec!["ana".into(), "bo".into()])
        );
    }

    #[test]
    fn expiry_times_as_sshd_reads_them() {
        let t = expiry_time("20261101Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-01T00:00:00+00:00");
        let t = expiry_time("202611011230Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-01T12:30:00+00:00");
        let t = expiry_time("20261101123045Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-01T12:30:45+00:00");
        assert!(expiry_time("20261101").is_some());
        assert!(expiry_time("20261301").is_none());
        assert!(expiry_time("2026110112").is_none());
        assert!(expiry_time("2026-11-01").is_none());
    }
}
