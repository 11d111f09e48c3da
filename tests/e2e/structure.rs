//! The crate's structure: no import cycle among the files of `src/`, and the layers' arrows
//! hold (`domain` knows no Discord, database or texts; `store` knows no Discord or texts).
//!
//! This stands in for `cargo modules dependencies --acyclic`, which builds rust-analyzer: minutes
//! on every fresh CI machine for a check a small reader of the source text does in milliseconds.
//!
//! What counts as a dependency: every path starting with `crate::`, `super::` or `self::`, in a
//! `use` or inline in code, brace groups included (`use crate::x::{a, b::{c, self}}`), resolved
//! to the longest module that has a file. Comments, string and char literals and
//! `#[cfg(test)] mod … { … }` blocks are blanked first. Paths naming a child module bare
//! (`pub use mute::mute;` in a `mod.rs`) are not read, as with the team's reference tool
//! (`/work/shared/tools/structure.py`): a folder's `mod.rs` re-exporting its children while
//! they use its shared helpers is Rust's usual shape, not a cycle to report.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

use regex::Regex;

/// A module path inside the crate: `src/a/b.rs` and `src/a/b/mod.rs` are `["a", "b"]`.
type Module = Vec<String>;

/// One file of `src/`: its path from the crate root (`src/a/b.rs`) and its text.
struct Source {
    file: String,
    text: String,
}

/// A path one file uses, as written, and the module file it lands in.
struct Dependency {
    line: usize,
    written: String,
    target: Module,
}

/// A layer: the files under `folder` must not use these modules of the crate nor these crates.
struct Layer {
    folder: &'static str,
    forbidden_modules: &'static [&'static str],
    forbidden_crates: &'static [&'static str],
}

const LAYERS: [Layer; 2] = [
    Layer {
        folder: "src/domain/",
        forbidden_modules: &["store", "discord", "i18n", "config", "app"],
        forbidden_crates: &[
            "serenity",
            "poise",
            "sqlx",
            "reqwest",
            "fluent_bundle",
            "fluent_syntax",
        ],
    },
    Layer {
        folder: "src/store/",
        forbidden_modules: &["discord", "i18n"],
        forbidden_crates: &[
            "serenity",
            "poise",
            "reqwest",
            "fluent_bundle",
            "fluent_syntax",
        ],
    },
];

#[test]
fn src_files_import_one_another_without_cycles() {
    let cycles = import_cycles(&sources_of_src());
    assert!(
        cycles.is_empty(),
        "{} import cycle(s) among the files of src/ (break each by moving what both sides \
         need to a module neither uses):\n\n{}",
        cycles.len(),
        cycles.join("\n\n")
    );
}

#[test]
fn layers_keep_their_arrows() {
    let violations = layer_violations(&sources_of_src());
    assert!(
        violations.is_empty(),
        "{} forbidden dependency(ies) between layers (domain: no Discord, database, texts, \
         config or app; store: no Discord, texts):\n{}",
        violations.len(),
        violations.join("\n")
    );
}

// ---- Reading src/ ----

fn sources_of_src() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    collect_rust_files(root, &root.join("src"), &mut sources);
    sources.sort_by(|a, b| a.file.cmp(&b.file));
    assert!(
        sources.iter().any(|s| s.file == "src/lib.rs"),
        "no src/lib.rs under {}",
        root.display()
    );
    sources
}

fn collect_rust_files(root: &Path, dir: &Path, sources: &mut Vec<Source>) {
    for entry in std::fs::read_dir(dir).expect("read a folder of src/") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect_rust_files(root, &path, sources);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).expect("under the crate");
            // Forward slashes whatever the platform, so messages and layer folders compare.
            let file = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let text = std::fs::read_to_string(&path).expect("a source file");
            sources.push(Source { file, text });
        }
    }
}

