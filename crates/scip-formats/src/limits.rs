//! Caps on what an input may hold, and the running count that enforces them.

use crate::error::FormatError;

/// Caps on what an input may hold, so that a zip bomb or a mistaken folder cannot exhaust
/// memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most files in one input.
    pub max_files: usize,
    /// Most bytes in one input, counted uncompressed.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    /// 10,000 files and 1 GiB.
    fn default() -> Self {
        Self {
            max_files: 10_000,
            max_total_bytes: 1 << 30,
        }
    }
}

/// Counts files and bytes against [`Limits`].
pub(crate) struct Budget {
    container: String,
    limits: Limits,
    files: usize,
    bytes: u64,
}

impl Budget {
    pub(crate) fn new(container: &str, limits: Limits) -> Self {
        Self {
            container: container.to_owned(),
            limits,
            files: 0,
            bytes: 0,
        }
    }

    /// Accounts for one more file of `size` bytes, or says which limit it breaks.
    pub(crate) fn take(&mut self, name: &str, size: u64) -> Result<(), FormatError> {
        self.files += 1;
        if self.files > self.limits.max_files {
            return Err(FormatError::TooLarge {
                container: self.container.clone(),
                reason: format!("holds more than {} files", self.limits.max_files),
            });
        }
        self.bytes = self.bytes.saturating_add(size);
        if self.bytes > self.limits.max_total_bytes {
            return Err(FormatError::TooLarge {
                container: self.container.clone(),
                reason: format!(
                    "holds more than {} bytes once unpacked (reached at {name:?})",
                    self.limits.max_total_bytes
                ),
            });
        }
        Ok(())
    }

    /// Bytes still allowed.
    pub(crate) fn remaining(&self) -> u64 {
        self.limits.max_total_bytes.saturating_sub(self.bytes)
    }
}
