//! Paged lists: `?limit=&offset=` in, `{items, total, limit, offset}` out.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size.
pub const MAX_LIMIT: u32 = 500;

/// Which page of a list to return.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page (1–500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// Items to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<u64>,
}

impl PageParams {
    /// The store's paging, or 400 naming the bad value.
    pub fn paging(&self) -> Result<scip_store::Paging, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ApiError::bad_request(format!(
                "limit {limit} is outside 1–{MAX_LIMIT}"
            )));
        }
        let offset = self.offset.unwrap_or(0);
        if offset > i64::MAX as u64 {
            return Err(ApiError::bad_request(format!(
                "offset {offset} is too large"
            )));
        }
        Ok(scip_store::Paging::new(limit, offset))
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items the whole list holds.
    pub total: u64,
    /// The page size used.
    pub limit: u32,
    /// How many items were skipped.
    pub offset: u64,
}

impl<T> Page<T> {
    /// A page of `items` out of `total`, for `paging`.
    pub fn new(items: Vec<T>, total: u64, paging: scip_store::Paging) -> Self {
        Self {
            items,
            total,
            limit: paging.limit,
            offset: paging.offset,
        }
    }

    /// A page cut out of a whole list held in memory.
    pub fn slice(all: Vec<T>, paging: scip_store::Paging) -> Self {
        let total = all.len() as u64;
        let items = all
            .into_iter()
            .skip(usize::try_from(paging.offset).unwrap_or(usize::MAX))
            .take(paging.limit as usize)
            .collect();
        Self::new(items, total, paging)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_outside_the_range_are_refused() {
        assert!(
            PageParams {
                limit: Some(0),
                offset: None
            }
            .paging()
            .is_err()
        );
        assert!(
            PageParams {
                limit: Some(501),
                offset: None
            }
            .paging()
            .is_err()
        );
        assert!(
            PageParams {
                limit: None,
                offset: Some(u64::MAX)
            }
            .paging()
            .is_err()
        );
        assert_eq!(PageParams::default().paging().unwrap().limit, DEFAULT_LIMIT);
    }

    #[test]
    fn slices_follow_offset_and_limit() {
        let page = Page::slice((0..10).collect(), scip_store::Paging::new(3, 8));
        assert_eq!(page.items, vec![8, 9]);
        assert_eq!(page.total, 10);
    }
}
