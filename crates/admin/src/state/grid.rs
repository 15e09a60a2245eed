//! Moving through the results table by keyboard: the table is one Tab stop,
//! and the arrow keys, Home, End, Page Up and Page Down move the focus from
//! cell to cell (the keyboard of a data grid; the table keeps its table
//! semantics). The table draws only the rows in view, so the focused cell is
//! kept here as a position in the rows shown, never as an element: [`Cell`],
//! the keys that move it ([`Move::from_key`]), where it lands ([`Cell::moved`],
//! [`Cell::clamped`]), how far the table scrolls to show it
//! ([`scroll_to_show`]), and where a cell's tooltip goes ([`tip_place`]).

/// A cell of the results table: row 0 is the header row, row `k + 1` the
/// `k`-th row shown (in the shown order); `column` counts from the left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cell {
    /// 0 for the header row, `k + 1` for the `k`-th row shown.
    pub row: usize,
    /// The column, from 0.
    pub column: usize,
}

/// A move of the focused cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// One cell left (Arrow Left).
    Left,
    /// One cell right (Arrow Right).
    Right,
    /// One row up (Arrow Up).
    Up,
    /// One row down (Arrow Down).
    Down,
    /// The first cell of the row (Home).
    RowStart,
    /// The last cell of the row (End).
    RowEnd,
    /// The first cell of the first row (Ctrl+Home).
    First,
    /// The last cell of the last row (Ctrl+End).
    Last,
    /// A page of rows up (Page Up).
    PageUp,
    /// A page of rows down (Page Down).
    PageDown,
}

impl Move {
    /// The move a key makes (`key` as `KeyboardEvent.key` names it; `ctrl`
    /// when Control or Command is held); `None` for keys that do not move.
    pub fn from_key(key: &str, ctrl: bool) -> Option<Self> {
        Some(match key {
            "ArrowLeft" => Self::Left,
            "ArrowRight" => Self::Right,
            "ArrowUp" => Self::Up,
            "ArrowDown" => Self::Down,
            "Home" if ctrl => Self::First,
            "End" if ctrl => Self::Last,
            "Home" => Self::RowStart,
            "End" => Self::RowEnd,
            "PageUp" => Self::PageUp,
            "PageDown" => Self::PageDown,
            _ => return None,
        })
    }
}

impl Cell {
    /// This cell within a table of `rows` rows shown (besides the header
    /// row) and `columns` columns: the last row or column when it lies past
    /// them, as when a filter leaves fewer rows.
    pub fn clamped(self, rows: usize, columns: usize) -> Self {
        Self {
            row: self.row.min(rows),
            column: self.column.min(columns.saturating_sub(1)),
        }
    }

    /// Where `step` takes the focus from this cell, in a table of `rows`
    /// rows shown and `columns` columns, `page` rows filling its view. A
    /// move stops at the table's edges.
    pub fn moved(self, step: Move, rows: usize, columns: usize, page: usize) -> Self {
        let Self { row, column } = self.clamped(rows, columns);
        let last_column = columns.saturating_sub(1);
        let page = page.max(1);
        let (row, column) = match step {
            Move::Left => (row, column.saturating_sub(1)),
            Move::Right => (row, (column + 1).min(last_column)),
            Move::Up => (row.saturating_sub(1), column),
            Move::Down => ((row + 1).min(rows), column),
            Move::RowStart => (row, 0),
            Move::RowEnd => (row, last_column),
            Move::First => (0, 0),
            Move::Last => (rows, last_column),
            Move::PageUp => (row.saturating_sub(page), column),
            Move::PageDown => (row.saturating_add(page).min(rows), column),
        };
        Self { row, column }
    }
}

/// How many whole rows of `row_height` px fit in a view `viewport` px high
/// under a header `header` px high (at least 1): the rows Page Up and Page
/// Down move by.
pub fn page_rows(viewport: f64, header: f64, row_height: f64) -> usize {
    if row_height <= 0.0 {
        return 1;
    }
    (((viewport - header) / row_height).floor() as usize).max(1)
}

