// Finds a fact's passage in its note. The engine gives the sentence with its whitespace
// collapsed and list marks dropped, so the note's own line breaks and spacing may differ.

export type PassageParts = { before: string; match: string; after: string };

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The note's text around the passage; `match` is empty when the passage is not in it. */
export function splitAtPassage(text: string, passage: string): PassageParts {
  const words = passage.split(/\s+/).filter((w) => w !== "");
  if (words.length === 0) return { before: text, match: "", after: "" };
  const pattern = new RegExp(words.map(escape).join("\\s+"));
  const found = pattern.exec(text);
  if (!found) return { before: text, match: "", after: "" };
  return {
    before: text.slice(0, found.index),
    match: found[0],
    after: text.slice(found.index + found[0].length),
  };
}
