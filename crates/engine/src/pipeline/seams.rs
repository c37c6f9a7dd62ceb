//! Where the parts of a long script meet.
//!
//! A long script is written in parts (`call_plan::script_parts`), and when the budget allows
//! they are written at the same time, so no part can read how the one before it actually
//! ends. What keeps the transitions holding is that both sides of every seam are planned from
//! the same text, the outline, which every part already receives whole:
//!
//! - each part is told which segment the part before it ends with and the outline point that
//!   segment ends on (the outline's claims are shared out over the main segments in order, as
//!   the script prompt asks the writer to follow them), and is asked to pick up from there —
//!   no second welcome, no re-introducing the hosts or the topic;
//! - each part but the last is told which segment comes next and asked to lead into it, not
//!   to close the show — so the outro is written once, by the last part;
//! - each part's own segment headings and the completeness check (`completeness::judge` with
//!   its segments) make sure every planned segment is there, in order, when the parts are
//!   joined.
//!
//! The same seams are given when the parts run one after another, so the script does not
//! depend on how much budget was left; a script written in one call has no seams, and its
//! prompt is unchanged.

/// The longest outline point a seam quotes, in characters.
pub const POINT_CHARS: usize = 300;

/// What a script part is told about its neighbours.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seams {
    /// The segment the part before ends with, and the outline point it ends on (if the
    /// outline has numbered or bulleted points to share out).
    pub after: Option<(String, Option<String>)>,
    /// The segment the part after starts with.
    pub before: Option<String>,
}

impl Seams {
    /// The lines added to the part's instructions (empty without seams).
    pub fn instructions(&self) -> String {
        let mut out = String::new();
        if let Some((segment, point)) = &self.after {
            out.push_str(&format!(
                "\nThis part continues the script: the part before it ends with \"{segment}\""
            ));
            if let Some(p) = point {
                out.push_str(&format!(", on this point of the outline: {p}"));
            }
            out.push_str(
                ". Pick up from there as one continuous conversation: do not welcome the \
                 listeners again or re-introduce the hosts or the topic.",
            );
        }
        if let Some(segment) = &self.before {
            out.push_str(&format!(
                "\nThe part after this one starts with \"{segment}\": end this part leading \
                 into it, without closing the show or saying goodbye."
            ));
        }
        out
    }
}

/// The outline's points in order: numbered ("1." / "2)") or bulleted ("-", "*") lines.
fn points(outline: &str) -> Vec<String> {
    outline
        .lines()
        .map(str::trim)
        .filter_map(|l| {
            let rest = l.trim_start_matches(|c: char| c.is_ascii_digit());
            let numbered =
                rest.len() < l.len() && (rest.starts_with(". ") || rest.starts_with(") "));
            if numbered {
                Some(rest[2..].trim())
            } else {
                l.strip_prefix("- ")
                    .or_else(|| l.strip_prefix("* "))
                    .map(str::trim)
            }
        })
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn is_main(segment: &str) -> bool {
    segment.starts_with("Main segment")
}

/// The seams of each part. `plan` is the whole segment plan, `parts` the segments of each
/// part in order (together exactly `plan`).
pub fn seams(outline: &str, plan: &[String], parts: &[&[String]]) -> Vec<Seams> {
    if parts.len() < 2 {
        return vec![Seams::default(); parts.len()];
    }
    let points = points(outline);
    let mains = plan.iter().filter(|s| is_main(s)).count();
    let mut out = Vec::with_capacity(parts.len());
    let mut mains_so_far = 0;
    for (i, part) in parts.iter().enumerate() {
        let after = (i > 0).then(|| {
            let prev = parts[i - 1];
            let segment = prev.last().cloned().unwrap_or_default();
            // The points the main segments written so far cover, shared out in order.
            let covered = if mains == 0 {
                0
            } else {
                (points.len() * mains_so_far).div_ceil(mains)
            };
            let point = covered
                .checked_sub(1)
                .and_then(|k| points.get(k))
                .map(|p| p.chars().take(POINT_CHARS).collect());
            (segment, point)
        });
        let before = parts.get(i + 1).and_then(|next| next.first().cloned());
        out.push(Seams { after, before });
        mains_so_far += part.iter().filter(|s| is_main(s)).count();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn each_part_knows_how_the_part_before_ends_and_what_comes_next() {
        let plan = segs(&[
            "Intro",
            "Main segment 1",
            "Main segment 2",
            "Main segment 3",
            "Main segment 4",
            "Outro",
        ]);
        let outline =
            "1. Launch in 1977 [n1]\n2. The record [n2]\n3) Jupiter [n1]\n- Saturn [n1]\n";
        let parts: Vec<&[String]> = vec![&plan[0..2], &plan[2..4], &plan[4..6]];
        let s = seams(outline, &plan, &parts);
        assert_eq!(s[0].after, None);
        assert_eq!(s[0].before.as_deref(), Some("Main segment 2"));
        assert_eq!(
            s[1].after,
            Some(("Main segment 1".into(), Some("Launch in 1977 [n1]".into())))
        );
        assert_eq!(
            s[2].after,
            Some(("Main segment 3".into(), Some("Jupiter [n1]".into())))
        );
        assert_eq!(s[2].before, None);
        assert!(s[1]
            .instructions()
            .contains("do not welcome the listeners again"));
        assert!(s[1].instructions().contains("without closing the show"));
        assert!(!s[2].instructions().contains("without closing the show"));
    }

    #[test]
    fn one_part_has_no_seams_and_no_extra_words() {
        let plan = segs(&["Intro", "Main segment 1", "Outro"]);
        let s = seams("1. x", &plan, &[&plan[..]]);
        assert_eq!(s, vec![Seams::default()]);
        assert_eq!(s[0].instructions(), "");
    }
}
