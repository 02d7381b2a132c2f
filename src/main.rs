//! `iamgen`: least-privilege AWS IAM, as Terraform, from a short YAML description of a platform.
//!
//! A thin shell over [`iamgen_core`] (load, plan, check) and [`iamgen_hcl`] (render, write).
//! Exit codes: 0 success, 1 invalid spec or out-of-date output, 2 usage.

use std::fmt::Display;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: a plan is many small strings and vectors (see
/// docs/performance.md, "The allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` of mimalloc.h (version 3), which libmimalloc-sys does not name: the
/// milliseconds before freed memory is returned to the system; -1: never.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tells mimalloc never to return freed memory to the system: by default it does after a second,
/// and a process that builds and frees a large plan then faults the same pages in again (at
/// 10,000 services a third of `gen`'s CPU time went to the kernel zeroing them). iamgen exits
/// when its one command is done, which returns everything.
fn keep_freed_memory() {
    // SAFETY: sets an option mimalloc reads on each purge; no memory is touched.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

use clap::{Args, Parser, Subcommand, ValueEnum};
use iamgen_core::{
    purpose_from_key, Compiled, Query, QueryError, Settings, Simulator, SpecFiles, Values,
    ValuesError, Who,
};
use iamgen_hcl::docs::Docs;
use iamgen_hcl::write::{Cancel, OutputError, Recovered};
use iamgen_hcl::{write_json, write_single_file, JsonError, Output, WriteOptions};

/// Least-privilege AWS IAM, written as Terraform, from a short YAML description of a platform.
#[derive(Parser)]
#[command(name = "iamgen", version, about, long_about = None, after_help = "Exit codes: 0 success, 1 invalid spec or out-of-date output, 2 usage.\nSpec format, grants and examples: see the README.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate Terraform (or, with --format json, the resolved IAM documents).
    Gen(GenArgs),
    /// Validate a spec and check every statement it generates; write nothing.
    Check(CheckArgs),
    /// Print the spec's permissions as Markdown for reviewers: per service in plain words with the
    /// exact statements, the dependency graph, every wildcard and its reason, production readiness.
    Docs(DocsArgs),
    /// Print the JSON Schema of the spec (for editors: `# yaml-language-server: $schema=...`).
    Schema,
    /// Decide a request with the generated policies (offline IAM policy simulator), or run a
    /// scenario file: `simulate [SPEC] --service NAME ACTION RESOURCE`, `simulate [SPEC] --scenarios FILE`.
    Simulate(SimulateArgs),
    /// Who can do what to one resource (a logical name such as `models`, or an ARN).
    Access(AccessArgs),
}

/// Where and with which inputs ARNs are resolved (as for `gen --format json`).
#[derive(Args)]
struct ValuesArgs {
    /// The AWS account id to resolve ARNs with.
    #[arg(long, value_name = "ID")]
    account: String,
    /// The region to resolve ARNs with.
    #[arg(long, value_name = "REGION")]
    region: String,
    /// The partition.
    #[arg(long, default_value = "aws")]
    partition: String,
    /// A value for a module input (an id known after apply), as NAME=VALUE; inputs without one get
    /// an example id (said on stderr).
    #[arg(long = "input", value_name = "NAME=VALUE", value_parser = parse_input)]
    inputs: Vec<(String, String)>,
    /// The environment to generate: the spec's `environment` (default) or a key of its
    /// `environments:`.
    #[arg(long, value_name = "NAME")]
    environment: Option<String>,
}

#[derive(Args)]
struct SimulateArgs {
    /// SPEC (optional), ACTION and RESOURCE; or SPEC alone with --scenarios. RESOURCE: an ARN, the ARN's resource part
    /// (`table/engagement-cache-dev`), or a name of the spec (`models/reports/a.csv`).
    #[arg(value_name = "ARGS")]
    args: Vec<String>,
    /// The service making the request (its role's session).
    #[arg(long, value_name = "NAME", conflicts_with = "caller")]
    service: Option<String>,
    /// Which role of the service: main (default) or execution (an ecs_task's).
    #[arg(long, value_name = "ROLE", default_value = "main")]
    role: String,
    /// A service principal making the request itself (`apigateway.amazonaws.com`), decided by a
    /// function's policy or a role's trust policy.
    #[arg(long, value_name = "PRINCIPAL")]
    caller: Option<String>,
    /// A request context key and value, as KEY=VALUE (typed by the key: ARN, Bool, Numeric...).
    #[arg(long = "context", value_name = "KEY=VALUE", value_parser = parse_input)]
    context: Vec<(String, String)>,
    /// Run a scenario file (a YAML list of requests with `expect: allow|deny`); exit 1 listing
    /// every mismatch.
    #[arg(long, value_name = "FILE")]
    scenarios: Option<PathBuf>,
    #[command(flatten)]
    values: ValuesArgs,
}

#[derive(Args)]
struct AccessArgs {
    /// SPEC (optional) and TARGET: a name of the spec (`models`, `buckets.models`, `services.predict`) or an ARN.
    #[arg(value_name = "ARGS", required = true)]
    args: Vec<String>,
    #[command(flatten)]
    values: ValuesArgs,
}

#[derive(Args)]
struct SpecArgs {
    /// The spec: a file (with the files its `include:` lists), a directory of spec files (the one
    /// with `project:` is the root), or `-` (standard input). Default: ./iamgen.yaml if present,
    /// else the built-in example platform.
    spec: Option<PathBuf>,
    /// Treat warnings (wildcards nobody accepted in writing) as errors: for production.
    #[arg(long)]
    strict: bool,
    /// The environment to generate: the spec's `environment` (default) or a key of its
    /// `environments:`.
    #[arg(long, value_name = "NAME")]
    environment: Option<String>,
}

#[derive(Args)]
struct GenArgs {
    #[command(flatten)]
    spec: SpecArgs,
    /// Write one Terraform module per service, plus a root module calling them, into DIR.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// With --out: write nothing; exit 1 listing the files that are not up to date.
    #[arg(long, requires = "out")]
    check: bool,
    /// With --out: overwrite files that iamgen did not generate, and replace a tree generated from
    /// another spec (another project or environment, or the built-in example).
    #[arg(long, requires = "out")]
    force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Hcl)]
    format: Format,
    /// With --format json: the AWS account id to resolve ARNs with.
    #[arg(long, value_name = "ID", required_if_eq("format", "json"))]
    account: Option<String>,
    /// With --format json: the region to resolve ARNs with.
    #[arg(long, value_name = "REGION", required_if_eq("format", "json"))]
    region: Option<String>,
    /// With --format json: the partition.
    #[arg(long, default_value = "aws")]
    partition: String,
    /// With --format json: a value for a module input (an id known after apply), as NAME=VALUE.
    #[arg(long = "input", value_name = "NAME=VALUE", value_parser = parse_input)]
    inputs: Vec<(String, String)>,
    /// With --out: the module READMEs' templates (see `iamgen docs --help`).
    #[command(flatten)]
    templates: TemplatesArgs,
}

