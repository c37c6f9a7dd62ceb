//! The history the dashboard bench measures: a year of a busy producer's episodes, written the
//! way the app writes them. How it is shaped is described in `dashboard.rs`.

use rand::rngs::StdRng;
use rand::Rng;

pub const STAGES: [&str; 4] = ["research", "synthesis", "script", "quality_check"];
pub const CONNECTION: &str = "openrouter";

const YEAR_MS: i64 = 365 * 86_400_000;
const MINUTE_MS: f64 = 60_000.0;

const VENDORS: [&str; 8] = [
    "openai",
    "anthropic",
    "google",
    "meta-llama",
    "mistralai",
    "deepseek",
    "qwen",
    "x-ai",
];
const PROVIDERS: [&str; 6] = [
    "OpenAI",
    "Anthropic",
    "Google",
    "Together",
    "Fireworks",
    "DeepInfra",
];

/// Failure kinds by how often they happen, and whether the same model is tried again.
const FAILURES: [(&str, u32, bool, &str); 9] = [
    (
        "rate_limited",
        34,
        true,
        "The provider asked us to slow down (429).",
    ),
    (
        "provider_error",
        20,
        false,
        "The provider returned an error (502).",
    ),
    (
        "upstream_timeout",
        14,
        true,
        "The provider did not answer in time (524).",
    ),
    (
        "no_provider",
        8,
        false,
        "No provider could serve this request (503).",
    ),
    ("overloaded", 8, true, "The provider is overloaded (529)."),
    (
        "stream_cut",
        8,
        true,
        "The answer stopped part-way through.",
    ),
    (
        "first_token_timeout",
        4,
        true,
        "No text arrived within 60 seconds.",
    ),
    (
        "payment_required",
        2,
        false,
        "Your OpenRouter credit ran out (402).",
    ),
    (
        "payload_too_large",
        2,
        false,
        "The notes are too long for this model (413).",
    ),
];

pub struct Model {
    pub name: String,
    /// 1e-10 USD per prompt token; completion tokens cost four times as much.
    price: i64,
    /// Chance an attempt fails.
    flaky: f64,
}

pub struct Episode {
    pub id: String,
    pub created_ms: i64,
    pub script_model: u8,
    /// Its rows stay in the request log after the producer deleted it.
    pub deleted: bool,
}

/// One row of `requests`.
pub struct Attempt {
    pub ms: i64,
    pub call: u64,
    pub episode: Option<u32>,
    pub stage: Option<u8>,
    pub attempt: u8,
    pub fallback: u8,
    pub retry: u8,
    pub requested: u8,
    pub served: Option<u8>,
    pub provider: Option<u8>,
    pub prompt: u32,
    pub completion: u32,
    pub cost: i64,
    pub source: &'static str,
    pub saved: i64,
    pub latency: u32,
    pub ttft: Option<u32>,
    pub status: &'static str,
    pub kind: Option<&'static str>,
    pub message: Option<&'static str>,
}

pub struct History {
    pub models: Vec<Model>,
    pub episodes: Vec<Episode>,
    /// Oldest first: ids are given in this order, so they grow with time as in the app.
    pub attempts: Vec<Attempt>,
}

/// The models an episode uses for one stage: its choice, then its backup.
#[derive(Clone, Copy)]
struct StageModels {
    primary: u8,
    backup: u8,
}

struct Generator<'a> {
    rng: &'a mut StdRng,
    models: &'a [Model],
    popularity: Vec<f64>,
    now_ms: i64,
    out: Vec<Attempt>,
}

