//! The `parse` bench of the rvm example (std only, `harness = false`): parses generated
//! `key = value` settings text into typed values, as a config loader would. `cargo bench`
//! runs it with `--bench` (the full size); `cargo test --benches` runs it without (a quick
//! check). pgo trains and benchmarks it as `${bin:parse.bench}` (examples/rust-cargo/pgo.yaml
//! in tests/e2e/cargo_test.cc). Prints only figures that do not depend on timing, so that
//! the baseline's and the optimized build's outputs compare equal.

use std::collections::BTreeMap;
use std::env;
use std::hint::black_box;
use std::process::ExitCode;

#[derive(Debug, PartialEq)]
enum Value {
    Int(i64),
    Bool(bool),
    List(Vec<i64>),
    Text(String),
}

/// Deterministic settings text: `lines` lines of keys, values, comments and blank lines.
fn generate(lines: usize) -> String {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut text = String::with_capacity(lines * 24);
    for i in 0..lines {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let key = format!("section{}.key{}", state % 7, state % 53);
        match state % 10 {
            0 => text.push_str("# a comment line\n"),
            1 => text.push('\n'),
            2 | 3 | 4 => text.push_str(&format!("{key} = {}\n", (state >> 20) % 100_000)),
            5 => text.push_str(&format!("{key} = {}\n", state % 3 == 0)),
            6 | 7 => text.push_str(&format!("{key} = [{}, {}, {}]\n", i % 10, state % 97, (state >> 9) % 31)),
            _ => text.push_str(&format!("{key} = \"text {}\"\n", state % 1000)),
        }
    }
    text
}

fn parse_value(raw: &str) -> Option<Value> {
    let raw = raw.trim();
    if let Some(inner) = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let items: Option<Vec<i64>> = inner.split(',').map(|s| s.trim().parse().ok()).collect();
        return items.map(Value::List);
    }
    if let Some(text) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        return Some(Value::Text(text.to_string()));
    }
    match raw {
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        _ => raw.parse().ok().map(Value::Int),
    }
}

fn parse(text: &str) -> Result<BTreeMap<&str, Value>, String> {
    let mut settings = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, raw) = line.split_once('=').ok_or_else(|| format!("line {}: no '='", n + 1))?;
        let value = parse_value(raw).ok_or_else(|| format!("line {}: bad value {raw:?}", n + 1))?;
        settings.insert(key.trim(), value);
    }
    Ok(settings)
}

fn checksum(settings: &BTreeMap<&str, Value>) -> i64 {
    settings.values().fold(0i64, |sum, v| {
        sum.wrapping_add(match v {
            Value::Int(i) => *i,
            Value::Bool(b) => *b as i64,
            Value::List(l) => l.iter().sum(),
            Value::Text(t) => t.len() as i64,
        })
    })
}

fn main() -> ExitCode {
    // `cargo bench` passes --bench; anything else (cargo test --benches) is a quick check.
    let rounds = if env::args().any(|a| a == "--bench") { 60 } else { 2 };
    let text = generate(20_000);
    let mut total = 0i64;
    let mut keys = 0;
    for _ in 0..rounds {
        match parse(black_box(&text)) {
            Ok(settings) => {
                keys = settings.len();
                total = total.wrapping_add(checksum(&settings));
            }
            Err(e) => {
                eprintln!("parse: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("parse: {rounds} rounds, {keys} keys, checksum {total}");
    ExitCode::SUCCESS
}
