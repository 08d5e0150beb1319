//! The kill campaign of issue #11 (item 8): SIGKILL a real ingest at random moments and
//! check after each that the store reads exactly as before or exactly as after.
//!
//! ```sh
//! cargo build && cargo run --features campaigns --example kill -- --kills 200 [--seed 11]
//! ```
//!
//! It kills the debug binary beside it (`target/debug/oversight`: build it first). The
//! figures of the documented run are in RELIABILITY.md.

#[path = "../tests/campaign.rs"]
mod campaign;
#[path = "../tests/kill.rs"]
mod kill;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut kills = 200usize;
    let mut seed = 11u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse::<u64>().ok());
        match (arg.as_str(), value) {
            ("--kills", Some(n)) => kills = n as usize,
            ("--seed", Some(n)) => seed = n,
            _ => {
                eprintln!("usage: kill [--kills N] [--seed S]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(binary) = campaign::binary_beside_example() else {
        eprintln!("no oversight binary beside this example: run `cargo build` first");
        return ExitCode::from(2);
    };
    let figures = kill::campaign(&binary, kills, seed);
    println!("binary:            {}", binary.display());
    println!("clean ingest:      {} ms", figures.ingest_ms);
    println!("kills:             {}", figures.kills);
    println!("read as before:    {}", figures.before);
    println!("read as after:     {}", figures.after);
    println!("anything else:     {}", figures.other.len());
    for problem in &figures.other {
        println!("  {problem}");
    }
    if figures.other.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
