//! The command line's length cap, said out loud: text past the cap is not kept, and the
//! person sees that before Enter (in the edit line) and after (in the status line).

/// Appends `s` to `b` up to `max` characters. Returns how long the line would have been
/// when something was cut off, else `None`.
pub fn push(b: &mut String, s: &str, max: usize) -> Option<usize> {
    let have = b.chars().count();
    let want = have + s.chars().count();
    b.extend(s.chars().take(max.saturating_sub(have)));
    (want > max).then_some(want)
}

/// What the edit line shows while the text is over the cap.
pub fn warning(over: usize, max: usize) -> String {
    format!("{over} chars, limit {max}: the end is cut · ")
}

/// What the status line adds to a shortened note.
pub fn shortened(over: usize, max: usize) -> String {
    format!(" (shortened: it was {over} chars; the limit is {max})")
}