/// `src/a/b.rs` and `src/a/b/mod.rs` → `a::b`; `src/lib.rs` and `src/main.rs` → the root.
fn module_of(file: &str) -> Module {
    let inside = file.strip_prefix("src/").unwrap_or(file);
    let inside = inside.strip_suffix(".rs").unwrap_or(inside);
    let mut parts: Module = inside.split('/').map(str::to_owned).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

// ---- Blanking what is not code ----

/// The code with comments, string and char literals blanked, newlines kept (for line numbers).
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut code = String::with_capacity(text.len());
    let mut at = 0;
    while at < chars.len() {
        let skipped = comment_len(&chars[at..])
            .or_else(|| raw_string_len(&chars[at..], at == 0 || !is_ident(chars[at - 1])))
            .or_else(|| string_len(&chars[at..]))
            .or_else(|| char_literal_len(&chars[at..]));
        if let Some(len) = skipped {
            let blanked = &chars[at..at + len];
            code.extend(blanked.iter().filter(|&&c| c == '\n'));
            code.push(' ');
            at += len;
        } else {
            code.push(chars[at]);
            at += 1;
        }
    }
    code
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `// …` up to the newline, or `/* … */` with Rust's nesting.
fn comment_len(rest: &[char]) -> Option<usize> {
    if rest.starts_with(&['/', '/']) {
        return Some(rest.iter().position(|&c| c == '\n').unwrap_or(rest.len()));
    }
    if !rest.starts_with(&['/', '*']) {
        return None;
    }
    let (mut depth, mut at) = (0, 0);
    while at < rest.len() {
        if rest[at..].starts_with(&['/', '*']) {
            depth += 1;
            at += 2;
        } else if rest[at..].starts_with(&['*', '/']) {
            depth -= 1;
            at += 2;
            if depth == 0 {
                return Some(at);
            }
        } else {
            at += 1;
        }
    }
    Some(rest.len())
}

/// `r"…"`, `r#"…"#`, `br#"…"#`: no escapes, ends at a quote followed by as many `#`.
fn raw_string_len(rest: &[char], starts_a_token: bool) -> Option<usize> {
    if !starts_a_token {
        return None;
    }
    let mut at = usize::from(rest.first() == Some(&'b'));
    if rest.get(at) != Some(&'r') {
        return None;
    }
    at += 1;
    let hashes = rest[at..].iter().take_while(|&&c| c == '#').count();
    at += hashes;
    if rest.get(at) != Some(&'"') {
        return None; // `r#type` is a raw identifier, not a string
    }
    at += 1;
    while at < rest.len() {
        if rest[at] == '"' && rest[at + 1..].iter().take_while(|&&c| c == '#').count() >= hashes {
            return Some(at + 1 + hashes);
        }
        at += 1;
    }
    Some(rest.len())
}

/// `"…"` with backslash escapes (a `b` prefix stays in the code, harmlessly).
fn string_len(rest: &[char]) -> Option<usize> {
    if rest.first() != Some(&'"') {
        return None;
    }
    let mut at = 1;
    while at < rest.len() {
        match rest[at] {
            '\\' => at += 2,
            '"' => return Some(at + 1),
            _ => at += 1,
        }
    }
    Some(rest.len())
}

/// `'x'` or `'\n'`, `'\u{7b}'`; a lifetime (`'a`) is code and stays.
fn char_literal_len(rest: &[char]) -> Option<usize> {
    if rest.first() != Some(&'\'') {
        return None;
    }
    if rest.get(1) == Some(&'\\') {
        let close = rest.get(3..)?.iter().position(|&c| c == '\'')?;
        return Some(3 + close + 1);
    }
    (rest.get(2) == Some(&'\'')).then_some(3)
}

/// The code without its `#[cfg(test)] mod … { … }` blocks: tests may reach anywhere.
fn without_test_modules(code: &str) -> String {
    let start = Regex::new(r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{")
        .expect("test module pattern");
    let mut kept = code.to_owned();
    while let Some(found) = start.find(&kept) {
        let body_end = matching_brace_end(&kept, found.end() - 1);
        let newlines = kept[found.start()..body_end].matches('\n').count();
        kept.replace_range(found.start()..body_end, &"\n".repeat(newlines));
    }
    kept
}

/// The byte just after the `}` closing the `{` at `open` (comments and strings already blank).
fn matching_brace_end(code: &str, open: usize) -> usize {
    let mut depth = 0;
    for (at, c) in code[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return open + at + 1;
                }
            }
            _ => {}
        }
    }
    code.len()
}

