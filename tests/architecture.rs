//! The shape of the code, checked by a tool rather than by eye
//! (ARCHITECTURE.md, "Invariants"):
//!
//! - **Layers.** Each folder of `src/engine/` is a layer, and a layer uses
//!   only the layers below it ([`LAYERS`], bottom first). The engine uses
//!   nothing of the crate outside itself.
//! - **No circles.** The engine's modules (one per file) import each other
//!   without a circle, within a layer too. A parent module that uses its
//!   children (`use child::…`, `pub use child::…`) must not be used by them:
//!   children name their siblings directly.
//! - **Readable functions.** No function in the engine, the editor, the
//!   exports or the command line is longer than [`MAX_FUNCTION_LINES`] lines.
//!
//! Every source file is parsed with `syn`; what `#[cfg(test)]` marks (the
//! unit tests) may use any layer and is not counted. Paths inside macro
//! calls (`format!`, `matches!`) are not seen, so a module reached only
//! there would slip by: the engine names its imports in `use` declarations.

// Reads the source tree: a native test (syn is a native dev-dependency).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The engine's layers, bottom first: each may use only those before it.
const LAYERS: &[&str] = &[
    "formula",
    "model",
    "project",
    "analyse",
    "uncertainty",
    "actuals",
    "diff",
    "output",
];

/// About a screen: past this a function is split by meaning.
const MAX_FUNCTION_LINES: usize = 100;

/// A module: `engine::model::plan` as `["engine", "model", "plan"]`.
type ModulePath = Vec<String>;

struct SourceFile {
    module: ModulePath,
    path: PathBuf,
    syntax: syn::File,
}

fn source_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `folder`, with its module path (`mod.rs` is its
/// folder's module).
fn read_tree(folder: &str) -> Vec<SourceFile> {
    let root = source_root();
    let mut files = Vec::new();
    let mut pending = vec![root.join(folder)];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("{dir:?}: {error}"));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                let syntax = syn::parse_file(&text)
                    .unwrap_or_else(|error| panic!("{path:?} does not parse: {error}"));
                let relative = path.strip_prefix(&root).expect("under src");
                let mut module: ModulePath = relative
                    .with_extension("")
                    .iter()
                    .map(|part| part.to_string_lossy().into_owned())
                    .collect();
                if module.last().is_some_and(|last| last == "mod") {
                    module.pop();
                }
                files.push(SourceFile {
                    module,
                    path,
                    syntax,
                });
            }
        }
    }
    files.sort_by(|a, b| a.module.cmp(&b.module));
    files
}

fn is_cfg_test(attributes: &[syn::Attribute]) -> bool {
    attributes.iter().any(|attribute| {
        attribute.path().is_ident("cfg")
            && attribute
                .parse_args::<syn::Meta>()
                .is_ok_and(|meta| meta.path().is_ident("test"))
    })
}

fn item_attributes(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(item) => &item.attrs,
        syn::Item::Enum(item) => &item.attrs,
        syn::Item::Fn(item) => &item.attrs,
        syn::Item::Impl(item) => &item.attrs,
        syn::Item::Mod(item) => &item.attrs,
        syn::Item::Static(item) => &item.attrs,
        syn::Item::Struct(item) => &item.attrs,
        syn::Item::Trait(item) => &item.attrs,
        syn::Item::Type(item) => &item.attrs,
        syn::Item::Use(item) => &item.attrs,
        _ => &[],
    }
}

/// Every path a file's non-test code names, as written (`super::plan::Plan`,
/// `crate::engine::number`, a `use` tree expanded to its leaves).
#[derive(Default)]
struct PathsNamed {
    paths: Vec<Vec<String>>,
}

impl PathsNamed {
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.use_tree(prefix, &path.tree);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                let mut full = prefix.clone();
                full.push(name.ident.to_string());
                self.paths.push(full);
            }
            syn::UseTree::Rename(rename) => {
                let mut full = prefix.clone();
                full.push(rename.ident.to_string());
                self.paths.push(full);
            }
            syn::UseTree::Glob(_) => self.paths.push(prefix.clone()),
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.use_tree(prefix, tree);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for PathsNamed {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if !is_cfg_test(item_attributes(item)) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_impl_item_fn(&mut self, function: &'ast syn::ImplItemFn) {
        if !is_cfg_test(&function.attrs) {
            syn::visit::visit_impl_item_fn(self, function);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.paths.push(
            path.segments
                .iter()
                .map(|segment| segment.ident.to_string())
                .collect(),
        );
        syn::visit::visit_path(self, path);
    }
}

/// `path` as named in `module` (a file whose own module is `module`), from
/// the crate root; `None` for paths that do not start at `crate`, `super`
/// or `self` (locals, the standard library, other crates, and names a `use`
/// brought in, which counted where they were imported).
fn absolute(module: &ModulePath, path: &[String]) -> Option<Vec<String>> {
    let first = path.first()?;
    let mut resolved: Vec<String> = match first.as_str() {
        "crate" => Vec::new(),
        "self" => module.clone(),
        "super" => module.clone(),
        _ => return None,
    };
    let mut rest = &path[1..];
    if first == "super" {
        resolved.pop();
        while rest.first().is_some_and(|segment| segment == "super") {
            resolved.pop();
            rest = &rest[1..];
        }
    }
    resolved.extend(rest.iter().cloned());
    Some(resolved)
}

/// The module a path lands in: its longest prefix that is a module of
/// `modules`.
fn module_of<'a>(modules: &'a BTreeSet<ModulePath>, path: &[String]) -> Option<&'a ModulePath> {
    (1..=path.len())
        .rev()
        .find_map(|length| modules.get(&path[..length].to_vec()))
}

