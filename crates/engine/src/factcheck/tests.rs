//! The pieces on their own: figures, dates and names as read from text.

use super::extract::{extract, Claim};
use super::numbers::Date;
use super::tokens::tokenize;
use super::*;

fn claims(text: &str) -> Vec<(Claim, String)> {
    let toks = tokenize(text);
    extract(&toks, true, &["alex".to_string()])
        .into_iter()
        .map(|f| (f.claim, text[f.start..f.end].to_string()))
        .collect()
}

fn quantity(text: &str) -> (f64, Vec<String>, String) {
    match claims(text)
        .into_iter()
        .find(|(c, _)| matches!(c, Claim::Quantity { .. }))
    {
        Some((Claim::Quantity { value, nouns }, span)) => (value, nouns, span),
        other => panic!("no quantity in {text:?}: {other:?}"),
    }
}

#[test]
fn figures_in_digits_words_and_fractions() {
    assert_eq!(quantity("It carries 1,000 greetings.").0, 1000.0);
    assert_eq!(quantity("It carries 1000 greetings.").0, 1000.0);
    assert_eq!(quantity("It carries one thousand greetings.").0, 1000.0);
    assert_eq!(quantity("spoken in fifty-five languages").0, 55.0);
    let (v, nouns, span) = quantity("over a billion years from now");
    assert_eq!(
        (v, nouns, span.as_str()),
        (1e9, vec!["year".to_string()], "a billion years")
    );
    let (v, _, span) = quantity("played at 16⅔ rpm");
    assert!((v - 16.0 - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(span, "16⅔ rpm");
    assert_eq!(quantity("about 40,000 years ago").2, "40,000 years");
    assert_eq!(quantity("1.5 million kilometres").0, 1.5e6);
    assert_eq!(quantity("116 of the images").1, vec!["image".to_string()]);
}

#[test]
fn small_counts_in_words_are_not_facts() {
    assert!(claims("the two of us went there").is_empty());
}

#[test]
fn dates_in_many_forms_read_the_same() {
    let want = Claim::Date(Date {
        y: 1977,
        m: 8,
        d: Some(20),
    });
    for text in [
        "launched on 20 August 1977 from Florida",
        "launched on Aug 20 1977 from Florida",
        "launched on Aug. 20, 1977 from Florida",
        "launched on August 20th, 1977 from Florida",
        "launched on the 20th of August 1977 from Florida",
        "launched on 1977-08-20 from Florida",
        "launched on 20/08/1977 from Florida",
    ] {
        let got = claims(text);
        assert!(got.iter().any(|(c, _)| *c == want), "{text}: {got:?}");
        // The year inside a date is not a second fact.
        assert!(
            !got.iter().any(|(c, _)| matches!(c, Claim::Year(_))),
            "{text}: {got:?}"
        );
    }
}

#[test]
fn names_with_figures_and_hyphens() {
    let got = claims("It will pass Gliese-445 in 40,000 years, said Carl Sagan.");
    let names: Vec<&Claim> = got
        .iter()
        .map(|(c, _)| c)
        .filter(|c| matches!(c, Claim::Name(_)))
        .collect();
    assert_eq!(
        names,
        vec![
            &Claim::Name(" gliese 445 ".into()),
            &Claim::Name(" carl sagan ".into())
        ]
    );
    // Sentence openers and the episode's speakers are not names.
    let got = claims("There are 116 images. Alex, So what? Voyager 2 flew by.");
    let names: Vec<String> = got
        .iter()
        .filter_map(|(c, _)| match c {
            Claim::Name(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(names, vec![" voyager 2 ".to_string()]);
}

#[test]
fn labels_are_taken_out_of_the_line() {
    let (text, labels) = strip_labels("There are 116 images [n2] and 55 languages [n1, n3].");
    assert_eq!(labels, vec!["n2", "n1", "n3"]);
    assert!(!text.contains('['));
    assert_eq!(
        text.len(),
        "There are 116 images [n2] and 55 languages [n1, n3].".len()
    );
    let (text, labels) = strip_labels("a [laughs] moment");
    assert!(labels.is_empty());
    assert_eq!(text, "a [laughs] moment");
}

#[test]
fn labels_are_not_read_aloud() {
    assert_eq!(
        without_labels("There are 116 images [n2], in 55 languages [n1, n3]."),
        "There are 116 images, in 55 languages."
    );
    assert_eq!(without_labels("A [laughs] moment."), "A [laughs] moment.");
}
