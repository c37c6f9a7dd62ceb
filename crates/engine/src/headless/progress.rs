//! The progress lines `castwright produce` writes on standard error as the run goes.

use std::io::Write;

use crate::pipeline::ProgressEvent;

pub(super) fn progress(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

pub(super) fn print_progress(ev: &ProgressEvent) {
    match ev {
        ProgressEvent::StageStarted {
            stage,
            reused: true,
            ..
        } => progress(&format!(
            "{}: reusing the finished output ($0.00)",
            stage.label()
        )),
        ProgressEvent::StageStarted { stage, models, .. } => progress(&format!(
            "{}: starting ({})",
            stage.label(),
            models.join(" → ")
        )),
        ProgressEvent::AttemptFailed { stage, message, .. }
        | ProgressEvent::ModelsChanged { stage, message, .. } => {
            progress(&format!("{}: {message}", stage.label()))
        }
        ProgressEvent::StageFinished {
            stage,
            cost_usd,
            model,
            words,
            cached: false,
        } => progress(&format!(
            "{}: done — {} words, {} ({})",
            stage.label(),
            words,
            crate::money::display_usd(cost_usd.parse().unwrap_or_default()),
            model.as_deref().unwrap_or("no model")
        )),
        ProgressEvent::BudgetWarning {
            spent_usd,
            limit_usd,
        } => progress(&format!(
            "warning: this episode has spent {} of its {} limit",
            crate::money::display_usd(spent_usd.parse().unwrap_or_default()),
            crate::money::display_usd(limit_usd.parse().unwrap_or_default())
        )),
        _ => {}
    }
}
