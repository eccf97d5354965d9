//! Actuals in the editor: bring in what really happened (paste or open a CSV
//! file, with a preview before anything changes), fix it month by month in a
//! grid, refit the growth to it, and re-forecast from the last actual month.

mod grid;
mod import;
mod refit;

pub use grid::ActualsGrid;
pub use import::ImportActuals;
pub use refit::{FitActuals, Reforecast};

use leptos::prelude::*;

/// The editor's "Actuals" section body.
#[component]
pub fn Actuals() -> impl IntoView {
    view! {
        <p class="section-note">
            "What really happened, month by month: users, any metric, a cost line's cost or the total cost. Months before month 0 are history; the results compare every actual inside the horizon with the plan."
        </p>
        <ImportActuals />
        <ActualsGrid />
        <FitActuals />
        <Reforecast />
    }
}