// ---- Paths a file uses ----

/// A path as written, segment by segment, with the line it starts on.
struct WrittenPath {
    line: usize,
    segments: Vec<String>,
}

/// Every `crate::…`, `super::…`, `self::…` path in the code, brace groups expanded.
fn crate_paths(code: &str) -> Vec<WrittenPath> {
    let chars: Vec<char> = code.chars().collect();
    let mut paths = Vec::new();
    let (mut at, mut line) = (0, 1);
    while at < chars.len() {
        if chars[at] == '\n' {
            line += 1;
        }
        let head = read_ident(&chars, at);
        let starts_a_path = at == 0 || !is_ident(chars[at - 1]);
        if starts_a_path && matches!(head.as_str(), "crate" | "super" | "self") {
            let after_head = skip_spaces(&chars, at + head.len());
            if chars[after_head..].starts_with(&[':', ':']) {
                let (found, end) = read_path_tree(&chars, at, Vec::new());
                paths.extend(
                    found
                        .into_iter()
                        .map(|segments| WrittenPath { line, segments }),
                );
                line += chars[at..end].iter().filter(|&&c| c == '\n').count();
                at = end;
                continue;
            }
        }
        at += head.chars().count().max(1);
    }
    paths
}

/// Reads `a::b::{c, d::{e, self}}` from `at`: every full path it names (after `prefix`) and
/// where it ends. A turbofish, a `*` or anything else that is not a name ends a path.
fn read_path_tree(chars: &[char], at: usize, prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let mut path = prefix;
    let mut at = skip_spaces(chars, at);
    loop {
        if chars.get(at) == Some(&'{') {
            return read_brace_group(chars, at, &path);
        }
        let name = read_ident(chars, at);
        if name.is_empty() {
            return (vec![path], at);
        }
        path.push(name.clone());
        at = skip_spaces(chars, at + name.chars().count());
        if !chars[at..].starts_with(&[':', ':']) {
            return (vec![path], at);
        }
        at = skip_spaces(chars, at + 2);
    }
}

/// `{a, b::c as d, e::{f}}` after `prefix`: each item is a path tree of its own.
fn read_brace_group(chars: &[char], open: usize, prefix: &[String]) -> (Vec<Vec<String>>, usize) {
    let mut paths = Vec::new();
    let mut at = skip_spaces(chars, open + 1);
    while at < chars.len() && chars[at] != '}' {
        let (found, end) = read_path_tree(chars, at, prefix.to_vec());
        paths.extend(found);
        // Past an `as alias` or a `*`, to the next item.
        at = end;
        while at < chars.len() && !matches!(chars[at], ',' | '}' | '{') {
            at += 1;
        }
        if matches!(chars.get(at), Some(',' | '{')) {
            at += 1; // a `{` here is malformed: step over it, never loop in place
        }
        at = skip_spaces(chars, at); // a trailing comma is no item
    }
    (paths, (at + 1).min(chars.len()))
}

fn read_ident(chars: &[char], at: usize) -> String {
    chars[at.min(chars.len())..]
        .iter()
        .take_while(|&&c| is_ident(c))
        .collect()
}

fn skip_spaces(chars: &[char], mut at: usize) -> usize {
    while chars.get(at).is_some_and(|c| c.is_whitespace()) {
        at += 1;
    }
    at
}

/// The module a path lands in, seen from `from`: its longest prefix that has a file, so
/// `super::sibling::Item` is the sibling and not the parent it passes through.
fn resolve(from: &Module, segments: &[String], modules: &BTreeSet<Module>) -> Module {
    let mut full: Module = match segments[0].as_str() {
        "crate" => Vec::new(),
        "super" => from[..from.len().saturating_sub(1)].to_vec(),
        _ => from.clone(), // self
    };
    for segment in &segments[1..] {
        match segment.as_str() {
            "super" => {
                full.pop();
            }
            "self" => {} // `x::{self}` is `x`
            name => full.push(name.to_owned()),
        }
    }
    while !full.is_empty() && !modules.contains(&full) {
        full.pop();
    }
    full
}

