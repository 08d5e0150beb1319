//! No import cycle between modules (issue #21).
//!
//! Reads the `use` lines and the paths (`crate::…`, `super::…`, `self::…`, a child
//! module's name) of every `src/**/*.rs` as text, resolves each to the module it names
//! (through `pub use` re-exports, so a module's façade does not count as the module),
//! and builds a graph at every level of the tree: the top modules of the crate
//! (`ingest`, `store`, `metrics`, `report`, `policy`, `cmd`, `context`, …), and inside
//! each module its sub-modules: an edge from `a::x::…` to `a::y::…` is an edge `x → y`
//! inside `a`. A module's own file (`store/mod.rs`: its error type, its shared types,
//! its façade) is not a node: its sub-modules may use it and it may use them, as every
//! module may use the crate root. Any cycle fails the test, printed with the code behind
//! each edge. Test modules (`#[cfg(test)]`) are left out; the disclosure engine
//! (`crates/disclosure/src`) is checked the same way.
//!
//! Run it alone: `cargo test --test integration imports`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// A module's path from the crate root: `["ingest", "mapping"]`; the root is `[]`.
type ModPath = Vec<String>;

#[test]
fn no_import_cycles_between_modules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut report = String::new();
    for src in ["src", "crates/disclosure/src"] {
        for cycle in cycles(&Crate::read(&root.join(src))) {
            report.push_str(&format!("{src}: {cycle}\n"));
        }
    }
    assert!(
        report.is_empty(),
        "import cycles between modules:\n{report}"
    );
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    // Must be able to fail: two top modules naming each other are a cycle, and so are two
    // sub-modules, one naming the other through their parent's re-export; a module's own
    // file and its sub-module naming each other are not.
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write("lib.rs", "mod a;\nmod b;\nmod c;\n");
    write("a.rs", "use crate::b::B;\npub struct A;\n");
    write("b.rs", "pub struct B(crate::a::A);\n");
    write(
        "c/mod.rs",
        "mod d;\nmod e;\npub use e::E;\nuse d::D;\npub struct Error;\n",
    );
    write("c/d.rs", "pub struct D(super::Error, super::E);\n");
    write(
        "c/e.rs",
        "// use super::f::F;\npub struct E(Option<Box<super::d::D>>);\n",
    );
    write("c/f.rs", "use super::{E, d};\npub struct F;\n");
    let found = cycles(&Crate::read(dir.path()));
    assert_eq!(
        found,
        [
            "in the crate: a → b → a (a: `crate::b::B`; b: `crate::a::A`)",
            "in c: d → e → d (d: `super::E`; e: `super::d::D`)",
        ],
        "{found:#?}"
    );
}

/// The modules of one crate, read from its source folder.
struct Crate {
    /// Each module's code, comments, strings and `#[cfg(test)]` modules removed.
    code: BTreeMap<ModPath, String>,
    /// Each module's `pub use` re-exports: the name, and the absolute path it stands for
    /// (`None` when it is outside the crate).
    reexports: BTreeMap<ModPath, BTreeMap<String, Option<Vec<String>>>>,
}

impl Crate {
    fn read(src: &Path) -> Crate {
        let mut files = Vec::new();
        walk(src, &mut files);
        let mut code = BTreeMap::new();
        let mut test_only = BTreeSet::new();
        for file in files {
            let rel = file.strip_prefix(src).unwrap().with_extension("");
            let mut path: ModPath = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            match path.last().map(String::as_str) {
                Some("main") if path.len() == 1 => continue, // the binary: another crate
                Some("lib") if path.len() == 1 => path.clear(),
                Some("mod") => {
                    path.pop();
                }
                _ => {}
            }
            let text = strip(&fs::read_to_string(&file).unwrap());
            let (text, tests) = cut_test_modules(&text);
            for name in tests {
                let mut child = path.clone();
                child.push(name);
                test_only.insert(child);
            }
            code.insert(path, text);
        }
        code.retain(|path, _| !test_only.iter().any(|t| path.starts_with(t)));
        let mut krate = Crate {
            code,
            reexports: BTreeMap::new(),
        };
        // Re-exports name paths relative to their module: resolve them in turn, so that
        // one may go through another.
        let mut pending: Vec<(ModPath, String, Vec<String>)> = Vec::new();
        for (module, text) in &krate.code {
            for (public, tree) in use_declarations(text) {
                if !public {
                    continue;
                }
                for path in expand(&tree) {
                    let (path, alias) = split_alias(&path);
                    let name = alias.unwrap_or_else(|| path.last().cloned().unwrap_or_default());
                    if name == "*" || name.is_empty() {
                        continue;
                    }
                    pending.push((module.clone(), name, path));
                }
            }
        }
        for _ in 0..8 {
            for (module, name, path) in &pending {
                let target = krate.absolute(module, path);
                krate
                    .reexports
                    .entry(module.clone())
                    .or_default()
                    .insert(name.clone(), target);
            }
        }
        krate
    }

