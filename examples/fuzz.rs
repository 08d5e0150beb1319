//! The fuzz campaign of issue #11 (item 8): every reader on generated hostile input, a
//! million cases or more, counting panics and broken promises (a line neither stored nor
//! quarantined). An abort would end the run: its last line is the proof there was none.
//!
//! ```sh
//! cargo run --features campaigns --example fuzz -- --cases 1000000 [--seed 11] [--threads 2]
//! ```
//!
//! Built with the dev profile (debug assertions and overflow checks on), never release.
//! Cheap readers get a larger share of the cases (see [`SHARES`]). Progress is printed
//! after each of [`ROUNDS`] rounds, so a run cut short still has its figures. The
//! figures of the documented run are in RELIABILITY.md.

#[path = "../tests/hostile.rs"]
mod hostile;

use std::process::ExitCode;
use std::time::Instant;

use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use hostile::{Harness, Reader, input};

/// Each reader's share of the cases, in thousandths.
const SHARES: [(Reader, u64); 6] = [
    (Reader::CanonicalCsv, 350),
    (Reader::FlatExport, 150),
    (Reader::Workbook, 100),
    (Reader::MappingToml, 250),
    (Reader::PolicyToml, 100),
    (Reader::CalendarCsv, 50),
];

/// The campaign runs in this many rounds, each a slice of every reader's share.
const ROUNDS: u64 = 20;

fn main() -> ExitCode {
    let (mut cases, mut seed, mut threads) = (1_000_000u64, 11u64, 2u64);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse().ok());
        match (arg.as_str(), value) {
            ("--cases", Some(n)) => cases = n,
            ("--seed", Some(n)) => seed = n,
            ("--threads", Some(n)) if n > 0 => threads = n,
            _ => {
                eprintln!("usage: fuzz [--cases N] [--seed S] [--threads T]");
                return ExitCode::from(2);
            }
        }
    }
    // Panics are counted, not printed case by case.
    std::panic::set_hook(Box::new(|_| {}));
    let harnesses: Vec<Harness> = (0..threads).map(|_| Harness::new()).collect();
    let started = Instant::now();
    let totals: Vec<u64> = SHARES
        .iter()
        .map(|(_, share)| cases * share / 1000)
        .collect();
    let mut done = [0u64; 6];
    let mut failed = [0u64; 6];
    for round in 0..ROUNDS {
        for (at, (reader, _)) in SHARES.iter().enumerate() {
            let this_round = if round + 1 == ROUNDS {
                totals[at] - done[at]
            } else {
                totals[at] / ROUNDS
            };
            let outcomes: Vec<(u64, u64)> = std::thread::scope(|scope| {
                let workers: Vec<_> = harnesses
                    .iter()
                    .enumerate()
                    .map(|(thread, harness)| {
                        let n = this_round / threads
                            + u64::from((thread as u64) < this_round % threads);
                        let mut bytes = [0u8; 32];
                        bytes[..8].copy_from_slice(&seed.to_le_bytes());
                        bytes[8..16].copy_from_slice(&round.to_le_bytes());
                        bytes[16] = at as u8;
                        bytes[17] = thread as u8;
                        let reader = *reader;
                        scope.spawn(move || (n, run(reader, harness, n, bytes)))
                    })
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join().expect("a worker"))
                    .collect()
            });
            for (n, failures) in outcomes {
                done[at] += n;
                failed[at] += failures;
            }
        }
        println!(
            "round {:>2}/{ROUNDS}: {:>9} cases, {} failed, {:>7.1} s",
            round + 1,
            done.iter().sum::<u64>(),
            failed.iter().sum::<u64>(),
            started.elapsed().as_secs_f64()
        );
    }
    println!();
    println!("{:<32} {:>10} {:>8}", "reader", "cases", "failed");
    for (at, (reader, _)) in SHARES.iter().enumerate() {
        println!("{:<32} {:>10} {:>8}", reader.name(), done[at], failed[at]);
    }
    let (all, failures) = (done.iter().sum::<u64>(), failed.iter().sum::<u64>());
    println!(
        "{:<32} {:>10} {:>8}   {:.1} s",
        "all readers",
        all,
        failures,
        started.elapsed().as_secs_f64()
    );
    if failures == 0 {
        println!("0 panics, 0 broken promises, 0 aborts in {all} hostile inputs (seed {seed})");
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Runs `cases` generated inputs through `reader`; 1 when one failed (the runner stops
/// at the first failure and prints it shrunk), else 0.
fn run(reader: Reader, harness: &Harness, cases: u64, seed: [u8; 32]) -> u64 {
    if cases == 0 {
        return 0;
    }
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: u32::try_from(cases).unwrap_or(u32::MAX),
            failure_persistence: None,
            max_shrink_iters: 2_000,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
    );
    let result = runner.run(&input(reader), |input| {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| harness.run(&input))) {
            Ok(outcome) => outcome.map_err(TestCaseError::fail),
            Err(_) => Err(TestCaseError::fail("panicked")),
        }
    });
    match result {
        Ok(()) => 0,
        Err(TestError::Fail(reason, minimal)) => {
            eprintln!("{}: {reason}\nminimal input: {minimal:?}", reader.name());
            1
        }
        Err(TestError::Abort(reason)) => {
            eprintln!("{}: aborted: {reason}", reader.name());
            1
        }
    }
}
