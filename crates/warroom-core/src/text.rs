//! The sanitiser: every string from outside (status pages, alert labels, feed titles,
//! notes typed over SSH) passes through here before it is stored or drawn.
//!
//! Escape sequences (CSI, OSC — clipboard writes via OSC 52 —, DCS, APC, PM, SOS) and
//! C0/C1 control characters are removed, bidi overrides dropped, HTML reduced to text, and
//! length capped. The result can never move a cursor or talk to the terminal.

/// Longest single-line text kept (titles, labels, notes), in characters.
pub const MAX_LINE: usize = 2_000;
/// Longest multi-line text kept (status bodies), in characters.
pub const MAX_BLOCK: usize = 8_000;

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Skips an escape sequence whose introducer was just consumed. `kind` is the byte after ESC
/// (or the C1 equivalent).
fn skip_sequence(kind: char, it: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match kind {
        // CSI: parameters and intermediates, then one final byte 0x40..=0x7E.
        '[' => {
            for c in it.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        }
        // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \ or U+009C).
        ']' | 'P' | 'X' | '^' | '_' => {
            while let Some(c) = it.next() {
                match c {
                    '\u{7}' | '\u{9c}' => break,
                    '\u{1b}' => {
                        if it.peek() == Some(&'\\') {
                            it.next();
                        }
                        break;
                    }
                    _ => {}
                }
            }
        }
        // Two-byte sequences with an intermediate (ESC ( B, ESC # 8, ...).
        ' '..='/' => {
            it.next();
        }
        _ => {}
    }
}

fn clean(s: &str, keep_newlines: bool, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max * 4));
    let mut n = 0usize;
    let mut it = s.chars().peekable();
    let mut last_space = false;
    while let Some(c) = it.next() {
        let mapped = match c {
            '\u{1b}' => {
                if let Some(k) = it.next() {
                    skip_sequence(k, &mut it);
                }
                continue;
            }
            '\u{9b}' => {
                skip_sequence('[', &mut it);
                continue;
            }
            '\u{9d}' => {
                skip_sequence(']', &mut it);
                continue;
            }
            '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => {
                skip_sequence('P', &mut it);
                continue;
            }
            '\n' if keep_newlines => '\n',
            '\r' => continue,
            '\t' | '\n' => ' ',
            c if c.is_control() => continue,
            c if is_bidi_control(c) => continue,
            c => c,
        };
        if !keep_newlines && mapped == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        if n >= max {
            out.push('…');
            break;
        }
        out.push(mapped);
        n += 1;
    }
    if keep_newlines {
        // Collapse runs of blank lines.
        let mut collapsed = String::with_capacity(out.len());
        let mut blank = 0;
        for line in out.lines() {
            let l = line.trim_end();
            if l.is_empty() {
                blank += 1;
                if blank > 1 {
                    continue;
                }
            } else {
                blank = 0;
            }
            if !collapsed.is_empty() {
                collapsed.push('\n');
            }
            collapsed.push_str(l);
        }
        collapsed.trim().to_string()
    } else {
        out.trim().to_string()
    }
}

/// One line of text: controls and escapes removed, whitespace folded, capped at `MAX_LINE`.
pub fn line(s: &str) -> String {
    clean(s, false, MAX_LINE)
}

/// One line capped at `max` characters.
pub fn line_max(s: &str, max: usize) -> String {
    clean(s, false, max)
}

/// Multi-line text (newlines kept), capped at `MAX_BLOCK`.
pub fn block(s: &str) -> String {
    clean(s, true, MAX_BLOCK)
}

/// HTML reduced to plain text, then sanitised as one line.
pub fn html_line(s: &str) -> String {
    line(&html_to_text(s))
}

/// HTML reduced to plain text (paragraphs kept as lines), then sanitised.
pub fn html_block(s: &str) -> String {
    block(&html_to_text(s))
}

fn html_to_text(s: &str) -> String {
    // Escape sequences go first, payload and all: the HTML parser would drop a raw ESC but
    // keep the rest ("]52;c;..."). Entity-encoded ones (`&#27;`) are caught after decoding.
    let s = &clean(s, true, MAX_BLOCK * 64);
    if !s.contains('<') && !s.contains('&') {
        return s.to_string();
    }
    // Never wrap: the screen wraps for itself.
    // No decoration: `<strong>` is not `**`, a link is its text, not a `[1]` footnote.
    match html2text::config::plain_no_decorate()
        .no_link_wrapping()
        .string_from_read(s.as_bytes(), 10_000)
    {
        Ok(t) => t,
        Err(_) => s.to_string(),
    }
}

