//! The demo's own words between the facts: reactions, lead-ins, questions and comments.
//!
//! Every part of a long script is a separate request, so a reply cannot know which lines the
//! other parts used. Each segment therefore draws from its own window of each pool, chosen
//! by the segment's place in the episode's plan: windows do not overlap until the pool is
//! used up, so no line is said more than twice in an episode of up to twice as many segments
//! as the pool has windows.

/// Lines a co-host says after hearing a fact.
pub const REACTIONS: &[&str] = &[
    "Wait, really?",
    "That's remarkable.",
    "Hold on, say more about that.",
    "I did not know that.",
    "So what happened next?",
    "That changes how I think about it.",
    "Okay, that's a detail listeners will love.",
    "Huh. That's not what I expected.",
    "That's a bigger deal than it sounds.",
    "I'd have guessed the opposite.",
    "You can almost picture it.",
    "That explains a lot, actually.",
    "Now I want to know who decided that.",
    "That's the part people forget.",
    "Which is wild when you think about it.",
    "That's a lot to fit in.",
    "Okay, I'm hooked.",
    "I love that detail.",
    "That's not a small thing.",
    "Really? On purpose?",
    "So it was deliberate.",
    "That puts it in perspective.",
    "I had no idea it went that far.",
    "That's more careful than I'd have thought.",
    "Let that sink in for a second.",
    "That's the bit I'd underline.",
    "Honestly, that surprised me too.",
    "It's hard to overstate that.",
    "Right, and nobody talks about it.",
    "So the stakes were real.",
    "That's a great example.",
    "And that's documented?",
    "Fair enough.",
    "I'm writing that one down.",
    "That's such a human touch.",
    "Makes sense once you hear it.",
    "That's the surprise of the whole story.",
    "There's a story in that alone.",
    "Interesting choice.",
    "Now that's specific.",
];

/// How a speaker hands the listener a fact from the notes.
pub const LEADS: &[&str] = &[
    "Here's what the notes say.",
    "This is the part that stuck with me.",
    "Let me read you something.",
    "So, the record shows this.",
    "Picture this.",
    "Start with this.",
    "Here's the detail I keep coming back to.",
    "One thing from the research.",
    "Get this.",
    "Okay, so.",
    "This one surprised me.",
    "The short version is this.",
    "First, some context.",
    "Here's where it gets interesting.",
    "The sources are clear on this.",
    "Let's be precise here.",
    "This is well documented.",
    "Here's a fact worth knowing.",
    "The numbers tell the story.",
    "Something people miss.",
    "There's a good detail here.",
    "Let me set the scene.",
    "Consider this.",
    "Here's the background.",
];

/// Questions that pass the turn back to the speaker with the facts.
pub const QUESTIONS: &[&str] = &[
    "And then what?",
    "Why does that matter?",
    "How do we know that?",
    "Who was behind it?",
    "What's the catch?",
    "Is there more to it?",
    "What came after that?",
    "How did people react?",
    "Where does that leave us?",
    "What does the research add?",
    "So how did it work?",
    "What else stands out?",
    "Does anything contradict that?",
    "What's the key detail?",
    "Can you put a number on it?",
    "What surprised you most?",
    "And the part after that?",
    "What would you tell someone hearing this for the first time?",
    "How sure are the sources?",
    "What happened next?",
    "Where did that lead?",
    "What's the bigger picture?",
    "Was that the plan all along?",
    "How long did that take?",
];

/// Comments on a segment's subject, for when its facts are all told; `{}` is the subject.
pub const COMMENTS: &[&str] = &[
    "What I like about {} is how concrete it gets.",
    "I think {} is the part listeners will remember.",
    "For me, {} is where the story turns.",
    "There's a lesson in {} that goes beyond this episode.",
    "If you take one thing away, make it {}.",
    "I'd love to hear from listeners who know more about {}.",
    "It's easy to skip past {}, but it matters.",
    "The more you read about {}, the stranger it gets.",
    "We could do a whole episode on {}.",
    "Nobody planned {} to be this interesting.",
    "I keep thinking about the people behind {}.",
    "What strikes me about {} is the care that went into it.",
];

/// Lines `per` wide, starting at the window of segment `slot`.
pub fn window<'a>(pool: &[&'a str], slot: usize, per: usize) -> Vec<&'a str> {
    if pool.is_empty() {
        return Vec::new();
    }
    (0..per.min(pool.len()))
        .map(|j| pool[(slot * per + j) % pool.len()])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn pools_have_no_duplicates() {
        for pool in [REACTIONS, LEADS, QUESTIONS, COMMENTS] {
            let mut seen = std::collections::HashSet::new();
            for l in pool {
                assert!(seen.insert(*l), "{l} twice");
            }
        }
    }

    #[test]
    fn windows_of_twenty_segments_use_a_line_at_most_twice() {
        for (pool, per) in [(REACTIONS, 4), (LEADS, 2), (QUESTIONS, 2), (COMMENTS, 1)] {
            let slots = pool.len() / per * 2;
            let mut count: HashMap<&str, usize> = HashMap::new();
            for slot in 0..slots.min(20) {
                for l in window(pool, slot, per) {
                    *count.entry(l).or_default() += 1;
                }
            }
            assert!(count.values().all(|&c| c <= 2), "{count:?}");
        }
    }
}
