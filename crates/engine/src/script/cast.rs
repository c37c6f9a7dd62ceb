//! The episode's speakers, and matching the labels a model writes (`ALEX`, `Alex Rivera`,
//! `HOST 2`, `GUEST`) to the names the producer typed.

/// The hosts and guests, as the producer typed them.
#[derive(Debug, Clone, Default)]
pub(super) struct Cast {
    hosts: Vec<String>,
    guests: Vec<String>,
}

impl Cast {
    pub fn new(hosts: &[String], guests: &[String]) -> Cast {
        let clean = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        Cast {
            hosts: clean(hosts),
            guests: clean(guests),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty() && self.guests.is_empty()
    }

    fn all(&self) -> impl Iterator<Item = &String> {
        self.hosts.iter().chain(self.guests.iter())
    }

    /// The producer's spelling of the speaker a label names, if it names one: the full name
    /// or the first name in any case, or a role when it points at one person.
    pub fn find(&self, label: &str) -> Option<String> {
        let wanted = key(label);
        if wanted.is_empty() {
            return None;
        }
        if let Some(name) = self.all().find(|n| key(n) == wanted) {
            return Some(name.clone());
        }
        // "ALEX" for "Alex Rivera", or "Alex Rivera" for "Alex".
        let first = |s: &str| s.split(' ').next().unwrap_or("").to_string();
        let mut by_first = self
            .all()
            .filter(|n| first(&key(n)) == wanted || key(n) == first(&wanted));
        if let (Some(name), None) = (by_first.next(), by_first.next()) {
            return Some(name.clone());
        }
        self.role(&wanted).cloned()
    }

    /// `HOST` in a solo show, `HOST 1`/`HOST 2`, `CO-HOST`, `GUEST` with one guest.
    fn role(&self, key: &str) -> Option<&String> {
        fn one(v: &[String]) -> Option<&String> {
            if v.len() == 1 {
                v.first()
            } else {
                None
            }
        }
        match key {
            "host" | "narrator" | "presenter" | "anchor" => one(&self.hosts),
            "host 1" | "host a" | "host one" | "first host" => self.hosts.first(),
            "host 2" | "host b" | "host two" | "second host" | "co-host" | "cohost" | "co host" => {
                self.hosts.get(1)
            }
            "guest" | "interviewee" | "expert" => one(&self.guests),
            "guest 1" => self.guests.first(),
            "guest 2" => self.guests.get(1),
            _ => None,
        }
    }
}

/// A label compared without case, markup, emoji or stray punctuation.
fn key(label: &str) -> String {
    let kept: String = label
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '\'' | '’' | '-'))
        .collect();
    kept.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| matches!(c, '.' | '-' | '\''))
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_labels_to_the_producers_names() {
        let cast = Cast::new(&["Alex Rivera".into(), "sam".into()], &[]);
        assert_eq!(cast.find("ALEX"), Some("Alex Rivera".into()));
        assert_eq!(cast.find("**Sam**"), Some("sam".into()));
        assert_eq!(cast.find("🎙️ SAM"), Some("sam".into()));
        assert_eq!(cast.find("Host 2"), Some("sam".into()));
        assert_eq!(cast.find("Host"), None, "two hosts: HOST is ambiguous");
        assert_eq!(cast.find("MUSIC CUE"), None);
        let solo = Cast::new(&["Maya".into()], &["Dr. Lena Ortiz".into()]);
        assert_eq!(solo.find("HOST"), Some("Maya".into()));
        assert_eq!(solo.find("Guest"), Some("Dr. Lena Ortiz".into()));
        assert_eq!(solo.find("DR. LENA ORTIZ"), Some("Dr. Lena Ortiz".into()));
    }
}
