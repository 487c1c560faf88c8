//! Mock control portal pages: component gallery, home, exercise control, scenario editor,
//! media library, after-action report and sign-in.

mod control;
mod editor;
mod gallery;
mod matrix;
mod media;
mod report;
mod rows;

pub use control::{exercise_control, home};
pub use editor::scenario_editor;
pub use gallery::components;
pub use media::media_library;
pub use report::{report, sign_in};