/// The scroll position that shows the `position`-th row shown (from 0)
/// whole below the sticky header, scrolling as little as possible; `None`
/// when it is in view at `scroll_top` already. Rows are `row_height` px
/// high and start under a header `header` px high, in a view `viewport` px
/// high.
pub fn scroll_to_show(
    position: usize,
    row_height: f64,
    header: f64,
    scroll_top: f64,
    viewport: f64,
) -> Option<f64> {
    let top = position as f64 * row_height;
    let bottom = top + row_height + header;
    if top < scroll_top {
        Some(top)
    } else if bottom > scroll_top + viewport {
        Some((bottom - viewport).max(0.0))
    } else {
        None
    }
}

/// Where a cell's tooltip goes in a window `width` × `height` px, for a
/// cell whose box ends at `bottom` and starts at `left` (window pixels):
/// the tip's left edge, keeping `tip_width` px inside the window, and
/// whether it fits below the cell (else it goes above).
pub fn tip_place(bottom: f64, left: f64, width: f64, height: f64, tip_width: f64) -> (f64, bool) {
    let left = left.min(width - tip_width).max(0.0);
    (left, bottom + TIP_ROOM <= height)
}

/// The room a tooltip needs below its cell, in CSS pixels.
const TIP_ROOM: f64 = 48.0;

#[cfg(test)]
mod tests {
    use super::*;

    const fn cell(row: usize, column: usize) -> Cell {
        Cell { row, column }
    }

    #[test]
    fn keys_name_their_moves() {
        assert_eq!(Move::from_key("ArrowDown", false), Some(Move::Down));
        assert_eq!(Move::from_key("ArrowLeft", true), Some(Move::Left));
        assert_eq!(Move::from_key("Home", false), Some(Move::RowStart));
        assert_eq!(Move::from_key("Home", true), Some(Move::First));
        assert_eq!(Move::from_key("End", false), Some(Move::RowEnd));
        assert_eq!(Move::from_key("End", true), Some(Move::Last));
        assert_eq!(Move::from_key("PageDown", false), Some(Move::PageDown));
        assert_eq!(Move::from_key("PageUp", false), Some(Move::PageUp));
        // Tab leaves the table; Enter and Space belong to the header's buttons.
        for key in ["Tab", "Enter", " ", "a", "Escape"] {
            assert_eq!(Move::from_key(key, false), None, "{key}");
        }
    }

    #[test]
    fn arrows_move_one_cell_and_stop_at_the_edges() {
        // 100 rows shown, 8 columns, 15 rows a page.
        let go = |from: Cell, step| from.moved(step, 100, 8, 15);
        assert_eq!(
            go(cell(0, 0), Move::Down),
            cell(1, 0),
            "from the header into the rows"
        );
        assert_eq!(go(cell(1, 0), Move::Up), cell(0, 0), "back to the header");
        assert_eq!(go(cell(0, 0), Move::Up), cell(0, 0));
        assert_eq!(go(cell(3, 2), Move::Right), cell(3, 3));
        assert_eq!(go(cell(3, 2), Move::Left), cell(3, 1));
        assert_eq!(go(cell(3, 0), Move::Left), cell(3, 0));
        assert_eq!(go(cell(3, 7), Move::Right), cell(3, 7));
        assert_eq!(go(cell(100, 4), Move::Down), cell(100, 4));
    }

    #[test]
    fn home_end_and_ctrl_go_to_the_row_and_table_ends() {
        let go = |from: Cell, step| from.moved(step, 100, 8, 15);
        assert_eq!(go(cell(42, 5), Move::RowStart), cell(42, 0));
        assert_eq!(go(cell(42, 5), Move::RowEnd), cell(42, 7));
        assert_eq!(go(cell(42, 5), Move::First), cell(0, 0));
        assert_eq!(go(cell(42, 5), Move::Last), cell(100, 7));
        assert_eq!(
            go(cell(0, 3), Move::RowEnd),
            cell(0, 7),
            "in the header row too"
        );
    }

