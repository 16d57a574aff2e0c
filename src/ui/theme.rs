//! Themes: TOML (palette + semantic styles) parsed into styles. Pure: the built-in themes
//! are compiled in; theme files on disk and the terminal's environment are read by the
//! loader (`crate::assets::themes`).
//!
//! A theme file has an optional `name`/`description`, a `[palette]` of named colours and a
//! `[styles]` table of semantic styles (see [`Sem`]). A style left out falls back to `base`;
//! an unknown key or colour is an error naming the file and the key. Colours are mapped
//! down to the terminal's depth ([`ColorDepth`]): true colour, 256, 16, or none.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};

use crate::incident::EntryKind;

/// Names of the themes built into the binary.
pub const BUILTIN: &[&str] = &["default", "light", "high-contrast", "solarized", "mono"];

/// The text of a built-in theme (compiled in: no file access).
pub fn builtin_source(name: &str) -> Option<&'static str> {
    Some(match name {
        "default" => include_str!("../../themes/default.toml"),
        "light" => include_str!("../../themes/light.toml"),
        "high-contrast" => include_str!("../../themes/high-contrast.toml"),
        "solarized" => include_str!("../../themes/solarized.toml"),
        "mono" => include_str!("../../themes/mono.toml"),
        _ => return None,
    })
}

/// The built-in themes, parsed (pure: no file access).
pub fn builtin_themes() -> Vec<Theme> {
    BUILTIN.iter().filter_map(|n| Theme::builtin(n)).collect()
}

/// How many colours the terminal shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorDepth {
    TrueColor,
    Ansi256,
    Ansi16,
    /// No colour at all (NO_COLOR, TERM=dumb): only modifiers.
    None,
}

impl ColorDepth {
    /// From the values of `COLORTERM`, `TERM` and `NO_COLOR` (passed in so each SSH session
    /// uses its own).
    pub fn detect(colorterm: Option<&str>, term: Option<&str>, no_color: Option<&str>) -> Self {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return ColorDepth::None;
        }
        let ct = colorterm.unwrap_or("").to_ascii_lowercase();
        if ct == "truecolor" || ct == "24bit" {
            return ColorDepth::TrueColor;
        }
        let t = term.unwrap_or("").to_ascii_lowercase();
        if t == "dumb" {
            return ColorDepth::None;
        }
        if t.contains("truecolor") || t.contains("direct") {
            return ColorDepth::TrueColor;
        }
        if t.contains("256") {
            return ColorDepth::Ansi256;
        }
        ColorDepth::Ansi16
    }
}

/// The semantic styles a theme defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sem {
    Base,
    Dim,
    Border,
    Focus,
    Title,
    Header,
    Drill,
    Selected,
    Command,
    Hint,
    Key,
    Error,
    Info,
    Sev1,
    Sev2,
    Sev3,
    Sev4,
    Investigating,
    Identified,
    Monitoring,
    Resolved,
    Ok,
    Warn,
    Crit,
    Unknown,
    Stale,
}

impl Sem {
    pub const ALL: [Sem; 26] = [
        Sem::Base,
        Sem::Dim,
        Sem::Border,
        Sem::Focus,
        Sem::Title,
        Sem::Header,
        Sem::Drill,
        Sem::Selected,
        Sem::Command,
        Sem::Hint,
        Sem::Key,
        Sem::Error,
        Sem::Info,
        Sem::Sev1,
        Sem::Sev2,
        Sem::Sev3,
        Sem::Sev4,
        Sem::Investigating,
        Sem::Identified,
        Sem::Monitoring,
        Sem::Resolved,
        Sem::Ok,
        Sem::Warn,
        Sem::Crit,
        Sem::Unknown,
        Sem::Stale,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Sem::Base => "base",
            Sem::Dim => "dim",
            Sem::Border => "border",
            Sem::Focus => "focus",
            Sem::Title => "title",
            Sem::Header => "header",
            Sem::Drill => "drill",
            Sem::Selected => "selected",
            Sem::Command => "command",
            Sem::Hint => "hint",
            Sem::Key => "key",
            Sem::Error => "error",
            Sem::Info => "info",
            Sem::Sev1 => "sev1",
            Sem::Sev2 => "sev2",
            Sem::Sev3 => "sev3",
            Sem::Sev4 => "sev4",
            Sem::Investigating => "investigating",
            Sem::Identified => "identified",
            Sem::Monitoring => "monitoring",
            Sem::Resolved => "resolved",
            Sem::Ok => "ok",
            Sem::Warn => "warn",
            Sem::Crit => "crit",
            Sem::Unknown => "unknown",
            Sem::Stale => "stale",
        }
    }
}

