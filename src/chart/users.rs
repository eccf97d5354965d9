//! Users per scenario, month by month.

use super::{series_colour, ChartStyle, GRID, INK};
use crate::engine::number::format_compact;
use crate::engine::projection::Projection;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Draws one line per scenario; the `highlighted` scenario is drawn thicker
/// and last, so it reads as the one the table below shows.
pub fn draw_users_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    projection: &Projection,
    highlighted: usize,
    style: ChartStyle,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let horizon = projection
        .scenarios
        .iter()
        .map(|scenario| scenario.months.len().saturating_sub(1))
        .max()
        .unwrap_or(0)
        .max(1) as u32;
    let peak = projection
        .scenarios
        .iter()
        .flat_map(|scenario| scenario.months.iter().map(|figures| figures.users))
        .filter(|users| users.is_finite())
        .fold(0.0_f64, f64::max);
    let y_top = if peak > 0.0 { peak * 1.08 } else { 1.0 };

    let label_font = ("sans-serif", style.px(12.0)).into_font().color(&INK);
    let mut chart = ChartBuilder::on(area)
        .margin(style.px(12.0))
        .x_label_area_size(style.px(34.0))
        .y_label_area_size(style.px(52.0))
        .build_cartesian_2d(0u32..horizon, 0.0..y_top)?;
    chart
        .configure_mesh()
        .light_line_style(GRID.mix(0.0))
        .bold_line_style(GRID)
        .axis_style(INK.mix(0.6))
        .x_labels((horizon as usize + 1).min(13))
        .y_labels(6)
        .label_style(label_font.clone())
        .axis_desc_style(label_font)
        .x_desc("Month")
        .y_desc("Users")
        .x_label_formatter(&|month| month.to_string())
        .y_label_formatter(&|users| format_compact(*users))
        .draw()?;

    let points = |index: usize| {
        projection.scenarios[index]
            .months
            .iter()
            .filter(|figures| figures.users.is_finite())
            .map(|figures| (figures.month, figures.users))
    };
    // Every scenario in plan order (so the legend keeps that order) ...
    for (index, scenario) in projection.scenarios.iter().enumerate() {
        let colour = series_colour(index);
        let swatch = style.px(3.0);
        chart
            .draw_series(LineSeries::new(
                points(index),
                colour.stroke_width(style.px(1.5)),
            ))?
            .label(scenario.name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(swatch))
            });
    }
    // ... then the highlighted one again, thicker, on top of the others.
    if highlighted < projection.scenarios.len() {
        chart.draw_series(LineSeries::new(
            points(highlighted),
            series_colour(highlighted).stroke_width(style.px(3.0)),
        ))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(GRID)
        .label_font(("sans-serif", style.px(12.0)).into_font().color(&INK))
        .draw()?;
    area.present()
}

// Native only: the SVG backend is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::plan::{Growth, Plan};
    use crate::engine::projection::project;
    use crate::engine::templates::worked_example;
    use crate::engine::validate::validate;

    fn example() -> Plan {
        worked_example()
            .expect("the worked example loads")
            .plan()
            .clone()
    }

    fn render(plan: &Plan, highlighted: usize) -> String {
        let projection = project(&validate(plan).expect("valid"));
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (640, 320)).into_drawing_area();
            draw_users_chart(&root, &projection, highlighted, ChartStyle::default()).unwrap();
        }
        svg
    }

    #[test]
    fn draws_a_labelled_line_per_scenario() {
        let svg = render(&example(), 1);
        for name in ["Conservative", "Moderate", "Aggressive", "Month", "Users"] {
            assert!(svg.contains(name), "{name} missing from the chart");
        }
        // Each scenario's colour strokes its data line and its legend swatch.
        for index in 0..3 {
            let colour = super::super::series_colour(index);
            let stroke = format!(
                "stroke=\"#{:02X}{:02X}{:02X}\"",
                colour.0, colour.1, colour.2
            );
            // The highlighted scenario (1) is drawn a second time, thicker, on top.
            let expected = if index == 1 { 3 } else { 2 };
            assert_eq!(svg.matches(&stroke).count(), expected, "scenario {index}");
        }
    }

    #[test]
    fn changing_growth_changes_the_drawing() {
        let mut plan = example();
        let before = render(&plan, 1);
        plan.scenarios[1].growth = Growth::Compound {
            growth: 0.30.into(),
            churn: 0.08.into(),
        };
        assert_ne!(before, render(&plan, 1));
    }

    #[test]
    fn axis_labels_are_compact() {
        // Aggressive reaches 5,669 users: the axis reads in thousands.
        let svg = render(&example(), 0);
        for label in ["\n2k\n", "\n4k\n", "\n6k\n"] {
            assert!(svg.contains(label), "{label} missing");
        }
    }
}
