//! The switch between the seeds' milestone months and every month, shared
//! by the month-by-month, sizing and cost tables.

use super::ShowAllMonths;
use leptos::prelude::*;

#[component]
pub fn MonthsSwitch() -> impl IntoView {
    let all = expect_context::<ShowAllMonths>().0;
    let button = move |label: &'static str, value: bool| {
        view! {
            <button
                type="button"
                class="toggle"
                aria-pressed=move || if all.get() == value { "true" } else { "false" }
                on:click=move |_| all.set(value)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="toggle-group" role="group" aria-label="Months shown">
            {button("Milestone months", false)}
            {button("All months", true)}
        </div>
    }
}