// ---- The crate's graph ----

/// Each file with the module it is and the code it runs (comments, strings and tests blank).
struct Crate<'s> {
    sources: &'s [Source],
    modules: Vec<Module>,
    codes: Vec<String>,
    /// Which file a module is: `lib.rs` for the root (`main.rs` is the binary's own crate).
    file_of_module: BTreeMap<Module, usize>,
}

impl<'s> Crate<'s> {
    fn read(sources: &'s [Source]) -> Self {
        let modules: Vec<Module> = sources.iter().map(|s| module_of(&s.file)).collect();
        let codes = sources
            .iter()
            .map(|s| without_test_modules(&code_only(&s.text)))
            .collect();
        let mut file_of_module = BTreeMap::new();
        for (index, (source, module)) in sources.iter().zip(&modules).enumerate() {
            if source.file != "src/main.rs" {
                file_of_module.insert(module.clone(), index);
            }
        }
        Crate {
            sources,
            modules,
            codes,
            file_of_module,
        }
    }

    fn dependencies(&self, file: usize) -> Vec<Dependency> {
        let known: BTreeSet<Module> = self.file_of_module.keys().cloned().collect();
        crate_paths(&self.codes[file])
            .into_iter()
            .map(|path| Dependency {
                line: path.line,
                written: path.segments.join("::"),
                target: resolve(&self.modules[file], &path.segments, &known),
            })
            .collect()
    }

    /// For each file, the files it uses, each with the first path that shows it.
    fn file_graph(&self) -> Vec<BTreeMap<usize, Dependency>> {
        (0..self.sources.len())
            .map(|file| {
                let mut uses = BTreeMap::new();
                for dependency in self.dependencies(file) {
                    let Some(&target) = self.file_of_module.get(&dependency.target) else {
                        continue; // the root of a crate without lib.rs
                    };
                    if target != file {
                        uses.entry(target).or_insert(dependency);
                    }
                }
                uses
            })
            .collect()
    }
}

/// One message per cycle: its files, then each arrow inside it with the path that makes it.
fn import_cycles(sources: &[Source]) -> Vec<String> {
    let krate = Crate::read(sources);
    let graph = krate.file_graph();
    let successors: Vec<Vec<usize>> = graph
        .iter()
        .map(|uses| uses.keys().copied().collect())
        .collect();
    strongly_connected_components(&successors)
        .into_iter()
        .filter(|component| component.len() > 1)
        .map(|mut component| {
            component.sort_unstable();
            let file = |i: usize| sources[i].file.as_str();
            let mut message = format!(
                "cycle: {}",
                component
                    .iter()
                    .map(|&i| file(i))
                    .collect::<Vec<_>>()
                    .join(" <-> ")
            );
            for &from in &component {
                for (&to, dependency) in &graph[from] {
                    if component.contains(&to) {
                        let _ = write!(
                            message,
                            "\n  {}:{} uses {} ({})",
                            file(from),
                            dependency.line,
                            file(to),
                            dependency.written
                        );
                    }
                }
            }
            message
        })
        .collect()
}

/// Tarjan's algorithm: groups of nodes that each reach every other (a cycle when > 1).
fn strongly_connected_components(successors: &[Vec<usize>]) -> Vec<Vec<usize>> {
    struct Search<'g> {
        successors: &'g [Vec<usize>],
        visited: usize,
        order: Vec<Option<usize>>,
        lowest: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        components: Vec<Vec<usize>>,
    }
    impl Search<'_> {
        fn visit(&mut self, node: usize) {
            let order = self.visited;
            self.visited += 1;
            self.order[node] = Some(order);
            self.lowest[node] = order;
            self.stack.push(node);
            self.on_stack[node] = true;
            for &next in &self.successors[node] {
                match self.order[next] {
                    None => {
                        self.visit(next);
                        self.lowest[node] = self.lowest[node].min(self.lowest[next]);
                    }
                    Some(seen) if self.on_stack[next] => {
                        self.lowest[node] = self.lowest[node].min(seen);
                    }
                    Some(_) => {} // in a component already closed: no way back to `node`
                }
            }
            if self.lowest[node] == order {
                let mut component = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                self.components.push(component);
            }
        }
    }
    let count = successors.len();
    let mut search = Search {
        successors,
        visited: 0,
        order: vec![None; count],
        lowest: vec![0; count],
        stack: Vec::new(),
        on_stack: vec![false; count],
        components: Vec::new(),
    };
    for node in 0..count {
        if search.order[node].is_none() {
            search.visit(node);
        }
    }
    search.components
}