    #[test]
    fn pages_move_by_the_rows_in_view_and_stop_at_the_ends() {
        let go = |from: Cell, step| from.moved(step, 100, 8, 15);
        assert_eq!(go(cell(1, 2), Move::PageDown), cell(16, 2));
        assert_eq!(go(cell(95, 2), Move::PageDown), cell(100, 2));
        assert_eq!(go(cell(40, 2), Move::PageUp), cell(25, 2));
        assert_eq!(go(cell(5, 2), Move::PageUp), cell(0, 2));
        // A page is at least one row.
        assert_eq!(cell(1, 0).moved(Move::PageDown, 100, 8, 0), cell(2, 0));
        // Twenty thousand rows: the last page reaches the last row.
        let mut at = cell(0, 0);
        for _ in 0..2_000 {
            at = at.moved(Move::PageDown, 20_000, 9, 15);
        }
        assert_eq!(at, cell(20_000, 0));
    }

    #[test]
    fn a_filter_that_leaves_fewer_rows_clamps_the_cell() {
        assert_eq!(cell(500, 6).clamped(20, 8), cell(20, 6));
        assert_eq!(cell(500, 10).clamped(20, 8), cell(20, 7), "fewer columns");
        assert_eq!(cell(3, 2).clamped(0, 8), cell(0, 2), "no rows: the header");
        assert_eq!(cell(3, 2).clamped(0, 0), cell(0, 0));
        // Moves start from the clamped cell.
        assert_eq!(cell(500, 6).moved(Move::Up, 20, 8, 15), cell(19, 6));
        // Nothing shown and no columns: the focus stays put.
        assert_eq!(cell(0, 0).moved(Move::Right, 0, 0, 15), cell(0, 0));
        assert_eq!(cell(0, 0).moved(Move::Down, 0, 8, 15), cell(0, 0));
    }

    #[test]
    fn a_page_is_the_whole_rows_under_the_header() {
        assert_eq!(page_rows(640.0, 40.0, 40.0), 15);
        assert_eq!(page_rows(639.0, 40.0, 40.0), 14);
        assert_eq!(
            page_rows(100.0, 40.0, 132.0),
            1,
            "a card taller than the view"
        );
        assert_eq!(page_rows(640.0, 40.0, 0.0), 1);
    }

    #[test]
    fn the_table_scrolls_as_little_as_shows_the_row() {
        // Rows of 40 px under a 40 px header, 640 px of view: rows 0..=14 in view at 0.
        assert_eq!(scroll_to_show(0, 40.0, 40.0, 0.0, 640.0), None);
        assert_eq!(scroll_to_show(14, 40.0, 40.0, 0.0, 640.0), None);
        assert_eq!(
            scroll_to_show(15, 40.0, 40.0, 0.0, 640.0),
            Some(40.0),
            "one row down"
        );
        assert_eq!(
            scroll_to_show(20_000, 40.0, 40.0, 0.0, 640.0),
            Some(799_440.0)
        );
        // Above the view: its top goes just under the header.
        assert_eq!(scroll_to_show(10, 40.0, 40.0, 1_000.0, 640.0), Some(400.0));
        assert_eq!(scroll_to_show(25, 40.0, 40.0, 1_000.0, 640.0), None);
    }

    #[test]
    fn a_tip_stays_in_the_window() {
        assert_eq!(tip_place(140.0, 50.0, 1280.0, 900.0, 320.0), (50.0, true));
        assert_eq!(
            tip_place(140.0, 1200.0, 1280.0, 900.0, 320.0),
            (960.0, true)
        );
        assert_eq!(
            tip_place(880.0, 50.0, 1280.0, 900.0, 320.0),
            (50.0, false),
            "above"
        );
        assert_eq!(tip_place(140.0, 50.0, 200.0, 900.0, 320.0), (0.0, true));
    }
}
