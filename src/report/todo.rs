//! The lead's to-do list as a page (`restricted/todo.html`, spec 03, "The lead's to-do
//! list"): the rows of `restricted/todo.csv` ([`Todo`]), per school, most urgent first,
//! worded for a person, as HTML and as PDF (`restricted/todo.pdf`, typeset from the same
//! page by [`pdf`](super::pdf)). It names staff and cases, so both are written readable
//! by their owner only, like every restricted file.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use super::Written;
use super::pdf::{Template, Typesetter};
use super::restricted::Todo;
use super::table::OutputTable;
use super::words::date;
use crate::metrics::Metrics;
use crate::model::DriftFlag;

/// The page's path, relative to the output folder.
pub const TODO_PAGE: &str = "restricted/todo.html";

#[derive(Debug, Serialize)]
struct TodoPage {
    title: String,
    heading: String,
    subtitle: String,
    notes: Vec<String>,
    schools: Vec<SchoolTasks>,
    tool: String,
}

#[derive(Debug, Serialize)]
struct SchoolTasks {
    name: String,
    urn: String,
    trust_id: String,
    /// "12 things to do".
    count: String,
    tasks: Vec<TaskView>,
}

#[derive(Debug, Serialize)]
struct TaskView {
    what: String,
    who: String,
    item: String,
    due: String,
    detail: String,
}

/// A date of `todo.csv` in words, marked as a date.
fn day(value: Option<chrono::NaiveDate>) -> String {
    value.map_or_else(String::new, |d| date(d.format("%-d %B %Y")))
}

/// One row in words.
fn task(row: &Todo) -> TaskView {
    let last = match row.last_supervised_on {
        Some(on) => format!("last supervised {}", day(Some(on))),
        None => "no supervision session on record".to_string(),
    };
    let (what, detail) = match row.task.as_str() {
        "drifting_case" => ("Drifting case: review it".to_string(), row.flags_in_words()),
        "overdue_action" => (
            format!(
                "Overdue action{}",
                row.days_overdue
                    .map_or(String::new(), |d| format!(", {d} days"))
            ),
            String::new(),
        ),
        "supervision_missed" => (
            format!("Supervision missed ({} rule)", row.rule),
            format!("{}; {last}", row.detail),
        ),
        "supervision_due" => (
            format!("Supervision due this period ({} rule)", row.rule),
            format!("{}; {last}", row.detail),
        ),
        "policy_review_due" => ("Policy review due".to_string(), String::new()),
        "training_lapsing" => ("DSL training to renew".to_string(), row.detail.clone()),
        "agreement_lapsing" => (
            "Supervision agreement to review".to_string(),
            row.detail.clone(),
        ),
        other => (other.to_string(), row.detail.clone()),
    };
    let who = match (row.display_name.as_str(), row.task.as_str()) {
        ("", "policy_review_due") => "the school".to_string(),
        ("", _) if row.staff_id.is_empty() => "nobody holds it".to_string(),
        ("", _) => row.staff_id.clone(),
        (name, _) => name.to_string(),
    };
    let item = [row.case_ref.as_str(), row.action_id.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    TaskView {
        what,
        who,
        item,
        due: day(row.due_on),
        detail,
    }
}

impl Todo {
    /// The case's flags (`;`-separated in `drift_cases.csv`) as every page words them.
    fn flags_in_words(&self) -> String {
        self.detail
            .split(';')
            .filter_map(DriftFlag::parse)
            .map(DriftFlag::label)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Writes `restricted/todo.html` and its PDF twin from the run's to-do rows.
pub fn write(
    out: &Path,
    metrics: &Metrics,
    as_of: &str,
    tool: &str,
) -> anyhow::Result<[Written; 2]> {
    let rows = Todo::load(metrics.table(&Todo::QUERY)?)?;
    let mut schools: Vec<SchoolTasks> = Vec::new();
    for row in &rows {
        let same = schools
            .last()
            .is_some_and(|s| s.urn == row.school_urn && s.trust_id == row.trust_id);
        if !same {
            schools.push(SchoolTasks {
                name: row.school_name.clone(),
                urn: row.school_urn.clone(),
                trust_id: row.trust_id.clone(),
                count: String::new(),
                tasks: Vec::new(),
            });
        }
        if let Some(school) = schools.last_mut() {
            school.tasks.push(task(row));
        }
    }
    for school in &mut schools {
        school.count = match school.tasks.len() {
            1 => "1 thing to do".to_string(),
            n => format!("{n} things to do"),
        };
    }
    let page = TodoPage {
        title: "Safeguarding supervision: the lead's to-do list".to_string(),
        heading: "What needs doing now".to_string(),
        subtitle: format!("As of {as_of}, per school, most urgent first"),
        notes: vec![
            "Drifting cases first, then overdue actions, missed supervision, policy reviews, DSL training and supervision agreements lapsing within 60 days, and supervision still due this period.".to_string(),
            "The same rows are in restricted/todo.csv, to sort or filter in a spreadsheet.".to_string(),
        ],
        schools,
        tool: tool.to_string(),
    };
    let env = super::pack::environment()?;
    let html = super::pack::render(&env, "todo.html.j2", &page)?;
    let pdf_path = super::pack::pdf_twin(TODO_PAGE);
    let pdf = Typesetter::new()?.pdf(Template::TodoList, &page, &pdf_path, tool)?;
    Ok([
        write_private(out, TODO_PAGE.to_string(), &html, rows.len())?,
        write_private(out, pdf_path, &pdf, rows.len())?,
    ])
}

/// Writes `bytes` at `path` under `out`, readable by its owner only.
fn write_private(out: &Path, path: String, bytes: &[u8], rows: usize) -> anyhow::Result<Written> {
    let full = out.join(&path);
    let cannot = || format!("cannot write {}", full.display());
    let mut file = crate::private_fs::create_file(&full).with_context(cannot)?;
    file.write_all(bytes).with_context(cannot)?;
    Ok(Written {
        path,
        sha256: super::sha256(bytes),
        rows,
    })
}