#[derive(Args)]
struct DocsArgs {
    /// The spec: a file (with the files its `include:` lists), a directory of spec files, or `-`.
    /// Default: ./iamgen.yaml if present, else the built-in example platform.
    spec: Option<PathBuf>,
    /// The environment to document: the spec's `environment` (default) or a key of its
    /// `environments:`.
    #[arg(long, value_name = "NAME")]
    environment: Option<String>,
    #[command(flatten)]
    templates: TemplatesArgs,
}

#[derive(Args)]
struct TemplatesArgs {
    /// Replace built-in Markdown templates with the files of DIR (by name: permissions.md,
    /// module.md, root.md, grants.md, macros.md).
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

impl TemplatesArgs {
    /// The templates: the built-in ones, with DIR's replacing them.
    fn docs(&self) -> Result<Docs, Failure> {
        match &self.templates {
            Some(dir) => Docs::from_dir(dir).map_err(|e| Failure::invalid(e.to_string())),
            None => Ok(Docs::new()),
        }
    }
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    spec: SpecArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Terraform.
    Hcl,
    /// `{"roles": [...], "resource_permissions": [...]}` with every ARN resolved.
    Json,
}

fn parse_input(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("'{s}' is not NAME=VALUE"))
}

/// A failure, and the exit code it means.
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    fn invalid(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
    fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 2,
        }
    }
}

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gen(args) => gen(args),
        Command::Check(args) => check(args),
        Command::Docs(args) => docs(args),
        Command::Schema => print(&iamgen_core::json_schema()),
        Command::Simulate(args) => simulate(args),
        Command::Access(args) => access(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                say(&f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

/// Writes a line to stderr. A closed or full stderr is ignored, like a closed stdout: the exit
/// code still says how the run went (`eprintln!` would panic, exit 101).
fn say(message: impl Display) {
    let _ = writeln!(io::stderr().lock(), "{message}");
}

/// A spec read and compiled.
struct Loaded {
    compiled: Compiled,
    /// The name messages give the spec: its (root) file's path, `<stdin>`, or the example's file.
    name: String,
    /// What generated a tree, for the `--out` manifest: `project X, environment Y`.
    origin: String,
}

/// Reads and compiles the spec (every command's one way to load it), printing warnings on stderr:
/// a file with the files its `include:` lists, a directory of spec files, standard input, or the
/// built-in example. Reading is bounded by [`iamgen_core::MAX_SPEC_BYTES`], all files together.
/// `settings` are completed from `args`.
fn load(args: &SpecArgs, settings: Settings) -> Result<Loaded, Failure> {
    let (files, example) = match &args.spec {
        Some(path) if path.as_os_str() == "-" => {
            (SpecFiles::read_from("<stdin>", io::stdin().lock()), false)
        }
        Some(path) => (SpecFiles::read(path), false),
        // Anything named iamgen.yaml here, even a broken link or an unreadable file, is the
        // user's spec: an error to read it, never a reason to fall back to the example.
        None => match std::fs::symlink_metadata("iamgen.yaml") {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                say(format_args!("iamgen: no SPEC given and no ./iamgen.yaml here: using the built-in example platform ({})", iamgen_core::EXAMPLE_FILE));
                let example =
                    SpecFiles::from_text(iamgen_core::EXAMPLE_FILE, iamgen_core::EXAMPLE_SPEC);
                (example, true)
            }
            _ => (SpecFiles::read("iamgen.yaml"), false),
        },
    };
    let name = files.names().next().unwrap_or_default().to_string();
    let mut settings = settings.with_strict(args.strict);
    if let Some(env) = &args.environment {
        settings = settings.with_environment(env.clone());
    }
    let compiled = files
        .compile(&settings)
        .map_err(|e| Failure::invalid(e.to_string()))?;
    for w in &compiled.warnings {
        say(w.located());
    }
    let spec = &compiled.spec;
    let mut origin = format!(
        "project {}, environment {}",
        spec.project(),
        spec.environment()
    );
    if example {
        origin = format!("the built-in example ({origin})");
    }
    Ok(Loaded {
        compiled,
        name,
        origin,
    })
}

/// Writes to stdout; a closed pipe (`iamgen gen | head`) is not an error.
fn print(text: &str) -> Result<(), Failure> {
    print_with(|out| out.write_all(text.as_bytes()))
}

/// Runs `write` on a buffered, locked stdout and flushes it; a closed pipe is not an error.
fn print_with(
    write: impl FnOnce(&mut BufWriter<io::StdoutLock<'static>>) -> io::Result<()>,
) -> Result<(), Failure> {
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::invalid(format!(
            "iamgen: error: writing the output: {e}"
        ))),
    }
}