    fn is_module(&self, path: &[String]) -> bool {
        self.code.contains_key(path)
    }

    /// The absolute path `path`, written in `module`, stands for, re-exports followed;
    /// `None` when it is outside the crate (another crate, std, a macro's `$x`).
    fn absolute(&self, module: &[String], path: &[String]) -> Option<Vec<String>> {
        let (first, rest) = path.split_first()?;
        let mut base: Vec<String> = match first.as_str() {
            "crate" | "$crate" => Vec::new(),
            "self" => module.to_vec(),
            "super" => module[..module.len().checked_sub(1)?].to_vec(),
            _ => {
                let mut child = module.to_vec();
                child.push(first.clone());
                if !self.is_module(&child) {
                    return None;
                }
                return Some(self.follow(child, rest));
            }
        };
        let mut rest = rest;
        while rest.first().map(String::as_str) == Some("super") {
            base.pop();
            rest = &rest[1..];
        }
        Some(self.follow(base, rest))
    }

    /// `module` then `rest`, through sub-modules and re-exports.
    fn follow(&self, module: Vec<String>, rest: &[String]) -> Vec<String> {
        let mut at = module;
        for (i, segment) in rest.iter().enumerate() {
            let mut child = at.clone();
            child.push(segment.clone());
            if self.is_module(&child) {
                at = child;
                continue;
            }
            if let Some(Some(target)) = self.reexports.get(&at).and_then(|r| r.get(segment)) {
                let mut path = target.clone();
                path.extend(rest[i + 1..].iter().cloned());
                return path;
            }
            let mut path = at;
            path.extend(rest[i..].iter().cloned());
            return path;
        }
        at
    }

    /// The module an absolute path lands in: its longest prefix that is a module.
    fn module_of(&self, path: &[String]) -> ModPath {
        (0..=path.len())
            .rev()
            .map(|n| &path[..n])
            .find(|p| self.is_module(p))
            .unwrap_or(&[])
            .to_vec()
    }

    /// Every module another module's code names: (from, to) with the path written.
    fn edges(&self) -> BTreeMap<(ModPath, ModPath), String> {
        let mut out = BTreeMap::new();
        for (module, text) in &self.code {
            let mut written: Vec<Vec<String>> = Vec::new();
            // A re-export is a use too: of a sub-module, by the module's own file (which
            // is no node), or of another module, which the re-exporting module depends on.
            for (_, tree) in use_declarations(text) {
                written.extend(expand(&tree).into_iter().map(|p| split_alias(&p).0));
            }
            written.extend(inline_paths(text, |name| {
                let mut child = module.clone();
                child.push(name.to_string());
                self.is_module(&child)
            }));
            for path in written {
                let Some(target) = self.absolute(module, &path) else {
                    continue;
                };
                let to = self.module_of(&target);
                if &to != module {
                    out.entry((module.clone(), to))
                        .or_insert_with(|| path.join("::"));
                }
            }
        }
        out
    }
}