/// A loaded theme: resolved styles, ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    pub description: String,
    styles: Vec<Style>,
    kinds: Vec<Style>,
    /// Colour depth the styles were mapped to.
    pub depth: ColorDepth,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::builtin("default").unwrap_or_else(|| Theme {
            name: "default".into(),
            description: String::new(),
            styles: vec![Style::default(); Sem::ALL.len()],
            kinds: vec![Style::default(); EntryKind::ALL.len()],
            depth: ColorDepth::TrueColor,
        })
    }
}

fn kind_key(k: EntryKind) -> String {
    format!("kind_{}", k.as_str())
}

/// Why theme TOML is not a theme: the file it came from (`origin`) and what is wrong, by
/// key. Shown as `FILE: KEY: problem`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {problem}")]
pub struct ThemeParseError {
    pub origin: String,
    pub problem: ThemeProblem,
}

/// What is wrong with a theme file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ThemeProblem {
    /// Not TOML (the parser's message, with line and column).
    #[error("{0}")]
    Toml(String),
    #[error("{key}: expected {expected}")]
    Expected { key: String, expected: &'static str },
    #[error("unknown key {0:?} (expected name, description, palette, styles)")]
    UnknownKey(String),
    #[error("palette.{key}: bad colour {value:?} (use \"#rrggbb\", an ANSI name or 0-255)")]
    PaletteColour { key: String, value: String },
    /// A style key no role or entry kind has; `hint` is a " (did you mean …?)" or empty.
    #[error("unknown style styles.{key}{hint}")]
    UnknownStyle { key: String, hint: String },
    /// A style's value is wrong; `detail` continues the key (`.fg: unknown colour …`).
    #[error("styles.{key}{detail}")]
    Style { key: String, detail: StyleError },
}

/// What is wrong with one style's value; shown after its key (`styles.KEY.fg: …`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StyleError {
    #[error(": unknown colour {0:?}")]
    UnknownColour(String),
    #[error(": expected a table like {{ fg = \"red\", bold = true }}")]
    NotATable,
    #[error(".{0}: expected a colour string")]
    NotAColourString(String),
    #[error(
        ".{key}: unknown colour {value:?} (not in the palette, not \"#rrggbb\", not an ANSI name or 0-255)"
    )]
    BadColour { key: String, value: String },
    #[error(".{0}: expected true or false")]
    NotABool(String),
    #[error(".{0}: unknown field (expected fg, bg, bold, dim, italic, underline, reversed)")]
    UnknownField(String),
}

impl Theme {
    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Option<Theme> {
        let src = builtin_source(name)?;
        Theme::parse(name, src, &format!("themes/{name}.toml")).ok()
    }