fn gen(args: GenArgs) -> Result<(), Failure> {
    if args.format == Format::Json && args.out.is_some() {
        return Err(Failure::usage(
            "error: --format json prints to stdout; it cannot be combined with --out",
        ));
    }
    // Only the module READMEs of --out read the grants' intents, and only their statements.
    let settings = Settings::default()
        .with_intents(args.out.is_some())
        .with_requests(false);
    let Loaded {
        compiled, origin, ..
    } = load(&args.spec, settings)?;
    if args.format == Format::Json {
        let account = args.account.expect("clap requires it");
        let region = args.region.expect("clap requires it");
        let usage = |e: ValuesError| {
            let more = match e {
                ValuesError::MissingInputs(_) => "; give each with --input NAME=VALUE",
                _ => "",
            };
            Failure::usage(format!("error: {e}{more}"))
        };
        let mut values = Values::new(args.partition, region, account).map_err(usage)?;
        values.inputs.extend(args.inputs);
        // Every error is known before the first byte is written: nothing is printed on error.
        compiled.plan.check_values(&values).map_err(usage)?;
        return print_with(|out| {
            write_json(&compiled.plan, &values, out).map_err(|e| match e {
                JsonError::Io(e) => e,
                e => io::Error::other(e),
            })
        });
    }
    let Some(dir) = args.out else {
        return print_with(|out| write_single_file(&compiled.plan, out));
    };
    let templates = args.templates.docs()?;
    let output = Output::modules_with(&compiled.plan, &templates)
        .map_err(|e| Failure::invalid(e.to_string()))?;
    let mut options = WriteOptions {
        check: args.check,
        force: args.force,
        origin: Some(origin),
        ..WriteOptions::default()
    };
    let signals = (!args.check).then(Signals::catch);
    options.cancel = signals.as_ref().map(|s| s.cancel.clone());
    let report = match output.write_to(&dir, options) {
        Ok(report) => report,
        Err(e @ OutputError::Cancelled { .. }) => {
            say(format_args!("iamgen: {e}"));
            return Err(signals.expect("cancelled by a signal").die());
        }
        Err(e) => return Err(Failure::invalid(format!("iamgen: error: {e}"))),
    };
    match report.recovered {
        Some(Recovered::RolledBack) => say(format_args!(
            "iamgen: {}: an earlier run into this directory was interrupted; its changes were rolled back",
            dir.display()
        )),
        Some(Recovered::Completed) => say(format_args!(
            "iamgen: {}: an earlier run into this directory was interrupted after it committed; it was completed",
            dir.display()
        )),
        _ => {}
    }
    if args.check {
        return check_report(&dir, &report);
    }
    // Say which modules changed, one line each: `wrote out/modules/predict: main.tf, outputs.tf`.
    let mut by_module: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for f in &report.written {
        let (module, file) = f.rsplit_once('/').unwrap_or(("", f));
        let i = *index.entry(module).or_insert_with(|| {
            by_module.push((module, Vec::new()));
            by_module.len() - 1
        });
        by_module[i].1.push(file);
    }
    for (module, files) in by_module {
        let place = if module.is_empty() {
            dir.clone()
        } else {
            dir.join(module)
        };
        say(format_args!(
            "iamgen: wrote {}: {}",
            place.display(),
            files.join(", ")
        ));
    }
    for f in &report.removed {
        say(format_args!(
            "iamgen: removed {} (no longer generated)",
            dir.join(f).display()
        ));
    }
    say(format_args!(
        "iamgen: {}: {} written, {} unchanged, {} removed",
        dir.display(),
        report.written.len(),
        report.unchanged.len(),
        report.removed.len()
    ));
    Ok(())
}