/// Every cycle, one line each: the level (`in the crate`, `in ingest`), the cycle and the
/// code behind each edge.
fn cycles(krate: &Crate) -> Vec<String> {
    // Inside each module (the level), an edge between the two of its children the
    // modules lie in.
    let mut levels: BTreeMap<ModPath, BTreeMap<(String, String), String>> = BTreeMap::new();
    for ((from, to), written) in krate.edges() {
        let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
        let level = from[..common].to_vec();
        let (Some(from_unit), Some(to_unit)) = (from.get(common), to.get(common)) else {
            continue; // a module and its own file's items
        };
        levels
            .entry(level)
            .or_default()
            .entry((from_unit.clone(), to_unit.clone()))
            .or_insert(written);
    }
    let mut out = Vec::new();
    for (level, edges) in levels {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges.keys() {
            graph.entry(a.clone()).or_default().insert(b.clone());
        }
        for component in strongly_connected(&graph) {
            let cycle = cycle_in(&graph, &component);
            let why: Vec<String> = cycle
                .windows(2)
                .map(|pair| {
                    let written = &edges[&(pair[0].clone(), pair[1].clone())];
                    format!("{}: `{written}`", pair[0])
                })
                .collect();
            let at = if level.is_empty() {
                "the crate".to_string()
            } else {
                level.join("::")
            };
            let mut line = format!("in {at}: {} ({})", cycle.join(" → "), why.join("; "));
            if component.len() + 1 > cycle.len() {
                let all: Vec<&str> = component.iter().map(String::as_str).collect();
                line.push_str(&format!(", one of the cycles among {}", all.join(", ")));
            }
            out.push(line);
        }
    }
    out
}

/// Tarjan's strongly connected components with more than one node.
fn strongly_connected<N: Clone + Ord>(graph: &BTreeMap<N, BTreeSet<N>>) -> Vec<BTreeSet<N>> {
    struct State<N> {
        index: BTreeMap<N, usize>,
        low: BTreeMap<N, usize>,
        stack: Vec<N>,
        out: Vec<BTreeSet<N>>,
    }
    fn visit<N: Clone + Ord>(v: &N, graph: &BTreeMap<N, BTreeSet<N>>, s: &mut State<N>) {
        let i = s.index.len();
        s.index.insert(v.clone(), i);
        s.low.insert(v.clone(), i);
        s.stack.push(v.clone());
        for w in graph.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(w, graph, s);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v.clone(), low);
            } else if s.stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v.clone(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                component.insert(w.clone());
                if &w == v {
                    break;
                }
            }
            if component.len() > 1 {
                s.out.push(component);
            }
        }
    }
    let mut state = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v) {
            visit(v, graph, &mut state);
        }
    }
    state.out.sort();
    state.out
}

