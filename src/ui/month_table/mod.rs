//! The month-by-month projection of one scenario: users, every metric and
//! the cost, as in seed 000's "12-Month Projection" table.

use crate::engine::number::{format_count, format_figure, format_money};
use crate::engine::plan::Metric;
use crate::engine::projection::ScenarioProjection;
use leptos::prelude::*;

#[component]
pub fn MonthTable(
    #[prop(into)] scenario: Signal<Option<ScenarioProjection>>,
    #[prop(into)] metrics: Signal<Vec<Metric>>,
    #[prop(into)] currency: Signal<String>,
) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Month-by-month projection">
            <table class="month-table" data-test="month-table">
                <caption>
                    {move || {
                        scenario
                            .get()
                            .map(|scenario| format!("{} scenario, month by month", scenario.name))
                            .unwrap_or_default()
                    }}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Month"</th>
                        <th scope="col">"Users"</th>
                        {move || {
                            metrics
                                .get()
                                .into_iter()
                                .map(|metric| view! { <th scope="col">{metric.name.replace('_', " ")}</th> })
                                .collect_view()
                        }}
                        <th scope="col">"Monthly cost"</th>
                        <th scope="col">"Cumulative"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let units: Vec<String> = metrics.get().into_iter().map(|m| m.unit).collect();
                        let currency = currency.get();
                        scenario
                            .get()
                            .map(|scenario| {
                                scenario
                                    .months
                                    .into_iter()
                                    .map(|month| {
                                        let cells = month
                                            .metrics
                                            .iter()
                                            .zip(&units)
                                            .map(|(value, unit)| view! { <td>{format_figure(*value, unit)}</td> })
                                            .collect_view();
                                        view! {
                                            <tr data-month=month.month>
                                                <th scope="row">{month.month}</th>
                                                <td>{format_count(month.users)}</td>
                                                {cells}
                                                <td>{format_money(month.total_cost, &currency)}</td>
                                                <td>{format_money(month.cumulative_cost, &currency)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()
                            })
                    }}
                </tbody>
            </table>
        </div>
    }
}
