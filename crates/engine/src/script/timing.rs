//! Words, reading time and the `m:ss` time targets written in segment headings.

/// The speaking rate the app plans with; a common figure for conversational podcast speech.
pub const WORDS_PER_MINUTE: u32 = 150;

/// Counts words: runs of non-space characters that hold at least one letter or digit, so a
/// stray dash or bullet is not a word.
pub fn count_words(text: &str) -> u32 {
    let n = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Seconds to read `words` aloud, rounded up.
pub fn seconds_for_words(words: u32) -> u32 {
    let secs = (u64::from(words) * 60).div_ceil(u64::from(WORDS_PER_MINUTE));
    u32::try_from(secs).unwrap_or(u32::MAX)
}

/// `m:ss`, or `h:mm:ss` from an hour on.
pub fn format_clock(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, (seconds / 60) % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Reads a time target as models write it: `0:45`, `3:00`, `1:02:03`, `45s`, `45 sec`,
/// `2 min`, `2m`, `1m30s`, `~2 min`, `2:30 min`, `~2.5 min`, `:30`, and a running-clock
/// slot `9:15–10:00` (its length). `None` when it is not a time.
pub fn parse_time_target(raw: &str) -> Option<u32> {
    let s = raw.trim();
    if s.len() > 40 {
        return None;
    }
    // "Target: 2:30", "approx. 2 min", "about 90 seconds".
    let lower = s.to_ascii_lowercase();
    let mut s = s;
    for prefix in [
        "target:", "target", "approx.", "approx", "about", "around", "ca.",
    ] {
        if lower.starts_with(prefix) && s.is_char_boundary(prefix.len()) {
            s = s[prefix.len()..].trim_start();
            break;
        }
    }
    let s = s.trim_start_matches(['~', '≈']).trim();
    if s.is_empty() || s.len() > 24 {
        return None;
    }
    if let Some(secs) = parse_slot(s) {
        return Some(secs);
    }
    if s.contains(':') {
        return parse_colon_clock(strip_unit_word(s)?);
    }
    parse_units(s)
}

/// `9:15–10:00`, `0:00-0:45`: where a segment starts and ends on the episode's clock, read
/// as its length. Both ends must be clock times and the end after the start.
fn parse_slot(s: &str) -> Option<u32> {
    let (start, end) = s
        .split_once(['–', '—', '-'])
        .or_else(|| s.split_once(" to "))?;
    let start = parse_colon_clock(strip_unit_word(start.trim())?)?;
    let end = parse_colon_clock(strip_unit_word(end.trim())?)?;
    end.checked_sub(start).filter(|&d| d > 0)
}

/// `2:30 min` and `2:30 mins` mean the same as `2:30`.
fn strip_unit_word(s: &str) -> Option<&str> {
    let lower_end = s
        .trim_end()
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .trim_end();
    let unit = s[lower_end.len()..].trim().to_ascii_lowercase();
    match unit.as_str() {
        "" | "min" | "mins" | "minutes" | "m" => Some(lower_end),
        _ => None,
    }
}

fn parse_colon_clock(s: &str) -> Option<u32> {
    if !s.contains(':') {
        return None;
    }
    // ":30" is thirty seconds.
    let s = s
        .strip_prefix(':')
        .map_or(s.to_string(), |rest| format!("0:{rest}"));
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty() || p.len() > 5) {
        return None;
    }
    let nums: Option<Vec<u32>> = parts
        .iter()
        .map(|p| {
            if p.chars().all(|c| c.is_ascii_digit()) {
                p.parse::<u32>().ok()
            } else {
                None
            }
        })
        .collect();
    let nums = nums?;
    // Minutes and seconds after the first field must be real clock fields.
    if nums.iter().skip(1).any(|&n| n >= 60) {
        return None;
    }
    nums.iter()
        .try_fold(0u32, |acc, &n| acc.checked_mul(60)?.checked_add(n))
}

/// `45s`, `45 sec`, `2 min`, `2m`, `1m30s`, `1 min 30 sec`, `1h`, `2.5 min`.
fn parse_units(s: &str) -> Option<u32> {
    let mut total: u32 = 0;
    let mut seen_any = false;
    let mut rest = s.trim();
    while !rest.is_empty() {
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits_end == 0 {
            return None;
        }
        let n: u32 = rest[..digits_end].parse().ok()?;
        rest = &rest[digits_end..];
        // A decimal fraction ("2.5 min"), kept as tenths, hundredths… to stay exact.
        let (frac, scale) = match rest.strip_prefix(['.', ',']) {
            Some(after) => {
                let end = after
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(after.len());
                if end == 0 || end > 3 {
                    return None;
                }
                let frac: u32 = after[..end].parse().ok()?;
                rest = &after[end..];
                (frac, 10u32.pow(end as u32))
            }
            None => (0, 1),
        };
        rest = rest.trim_start();
        let unit_end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = rest[..unit_end].to_ascii_lowercase();
        rest = rest[unit_end..].trim_start();
        let factor = match unit.as_str() {
            "s" | "sec" | "secs" | "second" | "seconds" => 1,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600,
            _ => return None,
        };
        let whole = n.checked_mul(factor)?;
        let part = frac.checked_mul(factor)? / scale;
        total = total.checked_add(whole)?.checked_add(part)?;
        seen_any = true;
    }
    seen_any.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_time_targets_in_their_usual_shapes() {
        assert_eq!(parse_time_target("0:45"), Some(45));
        assert_eq!(parse_time_target("3:00"), Some(180));
        assert_eq!(parse_time_target("1:02:03"), Some(3723));
        assert_eq!(parse_time_target("45s"), Some(45));
        assert_eq!(parse_time_target("45 sec"), Some(45));
        assert_eq!(parse_time_target("2 min"), Some(120));
        assert_eq!(parse_time_target("~2 min"), Some(120));
        assert_eq!(parse_time_target("1m30s"), Some(90));
        assert_eq!(parse_time_target("2:30 min"), Some(150));
        assert_eq!(parse_time_target("~2.5 min"), Some(150));
        assert_eq!(parse_time_target("1,5 min"), Some(90));
        assert_eq!(parse_time_target("9:15–10:00"), Some(45));
        assert_eq!(parse_time_target("0:00 - 0:45"), Some(45));
        assert_eq!(parse_time_target("10:00–9:15"), None);
        assert_eq!(parse_time_target("Target: 2:30"), Some(150));
        assert_eq!(parse_time_target("approx. 90 seconds"), Some(90));
        assert_eq!(parse_time_target(":30"), Some(30));
        assert_eq!(parse_time_target("2.5"), None);
        assert_eq!(parse_time_target("1-2"), None);
        assert_eq!(parse_time_target("laughing"), None);
        assert_eq!(parse_time_target("1:75"), None);
        assert_eq!(parse_time_target("99999999999:00"), None);
        assert_eq!(parse_time_target("4294967295h"), None);
        assert_eq!(parse_time_target(""), None);
    }

    #[test]
    fn counts_words_and_reading_time() {
        assert_eq!(count_words("Hello — world, it's 1977!"), 4);
        assert_eq!(count_words("  - * "), 0);
        assert_eq!(seconds_for_words(150), 60);
        assert_eq!(seconds_for_words(151), 61);
        assert_eq!(seconds_for_words(0), 0);
        assert_eq!(format_clock(45), "0:45");
        assert_eq!(format_clock(3723), "1:02:03");
    }
}