// ---- Layers ----

/// `file:line: path` for each use a layer forbids, of a crate module or an external crate.
fn layer_violations(sources: &[Source]) -> Vec<String> {
    let krate = Crate::read(sources);
    let mut violations: Vec<(&str, usize, String)> = Vec::new();
    for (file, source) in sources.iter().enumerate() {
        let Some(layer) = LAYERS.iter().find(|l| source.file.starts_with(l.folder)) else {
            continue;
        };
        for dependency in krate.dependencies(file) {
            let top = dependency.target.first().map(String::as_str);
            if top.is_some_and(|top| layer.forbidden_modules.contains(&top)) {
                violations.push((&source.file, dependency.line, dependency.written));
            }
        }
        for (line, name) in external_crate_uses(&krate.codes[file], layer.forbidden_crates) {
            violations.push((&source.file, line, name));
        }
    }
    violations.sort();
    violations
        .into_iter()
        .map(|(file, line, path)| format!("{file}:{line}: {path}"))
        .collect()
}

/// `(line, path)` for each `name::…` path or `use name` of the given external crates.
fn external_crate_uses(code: &str, names: &[&str]) -> Vec<(usize, String)> {
    let names = names.join("|");
    // Not after a word or `::`: `crate::x::sqlx::y` would be a module of ours.
    let pattern = Regex::new(&format!(
        r"\buse\s+(?:::)?(?P<used>(?:{names})\b(?:::\w+)*)|(?:^|[^\w:])(?:::)?(?P<path>(?:{names})::\w+(?:::\w+)*)"
    ))
    .expect("external crate pattern");
    pattern
        .captures_iter(code)
        .map(|found| {
            let path = found
                .name("used")
                .or_else(|| found.name("path"))
                .expect("a path");
            let line = code[..path.start()].matches('\n').count() + 1;
            (line, path.as_str().to_owned())
        })
        .collect()
}

// ---- The checker checked, on sources in memory ----

fn in_memory(files: &[(&str, &str)]) -> Vec<Source> {
    files
        .iter()
        .map(|&(file, text)| Source {
            file: file.to_owned(),
            text: text.to_owned(),
        })
        .collect()
}

fn targets_of(files: &[(&str, &str)], file: &str) -> Vec<String> {
    let sources = in_memory(files);
    let krate = Crate::read(&sources);
    let index = sources
        .iter()
        .position(|s| s.file == file)
        .expect("the file");
    krate
        .dependencies(index)
        .into_iter()
        .map(|d| d.target.join("::"))
        .collect()
}

#[test]
fn checker_finds_a_two_file_cycle() {
    let cycles = import_cycles(&in_memory(&[
        ("src/lib.rs", "pub mod a;\npub mod b;\npub mod c;"),
        ("src/a.rs", "use crate::b::Beta;\npub struct Alpha;"),
        (
            "src/b.rs",
            "pub struct Beta;\nfn f() -> crate::a::Alpha { crate::a::Alpha }",
        ),
        ("src/c.rs", "use crate::a::Alpha;"),
    ]));
    assert_eq!(
        cycles,
        [
            "cycle: src/a.rs <-> src/b.rs\n  src/a.rs:1 uses src/b.rs (crate::b::Beta)\n  \
          src/b.rs:2 uses src/a.rs (crate::a::Alpha)"
        ]
    );
}

