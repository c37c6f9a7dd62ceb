//! Research notes sized for an episode's length, the way a producer brings them: several
//! files, each on one subject, of plain sentences dense with the facts a script retells
//! (names, years, figures, places). A 60-minute episode is not written from three short
//! clippings, and the demo writes no more than its material holds (it never repeats a fact),
//! so the material grows with the episode: about `WORDS_PER_MINUTE` words of notes for each
//! minute. Generated from a seeded source: the same take gives the same notes, and a
//! different take different ones, so no episode reuses another's answers.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Words of notes per minute of episode: about the 150 spoken words a minute holds. The demo
/// tells each fact once, so with less material its script falls short of the target (a real
/// writer would pad; the demo does not invent).
pub const WORDS_PER_MINUTE: usize = 150;
/// Words in one note file.
const NOTE_WORDS: usize = 550;

const SUBJECTS: [&str; 12] = [
    "The Golden Record",
    "Launch season at Cape Canaveral",
    "The grand tour of the outer planets",
    "Jupiter flyby",
    "Saturn and Titan",
    "Uranus and Neptune",
    "The Pale Blue Dot",
    "Crossing the heliopause",
    "Power and the plutonium batteries",
    "The Deep Space Network",
    "The engineering team",
    "What the probes carry next",
];
const PEOPLE: [&str; 12] = [
    "Carl Sagan",
    "Ann Druyan",
    "Frank Drake",
    "Linda Salzman",
    "Timothy Ferris",
    "Jon Lomberg",
    "Ed Stone",
    "Candy Hansen",
    "Suzanne Dodd",
    "Gary Flandro",
    "Charley Kohlhase",
    "Larry Zottarelli",
];
const PLACES: [&str; 10] = [
    "Pasadena",
    "Cape Canaveral",
    "Canberra",
    "Madrid",
    "Goldstone",
    "Ithaca",
    "Houston",
    "Washington",
    "Palo Alto",
    "Denver",
];
const THINGS: [&str; 12] = [
    "the magnetometer boom",
    "the high-gain antenna",
    "the cosmic ray instrument",
    "the imaging camera",
    "the record cover",
    "the attitude thrusters",
    "the tape recorder",
    "the radio receiver",
    "the plasma wave antenna",
    "the fault protection software",
    "the heater circuits",
    "the gyroscopes",
];
const UNITS: [&str; 8] = [
    "engineers",
    "kilograms",
    "watts",
    "photographs",
    "commands",
    "kilometres per second",
    "hours of tracking",
    "pages of memos",
];

/// One figure per thing counted, the same in every note: notes that contradicted themselves
/// in every sentence would send each episode through the quality check's rewrite, which is
/// not what this benchmark measures.
struct Figures(HashMap<&'static str, u32>);

impl Figures {
    fn of(&mut self, rng: &mut StdRng, noun: &'static str) -> u32 {
        *self.0.entry(noun).or_insert_with(|| rng.gen_range(3..900))
    }
}

/// One sentence of a note: a fact with a person, a year, a figure or a place.
fn sentence(rng: &mut StdRng, figures: &mut Figures) -> String {
    let person = PEOPLE[rng.gen_range(0..PEOPLE.len())];
    let place = PLACES[rng.gen_range(0..PLACES.len())];
    let thing = THINGS[rng.gen_range(0..THINGS.len())];
    let unit = UNITS[rng.gen_range(0..UNITS.len())];
    let year = rng.gen_range(1965..2026);
    let kind = rng.gen_range(0..10);
    let noun = match kind {
        1 | 4 | 9 => unit.split(' ').next().unwrap_or(unit),
        3 => "days",
        7 => "thousand",
        8 => "pages",
        _ => "",
    };
    let n = figures.of(rng, noun);
    match kind {
        0 => format!("In {year}, {person} worked on {thing} with a team in {place}."),
        1 => format!("By {year} the mission had logged {n} {unit} on {thing}."),
        2 => format!(
            "{person} later said that {thing} was the part that worried the team most in {year}."
        ),
        3 => format!("The team in {place} tested {thing} for {n} days before it was approved."),
        4 => format!("A memo from {year} records {n} {unit} spent on {thing}."),
        5 => format!("{person} travelled to {place} in {year} to explain the plan for {thing}."),
        6 => {
            format!("Engineers in {place} rebuilt {thing} after a failure during a test in {year}.")
        }
        7 => format!("The budget for {thing} grew to {n} thousand dollars by {year}."),
        8 => format!("{person} kept a notebook about {thing} that runs to {n} pages."),
        _ => format!("Tracking stations near {place} received {n} {unit} about {thing} in {year}."),
    }
}

/// Notes for a `minutes`-long episode, different for each `take`: `(file name, text)`.
pub fn for_episode(minutes: u32, take: usize) -> Vec<(String, String)> {
    let mut rng = StdRng::seed_from_u64(take as u64 * 1_000 + u64::from(minutes));
    let total = minutes as usize * WORDS_PER_MINUTE;
    let files = total.div_ceil(NOTE_WORDS).max(1);
    let mut figures = Figures(HashMap::new());
    (0..files)
        .map(|i| {
            let subject = SUBJECTS[i % SUBJECTS.len()];
            let mut text = format!("# {subject}\n");
            let mut words = 0;
            while words < total / files {
                let s = sentence(&mut rng, &mut figures);
                words += s.split_whitespace().count();
                text.push_str(&s);
                text.push(' ');
            }
            text.push_str(&format!("Take {take}."));
            (format!("note-{}.md", i + 1), text)
        })
        .collect()
}
