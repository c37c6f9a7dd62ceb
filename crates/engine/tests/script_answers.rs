//! Script answers as different models write them (chatty, terse, Markdown-heavy, bold
//! labels, upper-case names, stage directions, ad reads, time targets in every form, answers
//! in parts, emoji), read through the script normaliser: the exact script the producer should
//! see, and the model's chat kept apart, word for word.

use castwright_engine::script::{
    normalise, normalise_parts, Line, Normalised, Script, ScriptPlan, SegmentKind,
};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/script_answers/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn plan() -> ScriptPlan {
    ScriptPlan {
        hosts: vec!["Alex".into(), "Sam".into()],
        guests: vec![],
        segments: [
            "Cold open",
            "Intro",
            "Main segment 1",
            "Ad read 1",
            "Main segment 2",
            "Outro",
        ]
        .map(String::from)
        .to_vec(),
    }
}

/// The script as one line per heading and per line, for exact comparison.
fn outline(script: &Script) -> String {
    let mut out = String::new();
    for s in &script.segments {
        let target = s
            .target_seconds
            .map(|t| format!(" ({t}s)"))
            .unwrap_or_default();
        out.push_str(&format!("## {} [{:?}]{target}\n", s.heading, s.kind));
        for l in &s.lines {
            match &l.speaker {
                Some(name) => out.push_str(&format!("{name}: {}\n", l.text)),
                None => out.push_str(&format!("[{}]\n", l.text)),
            }
        }
    }
    out
}

/// Fragments of chat in the fixtures: none may reach a script.
const CHAT: &[&str] = &[
    "Here's",
    "Here is",
    "here is",
    "Let me know",
    "Word count",
    "word count",
    "Production notes",
    "I hope",
    "Feel free",
    "If you'd like",
    "Estimated runtime",
    "Podcast Title",
    "Hosts:",
    "part 1",
    "part 2",
    "full script",
    "Mixtape for the Stars",
    "Episode script",
    "I kept",
    "---",
];

/// Markdown no line of a script may carry.
const MARKUP: &[&str] = &["**", "*", "__", "> ", "##"];

fn assert_clean(name: &str, n: &Normalised) {
    let text = n.script.to_text();
    for chat in CHAT {
        assert!(
            !text.contains(chat),
            "{name}: {chat:?} in the script:\n{text}"
        );
    }
    for s in &n.script.segments {
        for piece in std::iter::once(&s.heading).chain(s.lines.iter().map(|l| &l.text)) {
            for mark in MARKUP {
                assert!(!piece.contains(mark), "{name}: {mark:?} in {piece:?}");
            }
        }
        for l in &s.lines {
            let speaker = l.speaker.as_deref().unwrap_or("Alex");
            assert!(
                ["Alex", "Sam"].contains(&speaker),
                "{name}: speaker {speaker:?}"
            );
        }
    }
    assert_eq!(
        Script::parse(&text),
        n.script,
        "{name}: the script reads back as saved"
    );
    assert!(n.missing.is_empty(), "{name}: missing {:?}", n.missing);
    assert!(
        n.script.title.is_empty(),
        "{name}: the model's title is not the episode's"
    );
}

fn check(name: &str, n: &Normalised, expected: &str, dropped: &[&str]) {
    assert_eq!(outline(&n.script), expected, "{name}");
    assert_clean(name, n);
    let kept = n.dropped_text();
    for d in dropped {
        assert!(
            kept.contains(d),
            "{name}: {d:?} not kept in the dropped text:\n{kept}"
        );
    }
}