#[test]
fn checker_finds_a_cycle_through_a_third_file_and_none_in_a_tree() {
    let through_c = import_cycles(&in_memory(&[
        ("src/lib.rs", ""),
        ("src/a.rs", "use crate::b::B;"),
        ("src/b.rs", "use crate::c::C;"),
        ("src/c.rs", "fn f() { crate::a::g(); }"),
    ]));
    assert_eq!(through_c.len(), 1);
    assert!(
        through_c[0].starts_with("cycle: src/a.rs <-> src/b.rs <-> src/c.rs"),
        "{through_c:?}"
    );

    let tree = import_cycles(&in_memory(&[
        ("src/lib.rs", ""),
        ("src/a.rs", "use crate::b::B;\nuse crate::c::C;"),
        ("src/b.rs", "use crate::c::C;"),
        ("src/c.rs", ""),
    ]));
    assert!(tree.is_empty(), "{tree:?}");
}

#[test]
fn checker_expands_nested_brace_groups() {
    let files = [
        ("src/lib.rs", ""),
        ("src/x/mod.rs", ""),
        ("src/x/a.rs", ""),
        ("src/x/b/mod.rs", ""),
        ("src/x/b/c.rs", ""),
        (
            "src/y.rs",
            "use crate::{\n    x::{a::A, b::{self, c::{C as D}}},\n    z,\n};",
        ),
    ];
    assert_eq!(
        targets_of(&files, "src/y.rs"),
        ["x::a", "x::b", "x::b::c", ""]
    );
}

#[test]
fn checker_resolves_super_to_the_sibling_not_the_parent() {
    let files = [
        ("src/lib.rs", ""),
        ("src/flows/mod.rs", "pub struct Shared;"),
        (
            "src/flows/ban.rs",
            "use super::mute::{self, Mute};\nuse super::Shared;",
        ),
        ("src/flows/mute.rs", ""),
        (
            "src/flows/deep/mod.rs",
            "fn f() { super::super::other::g(); self::inner::h(); }",
        ),
        ("src/flows/deep/inner.rs", ""),
        ("src/other.rs", ""),
    ];
    assert_eq!(
        targets_of(&files, "src/flows/ban.rs"),
        ["flows::mute", "flows::mute", "flows"]
    );
    assert_eq!(
        targets_of(&files, "src/flows/deep/mod.rs"),
        ["other", "flows::deep::inner"]
    );
}

#[test]
fn checker_ignores_comments_strings_and_test_modules() {
    let text = r##"
// use crate::x::X;
/* crate::x /* nested */ crate::x */
/// [`crate::x::X`]
const QUOTED: &str = "crate::x::X \" crate::x";
const RAW: &str = r#"crate::x::X "# ;
const BRACE: char = '{';
fn f<'a>(s: &'a str) -> &'a str { s }
#[cfg(test)]
mod tests {
    use crate::x::X;
}
"##;
    let files = [("src/lib.rs", ""), ("src/x.rs", ""), ("src/y.rs", text)];
    assert!(targets_of(&files, "src/y.rs").is_empty());
}

#[test]
fn checker_names_each_forbidden_dependency_of_a_layer() {
    let violations = layer_violations(&in_memory(&[
        ("src/lib.rs", ""),
        (
            "src/store/mod.rs",
            "use sqlx::PgPool;\nuse crate::domain::case::Case;\nuse crate::i18n::Texts;",
        ),
        (
            "src/domain/mod.rs",
            "#[derive(sqlx::FromRow)]\nstruct Row;\n// serenity::UserId\n",
        ),
        (
            "src/domain/case.rs",
            "use super::super::store::Store;\nfn f(u: ::serenity::UserId) {}",
        ),
        (
            "src/discord/mod.rs",
            "use serenity::all::UserId;\nuse crate::store::Store;",
        ),
        ("src/i18n/mod.rs", ""),
    ]));
    assert_eq!(
        violations,
        [
            "src/domain/case.rs:1: super::super::store::Store",
            "src/domain/case.rs:2: serenity::UserId",
            "src/domain/mod.rs:1: sqlx::FromRow",
            "src/store/mod.rs:3: crate::i18n::Texts",
        ]
    );
}
