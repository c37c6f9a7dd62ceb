//! Realistic, untidy model answers written for these tests: the way Claude-, GPT-, Llama- and
//! Mistral-class models actually reply (preambles, fences, sign-offs, numbers as strings).

/// The first part of a script that a model stopped writing at its length limit, mid-sentence.
pub const SCRIPT_CUT: &str = "Here's the script for your episode:\n\n---\n\n## Cold open (0:30)\n\nALEX: In 1977 a small committee had six weeks to decide what Earth sounds like.\nSAM: And then they pressed it onto a gold-plated copper record and bolted it to a spacecraft.\n\n## Intro (0:45)\n\nALEX: Welcome back. I'm Alex.\nSAM: And I'm Sam. Today, the Voyager golden record: how it was made, and what's on it.\n\n## Main segment 1: Choosing the images (1:30)\n\nALEX: Carl Sagan chaired the committee, and they had six weeks. Six weeks to pick the pictures.\nSAM: How many did they end up with?\nALEX: The notes say 116 images. There are well over";

/// What the same model writes when asked to continue.
pub const SCRIPT_REST: &str = " a hundred of them, from a diagram of DNA to a supermarket aisle.\nSAM: That's a strange mix.\n\n[AD READ] This episode is supported by listeners like you.\n\n## Main segment 2: Launch day (1:30)\n\nSAM: Voyager 2 actually launched first, on August 20, 1977.\nALEX: And Voyager 1 followed sixteen days later, on September 5, on a faster path.\n\n## Main segment 3: Into interstellar space (1:00)\n\nALEX: In August 2012 Voyager 1 crossed the heliopause.\nSAM: The first human-made object in interstellar space, still carrying that record.\n\n## Outro (0:30)\n\nALEX: That's the golden record. Thanks for listening.\nSAM: See you next time.";

/// A whole script in another model's style: bold names, bold headings, a sign-off.
pub const SCRIPT_WHOLE_BOLD: &str = "Sure! Below is a complete script based on your outline.\n\n**COLD OPEN (0:30)**\n\n**Alex:** Six weeks. That's how long they had to choose what Earth would say.\n\n**INTRO (0:45)**\n\n**Sam:** Welcome in. Today we're talking about the Voyager golden record.\n\n**MAIN SEGMENT 1: The committee (1:30)**\n\n**Alex:** Carl Sagan chaired it, and the record holds greetings in 55 languages.\n\n**AD READ**\n\n**Sam:** This episode is brought to you by our listeners.\n\n**MAIN SEGMENT 2: Launch (1:30)**\n\n**Alex:** Voyager 2 launched on August 20, 1977; Voyager 1 sixteen days later.\n\n**MAIN SEGMENT 3: Beyond the heliopause (1:00)**\n\n**Sam:** Voyager 1 crossed into interstellar space in August 2012.\n\n**OUTRO (0:30)**\n\n**Alex:** Thanks for listening.\n**Sam:** See you next time.\n\n---\n\nWord count: ~160. Let me know if you'd like any changes!";

/// A rewrite after the check's fixes, in a third style (upper-case names).
pub const SCRIPT_REWRITE: &str = "## Cold open (0:30)\nALEX: Six weeks to choose what Earth would say.\n## Intro (0:45)\nSAM: Welcome. Today: the Voyager golden record.\n## Main segment 1 (1:30)\nALEX: The notes give 115, 116 and 118 images, so let's say well over a hundred.\n## Main segment 2 (1:30)\nSAM: Voyager 2 launched on August 20, 1977.\n## Main segment 3 (1:00)\nALEX: Voyager 1 reached interstellar space in August 2012.\n## Outro (0:30)\nSAM: Thanks for listening.";

/// Findings, Llama style: a short preamble, then the bullets.
pub const FINDINGS: &str = "Based on the notes, here are the key findings:\n\n- The committee had six weeks to choose the images for the record [n1]\n- Carl Sagan chaired the committee [n1]\n- The record holds greetings in 55 languages and 90 minutes of music [n1]\n- Voyager 2 launched on August 20, 1977; Voyager 1 sixteen days later [n2]\n- Voyager 1 crossed the heliopause in August 2012 [n3]";

/// An outline, GPT style.
pub const OUTLINE: &str = "1. Six weeks to speak for Earth (source: [n1])\n   - Sagan's committee and its deadline\n2. What made the cut (source: [n1])\n   - greetings in 55 languages, 90 minutes of music\n3. Two launches, two paths (source: [n2])\n4. Still travelling (source: [n3])";

/// A passing verdict inside ```json fences after a sentence of prose, the score as a string,
/// an extra field, and a sign-off.
pub const VERDICT_FENCED_STRING_SCORE: &str = "Here's my assessment of the script against the notes.\n\n```json\n{\n  \"score\": \"86\",\n  \"verdict\": \"pass\",\n  \"unsupported_claims\": [\n    {\"claim\": \"The committee chose 116 images\", \"reason\": \"The notes give 115, 116 and 118 images in different places\"}\n  ],\n  \"structure\": \"Follows the segment plan; the ad read sits between segments one and two.\",\n  \"tone\": \"Warm and curious.\",\n  \"fixes\": [\"Say 'well over a hundred images' instead of a single number\"]\n}\n```\n\nOverall this is a solid draft. Let me know if you'd like a second pass!";

/// A failing verdict, plain JSON.
pub const VERDICT_FAILING: &str = "{\"score\": 58, \"unsupported_claims\": [{\"claim\": \"There are exactly 116 images\", \"reason\": \"The notes disagree: 115, 116 and 118\"}, {\"claim\": \"Voyager 1 launched first\", \"reason\": \"The notes say Voyager 2 launched first\"}], \"structure\": \"Segments present\", \"tone\": \"Fine\", \"fixes\": [\"Do not give a single image count\", \"Voyager 2 launched first\"]}";

/// Answers that are not verdicts at all.
pub const VERDICT_PROSE_ONLY: &str = "I'd rate this script about 8 out of 10. The structure is clear and the facts mostly match the notes, though the image count is stated more precisely than the notes allow.";
pub const VERDICT_WRONG_SHAPE: &str =
    "```json\n{\"rating\": \"good\", \"comments\": \"Nice flow.\"}\n```";

/// Findings cut off mid-line, and the rest when asked to continue.
pub const FINDINGS_CUT: &str = "- The committee had six weeks to choose the images for the record [n1]\n- Carl Sagan chaired the";
pub const FINDINGS_REST: &str = " committee [n1]\n- Voyager 2 launched on August 20, 1977 [n2]\n- Voyager 1 crossed the heliopause in August 2012 [n3]";

/// A verdict cut off inside its JSON, and the rest of it.
pub const VERDICT_CUT: &str = "```json\n{\"score\": 91, \"unsupported_claims\": [], \"structure\": \"All seven segments in order\", \"tone\": \"Lively";
pub const VERDICT_REST: &str = " and clear\", \"fixes\": []}\n```";
