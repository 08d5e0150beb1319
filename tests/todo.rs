//! The lead's to-do list (spec 03, "The lead's to-do list", added; issue #19):
//! `restricted/todo.csv` on the sample, checked against the restricted files it is
//! made from and the seed policies' own dates.

use crate::sample_report::sample_report;
use crate::util::csv_rows;

#[test]
fn the_todo_list_names_who_must_do_what_most_urgent_first() {
    // Spec 03: "per school, with names (staff display_name), what needs doing now: people
    // due or overdue supervision in the current period and when they were last
    // supervised; overdue actions with their owner and days overdue; drifting cases (case
    // ref, owner, flags); supervision agreements and DSL training that lapse within 60
    // days; policy reviews due. Sorted so the most urgent comes first."
    let work = sample_report();
    let out = work.path().join("out");
    let todo = csv_rows(&out.join("restricted/todo.csv"));
    assert!(
        std::fs::read(out.join("restricted/todo.csv"))
            .unwrap()
            .starts_with("\u{feff}".as_bytes())
    );
    // Every drifting case and every overdue action is on it, with its owner's name.
    let drifting: Vec<String> = csv_rows(&out.join("restricted/drift_cases.csv"))
        .into_iter()
        .filter(|r| r["drifting"] == "true")
        .map(|r| r["case_ref"].clone())
        .collect();
    let listed = |task: &str, id: &str| -> Vec<String> {
        let mut ids: Vec<String> = todo
            .iter()
            .filter(|r| r["task"] == task)
            .map(|r| r[id].clone())
            .collect();
        ids.sort();
        ids
    };
    let mut expected = drifting.clone();
    expected.sort();
    assert_eq!(listed("drifting_case", "case_ref"), expected);
    let actions = csv_rows(&out.join("restricted/actions.csv"));
    let mut overdue: Vec<String> = actions
        .iter()
        .filter(|r| r["class"] == "overdue")
        .map(|r| r["action_id"].clone())
        .collect();
    overdue.sort();
    assert_eq!(listed("overdue_action", "action_id"), overdue);
    let staff = csv_rows(&out.join("restricted/workload.csv"));
    for row in todo.iter().filter(|r| r["task"] == "overdue_action") {
        let action = actions
            .iter()
            .find(|a| a["action_id"] == row["action_id"])
            .unwrap();
        assert_eq!(row["days_overdue"], action["days_overdue"]);
        assert_eq!(row["staff_id"], action["owner_id"]);
        if let Some(person) = staff.iter().find(|s| s["staff_id"] == row["staff_id"]) {
            assert_eq!(row["display_name"], person["display_name"]);
        }
    }
    // Cornerstone's "policy review was due Summer 2022" (Keystone Academy, 140003).
    assert!(todo.iter().any(|r| r["school_urn"] == "140003"
        && r["task"] == "policy_review_due"
        && r["due_on"] == "2022-08-31"));
    // People due supervision this period say when they were last supervised.
    let due: Vec<_> = todo
        .iter()
        .filter(|r| r["task"] == "supervision_due")
        .collect();
    assert!(!due.is_empty());
    assert!(due.iter().any(|r| !r["last_supervised_on"].is_empty()));
    // Most urgent first within each school: urgency never goes down, and within one
    // urgency the due dates never go back.
    for pair in todo.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if (&a["trust_id"], &a["school_urn"]) != (&b["trust_id"], &b["school_urn"]) {
            continue;
        }
        let (ua, ub): (u32, u32) = (a["urgency"].parse().unwrap(), b["urgency"].parse().unwrap());
        assert!(
            ua < ub || (ua == ub && a["due_on"] <= b["due_on"]),
            "{a:?} then {b:?}"
        );
    }
    let tasks: std::collections::BTreeSet<&str> = todo.iter().map(|r| r["task"].as_str()).collect();
    assert_eq!(
        tasks.into_iter().collect::<Vec<_>>(),
        [
            "agreement_lapsing",
            "drifting_case",
            "overdue_action",
            "policy_review_due",
            "supervision_due",
            "supervision_missed",
            "training_lapsing"
        ],
        "the sample has every kind of task"
    );
}

#[test]
fn the_todo_page_words_every_row_for_the_lead_alone() {
    // Spec 03: "restricted/todo.html, todo.pdf and todo.csv"; the page is the CSV's rows
    // in words, per school, readable by the owner only like every restricted file.
    let work = sample_report();
    let out = work.path().join("out");
    let path = out.join("restricted/todo.html");
    let html = std::fs::read_to_string(&path).unwrap();
    let text = crate::packs::document_text(&html);
    let todo = csv_rows(&out.join("restricted/todo.csv"));
    for row in &todo {
        if !row["display_name"].is_empty() {
            assert!(text.contains(&row["display_name"]), "{row:?}");
        }
        if !row["case_ref"].is_empty() {
            assert!(text.contains(&row["case_ref"]), "{row:?}");
        }
    }
    let drifting = todo.iter().filter(|r| r["task"] == "drifting_case").count();
    assert_eq!(text.matches("Drifting case: review it").count(), drifting);
    for raw in [
        "drifting_case",
        "overdue_action",
        "not_reviewed",
        "<script",
        "http",
    ] {
        assert!(!html.contains(raw), "{raw} in the page");
    }
    // The PDF twin: the same rows (each_pdf_pack_says_what_its_html_pack_says compares
    // the two's text), readable by the owner only too.
    let pdf = out.join("restricted/todo.pdf");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    #[cfg(unix)]
    for file in [&path, &pdf] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{}: owner only: {mode:o}", file.display());
    }
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("restricted/todo.html"));
    assert!(manifest.contains("restricted/todo.pdf"));
}