/// `--check`'s verdict: up to date, or each file that is not, and the command that fixes it.
fn check_report(dir: &std::path::Path, report: &iamgen_hcl::WriteReport) -> Result<(), Failure> {
    if report.is_clean() {
        say(format_args!(
            "iamgen: {} is up to date ({} files)",
            dir.display(),
            report.unchanged.len()
        ));
        return Ok(());
    }
    let mut lines = vec![format!(
        "iamgen: {} is out of date; run `{}`:",
        dir.display(),
        command_without_check()
    )];
    for f in &report.written {
        let what = match report.created.contains(f) {
            true => "missing",
            false => "differs",
        };
        lines.push(format!("  {what}: {f}"));
    }
    lines.extend(
        report
            .removed
            .iter()
            .map(|f| format!("  no longer generated: {f}")),
    );
    Err(Failure::invalid(lines.join("\n")))
}

/// This very command line without `--check`: what writes the files `--check` found out of date.
fn command_without_check() -> String {
    let mut words = vec!["iamgen".to_string()];
    for arg in std::env::args_os().skip(1) {
        let arg = arg.to_string_lossy();
        if arg != "--check" {
            words.push(shell_quote(&arg));
        }
    }
    words.join(" ")
}

/// `arg` as a POSIX shell word.
fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:@%+,".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// SIGINT, SIGTERM and SIGHUP during a write: the first asks the writer to roll back (it then
/// returns `Cancelled`, and the process dies of that signal); a second ends the process at once
/// (the next run into the directory finishes the rollback from the writer's journal).
struct Signals {
    cancel: Cancel,
    #[cfg(unix)]
    which: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Signals {
    #[cfg(unix)]
    fn catch() -> Signals {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        use signal_hook::flag;
        use std::sync::Arc;
        let cancel = Cancel::new();
        let which = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            // Registration order matters: the shutdown check sees the flag as it was before this
            // signal set it.
            let _ = flag::register_conditional_shutdown(sig, 128 + sig, Arc::clone(cancel.flag()));
            let _ = flag::register_usize(sig, Arc::clone(&which), sig as usize);
            let _ = flag::register(sig, Arc::clone(cancel.flag()));
        }
        Signals { cancel, which }
    }

