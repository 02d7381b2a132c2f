//! One spec, every environment: `environments:` says what differs per environment, and the
//! environment being generated (`--environment NAME`, else the spec's `environment`) is merged into
//! the spec before it is validated.
//!
//! The merge rules:
//! - the environment is the spec's `environment` or a key of `environments:`; any other name is an
//!   error (a typo must not make a phantom environment's names);
//! - `tags` are added to the spec's, replacing those of the same key;
//! - `resources` replace declarations of the same kind and logical name, which must be declared
//!   under `resources` (an environment changes a name or a model id, it declares nothing new: the
//!   grants naming it are the same in every environment);
//! - `accounts` replace the spec's accounts of the same name, which must be declared;
//! - `without_services` leaves services out: they are still checked (so every environment's spec
//!   is), but generate nothing, and a grant that names one is an error in that environment.
//!
//! Everything else (project, naming, profiles, services and their grants) is the same in every
//! environment.

use super::input::SpecInput;
use crate::diag::{hint_unknown, listing, quote, Diagnostic, Loc, SourceMap};
use crate::naming::check_name_part;

/// The spec for one environment.
#[derive(Debug, Clone)]
pub(crate) struct Selected {
    /// The spec with the environment's overrides applied, its `environment` the chosen one.
    pub(crate) input: SpecInput,
    /// Services left out of this environment.
    pub(crate) removed: Vec<String>,
    /// Where an overridden value is written: (its path in the merged spec, its path in the file).
    pub(crate) moved: Vec<(String, String)>,
}

/// The spec for environment `chosen` (default: the spec's own `environment`); problems go to
/// `diagnostics`, and `None` when the environment cannot be chosen.
pub(crate) fn select(
    input: &SpecInput,
    chosen: Option<&str>,
    source: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Selected> {
    for name in input.environments.keys() {
        let path = format!("environments.{name}");
        if let Err(e) = check_name_part("environment", name) {
            diagnostics.push(Diagnostic::error_at(Loc::Key(path.clone()), &path, e));
        }
    }
    let name = chosen.unwrap_or(&input.environment);
    let declared = name == input.environment || input.environments.contains_key(name);
    if !declared {
        let known: Vec<&str> = std::iter::once(input.environment.as_str())
            .chain(input.environments.keys().map(String::as_str))
            .collect();
        let (loc, path) = match input.environments.is_empty() {
            true => (Loc::Value("environment".into()), "environment"),
            false => (Loc::Value("environments".into()), "environments"),
        };
        let hint = hint_unknown(name, &known, |known| {
            format!(
                "environments: {}; declare another under `environments:` (`{}: {{}}` if nothing differs)",
                listing(known),
                name
            )
        });
        diagnostics.push(
            Diagnostic::error_at(
                loc,
                path,
                format!("unknown environment {} (--environment)", quote(name)),
            )
            .with_hint(hint),
        );
        return None;
    }
    let mut out = input.clone();
    out.environment = name.to_string();
    let mut moved = Vec::new();
    let mut removed = Vec::new();
    let Some(env) = input.environments.get(name) else {
        return Some(Selected {
            input: out,
            removed,
            moved,
        });
    };
    let base = format!("environments.{name}");
    for (key, value) in &env.tags {
        out.tags.insert(key.clone(), value.clone());
        moved.push((format!("tags.{key}"), format!("{base}.tags.{key}")));
    }
    for (kind, items) in &env.resources {
        for (logical, r) in items {
            let here = format!("{base}.resources.{}.{logical}", kind.key());
            let declared = out
                .resources
                .get_mut(kind)
                .and_then(|group| group.get_mut(logical));
            match declared {
                // The decoder reported the override's value: the declaration stays as it is.
                _ if source.was_reported(&here) => {}
                Some(slot) => {
                    *slot = r.clone();
                    moved.push((format!("resources.{}.{logical}", kind.key()), here));
                }
                None => {
                    let known: Vec<&str> = input
                        .resources
                        .get(kind)
                        .map(|g| g.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let hint = hint_unknown(logical, &known, |_| {
                        format!(
                            "an environment replaces declarations; declare it under resources.{} first",
                            kind.key()
                        )
                    });
                    diagnostics.push(
                        Diagnostic::error_at(
                            Loc::Key(here.clone()),
                            &here,
                            format!(
                                "environment {} replaces {} {}, which resources.{} does not declare",
                                quote(name),
                                kind.noun(),
                                quote(logical),
                                kind.key()
                            ),
                        )
                        .with_hint(hint),
                    );
                }
            }
        }
    }
    for (account, id) in &env.accounts {
        let here = format!("{base}.accounts.{account}");
        match out.accounts.get_mut(account) {
            Some(slot) => {
                *slot = id.clone();
                moved.push((format!("accounts.{account}"), here));
            }
            None => {
                let known: Vec<&str> = input.accounts.keys().map(String::as_str).collect();
                let hint = hint_unknown(account, &known, |_| {
                    "declare it under accounts first".to_string()
                });
                diagnostics.push(
                    Diagnostic::error_at(
                        Loc::Key(here.clone()),
                        &here,
                        format!(
                            "environment {} gives account {} an id, but accounts does not declare it",
                            quote(name),
                            quote(account)
                        ),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
    for (i, service) in env.without_services.iter().enumerate() {
        let here = format!("{base}.without_services[{i}]");
        if input.services.contains_key(service) {
            removed.push(service.clone());
            continue;
        }
        let known: Vec<&str> = input.services.keys().map(String::as_str).collect();
        let hint = hint_unknown(service, &known, |known| {
            format!("services: {}", listing(known))
        });
        diagnostics.push(
            Diagnostic::error_at(
                Loc::Value(here.clone()),
                &here,
                format!("unknown service {}", quote(service)),
            )
            .with_hint(hint),
        );
    }
    Some(Selected {
        input: out,
        removed,
        moved,
    })
}

/// Gives a problem found in an overridden value the place the environment writes it.
pub(crate) fn relocate(d: &mut Diagnostic, moved: &[(String, String)]) {
    let under = |path: &str, prefix: &str| {
        path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with(['.', '[']))
    };
    for (from, to) in moved {
        if let Some(loc) = &mut d.loc {
            let (Loc::Key(p) | Loc::Value(p)) = loc;
            if under(p, from) {
                *p = format!("{to}{}", &p[from.len()..]);
            }
        }
        if let Some(p) = &mut d.path {
            if under(p, from) {
                *p = format!("{to}{}", &p[from.len()..]);
            }
        }
    }
}