impl Generator<'_> {
    fn pick_model(&mut self) -> u8 {
        let total: f64 = self.popularity.iter().sum();
        let mut x = self.rng.gen_range(0.0..total);
        for (i, w) in self.popularity.iter().enumerate() {
            if x < *w {
                return i as u8;
            }
            x -= w;
        }
        (self.popularity.len() - 1) as u8
    }

    fn stage_models(&mut self) -> StageModels {
        let primary = self.pick_model();
        let mut backup = self.pick_model();
        while backup == primary {
            backup = self.pick_model();
        }
        StageModels { primary, backup }
    }

    /// Tokens of one answered request at a stage: research reads a chunk of notes, the script
    /// writes a long answer, the check writes a short verdict.
    fn tokens(&mut self, stage: Option<u8>) -> (u32, u32) {
        let r = &mut self.rng;
        match stage {
            Some(0) => (r.gen_range(1_500..8_000), r.gen_range(300..1_500)),
            Some(1) => (r.gen_range(6_000..30_000), r.gen_range(1_000..3_000)),
            Some(2) => (r.gen_range(8_000..40_000), r.gen_range(2_500..8_000)),
            Some(3) => (r.gen_range(6_000..20_000), r.gen_range(200..800)),
            _ => (r.gen_range(5..40), r.gen_range(1..10)),
        }
    }

    fn price(&self, model: u8, prompt: u32, completion: u32) -> i64 {
        let p = self.models[model as usize].price;
        p * i64::from(prompt) + 4 * p * i64::from(completion)
    }

    fn failure(&mut self) -> (&'static str, bool, &'static str) {
        let total: u32 = FAILURES.iter().map(|f| f.1).sum();
        let mut x = self.rng.gen_range(0..total);
        for (kind, weight, retry, message) in FAILURES {
            if x < weight {
                return (kind, retry, message);
            }
            x -= weight;
        }
        let (kind, _, retry, message) = FAILURES[0];
        (kind, retry, message)
    }

    /// One logical call at `ms`: up to three attempts (retries of the same model, then the
    /// backup), or a single reuse from the cache. Returns how many rows it wrote.
    fn call(
        &mut self,
        ms: i64,
        episode: Option<u32>,
        stage: Option<u8>,
        models: StageModels,
        cached: bool,
        max_attempts: u8,
    ) -> usize {
        let call: u64 = self.rng.gen();
        let (prompt, completion) = self.tokens(stage);
        let base = Attempt {
            ms,
            call,
            episode,
            stage,
            attempt: 0,
            fallback: 0,
            retry: 0,
            requested: models.primary,
            served: None,
            provider: None,
            prompt: 0,
            completion: 0,
            cost: 0,
            source: "none",
            saved: 0,
            latency: 0,
            ttft: None,
            status: "ok",
            kind: None,
            message: None,
        };
        if cached {
            let saved = self.price(models.primary, prompt, completion);
            let latency = self.rng.gen_range(2..40);
            self.out.push(Attempt {
                served: Some(models.primary),
                provider: Some(self.rng.gen_range(0..PROVIDERS.len() as u8)),
                prompt,
                completion,
                source: "cache",
                saved,
                latency,
                ttft: Some(latency),
                status: "cache_hit",
                ..base
            });
            return 1;
        }
        let mut t = ms;
        let mut model = models.primary;
        let (mut fallback, mut retry) = (0u8, 0u8);
        for attempt in 0..max_attempts {
            let provider = Some(self.rng.gen_range(0..PROVIDERS.len() as u8));
            let latency: u32 = match stage {
                Some(2) => self.rng.gen_range(8_000..90_000),
                Some(_) => self.rng.gen_range(1_500..30_000),
                None => self.rng.gen_range(100..1_500),
            };
            let ttft = Some(self.rng.gen_range(200..3_000).min(latency));
            let row = Attempt {
                ms: t.min(self.now_ms),
                attempt,
                fallback,
                retry,
                requested: model,
                provider,
                latency,
                ttft,
                ..base
            };
            // The producer stops a run now and then; what was generated so far is billed.
            if self.rng.gen_bool(0.006) {
                let done = self.rng.gen_range(0..=completion);
                self.out.push(Attempt {
                    prompt,
                    completion: done,
                    cost: self.price(model, prompt, done),
                    source: "generation",
                    status: "cancelled",
                    kind: Some("cancelled"),
                    message: Some("Stopped by you."),
                    ..row
                });
                return usize::from(attempt) + 1;
            }
            if self.rng.gen_bool(self.models[model as usize].flaky) {
                let (kind, same_again, message) = self.failure();
                // A stream cut after tokens were billed costs what was generated.
                let (done, cost, source) = if kind == "stream_cut" {
                    let done = self.rng.gen_range(0..completion);
                    (done, self.price(model, prompt, done), "generation")
                } else {
                    (0, 0, "none")
                };
                self.out.push(Attempt {
                    prompt: if cost > 0 { prompt } else { 0 },
                    completion: done,
                    cost,
                    source,
                    ttft: None,
                    status: "error",
                    kind: Some(kind),
                    message: Some(message),
                    ..row
                });
                t += i64::from(latency) + self.rng.gen_range(1_000..20_000);
                if same_again && retry == 0 {
                    retry += 1;
                } else {
                    fallback += 1;
                    retry = 0;
                    model = models.backup;
                }
                continue;
            }
            let source = match self.rng.gen_range(0..100) {
                0..=89 => "usage",
                90..=95 => "generation",
                _ => "estimate",
            };
            self.out.push(Attempt {
                served: Some(model),
                prompt,
                completion,
                cost: self.price(model, prompt, completion),
                source,
                ..row
            });
            return usize::from(attempt) + 1;
        }
        usize::from(max_attempts)
    }

    /// One run of an episode: `calls` calls spread over the session, stage after stage.
    fn session(
        &mut self,
        episode: u32,
        start: i64,
        calls: usize,
        plan: &[StageModels; 4],
        cache_share: f64,
    ) -> usize {
        // Minutes to two days, most runs short.
        let length = (MINUTE_MS
            * (5.0f64.ln() + self.rng.gen_range(0.0..1.0) * (2880.0f64 / 5.0).ln()).exp())
            as i64;
        // Research takes most calls and the first half; synthesis, script and check follow.
        let windows = [
            (0.0, 0.5, 0.6),
            (0.5, 0.65, 0.1),
            (0.65, 0.85, 0.15),
            (0.85, 1.0, 0.15),
        ];
        let mut written = 0;
        for (stage, (from, to, share)) in windows.iter().enumerate() {
            let n = ((calls as f64) * share).round().max(1.0) as usize;
            let mut times: Vec<i64> = (0..n)
                .map(|_| start + (length as f64 * self.rng.gen_range(*from..*to)) as i64)
                .filter(|t| *t < self.now_ms)
                .collect();
            times.sort_unstable();
            for t in times {
                let cached = self.rng.gen_bool(cache_share);
                written += self.call(t, Some(episode), Some(stage as u8), plan[stage], cached, 3);
            }
        }
        written
    }
}

