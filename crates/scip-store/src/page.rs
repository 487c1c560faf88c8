//! Paged lists: what the caller asks for and what it gets back.

use serde::Serialize;

use crate::error::{StoreError, StoreResult};

/// A window into a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// At most this many items (1–[`Paging::MAX_LIMIT`]).
    pub limit: u32,
    /// Skip this many first.
    pub offset: u64,
}

impl Paging {
    /// The largest page.
    pub const MAX_LIMIT: u32 = 10_000;

    /// The first `limit` items.
    pub fn first(limit: u32) -> Self {
        Self { limit, offset: 0 }
    }

    /// `limit` items after skipping `offset`.
    pub fn new(limit: u32, offset: u64) -> Self {
        Self { limit, offset }
    }

    /// `(limit, offset)` ready to bind; refuses a zero or oversized limit.
    pub(crate) fn bounds(self) -> StoreResult<(i64, i64)> {
        if self.limit == 0 || self.limit > Self::MAX_LIMIT {
            return Err(StoreError::Invalid(format!(
                "page size {} is outside 1–{}",
                self.limit,
                Self::MAX_LIMIT
            )));
        }
        let offset = i64::try_from(self.offset).map_err(|_| {
            StoreError::Invalid(format!("page offset {} is too large", self.offset))
        })?;
        Ok((i64::from(self.limit), offset))
    }
}

impl Default for Paging {
    fn default() -> Self {
        Self::first(50)
    }
}

/// One page of a list and the size of the whole list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items the whole list holds.
    pub total: u64,
}
