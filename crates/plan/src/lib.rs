//! Planning: the local children's workforce strategy (docs/definitions.md §9) — the CWDC suggested framework's
//! sections, SWOT proposals from the figures, SMART objectives, the action plan, the risk
//! register, resources and pooling, the toolkit checklist and the board progress review.
//! Pure rules, no IO: the store keeps them and the web application edits them.

pub mod actions;
pub mod checklist;
pub mod framework;
pub mod resources;
pub mod review;
pub mod risks;
pub mod smart;
pub mod swot;
