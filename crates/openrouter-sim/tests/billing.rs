//! Money over real HTTP: exact costs, balances, /key, /credits, /generation, the 402
//! pre-flight, prompt caching, and streams the client drops.

mod common;

use std::time::Duration;

use common::*;
use openrouter_sim::{test_key, Scenario, SimServer};
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// The endpoint prices of `provider` for `model`, from the emulator's own listing.
async fn prices(
    sim: &SimServer,
    model: &str,
    provider: &str,
) -> (Decimal, Decimal, Option<Decimal>) {
    let (_, eps) = get_json(sim, &format!("/models/{model}/endpoints")).await;
    let e = eps["data"]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["provider_name"] == provider)
        .unwrap()
        .clone();
    let p = &e["pricing"];
    (
        dec(&p["prompt"]),
        dec(&p["completion"]),
        p.get("input_cache_read").map(dec),
    )
}

fn round10(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(10, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

#[tokio::test]
async fn cost_is_tokens_times_prices_rounded_to_ten_places() {
    let sim = start(Scenario::instant()).await;
    for model in [
        "meta-llama/llama-4-scout",
        "mistralai/mistral-nemo",
        "anthropic/claude-opus-5.5",
        "openai/gpt-6.1-terra",
    ] {
        let (_, v) = post_json(&sim, &body(model)).await;
        let u = &v["usage"];
        let (pp, cp, _) = prices(&sim, model, v["provider"].as_str().unwrap()).await;
        let expected = round10(
            Decimal::from(u["prompt_tokens"].as_u64().unwrap()) * pp
                + Decimal::from(u["completion_tokens"].as_u64().unwrap()) * cp,
        );
        assert_eq!(dec(&u["cost"]), expected, "{model}");
        assert_eq!(
            dec(&u["cost_details"]["upstream_inference_prompt_cost"])
                + dec(&u["cost_details"]["upstream_inference_completions_cost"]),
            expected
        );
    }
    sim.stop().await;
}

#[tokio::test]
async fn balances_reconcile_to_the_last_token() {
    let sim = start(with_keys(Scenario::instant(), json!({"a": {}, "b": {}}))).await;
    let keys = [test_key("a"), test_key("b")];
    let models = [
        "google/gemini-3.5-flash-lite",
        "meta-llama/llama-4-scout",
        "anthropic/claude-sonnet-5.5",
        "deepseek/deepseek-v4-pro",
        "mistralai/mistral-small-3.2-24b-instruct",
    ];
    let mut tasks = Vec::new();
    for i in 0..20usize {
        let key = keys[i % 2].to_owned();
        let mut b = body(models[i % models.len()]);
        b["messages"][1]["content"] = json!(format!("Request {i}.\n{NOTES}"));
        if i % 3 == 0 {
            b["stream"] = json!(true);
        }
        let base = sim.api_base();
        tasks.push(tokio::spawn(async move {
            let res = client()
                .post(format!("{base}/chat/completions"))
                .bearer_auth(&key)
                .json(&b)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            let cost = if b["stream"] == json!(true) {
                let events = parse_sse(&read_stream(res).await.unwrap());
                let last = data(&events).last().cloned().cloned().unwrap();
                dec(&last["usage"]["cost"])
            } else {
                let v: Value = res.json().await.unwrap();
                dec(&v["usage"]["cost"])
            };
            (key, cost)
        }));
    }
    let mut per_key = std::collections::BTreeMap::<String, Decimal>::new();
    for t in tasks {
        let (key, cost) = t.await.unwrap();
        *per_key.entry(key).or_default() += cost;
    }
    let report = sim.billing();
    assert_eq!(report.generations, 20);
    assert_eq!(report.total, per_key.values().copied().sum::<Decimal>());
    for (key, spent) in &per_key {
        assert_eq!(report.per_key[key].billed, *spent);
        assert_eq!(report.per_key[key].remaining, Decimal::from(10) - *spent);
        let res = client()
            .get(format!("{}/key", sim.api_base()))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        let k: Value = res.json().await.unwrap();
        assert_eq!(round10(dec(&k["data"]["usage"])), *spent);
        let res = client()
            .get(format!("{}/credits", sim.api_base()))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        let c: Value = res.json().await.unwrap();
        assert_eq!(dec(&c["data"]["total_credits"]), Decimal::from(10));
        assert_eq!(round10(dec(&c["data"]["total_usage"])), *spent);
    }
    // The control endpoint reports the same, as exact strings.
    let raw: Value = client()
        .get(format!("{}/__sim/billing", sim.origin()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(raw["total"].is_string());
    assert_eq!(dec(&raw["total"]), report.total);
    sim.stop().await;
}

#[tokio::test]
async fn repeated_prefixes_are_cached_and_billed_at_the_cache_price() {
    let sim = start(Scenario::instant()).await;
    // DeepSeek's own endpoint reads cached prompts at $0.0028 a million: below a nano-dollar.
    let model = "deepseek/deepseek-v4.1-flash";
    let mut b = body(model);
    b["provider"] = json!({"order": ["deepseek"], "allow_fallbacks": false});
    let (_, first) = post_json(&sim, &b).await;
    assert_eq!(first["usage"]["prompt_tokens_details"]["cached_tokens"], 0);
    b["messages"][1]["content"] = json!(format!("Now the outline, please.\n{NOTES}"));
    let (_, second) = post_json(&sim, &b).await;
    let u = &second["usage"];
    let cached = u["prompt_tokens_details"]["cached_tokens"]
        .as_u64()
        .unwrap();
    assert!(cached > 0);
    let (pp, cp, cache) = prices(&sim, model, "DeepSeek").await;
    assert_eq!(cache, Some(Decimal::new(28, 10)));
    let prompt = u["prompt_tokens"].as_u64().unwrap();
    let expected = round10(
        Decimal::from(prompt - cached) * pp
            + Decimal::from(cached) * cache.unwrap()
            + Decimal::from(u["completion_tokens"].as_u64().unwrap()) * cp,
    );
    assert_eq!(dec(&u["cost"]), expected);
    // /generation reports the discount.
    let (status, g) = get_json(
        &sim,
        &format!("/generation?id={}", second["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(g["data"]["native_tokens_cached"].as_u64().unwrap(), cached);
    assert_eq!(
        dec(&g["data"]["cache_discount"]),
        round10(Decimal::from(cached) * (pp - cache.unwrap()))
    );
    sim.stop().await;
}

#[tokio::test]
async fn generation_is_404_for_a_moment_then_reports_cost_and_tokens() {
    let mut s = with_keys(Scenario::instant(), json!({"someone-else": {}}));
    s.timing.generation_visible_after_ms = 1500;
    let sim = start(s).await;
    let mut b = body("anthropic/claude-haiku-4.5");
    b["user"] = json!("producer-42");
    let (_, v) = post_json(&sim, &b).await;
    let id = v["id"].as_str().unwrap();
    let (status, e) = get_json(&sim, &format!("/generation?id={id}")).await;
    assert_eq!(status, 404);
    assert_eq!(e["error"]["code"], 404);
    let mut found = None;
    for _ in 0..200 {
        let (status, g) = get_json(&sim, &format!("/generation?id={id}")).await;
        if status == 200 {
            found = Some(g);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let g = found.expect("generation becomes visible");
    let d = &g["data"];
    assert_eq!(d["id"], id);
    assert_eq!(dec(&d["total_cost"]), dec(&v["usage"]["cost"]));
    assert_eq!(d["tokens_prompt"], v["usage"]["prompt_tokens"]);
    assert_eq!(d["tokens_completion"], v["usage"]["completion_tokens"]);
    assert_eq!(d["provider_name"], v["provider"]);
    assert_eq!(d["model"], "anthropic/claude-haiku-4.5");
    assert_eq!(d["external_user"], "producer-42");
    assert_eq!(d["streamed"], false);
    assert_eq!(d["finish_reason"], "stop");
    assert!(d["latency"].is_u64());
    assert!(d["created_at"].as_str().unwrap().ends_with("+00:00"));
    // Another key cannot see it.
    let res = client()
        .get(format!("{}/generation?id={id}", sim.api_base()))
        .bearer_auth(test_key("someone-else"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    sim.stop().await;
}

#[tokio::test]
async fn preflight_refuses_what_the_key_cannot_afford() {
    let s = with_keys(
        Scenario::instant(),
        json!({"poor": {"credits": "0.01"}, "empty": {"credits": "0"}}),
    );
    let sim = start(s).await;
    let (poor, empty) = (test_key("poor"), test_key("empty"));
    let mut b = body("openai/gpt-6.1-sol");
    b["max_tokens"] = json!(1000);
    let res = post_with_key(&sim, &poor, &b).await;
    assert_eq!(res.status(), 402);
    let v: Value = res.json().await.unwrap();
    let prompt = {
        let texts: Vec<&str> = b["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["content"].as_str().unwrap())
            .collect();
        openrouter_sim::token_count::prompt(texts)
    };
    let afford = ((Decimal::new(1, 2) - Decimal::from(prompt) * Decimal::new(2, 6))
        / Decimal::new(1, 5))
    .floor();
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!(
            "You requested up to 1000 tokens, but can only afford {afford}"
        )),
        "{msg}"
    );
    assert_eq!(v["error"]["code"], 402);
    // Nothing was billed, and a request within means goes through.
    assert_eq!(sim.billing().generations, 0);
    b["max_tokens"] = json!(2);
    assert_eq!(post_with_key(&sim, &poor, &b).await.status(), 200);
    // Without max_tokens the model's maximum output counts.
    let res = post_with_key(&sim, &poor, &body("anthropic/claude-opus-5.5")).await;
    let v: Value = res.json().await.unwrap();
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("You requested up to 128000 tokens"));
    // An empty account: insufficient credits; free models still work.
    let res = post_with_key(&sim, &empty, &body("openai/gpt-6-luna")).await;
    assert_eq!(res.status(), 402);
    let v: Value = res.json().await.unwrap();
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Insufficient credits"));
    let res = post_with_key(&sim, &empty, &body("google/gemma-4-31b-it:free")).await;
    assert_eq!(res.status(), 200);
    sim.stop().await;
}

#[tokio::test]
async fn key_limits_show_in_key_and_cap_spending() {
    let s = with_keys(
        Scenario::instant(),
        json!({"capped": {"credits": "50", "limit": "0.01"}}),
    );
    let sim = start(s).await;
    let capped = test_key("capped");
    // GPT-6 Luna may write 128,000 tokens: ask for fewer so the limit covers the call.
    let mut b = body("openai/gpt-6-luna");
    b["max_tokens"] = json!(400);
    let res = post_with_key(&sim, &capped, &b).await;
    let v: Value = res.json().await.unwrap();
    let cost = dec(&v["usage"]["cost"]);
    let k: Value = client()
        .get(format!("{}/key", sim.api_base()))
        .bearer_auth(&capped)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(dec(&k["data"]["limit"]), Decimal::new(1, 2));
    assert_eq!(
        round10(dec(&k["data"]["limit_remaining"])),
        Decimal::new(1, 2) - cost
    );
    // The label shows the start and end of the key, as OpenRouter's does.
    assert_eq!(
        k["data"]["label"],
        format!("{}...{}", &capped[..11], &capped[capped.len() - 3..])
    );
    // A request that could cost more than the limit leaves is refused.
    let mut b = body("anthropic/claude-opus-5.5");
    b["max_tokens"] = json!(4000);
    assert_eq!(post_with_key(&sim, &capped, &b).await.status(), 402);
    sim.stop().await;
}

#[tokio::test]
async fn a_dropped_stream_is_billed_for_what_was_sent() {
    let sim = start(faults(json!([
        {"model": "openai/gpt-6.1-terra", "fault": {"type": "stall_mid_stream", "after_chunks": 3, "ms": 60000}}
    ])))
    .await;
    let mut b = body("openai/gpt-6.1-terra");
    b["stream"] = json!(true);
    let mut res = post(&sim, &b).await;
    let mut raw = String::new();
    // Read until three content chunks have arrived, then hang up.
    let received = loop {
        let chunk = res.chunk().await.unwrap().expect("stream still open");
        raw.push_str(&String::from_utf8_lossy(&chunk));
        let events = parse_sse(&raw);
        let contents: Vec<String> = data(&events)
            .iter()
            .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if contents.len() == 3 && raw.ends_with("\n\n") {
            break contents.concat();
        }
    };
    drop(res);
    let mut report = sim.billing();
    for _ in 0..400 {
        if report.generations == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
        report = sim.billing();
    }
    assert_eq!(report.generations, 1);
    let g = &report.history[0];
    assert!(g.cancelled);
    assert_eq!(
        g.completion_tokens,
        openrouter_sim::token_count::count(&received)
    );
    let (pp, cp, _) = prices(&sim, "openai/gpt-6.1-terra", &g.provider).await;
    assert_eq!(
        g.cost,
        round10(Decimal::from(g.prompt_tokens) * pp + Decimal::from(g.completion_tokens) * cp)
    );
    sim.stop().await;
}
