//! The prompts of the four stages. Instructions go in the system message; the producer's
//! material goes in the user message between `<<<NOTES` and `NOTES>>>`, so a model (and the
//! local emulator) can tell the material from the instructions.

use super::episode::{EpisodeBrief, Format};
use super::seams::Seams;
use crate::gateway::Message;

fn material(blocks: &[(String, String)]) -> String {
    let mut s = String::from("<<<NOTES\n");
    for (label, text) in blocks {
        s.push_str(&format!("[{label}]\n{}\n", text.trim()));
    }
    s.push_str("NOTES>>>");
    s
}

fn show_line(b: &EpisodeBrief) -> String {
    let format = match b.format {
        Format::Solo => "a solo show",
        Format::TwoHosts => "a two-host conversation",
        Format::Interview => "an interview",
    };
    format!(
        "The episode: \"{}\", {format}, about {} minutes, in {}, tone: {}.\nWhat it is about and for whom: {}",
        b.title,
        b.minutes,
        b.language,
        b.tone,
        if b.brief.trim().is_empty() { "(no brief given)" } else { b.brief.trim() }
    )
}

/// Research: facts from one or more notes, each citing the note it rests on.
pub fn research(b: &EpisodeBrief, notes: &[(String, String)]) -> Vec<Message> {
    vec![
        Message::system(format!(
            "You are a careful podcast researcher.\nTASK: findings\n{}\n\
             List the findings in the notes that matter for this episode, one per line starting \
             with \"- \", each ending with the label of the note it comes from, like [n1]. Use \
             only what the notes say; do not add facts.",
            show_line(b)
        )),
        Message::user(material(notes)),
    ]
}

/// Synthesis: an outline of claims, each linked to its sources.
pub fn synthesis(b: &EpisodeBrief, findings: &str) -> Vec<Message> {
    vec![
        Message::system(format!(
            "You are a podcast story editor.\nTASK: outline\n{}\n\
             Turn the findings into a numbered outline for the episode: the main claims in a \
             good order for listeners, each with the note labels it rests on, like [n2].",
            show_line(b)
        )),
        Message::user(material(&[("findings".into(), findings.to_string())])),
    ]
}

/// The segment plan the script must follow.
pub fn segment_plan(b: &EpisodeBrief) -> Vec<String> {
    let s = &b.segments;
    let mut out = Vec::new();
    if s.cold_open {
        out.push("Cold open".to_string());
    }
    if s.intro {
        out.push("Intro".to_string());
    }
    let mains = s.main_segments.max(1);
    for i in 0..mains {
        out.push(format!("Main segment {}", i + 1));
        if i < s.ad_reads {
            out.push(format!("Ad read {}", i + 1));
        }
    }
    if s.outro {
        out.push("Outro".to_string());
    }
    out
}

/// Script: speaker-labelled lines under `## Segment` headings with time targets.
pub fn script(
    b: &EpisodeBrief,
    outline: &str,
    notes: &[(String, String)],
    segments: &[String],
    words: u32,
    seams: &Seams,
) -> Vec<Message> {
    let speakers = b.speakers().join(", ");
    let mut blocks = vec![("outline".to_string(), outline.to_string())];
    blocks.extend(notes.iter().cloned());
    vec![
        Message::system(format!(
            "You are a podcast script writer.\nTASK: script\nSPEAKERS: {speakers}\nWORDS: {words}\n\
             PLAN: {}\nSEGMENTS: {}\n{}\n\
             Write these segments, each under a heading \"## <segment> (m:ss)\" with its time \
             target: {}.\nEvery spoken line is \"NAME: text\" using only the speakers named \
             above. Ad reads are marked lines for the host to read. Stay close to the outline and \
             the notes; do not invent facts. After a line that states a fact from the notes, \
             put the label of its note in square brackets, like [n1]. Aim for about {words} words.{}",
            segment_plan(b).join("; "),
            segments.join("; "),
            show_line(b),
            segments.join("; "),
            seams.instructions()
        )),
        Message::user(material(&blocks)),
    ]
}

/// The JSON schema of the quality verdict.
pub fn verdict_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "json_schema",
        "json_schema": {
            "name": "quality_verdict",
            "strict": true,
            "schema": {
                "type": "object",
                "additionalProperties": false,
                "required": ["score", "unsupported_claims", "structure", "tone", "fixes"],
                "properties": {
                    "score": {"type": "integer", "minimum": 0, "maximum": 100},
                    "unsupported_claims": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["claim", "reason"],
                            "properties": {
                                "claim": {"type": "string"},
                                "reason": {"type": "string"}
                            }
                        }
                    },
                    "structure": {"type": "string"},
                    "tone": {"type": "string"},
                    "fixes": {"type": "array", "items": {"type": "string"}}
                }
            }
        }
    })
}

/// Quality check: a schema-checked verdict on the script against the notes.
pub fn quality(
    b: &EpisodeBrief,
    script: &str,
    notes: &[(String, String)],
    words: u32,
    target: u32,
) -> Vec<Message> {
    let mut blocks = vec![("script".to_string(), script.to_string())];
    blocks.extend(notes.iter().cloned());
    vec![
        Message::system(format!(
            "You are a strict podcast editor.\nTASK: verdict\nTARGET_WORDS: {target}\n{}\n\
             Check the script against the notes. Score it 0-100. List the claims the notes do \
             not support, the eight that matter most at most, each quoted briefly; judge the \
             structure and the tone; give up to five concrete fixes. The script has {words} \
             words against a target of {target}. Answer with the JSON object only.",
            show_line(b)
        )),
        Message::user(material(&blocks)),
    ]
}

/// A rewrite of the script with the checker's fixes.
pub fn rewrite(
    b: &EpisodeBrief,
    script: &str,
    fixes: &[String],
    notes: &[(String, String)],
    words: u32,
) -> Vec<Message> {
    let speakers = b.speakers().join(", ");
    let plan = segment_plan(b).join("; ");
    let mut blocks = vec![("script".to_string(), script.to_string())];
    blocks.extend(notes.iter().cloned());
    vec![
        Message::system(format!(
            "You are a podcast script writer revising a draft.\nTASK: script\nSPEAKERS: {speakers}\nWORDS: {words}\n\
             PLAN: {plan}\nSEGMENTS: {plan}\n{}\n\
             Rewrite the script keeping its segments and speaker format, applying these fixes:\n{}",
            show_line(b),
            fixes.iter().map(|f| format!("- {f}")).collect::<Vec<_>>().join("\n")
        )),
        Message::user(material(&blocks)),
    ]
}