/// Which module uses which: from each engine file's module to every other
/// crate module its non-test code names (a parent's `mod child;` is not a
/// use).
fn dependencies(
    files: &[SourceFile],
    modules: &BTreeSet<ModulePath>,
) -> BTreeMap<ModulePath, BTreeSet<ModulePath>> {
    let mut graph = BTreeMap::new();
    for file in files {
        let mut named = PathsNamed::default();
        named.visit_file(&file.syntax);
        let uses: BTreeSet<ModulePath> = named
            .paths
            .iter()
            .filter_map(|path| absolute(&file.module, path))
            .filter_map(|path| module_of(modules, &path).cloned())
            .filter(|target| target != &file.module)
            .collect();
        graph.insert(file.module.clone(), uses);
    }
    graph
}

fn every_crate_module() -> BTreeSet<ModulePath> {
    let root = source_root();
    let mut modules = BTreeSet::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path.clone());
            }
            let relative = path
                .strip_prefix(&root)
                .expect("under src")
                .with_extension("");
            let mut module: ModulePath = relative
                .iter()
                .map(|part| part.to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|last| last == "mod") {
                module.pop();
            }
            if path.is_dir() || path.extension().is_some_and(|extension| extension == "rs") {
                modules.insert(module);
            }
        }
    }
    modules
}

fn engine_graph() -> BTreeMap<ModulePath, BTreeSet<ModulePath>> {
    let files = read_tree("engine");
    dependencies(&files, &every_crate_module())
}

/// The engine layer a module belongs to (`model` for `engine::model::plan`);
/// `None` for the engine's root module.
fn layer_of(module: &ModulePath) -> Option<usize> {
    let name = module.get(1)?;
    Some(
        LAYERS
            .iter()
            .position(|layer| layer == name)
            .unwrap_or_else(|| {
                panic!("engine::{name} is in no layer: add it to LAYERS and ARCHITECTURE.md")
            }),
    )
}

/// Every use that goes up a layer, or out of the engine.
fn layer_violations(graph: &BTreeMap<ModulePath, BTreeSet<ModulePath>>) -> Vec<String> {
    let mut violations = Vec::new();
    for (from, uses) in graph {
        for to in uses {
            if to.first().is_none_or(|root| root != "engine") {
                violations.push(format!(
                    "{} uses {}: the engine uses nothing outside it",
                    from.join("::"),
                    to.join("::")
                ));
                continue;
            }
            let (Some(from_layer), Some(to_layer)) = (layer_of(from), layer_of(to)) else {
                continue;
            };
            if to_layer > from_layer {
                let below = match from_layer {
                    0 => "none: it is the bottom".to_string(),
                    _ => LAYERS[..from_layer].join(", "),
                };
                violations.push(format!(
                    "{} uses {}: layer {} may use only the layers below it ({below})",
                    from.join("::"),
                    to.join("::"),
                    LAYERS[from_layer],
                ));
            }
        }
    }
    violations
}

