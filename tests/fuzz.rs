//! Every reader on generated hostile input (issue #11, item 8): no panic, and every line
//! read is stored or quarantined. A few thousand cases here; the campaign of a million
//! or more is `cargo run --features campaigns --example fuzz` (RELIABILITY.md).

use proptest::test_runner::{Config, TestCaseError, TestRunner};

use crate::hostile::{Harness, Reader, input};

/// Cases per reader in CI: six readers, 3,000 cases in all.
const CASES: u32 = 500;

fn survives(reader: Reader) {
    let harness = Harness::new();
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&input(reader), |input| {
        harness.run(&input).map_err(TestCaseError::fail)
    });
    if let Err(error) = result {
        panic!("{}: {error}", reader.name());
    }
}

#[test]
fn canonical_csv_survives_hostile_input() {
    survives(Reader::CanonicalCsv);
}

#[test]
fn flat_exports_survive_hostile_input() {
    survives(Reader::FlatExport);
}

#[test]
fn workbooks_survive_hostile_input() {
    survives(Reader::Workbook);
}

#[test]
fn mapping_files_survive_hostile_input() {
    survives(Reader::MappingToml);
}

#[test]
fn policy_files_survive_hostile_input() {
    survives(Reader::PolicyToml);
}

#[test]
fn calendars_survive_hostile_input() {
    survives(Reader::CalendarCsv);
}
