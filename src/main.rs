//! `iamgen`: least-privilege AWS IAM, as Terraform, from a short YAML description of a platform.
//!
//! A thin shell over [`iamgen_core`] (load, plan, check) and [`iamgen_hcl`] (render, write).
//! Exit codes: 0 success, 1 invalid spec or out-of-date output, 2 usage.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use iamgen_core::{
    compile, purpose_from_key, Compiled, Query, QueryError, Settings, Simulator, Values, Who,
};
use iamgen_hcl::{json, single_file, Output, WriteOptions};

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
    /// The spec. Default: ./iamgen.yaml if present, else the built-in example platform.
    spec: Option<PathBuf>,
    /// Treat warnings (wildcards nobody accepted in writing) as errors: for production.
    #[arg(long)]
    strict: bool,
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
    /// With --out: overwrite files that iamgen did not generate.
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
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gen(args) => gen(args),
        Command::Check(args) => check(args),
        Command::Schema => print(&iamgen_core::json_schema()),
        Command::Simulate(args) => simulate(args),
        Command::Access(args) => access(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("{}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

/// Reads and compiles the spec, printing warnings on stderr.
fn load(args: &SpecArgs) -> Result<Compiled, Failure> {
    let (name, text) = match &args.spec {
        Some(path) => {
            let text = std::fs::read(path).map_err(|e| {
                Failure::invalid(format!(
                    "{}: error: cannot read the spec: {e}",
                    path.display()
                ))
            })?;
            let text = String::from_utf8(text).map_err(|e| {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
                let column = String::from_utf8_lossy(valid.rsplit(|&b| b == b'\n').next().unwrap_or_default()).chars().count() + 1;
                Failure::invalid(format!("{}:{line}:{column}: error: the spec is not UTF-8 text: a YAML spec must be UTF-8", path.display()))
            })?;
            (path.display().to_string(), text)
        }
        None if Path::new("iamgen.yaml").is_file() => {
            let text = std::fs::read_to_string("iamgen.yaml")
                .map_err(|e| Failure::invalid(format!("iamgen.yaml: error: {e}")))?;
            ("iamgen.yaml".to_string(), text)
        }
        None => {
            eprintln!("iamgen: no SPEC given and no ./iamgen.yaml here: using the built-in example platform ({})", iamgen_core::EXAMPLE_FILE);
            (
                iamgen_core::EXAMPLE_FILE.to_string(),
                iamgen_core::EXAMPLE_SPEC.to_string(),
            )
        }
    };
    let settings = Settings::default().with_strict(args.strict);
    let compiled = compile(&name, &text, &settings).map_err(|e| Failure::invalid(e.to_string()))?;
    for w in &compiled.warnings {
        eprintln!("{name}:{w}");
    }
    Ok(compiled)
}

/// Writes to stdout; a closed pipe (`iamgen gen | head`) is not an error.
fn print(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
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
    let compiled = load(&args.spec)?;
    if args.format == Format::Json {
        let account = args.account.expect("clap requires it");
        if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
            return Err(Failure::usage(format!(
                "error: --account '{account}' is not a 12-digit AWS account id"
            )));
        }
        let mut values = Values::sample();
        values.partition = args.partition;
        values.region = args.region.expect("clap requires it");
        values.account = account;
        values.inputs.extend(args.inputs);
        return print(&json(&compiled.plan, &values));
    }
    let Some(dir) = args.out else {
        return print(&single_file(&compiled.plan));
    };
    let options = WriteOptions {
        check: args.check,
        force: args.force,
    };
    let report = Output::modules(&compiled.plan)
        .write_to(&dir, options)
        .map_err(|e| Failure::invalid(format!("iamgen: error: {e}")))?;
    if args.check {
        if report.is_clean() {
            eprintln!(
                "iamgen: {} is up to date ({} files)",
                dir.display(),
                report.unchanged.len()
            );
            return Ok(());
        }
        let mut lines = vec![format!(
            "iamgen: {} is out of date; run `iamgen gen SPEC --out {}`:",
            dir.display(),
            dir.display()
        )];
        lines.extend(report.written.iter().map(|f| format!("  differs: {f}")));
        lines.extend(
            report
                .removed
                .iter()
                .map(|f| format!("  no longer generated: {f}")),
        );
        return Err(Failure::invalid(lines.join("\n")));
    }
    // Say which modules changed, one line each: `wrote out/modules/predict: main.tf, outputs.tf`.
    let mut by_module: Vec<(String, Vec<&str>)> = Vec::new();
    for f in &report.written {
        let (module, file) = f.rsplit_once('/').unwrap_or(("", f));
        match by_module.iter_mut().find(|(m, _)| m == module) {
            Some((_, files)) => files.push(file),
            None => by_module.push((module.to_string(), vec![file])),
        }
    }
    for (module, files) in by_module {
        let place = if module.is_empty() {
            dir.clone()
        } else {
            dir.join(&module)
        };
        eprintln!("iamgen: wrote {}: {}", place.display(), files.join(", "));
    }
    for f in &report.removed {
        eprintln!(
            "iamgen: removed {} (no longer generated)",
            dir.join(f).display()
        );
    }
    eprintln!(
        "iamgen: {}: {} written, {} unchanged, {} removed",
        dir.display(),
        report.written.len(),
        report.unchanged.len(),
        report.removed.len()
    );
    Ok(())
}

fn check(args: CheckArgs) -> Result<(), Failure> {
    let compiled = load(&args.spec)?;
    let statements: usize = compiled
        .plan
        .services
        .iter()
        .flat_map(|s| &s.roles)
        .flat_map(|r| &r.policies)
        .map(|p| p.document.statements.len())
        .sum();
    eprintln!(
        "iamgen: {} services, {} roles, {statements} statements checked against the AWS catalog: {} warnings",
        compiled.plan.services.len(),
        compiled.plan.services.iter().map(|s| s.roles.len()).sum::<usize>(),
        compiled.warnings.len()
    );
    Ok(())
}

/// The values `--account`, `--region`, `--partition` and `--input` give.
fn values_of(args: ValuesArgs) -> Result<Values, Failure> {
    let account = args.account;
    if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
        return Err(Failure::usage(format!(
            "error: --account '{account}' is not a 12-digit AWS account id"
        )));
    }
    let mut values = Values::new(&args.partition, &args.region, &account);
    values.inputs.extend(args.inputs);
    Ok(values)
}

/// Loads the spec and resolves it for the evaluator, saying which inputs got example ids.
fn simulator(spec: Option<PathBuf>, values: ValuesArgs) -> Result<(Simulator, String), Failure> {
    let spec = SpecArgs {
        spec,
        strict: false,
    };
    let compiled = load(&spec)?;
    let name = spec
        .spec
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| iamgen_core::EXAMPLE_FILE.to_string());
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
        eprintln!(
            "iamgen: module inputs without --input get example ids: {}",
            assumed.join(", ")
        );
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
            eprintln!(
                "iamgen: {shown}: {} scenarios, every one decided as expected",
                report.passed
            );
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