    /// Parses theme TOML; `origin` names the file in errors.
    pub fn parse(name: &str, src: &str, origin: &str) -> Result<Theme, ThemeParseError> {
        let fail = |problem: ThemeProblem| ThemeParseError {
            origin: origin.to_string(),
            problem,
        };
        let expected = |key: &str, expected: &'static str| {
            fail(ThemeProblem::Expected {
                key: key.to_string(),
                expected,
            })
        };
        let table: toml::Table = src.parse().map_err(|e: toml::de::Error| {
            fail(ThemeProblem::Toml(e.to_string().trim_end().to_string()))
        })?;
        let mut palette: BTreeMap<String, Color> = BTreeMap::new();
        let mut description = String::new();
        let mut tname = name.to_string();
        for (k, v) in &table {
            match k.as_str() {
                "name" => {
                    tname = v
                        .as_str()
                        .ok_or_else(|| expected("name", "a string"))?
                        .to_string()
                }
                "description" => {
                    description = v
                        .as_str()
                        .ok_or_else(|| expected("description", "a string"))?
                        .to_string()
                }
                "palette" | "styles" => {}
                other => {
                    return Err(fail(ThemeProblem::UnknownKey(other.to_string())));
                }
            }
        }
        if let Some(p) = table.get("palette") {
            let p = p.as_table().ok_or_else(|| expected("palette", "a table"))?;
            for (k, v) in p {
                let s = v
                    .as_str()
                    .ok_or_else(|| expected(&format!("palette.{k}"), "a colour string"))?;
                let c = parse_color(s, &BTreeMap::new()).ok_or_else(|| {
                    fail(ThemeProblem::PaletteColour {
                        key: k.clone(),
                        value: s.to_string(),
                    })
                })?;
                palette.insert(k.clone(), c);
            }
        }
        let empty = toml::Table::new();
        let styles_t = match table.get("styles") {
            Some(s) => s.as_table().ok_or_else(|| expected("styles", "a table"))?,
            None => &empty,
        };
        let mut known: Vec<String> = Sem::ALL.iter().map(|s| s.key().to_string()).collect();
        known.extend(EntryKind::ALL.iter().map(|k| kind_key(*k)));
        for k in styles_t.keys() {
            if !known.iter().any(|x| x == k) {
                let hint = known
                    .iter()
                    .map(|x| (strsim::jaro_winkler(x, k), x))
                    .filter(|(s, _)| *s > 0.8)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, x)| format!(" (did you mean {x:?}?)"))
                    .unwrap_or_default();
                return Err(fail(ThemeProblem::UnknownStyle {
                    key: k.clone(),
                    hint,
                }));
            }
        }
        let get = |key: &str| -> Result<Option<Style>, ThemeParseError> {
            match styles_t.get(key) {
                None => Ok(None),
                Some(v) => parse_style(v, &palette).map(Some).map_err(|detail| {
                    fail(ThemeProblem::Style {
                        key: key.to_string(),
                        detail,
                    })
                }),
            }
        };
        let base = get("base")?.unwrap_or_default();
        let mut styles = Vec::with_capacity(Sem::ALL.len());
        for s in Sem::ALL {
            styles.push(get(s.key())?.unwrap_or(base));
        }
        let mut kinds = Vec::with_capacity(EntryKind::ALL.len());
        for k in EntryKind::ALL {
            kinds.push(get(&kind_key(k))?.unwrap_or(base));
        }
        Ok(Theme {
            name: tname,
            description,
            styles,
            kinds,
            depth: ColorDepth::TrueColor,
        })
    }

    /// The style of a semantic role.
    pub fn s(&self, sem: Sem) -> Style {
        self.styles.get(sem as usize).copied().unwrap_or_default()
    }

    /// The style of a timeline entry kind.
    pub fn kind(&self, k: EntryKind) -> Style {
        let i = EntryKind::ALL.iter().position(|x| *x == k).unwrap_or(0);
        self.kinds.get(i).copied().unwrap_or_default()
    }

    /// This theme mapped to a colour depth (true colour → 256 → 16 → none).
    pub fn with_depth(&self, depth: ColorDepth) -> Theme {
        let map = |s: &Style| downgrade_style(*s, depth);
        Theme {
            name: self.name.clone(),
            description: self.description.clone(),
            styles: self.styles.iter().map(map).collect(),
            kinds: self.kinds.iter().map(map).collect(),
            depth,
        }
    }
}

fn parse_style(v: &toml::Value, palette: &BTreeMap<String, Color>) -> Result<Style, StyleError> {
    let t = match v {
        toml::Value::String(s) => {
            let c = parse_color(s, palette).ok_or_else(|| StyleError::UnknownColour(s.clone()))?;
            return Ok(Style::default().fg(c));
        }
        toml::Value::Table(t) => t,
        _ => return Err(StyleError::NotATable),
    };
    let mut st = Style::default();
    for (k, v) in t {
        match k.as_str() {
            "fg" | "bg" => {
                let s = v
                    .as_str()
                    .ok_or_else(|| StyleError::NotAColourString(k.clone()))?;
                let c = parse_color(s, palette).ok_or_else(|| StyleError::BadColour {
                    key: k.clone(),
                    value: s.to_string(),
                })?;
                st = if k == "fg" { st.fg(c) } else { st.bg(c) };
            }
            "bold" | "dim" | "italic" | "underline" | "reversed" => {
                let b = v.as_bool().ok_or_else(|| StyleError::NotABool(k.clone()))?;
                let m = match k.as_str() {
                    "bold" => Modifier::BOLD,
                    "dim" => Modifier::DIM,
                    "italic" => Modifier::ITALIC,
                    "underline" => Modifier::UNDERLINED,
                    _ => Modifier::REVERSED,
                };
                if b {
                    st = st.add_modifier(m);
                }
            }
            other => {
                return Err(StyleError::UnknownField(other.to_string()));
            }
        }
    }
    Ok(st)
}