/// A circle of uses, if there is one, as the modules around it.
fn find_circle(graph: &BTreeMap<ModulePath, BTreeSet<ModulePath>>) -> Option<Vec<ModulePath>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Unseen,
        OnPath,
        Done,
    }
    fn visit(
        module: &ModulePath,
        graph: &BTreeMap<ModulePath, BTreeSet<ModulePath>>,
        marks: &mut BTreeMap<ModulePath, Mark>,
        path: &mut Vec<ModulePath>,
    ) -> Option<Vec<ModulePath>> {
        marks.insert(module.clone(), Mark::OnPath);
        path.push(module.clone());
        for next in graph.get(module).into_iter().flatten() {
            match marks.get(next).copied().unwrap_or(Mark::Unseen) {
                Mark::OnPath => {
                    let start = path
                        .iter()
                        .position(|step| step == next)
                        .expect("on the path");
                    let mut circle = path[start..].to_vec();
                    circle.push(next.clone());
                    return Some(circle);
                }
                Mark::Unseen => {
                    if let Some(circle) = visit(next, graph, marks, path) {
                        return Some(circle);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks.insert(module.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for module in graph.keys() {
        if marks.get(module).copied().unwrap_or(Mark::Unseen) == Mark::Unseen {
            if let Some(circle) = visit(module, graph, &mut marks, &mut Vec::new()) {
                return Some(circle);
            }
        }
    }
    None
}

#[test]
fn each_engine_layer_uses_only_the_layers_below_it() {
    let violations = layer_violations(&engine_graph());
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_engine_modules_import_each_other_without_a_circle() {
    if let Some(circle) = find_circle(&engine_graph()) {
        let names: Vec<String> = circle.iter().map(|module| module.join("::")).collect();
        panic!("a circle of imports: {}", names.join(" → "));
    }
}

#[test]
fn the_check_sees_a_circle_and_a_use_up_a_layer() {
    // The check itself can fail: a made-up back-import from the bottom
    // layer to the top closes a circle and climbs the layers.
    let mut graph = engine_graph();
    let bottom = vec!["engine".to_string(), "formula".to_string()];
    let top = vec!["engine".to_string(), "output".to_string()];
    assert!(graph.contains_key(&bottom) && graph.contains_key(&top));
    graph.get_mut(&bottom).expect("formula").insert(top.clone());
    assert!(!layer_violations(&graph).is_empty());
    let mut closed = graph.clone();
    closed.get_mut(&top).expect("output").insert(bottom.clone());
    assert!(find_circle(&closed).is_some());
}

/// Every function (free, in an `impl` or a trait) longer than the limit, as
/// `file:line name (n lines)`.
struct LongFunctions<'a> {
    path: &'a Path,
    found: Vec<String>,
}

impl LongFunctions<'_> {
    fn measure(&mut self, name: &syn::Ident, start: proc_macro2::Span, end: proc_macro2::Span) {
        let first = start.start().line;
        let last = end.end().line;
        let lines = last + 1 - first;
        if lines > MAX_FUNCTION_LINES {
            self.found.push(format!(
                "{}:{first} {name} ({lines} lines)",
                self.path
                    .strip_prefix(source_root())
                    .unwrap_or(self.path)
                    .display()
            ));
        }
    }
}

impl<'ast> Visit<'ast> for LongFunctions<'_> {
    fn visit_item_fn(&mut self, function: &'ast syn::ItemFn) {
        let start = syn::spanned::Spanned::span(&function.sig);
        let end = function.block.brace_token.span.close();
        self.measure(&function.sig.ident, start, end);
        syn::visit::visit_item_fn(self, function);
    }

    fn visit_impl_item_fn(&mut self, function: &'ast syn::ImplItemFn) {
        let start = syn::spanned::Spanned::span(&function.sig);
        let end = function.block.brace_token.span.close();
        self.measure(&function.sig.ident, start, end);
        syn::visit::visit_impl_item_fn(self, function);
    }

    fn visit_trait_item_fn(&mut self, function: &'ast syn::TraitItemFn) {
        if let Some(block) = &function.default {
            let start = syn::spanned::Spanned::span(&function.sig);
            self.measure(&function.sig.ident, start, block.brace_token.span.close());
        }
        syn::visit::visit_trait_item_fn(self, function);
    }
}

#[test]
fn no_function_in_the_engine_editor_or_command_line_is_over_a_hundred_lines() {
    let mut report = String::new();
    for folder in ["engine", "editor", "export", "cli"] {
        for file in read_tree(folder) {
            let mut long = LongFunctions {
                path: &file.path,
                found: Vec::new(),
            };
            long.visit_file(&file.syntax);
            for found in long.found {
                writeln!(report, "{found}").expect("a string");
            }
        }
    }
    assert!(report.is_empty(), "split these by meaning:\n{report}");
}

/// The editor's fields follow `PlanState`'s triggers rather than the plan
/// signal (issue 29), so a change to the plan that bypassed `PlanState`
/// would leave fields showing the old plan: only `ui/state.rs` writes it.
#[test]
fn only_plan_state_writes_the_plan() {
    let writes = [
        ".set(",
        ".update(",
        ".write(",
        ".try_set(",
        ".try_update(",
        ".maybe_update(",
    ];
    let mut found = Vec::new();
    for file in read_tree("ui") {
        if file.module == ["ui", "state"] {
            continue;
        }
        let text = std::fs::read_to_string(&file.path).expect("a source file");
        for (number, line) in text.lines().enumerate() {
            let compact: String = line.split_whitespace().collect();
            // `plan` is what the views call the plan signal (`state.plan`,
            // or `let plan = state.plan`).
            if writes
                .iter()
                .any(|write| compact.contains(&format!("plan{write}")))
            {
                found.push(format!(
                    "{}:{}: {}",
                    file.path.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the plan written outside PlanState: {found:#?}"
    );
}
