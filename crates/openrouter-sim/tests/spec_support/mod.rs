//! Validates what the emulator answers against OpenRouter's published OpenAPI spec.
//!
//! The spec is read at test time from the shared reference folder beside the workspace
//! (`../shared/openrouter/openapi.yaml`), never copied into the project. Schemas are the
//! spec's own: a response is checked against the schema the spec gives for its path, method,
//! status and content type, `$ref`s to components resolved, `required` lists included.
//!
//! Adding an endpoint is one call: `conf.json("/auth/keys", "post", 200, &body)`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jsonschema::{Draft, Registry, Validator};
use serde_json::Value;

/// The base URI the spec document is registered under, so `$ref`s can point into it.
const SPEC_URI: &str = "urn:openrouter:openapi";

/// Finds `shared/openrouter/openapi.yaml` beside one of the crate's ancestor folders (the
/// workspace's `../shared`, as in CI).
pub fn spec_path() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|dir| dir.join("shared/openrouter/openapi.yaml"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "OpenRouter's spec was not found: expected shared/openrouter/openapi.yaml in a \
                 folder above {} (the workspace's ../shared reference folder). The conformance \
                 test reads it at test time and cannot run without it.",
                manifest.display()
            )
        })
}

/// The one place where the spec is corrected before use, each with its reason.
fn patch_spec(doc: &mut Value) {
    // `exclusiveMinimum: true` beside `minimum: N` is OpenAPI 3.0 wording; OpenAPI 3.1 (which
    // this file declares) uses JSON Schema 2020-12, where `exclusiveMinimum` must be a number,
    // so strict validators refuse the schema (e.g. `upscale_factor`). Read it as intended:
    // `exclusiveMinimum: N`.
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if map.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
                    let min = map.remove("minimum").unwrap_or(Value::from(0));
                    map.insert("exclusiveMinimum".into(), min);
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(doc);
}

/// JSON pointer escaping (`~0`, `~1`) plus the percent-encoding a URI fragment needs.
fn pointer_token(s: &str) -> String {
    s.replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

pub struct Spec {
    doc: Value,
    registry: Registry<'static>,
    validators: HashMap<String, Validator>,
}

impl Spec {
    pub fn load() -> Spec {
        let path = spec_path();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let mut doc: Value = serde_norway::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
        patch_spec(&mut doc);
        let resource = Draft::Draft202012.create_resource(doc.clone());
        let registry = Registry::new()
            .add(SPEC_URI, resource)
            .and_then(|b| b.prepare())
            .unwrap_or_else(|e| panic!("the spec cannot be used as a schema registry: {e}"));
        Spec {
            doc,
            registry,
            validators: HashMap::new(),
        }
    }

    /// The `$ref` of the schema the spec gives for this response, following a response
    /// `$ref` into `components/responses`.
    pub fn response_schema_ref(
        &self,
        path: &str,
        method: &str,
        status: u16,
        content_type: &str,
    ) -> String {
        let op = &self.doc["paths"][path][method];
        assert!(op.is_object(), "the spec has no operation {method} {path}");
        let responses = &op["responses"];
        let mut response = &responses[status.to_string()];
        let mut pointer = format!(
            "#/paths/{}/{}/responses/{status}",
            pointer_token(path),
            method
        );
        if response.is_null() {
            response = &responses["default"];
            pointer = format!(
                "#/paths/{}/{}/responses/default",
                pointer_token(path),
                method
            );
        }
        assert!(
            response.is_object(),
            "the spec lists no {status} response for {method} {path}"
        );
        if let Some(r) = response.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or_default();
            response = &self.doc["components"]["responses"][name];
            pointer = format!("#/components/responses/{}", pointer_token(name));
        }
        assert!(
            response["content"][content_type]["schema"].is_object(),
            "the spec gives no {content_type} schema for {status} on {method} {path}"
        );
        format!(
            "{SPEC_URI}{pointer}/content/{}/schema",
            pointer_token(content_type)
        )
    }

    /// The `$ref` of a named component schema.
    pub fn component_ref(&self, name: &str) -> String {
        assert!(
            self.doc["components"]["schemas"][name].is_object(),
            "the spec has no component schema {name}"
        );
        format!("{SPEC_URI}#/components/schemas/{}", pointer_token(name))
    }

    /// Every way `instance` breaks the schema at `schema_ref`.
    pub fn errors(&mut self, schema_ref: &str, instance: &Value) -> Vec<String> {
        if !self.validators.contains_key(schema_ref) {
            let validator = jsonschema::options()
                .with_draft(Draft::Draft202012)
                .with_registry(&self.registry)
                .build(&serde_json::json!({ "$ref": schema_ref }))
                .unwrap_or_else(|e| panic!("cannot compile {schema_ref}: {e}"));
            self.validators.insert(schema_ref.to_owned(), validator);
        }
        self.validators[schema_ref]
            .iter_errors(instance)
            .map(|e| format!("at {}: {e}", e.instance_path()))
            .collect()
    }
}

/// Collects every check and every failure, so one run shows all that is wrong.
pub struct Conformance {
    spec: Spec,
    checked: usize,
    failures: Vec<String>,
}

impl Conformance {
    pub fn new() -> Conformance {
        Conformance {
            spec: Spec::load(),
            checked: 0,
            failures: Vec::new(),
        }
    }

    /// A JSON response of `method path` (the spec's path template) with this status.
    pub fn json(&mut self, path: &str, method: &str, status: u16, body: &Value) {
        let what = format!("{} {path} {status}", method.to_uppercase());
        let schema = self
            .spec
            .response_schema_ref(path, method, status, "application/json");
        self.check(&what, &schema, body);
    }

    /// One `data:` chunk of a stream of `method path`, checked against the event schema.
    pub fn stream_event(&mut self, path: &str, method: &str, n: usize, chunk: &Value) {
        let what = format!("{} {path} stream chunk {n}", method.to_uppercase());
        let schema = self
            .spec
            .response_schema_ref(path, method, 200, "text/event-stream");
        // The event schema describes an SSE event whose `data` field holds the chunk.
        self.check(&what, &schema, &serde_json::json!({ "data": chunk }));
    }

    /// A value checked against a named component schema.
    pub fn component(&mut self, name: &str, what: &str, value: &Value) {
        let schema = self.spec.component_ref(name);
        self.check(what, &schema, value);
    }

    fn check(&mut self, what: &str, schema_ref: &str, body: &Value) {
        self.checked += 1;
        for e in self.spec.errors(schema_ref, body) {
            self.failures.push(format!("{what}: {e}"));
        }
    }

    pub fn checked(&self) -> usize {
        self.checked
    }

    /// Fails the test with every non-conformance found.
    pub fn assert_all_conform(self) {
        assert!(self.checked > 0, "nothing was checked");
        // The first hundred are enough to see what is wrong; the count says how much.
        let shown: Vec<&str> = self.failures.iter().take(100).map(String::as_str).collect();
        assert!(
            self.failures.is_empty(),
            "{} breaches of OpenRouter's spec in the emulator's answers:\n{}",
            self.failures.len(),
            shown.join("\n")
        );
    }
}
