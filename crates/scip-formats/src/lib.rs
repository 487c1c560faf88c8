//! SCIP scenario formats: reading and writing scenarios without a database.
//!
//! Every reader returns a [`Loaded`]: the scenario (when one could be built), its media
//! files and one [`scip_core::Report`] with every reading and validation problem, each naming
//! its file, row, team, inject and field. [`load_path`] and [`load_files`] pick the reader;
//! [`write_path`] and [`to_bytes`] write any output format.
//!
//! - [`fileset`]: in-memory file sets (a folder, a zip, uploaded files).
//! - [`source`]: where readers fetch files from (file sets, folders on disk, lookups).
//! - [`limits`]: caps on files and bytes, against zip bombs.
//! - [`archive`]: zip reading with traversal and zip-bomb checks, and zip writing.
//! - [`path`]: entry names reduced to safe relative paths.
//! - [`detect`]: which format an input holds.
//! - [`bundle`]: the canonical bundle (`scenario.yaml`, `teams/`, `media/`).
//! - [`v3`]: SCIP v3 legacy JSON import.
//! - [`msel`]: MSEL spreadsheets, CSV and XLSX.
//! - [`load`], [`save`]: any format from a path or file set, to a path or bytes.
//! - [`loaded`]: the result of reading.
//! - [`error`]: inputs that cannot be read, outputs that cannot be written.

pub mod archive;
pub mod bundle;
pub mod detect;
pub mod error;
pub mod fileset;
pub mod limits;
pub mod load;
pub mod loaded;
pub mod msel;
pub mod path;
pub mod save;
pub mod source;
pub mod v3;

pub use detect::Format;
pub use error::FormatError;
pub use fileset::FileSet;
pub use limits::Limits;
pub use load::{LoadOptions, load_files, load_path};
pub use loaded::Loaded;
pub use save::{OutputFormat, Written, to_bytes, write_path};
pub use source::{FileSource, Folder, Lookup};
