//! The figures a reader wants first: where the chosen scenario ends up.

use crate::engine::number::{format_compact, format_count, format_megabytes};
use crate::engine::projection::MonthFigures;
use leptos::prelude::*;

#[component]
pub fn Headline(
    #[prop(into)] figures: Signal<Option<MonthFigures>>,
    /// The scenario the figures belong to.
    #[prop(into)]
    scenario: Signal<String>,
) -> impl IntoView {
    let card =
        move |label: &'static str, show: fn(&MonthFigures) -> String, test_id: &'static str| {
            view! {
                <div class="headline-card">
                    <p class="headline-label">{label}</p>
                    <p class="headline-value" data-test=test_id>
                        {move || figures.get().as_ref().map(show).unwrap_or_else(|| "—".into())}
                    </p>
                </div>
            }
        };
    view! {
        <section class="headlines" aria-label="Headline figures">
            <p class="headline-month">
                {move || {
                    figures
                        .get()
                        .map(|figures| format!("{} scenario at month {}", scenario.get(), figures.month))
                        .unwrap_or_default()
                }}
            </p>
            <div class="headline-grid">
                {card("Users", |figures| format_count(figures.users), "headline-users")}
                {card(
                    "Daily requests",
                    |figures| format_compact(figures.daily_requests),
                    "headline-requests",
                )}
                {card("Database size", |figures| format_megabytes(figures.db_size_mb), "headline-db")}
                {card("Cache memory", |figures| format_megabytes(figures.cache_mb), "headline-cache")}
            </div>
        </section>
    }
}
