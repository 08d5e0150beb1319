//! The corruption campaign of issue #18: a small store damaged at random (files deleted,
//! duplicated, truncated, bit-flipped, renamed, rolled back to other content, extra
//! folders) and reported on after each damage: every report must give exactly the
//! undamaged figures or stop with an error naming a file of the store.
//!
//! ```sh
//! cargo build && cargo run --features campaigns --example corrupt -- --damages 10000 [--seed 18] [--threads 2] [--report-every 1]
//! ```
//!
//! With `--report-every N`, the binary reports after every N-th damage and the store is
//! read in-process as a report reads it after the others (a debug report takes most of
//! a second).
//!
//! It runs the debug binary beside it (`target/debug/oversight`: build it first). The
//! figures of the documented run are in RELIABILITY.md.

#[path = "../tests/campaign.rs"]
mod campaign;
#[path = "../tests/corrupt.rs"]
mod corrupt;

use std::process::ExitCode;

fn main() -> ExitCode {
    let (mut damages, mut seed, mut threads, mut every) = (10_000usize, 18u64, 2usize, 1usize);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse::<u64>().ok());
        match (arg.as_str(), value) {
            ("--damages", Some(n)) => damages = n as usize,
            ("--seed", Some(n)) => seed = n,
            ("--threads", Some(n)) => threads = n as usize,
            ("--report-every", Some(n)) => every = n as usize,
            _ => {
                eprintln!(
                    "usage: corrupt [--damages N] [--seed S] [--threads T] [--report-every N]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let Some(binary) = campaign::binary_beside_example() else {
        eprintln!("no oversight binary beside this example: run `cargo build` first");
        return ExitCode::from(2);
    };
    let started = std::time::Instant::now();
    let figures = corrupt::campaign(&binary, damages, seed, threads, every);
    println!("binary:                   {}", binary.display());
    println!("seconds:                  {}", started.elapsed().as_secs());
    println!("damages:                  {}", figures.damages);
    println!("reported by the binary:   every {every}");
    println!("same figures:             {}", figures.same);
    println!("error naming a file:      {}", figures.named);
    println!("anything else:            {}", figures.other.len());
    for (kind, (same, named)) in &figures.by_kind {
        println!("  {kind:<12} same {same:>6}   named {named:>6}");
    }
    for problem in &figures.other {
        println!("  {problem}");
    }
    if figures.other.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
