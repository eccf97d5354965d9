//! The month-by-month projection of one scenario, as in seed 000's
//! "12-Month Projection" table.

use crate::engine::number::{format_count, format_megabytes};
use crate::engine::projection::ScenarioProjection;
use leptos::prelude::*;

#[component]
pub fn MonthTable(#[prop(into)] scenario: Signal<Option<ScenarioProjection>>) -> impl IntoView {
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
                        <th scope="col">"Daily requests"</th>
                        <th scope="col">"Database"</th>
                        <th scope="col">"Cache"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        scenario
                            .get()
                            .map(|scenario| {
                                scenario
                                    .months
                                    .into_iter()
                                    .map(|figures| {
                                        view! {
                                            <tr data-month=figures.month>
                                                <th scope="row">{figures.month}</th>
                                                <td>{format_count(figures.users)}</td>
                                                <td>{format_count(figures.daily_requests)}</td>
                                                <td>{format_megabytes(figures.db_size_mb)}</td>
                                                <td>{format_megabytes(figures.cache_mb)}</td>
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