/// Builds the history: `episodes` episodes over the 365 days up to `now_ms`, exactly `rows`
/// attempts.
pub fn build(rng: &mut StdRng, now_ms: i64, episodes: usize, rows: usize) -> History {
    let models: Vec<Model> = (0..40)
        .map(|i| Model {
            name: format!("{}/model-{i}", VENDORS[i % VENDORS.len()]),
            // From $0.05 to $15 per million prompt tokens.
            price: (500.0 * 300f64.powf(rng.gen_range(0.0..1.0))) as i64,
            flaky: if i % 7 == 3 { 0.12 } else { 0.03 },
        })
        .collect();
    // A few models do most of the work; the tail is tried now and then.
    let popularity = (0..models.len())
        .map(|i| 1.0 / (i as f64 + 1.0).powf(1.1))
        .collect();
    let mut g = Generator {
        rng,
        models: &models,
        popularity,
        now_ms,
        out: Vec::with_capacity(rows + rows / 20),
    };
    let year_start = now_ms - YEAR_MS;
    let sizes: Vec<f64> = (0..episodes)
        .map(|_| (g.rng.gen_range(-1.0f64..1.0)).exp())
        .collect();
    let size_sum: f64 = sizes.iter().sum();
    // Attempts per call average about 1.05; leave room to reach `rows` exactly below.
    let calls_total = rows as f64 * 0.97 / 1.05;
    let mut eps = Vec::with_capacity(episodes);
    let mut sessions = Vec::new();
    for (e, size) in sizes.iter().enumerate() {
        // More episodes lately than a year ago: the producer's use grows.
        let created = year_start + (YEAR_MS as f64 * g.rng.gen_range(0.0f64..1.0).sqrt()) as i64;
        let created = created.min(now_ms - 600_000);
        let plan = [
            g.stage_models(),
            g.stage_models(),
            g.stage_models(),
            g.stage_models(),
        ];
        let calls = (calls_total * size / size_sum).round() as usize;
        let rerun_at = created + g.rng.gen_range(86_400_000i64..60 * 86_400_000);
        let rerun = g.rng.gen_bool(0.3) && rerun_at < now_ms;
        let first = if rerun { calls * 3 / 4 } else { calls };
        g.session(e as u32, created, first, &plan, 0.01);
        if rerun {
            // Reruns ask much the same again: about half is reused from the cache.
            g.session(e as u32, rerun_at, calls - first, &plan, 0.5);
        }
        sessions.push((created, plan));
        eps.push(Episode {
            id: format!("ep_{:x}{:08x}", created / 1000, g.rng.gen::<u32>()),
            created_ms: created,
            script_model: plan[2].primary,
            deleted: g.rng.gen_bool(0.02),
        });
    }
    // Calls outside any episode (connection tests, model list refreshes), then more research
    // calls in random episodes until the log holds exactly `rows` attempts.
    for _ in 0..rows / 400 {
        let t = year_start + g.rng.gen_range(0..YEAR_MS);
        let m = g.stage_models();
        g.call(t, None, None, m, false, 1);
    }
    while g.out.len() < rows {
        let e = g.rng.gen_range(0..episodes);
        let (created, plan) = sessions[e];
        let t = (created + g.rng.gen_range(0..3_600_000)).min(now_ms);
        let left = (rows - g.out.len()).min(3) as u8;
        g.call(t, Some(e as u32), Some(0), plan[0], false, left);
    }
    let mut attempts = g.out;
    attempts.sort_by_key(|a| a.ms);
    attempts.truncate(rows);
    History {
        models,
        episodes: eps,
        attempts,
    }
}

pub fn provider(i: u8) -> &'static str {
    PROVIDERS[i as usize % PROVIDERS.len()]
}
