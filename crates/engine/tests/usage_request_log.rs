//! The request log: its filters, newest first, and keyset pages — on a small log whose
//! answers are known by hand.

mod usage_fixtures;

use castwright_engine::ledger::Status;
use castwright_engine::usage::{self, LogFilter, Page, Range, DELETED_EPISODE};
use usage_fixtures::{at, episode, open_store, Attempt};

fn ids(page: &usage::LogPage) -> Vec<u32> {
    page.rows.iter().map(|r| r.id).collect()
}

#[test]
fn the_log_filters_by_episode_stage_model_and_status_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    episode(&store, "ep_a", "Voyager");
    let gpt = "openai/gpt-6.1-terra";
    let mini = "openai/gpt-6-luna";
    let a1 = Attempt {
        call: "c1",
        episode: Some("ep_a"),
        stage: Some("research"),
        served: Some(mini),
        cost_units: 1_000,
        latency_ms: 400,
        ..at(mini)
    }
    .log(&store);
    let a2 = Attempt {
        call: "c2",
        episode: Some("ep_a"),
        stage: Some("script"),
        status: Status::Error,
        latency_ms: 90,
        ..at(gpt)
    }
    .log(&store);
    // Server-side fallback: asked for GPT-4o, answered by the mini.
    let a3 = Attempt {
        call: "c2",
        episode: Some("ep_a"),
        stage: Some("script"),
        served: Some(mini),
        cost_units: 33_382_500,
        latency_ms: 2_100,
        ..at(gpt)
    }
    .log(&store);
    let b1 = Attempt {
        call: "c3",
        episode: Some("ep_gone"),
        stage: Some("script"),
        served: Some(gpt),
        cost_units: 5,
        latency_ms: 700,
        ..at(gpt)
    }
    .log(&store);
    let n1 = Attempt {
        call: "c4",
        served: Some(mini),
        status: Status::CacheHit,
        latency_ms: 3,
        ..at(mini)
    }
    .log(&store);
    let conn = store.conn();
    let all = |f: LogFilter| usage::request_log(conn, &f, Page::default()).unwrap();

    let everything = all(LogFilter::default());
    assert_eq!(ids(&everything), vec![n1, b1, a3, a2, a1]);
    assert_eq!(everything.total, 5);
    assert_eq!(everything.next_before_id, None);

    let by_episode = all(LogFilter {
        episode_id: Some("ep_a".into()),
        ..LogFilter::default()
    });
    assert_eq!(ids(&by_episode), vec![a3, a2, a1]);
    assert!(by_episode
        .rows
        .iter()
        .all(|r| r.episode_title.as_deref() == Some("Voyager")));

    let by_stage = all(LogFilter {
        stage: Some("script".into()),
        ..LogFilter::default()
    });
    assert_eq!(ids(&by_stage), vec![b1, a3, a2]);
    assert_eq!(
        by_stage.rows[0].episode_title.as_deref(),
        Some(DELETED_EPISODE)
    );

    // The model filter matches the model asked for or the one that answered.
    let by_mini = all(LogFilter {
        model: Some(mini.into()),
        ..LogFilter::default()
    });
    assert_eq!(ids(&by_mini), vec![n1, a3, a1]);
    let by_gpt = all(LogFilter {
        model: Some(gpt.into()),
        ..LogFilter::default()
    });
    assert_eq!(ids(&by_gpt), vec![b1, a3, a2]);

    let failed = all(LogFilter {
        status: Some("error".into()),
        ..LogFilter::default()
    });
    assert_eq!(ids(&failed), vec![a2]);
    let row = &failed.rows[0];
    assert_eq!(row.error_kind.as_deref(), Some("rate_limited"));
    assert_eq!(row.error_message.as_deref(), Some("Too many requests"));
    assert_eq!(row.model_served, None);

    let combined = all(LogFilter {
        episode_id: Some("ep_a".into()),
        stage: Some("script".into()),
        model: Some(mini.into()),
        status: Some("ok".into()),
        range: Range::LastDays { days: 7 },
    });
    assert_eq!(ids(&combined), vec![a3]);
    let row = &combined.rows[0];
    assert_eq!(row.cost, "0.00333825");
    assert_eq!((row.prompt_tokens, row.completion_tokens), (1200, 300));
    assert_eq!(row.latency_ms, 2_100);
    assert_eq!(row.model_requested, gpt);
    assert_eq!(row.provider.as_deref(), Some("Prov"));
    assert!(!row.estimated);

    let outside = &everything.rows[0];
    assert_eq!(
        (
            outside.episode_id.as_deref(),
            outside.episode_title.as_deref()
        ),
        (None, None)
    );
    assert_eq!(outside.status, "cache_hit");

    let none = all(LogFilter {
        episode_id: Some("ep_nothing".into()),
        ..LogFilter::default()
    });
    assert_eq!(
        (none.rows.len(), none.total, none.next_before_id),
        (0, 0, None)
    );
}

#[test]
fn pages_follow_on_without_gaps_or_repeats_even_as_rows_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let made: Vec<u32> = (0..7)
        .map(|i| {
            Attempt {
                call: &format!("c{i}"),
                stage: Some("research"),
                served: Some("m"),
                cost_units: i,
                latency_ms: 10,
                ..at("m")
            }
            .log(&store)
        })
        .collect();
    let conn = store.conn();
    let filter = LogFilter {
        stage: Some("research".into()),
        ..LogFilter::default()
    };
    let first = usage::request_log(
        conn,
        &filter,
        Page {
            limit: 3,
            before_id: None,
        },
    )
    .unwrap();
    assert_eq!(ids(&first), vec![made[6], made[5], made[4]]);
    assert_eq!(first.total, 7);
    assert_eq!(first.next_before_id, Some(made[4]));
    // A new row arriving does not shift the next page.
    Attempt {
        call: "late",
        stage: Some("research"),
        served: Some("m"),
        cost_units: 1,
        latency_ms: 10,
        ..at("m")
    }
    .log(&store);
    let second = usage::request_log(
        conn,
        &filter,
        Page {
            limit: 3,
            before_id: first.next_before_id,
        },
    )
    .unwrap();
    assert_eq!(ids(&second), vec![made[3], made[2], made[1]]);
    assert_eq!(second.total, 8);
    let third = usage::request_log(
        conn,
        &filter,
        Page {
            limit: 3,
            before_id: second.next_before_id,
        },
    )
    .unwrap();
    assert_eq!(ids(&third), vec![made[0]]);
    assert_eq!(third.next_before_id, None);
    // A page of exactly the rows left says there is no next page.
    let exact = usage::request_log(
        conn,
        &filter,
        Page {
            limit: 1,
            before_id: Some(made[1]),
        },
    )
    .unwrap();
    assert_eq!((ids(&exact), exact.next_before_id), (vec![made[0]], None));
    // Zero is read as one row; a huge limit is capped.
    let one = usage::request_log(
        conn,
        &filter,
        Page {
            limit: 0,
            before_id: None,
        },
    )
    .unwrap();
    assert_eq!(one.rows.len(), 1);
    let capped = usage::request_log(
        conn,
        &LogFilter::default(),
        Page {
            limit: u32::MAX,
            before_id: None,
        },
    )
    .unwrap();
    assert_eq!(capped.rows.len(), 8);
}
