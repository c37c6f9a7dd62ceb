//! Model ids as the catalog lists them, and a readable name for an id it no longer lists.
//! Pure text functions, used wherever a model is named to the producer (the preflight, the
//! gateway's and the router's messages), so they depend on nothing else in the engine.

/// A model id as the catalog lists it: routing suffixes (`:floor`, `:nitro`) are not part of
/// the id, `:free` is.
pub fn listed_id(model: &str) -> &str {
    match model.rsplit_once(':') {
        Some((base, "floor" | "nitro" | "online" | "extended" | "thinking")) => base,
        _ => model,
    }
}

/// A readable name for an id the catalog no longer lists ("claude-instant-1" → "Claude
/// Instant 1").
pub fn name_from_id(id: &str) -> String {
    let last = listed_id(id).rsplit('/').next().unwrap_or(id);
    last.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| match w.to_ascii_lowercase().as_str() {
            "gpt" => "GPT".to_string(),
            w if w.len() <= 2 && w.chars().all(|c| c.is_ascii_alphabetic()) => w.to_uppercase(),
            w => {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