const CLAUDE: &str = "\
## Cold open [ColdOpen] (30s)
[MUSIC CUE: A low synth drone, then the crackle of a stylus finding the groove.]
Alex: In the summer of 1977, a handful of people had six weeks to decide what Earth sounds like.
Sam: And they pressed the answer onto gold-plated copper.
## Intro [Intro] (45s)
Alex: Welcome to Deep Signal. I'm Alex.
Sam: And I'm Sam. Today: the record that left the solar system.
[Theme music swells, then ducks under]
## Main segment 1: Six Weeks in 1977 [Main] (150s)
Alex: Carl Sagan chaired the committee, and the deadline was brutal.
Sam: (laughing) Six weeks to summarise a planet. I can't pick a pizza topping in six weeks.
[laughs]
Alex: They chose greetings in fifty-five languages, and the sound of a kiss.
## Ad read 1 [AdRead] (30s)
[This episode is brought to you by Northstar Binoculars. Northstar glass is ground in small batches, and every pair comes with a star chart of your own sky.]
[Go to northstar.example/signal and use code SIGNAL for ten percent off.]
## Main segment 2: What the Aliens Get [Main] (180s)
Sam: So picture it. Someone, somewhere, finds the record. What do they hear first?
Alex: Instructions, actually. The cover shows how to play it, in pulses of hydrogen.
[SFX: A slow heartbeat, recorded from a real human chest.]
Sam: (quietly) That's the part that gets me.
## Outro [Outro] (45s)
Alex: That's our show. The record is still out there, past Neptune, still playing to nobody.
Sam: Thanks for listening to Deep Signal.
[Music fades out]
";
const GPT: &str = "\
## Cold open [ColdOpen] (30s)
[SFX: a modem handshake, then silence]
Alex: Forty-nine years ago, we mailed a letter to nobody in particular.
Sam: And it's still in the mail.
## Intro [Intro] (45s)
Alex: This is Deep Signal. I'm Alex.
Sam: I'm Sam. And today we're opening that letter.
## Main segment 1: The Committee [Main] (150s)
Alex: The committee met at Cornell, around Carl Sagan's kitchen table, more or less.
Sam: (laughs) More or less is doing a lot of work there.
Alex: They had a budget of almost nothing and a deadline of six weeks.
## Ad read 1 [AdRead]
Sam: Today's episode is supported by Lumen Coffee. Roasted slow, shipped fast.
Sam: Visit lumen.example and use code DEEP for your first bag free.
## Main segment 2: Sounds of Earth [Main] (180s)
Sam: The sounds section starts with volcanoes and ends with a heartbeat.
Alex: And in between, a tractor. Someone on that committee loved a tractor.
[MUSIC CUE: A few bars of Chuck Berry, \"Johnny B. Goode\".]
## Outro [Outro] (45s)
Alex: That's it for this week.
Sam: Go outside tonight and look up. It's out there.
";
const GEMINI: &str = "\
## Cold open [ColdOpen] (30s)
[SOUND of a needle dropping onto vinyl]
Alex: What would you put on a record for aliens? 🤔
Sam: Honestly? Probably the wrong things.
## Intro [Intro] (45s)
Alex: Welcome to Deep Signal, the show about messages sent a very long way.
Sam: I'm Sam, and I'm already emotional.
## Main segment 1: The Committee [Main] (150s)
Alex: The team behind the record was tiny, and the clock was short.
Sam: Six weeks. 🕰️ That's it.
## Ad read 1 [AdRead]
Alex: This episode is brought to you by Orbit Socks. Socks so comfortable you'll forget gravity. Use code ORBIT at checkout.
## Main segment 2: Music For Nobody [Main] (45s)
Sam: Ninety minutes of music, from Bach to a Navajo night chant.
Alex: And one very stubborn request to include the Beatles, which didn't happen.
## Outro [Outro] (45s)
Sam: That's the show. Thanks for riding along. 🚀
Alex: See you next time on Deep Signal.
";
const LLAMA: &str = "\
## Cold open [ColdOpen] (30s)
[Music swells]
Alex: Picture a gold disc the size of a dinner plate, drifting past the edge of everything.
Sam: And on it, a baby crying.
## Intro [Intro] (45s)
Alex: Hi, I'm Alex.
Sam: And I'm Sam, and this is Deep Signal.
## Main segment 1: A Deadline in 1977 [Main] (120s)
Alex: (laughs) Six weeks. They had six weeks.
Sam: That's less time than I spent choosing a couch.
[SFX: a clock ticking, fast]
## Ad read 1 [AdRead]
Alex: Today's episode comes from our sponsor, Quiet Hours headphones. Noise cancelling that actually cancels. Find them at quiethours.example.
## Main segment 2: The Greetings [Main] (150s)
Alex: The greetings came in fifty-five languages.
Sam: Including one that just says: hello from the children of planet Earth.
## Outro [Outro] (60s)
Sam: That's our episode.
Alex: Goodnight, and keep listening.
";
const TERSE: &str = "\
## Cold open [ColdOpen] (30s)
Alex: In 1977 we sent a record into space.
Sam: On purpose.
## Intro [Intro] (45s)
Alex: This is Deep Signal.
Sam: Let's get into it.
## Main segment 1: The committee [Main] (150s)
Alex: Carl Sagan's committee had six weeks.
[Music swells]
Sam: And almost no money.
## Ad read 1 [AdRead] (30s)
[This episode is brought to you by Acme Telescopes. Visit acme.example.]
## Main segment 2: The sounds [Main] (180s)
Sam: Rain, wind, a kiss, a tractor.
Alex: A tractor!
## Outro [Outro] (45s)
Alex: Thanks for listening.
Sam: See you next time.
";
const MULTI: &str = "\
## Cold open [ColdOpen] (30s)
Alex: It's 1977, and somebody is recording a kiss for aliens.
Sam: Romantic.
## Intro [Intro] (45s)
Alex: Welcome to Deep Signal.
Sam: Today, the Golden Record.
## Main segment 1: The Brief [Main] (150s)
Alex: The brief was simple: tell the universe who we are.
Sam: No pressure.
## Ad read 1 [AdRead] (30s)
Sam: This episode is brought to you by Northstar Binoculars. Use code SIGNAL at northstar.example.
## Main segment 2: The Playlist [Main] (180s)
Sam: Bach, Beethoven, Blind Willie Johnson.
Alex: (laughing) And a tractor, again.
## Outro [Outro] (45s)
Alex: That's the show.
Sam: Keep looking up.
";
#[test]
fn a_chatty_answer_loses_its_preamble_title_and_sign_off() {
    let n = normalise(&fixture("claude_chatty.md"), &plan());
    check(
        "claude",
        &n,
        CLAUDE,
        &[
            "Here's the script for your episode on the Voyager Golden Record.",
            "# The Golden Record: A Mixtape for the Stars",
            "**Word count:** ~1,150",
            "- The heartbeat clip is in the shared drive under \"sfx\".",
            "Let me know if you'd like any changes to the tone or pacing!",
        ],
    );
    assert_eq!(
        n.dropped.len(),
        2,
        "one stretch before, one after: {:?}",
        n.dropped
    );
}

#[test]
fn a_markdown_heavy_answer_with_rules_and_a_quoted_ad() {
    let n = normalise(&fixture("gpt_markdown.md"), &plan());
    check(
        "gpt",
        &n,
        GPT,
        &[
            "# Deep Signal — \"The Golden Record\"",
            "*Episode script · approx. 10 minutes · two hosts*",
            "If you'd like, I can tighten the cold open",
        ],
    );
}

#[test]
fn bold_headings_bracketed_cues_and_every_time_target_form() {
    let n = normalise(&fixture("gemini_bold.md"), &plan());
    check(
        "gemini",
        &n,
        GEMINI,
        &[
            "**Podcast Title:** Deep Signal",
            "I hope this script is helpful!",
        ],
    );
    // `(~2.5 min)` and `(9:15–10:00)`.
    assert_eq!(n.script.segments[2].target_seconds, Some(150));
    assert_eq!(n.script.segments[4].target_seconds, Some(45));
}

#[test]
fn plain_upper_case_labels_and_names_on_their_own_line() {
    let n = normalise(&fixture("llama_caps.txt"), &plan());
    check(
        "llama",
        &n,
        LLAMA,
        &[
            "Here is the script:",
            "Note: I kept the script",
            "I hope this meets your needs!",
        ],
    );
}

#[test]
fn a_terse_answer_is_kept_whole() {
    let n = normalise(&fixture("terse.md"), &plan());
    check("terse", &n, TERSE, &[]);
    assert!(n.dropped.is_empty(), "{:?}", n.dropped);
}

#[test]
fn an_answer_in_parts_never_repeats_its_chat_mid_script() {
    let parts = [fixture("multi_part_1.md"), fixture("multi_part_2.md")];
    let n = normalise_parts(&parts, &plan());
    check(
        "multi",
        &n,
        MULTI,
        &[
            "Sure! Here's part 1 of the script",
            "I'll continue with the ad read",
            "Here's part 2 of the script, picking up right after Main Segment 1:",
            "That's the full script!",
        ],
    );
    assert_eq!(n.dropped.len(), 4, "{:?}", n.dropped);
    // Glued into one answer, the chat between the parts is still recognised and dropped.
    let glued = normalise(&parts.join("\n\n"), &plan());
    assert_eq!(glued.script, n.script);
}

#[test]
fn speakers_are_shown_as_the_producer_typed_them() {
    let mut plan = plan();
    plan.hosts = vec!["Alex Rivera".into(), "Sam O'Neil".into()];
    let n = normalise(&fixture("llama_caps.txt"), &plan);
    assert_eq!(n.script.speakers(), vec!["Alex Rivera", "Sam O'Neil"]);
    // Typed in lower case, the names survive the text form the script is saved in.
    plan.hosts = vec!["alex".into(), "sam".into()];
    let n = normalise(&fixture("llama_caps.txt"), &plan);
    assert_eq!(n.script.speakers(), vec!["alex", "sam"]);
    assert!(n
        .script
        .to_text()
        .contains("**sam:** And on it, a baby crying."));

    let interview = ScriptPlan {
        hosts: vec!["Maya".into()],
        guests: vec!["Dr. Lena Ortiz".into()],
        segments: vec!["Intro".into(), "Main segment 1".into()],
    };
    let n = normalise(
        "Sure, here's the interview.\n\n## Intro\nHOST: Welcome, Dr. Ortiz.\n\
         GUEST: Thanks for having me.\n**DR. LENA ORTIZ (smiling):** Truly.\n\n\
         ## Main segment 1: Deep time\n**Maya:** How long will the record last?\n\
         **Guest:** A billion years, give or take.\n",
        &interview,
    );
    assert_eq!(
        n.script.segments[0].lines,
        vec![
            Line::spoken("Maya", "Welcome, Dr. Ortiz."),
            Line::spoken("Dr. Lena Ortiz", "Thanks for having me."),
            Line::spoken("Dr. Lena Ortiz", "(smiling) Truly."),
        ]
    );
    assert_eq!(n.script.segments[1].heading, "Main segment 1: Deep time");
    assert_eq!(n.dropped, vec!["Sure, here's the interview.".to_string()]);
}

#[test]
fn cue_labels_are_directions_never_speakers() {
    let n = normalise(
        "## Main segment 1\n**MUSIC CUE:** Theme in.\nSFX: Door creaks\nSOUND: Rain\n\
         NOTE: Check the date.\n**ALEX:** Hello.\n*(laughs)*\n[Music swells]\n\
         *[Beat]*\nAD READ: Acme Telescopes make the sky bigger. Visit acme.example.\n",
        &plan(),
    );
    let s = &n.script;
    assert_eq!(
        s.segments[0].lines,
        vec![
            Line::direction("MUSIC CUE: Theme in."),
            Line::direction("SFX: Door creaks"),
            Line::direction("SOUND: Rain"),
            Line::direction("NOTE: Check the date."),
            Line::spoken("Alex", "Hello."),
            Line::direction("laughs"),
            Line::direction("Music swells"),
            Line::direction("Beat"),
        ]
    );
    assert_eq!(s.segments[1].kind, SegmentKind::AdRead);
    assert_eq!(s.segments[1].heading, "Ad read 1");
    assert_eq!(
        s.segments[1].lines,
        vec![Line::direction(
            "Acme Telescopes make the sky bigger. Visit acme.example."
        )]
    );
    assert_eq!(s.speakers(), vec!["Alex"]);
}

#[test]
fn an_empty_or_chat_only_answer_gives_no_script() {
    let n = normalise("", &plan());
    assert!(n.script.segments.is_empty());
    assert_eq!(n.missing.len(), 6);
    let n = normalise("Sure! Let me know if you'd like a script.\n", &plan());
    assert!(n.script.segments.is_empty(), "{:?}", n.script);
    assert_eq!(
        n.dropped_text(),
        "Sure! Let me know if you'd like a script."
    );
}

#[test]
fn any_mix_of_answer_lines_is_read_without_panicking_and_reads_back_as_saved() {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    let mut lines: Vec<String> = [
        "claude_chatty.md",
        "gpt_markdown.md",
        "gemini_bold.md",
        "llama_caps.txt",
        "multi_part_1.md",
        "multi_part_2.md",
    ]
    .iter()
    .flat_map(|f| fixture(f).lines().map(str::to_string).collect::<Vec<_>>())
    .collect();
    lines.extend(
        [
            "> ",
            ">",
            "**",
            "[",
            "(",
            "**:**",
            "[]",
            "()",
            "## ",
            "# ",
            "İSTANBUL AD:",
            "ẞ ad",
            "**AD",
            "*(",
            "Segment",
            "Part two —",
            "(9:15–)",
            "(–10:00)",
            "\u{feff}",
            "🎙️",
            "[ALEX",
            "ALEX (",
            "ALEX ():",
            "__x__",
            "_",
            "***",
        ]
        .map(String::from),
    );
    let mut rng = StdRng::seed_from_u64(12);
    for case in 0..3_000 {
        let n = rng.gen_range(0..30);
        let text: Vec<&str> = (0..n)
            .map(|_| lines[rng.gen_range(0..lines.len())].as_str())
            .collect();
        let text = text.join("\n");
        let out = normalise(&text, &plan());
        assert_eq!(
            Script::parse(&out.script.to_text()),
            out.script,
            "case {case}: {text:?}"
        );
    }
}

#[test]
fn sub_headings_name_their_segment_and_never_take_the_next_one() {
    let n = normalise(
        "## Main segment 1 (2:00)\n### The committee\nALEX: Six weeks.\n\
         ### A tangent about tractors\nSAM: A tractor!\n\
         **MAIN SEGMENT 2**\n**The Sounds of Earth**\nSAM: Rain and wind.\n\
         ## Outro\nALEX: Bye.\n",
        &plan(),
    );
    assert_eq!(
        outline(&n.script),
        "## Main segment 1: The committee [Main] (120s)\nAlex: Six weeks.\n\
         ## A tangent about tractors [Main]\nSam: A tractor!\n\
         ## Main segment 2: The Sounds of Earth [Main]\nSam: Rain and wind.\n\
         ## Outro [Outro]\nAlex: Bye.\n"
    );
    assert_eq!(n.missing, vec!["Cold open", "Intro", "Ad read 1"]);
}

#[test]
fn fences_end_markers_and_bracketed_ad_breaks() {
    let n = normalise(
        "```markdown\n[Draft v1 — for review]\n**Total runtime: ~10 minutes | Word count: ~1,500**\n\n\
         **[COLD OPEN]**\n*(0:30)*\nALEX: Hello there.\n\n\
         **[AD BREAK — Lumen Coffee]**\nSAM: Lumen Coffee, roasted slow.\n\n\
         SPONSOR MESSAGE\nSAM: And thanks to Orbit Socks.\n\n\
         — End of script —\n```\nWant me to add a listener mailbag?",
        &plan(),
    );
    assert_eq!(
        outline(&n.script),
        "## Cold open [ColdOpen] (30s)\nAlex: Hello there.\n\
         ## Ad read 1: Lumen Coffee [AdRead]\nSam: Lumen Coffee, roasted slow.\n\
         ## Ad read [AdRead]\nSam: And thanks to Orbit Socks.\n"
    );
    let dropped = n.dropped_text();
    for chat in [
        "[Draft v1 — for review]",
        "Word count: ~1,500",
        "— End of script —",
        "Want me to add a listener mailbag?",
    ] {
        assert!(dropped.contains(chat), "{chat:?} in {dropped}");
    }
}

#[test]
fn a_saved_script_read_again_is_unchanged() {
    for name in [
        "claude_chatty.md",
        "gpt_markdown.md",
        "gemini_bold.md",
        "llama_caps.txt",
        "terse.md",
    ] {
        let once = normalise(&fixture(name), &plan());
        let twice = normalise(&once.script.to_text(), &plan());
        assert_eq!(twice.script, once.script, "{name}");
        assert!(twice.dropped.is_empty(), "{name}: {:?}", twice.dropped);
    }
}

#[test]
fn a_quoted_ad_inside_a_segment_becomes_the_ad_read_after_it() {
    let n = normalise(
        "## Main segment 1: The committee\nALEX: Six weeks.\n\
         > This episode is brought to you by Acme Telescopes.\n> Use code SIGNAL.\n\
         SAM: Back to the record.\n\n## Main segment 2\nALEX: The sounds.\n",
        &plan(),
    );
    assert_eq!(
        outline(&n.script),
        "## Main segment 1: The committee [Main]\nAlex: Six weeks.\nSam: Back to the record.\n\
         ## Ad read 1 [AdRead]\n[This episode is brought to you by Acme Telescopes.]\n[Use code SIGNAL.]\n\
         ## Main segment 2 [Main]\nAlex: The sounds.\n"
    );
}

#[test]
fn note_labels_after_facts_are_kept_for_the_fact_check() {
    let n = normalise(
        "## Main segment 1\n**ALEX:** The committee had six weeks [n1].\n\
         SAM: And chose 116 images [n1, n3]. *[laughs]* Wild.\n",
        &plan(),
    );
    assert_eq!(
        n.script.segments[0].lines,
        vec![
            Line::spoken("Alex", "The committee had six weeks [n1]."),
            Line::spoken("Sam", "And chose 116 images [n1, n3]. (laughs) Wild."),
        ]
    );
}
