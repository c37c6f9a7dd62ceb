//! No import cycle between the modules of any crate of the workspace.
//!
//! A module's file depends on another module's file when it names it through `crate::…` or
//! `super::…` (in a `use` or inline). A path is resolved to the deepest module it names, so
//! `crate::usage::request_log::Row` is a dependency on `usage/request_log.rs`. A module
//! naming one of its own submodules is not counted: a parent re-exporting its children is
//! how a module is built, not a cycle. Every other dependency is an edge, and any strongly
//! connected set of files is reported with one cycle through it and the paths that made
//! each step.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[path = "module_cycles/rust_source.rs"]
mod rust_source;
use rust_source::parse;

#[test]
fn no_module_imports_itself_through_another() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for crate_root in crate_roots(root) {
        let graph = ModuleGraph::load(&crate_root);
        for cycle in graph.cycles() {
            found.push(cycle.describe(root));
        }
    }
    assert!(
        found.is_empty(),
        "import cycles between modules:\n{}",
        found.join("\n")
    );
}

/// The checker itself, on small crates written here.
#[test]
fn the_checker_sees_sibling_cycles_but_not_parent_and_child() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    let write = |p: &str, s: &str| {
        let path = src.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, s).unwrap();
    };
    write(
        "lib.rs",
        "mod a;\nmod b;\nmod c;\nmod d;\nmod e;\npub use a::A;\n/// crate::c::C in a comment\nfn f() {}\n",
    );
    write(
        "a/mod.rs",
        "mod inner;\npub use inner::A;\nuse crate::b::B;\n",
    );
    write(
        "a/inner.rs",
        "pub struct A;\nuse super::super::c::{self, C};\n",
    );
    write(
        "b.rs",
        "pub struct B;\nconst S: &str = \"crate::a::A\";\nfn g() { let _ = crate::a::inner::A; }\n",
    );
    write(
        "c.rs",
        "pub struct C;\nmod tests { use super::*; use crate::b::B as _; }\n",
    );
    // A re-export is followed to the file that holds the item.
    write(
        "d/mod.rs",
        "mod inner;\npub(crate) use inner::{open_it, Other};\n",
    );
    write("d/inner.rs", "pub fn open_it() {}\nuse crate::e::E;\n");
    write("e.rs", "pub struct E;\nfn h() { crate::d::open_it(); }\n");
    let graph = ModuleGraph::load(&src.join("lib.rs"));
    let found: BTreeSet<BTreeSet<String>> = graph
        .cycles()
        .iter()
        .map(|c| c.files.iter().map(|f| rel(src, f)).collect())
        .collect();
    let set = |files: &[&str]| files.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    // b → a/inner → c → b; a/mod → a/inner (its own submodule) is not an edge. d/inner ↔ e
    // through d's re-export.
    let expected: BTreeSet<BTreeSet<String>> = [
        set(&["a/inner.rs", "b.rs", "c.rs"]),
        set(&["d/inner.rs", "e.rs"]),
    ]
    .into_iter()
    .collect();
    assert_eq!(found, expected, "{:?}", graph.edges);
    let described: String = graph.cycles().iter().map(|c| c.describe(src)).collect();
    assert!(described.contains("crate::a::inner::A"), "{described}");
}

fn rel(root: &Path, f: &Path) -> String {
    f.strip_prefix(root)
        .unwrap_or(f)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every target's root file (library, binaries, tests, benches) of every workspace member.
fn crate_roots(root: &Path) -> Vec<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut roots = BTreeSet::new();
    for package in meta["packages"].as_array().unwrap() {
        for target in package["targets"].as_array().unwrap() {
            let kinds = target["kind"].as_array().unwrap();
            if kinds.iter().any(|k| k == "custom-build") {
                continue;
            }
            roots.insert(PathBuf::from(target["src_path"].as_str().unwrap()));
        }
    }
    roots.into_iter().collect()
}

struct ModuleGraph {
    files: Vec<PathBuf>,
    /// from → to → the first path that made the edge.
    edges: BTreeMap<usize, BTreeMap<usize, String>>,
}

struct Cycle {
    /// Every file of the strongly connected set.
    all: Vec<PathBuf>,
    /// One cycle through it.
    files: Vec<PathBuf>,
    steps: Vec<String>,
}