fn parse_color(s: &str, palette: &BTreeMap<String, Color>) -> Option<Color> {
    if let Some(c) = palette.get(s) {
        return Some(*c);
    }
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let n = u32::from_str_radix(hex, 16).ok()?;
        return Some(Color::Rgb((n >> 16) as u8, (n >> 8) as u8, n as u8));
    }
    if let Ok(i) = s.parse::<u8>() {
        return Some(Color::Indexed(i));
    }
    Some(
        match s.to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
            "reset" | "default" => Color::Reset,
            "black" => Color::Black,
            "red" => Color::Red,
            "green" => Color::Green,
            "yellow" => Color::Yellow,
            "blue" => Color::Blue,
            "magenta" => Color::Magenta,
            "cyan" => Color::Cyan,
            "gray" | "grey" => Color::Gray,
            "darkgray" | "darkgrey" => Color::DarkGray,
            "lightred" => Color::LightRed,
            "lightgreen" => Color::LightGreen,
            "lightyellow" => Color::LightYellow,
            "lightblue" => Color::LightBlue,
            "lightmagenta" => Color::LightMagenta,
            "lightcyan" => Color::LightCyan,
            "white" => Color::White,
            _ => return None,
        },
    )
}

/// The 16 ANSI colours with their usual xterm RGB values.
const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI16[i as usize].1,
        16..=231 => {
            let n = i - 16;
            (
                CUBE[(n / 36) as usize],
                CUBE[((n / 6) % 6) as usize],
                CUBE[(n % 6) as usize],
            )
        }
        _ => {
            let g = 8 + (i - 232) * 10;
            (g, g, g)
        }
    }
}

fn dist(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (x as i32 - y as i32).pow(2) as u32;
    // Weighted a little towards green, as eyes are.
    2 * d(a.0, b.0) + 4 * d(a.1, b.1) + 3 * d(a.2, b.2)
}

/// Nearest xterm-256 index for an RGB colour (cube or grey ramp).
pub fn rgb_to_256(r: u8, g: u8, b: u8) -> u8 {
    let level = |v: u8| -> usize {
        CUBE.iter()
            .enumerate()
            .min_by_key(|(_, c)| (**c as i32 - v as i32).abs())
            .map(|(i, _)| i)
            .unwrap_or(0)
    };
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube_idx = 16 + 36 * ri + 6 * gi + bi;
    let cube_rgb = (CUBE[ri], CUBE[gi], CUBE[bi]);
    let avg = (r as u32 + g as u32 + b as u32) / 3;
    let gi2 = if avg < 8 { 0 } else { ((avg - 8) / 10).min(23) };
    let grey = 8 + gi2 * 10;
    let grey_rgb = (grey as u8, grey as u8, grey as u8);
    if dist((r, g, b), grey_rgb) < dist((r, g, b), cube_rgb) {
        (232 + gi2) as u8
    } else {
        cube_idx as u8
    }
}

/// The closest of the 16 ANSI colours for an RGB colour, by hue and lightness (plain RGB
/// distance would turn every muted theme colour into grey).
pub fn rgb_to_16(r: u8, g: u8, b: u8) -> Color {
    let (rf, gf, bf) = (r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0);
    let max = rf.max(gf).max(bf);
    let min = rf.min(gf).min(bf);
    let l = (max + min) / 2.0;
    let d = max - min;
    let s = if d == 0.0 {
        0.0
    } else {
        d / (1.0 - (2.0 * l - 1.0).abs()).max(1e-6)
    };
    if s < 0.2 || d < 0.1 {
        return match l {
            l if l < 0.2 => Color::Black,
            l if l < 0.5 => Color::DarkGray,
            l if l < 0.85 => Color::Gray,
            _ => Color::White,
        };
    }
    let h = if max == rf {
        60.0 * (((gf - bf) / d).rem_euclid(6.0))
    } else if max == gf {
        60.0 * ((bf - rf) / d + 2.0)
    } else {
        60.0 * ((rf - gf) / d + 4.0)
    };
    let bright = l > 0.6;
    let pick = |dark: Color, light: Color| if bright { light } else { dark };
    match h {
        h if !(20.0..330.0).contains(&h) => pick(Color::Red, Color::LightRed),
        h if h < 75.0 => pick(Color::Yellow, Color::LightYellow),
        h if h < 165.0 => pick(Color::Green, Color::LightGreen),
        h if h < 200.0 => pick(Color::Cyan, Color::LightCyan),
        h if h < 260.0 => pick(Color::Blue, Color::LightBlue),
        _ => pick(Color::Magenta, Color::LightMagenta),
    }
}

