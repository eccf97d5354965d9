//! Undo and redo over whole plans.
//!
//! Typing into one field is one step, not one per keystroke: consecutive
//! edits of the same field coalesce until something else happens (another
//! field, a structural action, or the field losing focus).

/// Past and future states around the present one, which the caller keeps.
#[derive(Debug, Clone)]
pub struct History<T, K> {
    past: Vec<T>,
    future: Vec<T>,
    /// The field of the last recorded edit, while its typing continues.
    typing: Option<K>,
    limit: usize,
}

impl<T, K: PartialEq> History<T, K> {
    pub fn new(limit: usize) -> Self {
        History {
            past: Vec::new(),
            future: Vec::new(),
            typing: None,
            limit: limit.max(1),
        }
    }

    /// Records that `previous` is being replaced by an edit of `field`
    /// (`None`: a structural action, never coalesced).
    pub fn record(&mut self, previous: T, field: Option<K>) {
        self.future.clear();
        let continues = field.is_some() && field == self.typing;
        self.typing = field;
        if continues {
            return;
        }
        self.past.push(previous);
        if self.past.len() > self.limit {
            self.past.remove(0);
        }
    }

    /// Ends the current typing, so the next edit is a step of its own.
    pub fn seal(&mut self) {
        self.typing = None;
    }

    /// The state before `present`, if any; `present` becomes redoable.
    pub fn undo(&mut self, present: T) -> Option<T> {
        let previous = self.past.pop()?;
        self.future.push(present);
        self.typing = None;
        Some(previous)
    }

    /// The state undone last, if any; `present` becomes undoable.
    pub fn redo(&mut self, present: T) -> Option<T> {
        let next = self.future.pop()?;
        self.past.push(present);
        self.typing = None;
        Some(next)
    }

    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.future.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_in_one_field_is_one_step() {
        let mut history = History::new(10);
        let mut present = 0;
        for (field, value) in [("a", 1), ("a", 12), ("a", 123), ("b", 5)] {
            history.record(present, Some(field));
            present = value;
        }
        assert_eq!(history.undo(present), Some(123));
        assert_eq!(
            history.undo(123),
            Some(0),
            "a's three keystrokes undo together"
        );
        assert_eq!(history.undo(0), None);
        assert_eq!(history.redo(0), Some(123));
        assert_eq!(history.redo(123), Some(5));
        assert_eq!(history.redo(5), None);
    }

    #[test]
    fn a_new_edit_drops_the_redo_branch_and_sealing_splits_steps() {
        let mut history = History::new(10);
        history.record(0, Some("a"));
        history.seal();
        history.record(1, Some("a"));
        assert_eq!(history.undo(2), Some(1));
        history.record(1, None);
        assert!(!history.can_redo());
        assert_eq!(history.undo(7), Some(1));
        assert_eq!(history.undo(1), Some(0));
    }

    #[test]
    fn the_oldest_steps_fall_off() {
        let mut history = History::new(2);
        for value in 0..5 {
            history.record(value, None::<()>);
        }
        assert_eq!(history.undo(5), Some(4));
        assert_eq!(history.undo(4), Some(3));
        assert_eq!(history.undo(3), None);
    }
}
