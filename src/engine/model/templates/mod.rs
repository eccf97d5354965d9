//! The built-in templates: one complete plan per seed document, shipped as
//! data files and loaded through the same validation as a user's plan.

use crate::engine::model::document::{load_plan, LoadError};
use crate::engine::model::validate::ValidPlan;

pub struct Template {
    pub id: &'static str,
    /// How the app's template picker names it.
    pub title: &'static str,
    pub summary: &'static str,
    pub json: &'static str,
}

pub const TEMPLATES: [Template; 5] = [
    Template {
        id: "managed-saas",
        title: "Managed SaaS, 12 months (seed 000)",
        summary: "Seed 000: managed services (Supabase, Redis, Vercel, OpenAI), compound growth, 3 scenarios",
        json: WORKED_EXAMPLE_JSON,
    },
    Template {
        id: "microservices-aws",
        title: "Microservices on AWS (seed 001)",
        summary: "Seed 001: microservices on AWS, 50K to 500K users by milestones",
        json: include_str!("microservices-aws.json"),
    },
    Template {
        id: "quarterly-service",
        title: "Service doubling each quarter (seed 002)",
        summary: "Seed 002: a service doubling each quarter, app instances and PostgreSQL",
        json: include_str!("quarterly-service.json"),
    },
    Template {
        id: "lean-mvp",
        title: "Lean MVP to break-even (seed 003)",
        summary: "Seed 003: a lean MVP with linear and S-curve growth, revenue and break-even",
        json: include_str!("lean-mvp.json"),
    },
    Template {
        id: "realtime-platform",
        title: "Real-time platform, 24 months (seed 004)",
        summary: "Seed 004: a real-time platform over 24 months, 1K/10K/100K tiers, declining growth",
        json: include_str!("realtime-platform.json"),
    },
];

/// The template the app opens on.
pub const DEFAULT_TEMPLATE: &str = "managed-saas";
/// Its text on its own, so a module that needs only the worked example (the
/// page's first look) does not carry every template.
const WORKED_EXAMPLE_JSON: &str = include_str!("managed-saas.json");

pub fn find(id: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|template| template.id == id)
}

/// Loads a template by id, through the same checks as any plan.
pub fn load(id: &str) -> Option<Result<ValidPlan, LoadError>> {
    find(id).map(|template| load_plan(template.json))
}

/// The worked example the app opens on. Built-in data, checked by the tests
/// below; an error here is a bug in a template, reported rather than panicking.
pub fn worked_example() -> Result<ValidPlan, LoadError> {
    load_plan(WORKED_EXAMPLE_JSON)
}

/// A plan with one scenario and nothing else, to build from scratch.
pub fn blank() -> Result<ValidPlan, LoadError> {
    load_plan(
        r#"{"schema": 5, "name": "Untitled plan", "horizon_months": 12, "baseline_users": 100,
            "scenarios": [{"name": "Base", "growth": {"model": "compound", "growth": 0.1, "churn": 0.03}}]}"#,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_blank_plan_is_valid_and_empty() {
        let blank = super::blank().unwrap();
        assert_eq!(blank.plan().scenarios.len(), 1);
        assert!(blank.plan().components.is_empty() && blank.plan().costs.is_empty());
    }

    use super::*;
    use crate::engine::analyse::scenario::project;

    #[test]
    fn every_template_validates_and_projects_ten_years() {
        for template in &TEMPLATES {
            let plan = load(template.id)
                .expect("listed")
                .unwrap_or_else(|error| panic!("{}: {error}", template.id));
            let ten_years = plan
                .with_overrides(Some(120), None)
                .expect("a 120-month horizon is valid");
            let projection = project(&ten_years);
            for scenario in &projection.scenarios {
                assert_eq!(
                    scenario.stopped, None,
                    "{} / {}",
                    template.id, scenario.name
                );
                assert_eq!(
                    scenario.months.len(),
                    121,
                    "{} / {}",
                    template.id,
                    scenario.name
                );
                for month in &scenario.months {
                    assert!(month.users.is_finite() && month.total_cost.is_finite());
                    assert!(month.metrics.iter().all(|v| v.is_finite()));
                    for sizing in &month.components {
                        assert!(sizing.utilization.is_finite() && sizing.utilization >= 0.0);
                    }
                    // The only flags allowed: honest ones about capacity, budget and implausible growth.
                    for flag in &month.flags {
                        assert!(
                            flag.contains("over capacity")
                                || flag.contains("budget")
                                || flag.contains("cap")
                                || flag.contains("population"),
                            "{}: unexpected flag {flag}",
                            template.id
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn ids_are_unique_and_the_default_exists() {
        let mut ids: Vec<&str> = TEMPLATES.iter().map(|t| t.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), TEMPLATES.len());
        assert!(worked_example().is_ok());
    }

    #[test]
    fn the_worked_example_is_the_default_template() {
        let default = load(DEFAULT_TEMPLATE).expect("listed").expect("valid");
        let example = worked_example().expect("valid");
        assert_eq!(example.plan(), default.plan());
    }
}
