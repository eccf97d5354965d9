//! The figures a reader wants first: where the chosen scenario ends up.

use crate::engine::number::{format_count, format_money};
use crate::engine::projection::MonthResult;
use leptos::prelude::*;

#[component]
pub fn Headline(
    #[prop(into)] figures: Signal<Option<MonthResult>>,
    /// The scenario the figures belong to.
    #[prop(into)]
    scenario: Signal<String>,
    #[prop(into)] currency: Signal<String>,
) -> impl IntoView {
    let card = move |label: &'static str,
                     show: fn(&MonthResult, &str) -> String,
                     test_id: &'static str| {
        view! {
            <div class="headline-card">
                <p class="headline-label">{label}</p>
                <p class="headline-value" data-test=test_id>
                    {move || {
                        figures
                            .get()
                            .map(|figures| show(&figures, &currency.get()))
                            .unwrap_or_else(|| "—".into())
                    }}
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
                {card("Users", |f, _| format_count(f.users), "headline-users")}
                {card("Monthly cost", |f, c| format_money(f.total_cost, c), "headline-cost")}
                {card("Cumulative cost", |f, c| format_money(f.cumulative_cost, c), "headline-cumulative")}
                {card(
                    "Cost per user",
                    |f, c| f.cost_per_user.map_or_else(|| "—".into(), |v| format_money(v, c)),
                    "headline-per-user",
                )}
            </div>
        </section>
    }
}