    #[cfg(not(unix))]
    fn catch() -> Signals {
        Signals {
            cancel: Cancel::new(),
        }
    }

    /// After the rollback: dies of the signal that asked for it, as the shell expects.
    #[cfg(unix)]
    fn die(self) -> Failure {
        let sig = self.which.load(std::sync::atomic::Ordering::SeqCst) as i32;
        let _ = signal_hook::low_level::emulate_default_handler(sig);
        Failure {
            message: String::new(),
            code: (128 + sig) as u8,
        }
    }

    #[cfg(not(unix))]
    fn die(self) -> Failure {
        Failure {
            message: String::new(),
            code: 130,
        }
    }
}

/// `iamgen docs`: the permissions document on stdout. A template error is a located error, exit 1.
fn docs(args: DocsArgs) -> Result<(), Failure> {
    let templates = args.templates.docs()?;
    let Loaded { compiled, .. } = load(
        &SpecArgs {
            spec: args.spec,
            strict: false,
            environment: args.environment,
        },
        // The permissions document reads the intents' statements, never their requests.
        Settings::default().with_requests(false),
    )?;
    let text = templates
        .permissions(&compiled)
        .map_err(|e| Failure::invalid(e.to_string()))?;
    print(&text)
}

fn check(args: CheckArgs) -> Result<(), Failure> {
    let Loaded { compiled, .. } = load(&args.spec, Settings::default().with_intents(false))?;
    let statements: usize = compiled
        .plan
        .services
        .iter()
        .flat_map(|s| &s.roles)
        .flat_map(|r| &r.policies)
        .map(|p| p.document.statements.len())
        .sum();
    let warnings = compiled.warnings.len();
    say(format_args!(
        "iamgen: {} services, {} roles, {statements} statements checked against the AWS catalog: {warnings} warning{}",
        compiled.plan.services.len(),
        compiled.plan.services.iter().map(|s| s.roles.len()).sum::<usize>(),
        if warnings == 1 { "" } else { "s" }
    ));
    Ok(())
}

/// The values `--account`, `--region`, `--partition` and `--input` give.
fn values_of(args: ValuesArgs) -> Result<Values, Failure> {
    let mut values = Values::new(args.partition, args.region, args.account)
        .map_err(|e| Failure::usage(format!("error: {e}")))?;
    values.inputs.extend(args.inputs);
    Ok(values)
}

