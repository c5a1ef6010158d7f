//! The loaded engine, shared by the page's components. The engine is taken out of its slot while a
//! request runs, so a second request can never interleave with the first.

use std::cell::RefCell;
use webslm::Engine;

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// Takes the engine for one request; `None` when no model is loaded or a request is running.
pub fn take() -> Option<Engine> {
    ENGINE.with(|slot| slot.borrow_mut().take())
}

/// Puts the engine back (or installs a newly loaded one, dropping the old one's GPU memory).
pub fn put(engine: Engine) {
    ENGINE.with(|slot| *slot.borrow_mut() = Some(engine));
}

pub fn unload() {
    ENGINE.with(|slot| slot.borrow_mut().take());
}
