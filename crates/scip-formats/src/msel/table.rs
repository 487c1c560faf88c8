//! A sheet as rows of cells, with spreadsheet row numbers.

use super::cell::Cell;

/// One row of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// Row number as the spreadsheet shows it (1-based).
    pub number: usize,
    /// Cells from the sheet's first column.
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell at `index`, empty beyond the row's end.
    pub(crate) fn cell(&self, index: usize) -> &Cell {
        self.cells.get(index).unwrap_or(&Cell::Empty)
    }

    /// True when every cell is empty.
    pub(crate) fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_empty)
    }
}

/// A sheet: its name (for messages) and its rows; the first non-blank row is the header.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Table {
    /// Rows in order, blank ones included.
    pub rows: Vec<Row>,
}

impl Table {
    /// The header row and the rows after it, skipping blank rows before the header.
    pub(crate) fn split_header(&self) -> Option<(&Row, &[Row])> {
        let start = self.rows.iter().position(|r| !r.is_blank())?;
        Some((&self.rows[start], &self.rows[start + 1..]))
    }
}
