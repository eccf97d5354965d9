//! The open plan and its history, shared as context: every editor input
//! commits through [`PlanState::edit`] or [`PlanState::act`], so one place
//! validates, records undo steps and keeps the last good plan.

use crate::editor::{Action, Field, History};
use crate::engine::model::validate::ValidPlan;
use leptos::prelude::*;
use std::collections::HashMap;

/// Undo steps kept; older ones fall off.
const UNDO_LIMIT: usize = 200;

#[derive(Clone, Copy)]
pub struct PlanState {
    /// The last good plan: always valid, the projection's only input.
    pub plan: RwSignal<ValidPlan>,
    /// Bumped when the plan changes other than by typing into a field (undo,
    /// redo, a template, an action), so fields drop what they were showing.
    pub revision: RwSignal<u64>,
    /// The scenario the editor and results show.
    pub selected: RwSignal<usize>,
    pub can_undo: RwSignal<bool>,
    pub can_redo: RwSignal<bool>,
    history: StoredValue<History<ValidPlan, Field>>,
    /// What the editor's fields show follows these rather than the plan:
    /// a number typed into a field changes what that field alone shows
    /// ([`Field::shows_only_itself`]), so only its own trigger fires, and
    /// any other change fires `fields_changed`. With the fields reading the
    /// plan itself, every keystroke re-ran 150-odd fields, each leaving and
    /// rejoining the plan's list of subscribers.
    fields_changed: Trigger,
    field_triggers: StoredValue<HashMap<Field, ArcTrigger>>,
}

impl PlanState {
    pub fn new(plan: ValidPlan, selected: usize) -> Self {
        let last = plan.plan().scenarios.len().saturating_sub(1);
        PlanState {
            plan: RwSignal::new(plan),
            revision: RwSignal::new(0),
            selected: RwSignal::new(selected.min(last)),
            can_undo: RwSignal::new(false),
            can_redo: RwSignal::new(false),
            history: StoredValue::new(History::new(UNDO_LIMIT)),
            fields_changed: Trigger::new(),
            field_triggers: StoredValue::new(HashMap::new()),
        }
    }

    /// Subscribes the running memo to what `field` shows: changes to the
    /// plan that may change it (see [`PlanState::fields_changed`]).
    pub fn track_field(&self, field: Field) {
        self.fields_changed.track();
        let own = self
            .field_triggers
            .try_update_value(|triggers| triggers.entry(field).or_default().clone());
        if let Some(own) = own {
            own.track();
        }
    }

    /// Tells the fields the plan changed: only `field`, when a number typed
    /// into it changed nothing else they show; otherwise all of them.
    fn fields_follow(&self, field: Option<Field>) {
        let own = field.and_then(|field| {
            self.field_triggers
                .try_with_value(|triggers| triggers.get(&field).cloned())
                .flatten()
        });
        match (field, own) {
            (Some(_), Some(own)) => own.notify(),
            // No field shows it: nothing to tell.
            (Some(_), None) => {}
            (None, _) => self.fields_changed.notify(),
        }
    }

    /// Sets `field` from typed `text`; the message to show beside it if the
    /// plan would not be valid.
    pub fn edit(&self, field: Field, text: &str) -> Result<(), String> {
        let edited = self.plan.with_untracked(|p| field.apply(p.plan(), text))?;
        self.commit(edited, Some(field));
        Ok(())
    }

    /// Applies a structural change; the message to show beside its button if
    /// it cannot be made.
    pub fn act(&self, action: &Action) -> Result<(), String> {
        let edited = self.plan.with_untracked(|p| action.apply(p.plan()))?;
        self.commit(edited, None);
        self.revision.update(|r| *r += 1);
        Ok(())
    }

    /// Replaces the plan with one made elsewhere (an import of actuals, a
    /// fitted scenario, a re-forecast): one undo step.
    pub fn replace(&self, plan: ValidPlan) {
        self.commit(plan, None);
        self.revision.update(|r| *r += 1);
    }

    /// Opens another plan (from the library, a template, a file, another
    /// tab): its own history starts empty.
    pub fn open(&self, plan: ValidPlan, selected: Option<usize>) {
        self.history.set_value(History::new(UNDO_LIMIT));
        self.plan.set(plan);
        self.fields_follow(None);
        if let Some(selected) = selected {
            self.selected.set(selected);
        }
        self.clamp_selected();
        self.sync_flags();
        self.revision.update(|r| *r += 1);
    }

    /// Ends the current typing step (a field lost focus).
    pub fn seal(&self) {
        self.history.update_value(History::seal);
    }

    pub fn undo(&self) {
        let present = self.plan.get_untracked();
        if let Some(previous) = self.history.try_update_value(|h| h.undo(present)).flatten() {
            self.restore(previous);
        }
    }

    pub fn redo(&self) {
        let present = self.plan.get_untracked();
        if let Some(next) = self.history.try_update_value(|h| h.redo(present)).flatten() {
            self.restore(next);
        }
    }

    fn restore(&self, plan: ValidPlan) {
        self.plan.set(plan);
        self.fields_follow(None);
        self.clamp_selected();
        self.sync_flags();
        self.revision.update(|r| *r += 1);
    }

    fn commit(&self, edited: ValidPlan, field: Option<Field>) {
        let previous = self.plan.get_untracked();
        let only = field.filter(|field| field.shows_only_itself(previous.plan()));
        self.history
            .update_value(|history| history.record(previous, field));
        self.plan.set(edited);
        self.fields_follow(only);
        self.clamp_selected();
        self.sync_flags();
    }

    fn clamp_selected(&self) {
        let last = self
            .plan
            .with_untracked(|p| p.plan().scenarios.len().saturating_sub(1));
        if self.selected.get_untracked() > last {
            self.selected.set(last);
        }
    }

    fn sync_flags(&self) {
        let (undo, redo) = self.history.with_value(|h| (h.can_undo(), h.can_redo()));
        if self.can_undo.get_untracked() != undo {
            self.can_undo.set(undo);
        }
        if self.can_redo.get_untracked() != redo {
            self.can_redo.set(redo);
        }
    }
}