/// Loads the spec and resolves it for the evaluator, saying which inputs got example ids.
fn simulator(spec: Option<PathBuf>, values: ValuesArgs) -> Result<(Simulator, String), Failure> {
    let spec = SpecArgs {
        spec,
        strict: false,
        environment: values.environment.clone(),
    };
    let Loaded { compiled, name, .. } = load(&spec, Settings::default())?;
    let values = values_of(values)?;
    let sim = Simulator::new(&compiled, &values)
        .map_err(|e| Failure::invalid(format!("iamgen: error: iamgen bug: {e}")))?;
    let assumed: Vec<String> = sim
        .resolved()
        .assumed_inputs()
        .iter()
        .map(|(input, example)| format!("{input}={example}"))
        .collect();
    if !assumed.is_empty() {
        say(format_args!(
            "iamgen: module inputs without --input get example ids: {}",
            assumed.join(", ")
        ));
    }
    Ok((sim, name))
}

/// A query's problem, as one line naming the argument.
fn query_error(e: QueryError) -> Failure {
    let arg = match e.part {
        "service" | "role" | "caller" | "context" => format!("--{}", e.part),
        other => other.to_uppercase(),
    };
    let hint = e.hint.map(|h| format!("; {h}")).unwrap_or_default();
    Failure::invalid(format!("error: {} in {arg}{hint}", e.message))
}

fn simulate(args: SimulateArgs) -> Result<(), Failure> {
    let SimulateArgs {
        args: positional,
        service,
        role,
        caller,
        context,
        scenarios,
        values,
    } = args;
    if let Some(file) = scenarios {
        if positional.len() > 1 {
            return Err(Failure::usage(
                "error: with --scenarios, simulate takes only the SPEC",
            ));
        }
        let (sim, _) = simulator(positional.first().map(PathBuf::from), values)?;
        let shown = file.display().to_string();
        let text = std::fs::read_to_string(&file).map_err(|e| {
            Failure::invalid(format!(
                "{shown}: error: cannot read the scenario file: {e}"
            ))
        })?;
        let list = sim
            .scenarios(&shown, &text)
            .map_err(|e| Failure::invalid(e.to_string()))?;
        let report = sim.run(&shown, &list);
        if report.mismatches.is_empty() {
            say(format_args!(
                "iamgen: {shown}: {} scenarios, every one decided as expected",
                report.passed
            ));
            return Ok(());
        }
        let mut lines = report.mismatches.clone();
        lines.push(format!(
            "iamgen: {shown}: {} of {} scenarios decided otherwise than expected",
            report.mismatches.len(),
            list.len()
        ));
        return Err(Failure::invalid(lines.join("\n")));
    }
    let (spec, action, resource) = match positional.as_slice() {
        [a, r] => (None, a.clone(), r.clone()),
        [s, a, r] => (Some(PathBuf::from(s)), a.clone(), r.clone()),
        _ => {
            return Err(Failure::usage(
                "error: simulate takes [SPEC] ACTION RESOURCE (or [SPEC] --scenarios FILE)",
            ))
        }
    };
    let who = match (service, caller) {
        (Some(service), None) => {
            let purpose = purpose_from_key(&role).ok_or_else(|| {
                Failure::invalid(format!(
                    "error: unknown role '{role}' in --role; roles: main, execution"
                ))
            })?;
            Who::Role { service, purpose }
        }
        (None, Some(caller)) => Who::Service(caller),
        _ => return Err(Failure::usage(
            "error: simulate needs who asks: --service NAME (with --role) or --caller PRINCIPAL",
        )),
    };
    let (sim, file) = simulator(spec, values)?;
    let query = Query::new(who, action, resource, context);
    let decided = sim.decide(&query).map_err(query_error)?;
    print(&format!("{}\n", decided.explain(&file)))
}

fn access(args: AccessArgs) -> Result<(), Failure> {
    let (spec, target) = match args.args.as_slice() {
        [t] => (None, t.clone()),
        [s, t] => (Some(PathBuf::from(s)), t.clone()),
        _ => return Err(Failure::usage("error: access takes [SPEC] TARGET")),
    };
    let (sim, _) = simulator(spec, args.values)?;
    let report = sim.access(&target).map_err(query_error)?;
    print(&report.to_string())
}

#[cfg(test)]
mod tests {
    /// Option 15 is mimalloc's purge delay: its default in mimalloc 3's options.c, 1,000 ms
    /// (unless the environment sets it).
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: reads an option.
            let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
            assert_eq!(delay, 1000);
        }
    }
}