/// Maps one colour to a depth; `None` means "no colour".
pub fn downgrade(c: Color, depth: ColorDepth) -> Option<Color> {
    match (depth, c) {
        (ColorDepth::None, Color::Reset) => Some(Color::Reset),
        (ColorDepth::None, _) => None,
        (ColorDepth::TrueColor, c) => Some(c),
        (ColorDepth::Ansi256, Color::Rgb(r, g, b)) => Some(Color::Indexed(rgb_to_256(r, g, b))),
        (ColorDepth::Ansi256, c) => Some(c),
        (ColorDepth::Ansi16, Color::Rgb(r, g, b)) => Some(rgb_to_16(r, g, b)),
        (ColorDepth::Ansi16, Color::Indexed(i)) => {
            let (r, g, b) = indexed_rgb(i);
            Some(rgb_to_16(r, g, b))
        }
        (ColorDepth::Ansi16, c) => Some(c),
    }
}

fn downgrade_style(s: Style, depth: ColorDepth) -> Style {
    let mut out = Style::default()
        .add_modifier(s.add_modifier)
        .remove_modifier(s.sub_modifier);
    out.fg = s.fg.and_then(|c| downgrade(c, depth));
    out.bg = s.bg.and_then(|c| downgrade(c, depth));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_parses() {
        for n in BUILTIN {
            let src = builtin_source(n).unwrap_or_default();
            let parsed = Theme::parse(n, src, n);
            assert!(parsed.is_ok(), "{n}: {parsed:?}");
        }
        assert_eq!(builtin_themes().len(), BUILTIN.len());
    }

    #[test]
    fn errors_name_the_file_and_key() {
        let e = Theme::parse("x", "[styles]\nsev1 = { fg = \"redd\" }\n", "x.toml");
        let e = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("x.toml") && e.contains("styles.sev1.fg"), "{e}");
        let e = Theme::parse("x", "[styles]\nsevv1 = {}\n", "x.toml")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("sevv1") && e.contains("did you mean"), "{e}");
        let e = Theme::parse("x", "[styles\n", "x.toml").err();
        assert!(
            matches!(&e, Some(ThemeParseError { origin, problem: ThemeProblem::Toml(_) }) if origin == "x.toml"),
            "{e:?}"
        );
        let e = Theme::parse("x", "colour = 1\n", "x.toml").err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("x.toml: unknown key \"colour\" (expected name, description, palette, styles)")
        );
    }

    #[test]
    fn depth_detection_and_downgrade() {
        assert_eq!(
            ColorDepth::detect(Some("truecolor"), Some("xterm"), None),
            ColorDepth::TrueColor
        );
        assert_eq!(
            ColorDepth::detect(None, Some("xterm-256color"), None),
            ColorDepth::Ansi256
        );
        assert_eq!(
            ColorDepth::detect(None, Some("xterm"), None),
            ColorDepth::Ansi16
        );
        assert_eq!(
            ColorDepth::detect(Some("truecolor"), Some("xterm"), Some("1")),
            ColorDepth::None
        );
        assert_eq!(rgb_to_256(255, 0, 0), 196);
        assert_eq!(rgb_to_256(128, 128, 128), 244);
        assert_eq!(rgb_to_16(240, 10, 10), Color::Red);
        assert_eq!(rgb_to_16(0xf0, 0x5d, 0x5e), Color::LightRed);
        assert_eq!(rgb_to_16(0x7f, 0xbf, 0x7f), Color::LightGreen);
        assert_eq!(rgb_to_16(0xe5, 0xc0, 0x7b), Color::LightYellow);
        assert_eq!(rgb_to_16(0x16, 0x18, 0x1d), Color::Black);
        assert_eq!(rgb_to_16(0x6b, 0x72, 0x80), Color::DarkGray);
        let t = Theme::default().with_depth(ColorDepth::None);
        assert_eq!(t.s(Sem::Crit).fg, None);
        assert!(t.s(Sem::Crit).add_modifier.contains(Modifier::BOLD));
    }
}