/// One line of `s` (sanitised like [`line()`]) in at most `width` terminal columns. Text
/// that does not fit is cut after the last whole word that fits and ends in `…`; only a
/// first word longer than the whole width is cut inside.
pub fn shorten(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let s = line(s);
    let cols = |t: &str| -> usize { t.chars().map(|c| c.width().unwrap_or(0)).sum() };
    if cols(&s) <= width {
        return s;
    }
    if width == 0 {
        return String::new();
    }
    // Room for the text before the ellipsis.
    let room = width - 1;
    let mut used = 0;
    let mut end = 0; // byte index: everything before fits
    let mut word_end = None; // byte index of the last space that fits
    for (i, c) in s.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        if c == ' ' {
            word_end = Some(i);
        }
        used += w;
        end = i + c.len_utf8();
    }
    // A word boundary right after the cut counts too ("one two|" + " three").
    if s[end..].starts_with(' ') {
        word_end = Some(end);
    }
    let cut = match word_end {
        Some(i) if i > 0 => s[..i].trim_end(),
        _ => &s[..end],
    };
    format!("{cut}…")
}

/// True if the string would be changed by [`line()`]: used by tests and by the room to
/// refuse hostile text typed by people.
pub fn is_clean_line(s: &str) -> bool {
    line(s) == s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_escape_sequences_and_controls() {
        assert_eq!(line("a\x1b[31mred\x1b[0m b"), "ared b");
        assert_eq!(line("x\x1b]52;c;aGVsbG8=\x07y"), "xy");
        assert_eq!(line("x\x1b]52;c;aGVsbG8=\x1b\\y"), "xy");
        assert_eq!(line("x\u{9b}2Jy"), "xy");
        assert_eq!(line("bell\x07 back\x08space"), "bell backspace");
        assert_eq!(line("\u{202E}evil\u{202C}"), "evil");
        assert_eq!(line("tab\tand\nnewline"), "tab and newline");
    }

    #[test]
    fn caps_length() {
        let long = "x".repeat(10_000);
        let l = line(&long);
        assert_eq!(l.chars().count(), MAX_LINE + 1);
        assert!(l.ends_with('…'));
    }

    #[test]
    fn html_becomes_text() {
        let t =
            html_line("<p>We are <strong>investigating</strong> &amp; will update.<br />Soon</p>");
        assert!(t.contains("investigating"), "{t}");
        assert!(t.contains("& will update"), "{t}");
        assert!(!t.contains('<'), "{t}");
    }

    #[test]
    fn html_loses_raw_escape_sequences_whole() {
        let t = html_block("<p>a\x1b]52;c;ZXZpbA==\x07b</p><p>c&#27;[2J&#155;31md</p>");
        assert!(t.starts_with("ab\n"), "{t:?}");
        assert!(!t.contains('\x1b') && !t.contains('\u{9b}'), "{t:?}");
    }

    #[test]
    fn shorten_cuts_at_a_word_boundary() {
        assert_eq!(shorten("short enough", 20), "short enough");
        assert_eq!(shorten("the quick brown fox jumps", 16), "the quick brown…");
        assert_eq!(shorten("the quick brown fox jumps", 15), "the quick…");
        assert_eq!(shorten("unbreakableword here", 8), "unbreak…");
        assert_eq!(shorten("a\x1b[31mred\x1b[0m alert now", 9), "ared…");
        assert_eq!(shorten("决策 决策 决策", 9), "决策…");
        assert_eq!(shorten("决策 决策 决策", 10), "决策 决策…");
        assert_eq!(shorten("anything", 0), "");
        for w in 0..30 {
            let s = shorten("Detection 3/7 · Mitigation 0/7 · Communication 0/3", w);
            assert!(s.chars().count() <= w, "{w}: {s:?}");
        }
    }

    #[test]
    fn keeps_wide_characters() {
        assert_eq!(line("决策 🚨 ok"), "决策 🚨 ok");
    }
}