impl Cycle {
    fn describe(&self, root: &Path) -> String {
        let mut s = format!(
            "cycle among {}, for example:\n",
            self.all
                .iter()
                .map(|f| rel(root, f))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for (i, f) in self.files.iter().enumerate() {
            let next = &self.files[(i + 1) % self.files.len()];
            s.push_str(&format!(
                "  {} -> {} (via {})\n",
                rel(root, f),
                rel(root, next),
                self.steps[i]
            ));
        }
        s
    }
}

impl ModuleGraph {
    fn load(crate_root: &Path) -> Self {
        let mut files = vec![crate_root.to_path_buf()];
        let mut module_of: Vec<Vec<String>> = vec![Vec::new()];
        let mut parsed = Vec::new();
        // Modules, inline ones included, to the file that holds them.
        let mut modules: BTreeMap<Vec<String>, usize> = BTreeMap::new();
        modules.insert(Vec::new(), 0);
        let mut i = 0;
        while i < files.len() {
            let file = files[i].clone();
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let p = parse(&text);
            let is_mod_rs = i == 0 || file.file_name().is_some_and(|n| n == "mod.rs");
            let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
            let child_dir = if is_mod_rs {
                dir.clone()
            } else {
                dir.join(file.file_stem().unwrap_or_default())
            };
            for (inline, name, path_attr) in &p.declared {
                let mut module = module_of[i].clone();
                module.extend(inline.iter().cloned());
                module.push(name.clone());
                let candidates = match path_attr {
                    Some(p) => vec![dir.join(p)],
                    None => {
                        let base = inline.iter().fold(child_dir.clone(), |d, m| d.join(m));
                        vec![
                            base.join(format!("{name}.rs")),
                            base.join(name).join("mod.rs"),
                        ]
                    }
                };
                if let Some(found) = candidates.into_iter().find(|c| c.is_file()) {
                    if !files.contains(&found) {
                        files.push(found);
                        module_of.push(module.clone());
                    }
                    modules.insert(module, files.len() - 1);
                }
            }
            parsed.push(p);
            i += 1;
        }
        // `(module, name)` → the path a module re-exports under that name.
        let mut reexports: BTreeMap<(Vec<String>, String), Vec<String>> = BTreeMap::new();
        for (from, p) in parsed.iter().enumerate() {
            for (inline, start, path) in &p.reexports {
                let mut here = module_of[from].clone();
                here.extend(inline.iter().cloned());
                if let Some(name) = path.last() {
                    let target = start.absolute(&here, path);
                    if target != [here.clone(), vec![name.clone()]].concat() {
                        reexports.insert((here, name.clone()), target);
                    }
                }
            }
        }
        // The file a path lands in: its deepest module, followed through re-exports.
        let resolve = |mut target: Vec<String>| -> usize {
            for _ in 0..8 {
                let n = (0..=target.len())
                    .rev()
                    .find(|n| modules.contains_key(&target[..*n]))
                    .unwrap_or(0);
                match target
                    .get(n)
                    .and_then(|name| reexports.get(&(target[..n].to_vec(), name.clone())))
                {
                    Some(real) => {
                        let mut next = real.clone();
                        next.extend(target[n + 1..].iter().cloned());
                        target = next;
                    }
                    None => return modules[&target[..n]],
                }
            }
            0
        };
        let mut edges: BTreeMap<usize, BTreeMap<usize, String>> = BTreeMap::new();
        for (from, p) in parsed.iter().enumerate() {
            for (inline, written, start, rest) in &p.named {
                let mut here = module_of[from].clone();
                here.extend(inline.iter().cloned());
                let to = resolve(start.absolute(&here, rest));
                if to == from || module_of[to].starts_with(&module_of[from]) {
                    continue; // itself, or one of its own submodules
                }
                edges
                    .entry(from)
                    .or_default()
                    .entry(to)
                    .or_insert_with(|| written.clone());
            }
        }
        ModuleGraph { files, edges }
    }

    /// One cycle per strongly connected set of two or more files (Tarjan's algorithm).
    fn cycles(&self) -> Vec<Cycle> {
        let n = self.files.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut next = 0;
        let mut sets = Vec::new();
        for v in 0..n {
            if index[v] == usize::MAX {
                self.strongconnect(
                    v,
                    &mut next,
                    &mut index,
                    &mut low,
                    &mut on_stack,
                    &mut stack,
                    &mut sets,
                );
            }
        }
        sets.into_iter()
            .filter(|s: &Vec<usize>| s.len() > 1)
            .map(|set| self.cycle_through(&set))
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn strongconnect(
        &self,
        v: usize,
        next: &mut usize,
        index: &mut [usize],
        low: &mut [usize],
        on_stack: &mut [bool],
        stack: &mut Vec<usize>,
        sets: &mut Vec<Vec<usize>>,
    ) {
        index[v] = *next;
        low[v] = *next;
        *next += 1;
        stack.push(v);
        on_stack[v] = true;
        for &w in self.edges.get(&v).map(|e| e.keys()).into_iter().flatten() {
            if index[w] == usize::MAX {
                self.strongconnect(w, next, index, low, on_stack, stack, sets);
                low[v] = low[v].min(low[w]);
            } else if on_stack[w] {
                low[v] = low[v].min(index[w]);
            }
        }
        if low[v] == index[v] {
            let mut set = Vec::new();
            while let Some(w) = stack.pop() {
                on_stack[w] = false;
                set.push(w);
                if w == v {
                    break;
                }
            }
            set.sort();
            sets.push(set);
        }
    }

    /// A shortest way from the set's first file back to itself, staying inside the set.
    fn cycle_through(&self, set: &[usize]) -> Cycle {
        let start = set[0];
        let mut came_from: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut last = start;
        'search: while let Some(v) = queue.pop_front() {
            for &w in self.edges.get(&v).map(|e| e.keys()).into_iter().flatten() {
                if !set.contains(&w) {
                    continue;
                }
                if w == start {
                    last = v;
                    break 'search;
                }
                if let std::collections::btree_map::Entry::Vacant(e) = came_from.entry(w) {
                    e.insert(v);
                    queue.push_back(w);
                }
            }
        }
        let mut path = vec![last];
        while let Some(&p) = came_from.get(path.last().unwrap()) {
            path.push(p);
        }
        path.reverse();
        let steps = (0..path.len())
            .map(|i| self.edges[&path[i]][&path[(i + 1) % path.len()]].clone())
            .collect();
        Cycle {
            all: set.iter().map(|&i| self.files[i].clone()).collect(),
            files: path.iter().map(|&i| self.files[i].clone()).collect(),
            steps,
        }
    }
}