/// A shortest cycle through the component's first node, staying inside the component:
/// the nodes in order, the first repeated at the end.
fn cycle_in<N: Clone + Ord>(graph: &BTreeMap<N, BTreeSet<N>>, component: &BTreeSet<N>) -> Vec<N> {
    let start = component.iter().next().unwrap().clone();
    let mut came_from: BTreeMap<N, N> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.clone()]);
    while let Some(v) = queue.pop_front() {
        for w in graph.get(&v).into_iter().flatten() {
            if *w == start {
                let mut path = vec![start.clone()];
                let mut at = v;
                while at != start {
                    path.push(at.clone());
                    at = came_from[&at].clone();
                }
                path.push(start);
                path.reverse();
                return path;
            }
            if component.contains(w) && !came_from.contains_key(w) {
                came_from.insert(w.clone(), v.clone());
                queue.push_back(w.clone());
            }
        }
    }
    unreachable!("a strongly connected component has a cycle through each node")
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code without comments, string and character literals (each left as `""` or
/// `' '`), so that neither can hold a path.
fn strip(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && matches!(at(i + 1), '"' | '#') && !(i > 0 && is_ident(chars[i - 1])) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            if at(j) != '"' {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|h| at(j + 1 + h) == '#') {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{..}'), or a lifetime ('a).
            if at(i + 1) == '\\' {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
            } else if at(i + 2) == '\'' {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The code without its `#[cfg(test)] mod name { … }` blocks, and the names of the
/// modules declared `#[cfg(test)] mod name;` (files of their own).
fn cut_test_modules(text: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut files = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let item = after.trim_start();
        let item = item
            .strip_prefix("pub(crate)")
            .or_else(|| item.strip_prefix("pub(super)"))
            .or_else(|| item.strip_prefix("pub"))
            .unwrap_or(item)
            .trim_start();
        let Some(module) = item.strip_prefix("mod ") else {
            out.push_str("#[cfg(test)]");
            rest = after;
            continue;
        };
        let name: String = module
            .trim_start()
            .chars()
            .take_while(|c| is_ident(*c))
            .collect();
        let tail = module.trim_start()[name.len()..].trim_start();
        if let Some(semicolon) = tail.strip_prefix(';') {
            files.push(name);
            rest = semicolon;
        } else if tail.starts_with('{') {
            let mut depth = 0;
            let mut end = tail.len();
            for (i, c) in tail.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest = &tail[end..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    (out, files)
}

/// Every `use` declaration: whether it is a re-export (`pub`, `pub(crate)`, …), and
/// its tree as written (`crate::store::{Store, StoreError}`).
fn use_declarations(text: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("use") {
        let at = from + found;
        from = at + 3;
        let before = text[..at].chars().next_back().unwrap_or(' ');
        let after = text[at + 3..].chars().next().unwrap_or(' ');
        if is_ident(before) || !after.is_whitespace() {
            continue;
        }
        // What stands before `use` on its statement: nothing, or a visibility.
        let head = text[..at].trim_end();
        let start = head.rfind([';', '{', '}', ']']).map_or(0, |i| i + 1);
        let prefix = head[start..].trim();
        let public = prefix.starts_with("pub");
        if !(prefix.is_empty() || public) {
            continue;
        }
        let Some(end) = text[at..].find(';') else {
            break;
        };
        // One space between words (`e as f`), none around punctuation.
        let mut tree = text[at + 3..at + end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for mark in ["::", "{", "}", ","] {
            tree = tree
                .replace(&format!(" {mark}"), mark)
                .replace(&format!("{mark} "), mark);
        }
        out.push((public, tree));
        from = at + end;
    }
    out
}

/// A use tree's paths, braces expanded: `a::{b,c::{d,e as f}}` gives `a::b`, `a::c::d`
/// and `a::c::e as f`.
fn expand(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else {
        return vec![tree.to_string()];
    };
    let prefix = &tree[..open];
    let close = tree.rfind('}').unwrap_or(tree.len());
    let body = &tree[open + 1..close];
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in body.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&p))
        .map(|p| format!("{prefix}{p}"))
        .collect()
}

/// A use path's segments, with `self` at the end dropped, and its alias (`as name`).
fn split_alias(path: &str) -> (Vec<String>, Option<String>) {
    let (path, alias) = match path.split_once(" as ") {
        Some((path, alias)) => (path, Some(alias.to_string())),
        None => (path, None),
    };
    let mut segments: Vec<String> = path.split("::").map(str::to_string).collect();
    if segments.last().map(String::as_str) == Some("self") {
        segments.pop();
    }
    (segments, alias)
}

/// Every path in the code that starts in this crate: `crate::…`, `$crate::…`,
/// `super::…`, `self::…`, or a child module's name (`is_child`) followed by `::`.
fn inline_paths(text: &str, is_child: impl Fn(&str) -> bool) -> Vec<Vec<String>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = is_ident(chars[i]) || chars[i] == '$';
        let after_ident = i > 0 && (is_ident(chars[i - 1]) || chars[i - 1] == '$');
        let after_path = i >= 2 && chars[i - 1] == ':' && chars[i - 2] == ':';
        if !starts || after_ident || after_path {
            i += 1;
            continue;
        }
        let mut segments = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            if j < chars.len() && chars[j] == '$' {
                j += 1;
            }
            while j < chars.len() && is_ident(chars[j]) {
                j += 1;
            }
            segments.push(chars[start..j].iter().collect::<String>());
            if j + 2 < chars.len()
                && chars[j] == ':'
                && chars[j + 1] == ':'
                && is_ident(chars[j + 2])
            {
                j += 2;
            } else {
                break;
            }
        }
        if segments.len() > 1 {
            let first = segments[0].as_str();
            if matches!(first, "crate" | "$crate" | "super" | "self") || is_child(first) {
                out.push(segments);
            }
        }
        i = j.max(i + 1);
    }
    out
}
