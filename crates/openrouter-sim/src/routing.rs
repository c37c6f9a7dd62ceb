//! Provider routing for one model, as OpenRouter documents it: filter by `provider.only`,
//! `ignore`, `data_collection` and `max_price`; order by `sort` (or the `:floor`/`:nitro`
//! suffix), else load-balance towards cheap providers; put `provider.order` first; keep only
//! the first choice when `allow_fallbacks` is false.

use rand::Rng;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::catalog::{Endpoint, Model};
use crate::request::{decimal_of, ProviderPrefs};
use crate::scenario::EndpointOverride;
use crate::seeded::{self, Fnv};

/// A routing suffix on the model id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Default,
    /// `:floor` — cheapest endpoint first.
    Floor,
    /// `:nitro` — fastest endpoint first.
    Nitro,
}

/// Splits `:floor`/`:nitro` off a model id. Other suffixes (`:free`, `:beta`, `:thinking`)
/// name model variants of their own and stay part of the id.
pub fn split_suffix(id: &str) -> (&str, Variant) {
    if let Some(base) = id.strip_suffix(":floor") {
        (base, Variant::Floor)
    } else if let Some(base) = id.strip_suffix(":nitro") {
        (base, Variant::Nitro)
    } else {
        (id, Variant::Default)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sort {
    Price,
    Throughput,
    Latency,
}

fn sort_of(prefs: Option<&ProviderPrefs>, variant: Variant) -> Option<Sort> {
    let by = prefs.and_then(|p| p.sort.as_ref()).and_then(|s| match s {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("by").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    });
    match by.as_deref() {
        Some("price") => Some(Sort::Price),
        Some("throughput") => Some(Sort::Throughput),
        Some("latency") => Some(Sort::Latency),
        _ => match variant {
            Variant::Floor => Some(Sort::Price),
            Variant::Nitro => Some(Sort::Throughput),
            Variant::Default => None,
        },
    }
}

fn unit_price(e: &Endpoint) -> Decimal {
    e.prompt + e.completion
}

/// The model's endpoints with the scenario's overrides applied, unavailable ones removed.
pub fn effective_endpoints(model: &Model, overrides: &[EndpointOverride]) -> Vec<Endpoint> {
    let mut out = Vec::new();
    for e in &model.endpoints {
        let mut e = e.clone();
        let mut available = true;
        let applicable: Vec<&EndpointOverride> = overrides
            .iter()
            .filter(|o| {
                split_suffix(&o.model).0 == model.id
                    && o.provider.as_deref().is_none_or(|p| e.matches_slug(p))
            })
            .collect();
        for o in applicable {
            if let Some(v) = o.latency_ms {
                e.latency_ms = v;
            }
            if let Some(v) = o.ttft_ms {
                e.ttft_ms = v;
            }
            if let Some(v) = o.tokens_per_second {
                e.tokens_per_second = v.max(1);
            }
            if let Some(v) = o.uptime {
                e.uptime = v;
            }
            if let Some(v) = o.available {
                available = v;
            }
        }
        if available {
            out.push(e);
        }
    }
    out
}

/// The endpoints to try for this model, best first. Empty when none meets the preferences.
pub fn route(
    endpoints: Vec<Endpoint>,
    variant: Variant,
    prefs: Option<&ProviderPrefs>,
    seed: u64,
    request_hash: u64,
) -> Vec<Endpoint> {
    let mut pool: Vec<Endpoint> = endpoints
        .into_iter()
        .filter(|e| passes_filters(e, prefs))
        .collect();

    match sort_of(prefs, variant) {
        Some(Sort::Price) => pool.sort_by_key(unit_price),
        Some(Sort::Throughput) => pool.sort_by_key(|e| std::cmp::Reverse(e.tokens_per_second)),
        Some(Sort::Latency) => pool.sort_by_key(|e| e.latency_ms + e.ttft_ms),
        None => load_balance(&mut pool, seed, request_hash),
    }

    let order = prefs.and_then(|p| p.order.as_ref());
    let allow_fallbacks = prefs.and_then(|p| p.allow_fallbacks).unwrap_or(true);
    if let Some(order) = order {
        let mut ordered = Vec::new();
        for slug in order {
            if let Some(pos) = pool.iter().position(|e| e.matches_slug(slug)) {
                ordered.push(pool.remove(pos));
            }
        }
        if allow_fallbacks {
            ordered.extend(pool);
        }
        ordered
    } else if allow_fallbacks {
        pool
    } else {
        pool.into_iter().take(1).collect()
    }
}

fn passes_filters(e: &Endpoint, prefs: Option<&ProviderPrefs>) -> bool {
    let Some(p) = prefs else { return true };
    if let Some(only) = &p.only {
        if !only.iter().any(|s| e.matches_slug(s)) {
            return false;
        }
    }
    if let Some(ignore) = &p.ignore {
        if ignore.iter().any(|s| e.matches_slug(s)) {
            return false;
        }
    }
    if p.data_collection.as_deref() == Some("deny") && e.collects_data {
        return false;
    }
    if let Some(mp) = &p.max_price {
        let million = Decimal::from(1_000_000);
        if let Some(max) = mp.prompt.as_ref().and_then(decimal_of) {
            if e.prompt * million > max {
                return false;
            }
        }
        if let Some(max) = mp.completion.as_ref().and_then(decimal_of) {
            if e.completion * million > max {
                return false;
            }
        }
    }
    true
}

/// OpenRouter's default: the first provider is drawn with weight 1/price², so cheap providers
/// get most traffic; the rest follow by price. Seeded per request, so reproducible.
fn load_balance(pool: &mut Vec<Endpoint>, seed: u64, request_hash: u64) {
    pool.sort_by_key(unit_price);
    if pool.len() < 2 || unit_price(&pool[0]).is_zero() {
        return;
    }
    let weights: Vec<f64> = pool
        .iter()
        .map(|e| {
            let p: f64 = unit_price(e).to_string().parse().unwrap_or(1.0);
            1.0 / (p * p)
        })
        .collect();
    let total: f64 = weights.iter().sum();
    let topic = Fnv::default().str("route").u64(request_hash).finish();
    let mut draw = seeded::rng(seed, topic).random::<f64>() * total;
    let mut pick = 0;
    for (i, w) in weights.iter().enumerate() {
        if draw < *w {
            pick = i;
            break;
        }
        draw -= w;
        pick = i;
    }
    let first = pool.remove(pick);
    pool.insert(0, first);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, Lookup};
    use serde_json::json;

    fn model(id: &str) -> Model {
        let c = Catalog::builtin().unwrap();
        match c.lookup(id) {
            Lookup::Found(m) => m.clone(),
            _ => panic!("{id} missing"),
        }
    }

    fn prefs(v: Value) -> ProviderPrefs {
        serde_json::from_value(v).unwrap()
    }

    fn providers(v: &[Endpoint]) -> Vec<&str> {
        v.iter().map(|e| e.provider.as_str()).collect()
    }

    #[test]
    fn suffixes_split() {
        assert_eq!(split_suffix("a/b:floor"), ("a/b", Variant::Floor));
        assert_eq!(split_suffix("a/b:nitro"), ("a/b", Variant::Nitro));
        assert_eq!(split_suffix("a/b:free"), ("a/b:free", Variant::Default));
    }

    #[test]
    fn floor_is_cheapest_and_nitro_fastest() {
        let m = model("meta-llama/llama-4-maverick");
        let floor = route(m.endpoints.clone(), Variant::Floor, None, 0, 1);
        assert_eq!(floor[0].provider, "DeepInfra");
        let nitro = route(m.endpoints.clone(), Variant::Nitro, None, 0, 1);
        assert_eq!(nitro[0].provider, "Groq");
        assert!(nitro[0].tokens_per_second > floor[0].tokens_per_second);
        assert!(unit_price(&floor[0]) < unit_price(&nitro[0]));
    }

    #[test]
    fn only_ignore_order_and_fallbacks() {
        let m = model("meta-llama/llama-4-maverick");
        let p = prefs(json!({"only": ["groq", "together"]}));
        let r = route(m.endpoints.clone(), Variant::Default, Some(&p), 0, 1);
        let mut names = providers(&r);
        names.sort();
        assert_eq!(names, vec!["Groq", "Together"]);

        let p = prefs(json!({"ignore": ["deepinfra"], "sort": "price"}));
        let r = route(m.endpoints.clone(), Variant::Default, Some(&p), 0, 1);
        assert_eq!(r[0].provider, "Groq");

        let p = prefs(json!({"order": ["together", "groq"], "allow_fallbacks": false}));
        let r = route(m.endpoints.clone(), Variant::Default, Some(&p), 0, 1);
        assert_eq!(providers(&r), vec!["Together", "Groq"]);

        let p = prefs(json!({"order": ["together"]}));
        let r = route(m.endpoints.clone(), Variant::Default, Some(&p), 0, 1);
        assert_eq!(r.len(), 4);
        assert_eq!(r[0].provider, "Together");
    }

    #[test]
    fn data_collection_and_max_price_filter() {
        let m = model("meta-llama/llama-4-maverick");
        let p = prefs(json!({"data_collection": "deny"}));
        let r = route(m.endpoints.clone(), Variant::Default, Some(&p), 0, 1);
        assert!(r.iter().all(|e| !e.collects_data));
        assert_eq!(r.len(), 3);
        // at most $0.18 per million prompt tokens: DeepInfra (0.15) and Novita (0.17)
        let p = prefs(json!({"max_price": {"prompt": 0.18, "completion": "1"}}));
        let r = route(m.endpoints.clone(), Variant::Default, Some(&p), 0, 1);
        let mut names = providers(&r);
        names.sort();
        assert_eq!(names, vec!["DeepInfra", "Novita"]);
        let p = prefs(json!({"only": ["nobody"]}));
        assert!(route(m.endpoints.clone(), Variant::Default, Some(&p), 0, 1).is_empty());
    }

    #[test]
    fn load_balancing_favours_cheap_providers_reproducibly() {
        let m = model("meta-llama/llama-4-maverick");
        let firsts: Vec<String> = (0..200)
            .map(|h| {
                route(m.endpoints.clone(), Variant::Default, None, 9, h)[0]
                    .provider
                    .clone()
            })
            .collect();
        let again: Vec<String> = (0..200)
            .map(|h| {
                route(m.endpoints.clone(), Variant::Default, None, 9, h)[0]
                    .provider
                    .clone()
            })
            .collect();
        assert_eq!(firsts, again);
        let count = |name: &str| firsts.iter().filter(|p| *p == name).count();
        // DeepInfra ($0.75 a million in and out) against Together ($1.12): about 2.2 to 1.
        let (deepinfra, together) = (count("DeepInfra"), count("Together"));
        assert!(deepinfra * 2 > together * 3, "{deepinfra} vs {together}");
        assert!(deepinfra > count("Novita"), "{firsts:?}");
    }

    #[test]
    fn overrides_take_endpoints_down() {
        let m = model("openai/gpt-6.1-sol");
        let o: Vec<EndpointOverride> = serde_json::from_value(json!([
            {"model": "openai/gpt-6.1-sol", "provider": "openai", "available": false},
            {"model": "openai/gpt-6.1-sol", "tokens_per_second": 5}
        ]))
        .unwrap();
        let e = effective_endpoints(&m, &o);
        assert_eq!(providers(&e), vec!["Azure"]);
        assert_eq!(e[0].tokens_per_second, 5);
    }
}
