//! Media: checking what files really are ([`sniff`]) and the library that stores them
//! ([`library`]).

pub mod library;
pub mod sniff;

pub use library::{MediaError, MediaLibrary};
