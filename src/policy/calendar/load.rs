//! Reading `calendar.csv` and `bank-holidays.csv` into a checked [`Calendar`], and the
//! working-day tables built once from them.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Datelike, NaiveDate, Weekday};

use super::{AcademicYear, Calendar, HalfTerm, PolicyError, Term};

const CALENDAR_HEADER: [&str; 5] = ["academic_year", "term", "half", "starts_on", "ends_on"];
const BANK_HOLIDAY_HEADER: [&str; 2] = ["date", "name"];

pub(super) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    // ISO only: 4-digit year, 2-digit month and day.
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Reads a CSV file's rows after checking its header; returns (line, fields) pairs.
fn read_csv(
    file: &str,
    bytes: &[u8],
    header: &[&str],
) -> Result<Vec<(u64, Vec<String>)>, PolicyError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let csv_err = |e: csv::Error| PolicyError::Csv {
        file: file.to_string(),
        message: e.to_string(),
    };
    let found: Vec<String> = reader
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(str::to_string)
        .collect();
    if found != header {
        return Err(PolicyError::invalid(
            file,
            "line 1",
            format!("the header {}", header.join(",")),
            format!("{:?}", found.join(",")),
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_err)?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != header.len() {
            return Err(PolicyError::invalid(
                file,
                format!("line {line}"),
                format!("{} fields ({})", header.len(), header.join(",")),
                format!("{} field(s)", record.len()),
            ));
        }
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(rows)
}

impl Calendar {
    /// Loads `calendar.csv` and `bank-holidays.csv` (see the module doc for the formats).
    pub fn load(calendar_csv: &Path, bank_holidays_csv: &Path) -> Result<Calendar, PolicyError> {
        let read = |path: &Path| {
            crate::input_file::read_regular(path, crate::input_file::MAX_SETTINGS_BYTES).map_err(
                |source| PolicyError::Read {
                    file: path.display().to_string(),
                    source,
                },
            )
        };
        let calendar = read(calendar_csv)?;
        let holidays = read(bank_holidays_csv)?;
        Calendar::from_csv(
            &calendar_csv.display().to_string(),
            &calendar,
            &bank_holidays_csv.display().to_string(),
            &holidays,
        )
    }

    /// Parses the two CSV files from bytes; the names are used in error messages.
    pub fn from_csv(
        calendar_name: &str,
        calendar_csv: &[u8],
        bank_holidays_name: &str,
        bank_holidays_csv: &[u8],
    ) -> Result<Calendar, PolicyError> {
        let file = calendar_name;
        let mut half_terms = Vec::new();
        let mut lines = Vec::new();
        for (line, fields) in read_csv(file, calendar_csv, &CALENDAR_HEADER)? {
            let at = |column: &str| format!("line {line}: {column}");
            let academic_year: AcademicYear = fields[0].parse().map_err(|_| {
                PolicyError::invalid(
                    file,
                    at("academic_year"),
                    "an academic year like 2025/26",
                    format!("{:?}", fields[0]),
                )
            })?;
            let term = Term::parse(&fields[1]).ok_or_else(|| {
                PolicyError::invalid(
                    file,
                    at("term"),
                    "one of autumn, spring, summer",
                    format!("{:?}", fields[1]),
                )
            })?;
            let half = match fields[2].as_str() {
                "1" => 1,
                "2" => 2,
                other => {
                    return Err(PolicyError::invalid(
                        file,
                        at("half"),
                        "1 or 2",
                        format!("{other:?}"),
                    ));
                }
            };
            let date = |i: usize, column: &str| {
                parse_date(&fields[i]).ok_or_else(|| {
                    PolicyError::invalid(
                        file,
                        at(column),
                        "a date YYYY-MM-DD",
                        format!("{:?}", fields[i]),
                    )
                })
            };
            let starts_on = date(3, "starts_on")?;
            let ends_on = date(4, "ends_on")?;
            half_terms.push(HalfTerm {
                academic_year,
                term,
                half,
                starts_on,
                ends_on,
            });
            lines.push(line);
        }
        let labels: Vec<String> = lines.iter().map(|l| format!("line {l}")).collect();
        let mut bank_holidays = Vec::new();
        for (line, fields) in read_csv(bank_holidays_name, bank_holidays_csv, &BANK_HOLIDAY_HEADER)?
        {
            let date = parse_date(&fields[0]).ok_or_else(|| {
                PolicyError::invalid(
                    bank_holidays_name,
                    format!("line {line}: date"),
                    "a date YYYY-MM-DD",
                    format!("{:?}", fields[0]),
                )
            })?;
            if fields[1].is_empty() {
                return Err(PolicyError::invalid(
                    bank_holidays_name,
                    format!("line {line}: name"),
                    "the holiday's name",
                    "an empty cell",
                ));
            }
            bank_holidays.push(date);
        }
        Calendar::build(file, &labels, half_terms, bank_holidays)
    }

    /// Builds a calendar from half-terms (in chronological order) and bank holidays,
    /// with the same checks as [`Calendar::from_csv`]; errors name the file `calendar`
    /// and the half-term's position (`half-term 3`).
    pub fn new(
        half_terms: Vec<HalfTerm>,
        bank_holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Calendar, PolicyError> {
        for (i, h) in half_terms.iter().enumerate() {
            if h.half == 0 || h.half > 2 {
                return Err(PolicyError::invalid(
                    "calendar",
                    format!("half-term {}: half", i + 1),
                    "1 or 2",
                    h.half.to_string(),
                ));
            }
        }
        let labels: Vec<String> = (1..=half_terms.len())
            .map(|i| format!("half-term {i}"))
            .collect();
        Calendar::build(
            "calendar",
            &labels,
            half_terms,
            bank_holidays.into_iter().collect(),
        )
    }

    /// Checks order and completeness, then precomputes the working-day tables.
    fn build(
        file: &str,
        labels: &[String],
        half_terms: Vec<HalfTerm>,
        mut bank_holidays: Vec<NaiveDate>,
    ) -> Result<Calendar, PolicyError> {
        for (h, label) in half_terms.iter().zip(labels) {
            let (lo, hi) = h.academic_year.bounds();
            for (value, column) in [(h.starts_on, "starts_on"), (h.ends_on, "ends_on")] {
                if value < lo || value > hi {
                    return Err(PolicyError::invalid(
                        file,
                        format!("{label}: {column}"),
                        format!(
                            "a date in the academic year {} ({lo} to {hi})",
                            h.academic_year
                        ),
                        value.to_string(),
                    ));
                }
            }
            if h.ends_on < h.starts_on {
                return Err(PolicyError::invalid(
                    file,
                    format!("{label}: ends_on"),
                    format!("a date on or after starts_on ({})", h.starts_on),
                    h.ends_on.to_string(),
                ));
            }
        }
        let Some(first) = half_terms.first() else {
            return Err(PolicyError::invalid(
                file,
                "line 2",
                "at least one academic year of half-terms",
                "no rows",
            ));
        };
        if first.ordinal() != 0 {
            return Err(PolicyError::invalid(
                file,
                labels[0].as_str(),
                "the calendar to start with a year's first half-term (AU1)",
                first.id(),
            ));
        }
        for i in 1..half_terms.len() {
            let (prev, this) = (&half_terms[i - 1], &half_terms[i]);
            let (want_year, want_ordinal) = if prev.ordinal() == 5 {
                (prev.academic_year.next(), 0)
            } else {
                (prev.academic_year, prev.ordinal() + 1)
            };
            if (this.academic_year, this.ordinal()) != (want_year, want_ordinal) {
                let want = HalfTerm {
                    academic_year: want_year,
                    term: Term::ALL[want_ordinal / 2],
                    half: (want_ordinal % 2 + 1) as u8,
                    ..prev.clone()
                };
                let later = half_terms[i..]
                    .iter()
                    .any(|h| (h.academic_year, h.ordinal()) == (want_year, want_ordinal));
                let problem =
                    if !later && (this.academic_year, this.ordinal()) > (want_year, want_ordinal) {
                        "a half-term is missing"
                    } else {
                        "out of order"
                    };
                return Err(PolicyError::invalid(
                    file,
                    labels[i].as_str(),
                    format!(
                        "{} (the half-term after {} on {})",
                        want.id(),
                        prev.id(),
                        labels[i - 1]
                    ),
                    format!("{} ({problem})", this.id()),
                ));
            }
            if this.starts_on <= prev.ends_on {
                return Err(PolicyError::invalid(
                    file,
                    format!("{}: starts_on", labels[i]),
                    format!(
                        "a date after {} (the end of {} on {}); half-terms must not overlap",
                        prev.ends_on,
                        prev.id(),
                        labels[i - 1]
                    ),
                    this.starts_on.to_string(),
                ));
            }
        }
        let last = half_terms.last().expect("not empty");
        if last.ordinal() != 5 {
            return Err(PolicyError::invalid(
                file,
                labels[labels.len() - 1].as_str(),
                "the calendar to end with a year's last half-term (SU2); every year needs AU1, AU2, SP1, SP2, SU1, SU2",
                format!("{} as the last half-term", last.id()),
            ));
        }

        bank_holidays.sort();
        bank_holidays.dedup();
        let holiday_set: BTreeSet<NaiveDate> = bank_holidays.iter().copied().collect();
        let base = i64::from(first.starts_on.num_days_from_ce());
        let len = (i64::from(last.ends_on.num_days_from_ce()) - base + 1) as usize;
        let mut working = vec![false; len];
        let mut working_dates = Vec::new();
        for h in &half_terms {
            let mut d = h.starts_on;
            while d <= h.ends_on {
                let weekday = d.weekday();
                if weekday != Weekday::Sat && weekday != Weekday::Sun && !holiday_set.contains(&d) {
                    working[(i64::from(d.num_days_from_ce()) - base) as usize] = true;
                    working_dates.push(d);
                }
                d = d.succ_opt().expect("date in range");
            }
        }
        let mut cumulative = Vec::with_capacity(len);
        let mut count = 0u32;
        for w in working {
            count += u32::from(w);
            cumulative.push(count);
        }
        let summer_end = last.academic_year.bounds().1;
        let coverage_end = summer_end.max(last.ends_on);
        Ok(Calendar {
            half_terms,
            bank_holidays,
            base,
            cumulative,
            working_dates,
            coverage_end,
        })
    }
}
