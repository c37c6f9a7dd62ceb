//! The local findings handed to the quality check, so the model does not pay to rediscover
//! them and spends its judgement on what a lookup cannot do.

use super::{check, FactStatus, NoteText};
use crate::gateway::Message;
use crate::pipeline::notes_store::StoredNote;
use crate::script::Script;

/// At most this many flagged facts are listed: a long script's list stays a small part of
/// the prompt.
const MAX_LISTED: usize = 40;

/// The findings as a paragraph for the quality check's instructions.
pub fn local_findings(script_text: &str, notes: &[StoredNote]) -> String {
    let notes = NoteText::labelled(
        notes
            .iter()
            .map(|n| (n.source_name.clone(), n.text.clone())),
    );
    let fc = check(&Script::parse(script_text), &notes);
    let mut s = format!(
        "A local check has already looked up every figure, date and name of the script in the \
         notes: {} found as written, {} where the notes disagree, {} not in the notes.",
        fc.found, fc.disagree, fc.not_in_notes
    );
    let mut seen: Vec<String> = Vec::new();
    for f in fc.flagged() {
        if seen.len() == MAX_LISTED {
            break;
        }
        let key = f.text.to_lowercase();
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let labels: Vec<&str> = f.sources.iter().map(|s| s.label.as_str()).collect();
        let what = match f.status {
            FactStatus::Disagree => format!("the notes disagree ({})", labels.join(", ")),
            _ => "not in the notes".to_string(),
        };
        s.push_str(&format!("\n- \"{}\": {what}", f.text));
    }
    s.push_str(
        "\nThe producer is shown these already: do not repeat them in unsupported_claims. Judge \
         what a lookup cannot: claims that are not figures, dates or names, and figures used \
         for the wrong thing.",
    );
    s
}

/// The quality check's messages with the local findings added to its instructions.
pub fn with_local_findings(
    mut msgs: Vec<Message>,
    script_text: &str,
    notes: &[StoredNote],
) -> Vec<Message> {
    if let Some(system) = msgs.first_mut() {
        system.content.push('\n');
        system.content.push_str(&local_findings(script_text, notes));
    }
    msgs
}
